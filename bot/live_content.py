"""The content the running bot uses: the files plus the studio's approved versions.

Reloaded when either changes; a broken set is reported and the last good one kept.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from bot.content import ContentError, ContentSet, Problem, build
from bot.store import iso
from bot.studio import live_files

logger = logging.getLogger(__name__)


class LiveContent:
    """Holds the current good ContentSet; a broken change is reported and never replaces it."""

    def __init__(self, folder: Path, db: sqlite_utils.Database) -> None:
        self.folder = folder
        self.db = db
        self.problems: list[Problem] = []
        self._files_read: dict[str, str] | None = None  # what the last build was made from
        self.current = self._first_load()

    def files(self) -> dict[str, str]:
        """The folder's files with every version approved in the studio spliced in."""
        return live_files(self.folder, self.db)

    def _first_load(self) -> ContentSet:
        self._files_read = self.files()
        content, problems = build(self._files_read, advice=False)
        self.problems = problems
        if content is not None:
            self._save_snapshot(content)
            return content
        for problem in problems:
            logger.error("content: %s", problem)
        snapshot = self._load_snapshot()
        if snapshot is None:
            raise ContentError([p for p in problems if p.severity == "error"])
        logger.error("content files are broken; using the last good set (%s)", snapshot.fingerprint)
        return snapshot

    def reload(self) -> bool:
        """Re-read the folder; swap in the new set only if it is valid. True if it changed."""
        try:
            files = self.files()
        except OSError as exc:
            logger.error("content: cannot read %s: %s", self.folder, exc)
            return False
        if files == self._files_read:
            # Nothing changed: no rebuild. Building and checking every text takes ~0.1 s of
            # the event loop, which would hold up whoever writes at that moment.
            return False
        self._files_read = files
        content, problems = build(files, advice=False)
        if content is None:
            if problems != self.problems:
                for problem in problems:
                    logger.error("content: %s", problem)
                logger.error(
                    "content not reloaded: keeping the last good set (%s)", self.current.fingerprint
                )
            self.problems = problems
            return False
        self.problems = problems
        if content.fingerprint == self.current.fingerprint:
            return False
        self.current = content
        self._save_snapshot(content)
        logger.info("content reloaded (%s)", content.fingerprint)
        return True

    def _save_snapshot(self, content: ContentSet) -> None:
        self.db.execute(
            "INSERT INTO content_snapshot (id, fingerprint, files, saved_at) VALUES (1, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET fingerprint = excluded.fingerprint, "
            "files = excluded.files, saved_at = excluded.saved_at "
            "WHERE content_snapshot.fingerprint != excluded.fingerprint",
            [content.fingerprint, json.dumps(content.files), iso(datetime.now(UTC))],
        )

    def _load_snapshot(self) -> ContentSet | None:
        row = self.db.execute("SELECT files FROM content_snapshot WHERE id = 1").fetchone()
        if row is None:
            return None
        content, _ = build(json.loads(row[0]), advice=False)
        return content
