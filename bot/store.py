"""The SQLite file: schema, named migrations, and the people who use first48.

We store the minimum: the Telegram chat id (needed to reply), the release moment, the area,
the language and the answers to two optional questions. Never names, usernames, phone
numbers, locations or message text.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlite_utils

logger = logging.getLogger(__name__)


def iso(moment: datetime) -> str:
    """UTC ISO text that sorts in time order."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def from_iso(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


# --- migrations: append only; each runs once, in order, inside a transaction ---


def m001_people_and_outbox(db: sqlite_utils.Database) -> None:
    db.execute(
        """
        CREATE TABLE people (
            id INTEGER PRIMARY KEY,
            chat_id INTEGER NOT NULL UNIQUE,
            language TEXT NOT NULL DEFAULT 'en',
            step TEXT NOT NULL DEFAULT 'release',
            released_at TEXT,
            timezone TEXT NOT NULL,
            area_id TEXT,
            on_ost TEXT NOT NULL DEFAULT 'unknown',
            housed TEXT NOT NULL DEFAULT 'unknown',
            discreet INTEGER NOT NULL DEFAULT 1,
            paused INTEGER NOT NULL DEFAULT 0,
            stopped INTEGER NOT NULL DEFAULT 0,
            blocked_at TEXT,
            pending TEXT,
            consent_at TEXT NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            message_id TEXT NOT NULL,
            due_at TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'planned'
                CHECK (status IN ('planned', 'sending', 'sent', 'skipped', 'failed')),
            reason TEXT,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (person_id, message_id)
        )
        """
    )
    # The dispatcher's question "what is due now?" must stay an index lookup.
    db.execute("CREATE INDEX outbox_due ON outbox (status, next_attempt_at)")
    db.execute(
        """
        CREATE TABLE content_snapshot (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            fingerprint TEXT NOT NULL,
            files TEXT NOT NULL,
            saved_at TEXT NOT NULL
        )
        """
    )


