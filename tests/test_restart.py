"""A kill in the middle of sending loses nothing: the real bot process, SIGKILLed and restarted."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.store import iso, open_database
from tests.conftest import TOKEN

pytestmark = pytest.mark.slow
PEOPLE = 60


def start_fake(port_file: Path, log: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            sys.executable,
            "tests/fakebotapi.py",
            "--port",
            "0",
            "--token",
            TOKEN,
            "--log",
            str(log),
            "--delay-send",
            "0.03",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    assert "listening on" in line, line
    port_file.write_text(line.split()[-1])
    return process


def start_bot(url: str, database: Path, content: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "TELEGRAM_TOKEN": TOKEN,
        "TELEGRAM_API_URL": url,
        "FIRST48_DATABASE": str(database),
        "FIRST48_CONTENT_DIR": str(content),
        "FIRST48_DISPATCH_INTERVAL": "0.2",
        "FIRST48_DISPATCH_RATE": "25",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def delivered(log: Path) -> list[int]:
    if not log.exists():
        return []
    return [json.loads(line)["chat_id"] for line in log.read_text().splitlines() if line.strip()]


def test_sigkill_mid_dispatch_loses_nothing(tmp_path: Path, content_dir: Path) -> None:
    database = tmp_path / "bot.db"
    db = open_database(database)
    now = iso(datetime.now(UTC))
    for chat in range(1, PEOPLE + 1):
        db.execute(
            "INSERT INTO people (chat_id, timezone, consent_at, released_at, step) "
            "VALUES (?, 'Europe/London', ?, ?, 'done')",
            [chat, now, now],
        )
        db.execute(
            "INSERT INTO outbox (person_id, message_id, due_at, next_attempt_at, "
            "updated_at) VALUES (last_insert_rowid(), 'tolerance-hour-zero', ?, ?, ?)",
            [now, now, now],
        )
    db.conn.close()
    log = tmp_path / "sent.jsonl"
    fake = start_fake(tmp_path / "port", log)
    url = (tmp_path / "port").read_text().strip()
    kills = 0
    try:
        for target in (10, 30):
            bot = start_bot(url, database, content_dir)
            deadline = time.monotonic() + 30
            while len(delivered(log)) < target and time.monotonic() < deadline:
                time.sleep(0.02)
            assert bot.poll() is None, bot.stderr.read() if bot.stderr else ""
            os.kill(bot.pid, signal.SIGKILL)
            bot.wait()
            kills += 1
        bot = start_bot(url, database, content_dir)
        deadline = time.monotonic() + 40
        while len(set(delivered(log))) < PEOPLE and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
        bot.send_signal(signal.SIGTERM)
        bot.wait(timeout=10)
    finally:
        fake.terminate()
        fake.wait()
    counts = Counter(delivered(log))
    assert set(counts) == set(range(1, PEOPLE + 1)), "every person got their reminder"
    duplicates = sum(n - 1 for n in counts.values())
    assert duplicates <= kills, f"{duplicates} duplicates for {kills} kills"
    check = open_database(database)
    statuses = check.execute("SELECT status, count(*) FROM outbox GROUP BY status").fetchall()
    assert statuses == [("sent", PEOPLE)]
