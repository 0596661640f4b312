"""Runs the real python-telegram-bot Application against the fake Bot API on loopback."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from telegram.ext import Application

from bot.clock import Clock
from bot.settings import Settings
from bot.telegram_app import Services, build_application
from tests.fakebotapi import FakeBotAPI

CHAT = 4242


class Harness:
    """One bot process and one person chatting with it."""

    def __init__(self, api: FakeBotAPI, services: Services, application: Application) -> None:
        self.api = api
        self.services = services
        self.application = application

    @classmethod
    async def start(cls, api: FakeBotAPI, settings: Settings, clock: Clock) -> Harness:
        services = Services.create(settings, clock)
        application = build_application(services)
        await application.initialize()
        assert application.post_init is not None
        await application.post_init(application)
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0.0, timeout=1)
        await application.start()
        return cls(api, services, application)

    async def stop(self) -> None:
        assert self.application.updater is not None
        if self.application.updater.running:
            await self.application.updater.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()

    @property
    def db(self) -> Any:
        return self.services.companion.people.db

    async def say(self, text: str, chat: int = CHAT, language: str = "en") -> None:
        self.api.send_text(chat, text, language_code=language)

    async def tap(self, data: str, chat: int = CHAT) -> None:
        self.api.press(chat, data)

    async def expect(
        self, predicate: Callable[[dict], bool] | str, chat: int = CHAT, timeout: float = 10.0
    ) -> dict:
        """Wait for a message to ``chat`` matching a predicate, or containing a text."""
        if isinstance(predicate, str):
            needle = predicate
            predicate = lambda params: needle in params.get("text", "")  # noqa: E731
        check = predicate
        return await self.api.await_for(
            lambda params: params.get("chat_id") == chat and check(params), timeout=timeout
        )

    async def quiet(self, seconds: float = 0.5) -> None:
        await asyncio.sleep(seconds)

    async def until(self, check: Callable[[], bool], timeout: float = 5.0) -> None:
        """Wait for something the bot does in the background (e.g. a row to change)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not check():
            if loop.time() > deadline:
                raise AssertionError("timed out waiting for the bot")
            await asyncio.sleep(0.05)

    def buttons(self, params: dict) -> list[str]:
        markup = params.get("reply_markup") or {}
        rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
        return [b.get("callback_data") or b.get("text") for row in rows for b in row]

    async def onboard(
        self,
        chat: int = CHAT,
        release: str = "today",
        area: str = "Leeds",
        language: str = "en",
        on_ost: str = "yes",
        housed: str = "yes",
    ) -> None:
        """Go through onboarding the way a person would."""
        await self.say("/start", chat, language)
        await self.expect(lambda p: f"start:{language}" in self.buttons(p), chat)
        await self.tap(f"start:{language}", chat)
        await self.expect(lambda p: "rel:today" in self.buttons(p), chat)
        if release in ("today", "yesterday"):
            await self.tap(f"rel:{release}", chat)
        else:
            await self.say(release, chat, language)
        await self.expect(lambda p: (p.get("reply_markup") or {}).get("keyboard"), chat)
        await self.say(area, chat, language)
        await self.expect(lambda p: "ost:yes" in self.buttons(p), chat)
        await self.tap(f"ost:{on_ost}", chat)
        await self.expect(lambda p: "housed:yes" in self.buttons(p), chat)
        await self.tap(f"housed:{housed}", chat)
        await self.expect(
            lambda p: "overdose" in self.buttons(p) and "settings" in self.buttons(p), chat
        )
