"""End to end: the real Application, over HTTP, against a Bot API server on loopback."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.clock import Clock
from bot.settings import Settings
from tests.botharness import CHAT, Harness
from tests.conftest import with_api
from tests.fakebotapi import FakeBotAPI

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

DISCREET_LINE = "A new note for you"


def rows(harness: Harness, sql: str, params: list | None = None) -> list[tuple]:
    return harness.db.execute(sql, params or []).fetchall()


async def test_onboarding_in_five_taps_and_the_first_message_within_seconds(bot: Harness) -> None:
    await bot.say("/start")
    welcome = await bot.expect("Tap your language")
    assert {"start:en", "start:fr", "start:de", "start:nl", "start:pt", "decline"} <= set(
        bot.buttons(welcome)
    )
    assert rows(bot, "SELECT * FROM people") == [], "nothing is stored before consent"

    await bot.tap("start:en")  # 1: consent and language
    await bot.expect("When did you get out")
    await bot.say("I got out today")  # 2: release day, typed
    await bot.expect("Got it: released")
    first = await bot.expect(DISCREET_LINE, timeout=5)  # the first reminder, at once
    assert "<tg-spoiler>" in first["text"] and first["protect_content"] is True
    assert "Your old amount can kill you now" in first["text"]
    assert first["text"].startswith("Hi 👋 A new note for you.\n\n<tg-spoiler>")

    await bot.say("leeds")  # 3: area, typed
    await bot.expect("I'll use Leeds")
    await bot.expect("methadone or buprenorphine")
    await bot.tap("ost:yes")  # 4
    await bot.expect("somewhere safe to sleep")
    await bot.tap("housed:no")  # 5
    done = await bot.expect("All set")
    assert "overdose" in bot.buttons(done)

    person = rows(
        bot, "SELECT chat_id, area_id, timezone, on_ost, housed, step, discreet FROM people"
    )
    assert person == [(CHAT, "leeds", "Europe/London", "yes", "no", "done", 1)]
    columns = {row[1] for row in rows(bot, "PRAGMA table_info(people)")}
    assert not columns & {"name", "first_name", "username", "phone", "latitude", "longitude"}


async def test_a_shared_location_sets_the_area_and_is_not_stored(bot: Harness) -> None:
    await bot.say("/start")
    await bot.expect("Tap your language")
    await bot.tap("start:en")
    await bot.expect("When did you get out")
    await bot.tap("rel:yesterday")
    await bot.expect(lambda p: (p.get("reply_markup") or {}).get("keyboard"))
    bot.api.send_location(CHAT, 53.4808, -2.2426)  # Manchester
    await bot.expect("I'll use Manchester")
    stored = repr(rows(bot, "SELECT * FROM people")) + repr(rows(bot, "SELECT * FROM outbox"))
    assert "53.4" not in stored and "-2.2" not in stored


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("en", "my mate is not breathing and his lips are blue", "Call 999 now"),
        ("fr", "il respire plus, il est tout bleu", "Appelle le 112"),
        ("de", "mein Freund atmet nicht mehr", "Ruf jetzt sofort die 112"),
        ("nl", "hij ademt niet meer", "Bel nu 112"),
        ("pt", "ele não está a respirar", "Liga já para o 112"),
    ],
)
async def test_overdose_card_in_every_language_before_anything_else(
    bot: Harness, language: str, text: str, expected: str
) -> None:
    # The phone is set to English: the card follows the language the person wrote in.
    await bot.say(text, language="en")  # no /start, no consent
    card = await bot.expect(lambda p: expected in p["text"], timeout=5)
    assert "nalox" in card["text"].lower()
    assert "protect_content" not in card or card["protect_content"] is False
    assert rows(bot, "SELECT * FROM people") == []


async def test_overdose_card_uses_the_persons_country(bot: Harness) -> None:
    await bot.onboard(area="Lisboa")
    await bot.say("he OD'd, won't wake up")
    card = await bot.expect("112")
    assert "999" not in card["text"]


async def test_crisis_message_gets_the_crisis_line(bot: Harness) -> None:
    await bot.onboard(area="Leeds")
    await bot.say("i want to kill myself tonight")
    card = await bot.expect("116 123")
    assert "Samaritans" in card["text"]


async def test_a_reminder_arrives_when_the_clock_moves(bot: Harness, clock: Clock) -> None:
    await bot.onboard()
    await bot.expect(DISCREET_LINE)  # hour 0
    sent_before = len(bot.api.sent(CHAT))
    clock.advance(timedelta(hours=2, minutes=1))
    reminder = await bot.expect(DISCREET_LINE)
    assert "half or less" in reminder["text"]
    assert len(bot.api.sent(CHAT)) == sent_before + 1
    query = "SELECT status FROM outbox WHERE message_id = 'dose-half-and-wait'"
    await bot.until(lambda: rows(bot, query) == [("sent",)])  # recorded after Telegram's answer


async def test_discreet_mode_off_sends_plain_text(bot: Harness, clock: Clock) -> None:
    await bot.onboard()
    await bot.expect(DISCREET_LINE)
    await bot.say("/settings")
    await bot.expect("What do you want to change")
    await bot.tap("set:discreet")
    await bot.expect("Discreet mode is off")
    clock.advance(timedelta(hours=2, minutes=1))
    reminder = await bot.expect("half or less")
    assert DISCREET_LINE not in reminder["text"] and "tg-spoiler" not in reminder["text"]


async def test_stop_means_no_more_reminders(bot: Harness, clock: Clock) -> None:
    await bot.onboard()
    await bot.expect(DISCREET_LINE)
    await bot.say("/stop")
    await bot.expect("No more reminders")
    count = len(bot.api.sent(CHAT))
    clock.advance(timedelta(days=20))
    await bot.quiet(0.5)
    assert len(bot.api.sent(CHAT)) == count
    assert rows(bot, "SELECT count(*) FROM outbox WHERE status = 'planned'") == [(0,)]


async def test_forget_leaves_no_rows(bot: Harness) -> None:
    await bot.onboard()
    await bot.expect(DISCREET_LINE)
    await bot.say("/forget")
    confirm = await bot.expect("Delete everything about you?")
    assert rows(bot, "SELECT count(*) FROM people") == [(1,)], "nothing goes before confirming"
    assert "forget:yes" in bot.buttons(confirm)
    await bot.tap("forget:yes")
    await bot.expect("Everything about you is deleted")
    assert rows(bot, "SELECT count(*) FROM people") == [(0,)]
    assert rows(bot, "SELECT count(*) FROM outbox") == [(0,)]


async def test_pause_holds_and_resume_skips_what_fell_due(bot: Harness, clock: Clock) -> None:
    await bot.onboard()
    await bot.expect(DISCREET_LINE)
    await bot.say("/pause")
    await bot.expect("Paused")
    count = len(bot.api.sent(CHAT))
    clock.advance(timedelta(days=3))
    await bot.quiet(0.4)
    assert len(bot.api.sent(CHAT)) == count
    await bot.tap("resume")
    await bot.expect("Back on")
    await bot.quiet(0.4)
    assert len(bot.api.sent(CHAT)) == count + 1, "no burst after a pause"


async def test_deep_link_prefills_release_day_and_area(bot: Harness) -> None:
    await bot.say("/start r20260302_leeds")
    welcome = await bot.expect("Tap your language")
    assert "start:en:20260302:leeds" in bot.buttons(welcome)
    await bot.tap("start:en:20260302:leeds")
    await bot.expect("methadone or buprenorphine")  # straight to question 4
    ((released, area),) = rows(bot, "SELECT released_at, area_id FROM people")
    assert released.startswith("2026-03-02T10:00") and area == "leeds"


async def test_garbage_deep_link_is_ignored(bot: Harness) -> None:
    await bot.say("/start ../../etc/passwd%00")
    welcome = await bot.expect("Tap your language")
    assert "start:en" in bot.buttons(welcome)


@pytest.mark.parametrize("send", ["sticker", "photo", "voice"])
async def test_media_gets_a_kind_answer_and_the_menu(bot: Harness, send: str) -> None:
    getattr(bot.api, f"send_{send}")(CHAT)
    answer = await bot.expect("can't open stickers, photos or voice notes")
    assert "overdose" in bot.buttons(answer)


async def test_free_text_gets_the_menu_not_a_dead_end(bot: Harness) -> None:
    await bot.onboard()
    await bot.say("what's the weather like")
    answer = await bot.expect("Here's what I can do")
    assert {"overdose", "naloxone", "contacts", "help"} <= set(bot.buttons(answer))


async def test_an_edited_message_is_checked_for_an_emergency(bot: Harness) -> None:
    await bot.onboard()
    bot.api.edit_text(CHAT, 1, "he is not breathing")
    await bot.expect("999")


async def test_forged_button_data_gets_the_menu(bot: Harness) -> None:
    await bot.onboard()
    await bot.tap("ans:../../secrets")
    await bot.expect("What do you need?")


async def test_commands_are_registered(bot: Harness) -> None:
    names = {c["command"] for c in bot.api.commands()}
    assert {
        "start",
        "help",
        "overdose",
        "naloxone",
        "contacts",
        "settings",
        "pause",
        "resume",
        "stop",
        "forget",
    } <= names


async def test_the_bot_works_when_registering_commands_fails(
    api: FakeBotAPI, settings: Settings, clock: Clock
) -> None:
    api.fail_next("setMyCommands", 500)
    harness = await Harness.start(api, with_api(settings, api.url), clock)
    try:
        await harness.say("/start")
        await harness.expect("Tap your language")
    finally:
        await harness.stop()


async def test_429_waits_retry_after_then_delivers(bot: Harness, clock: Clock) -> None:
    await bot.onboard()
    await bot.expect(DISCREET_LINE)
    bot.api.fail_next("sendMessage", 429, retry_after=1, chat_id=CHAT)
    clock.advance(timedelta(hours=2, minutes=1))
    await bot.until(lambda: bot.api.calls_of("sendMessage", CHAT)[-1].status == 429)
    failed = [c for c in bot.api.calls_of("sendMessage", CHAT) if c.status == 429]
    assert len(failed) == 1
    # Move the clock only once the bot has recorded the 429 and when to try again.
    reason = "SELECT reason FROM outbox WHERE message_id = 'dose-half-and-wait'"
    await bot.until(lambda: rows(bot, reason) == [("429 flood control",)])
    clock.advance(timedelta(seconds=1))
    await bot.expect("half or less", timeout=5)
    retried = [c for c in bot.api.calls_of("sendMessage", CHAT) if c.at > failed[0].at]
    assert retried[0].at - failed[0].at >= 1.0, "waited retry_after before sending again"
    query = "SELECT status FROM outbox WHERE message_id = 'dose-half-and-wait'"
    await bot.until(lambda: rows(bot, query) == [("sent",)])


async def test_server_error_is_retried(bot: Harness, clock: Clock) -> None:
    await bot.onboard()
    await bot.expect(DISCREET_LINE)
    bot.api.fail_next("sendMessage", 500, chat_id=CHAT)
    clock.advance(timedelta(hours=2, minutes=1))
    query = "SELECT status, attempts FROM outbox WHERE message_id = 'dose-half-and-wait'"
    await bot.until(lambda: rows(bot, query) == [("planned", 1)])
    assert bot.api.calls_of("sendMessage", CHAT)[-1].status == 500
    clock.advance(timedelta(seconds=6))  # past the first back-off
    await bot.expect("half or less")


async def test_403_marks_the_person_blocked_and_stops(bot: Harness, clock: Clock) -> None:
    await bot.onboard()
    await bot.expect(DISCREET_LINE)
    bot.api.block(CHAT)
    clock.advance(timedelta(hours=2, minutes=1))
    await bot.until(lambda: rows(bot, "SELECT blocked_at IS NOT NULL FROM people") == [(1,)])
    assert rows(bot, "SELECT status FROM outbox WHERE message_id = 'dose-half-and-wait'") == [
        ("failed",)
    ]
    calls = len(bot.api.calls_of("sendMessage", CHAT))
    clock.advance(timedelta(days=30))
    await bot.quiet(0.5)
    assert len(bot.api.calls_of("sendMessage", CHAT)) == calls, "never retried"
    assert rows(bot, "SELECT count(*) FROM outbox WHERE status = 'planned'") == [(0,)]


async def test_an_edited_content_file_goes_live_without_a_restart(
    bot: Harness, clock: Clock, settings: Settings
) -> None:
    await bot.onboard()
    await bot.expect(DISCREET_LINE)
    timeline = settings.content_dir / "en" / "timeline.yml"
    text = timeline.read_text()
    timeline.write_text(
        text.replace(
            "A tip from people who've been where you are", "Fresh words from the peer team"
        )
    )
    await bot.quiet(0.6)  # the reload job runs every 0.2 s
    clock.advance(timedelta(hours=2, minutes=1))
    reminder = await bot.expect("half or less")
    assert "Fresh words from the peer team" in reminder["text"]


async def test_a_broken_content_file_keeps_the_bot_answering(
    bot: Harness, clock: Clock, settings: Settings
) -> None:
    await bot.onboard()
    await bot.expect(DISCREET_LINE)
    (settings.content_dir / "en" / "emergency.yml").write_text("language: en\nmessages: [oops")
    await bot.quiet(0.6)
    await bot.say("he's not breathing")
    await bot.expect("Call 999 now")
    clock.advance(timedelta(hours=2, minutes=1))
    await bot.expect("half or less")


async def test_changing_the_release_day_in_settings(bot: Harness) -> None:
    await bot.onboard()
    await bot.say("/settings")
    await bot.expect("What do you want to change")
    await bot.tap("set:release")
    await bot.expect("When did you get out")
    await bot.say("tomorrow")
    await bot.expect("Got it: released Wed 4/3")
    ((released,),) = rows(bot, "SELECT released_at FROM people")
    assert released.startswith("2026-03-04T10:00")
    planned = rows(bot, "SELECT min(due_at) FROM outbox WHERE status = 'planned'")
    assert planned[0][0] >= "2026-03-04T10:00"
