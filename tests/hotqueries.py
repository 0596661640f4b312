"""The queries the bot runs on every dispatch round, every message and every health check,
captured from the real code, with SQLite's plan for each. Used by tests/test_scale.py and
bench/scale.py, so both look at the SQL the bot really sends, not a copy of it."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from datetime import datetime, timedelta

import sqlite_utils

from bot import health
from bot.checkins import Checkins
from bot.outbox import Outbox
from bot.store import People

# Tables that grow with the number of people; a full scan of them is a bug at 100,000 people.
BIG_TABLES = ("outbox", "people")


def traced(db: sqlite_utils.Database, action: Callable[[], object]) -> list[str]:
    """The statements (parameters filled in) that ``action`` sends to SQLite."""
    seen: list[str] = []
    db.conn.set_trace_callback(seen.append)
    try:
        action()
    finally:
        db.conn.set_trace_callback(None)
    skip = ("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA", "SAVEPOINT", "RELEASE")
    return [s.strip() for s in seen if not s.strip().upper().startswith(skip)]


def hot_queries(db: sqlite_utils.Database, chat_id: int, now: datetime) -> dict[str, list[str]]:
    """Run what a dispatch round, a message and a health check do; name -> statements.

    ``chat_id`` must belong to an onboarded person. This writes (rows are claimed, sent and
    put back): use a database made for the purpose.
    """
    people, outbox, checkins = People(db), Outbox(db), Checkins(db)
    person = people.by_chat(chat_id)
    assert person is not None, "hot_queries needs an onboarded person"

    def dispatch_round() -> None:
        for due in outbox.claim_due(now, limit=20):
            people.by_id(due.person_id)
            outbox.mark_sent(due.row_id, now)
            outbox.retry_at(due, now + timedelta(seconds=5), now, "NetworkError")

    return {
        "dispatch round": traced(db, dispatch_round),
        "message: who is writing": traced(db, lambda: people.by_chat(chat_id)),
        "message: last seen": traced(db, lambda: checkins.seen(person.id, now)),
        "message: stop after a reminder": traced(
            db, lambda: outbox.count_reply(person.id, "stop_after", now)
        ),
        "health check": traced(db, lambda: asyncio.run(health.check(db, None, now))),
    }


def plan(db: sqlite_utils.Database, sql: str) -> list[str]:
    """SQLite's query plan, one line per step."""
    return [row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall()]


def full_scans(sql: str, steps: list[str]) -> list[str]:
    """Steps that read a whole big table, or every row of one with a given status (the sent
    rows alone are millions), or sort its rows."""
    aliases = set(BIG_TABLES)
    for table in BIG_TABLES:
        aliases |= set(re.findall(rf"\b{table}\s+(?:AS\s+)?(\w+)", sql, flags=re.IGNORECASE))
    newest_only = re.match(r"SELECT (MAX|MIN)\(", sql, flags=re.IGNORECASE) is not None
    bad = []
    for step in steps:
        match = re.match(r"(SCAN|SEARCH) (\w+)", step)
        if match is None:
            if step.startswith("USE TEMP B-TREE") and re.search(r"\boutbox\b", sql):
                bad.append(step)
            continue
        if match.group(2) not in aliases:
            continue
        if match.group(1) == "SCAN":
            bad.append(step)
        elif step.endswith("(status=?)") and not (newest_only and "COVERING INDEX" in step):
            bad.append(step)  # MIN/MAX over a covering index reads one entry
    return bad
