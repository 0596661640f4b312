"""Tests of the fake Bot API, driven by a real ``telegram.Bot``."""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from telegram import (
    Bot,
    ChatMemberAdministrator,
    ChatMemberBanned,
    ChatMemberLeft,
    ChatMemberMember,
    ChatMemberOwner,
    ChatMemberRestricted,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application, CommandHandler, ContextTypes

from tests.fakebotapi import FakeBotAPI

TOKEN = "123456:TEST"

# PTB 22 warns whenever RetryAfter.retry_after is an int (it becomes a timedelta in v23).
pytestmark = pytest.mark.filterwarnings(
    "ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning"
)


@pytest.fixture
def api() -> Iterator[FakeBotAPI]:
    with FakeBotAPI(token=TOKEN) as fake:
        yield fake


@pytest.fixture
async def bot(api: FakeBotAPI) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=f"{api.url}/bot") as real_bot:
        yield real_bot


def _retry_seconds(exc: RetryAfter) -> float:
    """``retry_after`` is an int, or a timedelta with PTB_TIMEDELTA set."""
    value = exc.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


async def test_get_me(bot: Bot, api: FakeBotAPI) -> None:
    me = await bot.get_me()
    assert me.is_bot and me.username == "first48_test_bot" and me.id == 123456
    assert [c.method for c in api.calls] == ["getMe", "getMe"]  # initialize() + ours


async def test_send_message_is_recorded_and_decoded(bot: Bot, api: FakeBotAPI) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="yes")]])
    first = await bot.send_message(42, "123", reply_markup=markup, protect_content=True)
    second = await bot.send_message(42, "<b>hi</b>", parse_mode="HTML")
    assert (first.message_id, second.message_id) == (1, 2)
    assert first.reply_markup == markup and first.chat.type == "private"
    params = api.sent(42)
    assert params[0] == {
        "chat_id": 42,
        "text": "123",  # a numeric string stays a string
        "reply_markup": {"inline_keyboard": [[{"text": "Yes", "callback_data": "yes"}]]},
        "protect_content": True,
    }
    assert params[1]["parse_mode"] == "HTML"
    assert api.sent(7) == []
    assert api.wait_for(lambda p: p["text"] == "123")["chat_id"] == 42


async def test_get_updates_returns_injected_and_honours_offset(bot: Bot, api: FakeBotAPI) -> None:
    update_id = api.send_text(42, "/start hello", first_name="Ana")
    (update,) = await bot.get_updates(timeout=5)
    assert update.update_id == update_id
    assert update.message.text == "/start hello" and update.message.from_user.first_name == "Ana"
    assert update.message.entities[0].type == "bot_command"
    assert update.message.entities[0].length == len("/start")
    assert await bot.get_updates(offset=update_id + 1, timeout=0) == ()

    # A long poll returns as soon as an update arrives.
    threading.Timer(0.2, api.press, args=(42, "yes"), kwargs={"message_id": 1}).start()
    started = time.monotonic()
    (pressed,) = await bot.get_updates(offset=update_id + 1, timeout=5)
    assert time.monotonic() - started < 2
    assert pressed.callback_query.data == "yes" and pressed.update_id == update_id + 1


async def test_edits_and_callback_flow(bot: Bot, api: FakeBotAPI) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="yes")]])
    sent = await bot.send_message(42, "Ready?", reply_markup=markup)
    api.press(42, "yes")
    (update,) = await bot.get_updates(timeout=1)
    query = update.callback_query
    assert query.message.message_id == sent.message_id and query.message.reply_markup == markup
    assert await bot.answer_callback_query(query.id)
    edited = await bot.edit_message_text("Great", chat_id=42, message_id=sent.message_id)
    assert edited.text == "Great" and edited.reply_markup is None  # keyboard dropped
    assert (await api.await_for(lambda p: p["text"] == "Great"))["message_id"] == sent.message_id
    with pytest.raises(BadRequest, match="not modified"):
        await bot.edit_message_text("Great", chat_id=42, message_id=sent.message_id)
    assert await bot.delete_message(42, sent.message_id)
    assert api.bot_messages(42) == []


