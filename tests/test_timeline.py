"""Timeline computation: time zones, daylight saving, quiet hours, late joiners, Friday release."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.content import Message, load, parse_timing
from bot.settings import DEFAULT_CONTENT_DIR
from bot.timeline import Facts, QuietHours, compute, most_important, nominal_time, split_missed

LONDON = ZoneInfo("Europe/London")
LISBON = ZoneInfo("Europe/Lisbon")
BERLIN = ZoneInfo("Europe/Berlin")
QUIET = QuietHours(time(22, 0), time(8, 0))


def msg(id: str, when: str, priority: str = "normal", **conditions: list[str]) -> Message:
    return Message(
        id=id,
        topic="tolerance",
        language="en",
        author="peer writer",
        reviewer="peer reviewer",
        body="text",
        file="en/timeline.yml",
        line=1,
        when=parse_timing(when),
        priority=priority,
        conditions={k: frozenset(v) for k, v in conditions.items()},
    )


def local(moment: datetime, zone: ZoneInfo = LONDON) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def test_hours_are_elapsed_time_and_days_keep_the_clock_across_dst() -> None:
    # Clocks go forward in the UK at 01:00 on Sunday 29 March 2026.
    released = datetime(2026, 3, 28, 10, 0, tzinfo=LONDON)
    assert (
        local(nominal_time(parse_timing("24 hours after"), released, LONDON)) == "2026-03-29 11:00"
    )
    assert local(nominal_time(parse_timing("1 day after"), released, LONDON)) == "2026-03-29 10:00"
    assert (
        local(nominal_time(parse_timing("day 2 at 09:00"), released, LONDON)) == "2026-03-29 09:00"
    )


def test_a_wall_time_skipped_by_dst_still_gets_sent() -> None:
    released = datetime(2026, 3, 28, 10, 0, tzinfo=LONDON)
    due = nominal_time(parse_timing("day 2 at 01:30"), released, LONDON)
    assert due.astimezone(UTC) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


def test_day_n_at_is_local_time_where_the_person_is() -> None:
    released = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
    lisbon = nominal_time(parse_timing("day 2 at 09:00"), released, LISBON)
    berlin = nominal_time(parse_timing("day 2 at 09:00"), released, BERLIN)
    assert local(lisbon, LISBON) == "2026-06-02 09:00"
    assert local(berlin, BERLIN) == "2026-06-02 09:00"
    assert lisbon - berlin == timedelta(hours=1)


def test_day_one_is_the_release_day_and_months_are_calendar_months() -> None:
    released = datetime(2026, 1, 31, 10, 0, tzinfo=LONDON)
    assert (
        local(nominal_time(parse_timing("day 1 at 20:00"), released, LONDON)) == "2026-01-31 20:00"
    )
    assert (
        local(nominal_time(parse_timing("1 month after"), released, LONDON)) == "2026-02-28 10:00"
    )
    assert (
        local(nominal_time(parse_timing("12 months after"), released, LONDON)) == "2027-01-31 10:00"
    )


def test_quiet_hours_hold_normal_messages_until_morning_but_not_critical_ones() -> None:
    released = datetime(2026, 3, 3, 11, 0, tzinfo=LONDON)
    facts = Facts(released, LONDON)
    planned = {
        p.message.id: p
        for p in compute(
            [
                msg("late-normal", "12 hours after"),
                msg("late-critical", "13 hours after", "critical"),
                msg("early", "day 2 at 07:00", "high"),
                msg("evening", "day 1 at 21:59"),
            ],
            facts,
            QUIET,
        )
    }
    assert local(planned["late-normal"].due_at) == "2026-03-04 08:00"
    assert local(planned["late-normal"].nominal_at) == "2026-03-03 23:00"
    assert local(planned["late-critical"].due_at) == "2026-03-04 00:00"
    assert local(planned["early"].due_at) == "2026-03-04 08:00"
    assert local(planned["evening"].due_at) == "2026-03-03 21:59"


def test_quiet_hours_that_do_not_cross_midnight() -> None:
    quiet = QuietHours(time(1, 0), time(6, 0))
    at = datetime(2026, 3, 3, 2, 0, tzinfo=LONDON)
    assert local(quiet.release(at, LONDON)) == "2026-03-03 06:00"
    assert quiet.release(datetime(2026, 3, 3, 7, 0, tzinfo=LONDON), LONDON).hour == 7


def test_conditions_on_weekday_ost_and_housing() -> None:
    messages = [
        msg(
            "weekend-gap",
            "3 hours after",
            release_weekday=["fri", "sat"],
            on_ost=["yes", "unknown"],
        ),
        msg("no-bed", "4 hours after", housed=["no", "unknown"]),
        msg("everyone", "5 hours after"),
    ]
    friday = datetime(2026, 3, 6, 10, 0, tzinfo=LONDON)
    tuesday = datetime(2026, 3, 3, 10, 0, tzinfo=LONDON)
    ids = lambda facts: [p.message.id for p in compute(messages, facts, QUIET)]  # noqa: E731
    assert ids(Facts(friday, LONDON, on_ost="yes", housed="yes")) == ["weekend-gap", "everyone"]
    assert ids(Facts(friday, LONDON, on_ost="no", housed="no")) == ["no-bed", "everyone"]
    assert ids(Facts(tuesday, LONDON)) == ["no-bed", "everyone"]


def test_release_weekday_is_local() -> None:
    # 23:30 UTC on Thursday is already Friday in Berlin.
    released = datetime(2026, 3, 5, 23, 30, tzinfo=UTC)
    assert Facts(released, BERLIN).release_weekday == "fri"
    assert Facts(released, LONDON).release_weekday == "thu"


def test_late_joiner_gets_the_single_most_important_missed_message() -> None:
    released = datetime(2026, 3, 3, 10, 0, tzinfo=LONDON)
    messages = [
        msg("a-critical", "0 hours after", "critical"),
        msg("b-critical-later", "6 hours after", "critical"),
        msg("c-high", "day 2 at 10:00", "high"),
        msg("d-future", "5 days after"),
    ]
    planned = compute(messages, Facts(released, LONDON), QUIET)
    missed, upcoming = split_missed(planned, released + timedelta(days=2))
    assert [p.message.id for p in missed] == ["a-critical", "b-critical-later", "c-high"]
    assert [p.message.id for p in upcoming] == ["d-future"]
    chosen = most_important(missed)
    assert chosen is not None and chosen.message.id == "b-critical-later"


def test_a_message_held_by_quiet_hours_is_not_missed_before_morning() -> None:
    released = datetime(2026, 3, 3, 11, 0, tzinfo=LONDON)
    planned = compute([msg("night", "12 hours after")], Facts(released, LONDON), QUIET)
    missed, upcoming = split_missed(planned, datetime(2026, 3, 4, 1, 0, tzinfo=LONDON))
    assert not missed and [p.message.id for p in upcoming] == ["night"]


def test_real_content_friday_release_gets_the_weekend_gap_message() -> None:
    content = load(DEFAULT_CONTENT_DIR)
    friday = Facts(datetime(2026, 3, 6, 10, 0, tzinfo=LONDON), LONDON, on_ost="yes")
    tuesday = Facts(datetime(2026, 3, 3, 10, 0, tzinfo=LONDON), LONDON, on_ost="yes")
    friday_topics = [p.message.id for p in compute(content.timeline, friday, QUIET)]
    tuesday_topics = [p.message.id for p in compute(content.timeline, tuesday, QUIET)]
    gap = [i for i in friday_topics if "weekend" in i]
    assert gap, "a Friday release on OST must get the weekend-gap message"
    assert not [i for i in tuesday_topics if "weekend" in i]


def test_real_content_is_densest_in_the_first_48_hours_and_reaches_a_year() -> None:
    content = load(DEFAULT_CONTENT_DIR)
    released = datetime(2026, 3, 3, 10, 0, tzinfo=LONDON)
    planned = compute(content.timeline, Facts(released, LONDON), QUIET)
    first_two_days = [p for p in planned if p.nominal_at - released <= timedelta(hours=48)]
    last = max(p.nominal_at for p in planned)
    assert len(content.timeline) >= 25
    assert len(first_two_days) >= 10
    assert last - released >= timedelta(days=360)
