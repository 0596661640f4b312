"""Many people at once: nobody waits behind another's slow answer; each person's stay in order."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from bot.clock import Clock
from bot.settings import Settings
from tests.botharness import Harness
from tests.conftest import with_api
from tests.fakebotapi import FakeBotAPI

SLOW_RASA_SECONDS = 2.0


@pytest.fixture
async def hanging_rasa() -> AsyncIterator[str]:
    """A Rasa that takes the request and never answers (an overloaded or stuck server)."""

    async def swallow(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(-1)  # until the bot gives up and closes
        writer.close()

    server = await asyncio.start_server(swallow, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.close()


@pytest.fixture
async def slow_bot(
    api: FakeBotAPI, settings: Settings, clock: Clock, hanging_rasa: str
) -> AsyncIterator[Harness]:
    bot_settings = replace(
        with_api(settings, api.url), rasa_url=hanging_rasa, rasa_timeout=SLOW_RASA_SECONDS
    )
    harness = await Harness.start(api, bot_settings, clock)
    assert harness.services.understander.rasa is not None
    harness.services.understander.rasa.pause_after_failure = 0  # ask Rasa every time
    yield harness
    await harness.stop()


def first_send_to(api: FakeBotAPI, chat: int) -> float:
    return min(c.at for c in api.calls_of("sendMessage", chat) if c.ok)


async def test_an_emergency_is_answered_while_someone_else_waits_for_a_slow_rasa(
    api: FakeBotAPI, slow_bot: Harness
) -> None:
    await slow_bot.onboard(chat=1)
    await slow_bot.onboard(chat=2)
    await slow_bot.quiet(0.3)
    api.calls.clear()

    await slow_bot.say("wheres a hostel with a free bed round here", chat=1)  # waits for Rasa
    await asyncio.sleep(0.1)
    await slow_bot.say("he's not breathing", chat=2)
    card = await slow_bot.expect("999", chat=2)
    assert card, "the emergency card"
    await slow_bot.expect(lambda p: True, chat=1, timeout=SLOW_RASA_SECONDS + 5)
    assert first_send_to(api, 2) < first_send_to(api, 1), (
        "the emergency waited for another person's slow answer"
    )


async def test_one_persons_messages_are_answered_in_the_order_they_wrote_them(
    api: FakeBotAPI, slow_bot: Harness
) -> None:
    await slow_bot.onboard(chat=3)
    await slow_bot.quiet(0.3)
    api.calls.clear()

    await slow_bot.say("need a bed tonight, nowhere to sleep", chat=3)  # waits for Rasa
    await slow_bot.say("/help", chat=3)  # no Rasa: would overtake if order were not kept
    await slow_bot.until(lambda: len(api.calls_of("sendMessage", 3)) >= 2, SLOW_RASA_SECONDS + 5)
    await slow_bot.quiet(0.5)
    texts = [c.params["text"] for c in api.calls_of("sendMessage", 3) if c.ok]
    help_message = slow_bot.services.live.current.message("help", "en")
    assert help_message is not None
    first_line = help_message.body.splitlines()[0][:30]
    first_help = next(i for i, t in enumerate(texts) if first_line in t)
    assert first_help > 0, f"/help was answered before the message written first: {texts}"
