"""Check-ins end to end: 👍 / 😐 / 👎 on a timeline message, counted anonymously, and one gentle
check-in for someone who went quiet in their first two weeks."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.clock import Clock
from tests.botharness import CHAT, Harness

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def moods(bot: Harness, params: dict) -> list[str]:
    return [b for b in bot.buttons(params) if b.startswith("mood:")]


async def day_3_checkin(bot: Harness, clock: Clock, chat: int = CHAT) -> dict:
    """Released yesterday (Monday); the day-3 check-in comes on Wednesday at 17:00."""
    clock.advance(datetime(2026, 3, 4, 17, 1, tzinfo=clock.now().tzinfo) - clock.now())
    return await bot.expect(lambda p: "mood:checkin-day-3:down" in bot.buttons(p), chat)


def counts(bot: Harness) -> dict[tuple[str, str], int]:
    rows = bot.db.execute("SELECT message_id, mood, count FROM checkin_counts").fetchall()
    return {(m, mood): n for m, mood, n in rows}


async def test_a_thumbs_down_offers_a_peer_and_the_answer_for_feeling_low(
    bot: Harness, clock: Clock
) -> None:
    await bot.onboard(release="yesterday")
    checkin = await day_3_checkin(bot, clock)
    assert moods(bot, checkin) == [f"mood:checkin-day-3:{m}" for m in ("up", "mid", "down")]
    assert "A new note for you" in checkin["text"], "discreet on the lock screen"
    await bot.tap("mood:checkin-day-3:down")
    await bot.expect("You don't have to do this alone")
    answer = await bot.expect("What you feel makes sense")  # the peer-written feeling-low
    assert "peer" in bot.buttons(answer)
    assert counts(bot) == {("checkin-day-3", "down"): 1}
    # A second tap on the same check-in is answered but not counted again.
    await bot.tap("mood:checkin-day-3:down")
    await bot.expect(lambda p: "What you feel makes sense" in p.get("text", ""))
    await bot.quiet(0.3)
    assert counts(bot) == {("checkin-day-3", "down"): 1}
    # Counted per message, never per person: no column could tell who said what.
    columns = {r[1] for r in bot.db.execute("PRAGMA table_info(checkin_counts)")}
    assert columns == {"message_id", "mood", "count"}


async def test_a_so_so_shows_what_others_found_useful(bot: Harness, clock: Clock) -> None:
    other = CHAT + 1
    await bot.onboard(chat=other, release="yesterday")
    for _ in range(3):  # someone else reads the cravings answer three times
        await bot.say("/menu", other)
        await bot.tap("ans:cravings", other)
        await bot.expect(lambda p: "ans:cravings" not in bot.buttons(p), other)
    await bot.onboard(release="yesterday")
    await day_3_checkin(bot, clock)
    await bot.tap("mood:checkin-day-3:mid")
    offer = await bot.expect("Other people found these useful")
    answers = [b for b in bot.buttons(offer) if b.startswith("ans:")]
    assert answers[0] == "ans:cravings" and 1 < len(answers) <= 3
    await bot.tap(answers[0])
    await bot.expect(lambda p: "ans:" not in "".join(bot.buttons(p)) and len(p["text"]) > 80)


async def test_a_thumbs_up_is_counted_and_answered_briefly(bot: Harness, clock: Clock) -> None:
    await bot.onboard(release="yesterday")
    await day_3_checkin(bot, clock)
    await bot.tap("mood:checkin-day-3:up")
    await bot.expect("Good to hear")
    assert counts(bot) == {("checkin-day-3", "up"): 1}


async def test_a_forged_mood_is_not_counted(bot: Harness) -> None:
    await bot.onboard(release="yesterday")
    await bot.tap("mood:checkin-day-10:down")  # never sent to them
    await bot.expect("You don't have to do this alone")
    await bot.tap("mood:no-such-message:down")
    await bot.expect(lambda p: "settings" in bot.buttons(p))
    await bot.quiet(0.3)
    assert counts(bot) == {}


async def test_someone_who_went_quiet_gets_one_gentle_checkin(bot: Harness, clock: Clock) -> None:
    companion = bot.services.companion
    await bot.onboard(release="yesterday")
    talker = CHAT + 7
    await bot.onboard(chat=talker, release="yesterday")
    clock.advance(timedelta(days=2, hours=20))
    assert companion.plan_quiet_checkins() == 0, "not quiet for three days yet"
    await bot.say("/menu", talker)  # this one keeps writing
    await bot.expect(lambda p: "settings" in bot.buttons(p), talker)
    clock.advance(timedelta(hours=5))
    assert companion.plan_quiet_checkins() == 1
    # After the backlog of reminders the clock jump made due (sent a few a second).
    quiet = await bot.expect(lambda p: "mood:checkin-quiet:down" in bot.buttons(p), timeout=60)
    assert "A new note for you" in quiet["text"] and "<tg-spoiler>" in quiet["text"]
    assert "Haven't heard from you" in quiet["text"]
    clock.advance(timedelta(days=4))
    companion.plan_quiet_checkins()  # the talker has gone quiet by now; the first, again
    per_chat = dict(
        bot.db.execute(
            "SELECT people.chat_id, COUNT(*) FROM outbox JOIN people ON people.id = person_id "
            "WHERE message_id = 'checkin-quiet' GROUP BY people.chat_id"
        ).fetchall()
    )
    assert per_chat == {CHAT: 1, talker: 1}, "once each, never a stream"


async def test_after_two_weeks_silence_is_left_alone(bot: Harness, clock: Clock) -> None:
    await bot.onboard(release="yesterday")
    clock.advance(timedelta(days=15))
    assert bot.services.companion.plan_quiet_checkins() == 0
