"""The outbox: every planned reminder as a row that ends as sent, skipped or failed.

A row is claimed ('sending') before it goes to Telegram and marked 'sent' after. A crash in
between leaves it 'sending'; ``recover`` puts it back to 'planned' at start-up, so nothing is
lost (at worst one message per crash is sent twice).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlite_utils

from bot.content import ContentSet
from bot.store import Person, iso
from bot.timeline import Facts, QuietHours, compute, most_important, split_missed

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8


@dataclass(frozen=True)
class Due:
    row_id: int
    person_id: int
    chat_id: int
    message_id: str
    attempts: int


@dataclass(frozen=True)
class PlanResult:
    planned: int
    skipped: int
    catch_up: str | None


class Outbox:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def plan(
        self,
        person: Person,
        content: ContentSet,
        quiet: QuietHours,
        now: datetime,
        *,
        catch_up: bool,
    ) -> PlanResult:
        """(Re)compute a person's pending rows from their facts and the current content.

        Sent and failed rows are history and stay. Everything else is recomputed, so a
        changed release date, area or answer moves what is still to come. Missed messages
        are skipped; with ``catch_up`` the single most important one is sent now instead.
        """
        if person.released_at is None:
            return PlanResult(0, 0, None)
        facts = Facts(person.released_at, person.zone, person.on_ost, person.housed)
        done = {
            row[0]
            for row in self.db.execute(
                "SELECT message_id FROM outbox WHERE person_id = ? AND status IN "
                "('sent', 'failed', 'sending')",
                [person.id],
            ).fetchall()
        }
        schedule = [p for p in compute(content.timeline, facts, quiet) if p.message.id not in done]
        missed, upcoming = split_missed(schedule, now)
        chosen = most_important(missed) if catch_up else None
        stamp = iso(now)
        rows = [(p.message.id, iso(p.due_at), "planned", None) for p in upcoming]
        if chosen is not None:
            rows.append((chosen.message.id, stamp, "planned", None))
        reason = "joined late" if catch_up else "was due before this change"
        rows += [
            (p.message.id, iso(p.due_at), "skipped", reason) for p in missed if p is not chosen
        ]
        with self.db.conn:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute(
                "DELETE FROM outbox WHERE person_id = ? AND status IN ('planned', 'skipped')",
                [person.id],
            )
            self.db.conn.executemany(
                "INSERT INTO outbox (person_id, message_id, due_at, status, reason, "
                "next_attempt_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(person.id, mid, due, status, why, due, stamp) for mid, due, status, why in rows],
            )
        return PlanResult(
            planned=len(upcoming) + (chosen is not None),
            skipped=len(missed) - (chosen is not None),
            catch_up=chosen.message.id if chosen else None,
        )

    def skip_pending(
        self, person_id: int, reason: str, now: datetime, before: datetime | None = None
    ) -> int:
        """Mark planned rows skipped (all, or only those due before ``before``)."""
        query = (
            "UPDATE outbox SET status = 'skipped', reason = ?, updated_at = ? "
            "WHERE person_id = ? AND status = 'planned'"
        )
        params: list[object] = [reason, iso(now), person_id]
        if before is not None:
            query += " AND due_at < ?"
            params.append(iso(before))
        return self.db.execute(query, params).rowcount

    def recover(self, now: datetime) -> int:
        """Put rows a crash left half-sent back in the queue."""
        count = self.db.execute(
            "UPDATE outbox SET status = 'planned', updated_at = ? WHERE status = 'sending'",
            [iso(now)],
        ).rowcount
        if count:
            logger.warning("recovered %d reminders interrupted while sending", count)
        return count

    def claim_due(
        self, now: datetime, limit: int, resting: frozenset[int] = frozenset()
    ) -> list[Due]:
        """Claim up to ``limit`` due rows, oldest first: one per person, none for ``resting``."""
        stamp = iso(now)
        with self.db.conn:
            self.db.execute("BEGIN IMMEDIATE")
            # What falls due while someone has paused is skipped when they resume anyway;
            # skipped now, it is not walked past on every round (bench/scale.py: thousands
            # of rows, most of a round's time, at 100,000 people).
            self.db.execute(
                "UPDATE outbox SET status = 'skipped', reason = 'paused', updated_at = ? "
                "WHERE status = 'planned' AND next_attempt_at <= ? AND EXISTS (SELECT 1 "
                "FROM people p WHERE p.id = outbox.person_id AND (p.paused = 1 "
                "OR p.stopped = 1 OR p.blocked_at IS NOT NULL))",
                [stamp, stamp],
            )
            rows = self.db.execute(
                """
                SELECT o.id, o.person_id, p.chat_id, o.message_id, o.attempts
                FROM outbox o JOIN people p ON p.id = o.person_id
                WHERE o.status = 'planned' AND o.next_attempt_at <= ?
                  AND p.paused = 0 AND p.stopped = 0 AND p.blocked_at IS NULL
                ORDER BY o.next_attempt_at, o.id
                LIMIT ?
                """,
                [stamp, limit * 4],
            ).fetchall()
            claimed: list[Due] = []
            seen: set[int] = set()
            for row_id, person_id, chat_id, message_id, attempts in rows:
                if person_id in seen or person_id in resting:
                    continue  # Telegram allows one message per chat per second
                seen.add(person_id)
                claimed.append(Due(row_id, person_id, chat_id, message_id, attempts))
                if len(claimed) == limit:
                    break
            self.db.conn.executemany(
                "UPDATE outbox SET status = 'sending', updated_at = ? WHERE id = ?",
                [(stamp, due.row_id) for due in claimed],
            )
        return claimed

    def unclaim(self, rows: list[Due], now: datetime) -> None:
        """Put claimed rows back as they were, first in the queue: they were never sent."""
        self.db.conn.executemany(
            "UPDATE outbox SET status = 'planned', updated_at = ? "
            "WHERE id = ? AND status = 'sending'",
            [(iso(now), due.row_id) for due in rows],
        )

    def _set(self, row_id: int, now: datetime, **fields: object) -> None:
        assignments = ", ".join(f"{key} = :{key}" for key in fields)
        self.db.execute(
            f"UPDATE outbox SET {assignments}, updated_at = :now WHERE id = :id",
            {**fields, "now": iso(now), "id": row_id},
        )

    def mark_sent(self, row_id: int, now: datetime) -> None:
        with self.db.conn:  # one commit: the dispatcher waits for it before the next send
            self.db.execute("BEGIN IMMEDIATE")
            self._set(row_id, now, status="sent", reason=None)
            # Counted per message, never per person: it outlives delete-my-data by design.
            self.db.execute(
                "INSERT INTO message_stats (message_id, sent) SELECT message_id, 1 FROM outbox "
                "WHERE id = ? ON CONFLICT (message_id) DO UPDATE SET sent = sent + 1",
                [row_id],
            )

    def count_reply(self, person_id: int, column: str, now: datetime) -> None:
        """Count a "stop" or "talk to a peer" against the message sent in the last 24 hours."""
        if column not in ("stop_after", "peer_after"):
            raise ValueError(column)
        row = self.db.execute(
            "SELECT message_id FROM outbox WHERE person_id = ? AND status = 'sent' "
            "AND updated_at >= ? ORDER BY updated_at DESC LIMIT 1",
            [person_id, iso(now - timedelta(hours=24))],
        ).fetchone()
        if row is not None:
            self.db.execute(
                f"INSERT INTO message_stats (message_id, {column}) VALUES (?, 1) "
                f"ON CONFLICT (message_id) DO UPDATE SET {column} = {column} + 1",
                [row[0]],
            )

    def stats(self) -> dict[str, tuple[int, int, int]]:
        """message id -> (sent, stop after, peer after)."""
        rows = self.db.execute(
            "SELECT message_id, sent, stop_after, peer_after FROM message_stats"
        ).fetchall()
        return {r[0]: (r[1], r[2], r[3]) for r in rows}

    def mark_skipped(self, row_id: int, now: datetime, reason: str) -> None:
        self._set(row_id, now, status="skipped", reason=reason)

    def mark_failed(self, row_id: int, now: datetime, reason: str) -> None:
        self._set(row_id, now, status="failed", reason=reason)

    def retry_at(
        self, due: Due, when: datetime, now: datetime, reason: str, count_attempt: bool = True
    ) -> None:
        """Put a row back for another try, or fail it after too many tries."""
        attempts = due.attempts + (1 if count_attempt else 0)
        if attempts >= MAX_ATTEMPTS:
            self.mark_failed(due.row_id, now, f"gave up after {attempts} tries: {reason}")
            return
        self._set(
            due.row_id,
            now,
            status="planned",
            reason=reason,
            attempts=attempts,
            next_attempt_at=iso(when),
        )


def backoff(attempts: int) -> timedelta:
    """Wait before retrying a timeout or server error: 5 s, 10 s, 20 s ... up to 30 min."""
    return timedelta(seconds=min(5 * 2**attempts, 1800))
