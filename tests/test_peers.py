"""Talk to a peer, end to end: two chats (the person, the peer group with forum topics) through
the real Application against the Bot API server on loopback."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import Clock
from bot.settings import Settings
from bot.telegram_app import TelegramGroupPort
from tests.botharness import Harness
from tests.conftest import with_api
from tests.fakebotapi import FakeBotAPI

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

GROUP = -1001234567890
PERSON = 861234579  # the person's chat id: must never appear in the group
NAME, USERNAME = "Valentina", "val_from_hmp"
JO, KIM = 5550001, 5550002  # two peer workers


@pytest.fixture
def peer_settings(settings: Settings) -> Settings:
    return replace(settings, peer_group_id=GROUP, peer_hours="Mo-Su 09:00-21:00")


@pytest.fixture
async def bot(api: FakeBotAPI, peer_settings: Settings, clock: Clock) -> AsyncIterator[Harness]:
    harness = await Harness.start(api, with_api(peer_settings, api.url), clock)
    yield harness
    await harness.stop()


async def person_says(bot: Harness, text: str) -> None:
    bot.api.send_text(PERSON, text, first_name=NAME, username=USERNAME)


def group_messages(api: FakeBotAPI, thread_id: int | None = None) -> list[dict]:
    return [
        p for p in api.sent(GROUP) if thread_id is None or p.get("message_thread_id") == thread_id
    ]


async def in_group(bot: Harness, needle: str) -> dict:
    return await bot.expect(needle, chat=GROUP)


async def onboarded(bot: Harness) -> None:
    bot.api.send_text(PERSON, "/start", first_name=NAME, username=USERNAME)
    await bot.expect(lambda p: "start:en" in bot.buttons(p), PERSON)
    await bot.tap("start:en", PERSON)
    await bot.expect(lambda p: "rel:today" in bot.buttons(p), PERSON)
    await bot.tap("rel:yesterday", PERSON)
    await bot.expect(lambda p: (p.get("reply_markup") or {}).get("keyboard"), PERSON)
    await person_says(bot, "Leeds")
    await bot.expect(lambda p: "ost:yes" in bot.buttons(p), PERSON)
    await bot.tap("ost:yes", PERSON)
    await bot.expect(lambda p: "housed:yes" in bot.buttons(p), PERSON)
    await bot.tap("housed:no", PERSON)
    await bot.expect(lambda p: "settings" in bot.buttons(p), PERSON)


async def open_case(bot: Harness) -> int:
    """The person taps 💬 and a case topic appears; returns its thread id."""
    await bot.tap("peer", PERSON)
    await bot.expect("A peer will write to you here soon", PERSON)
    card = await in_group(bot, "someone wants to talk")
    return int(card["message_thread_id"])


async def peer_says(bot: Harness, peer: int, text: str, thread: int | None) -> None:
    bot.api.group_text(GROUP, peer, text, thread_id=thread, first_name="Jo Peer", username="jo")


async def case_with_jo(bot: Harness) -> int:
    """An onboarded person's open case, and Jo in the group with an alias; the thread id."""
    await onboarded(bot)
    thread = await open_case(bot)
    await peer_says(bot, JO, "/alias Jo", thread)
    await in_group(bot, "as Jo")
    return thread


def case_status(bot: Harness) -> list[str]:
    return [r[0] for r in bot.db.execute("SELECT status FROM peer_cases ORDER BY id")]


def port(bot: Harness) -> TelegramGroupPort:
    return TelegramGroupPort(bot.application, GROUP)


