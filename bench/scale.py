"""The bot with 100,000 people: query plans, time per claim, memory and start-up time.

Usage:

    .venv/bin/python bench/scale.py [--people 100000] [--db /tmp/first48-scale.db] [--rebuild]

1. Builds (or reuses, if it has the same number of people) a real SQLite file with the bot's
   own schema (bot/store.py) and ``--people`` registered people, each with a full timeline:
   the outbox rows come from the real content (content/) through the functions
   ``Outbox.plan`` uses (``compute`` and ``split_missed`` in bot/timeline.py), written with
   one bulk insert instead of 100,000 ``plan`` calls (each its own transaction; that takes
   many minutes and plans exactly the same rows). Releases are spread over the past year
   and the next two weeks; what fell due before now is history ('sent'); some people are
   paused (their due rows wait, as in the bot), stopped or blocked (rows 'skipped').
2. Prints SQLite's plan for each query the bot runs per dispatch round, per message and
   per health check (captured from the real code, tests/hotqueries.py), and times claims.
3. Starts the fake Bot API (tests/fakebotapi.py, standalone) and ``python -m bot.cli run``
   on that file (Rasa off), and measures: start-up (process start to the first getUpdates
   the fake sees; target < 3 s) and memory (VmRSS and its peak VmHWM from /proc, after
   start-up and after 40 messages and some dispatch rounds; target < 200 MB).

Prints a markdown table of the results. Timings depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.content import build, read_folder  # noqa: E402
from bot.outbox import Outbox  # noqa: E402
from bot.settings import DEFAULT_CONTENT_DIR  # noqa: E402
from bot.store import People, iso, open_database  # noqa: E402
from bot.timeline import Facts, QuietHours, compute, split_missed  # noqa: E402
from tests.hotqueries import full_scans, hot_queries, plan  # noqa: E402

TOKEN = "123456:SCALE-BENCH"
FIRST_CHAT = 10_000_000


def build_database(path: Path, people: int, now: datetime, seed: int = 48) -> None:
    """``people`` people with full timelines, as the bot would have planned them."""
    random.seed(seed)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    db = open_database(path)
    db.conn.execute("PRAGMA synchronous = OFF")
    content, _ = build(read_folder(DEFAULT_CONTENT_DIR), advice=False)
    assert content is not None
    timeline = content.timeline
    areas = list(content.areas.values())
    quiet = QuietHours()
    stamp = iso(now)
    person_rows, outbox_rows = [], []
    for person_id in range(1, people + 1):
        area = random.choice(areas)
        zone = ZoneInfo(area.timezone)
        # 2 % are still inside (released in the next two weeks), the rest over the past year.
        ahead = random.random() < 0.02
        released = now + timedelta(minutes=random.uniform(10, 14 * 24 * 60) * (1 if ahead else 0))
        if not ahead:
            released = now - timedelta(minutes=random.uniform(0, 365 * 24 * 60))
        fate = random.random()
        paused, stopped, blocked = fate < 0.02, 0.02 <= fate < 0.05, 0.05 <= fate < 0.07
        on_ost, housed = random.choice(["yes", "no", "unknown"]), random.choice(["yes", "no"])
        language = random.choice(["en", "en", "fr", "de", "nl", "pt"])
        person_rows.append(
            (
                person_id, FIRST_CHAT + person_id, language, "done", iso(released),
                area.timezone, area.id, on_ost, housed,
                int(paused), int(stopped), stamp if blocked else None, iso(released),
                iso(now - timedelta(days=random.uniform(0, 30))),
            )
        )  # fmt: skip
        schedule = compute(timeline, Facts(released, zone, on_ost, housed), quiet)
        missed, upcoming = split_missed(schedule, now)
        paused_since = now - timedelta(days=7)
        for item in missed:
            due = iso(item.due_at)
            if paused and item.due_at >= paused_since:
                status = "planned"  # waits in the queue until they resume, as in the bot
            else:
                status = "sent"
            outbox_rows.append((person_id, item.message.id, due, status, None, due, due))
        for item in upcoming:
            due = iso(item.due_at)
            status, reason = "planned", None
            if stopped or blocked:
                status, reason = "skipped", "stopped" if stopped else "blocked by the person"
            outbox_rows.append((person_id, item.message.id, due, status, reason, due, stamp))
    with db.conn:
        db.execute("BEGIN")
        db.conn.executemany(
            "INSERT INTO people (id, chat_id, language, step, released_at, timezone, area_id, "
            "on_ost, housed, paused, stopped, blocked_at, consent_at, last_seen_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            person_rows,
        )
        db.conn.executemany(
            "INSERT INTO outbox (person_id, message_id, due_at, status, reason, "
            "next_attempt_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            outbox_rows,
        )
        db.execute(
            "INSERT INTO migrations (name, applied_at) VALUES ('bench_people', ?)", [str(people)]
        )
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()


def built_for(path: Path) -> int | None:
    if not path.exists():
        return None
    db = open_database(path)
    row = db.execute("SELECT applied_at FROM migrations WHERE name = 'bench_people'").fetchone()
    db.conn.close()
    return int(row[0]) if row else None


def query_report(path: Path, now: datetime) -> tuple[list[str], list[float], int, float]:
    """Markdown lines with the plans; the times of 21 claims of up to 20 rows, the rows each
    claimed; the time to re-plan everyone after a content change."""
    # The statements come from the real code run on a small copy of the schema ...
    with tempfile.TemporaryDirectory() as tmp:
        small = open_database(Path(tmp) / "small.db")
        small.execute(
            "INSERT INTO people (id, chat_id, released_at, timezone, consent_at, step) "
            "VALUES (1, 1, ?, 'Europe/London', ?, 'done')",
            [iso(now - timedelta(days=1)), iso(now)],
        )
        small.execute(
            "INSERT INTO outbox (person_id, message_id, due_at, next_attempt_at, updated_at) "
            "VALUES (1, 'm', ?, ?, ?)",
            [iso(now), iso(now), iso(now)],
        )
        queries = hot_queries(small, 1, now)
        small.conn.close()
    # ... and planned, and the slow ones timed, on the big one.
    db = open_database(path)
    lines = ["| when | query | plan | full scan? |", "|---|---|---|---|"]
    seen: set[str] = set()
    for name, statements in queries.items():
        for sql in statements:
            shape = " ".join(sql.split())
            if shape.split(" WHERE ")[0] + str(plan(db, sql)) in seen:
                continue  # the same statement for another row
            seen.add(shape.split(" WHERE ")[0] + str(plan(db, sql)))
            steps = plan(db, sql)
            short = shape if len(shape) < 110 else shape[:107] + "..."
            bad = full_scans(sql, steps)
            lines.append(
                f"| {name} | `{short}` | {'; '.join(steps)} | {'**yes**' if bad else 'no'} |"
            )
    # A backlog like the one a restart leaves: the next reminder of 400 people, due now.
    chosen = db.execute(
        "SELECT id FROM people WHERE id > ? AND paused = 0 AND stopped = 0 "
        "AND blocked_at IS NULL LIMIT 400",
        [random.randrange(1000, 50_000)],
    ).fetchall()
    for (person_id,) in chosen:
        db.execute(
            "UPDATE outbox SET next_attempt_at = ? WHERE id = (SELECT id FROM outbox "
            "WHERE person_id = ? AND status = 'planned' ORDER BY id LIMIT 1)",
            [iso(now), person_id],
        )
    outbox = Outbox(db)
    outbox.recover(now)
    times, claimed = [], 0
    for _ in range(21):
        started = time.perf_counter()
        batch = outbox.claim_due(now, limit=20)
        times.append(time.perf_counter() - started)
        claimed += len(batch)
    outbox.recover(now)  # put them back: the bot does the same at start-up
    # A content change re-plans every active person (Services.reload_content_in_turns), on
    # the bot's event loop between answers: timed on 200 of them and multiplied out.
    people, companion_outbox = People(db), Outbox(db)
    content, _ = build(read_folder(DEFAULT_CONTENT_DIR), advice=False)
    assert content is not None
    active = people.active_ids()
    started = time.perf_counter()
    for person_id in active[-200:]:
        person = people.by_id(person_id)
        assert person is not None
        companion_outbox.plan(person, content, QuietHours(), now, catch_up=False)
    replan = (time.perf_counter() - started) / 200 * len(active)
    db.conn.close()
    return lines, times, claimed // 21, replan


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def control(url: str, name: str, body: dict | None = None) -> object:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        f"{url}/_control/{name}", data=data, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())["result"]


def memory(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) in MB."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return (int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024)


def run_bot(path: Path, people: int) -> dict[str, float]:
    """Start the fake and the bot; measure start-up and memory."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    fake = subprocess.Popen(
        [sys.executable, str(ROOT / "tests/fakebotapi.py"), "--port", str(port), "--token",
         TOKEN, "--control"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    assert fake.stdout is not None
    fake.stdout.readline()  # "listening on ..."
    env = {
        **os.environ,
        "TELEGRAM_TOKEN": TOKEN,
        "TELEGRAM_API_URL": url,
        "FIRST48_DATABASE": str(path),
        "RASA_URL": "",
        "FIRST48_WEB_PORT": "",
        "FIRST48_LOG_LEVEL": "WARNING",
    }
    results: dict[str, float] = {}
    started = time.monotonic()
    bot = subprocess.Popen([sys.executable, "-m", "bot.cli", "run"], cwd=ROOT, env=env)
    try:
        first_poll = None
        while first_poll is None:
            if bot.poll() is not None:
                raise SystemExit(f"the bot stopped at start-up (exit {bot.returncode})")
            calls = control(url, "calls")
            polls = [c["at"] for c in calls if c["method"] == "getUpdates"]  # type: ignore[union-attr]
            first_poll = min(polls) if polls else None
            time.sleep(0.02)
        results["start-up, process start to first getUpdates (s)"] = first_poll - started
        time.sleep(1.0)
        rss, peak = memory(bot.pid)
        results["memory after start-up: RSS (MB)"] = rss
        results["memory after start-up: peak RSS (MB)"] = peak
        chats = random.sample(range(FIRST_CHAT + 1, FIRST_CHAT + people + 1), 36)
        words = ["hi", "what is naloxone", "/settings", "he's not breathing", "/help", "thanks"]
        for index, chat in enumerate(chats):
            control(url, "send_text", {"chat_id": chat, "text": words[index % len(words)]})
        for chat in range(1, 5):  # new people
            control(url, "send_text", {"chat_id": chat, "text": "/start"})
        deadline = time.monotonic() + 60
        answered: set[int] = set()
        while time.monotonic() < deadline and len(answered) < 40:
            answered = {m["chat_id"] for m in control(url, "sent")}  # type: ignore[index, union-attr]
            answered &= set(chats) | {1, 2, 3, 4}
            time.sleep(0.2)
        results["messages answered (of 40)"] = len(answered)
        time.sleep(5.0)  # dispatch rounds send the reminders due now (the backlog above)
        rss, peak = memory(bot.pid)
        results["memory after messages and dispatch: RSS (MB)"] = rss
        results["memory after messages and dispatch: peak RSS (MB)"] = peak
        results["reminders sent in those 5 s"] = len(
            [m for m in control(url, "sent") if m["chat_id"] not in answered]  # type: ignore[index, union-attr]
        )
    finally:
        bot.send_signal(signal.SIGINT)
        try:
            bot.wait(timeout=20)
        except subprocess.TimeoutExpired:
            bot.kill()
        fake.terminate()
        fake.wait(timeout=10)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "first48-scale.db")
    parser.add_argument("--rebuild", action="store_true", help="build the database again")
    args = parser.parse_args(argv)
    now = datetime.now(UTC)
    if args.rebuild or built_for(args.db) != args.people:
        print(f"building {args.db} with {args.people:,} people ...", flush=True)
        started = time.perf_counter()
        build_database(args.db, args.people, now)
        print(f"built in {time.perf_counter() - started:.0f} s", flush=True)
    db = open_database(args.db)
    counts = dict(db.execute("SELECT status, COUNT(*) FROM outbox GROUP BY status").fetchall())
    people = db.execute("SELECT COUNT(*) FROM people").fetchone()[0]
    db.conn.close()
    size = sum(
        Path(f"{args.db}{s}").stat().st_size for s in ("", "-wal") if Path(f"{args.db}{s}").exists()
    )
    plans, claim_times, claimed, replan = query_report(args.db, datetime.now(UTC))
    measured = run_bot(args.db, people)

    print(f"\n## first48 at {people:,} people\n")
    print(f"Database: {size / 1e6:,.0f} MB; outbox rows by status: "
          + ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items())) + "\n")  # fmt: skip
    print("\n".join(plans) + "\n")
    targets = {
        "start-up, process start to first getUpdates (s)": 3.0,
        "memory after start-up: peak RSS (MB)": 200.0,
        "memory after messages and dispatch: peak RSS (MB)": 200.0,
    }
    print("| measure | value | target |\n|---|---|---|")
    print(f"| first claim of up to 20 due rows (also skips what fell due while paused) | "
          f"{claim_times[0] * 1000:.1f} ms | |")  # fmt: skip
    rest = claim_times[1:]
    print(f"| claim of up to 20 due rows (mean of the next 20; {claimed} rows each) | "
          f"{sum(rest) / len(rest) * 1000:.1f} ms | index lookup |")  # fmt: skip
    print(f"| re-plan everyone after a content change (done in turns of 20 people, "
          f"answers go in between) | {replan:,.0f} s | |")  # fmt: skip
    for name, value in measured.items():
        target = targets.get(name)
        verdict = (
            "" if target is None else f"< {target:g} ({'met' if value < target else '**missed**'})"
        )
        print(f"| {name} | {value:,.2f} | {verdict} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
