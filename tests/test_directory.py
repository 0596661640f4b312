"""The directory: moderation before anyone sees an entry, search, opening hours across time
zones and the weekend gap, stale entries. Real SQLite, real content, fixed moments."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.cli import main
from bot.content import ContentSet, load
from bot.directory import Directory, InvalidContact, search, validate
from bot.settings import DEFAULT_CONTENT_DIR
from bot.store import open_database

LONDON = ZoneInfo("Europe/London")
BRUSSELS = ZoneInfo("Europe/Brussels")
NOW = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)  # a Tuesday


@pytest.fixture(scope="module")
def content() -> ContentSet:
    return load(DEFAULT_CONTENT_DIR)


@pytest.fixture
def directory(tmp_path: Path) -> Directory:
    return Directory(open_database(tmp_path / "first48.db"))


def entry(**fields: Any) -> dict[str, Any]:
    base = {
        "name": "Leeds Recovery Clinic",
        "kinds": "ost_prescriber",
        "area_id": "leeds",
        "phone": "+44 113 496 0001",
        "opening_hours": "Mo-Fr 09:00-17:00",
        "verified_on": "2026-02-20",
    }
    return {**base, **fields}


def publish(directory: Directory, content: ContentSet, **fields: Any) -> int:
    data = validate(entry(**fields), content, NOW.date())
    submission_id, _ = directory.submit(data, NOW)
    return directory.approve(submission_id, "mod", NOW, content)


def names(result: Any) -> list[str]:
    return [m.contact.name for m in result.matches]


def test_nothing_a_stranger_sends_is_shown_before_a_moderator_approves(
    directory: Directory, content: ContentSet
) -> None:
    leeds = content.areas["leeds"]
    good, token = directory.submit(validate(entry(), content, NOW.date()), NOW)
    spam, _ = directory.submit(validate(entry(name="Totally legit"), content, NOW.date()), NOW)
    assert names(search(directory, content, area=leeds, at=NOW)) == []

    directory.reject(spam, "mod", "not a service", NOW)
    contact_id = directory.approve(good, "mod", NOW, content)
    assert names(search(directory, content, area=leeds, at=NOW)) == ["Leeds Recovery Clinic"]
    contact, _ = directory.by_edit_token(token)
    assert contact is not None and contact.id == contact_id


def test_a_change_stays_private_until_approved_and_the_history_says_who(
    directory: Directory, content: ContentSet
) -> None:
    leeds = content.areas["leeds"]
    contact_id = publish(directory, content)
    change = validate(entry(phone="+44 113 496 0999"), content, NOW.date())
    submission_id, _ = directory.submit(change, NOW, contact_id=contact_id)
    shown = search(directory, content, area=leeds, at=NOW).matches[0]
    assert shown.contact.data.phone == "+44 113 496 0001", "the old version stays public"

    directory.approve(submission_id, "moderator anna", NOW, content)
    shown = search(directory, content, area=leeds, at=NOW).matches[0]
    assert shown.contact.data.phone == "+44 113 496 0999"
    history = directory.history(contact_id)
    assert [h["action"] for h in history] == ["created", "updated"]
    assert history[1]["actor"] == "moderator anna"
    assert history[1]["before"] == {"phone": "+44 113 496 0001"}
    assert history[1]["after"] == {"phone": "+44 113 496 0999"}


def test_every_bad_field_gets_a_plain_message_at_once(content: ContentSet) -> None:
    with pytest.raises(InvalidContact) as caught:
        validate(
            {
                "name": "",
                "kinds": "ost_prescriber;teleportation",
                "area_id": "atlantis",
                "phone": "call us",
                "website": "example.org",
                "opening_hours": "nine to five",
                "flags": "walk_in;free_beer",
                "languages": "english",
                "verified_on": "2099-01-01",
            },
            content,
            NOW.date(),
        )
    errors = caught.value.errors
    assert set(errors) == {
        "name",
        "kinds",
        "area_id",
        "phone",
        "website",
        "opening_hours",
        "flags",
        "languages",
        "verified_on",
    }
    assert "teleportation" in errors["kinds"]
    assert "Mo-Fr 09:00-17:00" in errors["opening_hours"], "the message shows the format"


def test_coordinates_far_from_the_town_are_refused(content: ContentSet) -> None:
    with pytest.raises(InvalidContact) as caught:
        validate(entry(lat="38.72", lon="-9.14"), content, NOW.date())  # Lisbon, not Leeds
    assert "Leeds" in caught.value.errors["lat"]


def test_open_now_and_next_open_are_in_the_contacts_own_time_zone(
    directory: Directory, content: ContentSet
) -> None:
    publish(directory, content, name="Brussels clinic", area_id="brussels", phone="+32 2 000 00 01")
    publish(directory, content, name="Leeds clinic")
    at = datetime(2026, 3, 3, 8, 30, tzinfo=UTC)  # 09:30 in Brussels, 08:30 in Leeds
    brussels = search(directory, content, area=content.areas["brussels"], at=at).matches[0]
    leeds = search(directory, content, area=content.areas["leeds"], at=at).matches[0]
    assert brussels.open_now is True
    assert brussels.next_change == datetime(2026, 3, 3, 17, 0, tzinfo=BRUSSELS)
    assert leeds.open_now is False
    assert leeds.next_change == datetime(2026, 3, 3, 9, 0, tzinfo=LONDON)


def test_opening_hours_follow_the_clock_change(directory: Directory, content: ContentSet) -> None:
    publish(directory, content, opening_hours="Su 10:00-12:00")
    # Sunday 29 March 2026: the UK moves to summer time at 01:00 UTC.
    at = datetime(2026, 3, 29, 8, 30, tzinfo=UTC)  # 09:30 BST
    match = search(directory, content, area=content.areas["leeds"], at=at).matches[0]
    assert match.open_now is False
    assert match.next_change is not None
    assert match.next_change.astimezone(UTC) == datetime(2026, 3, 29, 9, 0, tzinfo=UTC)


def _leeds_weekend(directory: Directory, content: ContentSet) -> None:
    publish(directory, content, name="Leeds clinic")  # Mo-Fr 09-17
    publish(
        directory,
        content,
        name="Late pharmacy",
        kinds="ost_pharmacy",
        opening_hours="Mo-Fr 08:00-19:00",
        phone="+44 113 496 0003",
    )
    publish(
        directory,
        content,
        name="Out-of-hours line",
        kinds="helpline",
        opening_hours="24/7",
        flags="out_of_hours",
        phone="+44 113 496 0009",
    )


@pytest.mark.parametrize(
    ("local", "gap"),
    [
        (datetime(2026, 3, 6, 19, 30, tzinfo=LONDON), True),  # Friday evening
        (datetime(2026, 3, 7, 11, 0, tzinfo=LONDON), True),  # Saturday
        (datetime(2026, 3, 6, 12, 0, tzinfo=LONDON), False),  # Friday noon: open now
        (datetime(2026, 3, 5, 19, 30, tzinfo=LONDON), False),  # Thursday evening
    ],
)
def test_friday_and_saturday_warn_when_ost_is_closed_until_monday(
    directory: Directory, content: ContentSet, local: datetime, gap: bool
) -> None:
    _leeds_weekend(directory, content)
    result = search(
        directory,
        content,
        area=content.areas["leeds"],
        kinds=("ost_prescriber", "ost_pharmacy"),
        at=local,
    )
    assert result.weekend_gap is gap
    if gap:
        assert [m.contact.name for m in result.out_of_hours] == ["Out-of-hours line"]


def test_a_pharmacy_open_on_saturday_means_no_weekend_gap(
    directory: Directory, content: ContentSet
) -> None:
    _leeds_weekend(directory, content)
    publish(
        directory,
        content,
        name="Saturday pharmacy",
        kinds="ost_pharmacy",
        opening_hours="Mo-Sa 09:00-13:00",
    )
    at = datetime(2026, 3, 6, 19, 30, tzinfo=LONDON)
    result = search(directory, content, area=content.areas["leeds"], kinds=("ost_pharmacy",), at=at)
    assert not result.weekend_gap


def test_in_a_town_open_ones_come_first_then_the_soonest_to_open(
    directory: Directory, content: ContentSet
) -> None:
    publish(directory, content, name="Opens Thursday", opening_hours="Th 09:00-12:00")
    publish(directory, content, name="Hours unknown", opening_hours="")
    publish(directory, content, name="Open now", opening_hours="Mo-Su 08:00-20:00")
    publish(directory, content, name="Opens at ten", opening_hours="Tu 10:00-12:00")
    result = search(directory, content, area=content.areas["leeds"], at=NOW)  # Tue 09:00
    assert names(result) == ["Open now", "Opens at ten", "Opens Thursday", "Hours unknown"]


def test_near_a_shared_location_nearest_first_with_distance(
    directory: Directory, content: ContentSet
) -> None:
    publish(directory, content, name="Far side", lat="53.83", lon="-1.60")
    publish(directory, content, name="Round the corner", lat="53.7999", lon="-1.5490")
    publish(directory, content, name="Across the river", lat="53.79", lon="-1.54")
    publish(directory, content, name="Manchester", area_id="manchester", lat="53.48", lon="-2.24")
    result = search(directory, content, near=(53.8, -1.549), at=NOW, radius_km=20)
    assert names(result) == ["Round the corner", "Across the river", "Far side"]
    distances = [m.distance_km for m in result.matches]
    assert distances[0] is not None and distances[0] < 0.1
    assert distances == sorted(distances)


def test_unchecked_for_six_months_warns_and_for_twelve_hides_until_confirmed(
    directory: Directory, content: ContentSet
) -> None:
    leeds = content.areas["leeds"]
    publish(directory, content, name="Fresh", verified_on="2026-02-01")
    publish(directory, content, name="Six months", verified_on="2025-08-01")
    old = publish(directory, content, name="Over a year", verified_on="2025-01-10")
    result = search(directory, content, area=leeds, at=NOW)
    assert {m.contact.name: m.stale for m in result.matches} == {
        "Fresh": False,
        "Six months": True,
    }
    hidden = directory.hide_stale(NOW.date(), NOW)
    assert [c.name for c in hidden] == ["Over a year"]
    assert "hidden" in directory.history(old)[-1]["action"]

    directory.confirm(old, "owner", NOW.date(), NOW + timedelta(minutes=1))
    assert "Over a year" in names(search(directory, content, area=leeds, at=NOW))


def test_the_command_line_prints_the_bots_order(
    tmp_path: Path,
    content: ContentSet,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    database = tmp_path / "cli.db"
    monkeypatch.setenv("FIRST48_DATABASE", str(database))
    directory = Directory(open_database(database))
    _leeds_weekend(directory, content)
    friday = "2026-03-06T19:30"
    assert main(["contacts", "search", "--area", "leeds", "--at", friday]) == 0
    out = capsys.readouterr().out
    expected = search(
        directory,
        content,
        area=content.areas["leeds"],
        at=datetime.fromisoformat(friday).replace(tzinfo=LONDON),
    )
    listed = [
        line.split("  |  ")[0].split(". ", 1)[1] for line in out.splitlines() if "  |  " in line
    ]
    assert listed == names(expected)
    assert "closed until Monday" in out and "Out-of-hours line" in out

    assert main(["contacts", "search", "--near", "53.80,-1.55", "--kind", "helpline"]) == 0
    assert "Out-of-hours line" in capsys.readouterr().out


def test_the_sample_directory_is_labelled_and_loads_clean(content: ContentSet) -> None:
    from bot.hsds import SAMPLE_FILE, read

    parsed = read(SAMPLE_FILE.read_text(), "csv", content, date(2026, 12, 1), "sample.csv")
    assert parsed.problems == []
    areas = {data.area_id for _, data in parsed.rows}
    assert areas == {"leeds", "brussels", "lisbon"}
    countries = {content.areas[a].country for a in areas}
    assert countries == {"GB", "BE", "PT"}
    for _, data in parsed.rows:
        assert data.sample and data.name.startswith("[SAMPLE]")


def test_the_stale_command_hides_old_entries_and_names_their_owners(
    tmp_path: Path,
    content: ContentSet,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bot.accounts import Accounts

    database = tmp_path / "stale.db"
    monkeypatch.setenv("FIRST48_DATABASE", str(database))
    db = open_database(database)
    directory = Directory(db)
    owner = Accounts(db).create_user("leeds-hub", "a long enough password", "service", NOW)
    data = validate(entry(name="Forgotten", verified_on="2025-01-10"), content, NOW.date())
    submission_id, _ = directory.submit(data, NOW, submitted_by=owner.id)
    directory.approve(submission_id, "mod", NOW, content)
    publish(directory, content, name="Link only", verified_on="2024-06-01")
    fresh = validate(entry(name="Fresh", verified_on=""), content, date.today())  # checked today
    directory.approve(directory.submit(fresh, NOW)[0], "mod", NOW, content)

    assert main(["contacts", "stale"]) == 0
    out = capsys.readouterr().out
    assert "Forgotten" in out and "owner: leeds-hub" in out
    assert "Link only" in out and "owner: private link only" in out
    assert "Fresh" not in out and "2 newly hidden" in out