async def test_a_case_is_opened_relayed_claimed_and_closed_anonymously(bot: Harness) -> None:
    await onboarded(bot)
    thread = await open_case(bot)
    topics = bot.api.topics(GROUP)
    assert [t["message_thread_id"] for t in topics] == [thread]
    card = group_messages(bot.api, thread)[0]
    assert "Case #1" in card["text"] and "Leeds" in card["text"] and "English" in card["text"]
    assert "Day 1 since release" in card["text"]
    assert "not to share" in card["text"]  # tapped the button: no words to share
    assert {"case:claim:1", "case:close:1"} <= set(bot.buttons(card))

    # A peer without an alias is asked for one first; nothing reaches the person.
    await peer_says(bot, JO, "hello", thread)
    await in_group(bot, "/alias")
    await peer_says(bot, JO, "/alias Jo", thread)
    await in_group(bot, "people will see you as Jo")
    await peer_says(bot, JO, "Hi, I'm Jo. Got out in 2019 myself. How are you doing?", thread)
    relayed = await bot.expect("Got out in 2019 myself", PERSON)
    assert "Jo" in relayed["text"] and "(peer)" in relayed["text"]
    assert "<tg-spoiler>" in relayed["text"], "discreet by default: hidden from the lock screen"
    await bot.expect("Jo, a peer worker, has your message", PERSON)  # the first answer claims
    assert case_status(bot) == ["claimed"]
    await in_group(bot, "Jo has this case")

    # The person's answer goes into the same topic.
    await person_says(bot, "not great, rough night, no one around")
    said = await in_group(bot, "not great, rough night")
    assert said["message_thread_id"] == thread

    # Another peer cannot take a claimed case; Jo closes it.
    await peer_says(bot, KIM, "/alias Kim", thread)
    await in_group(bot, "as Kim")
    bot.api.group_press(GROUP, KIM, "case:claim:1", card_message_id(bot, thread))
    await bot.until(lambda: any(c.method == "answerCallbackQuery" for c in bot.api.calls))
    assert case_status(bot) == ["claimed"]
    bot.api.group_press(GROUP, JO, "case:close:1", card_message_id(bot, thread))
    await bot.expect("Jo closed this chat", PERSON)
    await in_group(bot, "Jo closed this case")
    await bot.until(lambda: bot.api.topics(GROUP)[0]["closed"])
    assert case_status(bot) == ["closed"]

    # After the close, what the person writes is theirs again: nothing goes to the group.
    before = len(group_messages(bot.api))
    await person_says(bot, "thanks for that")
    await bot.quiet(0.5)
    assert len(group_messages(bot.api)) == before

    # Nothing the group saw names the person.
    group_calls = [c for c in bot.api.calls if c.params.get("chat_id") == GROUP]
    assert group_calls
    for call in group_calls:
        wire = json.dumps(call.params, ensure_ascii=False)
        for secret in (str(PERSON), NAME, USERNAME):
            assert secret not in wire, (call.method, secret)


def card_message_id(bot: Harness, thread: int) -> int:
    return int(bot.api.topic_messages(GROUP, thread)[0]["message_id"])


async def test_their_own_words_reach_the_peer_only_if_they_say_yes(bot: Harness) -> None:
    await onboarded(bot)
    await person_says(bot, "can i talk to a real person, been a rough week")
    ask = await bot.expect("Can they read the message you just wrote?", PERSON)
    assert {"peer:share", "peer:keep", "peer:cancel"} <= set(bot.buttons(ask))
    await bot.tap("peer:keep", PERSON)
    card = await in_group(bot, "someone wants to talk")
    assert "rough week" not in card["text"] and "not to share" in card["text"]
    bot.api.press(PERSON, "peer:end")
    await bot.expect("Chat ended", PERSON)
    await in_group(bot, "The person ended the chat")

    await person_says(bot, "i want to speak to someone who has been there")
    await bot.expect("Can they read the message you just wrote?", PERSON)
    await bot.tap("peer:share", PERSON)
    card = await bot.expect(lambda p: "Case #2" in p.get("text", ""), GROUP)
    assert "speak to someone who has been there" in card["text"]


async def test_media_is_noted_not_forwarded(bot: Harness) -> None:
    await onboarded(bot)
    thread = await open_case(bot)
    bot.api.send_photo(PERSON)
    await bot.expect("Only words go to the peer", PERSON)
    note = await in_group(bot, "sent a photo")
    assert note["message_thread_id"] == thread
    assert not [c for c in bot.api.calls if c.method.lower() in ("forwardmessage", "copymessage")]
    await peer_says(bot, JO, "/alias Jo", thread)
    bot.api.group_photo(GROUP, JO, thread_id=thread)
    await in_group(bot, "Only text is passed on")


async def test_an_emergency_during_a_case_gets_the_card_first_then_the_peer_is_told(
    bot: Harness,
) -> None:
    await onboarded(bot)
    thread = await open_case(bot)
    await person_says(bot, "my mate is not breathing and his lips are blue")
    card = await bot.expect("999", PERSON)
    note = await in_group(bot, "emergency card")
    assert note["message_thread_id"] == thread
    sends = [c.params for c in bot.api.calls if c.method == "sendMessage"]
    card_at = next(i for i, p in enumerate(sends) if p.get("text") == card["text"])
    note_at = next(i for i, p in enumerate(sends) if p.get("text") == note["text"])
    assert card_at < note_at, "the card went out before the group heard"


