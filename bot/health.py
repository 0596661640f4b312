"""What an operator alerts on: the database, the last reminder sent, the backlog, Rasa.

One check serves the web app's ``/health`` and the bot's status line in the log, so both say
the same thing. Counts and times only: nothing about any person.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import asdict, dataclass
from datetime import datetime

import httpx
import sqlite_utils

from bot.store import Writes, iso

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Health:
    database: bool
    last_send: str | None
    outbox_backlog: int | None
    rasa: bool | None  # None: no Rasa configured
    database_error: str | None = None  # why the database fails: "database or disk is full"

    @property
    def status(self) -> str:
        if not self.database:
            return "failing"
        return "degraded" if self.rasa is False else "ok"

    def as_json(self) -> dict[str, object]:
        return {**asdict(self), "status": self.status}


async def check(db: sqlite_utils.Database, rasa_url: str | None, now: datetime) -> Health:
    """Ask the database and Rasa; never raises. Writes can fail while reads work (a full
    disk, a lock held by another process): the bot's last write counts too."""
    last_send, backlog = None, None
    error = Writes.of(db).problem
    try:
        last_send = db.execute(
            "SELECT MAX(updated_at) FROM outbox WHERE status = 'sent'"
        ).fetchone()[0]
        backlog = db.execute(
            "SELECT COUNT(*) FROM outbox WHERE status IN ('planned', 'sending') "
            "AND next_attempt_at <= ?",
            [iso(now)],
        ).fetchone()[0]
    except sqlite3.Error as exc:
        error = str(exc)
        logger.error("health: the database fails (%s)", exc)
    rasa = None
    if rasa_url:
        try:
            async with httpx.AsyncClient(timeout=0.5) as client:
                rasa = (await client.get(f"{rasa_url}/")).is_success
        except httpx.HTTPError:
            rasa = False
    return Health(error is None, last_send, backlog, rasa, error)


def log_status(health: Health) -> None:
    """One line for log-based alerting; with JSON logs its fields are keys of their own."""
    level = logging.INFO if health.status == "ok" else logging.WARNING
    rasa = {None: "not configured", True: "up", False: "down"}[health.rasa]
    logger.log(
        level,
        "status %s: database %s, last send %s, backlog %s, rasa %s",
        health.status,
        "ok" if health.database else f"FAILING ({health.database_error})",
        health.last_send or "never",
        "unknown" if health.outbox_backlog is None else health.outbox_backlog,
        rasa,
        extra={"event": "status", **health.as_json()},
    )
