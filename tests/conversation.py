"""Talking to the conversation core directly, as the adapters do, without Telegram."""

from __future__ import annotations

import asyncio

from bot.companion import Incoming, Reply
from bot.telegram_app import Services

ONBOARDING = ("/start", "tap:start:en", "tap:rel:today", "tap:area:skip", "tap:ost:no",
              "tap:housed:yes")  # fmt: skip


def say(services: Services, chat: int, step: str) -> list[Reply]:
    """Type a text, or tap a button with ``tap:<data>``; text goes through the NLU first."""
    if step.startswith("tap:"):
        return services.companion.handle(Incoming(chat, callback=step[4:]))
    if step.startswith("/"):  # commands skip the NLU, as in the adapters
        return services.companion.handle(Incoming(chat, text=step))
    incoming = asyncio.run(services.incoming_for_text(Incoming(chat, text=step)))
    return services.companion.handle(incoming)


def talk(services: Services, chat: int, *steps: str) -> list[list[Reply]]:
    """Each step's replies, in order."""
    return [say(services, chat, step) for step in steps]


def texts(services: Services, chat: int, *steps: str) -> list[str]:
    """Every reply's text, flattened."""
    return [reply.text for replies in talk(services, chat, *steps) for reply in replies]


def onboard(services: Services, chat: int, *steps: str) -> None:
    """Consent in English, released today; ``steps`` replace the default answers after that."""
    talk(services, chat, *(ONBOARDING[:2] + (steps or ONBOARDING[2:])))


def buttons(replies: list[Reply]) -> list[str]:
    return [b.data for reply in replies for row in reply.buttons for b in row]