async def test_out_of_hours_the_person_hears_when_peers_are_back(
    api: FakeBotAPI, peer_settings: Settings
) -> None:
    late = Clock(datetime(2026, 3, 3, 22, 30, tzinfo=UTC))  # Tuesday 22:30 in Leeds
    bot = await Harness.start(api, with_api(peer_settings, api.url), late)
    try:
        await onboarded(bot)
        await bot.tap("peer", PERSON)
        answer = await bot.expect("No peer is here right now", PERSON)
        assert "back Wed 09:00" in answer["text"] and "999" in answer["text"]
        assert "peer:anyway" in bot.buttons(answer)
        # The helplines: none registered in Leeds here, so the national one.
        await bot.expect("0300 123 6600", PERSON)
        assert bot.api.topics(GROUP) == [], "no case until they choose to leave a message"
        await bot.tap("peer:anyway", PERSON)
        await in_group(bot, "someone wants to talk")
        # Overnight nobody is raised: peers had no time in their hours.
        late.advance(timedelta(hours=1))
        assert await bot.services.peers.escalate(port(bot)) == 0
    finally:
        await bot.stop()


async def test_a_case_nobody_answers_is_raised_and_the_person_is_told(
    bot: Harness, clock: Clock
) -> None:
    await onboarded(bot)
    await peer_says(bot, JO, "/alias Jo", None)
    await in_group(bot, "as Jo")
    thread = await open_case(bot)
    clock.advance(timedelta(minutes=10))
    assert await bot.services.peers.escalate(port(bot)) == 0  # not yet
    clock.advance(timedelta(minutes=6))
    assert await bot.services.peers.escalate(port(bot)) == 1
    raised = await in_group(bot, "has waited 16 minutes")
    assert raised["message_thread_id"] == thread
    assert f"tg://user?id={JO}" in raised["text"], "every peer is mentioned"
    honest = await bot.expect("No peer has answered yet", PERSON)
    assert "999" in honest["text"]
    clock.advance(timedelta(minutes=30))
    assert await bot.services.peers.escalate(port(bot)) == 0, "raised once, not a stream"


async def test_taking_a_case_is_not_answering_it(bot: Harness, clock: Clock) -> None:
    thread = await case_with_jo(bot)
    await peer_says(bot, JO, "/claim", thread)
    await bot.expect("Jo, a peer worker, has your message", PERSON)
    clock.advance(timedelta(minutes=16))
    assert await bot.services.peers.escalate(port(bot)) == 1
    await bot.expect("No peer has answered yet", PERSON)


async def test_a_case_a_peer_has_answered_is_not_raised(bot: Harness, clock: Clock) -> None:
    thread = await case_with_jo(bot)
    await peer_says(bot, JO, "hi, here for you", thread)
    await bot.expect("hi, here for you", PERSON)
    clock.advance(timedelta(minutes=40))
    assert await bot.services.peers.escalate(port(bot)) == 0


async def test_hand_back_puts_the_case_in_the_queue_and_tells_the_person(bot: Harness) -> None:
    thread = await case_with_jo(bot)
    await peer_says(bot, JO, "/claim", thread)
    await bot.expect("Jo, a peer worker, has your message", PERSON)
    await peer_says(bot, JO, "/release", thread)
    await bot.expect("Jo had to go. Another peer will pick up soon", PERSON)
    await in_group(bot, "handed this case back")
    assert case_status(bot) == ["waiting"]


async def test_anything_else_in_or_around_the_group_is_ignored(bot: Harness) -> None:
    await case_with_jo(bot)
    sent_to_person = len(bot.api.sent(PERSON))
    # The group's general chat, another group, and a forged tap from a private chat.
    await peer_says(bot, JO, "morning all, who is on today?", None)
    bot.api.group_text(-1009999999999, JO, "hello from another group", thread_id=None)
    bot.api.send_text(31337, "/start")
    await bot.expect(lambda p: "start:en" in bot.buttons(p), 31337)
    bot.api.press(31337, "case:close:1")
    await bot.expect(lambda p: True, 31337)  # the stranger gets an answer, not a case action
    await bot.quiet(0.5)
    assert case_status(bot) == ["waiting"]
    assert len(bot.api.sent(PERSON)) == sent_to_person
    assert not [p for p in bot.api.sent(-1009999999999)]


async def test_a_person_who_blocked_the_bot_is_not_written_to_again(bot: Harness) -> None:
    thread = await case_with_jo(bot)
    bot.api.block(PERSON)
    await peer_says(bot, JO, "are you still there?", thread)
    await in_group(bot, "has blocked the bot")
    await bot.until(lambda: case_status(bot) == ["closed"])


async def test_stopping_the_bot_closes_the_case_and_the_peer_is_told(bot: Harness) -> None:
    thread = await case_with_jo(bot)
    await person_says(bot, "/stop")
    await bot.expect("No more reminders", PERSON)
    sent = len(bot.api.sent(PERSON))
    await peer_says(bot, JO, "still there?", thread)
    await in_group(bot, "turned off the bot's messages")
    assert case_status(bot) == ["closed"]
    await bot.quiet(0.3)
    assert len(bot.api.sent(PERSON)) == sent, "nothing more to someone who said stop"