async def test_wait_for_times_out_listing_texts(bot: Bot, api: FakeBotAPI) -> None:
    await bot.send_message(1, "hello")
    with pytest.raises(AssertionError, match="hello"):
        await api.await_for(lambda p: p["text"] == "bye", timeout=0.2)
    assert len(await api.await_sent_count(1, chat_id=1)) == 1


async def test_fail_next_429_raises_retry_after(bot: Bot, api: FakeBotAPI) -> None:
    api.fail_next("sendMessage", 429, retry_after=7)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(42, "hi")
    assert _retry_seconds(caught.value) == 7
    await bot.send_message(42, "hi")  # only the next call failed
    assert [p["text"] for p in api.sent()] == ["hi"]
    assert [c.status for c in api.calls_of("sendMessage")] == [429, 200]


async def test_403_raises_forbidden(bot: Bot, api: FakeBotAPI) -> None:
    api.fail_next("sendMessage", 403, chat_id=5)
    await bot.send_message(6, "other chat is unaffected")
    with pytest.raises(Forbidden):
        await bot.send_message(5, "hi")
    api.block(9)
    for _ in range(2):
        with pytest.raises(Forbidden, match="blocked by the user"):
            await bot.send_message(9, "hi")


async def test_500_raises_network_error(bot: Bot, api: FakeBotAPI) -> None:
    api.fail_next("sendMessage", 500, count=2)
    for _ in range(2):
        with pytest.raises(NetworkError, match="Internal Server Error") as caught:
            await bot.send_message(42, "hi")
        assert type(caught.value) is NetworkError


async def test_wrong_token_raises_invalid_token(api: FakeBotAPI) -> None:
    with pytest.raises(InvalidToken):
        await Bot("999:WRONG", base_url=f"{api.url}/bot").get_me()


async def test_delay_makes_the_client_time_out(bot: Bot, api: FakeBotAPI) -> None:
    api.delay("sendMessage", 0.5)
    with pytest.raises(TimedOut):
        await bot.send_message(42, "slow", read_timeout=0.1)
    # Like Telegram, the message was still delivered.
    assert [p["text"] for p in await api.await_sent_count(1)] == ["slow"]


async def test_rate_limit_answers_429(bot: Bot, api: FakeBotAPI) -> None:
    api.rate_limit = (30.0, 1.0)
    await bot.send_message(42, "one")
    with pytest.raises(RetryAfter):
        await bot.send_message(42, "two")
    await bot.send_message(43, "other chat")
    assert api.rejected_429 == 1


async def test_commands_and_photo_upload(bot: Bot, api: FakeBotAPI) -> None:
    api.fail_next("setMyCommands", 400, description="Bad Request: BOT_COMMAND_INVALID")
    with pytest.raises(BadRequest, match="(?i)bot_command_invalid"):
        await bot.set_my_commands([("start", "Start")])
    assert await bot.set_my_commands([("start", "Start"), ("help", "Help")])
    assert [c.command for c in await bot.get_my_commands()] == ["start", "help"]
    assert api.commands()[1] == {"command": "help", "description": "Help"}

    photo = await bot.send_photo(42, b"\x89PNG\r\n\x1a\n" + bytes(100), caption="QR")
    assert photo.photo and photo.caption == "QR"
    (call,) = api.calls_of("sendPhoto")
    assert call.params["chat_id"] == 42 and call.params["photo"]["size"] == 108


async def test_application_polling_end_to_end(api: FakeBotAPI) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.message.reply_text(f"hi {update.effective_user.first_name}")

    app = Application.builder().token(TOKEN).base_url(f"{api.url}/bot").build()
    app.add_handler(CommandHandler("start", start))
    async with app:
        await app.updater.start_polling(poll_interval=0, timeout=1)
        await app.start()
        api.send_text(77, "/start", first_name="Jo")
        reply = await api.await_for(lambda p: p["chat_id"] == 77)
        await app.updater.stop()
        await app.stop()
    assert reply["text"] == "hi Jo"
    assert api.calls_of("deleteWebhook")


