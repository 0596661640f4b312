"""A full disk and a database locked by another process, through the real Application.

Reads keep working in both (SQLite in WAL mode), writes fail. The bot must say so in its log
and in /health, keep answering emergencies, lose no planned reminder, retry a send it could
not record, and carry on by itself when the fault clears.
"""

from __future__ import annotations

import logging
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from bot.clock import Clock
from bot.settings import Secret, Settings
from bot.store import Writes
from bot.web import create_app
from tests.botharness import CHAT, Harness

CARD = "Call 999 now"
SORRY = "Something went wrong on my side"
NEWCOMER = 5151

# Another process that takes the write lock and keeps it until told to let go.
LOCKER = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.readline()
db.execute("ROLLBACK")
"""


@pytest.fixture(autouse=True)
def quick_probe(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Writes, "PROBE_EVERY", 0.3)


class Locker:
    """A second process holding ``BEGIN EXCLUSIVE`` on the bot's database file."""

    def __init__(self, path: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", LOCKER, str(path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None and self.process.stdout.readline() == "locked\n"

    def release(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.write("\n")
            self.process.stdin.flush()
            self.process.wait(timeout=10)


@pytest.fixture
def locker_for(tmp_path: Path) -> Iterator[list[Locker]]:
    started: list[Locker] = []
    yield started
    for locker in started:
        locker.release()


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return replace(settings, web_session_key=Secret("s" * 40))


@pytest.fixture
async def web(bot: Harness) -> AsyncIterator[httpx.AsyncClient]:
    """The web app of the same bot, for /health."""
    app = create_app(bot.services)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app), base_url="https://testserver"
    ) as client:
        yield client


def rows(path: Path, chat: int = CHAT) -> dict[str, str]:
    """message id -> status of one person's outbox, read by a connection of our own."""
    with sqlite3.connect(path) as db:
        return dict(
            db.execute(
                "SELECT message_id, status FROM outbox JOIN people ON people.id = person_id "
                "WHERE chat_id = ?",
                [chat],
            ).fetchall()
        )


def operator_lines(caplog: pytest.LogCaptureFixture, words: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if words in r.getMessage()]


async def health(web: httpx.AsyncClient) -> tuple[int, dict]:
    answer = await web.get("/health")
    return answer.status_code, answer.json()


async def test_a_database_locked_by_another_process(
    bot: Harness,
    web: httpx.AsyncClient,
    locker_for: list[Locker],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    path = bot.services.settings.database
    await bot.onboard()
    await bot.until(lambda: "sending" not in rows(path).values() and "sent" in rows(path).values())
    planned = rows(path)
    assert "planned" in planned.values()

    locker_for.append(Locker(path))
    await bot.say("/start", NEWCOMER)  # the welcome needs no write ...
    await bot.expect(lambda p: "start:en" in bot.buttons(p), NEWCOMER)
    await bot.tap("start:en", NEWCOMER)  # ... their consent does
    await bot.expect(SORRY, NEWCOMER)
    (line,) = operator_lines(caplog, "database: writes fail")
    assert "database is locked" in line and "/start" not in line

    await bot.say("he's not breathing")
    await bot.expect(CARD)
    status, body = await health(web)
    assert status == 503 and body["status"] == "failing" and body["database"] is False
    assert body["database_error"] == "database is locked"
    assert rows(path) == planned, "nothing planned is lost or changed while locked"

    locker_for[0].release()
    await bot.until(lambda: bot.services.companion.writes.problem is None, timeout=10)
    assert operator_lines(caplog, "database: writes work again")
    status, body = await health(web)
    assert status == 200 and body["database"] is True and body["database_error"] is None
    await bot.tap("start:en", NEWCOMER)  # no restart: the newcomer can start now
    await bot.expect(lambda p: "rel:today" in bot.buttons(p), NEWCOMER)
    assert rows(path) == planned


async def test_a_reminder_sent_while_the_database_is_locked_is_sent_again(
    bot: Harness, api: object, clock: Clock, locker_for: list[Locker]
) -> None:
    path = bot.services.settings.database
    await bot.onboard()
    await bot.until(lambda: "sending" not in rows(path).values() and "sent" in rows(path).values())
    api.delay("sendMessage", 1.5)  # type: ignore[attr-defined]
    clock.advance(timedelta(hours=2))  # the next reminder falls due
    await bot.until(lambda: "sending" in rows(path).values())
    (reminder,) = [m for m, status in rows(path).items() if status == "sending"]
    locker_for.append(Locker(path))  # it reaches Telegram, but "sent" cannot be written
    await bot.until(lambda: bot.services.companion.writes.problem is not None, timeout=10)
    assert rows(path)[reminder] == "sending"
    api.delay("sendMessage", 0)  # type: ignore[attr-defined]
    first = len(api.sent(CHAT))  # type: ignore[attr-defined]

    locker_for[0].release()
    await bot.until(lambda: rows(path)[reminder] == "sent", timeout=10)
    assert len(api.sent(CHAT)) == first + 1, "sent once more after the fault, not dropped"  # type: ignore[attr-defined]


async def test_a_full_disk(
    bot: Harness, web: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    path = bot.services.settings.database
    await bot.onboard()
    await bot.until(lambda: "sending" not in rows(path).values() and "sent" in rows(path).values())
    planned = rows(path)
    db = bot.db
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages}")  # the file may not grow: a full disk

    await bot.say("/start", NEWCOMER)
    await bot.expect(lambda p: "start:en" in bot.buttons(p), NEWCOMER)
    await bot.tap("start:en", NEWCOMER)
    await bot.expect(lambda p: "rel:today" in bot.buttons(p), NEWCOMER)
    await bot.tap("rel:today", NEWCOMER)  # planning their timeline needs room
    await bot.expect(SORRY, NEWCOMER)
    (line,) = operator_lines(caplog, "database: writes fail")
    assert "database or disk is full" in line

    await bot.say("he's not breathing")
    await bot.expect(CARD)
    status, body = await health(web)
    assert status == 503 and body["status"] == "failing"
    assert body["database_error"] == "database or disk is full"
    assert rows(path) == planned, "a failed re-plan leaves the rows as they were"
    assert rows(path, NEWCOMER) == {}

    db.execute("PRAGMA max_page_count = 1073741823")  # room again
    await bot.until(lambda: bot.services.companion.writes.problem is None, timeout=10)
    status, body = await health(web)
    assert status == 200 and body["status"] == "ok"
    await bot.tap("rel:today", NEWCOMER)  # the same tap again, no restart
    await bot.expect("Which town or city are you in?", NEWCOMER)
    assert "planned" in rows(path, NEWCOMER).values()
    assert rows(path) == planned
