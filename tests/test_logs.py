"""Logs an operator can alert on, and never what a person wrote: a full run of the real bot."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.logs import JsonFormatter
from tests.conftest import TOKEN
from tests.fakebotapi import FakeBotAPI

pytestmark = pytest.mark.slow

CHAT = 4711
# What the person writes; each distinctive word must stay out of every log.
SECRETS = {
    "my dealer Marcus on Harrow Road sold me some gear": ("Marcus", "Harrow"),
    "used 3 bags with Kezia at the Wetherby flats last night": ("Kezia", "Wetherby"),
    "where can I get naloxone near Quarrington Street": ("Quarrington",),
    "he's not breathing at 14 Tavistock Close": ("Tavistock",),
}


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait(check: Callable[[], object], what: str, timeout: float = 20.0) -> object:
    deadline = time.monotonic() + timeout
    while not (found := check()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)
    return found


def _buttons(params: dict) -> list[str]:
    markup = params.get("reply_markup") or {}
    rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
    return [b.get("callback_data") or b.get("text") for row in rows for b in row]


def _lines(log: Path) -> list[dict]:
    return [json.loads(line) for line in log.read_text().splitlines() if line.strip()]


def test_a_full_run_logs_json_status_lines_and_never_what_people_wrote(
    tmp_path: Path, content_dir: Path
) -> None:
    api = FakeBotAPI(token=TOKEN).start()
    database = tmp_path / "bot.db"
    log = tmp_path / "bot.log"
    rasa_url = os.environ.get("FIRST48_TEST_RASA_URL") or f"http://127.0.0.1:{_closed_port()}"
    env = {
        **os.environ,
        "TELEGRAM_TOKEN": TOKEN,
        "TELEGRAM_API_URL": api.url,
        "FIRST48_DATABASE": str(database),
        "FIRST48_CONTENT_DIR": str(content_dir),
        "FIRST48_DISPATCH_INTERVAL": "0.2",
        "FIRST48_LOG_FORMAT": "json",
        "FIRST48_LOG_LEVEL": "DEBUG",  # the most the operator can ask for
        "FIRST48_STATUS_INTERVAL": "0.5",
        "RASA_URL": rasa_url,
    }
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "run"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    try:

        def reply(predicate: Callable[[dict], bool], what: str, timeout: float = 30) -> dict:
            return api.wait_for(
                lambda p: p.get("chat_id") == CHAT and predicate(p), timeout=timeout
            )

        def has(button: str) -> Callable[[dict], bool]:
            return lambda p: button in _buttons(p)

        api.send_text(CHAT, "/start")
        reply(has("start:en"), "the language question", timeout=120)  # start-up
        api.press(CHAT, "start:en")
        reply(has("rel:today"), "the release question")
        api.press(CHAT, "rel:today")
        reply(lambda p: bool((p.get("reply_markup") or {}).get("keyboard")), "the area question")
        api.send_text(CHAT, "Leeds")
        reply(has("ost:yes"), "the OST question")
        api.press(CHAT, "ost:yes")
        reply(has("housed:yes"), "the housing question")
        api.press(CHAT, "housed:yes")
        reply(has("overdose"), "the menu")

        for text in SECRETS:
            api.send_text(CHAT, text)
            reply(lambda p: True, "an answer")
        reply(lambda p: "999" in p.get("text", ""), "the emergency number")
        api.send_location(CHAT, 53.8008, -1.5491)
        api.send_sticker(CHAT)
        api.send_voice(CHAT)

        def sent_reminders() -> int:
            with sqlite3.connect(database) as db:
                return db.execute("SELECT COUNT(*) FROM outbox WHERE status = 'sent'").fetchone()[0]

        _wait(sent_reminders, "a reminder to be sent")
        _wait(
            lambda: any(
                line.get("event") == "status" and line.get("last_send") for line in _lines(log)
            ),
            "a status line after the first send",
        )
        api.send_text(CHAT, "/forget")
        reply(has("forget:yes"), "the /forget question")
        api.press(CHAT, "forget:yes")
        reply(lambda p: "forget:yes" not in _buttons(p), "/forget done")
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
        api.stop()

    lines = _lines(log)  # every line is one JSON object
    assert all({"time", "level", "logger", "message"} <= line.keys() for line in lines)
    status = [line for line in lines if line.get("event") == "status"]
    latest = status[-1]
    assert latest["database"] is True and latest["status"] in ("ok", "degraded")
    assert isinstance(latest["outbox_backlog"], int) and latest["last_send"]
    assert latest["rasa"] is ("FIRST48_TEST_RASA_URL" in os.environ)

    everything = log.read_text()
    rasa_log = Path("nlu/models/rasa.log")
    if "FIRST48_TEST_RASA_URL" in os.environ and rasa_log.exists():
        everything += rasa_log.read_text(errors="replace")  # Rasa heard the same words
    for text, words in SECRETS.items():
        for word in (text, *words):
            assert word not in everything, f"{word!r} reached a log"
    assert str(CHAT) not in log.read_text(), "the person's chat id reached the log"


def test_json_lines_carry_the_fields_given_to_the_logger() -> None:
    import logging

    record = logging.makeLogRecord(
        {"name": "bot.health", "levelname": "WARNING", "msg": "status %s", "args": ("degraded",)}
    )
    record.outbox_backlog = 3
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "status degraded" and line["outbox_backlog"] == 3
    assert line["level"] == "WARNING" and line["logger"] == "bot.health"
