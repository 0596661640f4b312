"""Shared fixtures: real content, a real SQLite file, and a clock the tests can move."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.clock import Clock
from bot.settings import DEFAULT_CONTENT_DIR, Settings

TOKEN = "123456:TEST-TOKEN"


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    """A private copy of the real content, safe to break."""
    target = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, target)
    return target


@pytest.fixture
def clock() -> Clock:
    # A Tuesday morning in London.
    return Clock(datetime(2026, 3, 3, 9, 0, tzinfo=UTC))


@pytest.fixture
def settings(tmp_path: Path, content_dir: Path) -> Settings:
    return Settings(
        database=tmp_path / "first48.db",
        content_dir=content_dir,
        timezone="Europe/London",
        dispatch_interval=0.05,
        dispatch_rate=50,
        content_reload_interval=0.2,
        rasa_url="",  # tests that need Rasa ask for it (tests/test_nlu_rasa.py)
    )


@pytest.fixture
def services(settings: Settings, clock: Clock) -> Iterator[object]:
    from bot.telegram_app import Services

    yield Services.create(settings, clock)


def with_api(settings: Settings, url: str) -> Settings:
    from bot.settings import Secret

    return replace(settings, telegram_api_url=url, telegram_token=Secret(TOKEN))


@pytest.fixture
async def api() -> AsyncIterator[object]:
    """A Bot API server on loopback (tests/fakebotapi.py)."""
    from tests.fakebotapi import FakeBotAPI

    server = FakeBotAPI(token=TOKEN).start()
    yield server
    server.stop()


@pytest.fixture
async def bot(api: object, settings: Settings, clock: Clock) -> AsyncIterator[object]:
    """The real Application, started against ``api``, one person's chat at hand."""
    from tests.botharness import Harness

    harness = await Harness.start(api, with_api(settings, api.url), clock)  # type: ignore[arg-type,attr-defined]
    yield harness
    await harness.stop()
