"""Check-ins: "How are things today?" with 👍 / 😐 / 👎, and one gentle word after a silence.

A timeline message with the ``checkin`` button gets the three mood buttons. The answers are
counted per message (its place in the timeline), never per person: ``checkin_counts`` has no
person column. To count a person once per check-in without storing their mood, the outbox
row of that message only remembers *that* it was answered.

Someone who has gone quiet in their first two weeks (nothing from them for ``SILENCE`` while
reminders keep coming) gets one discreet check-in (``QUIET_CHECKIN``, a peer-written message in
answers.yml), once: the outbox row's uniqueness makes it once per person, ever.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlite_utils

from bot.store import iso

MOODS = ("up", "mid", "down")
QUIET_CHECKIN = "checkin-quiet"
SILENCE = timedelta(days=3)
WINDOW = timedelta(days=14)  # "the first two weeks"


class Checkins:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def record(self, person_id: int, message_id: str, mood: str) -> bool:
        """Count a mood for a check-in this person was sent; False if already counted."""
        if mood not in MOODS:
            return False
        with self.db.conn:
            self.db.execute("BEGIN IMMEDIATE")
            cursor = self.db.execute(
                "UPDATE outbox SET mood_answered = 1 WHERE person_id = ? AND message_id = ? "
                "AND status = 'sent' AND mood_answered = 0",
                [person_id, message_id],
            )
            if cursor.rowcount != 1:
                return False
            self.db.execute(
                "INSERT INTO checkin_counts (message_id, mood, count) VALUES (?, ?, 1) "
                "ON CONFLICT (message_id, mood) DO UPDATE SET count = count + 1",
                [message_id, mood],
            )
        return True

    def counts(self) -> dict[str, dict[str, int]]:
        """message id -> mood -> how many people answered so."""
        table: dict[str, dict[str, int]] = {}
        for message_id, mood, count in self.db.execute(
            "SELECT message_id, mood, count FROM checkin_counts"
        ):
            table.setdefault(message_id, dict.fromkeys(MOODS, 0))[mood] = count
        return table

    def used(self, message_id: str) -> None:
        """An answer was read: counted per answer, for "what helped others"."""
        self.db.execute(
            "INSERT INTO answer_counts (message_id, count) VALUES (?, 1) "
            "ON CONFLICT (message_id) DO UPDATE SET count = count + 1",
            [message_id],
        )

    def most_used(self, limit: int) -> list[str]:
        return [
            row[0]
            for row in self.db.execute(
                "SELECT message_id FROM answer_counts ORDER BY count DESC, message_id LIMIT ?",
                [limit],
            )
        ]

    def seen(self, person_id: int, now: datetime) -> None:
        self.db.execute("UPDATE people SET last_seen_at = ? WHERE id = ?", [iso(now), person_id])

    def gone_quiet(self, now: datetime) -> list[int]:
        """People in their first two weeks who have said nothing for SILENCE, not yet asked."""
        quiet_since = iso(now - SILENCE)
        return [
            row[0]
            for row in self.db.execute(
                "SELECT id FROM people WHERE step = 'done' AND stopped = 0 AND paused = 0 "
                "AND blocked_at IS NULL AND released_at IS NOT NULL "
                "AND released_at >= ? AND released_at <= ? "
                "AND COALESCE(last_seen_at, consent_at) <= ? "
                "AND NOT EXISTS (SELECT 1 FROM outbox WHERE outbox.person_id = people.id "
                "AND outbox.message_id = ?)",
                [iso(now - WINDOW), quiet_since, quiet_since, QUIET_CHECKIN],
            )
        ]

    def plan_quiet(self, person_id: int, due: datetime, now: datetime) -> None:
        self.db.execute(
            "INSERT OR IGNORE INTO outbox (person_id, message_id, due_at, status, "
            "next_attempt_at, updated_at) VALUES (?, ?, ?, 'planned', ?, ?)",
            [person_id, QUIET_CHECKIN, iso(due), iso(due), iso(now)],
        )