def m002_directory(db: sqlite_utils.Database) -> None:
    """Local contacts (bot/directory.py), their moderation queue and history, and accounts."""
    db.execute(
        """
        CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            username TEXT NOT NULL UNIQUE COLLATE NOCASE,
            password_hash TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('moderator', 'peer_editor', 'service')),
            created_at TEXT NOT NULL,
            disabled INTEGER NOT NULL DEFAULT 0
        )
        """
    )
    db.execute(
        """
        CREATE TABLE api_tokens (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            token_hash TEXT NOT NULL UNIQUE,
            label TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            last_used_at TEXT
        )
        """
    )
    db.execute(
        """
        CREATE TABLE contacts (
            id INTEGER PRIMARY KEY,
            data TEXT NOT NULL,
            area_id TEXT NOT NULL,
            country TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('approved', 'hidden')),
            owner_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
            edit_token_hash TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX contacts_area ON contacts (area_id, status)")
    db.execute(
        """
        CREATE TABLE submissions (
            id INTEGER PRIMARY KEY,
            contact_id INTEGER REFERENCES contacts(id) ON DELETE CASCADE,
            data TEXT NOT NULL,
            status TEXT NOT NULL
                CHECK (status IN ('pending', 'approved', 'rejected', 'superseded')),
            submitted_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
            via TEXT NOT NULL,
            edit_token_hash TEXT,
            reviewed_by TEXT,
            reason TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX submissions_status ON submissions (status, created_at)")
    db.execute("CREATE INDEX submissions_token ON submissions (edit_token_hash)")
    db.execute(
        """
        CREATE TABLE contact_history (
            id INTEGER PRIMARY KEY,
            contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            before TEXT NOT NULL,
            after TEXT NOT NULL
        )
        """
    )


def m003_studio(db: sqlite_utils.Database) -> None:
    """The content studio (bot/studio.py): every version of a message, its author and approver;
    and per message, with no personal data, how often it was sent and what people did next."""
    db.execute(
        """
        CREATE TABLE content_versions (
            id INTEGER PRIMARY KEY,
            file TEXT NOT NULL,
            message_id TEXT NOT NULL,
            entry TEXT,
            status TEXT NOT NULL CHECK (status IN ('proposed', 'live', 'replaced', 'rejected')),
            author_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
            approver_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
            created_at TEXT NOT NULL,
            decided_at TEXT,
            reason TEXT
        )
        """
    )
    db.execute("CREATE INDEX content_versions_message ON content_versions (file, message_id)")
    db.execute("CREATE INDEX content_versions_status ON content_versions (status)")
    db.execute(
        """
        CREATE TABLE message_stats (
            message_id TEXT PRIMARY KEY,
            sent INTEGER NOT NULL DEFAULT 0,
            stop_after INTEGER NOT NULL DEFAULT 0,
            peer_after INTEGER NOT NULL DEFAULT 0
        )
        """
    )


def m004_translation_sources(db: sqlite_utils.Database) -> None:
    """Per translated message, a fingerprint of the English text it was made from and of its own
    text, so the studio knows a translation is out of date however English changed."""
    db.execute(
        """
        CREATE TABLE translation_sources (
            language TEXT NOT NULL,
            message_id TEXT NOT NULL,
            source_hash TEXT NOT NULL,
            own_hash TEXT NOT NULL,
            PRIMARY KEY (language, message_id)
        )
        """
    )


def m005_peer_cases(db: sqlite_utils.Database) -> None:
    """Hand-overs to peer workers (bot/peers.py). A case knows the person only by row id; the
    peer group sees its number, never who it is. No message text is stored."""
    db.execute(
        """
        CREATE TABLE peer_cases (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            thread_id INTEGER,
            status TEXT NOT NULL DEFAULT 'waiting'
                CHECK (status IN ('waiting', 'claimed', 'closed')),
            peer_id INTEGER,
            opened_at TEXT NOT NULL,
            waiting_since TEXT NOT NULL,
            answered_at TEXT,
            escalated_at TEXT,
            closed_at TEXT
        )
        """
    )
    db.execute("CREATE INDEX peer_cases_person ON peer_cases (person_id, status)")
    db.execute("CREATE INDEX peer_cases_thread ON peer_cases (thread_id)")
    db.execute("CREATE INDEX peer_cases_waiting ON peer_cases (status, waiting_since)")
    # Peer workers (members of the peer group) and the alias they chose to sign with.
    db.execute("CREATE TABLE peers (user_id INTEGER PRIMARY KEY, alias TEXT NOT NULL)")
    # Forum topics of forgotten people, to be deleted from the peer group by the bot.
    db.execute("CREATE TABLE peer_topics_to_delete (thread_id INTEGER PRIMARY KEY)")


def m006_checkins(db: sqlite_utils.Database) -> None:
    """Check-ins (bot/checkins.py): anonymous counts, and when someone last wrote."""
    db.execute("ALTER TABLE people ADD COLUMN last_seen_at TEXT")
    # That a check-in was answered (so it is counted once), never the mood itself.
    db.execute("ALTER TABLE outbox ADD COLUMN mood_answered INTEGER NOT NULL DEFAULT 0")
    db.execute(
        """
        CREATE TABLE checkin_counts (
            message_id TEXT NOT NULL,
            mood TEXT NOT NULL CHECK (mood IN ('up', 'mid', 'down')),
            count INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (message_id, mood)
        )
        """
    )
    db.execute(
        "CREATE TABLE answer_counts (message_id TEXT PRIMARY KEY, count INTEGER NOT NULL DEFAULT 0)"
    )


def m007_outbox_indexes(db: sqlite_utils.Database) -> None:
    """At 100,000 people the outbox holds millions of rows (bench/scale.py): the health
    check's "last reminder sent" and the "stop" after a reminder read one person's or the
    newest rows through these, instead of every row ever sent."""
    db.execute("CREATE INDEX outbox_sent ON outbox (status, updated_at)")
    db.execute("CREATE INDEX outbox_person ON outbox (person_id, status, updated_at)")
    # Written to and emptied to learn whether the database takes writes again (Writes.probe).
    db.execute("CREATE TABLE write_probe (id INTEGER PRIMARY KEY, filler BLOB NOT NULL)")


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [
    m001_people_and_outbox,
    m002_directory,
    m003_studio,
    m004_translation_sources,
    m005_peer_cases,
    m006_checkins,
    m007_outbox_indexes,
]


# How long a write waits for another connection's lock. The bot writes on its one event loop,
# so every chat waits with it: long enough for another process's short write, no longer.
BUSY_TIMEOUT = 1.0


def open_database(path: Path | str) -> sqlite_utils.Database:
    """Open (creating if needed) the database file, in WAL mode, fully migrated."""
    conn = sqlite3.connect(
        str(path), check_same_thread=False, isolation_level=None, timeout=BUSY_TIMEOUT
    )
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")
    db = sqlite_utils.Database(conn)
    if str(path) != ":memory:":
        db.enable_wal()
        # In WAL mode NORMAL still survives the process being killed at any point; only a
        # power cut can undo the last commits. FULL waits for the disk on every commit, which
        # caps reminders at about 20 a second on a busy machine (bench/dispatch.py).
        conn.execute("PRAGMA synchronous = NORMAL")
    migrate(db)
    return db


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Apply pending migrations; return the names applied."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
    )
    done = {row[0] for row in db.execute("SELECT name FROM migrations").fetchall()}
    applied = []
    for migration in MIGRATIONS:
        if migration.__name__ in done:
            continue
        with db.conn:
            db.execute("BEGIN")
            migration(db)
            db.execute(
                "INSERT INTO migrations (name, applied_at) VALUES (?, ?)",
                [migration.__name__, iso(datetime.now(UTC))],
            )
        applied.append(migration.__name__)
        logger.info("applied migration %s", migration.__name__)
    return applied


class Writes:
    """Whether the database takes writes, as the bot last found: a disk that is full, or
    another process holding the write lock, leaves reads working and writes failing.

    One per database object (``Writes.of(db)``), so the companion, the dispatcher and the
    health check share it. The log says it once when writes start failing and once when
    they work again; never anything about a person.
    """

    _all: weakref.WeakKeyDictionary[sqlite_utils.Database, Writes] = weakref.WeakKeyDictionary()
    PROBE_EVERY = 5.0  # seconds between tries while writes fail

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        self.problem: str | None = None  # SQLite's reason, e.g. "database or disk is full"
        self._next_probe = 0.0

    @classmethod
    def of(cls, db: sqlite_utils.Database) -> Writes:
        if db not in cls._all:
            cls._all[db] = cls(db)
        return cls._all[db]

    def failed(self, error: sqlite3.Error) -> None:
        """A write failed; the first failure of a run is logged for the operator."""
        if self.problem is None:
            logger.error(
                "database: writes fail (%s); emergency cards still go out, reminders wait "
                "and nothing planned is lost; retrying every %g s",
                error,
                self.PROBE_EVERY,
            )
        self.problem = str(error)
        self._next_probe = time.monotonic() + self.PROBE_EVERY

    def probe(self) -> bool:
        """While writes fail, try one (at most every PROBE_EVERY s); True once they work.

        The probe needs new pages and a commit, so a full disk fails it as a locked file does.
        """
        if self.problem is None:
            return True
        if time.monotonic() < self._next_probe:
            return False
        try:
            with self.db.conn:
                self.db.execute("BEGIN IMMEDIATE")
                self.db.execute("INSERT INTO write_probe (filler) VALUES (zeroblob(16384))")
            self.db.execute("DELETE FROM write_probe")
        except sqlite3.Error as exc:
            self.failed(exc)
            return False
        logger.warning("database: writes work again (they failed with: %s)", self.problem)
        self.problem = None
        return True


@dataclass
class Person:
    id: int
    chat_id: int
    language: str
    step: str
    released_at: datetime | None
    timezone: str
    area_id: str | None
    on_ost: str
    housed: str
    discreet: bool
    paused: bool
    stopped: bool
    blocked: bool
    pending: dict[str, Any] | None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Person:
        return cls(
            id=row["id"],
            chat_id=row["chat_id"],
            language=row["language"],
            step=row["step"],
            released_at=from_iso(row["released_at"]) if row["released_at"] else None,
            timezone=row["timezone"],
            area_id=row["area_id"],
            on_ost=row["on_ost"],
            housed=row["housed"],
            discreet=bool(row["discreet"]),
            paused=bool(row["paused"]),
            stopped=bool(row["stopped"]),
            blocked=row["blocked_at"] is not None,
            pending=json.loads(row["pending"]) if row["pending"] else None,
        )


class People:
    """Rows of the people table."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def by_chat(self, chat_id: int) -> Person | None:
        rows = list(self.db.query("SELECT * FROM people WHERE chat_id = ?", [chat_id]))
        return Person.from_row(rows[0]) if rows else None

    def by_id(self, person_id: int) -> Person | None:
        rows = list(self.db.query("SELECT * FROM people WHERE id = ?", [person_id]))
        return Person.from_row(rows[0]) if rows else None

    def create(self, chat_id: int, language: str, timezone: str, now: datetime) -> Person:
        self.db.execute(
            "INSERT INTO people (chat_id, language, timezone, consent_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (chat_id) DO UPDATE SET language = excluded.language, step = 'release', "
            "stopped = 0, paused = 0, blocked_at = NULL",
            [chat_id, language, timezone, iso(now)],
        )
        person = self.by_chat(chat_id)
        assert person is not None
        return person

    def update(self, person_id: int, **fields: Any) -> None:
        values = {}
        for key, value in fields.items():
            if isinstance(value, datetime):
                value = iso(value)
            elif key == "pending" and value is not None:
                value = json.dumps(value)
            elif isinstance(value, bool):
                value = int(value)
            values[key] = value
        assignments = ", ".join(f"{key} = :{key}" for key in values)
        self.db.execute(
            f"UPDATE people SET {assignments} WHERE id = :id", {**values, "id": person_id}
        )

    def mark_blocked(self, person_id: int, now: datetime) -> None:
        self.db.execute("UPDATE people SET blocked_at = ? WHERE id = ?", [iso(now), person_id])

    def forget(self, chat_id: int) -> None:
        """Delete every row about this person."""
        with self.db.conn:
            self.db.execute("BEGIN")
            self.db.execute(
                "DELETE FROM outbox WHERE person_id IN (SELECT id FROM people WHERE chat_id = ?)",
                [chat_id],
            )
            # Their conversations with peers go too: the topics in the peer group are
            # deleted by the bot (bot/peers.py), the case rows here.
            self.db.execute(
                "INSERT OR IGNORE INTO peer_topics_to_delete (thread_id) SELECT thread_id "
                "FROM peer_cases WHERE thread_id IS NOT NULL AND person_id IN "
                "(SELECT id FROM people WHERE chat_id = ?)",
                [chat_id],
            )
            self.db.execute(
                "DELETE FROM peer_cases WHERE person_id IN "
                "(SELECT id FROM people WHERE chat_id = ?)",
                [chat_id],
            )
            self.db.execute("DELETE FROM people WHERE chat_id = ?", [chat_id])

    def expired(self, before: datetime) -> list[int]:
        """Chat ids of people whose last timeline message (or, with none, their consent) and
        last word to us are older than ``before``: retention ends for them."""
        return [
            row[0]
            for row in self.db.execute(
                "SELECT chat_id FROM people WHERE NOT EXISTS (SELECT 1 FROM outbox "
                "WHERE outbox.person_id = people.id AND due_at > ?) "
                "AND COALESCE(last_seen_at, consent_at) <= ? "
                "AND consent_at <= ?",
                [iso(before), iso(before), iso(before)],
            ).fetchall()
        ]

    def active_ids(self) -> list[int]:
        return [
            row[0]
            for row in self.db.execute(
                "SELECT id FROM people WHERE released_at IS NOT NULL AND stopped = 0 "
                "AND blocked_at IS NULL"
            ).fetchall()
        ]