def assert_nothing_refers_to(bot: Harness, chat_id: int, person_id: int) -> None:
    """No row in any table holds the chat id, or the old row id in a person column."""
    tables = [r[0] for r in bot.db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    for table in tables:
        columns = [r[1] for r in bot.db.execute(f"PRAGMA table_info('{table}')")]
        for column in columns:
            hits = bot.db.execute(
                f"SELECT COUNT(*) FROM '{table}' WHERE CAST(\"{column}\" AS TEXT) LIKE ?",
                [f"%{chat_id}%"],
            ).fetchone()[0]
            assert hits == 0, (table, column)
        if "person_id" in columns:
            rows = bot.db.execute(
                f"SELECT COUNT(*) FROM '{table}' WHERE person_id = ?", [person_id]
            ).fetchone()[0]
            assert rows == 0, table


async def test_forget_deletes_the_case_and_its_topic(bot: Harness) -> None:
    await onboarded(bot)
    person_id = bot.db.execute("SELECT id FROM people WHERE chat_id = ?", [PERSON]).fetchone()[0]
    thread = await open_case(bot)
    await person_says(bot, "i feel a bit better today")  # relayed, never stored
    await in_group(bot, "a bit better")
    await person_says(bot, "/forget")
    await bot.expect(lambda p: "forget:yes" in bot.buttons(p), PERSON)
    await bot.tap("forget:yes", PERSON)
    await bot.until(lambda: not bot.db.execute("SELECT 1 FROM people").fetchall())
    assert bot.db.execute("SELECT COUNT(*) FROM peer_cases").fetchone()[0] == 0
    assert_nothing_refers_to(bot, PERSON, person_id)
    await bot.services.peers.delete_forgotten_topics(port(bot))
    assert bot.api.topics(GROUP)[0]["deleted"] and bot.api.topic_messages(GROUP, thread) == []
    assert bot.db.execute("SELECT COUNT(*) FROM peer_topics_to_delete").fetchone()[0] == 0


async def test_without_a_peer_group_the_peer_answer_is_given(
    api: FakeBotAPI, settings: Settings, clock: Clock
) -> None:
    bot = await Harness.start(api, with_api(settings, api.url), clock)
    try:
        await onboarded(bot)
        await bot.tap("peer", PERSON)
        await bot.expect("peer worker", PERSON)
        assert bot.api.topics(GROUP) == []
    finally:
        await bot.stop()


def with_leeds_hours(settings: Settings, hours: str) -> None:
    areas = settings.content_dir / "areas.yml"
    text = areas.read_text(encoding="utf-8")
    marker = "  - id: leeds\n"
    assert marker in text
    areas.write_text(text.replace(marker, f'{marker}    peer_hours: "{hours}"\n'), encoding="utf-8")


async def test_an_area_sets_its_own_peer_hours(
    api: FakeBotAPI, peer_settings: Settings, clock: Clock
) -> None:
    with_leeds_hours(peer_settings, "Mo-Fr 10:00-16:00")  # Tuesday 09:00 now: not yet
    bot = await Harness.start(api, with_api(peer_settings, api.url), clock)
    try:
        await onboarded(bot)
        await bot.tap("peer", PERSON)
        answer = await bot.expect("No peer is here right now", PERSON)
        assert "back 10:00" in answer["text"]
    finally:
        await bot.stop()


def test_peer_hours_that_do_not_parse_are_reported_with_file_and_line(
    peer_settings: Settings,
) -> None:
    from bot.content import build, read_folder

    with_leeds_hours(peer_settings, "whenever we can")
    _, problems = build(read_folder(peer_settings.content_dir))
    errors = [p for p in problems if p.severity == "error"]
    assert any(
        p.file == "areas.yml" and "peer_hours" in p.message and p.line > 1 for p in errors
    ), errors


async def test_what_the_person_and_the_peer_write_is_never_logged(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    caplog.set_level(logging.INFO)
    caplog.set_level(logging.DEBUG, logger="bot")
    await onboarded(bot)
    await person_says(bot, "can i talk to a real person about my dealer on Harrow Road")
    await bot.expect("Can they read the message you just wrote?", PERSON)
    await bot.tap("peer:share", PERSON)
    thread = int((await in_group(bot, "Harrow Road"))["message_thread_id"])
    await peer_says(bot, JO, "/alias Jo", thread)
    await peer_says(bot, JO, "meet me at the Sunflower Cafe", thread)
    await bot.expect("Sunflower Cafe", PERSON)
    await person_says(bot, "ok see you at the cafe on Elm Street")
    await in_group(bot, "Elm Street")
    for secret in ("Harrow", "Sunflower", "Elm Street"):
        assert secret not in caplog.text
