"""Tests of the fake Bot API, driven by a real ``telegram.Bot``."""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
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
