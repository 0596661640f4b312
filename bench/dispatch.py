"""Reminder dispatch under Telegram's limits: 10,000 people whose reminders fall due at once.

Usage::

    .venv/bin/python bench/dispatch.py [--people 10000] [--rate R] [--interval S]
                                       [--people-talking N]

What it does, all on loopback with real parts:

1. Builds a real SQLite database through the app's own code (``Services.create``; each person is
   created, onboarded as released an hour ago, and planned with ``Companion.replan(catch_up=True)``,
   so each is owed exactly one reminder now, their most important missed message).
2. Starts the fake Bot API (tests/fakebotapi.py) with Telegram's limits switched on:
   30 messages/s overall and 1 message/s per chat, answered with real 429s and ``retry_after``.
3. Starts the real bot process (``python -m bot.cli run``) with the default dispatch settings
   (or ``--rate`` / ``--interval``), and, with ``--people-talking N``, N people writing to the bot
   all along, whose answers share Telegram's 30/s budget with the reminders.
4. Waits until every reminder is out (or nothing moves for 30 s), stops the bot, and reports:
   sustained messages/s (from the 3rd second after the first reminder to the last), 429s the bot
   caused, lost rows (not 'sent' in the outbox), duplicates (same chat and text twice in the
   fake's log), the most messages the fake saw in any one second, and the wall time.

The target: sustained >= 28 msg/s, zero 429s, zero lost, zero duplicates. The machine is shared,
so run it with nothing else heavy running; numbers on 2 busy cores are lower bounds.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from bisect import bisect_left
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.settings import DEFAULT_CONTENT_DIR, Settings  # noqa: E402
from bot.store import iso  # noqa: E402
from bot.telegram_app import Services  # noqa: E402

TOKEN = "123456:BENCH-TOKEN"
WARM_UP = 3.0  # seconds after the first reminder left out of the sustained rate


def build_database(path: Path, people: int) -> str:
    """People released an hour ago, each owed one catch-up reminder now; returns "now".

    The first person goes through the app's own code (created, onboarded, planned with
    ``Companion.replan(catch_up=True)``); the others are copies of their rows, made in SQL,
    because planning 10,000 timelines one by one takes minutes on a busy machine.
    """
    services = Services.create(
        Settings(database=path, content_dir=DEFAULT_CONTENT_DIR, rasa_url="")
    )
    now = datetime.now(UTC)
    companion = services.companion
    person = companion.people.create(1, "en", "Europe/London", now)
    companion.people.update(
        person.id, released_at=now - timedelta(hours=1), step="done", on_ost="yes", housed="yes"
    )
    planned = companion.people.by_id(person.id)
    assert planned is not None
    companion.replan(planned, catch_up=True)
    db = services.outbox.db
    columns = [c for c in db["people"].columns_dict if c not in ("id", "chat_id")]
    listed = ", ".join(columns)
    with db.conn:
        db.execute("BEGIN IMMEDIATE")
        db.conn.executemany(
            f"INSERT INTO people (chat_id, {listed}) SELECT ?, {listed} FROM people WHERE id = ?",
            [(chat, person.id) for chat in range(2, people + 1)],
        )
        outbox = [c for c in db["outbox"].columns_dict if c not in ("id", "person_id")]
        db.execute(
            f"INSERT INTO outbox (person_id, {', '.join(outbox)}) "
            f"SELECT p.id, {', '.join('o.' + c for c in outbox)} "
            "FROM people p, outbox o WHERE p.id != ? AND o.person_id = ?",
            [person.id, person.id],
        )
    db.conn.close()
    return iso(datetime.now(UTC))  # every reminder owed now is due by this moment


def control(url: str, name: str, body: dict | None = None) -> object:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        f"{url}/_control/{name}", data=data, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())["result"]


def start_fake(log: Path) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [sys.executable, "tests/fakebotapi.py", "--port", "0", "--token", TOKEN,
         "--log", str(log), "--control"],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    line = process.stdout.readline()
    if "listening on" not in line:
        raise SystemExit(f"the fake Bot API did not start: {line!r}")
    return process, line.split()[-1]


def start_bot(url: str, database: Path, rate: str | None, interval: str | None) -> subprocess.Popen:
    env = {
        **os.environ,
        "TELEGRAM_TOKEN": TOKEN,
        "TELEGRAM_API_URL": url,
        "FIRST48_DATABASE": str(database),
        "RASA_URL": "",
        "FIRST48_LOG_LEVEL": "WARNING",
    }
    env.pop("FIRST48_WEB_PORT", None)
    if rate:
        env["FIRST48_DISPATCH_RATE"] = rate
    if interval:
        env["FIRST48_DISPATCH_INTERVAL"] = interval
    return subprocess.Popen([sys.executable, "-m", "bot.cli", "run"], cwd=ROOT, env=env)


def read_log(log: Path) -> list[dict]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text().splitlines() if line.strip()]


def busiest_second(times: list[float]) -> int:
    """The most messages in any window of one second."""
    return max((bisect_left(times, t + 1.0) - i for i, t in enumerate(times)), default=0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--rate", help="FIRST48_DISPATCH_RATE for the bot (default: the bot's)")
    parser.add_argument("--interval", help="FIRST48_DISPATCH_INTERVAL (default: the bot's)")
    parser.add_argument(
        "--people-talking", type=int, default=0, metavar="N",
        help="N other people each write to the bot every few seconds during the run",
    )  # fmt: skip
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="first48-bench-"))
    database, log = work / "bench.db", work / "sent.jsonl"
    started = time.monotonic()
    cutoff = build_database(database, args.people)
    print(f"database with {args.people} people ready in {time.monotonic() - started:.1f} s")

    fake, url = start_fake(log)
    bot: subprocess.Popen | None = None
    try:
        control(url, "rate_limit", {"overall": 30, "per_chat": 1})
        bot_started = time.monotonic()
        bot = start_bot(url, database, args.rate, args.interval)
        last_count, last_change = -1, time.monotonic()
        talkers = range(10_000_000, 10_000_000 + args.people_talking)
        next_talk = time.monotonic()
        while True:
            count = sum(1 for e in read_log(log) if e["chat_id"] <= args.people)
            if count != last_count:
                last_count, last_change = count, time.monotonic()
            if count >= args.people:
                break
            patience = 30 if count > 0 else 300  # start-up is slow on a busy machine
            if time.monotonic() - last_change > patience or bot.poll() is not None:
                print(f"no progress for {patience} s (or the bot stopped): giving up")
                break
            if talkers and count > 0 and time.monotonic() >= next_talk:  # once the bot is up
                for chat in talkers:  # "/help" gets one answer: a person waiting on the bot
                    control(url, "send_text", {"chat_id": chat, "text": "/help"})
                next_talk = time.monotonic() + 3.0
            time.sleep(0.5)
        time.sleep(1.0)  # let the last marks reach the database
        bot.send_signal(signal.SIGTERM)
        bot.wait(timeout=30)
        wall = time.monotonic() - bot_started
        stats = control(url, "stats")
        calls = control(url, "calls")
    finally:
        if bot is not None and bot.poll() is None:
            bot.kill()
            bot.wait()
        fake.terminate()
        fake.wait()

    import sqlite3

    rows = sqlite3.connect(database).execute(
        "SELECT count(*) FROM outbox WHERE due_at <= ? AND status NOT IN ('sent', 'skipped')",
        [cutoff],
    )
    lost = rows.fetchone()[0]
    entries = read_log(log)
    reminders = [e for e in entries if e["chat_id"] <= args.people]
    times = sorted(e["time"] for e in entries)
    reminder_times = sorted(e["time"] for e in reminders)
    duplicates = sum(n - 1 for n in Counter((e["chat_id"], e["text"]) for e in reminders).values())
    first, last = reminder_times[0], reminder_times[-1]
    steady = [t for t in reminder_times if t >= first + WARM_UP]
    sustained = (len(steady) - 1) / (steady[-1] - steady[0]) if len(steady) > 1 else 0.0
    rejected = stats["rejected_429"]  # type: ignore[index]
    refused = Counter(
        "answer" if c["params"].get("chat_id", 0) > args.people else "reminder"
        for c in calls  # type: ignore[attr-defined]
        if c["status"] == 429
    )
    answers = len(entries) - len(reminders)

    print()
    print(f"| {args.people} people due at once, fake limits 30/s overall, 1/s per chat | |")
    print("| --- | --- |")
    print(f"| sustained reminders/s (after {WARM_UP:.0f} s warm-up) | {sustained:.1f} |")
    print(f"| busiest second at the fake (all messages) | {busiest_second(times)} |")
    print(f"| 429s caused | {rejected} ({dict(refused) or 'none'}) |")
    print(f"| lost (due, not sent) | {lost} |")
    print(f"| duplicates (same chat and reminder twice) | {duplicates} |")
    if args.people_talking:
        print(f"| answers to {args.people_talking} people talking meanwhile | {answers} |")
    print(f"| first to last reminder | {last - first:.1f} s |")
    print(f"| wall time (bot start to stop) | {wall:.1f} s |")
    ok = sustained >= 28 and rejected == 0 and lost == 0 and duplicates == 0
    print(f"\ntarget (>= 28/s, no 429, none lost, no duplicates): {'met' if ok else 'MISSED'}")
    print(f"(files in {work})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
