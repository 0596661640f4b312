"""Webhook mode: only calls that carry Telegram's secret token reach the bot."""

from __future__ import annotations

import time
from dataclasses import replace

import httpx
import pytest

from bot.clock import Clock
from bot.settings import Secret, Settings
from bot.telegram_app import Services, build_application
from bot.web import create_app
from bot.web.telegram_hook import HEADER, PATH
from tests.conftest import with_api
from tests.fakebotapi import FakeBotAPI

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

SECRET = "s3cret-token-from-setWebhook_0123"


def update(chat: int, text: str) -> dict:
    entities = [{"type": "bot_command", "offset": 0, "length": len(text)}]
    return {
        "update_id": 1,
        "message": {
            "message_id": 1, "date": int(time.time()), "text": text, "entities": entities,
            "from": {"id": chat, "is_bot": False, "first_name": "Sam", "language_code": "en"},
            "chat": {"id": chat, "type": "private", "first_name": "Sam"},
        },
    }  # fmt: skip


async def test_only_calls_with_the_secret_token_reach_the_bot(
    api: FakeBotAPI, settings: Settings, clock: Clock
) -> None:
    settings = replace(
        with_api(settings, api.url),
        web_session_key=Secret("w" * 40),
        webhook_url="https://bot.example.org/telegram/update",
        webhook_secret=Secret(SECRET),
    )
    services = Services.create(settings, clock)
    application = build_application(services)
    await application.initialize()
    await application.start()
    app = create_app(services, telegram=application)
    transport = httpx.ASGITransport(app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="https://t") as web:
            for headers in ({}, {HEADER: "guess"}, {HEADER: SECRET[:-1]}):
                answer = await web.post(PATH, json=update(601, "/start"), headers=headers)
                assert answer.status_code == 403
            garbage = await web.post(PATH, content=b"not json", headers={HEADER: SECRET})
            assert garbage.status_code == 400
            answer = await web.post(PATH, json=update(602, "/start"), headers={HEADER: SECRET})
            assert answer.status_code == 200
            welcome = await api.await_for(lambda p: p.get("chat_id") == 602)
            assert "first48" in welcome["text"]
            assert not [p for p in api.sent() if p.get("chat_id") == 601], "refused calls"
    finally:
        await application.stop()
        await application.shutdown()
    # Not in webhook mode: the path does not exist.
    plain = create_app(replace(services, settings=replace(settings, webhook_secret=Secret(""))))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(plain), base_url="https://t") as web:
        answer = await web.post(PATH, json=update(603, "/start"), headers={HEADER: SECRET})
        assert answer.status_code == 404