@pytest.mark.slow
def test_standalone_process_logs_sent_messages(tmp_path: Path) -> None:
    log = tmp_path / "sent.jsonl"
    script = Path(__file__).with_name("fakebotapi.py")
    proc = subprocess.Popen(
        [sys.executable, str(script), "--port", "0", "--log", str(log), "--control"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().split()[-1]

        async def drive() -> None:
            async with Bot(TOKEN, base_url=f"{url}/bot") as real_bot:
                await real_bot.send_message(3, "logged")

        asyncio.run(drive())
        line = json.loads(log.read_text().splitlines()[0])
        assert line["chat_id"] == 3 and line["text"] == "logged" and line["time"] > 0
    finally:
        proc.terminate()
        assert proc.wait(timeout=5) == 0


# ---------------------------------------------------------------------- forum supergroups

GROUP = -1001234567890  # a forum supergroup: every -100... chat is one in the fake


async def test_create_forum_topic_and_send_into_it(bot: Bot, api: FakeBotAPI) -> None:
    first = await bot.create_forum_topic(GROUP, "Case 1")
    second = await bot.create_forum_topic(
        GROUP, "Case 2", icon_color=0xFFD67E, icon_custom_emoji_id="5312536423851630001"
    )
    assert (first.name, first.icon_color) == ("Case 1", 0x6FB9F0)  # Telegram's default colour
    assert second.icon_custom_emoji_id == "5312536423851630001"
    assert 1 < first.message_thread_id < second.message_thread_id  # 1 is "General"
    assert api.topics(GROUP) == [
        {"message_thread_id": first.message_thread_id, "name": "Case 1", "icon_color": 7322096,
         "closed": False, "deleted": False},
        {"message_thread_id": second.message_thread_id, "name": "Case 2",
         "icon_color": 0xFFD67E, "icon_custom_emoji_id": "5312536423851630001",
         "closed": False, "deleted": False},
    ]  # fmt: skip
    created = api.calls_of("createForumTopic")[1].params
    assert created["icon_color"] == 0xFFD67E  # numbers decoded, the emoji id stays a string
    assert created["icon_custom_emoji_id"] == "5312536423851630001"

    sent = await bot.send_message(GROUP, "New case", message_thread_id=first.message_thread_id)
    assert sent.message_thread_id == first.message_thread_id and sent.is_topic_message
    assert sent.chat.type == "supergroup" and sent.chat.is_forum
    # As on Telegram, a topic message "replies" to the topic's creation service message.
    assert sent.reply_to_message.forum_topic_created.name == "Case 1"
    assert sent.reply_to_message.message_id == first.message_thread_id
    assert sent.message_id > second.message_thread_id  # one message id sequence per chat
    (params,) = api.sent(GROUP)
    assert params["message_thread_id"] == first.message_thread_id  # an int, not "2"
    general = await bot.send_message(GROUP, "In General")
    assert general.message_thread_id is None and not general.is_topic_message
    photo = await bot.send_photo(GROUP, b"img", message_thread_id=second.message_thread_id)
    assert photo.message_thread_id == second.message_thread_id and photo.photo
    assert [m["text"] for m in api.topic_messages(GROUP, first.message_thread_id)] == ["New case"]
    assert [m["message_id"] for m in api.topic_messages(GROUP, second.message_thread_id)] == [
        photo.message_id
    ]
    assert await bot.send_chat_action(GROUP, "typing", message_thread_id=first.message_thread_id)


async def test_create_forum_topic_errors(bot: Bot, api: FakeBotAPI) -> None:
    for chat_id in (42, -4242):  # a private chat, a basic group
        with pytest.raises(BadRequest, match="^The chat is not a forum$"):
            await bot.create_forum_topic(chat_id, "Case")
    with pytest.raises(BadRequest, match="^Title must be non-empty$"):
        await bot.create_forum_topic(GROUP, "  ")
    with pytest.raises(BadRequest, match="^Invalid icon color specified$"):
        await bot.create_forum_topic(GROUP, "Case", icon_color=0x1000000)
    assert api.topics(GROUP) == [] and api.topics(42) == []
    long = await bot.create_forum_topic(GROUP, "x" * 200)
    assert len(long.name) == 128


async def test_edit_close_reopen_delete_forum_topic(bot: Bot, api: FakeBotAPI) -> None:
    topic = await bot.create_forum_topic(GROUP, "Case 1")
    thread = topic.message_thread_id
    other = (await bot.create_forum_topic(GROUP, "Case 2")).message_thread_id

    assert await bot.edit_forum_topic(GROUP, thread, name="Case 1 (claimed)")
    assert await bot.edit_forum_topic(GROUP, thread)  # nothing to change: a no-op
    with pytest.raises(BadRequest, match="^Topic_not_modified$"):
        await bot.edit_forum_topic(GROUP, thread, name="Case 1 (claimed)")
    assert await bot.edit_forum_topic(GROUP, thread, icon_custom_emoji_id="123")
    assert api.topics(GROUP)[0]["name"] == "Case 1 (claimed)"
    assert api.topics(GROUP)[0]["icon_custom_emoji_id"] == "123"

    sent = await bot.send_message(GROUP, "Claimed", message_thread_id=thread)
    assert await bot.close_forum_topic(GROUP, thread)
    assert api.topics(GROUP)[0]["closed"] is True
    with pytest.raises(BadRequest, match="^Topic_closed$"):
        await bot.send_message(GROUP, "Still there?", message_thread_id=thread)
    with pytest.raises(BadRequest, match="^Topic_not_modified$"):
        await bot.close_forum_topic(GROUP, thread)
    # Messages already in a closed topic can still be edited.
    await bot.edit_message_text("Claimed by Ana", chat_id=GROUP, message_id=sent.message_id)
    assert await bot.reopen_forum_topic(GROUP, thread)
    with pytest.raises(BadRequest, match="^Topic_not_modified$"):
        await bot.reopen_forum_topic(GROUP, thread)
    await bot.send_message(GROUP, "Reopened", message_thread_id=thread)
    api.group_text(GROUP, 501, "a peer's message", thread_id=thread)
    kept = await bot.send_message(GROUP, "Other case", message_thread_id=other)

    assert await bot.delete_forum_topic(GROUP, thread)
    assert api.topics(GROUP)[0]["deleted"] is True
    assert api.topic_messages(GROUP, thread) == []
    assert [m["message_id"] for m in api.bot_messages(GROUP)] == [kept.message_id]
    assert all(m.get("message_thread_id") != thread for m in api._messages[GROUP].values())
    assert len(api.sent(GROUP)) == 3  # the calls themselves stay recorded
    with pytest.raises(BadRequest, match="^Message thread not found$"):
        await bot.send_message(GROUP, "Gone?", message_thread_id=thread)
    with pytest.raises(BadRequest, match="^Message to edit not found$"):
        await bot.edit_message_text("x", chat_id=GROUP, message_id=sent.message_id)
    for call in (
        bot.edit_forum_topic(GROUP, thread, name="x"),
        bot.close_forum_topic(GROUP, thread),
        bot.reopen_forum_topic(GROUP, thread),
        bot.delete_forum_topic(GROUP, thread),
        bot.delete_forum_topic(GROUP, 999),  # never existed
        bot.close_forum_topic(GROUP, 999),
    ):
        with pytest.raises(BadRequest, match="^Topic_id_invalid$"):
            await call
    with pytest.raises(BadRequest, match="^The chat is not a forum$"):
        await bot.close_forum_topic(42, thread)
    with pytest.raises(ValueError, match="no topic"):
        api.group_text(GROUP, 501, "too late", thread_id=thread)


async def test_send_to_unknown_thread_fails(bot: Bot, api: FakeBotAPI) -> None:
    with pytest.raises(BadRequest, match="^Message thread not found$"):
        await bot.send_message(GROUP, "hi", message_thread_id=77)
    with pytest.raises(BadRequest, match="^Message thread not found$"):
        await bot.send_message(42, "hi", message_thread_id=77)  # a private chat
    with pytest.raises(BadRequest, match="^Message thread not found$"):
        await bot.send_photo(GROUP, b"img", message_thread_id=77)
    with pytest.raises(BadRequest, match="^Message thread not found$"):
        await bot.send_chat_action(GROUP, "typing", message_thread_id=77)
    with pytest.raises(BadRequest, match="^Message thread not found$"):
        await bot.copy_message(GROUP, 42, 1, message_thread_id=77)
    other = -1009999999999
    topic = await bot.create_forum_topic(other, "Elsewhere")  # thread ids are per chat
    with pytest.raises(BadRequest, match="^Message thread not found$"):
        await bot.send_message(GROUP, "hi", message_thread_id=topic.message_thread_id)
    assert api.sent() == [] and api.bot_messages(GROUP) == []


async def test_group_text_and_photo_updates(bot: Bot, api: FakeBotAPI) -> None:
    thread = (await bot.create_forum_topic(GROUP, "Case 1")).message_thread_id
    first = api.group_text(GROUP, 501, "/claim now", thread_id=thread, username="ana")
    api.group_text(GROUP, 502, "hello all", first_name="Ben")
    api.group_photo(GROUP, 501, thread_id=thread)
    updates = await bot.get_updates(timeout=1)
    assert [u.update_id for u in updates] == [first, first + 1, first + 2]
    claim, hello, photo = (u.message for u in updates)
    assert claim.text == "/claim now" and claim.entities[0].type == "bot_command"
    assert claim.entities[0].length == len("/claim")
    assert claim.message_thread_id == thread and claim.is_topic_message
    assert claim.reply_to_message.forum_topic_created.name == "Case 1"
    assert claim.from_user.id == 501 and claim.from_user.username == "ana"
    assert claim.from_user.first_name == "Peer" and claim.chat.id == GROUP
    assert claim.chat.type == "supergroup" and claim.chat.is_forum
    assert hello.message_thread_id is None and not hello.is_topic_message
    assert hello.entities == () and hello.from_user.first_name == "Ben"
    assert hello.reply_to_message is None
    assert photo.photo and photo.message_thread_id == thread and photo.from_user.id == 501
    assert claim.message_id < hello.message_id < photo.message_id

    # The bot's reply lands in the topic (PTB passes message_thread_id) and quotes the peer.
    reply = await claim.reply_text("Claimed", do_quote=True)
    assert reply.message_thread_id == thread and reply.reply_to_message.message_id == (
        claim.message_id
    )
    assert api.sent(GROUP)[0]["message_thread_id"] == thread
    assert [m["text"] for m in api.topic_messages(GROUP, thread)] == ["Claimed"]

    with pytest.raises(ValueError, match="no topic"):
        api.group_text(GROUP, 501, "hi", thread_id=12345)
    with pytest.raises(ValueError, match="not a group"):
        api.group_text(42, 501, "hi")
    with pytest.raises(ValueError, match="not a group"):
        api.group_photo(42, 501)


async def test_group_press_callback(bot: Bot, api: FakeBotAPI) -> None:
    thread = (await bot.create_forum_topic(GROUP, "Case 1")).message_thread_id
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Claim", callback_data="claim:1")]])
    sent = await bot.send_message(GROUP, "New case", message_thread_id=thread, reply_markup=markup)
    api.group_press(GROUP, 501, "claim:1", sent.message_id)
    (update,) = await bot.get_updates(timeout=1)
    query = update.callback_query
    assert query.data == "claim:1" and query.from_user.id == 501
    assert query.message.message_id == sent.message_id and query.message.reply_markup == markup
    assert query.message.message_thread_id == thread and query.message.is_topic_message
    assert (await bot.get_chat_member(GROUP, 501)).status == "member"
    follow_up = await query.message.reply_text("Claimed by Peer")
    assert follow_up.message_thread_id == thread
    with pytest.raises(ValueError, match="no bot message"):
        api.group_press(GROUP, 501, "claim:1", 999)
    api.group_text(GROUP, 502, "a peer's message")
    peer_message = api._messages[GROUP][max(api._messages[GROUP])]["message_id"]
    with pytest.raises(ValueError, match="no bot message"):
        api.group_press(GROUP, 501, "claim:1", peer_message)


async def test_get_chat_member(bot: Bot, api: FakeBotAPI) -> None:
    api.group_text(GROUP, 501, "hi", first_name="Ana", username="ana")
    member = await bot.get_chat_member(GROUP, 501)
    assert isinstance(member, ChatMemberMember)
    assert member.user.first_name == "Ana" and member.user.username == "ana"
    assert (await bot.get_chat_member(GROUP, 999)).status == "left"  # never wrote there
    assert (await bot.get_chat_member(-1009999999999, 501)).status == "left"  # other group
    me = await bot.get_chat_member(GROUP, bot.id)
    assert isinstance(me, ChatMemberAdministrator) and me.can_manage_topics
    assert me.user.is_bot

    expected = {
        "creator": ChatMemberOwner,
        "administrator": ChatMemberAdministrator,
        "restricted": ChatMemberRestricted,
        "left": ChatMemberLeft,
        "kicked": ChatMemberBanned,
        "member": ChatMemberMember,
    }
    for status, cls in expected.items():
        api.set_member_status(GROUP, 501, status)
        member = await bot.get_chat_member(GROUP, 501)
        assert type(member) is cls and member.status == status and member.user.id == 501
    api.set_member_status(GROUP, 502, "kicked")
    api.group_text(GROUP, 502, "hi")  # writing does not override a status a test set
    assert (await bot.get_chat_member(GROUP, 502)).status == "kicked"
    with pytest.raises(ValueError, match="status must be one of"):
        api.set_member_status(GROUP, 501, "owner")

    api.send_text(42, "/start", first_name="Sam")
    private = await bot.get_chat_member(42, 42)
    assert private.status == "member" and private.user.first_name == "Sam"
    with pytest.raises(BadRequest, match="^Invalid user_id specified$"):
        await bot.get_chat_member(GROUP, 0)


def test_forum_control_endpoints() -> None:
    def control(api: FakeBotAPI, name: str, body: dict | None = None, query: str = "") -> object:
        request = urllib.request.Request(
            f"{api.url}/_control/{name}{query}",
            data=None if body is None else json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            payload = json.loads(response.read())
        assert payload["ok"] is True
        return payload["result"]

    async def create_and_send() -> int:
        async with Bot(TOKEN, base_url=f"{api.url}/bot") as real_bot:
            topic = await real_bot.create_forum_topic(GROUP, "Case 9")
            markup = InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="go")]])
            await real_bot.send_message(
                GROUP, "hi", message_thread_id=topic.message_thread_id, reply_markup=markup
            )
            return topic.message_thread_id

    with FakeBotAPI(token=TOKEN, control=True) as api:
        thread = asyncio.run(create_and_send())
        assert control(api, "topics", query=f"?chat_id={GROUP}") == [
            {"message_thread_id": thread, "name": "Case 9", "icon_color": 7322096,
             "closed": False, "deleted": False}
        ]  # fmt: skip
        (message,) = control(api, "topic_messages", query=f"?chat_id={GROUP}&thread_id={thread}")
        assert message["text"] == "hi" and message["message_thread_id"] == thread
        text_id = control(
            api, "group_text",
            {"chat_id": GROUP, "user_id": 501, "text": "/claim", "thread_id": thread,
             "first_name": "Ana"},
        )  # fmt: skip
        photo_id = control(api, "group_photo", {"chat_id": GROUP, "user_id": 501})
        press_id = control(
            api, "group_press",
            {"chat_id": GROUP, "user_id": 501, "data": "go",
             "message_id": message["message_id"]},
        )  # fmt: skip
        assert text_id < photo_id < press_id
        assert control(
            api, "set_member_status", query=f"?chat_id={GROUP}&user_id=502&status=kicked"
        ) is None  # fmt: skip
        assert api._member_status[(GROUP, 502)] == "kicked"
        claim, photo, press = (u for u in api._updates)
        assert claim["message"]["message_thread_id"] == thread
        assert claim["message"]["from"]["first_name"] == "Ana"
        assert claim["message"]["entities"][0]["type"] == "bot_command"
        assert "message_thread_id" not in photo["message"] and photo["message"]["photo"]
        assert press["callback_query"]["from"]["id"] == 501
        with pytest.raises(urllib.error.HTTPError) as caught:
            control(api, "group_text", {"chat_id": GROUP, "user_id": 501, "text": "x",
                                        "thread_id": 4242})  # fmt: skip
        assert caught.value.code == 400
