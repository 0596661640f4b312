"""The peer content studio's core: message versions, proposals, a second peer's approval.

Files in `content/` stay the source and the interchange format. A change made in the studio is
a *version* of one message (its YAML entry, or nothing to retire it), stored in SQLite. Only a
version approved by a peer other than its author goes live; the live content is the folder with
every live version spliced into its file, so comments and the rest of the file are kept.
LiveContent reads it the same way, so an approval reaches the running bot on its next reload,
without a restart. Every version is kept, with who wrote it and who approved it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlite_utils
import yaml

from bot.accounts import User
from bot.content import ContentSet, Problem, build, read_folder
from bot.store import iso

__all__ = [
    "MESSAGE_FILES",
    "Studio",
    "StudioError",
    "Version",
    "apply_versions",
    "entries",
    "export_folder",
    "live_files",
]

MESSAGE_FILES = ("timeline.yml", "answers.yml")  # per language; their `messages:` lists
STUDIO_ROLES = frozenset({"moderator", "peer_editor"})
FROM_FILES = "the text in the content files before its first change in the studio"

# An entry in a `messages:` list starts at "  - id: x"; it runs until the next item, the next
# comment or text at the list's own indent, or the end of the file.
_ITEM = re.compile(r"^  - id:\s*['\"]?([A-Za-z0-9_.-]+)['\"]?\s*$")
_OWN_INDENT = re.compile(r"^  \S")


class StudioError(ValueError):
    """A change the studio refuses, with a message for the person who asked."""

    def __init__(self, message: str, problems: Iterable[Problem] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)


@dataclass(frozen=True)
class Version:
    id: int
    file: str
    message_id: str
    entry: str | None  # None: the message is retired
    status: str  # proposed | live | replaced | rejected
    author: str | None  # None: from the content files, or the account was deleted
    approver: str | None
    created_at: str
    decided_at: str | None
    reason: str | None

    @property
    def from_files(self) -> bool:
        """The text the message had in the content files before the studio first changed it."""
        return self.reason == FROM_FILES


@dataclass
class Imported:
    """What an import did: the versions it made, and what it did not take, one line each."""

    ids: list[int] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def entries(text: str) -> dict[str, tuple[int, int]]:
    """Message id -> (first line, end line) of its block in a messages file (0-based, end excl)."""
    lines = text.split("\n")
    found: dict[str, tuple[int, int]] = {}
    current: tuple[str, int] | None = None
    for number, line in enumerate(lines):
        item = _ITEM.match(line)
        if item or (current and _OWN_INDENT.match(line)):
            if current:
                found[current[0]] = (current[1], _trim(lines, current[1], number))
            current = (item.group(1), number) if item else None
    if current:
        found[current[0]] = (current[1], _trim(lines, current[1], len(lines)))
    return found


def _trim(lines: list[str], start: int, end: int) -> int:
    """Leave the blank lines after an entry outside it."""
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    return end


def entry_text(text: str, message_id: str) -> str | None:
    """The YAML of one message entry, as a plain mapping ("id: x" first), or None."""
    span = entries(text).get(message_id)
    if span is None:
        return None
    block = text.split("\n")[span[0] : span[1]]
    return (
        "\n".join([block[0][4:]] + [line[4:] if line.strip() else "" for line in block[1:]]) + "\n"
    )


def _as_block(entry: str) -> list[str]:
    lines = entry.strip("\n").split("\n")
    return ["  - " + lines[0]] + [("    " + line) if line.strip() else "" for line in lines[1:]]


def splice(text: str, message_id: str, entry: str | None) -> str:
    """The file with one message replaced, added at the end, or (entry None) removed."""
    lines = text.split("\n")
    span = entries(text).get(message_id)
    if span is None:
        if entry is None:
            return text
        while lines and not lines[-1].strip():
            lines.pop()
        return "\n".join([*lines, "", *_as_block(entry), ""])
    start, end = span
    if entry is None:
        while end < len(lines) and not lines[end].strip():
            end += 1
        return "\n".join(lines[:start] + lines[end:])
    return "\n".join(lines[:start] + _as_block(entry) + lines[end:])


def apply_versions(
    files: Mapping[str, str], live: Iterable[tuple[str, str, str | None]]
) -> dict[str, str]:
    """The folder's files with each live (file, message id, entry) spliced in."""
    out = dict(files)
    for file, message_id, entry in live:
        if file in out:
            out[file] = splice(out[file], message_id, entry)
    return out


def live_files(folder: Path, db: sqlite_utils.Database) -> dict[str, str]:
    """The content files as the bot uses them: the folder plus every live version."""
    rows = db.execute(
        "SELECT file, message_id, entry FROM content_versions WHERE status = 'live' ORDER BY id"
    ).fetchall()
    return apply_versions(read_folder(folder), [(r[0], r[1], r[2]) for r in rows])


def export_folder(files: Mapping[str, str], folder: Path) -> list[Path]:
    """Write a content set in the `content/` format; returns the files written."""
    written = []
    for name, text in sorted(files.items()):
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def _fingerprint(text: str) -> str:
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()[:16]


def _check_entry(entry: str, message_id: str) -> None:
    try:
        data = yaml.safe_load(entry)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise StudioError(f"This is not valid YAML{where}.") from exc
    if not isinstance(data, dict) or data.get("id") != message_id:
        raise StudioError(f"The message must be a mapping that starts with 'id: {message_id}'.")


class Studio:
    """Proposals, approvals, history and restore for peer-written messages."""

    def __init__(self, db: sqlite_utils.Database, folder: Path) -> None:
        self.db = db
        self.folder = folder

    # -- reading ----------------------------------------------------------------------------

    def live_files(self) -> dict[str, str]:
        return live_files(self.folder, self.db)

    def version(self, version_id: int) -> Version | None:
        rows = self._versions("WHERE v.id = ?", [version_id])
        return rows[0] if rows else None

    def history(self, file: str, message_id: str) -> list[Version]:
        """Every version of one message, newest first; the content files' own text last."""
        return self._versions(
            "WHERE v.file = ? AND v.message_id = ? ORDER BY v.reason IS ?, v.id DESC",
            [file, message_id, FROM_FILES],
        )

    def translation_states(self, content: ContentSet) -> dict[tuple[str, str], str]:
        """(language, message id) -> "ok", "out of date" or "missing", for each English message.

        Each translation is paired with a fingerprint of the English it was made from. English
        changed since (in the studio or in the files) and the translation not: out of date. The
        translation changed: it is paired with the English of now. A pair seen for the first
        time is taken to be up to date.
        """
        known = {
            (r[0], r[1]): (r[2], r[3])
            for r in self.db.execute("SELECT * FROM translation_sources").fetchall()
        }
        states, pairs = {}, []
        for message_id, english in content.messages.get("en", {}).items():
            source = _fingerprint(english.body)
            for language, messages in content.messages.items():
                if language == "en":
                    continue
                translation = messages.get(message_id)
                if translation is None:
                    states[language, message_id] = "missing"
                    continue
                own = _fingerprint(translation.body)
                paired = known.get((language, message_id))
                if paired is not None and paired[1] == own and paired[0] != source:
                    states[language, message_id] = "out of date"
                    continue
                states[language, message_id] = "ok"
                if paired != (source, own):
                    pairs.append((language, message_id, source, own))
        if pairs:
            self.db.conn.executemany(
                "INSERT OR REPLACE INTO translation_sources VALUES (?, ?, ?, ?)", pairs
            )
        return states

    def check(self, file: str, message_id: str, entry: str | None) -> list[Problem]:
        """The problems the change would have (errors and warnings), without saving it."""
        _, problems = self._trial(self.live_files(), file, message_id, entry)
        return problems

    @staticmethod
    def _trial(
        files: Mapping[str, str], file: str, message_id: str, entry: str | None
    ) -> tuple[ContentSet | None, list[Problem]]:
        """The content as it would be with this one change live, and the change's problems:
        errors anywhere (the change caused them), warnings only about this message."""
        if file not in files:
            raise StudioError(f"There is no content file {file}.")
        trial = apply_versions(files, [(file, message_id, entry)])
        content, problems = build(trial)
        first, end = entries(trial[file]).get(message_id, (0, 0))
        return content, [
            p
            for p in problems
            if p.severity == "error" or (p.file == file and first < p.line <= end)
        ]

    def proposals(self) -> list[Version]:
        return self._versions("WHERE v.status = 'proposed' ORDER BY v.id", [])

    def _versions(self, where: str, params: list[Any]) -> list[Version]:
        rows = self.db.execute(
            "SELECT v.id, v.file, v.message_id, v.entry, v.status, a.username, p.username, "
            "v.created_at, v.decided_at, v.reason FROM content_versions v "
            "LEFT JOIN users a ON a.id = v.author_id LEFT JOIN users p ON p.id = v.approver_id "
            + where,
            params,
        ).fetchall()
        return [Version(*row) for row in rows]

    # -- changing ---------------------------------------------------------------------------

    def propose(
        self, user: User, file: str, message_id: str, entry: str | None, now: datetime
    ) -> tuple[int, list[Problem]]:
        """Store a proposed version; refused if the content would not build. Returns warnings."""
        self._allowed(user)
        if not any(file.endswith("/" + name) for name in MESSAGE_FILES):
            raise StudioError(f"{file} holds no messages; change it in the content files.")
        files = self.live_files()
        if file not in files:
            raise StudioError(f"There is no content file {file}.")  # before reading the entry
        if entry is not None:
            entry = entry.strip("\n") + "\n"
            _check_entry(entry, message_id)
        elif message_id not in entries(files[file]):
            raise StudioError(f"There is no message {message_id} in {file} to retire.")
        content, problems = self._trial(files, file, message_id, entry)
        if content is None:
            errors = [p for p in problems if p.severity == "error"]
            raise StudioError("The change would break the content; nothing was saved.", errors)
        cursor = self.db.execute(
            "INSERT INTO content_versions (file, message_id, entry, status, author_id, created_at)"
            " VALUES (?, ?, ?, 'proposed', ?, ?)",
            [file, message_id, entry, user.id, iso(now)],
        )
        return int(cursor.lastrowid or 0), problems

    def approve(self, user: User, version_id: int, now: datetime) -> Version:
        """A second peer's yes: the version goes live; the one it replaces is kept as history."""
        self._allowed(user)
        version = self._pending(version_id)
        if version.author == user.username:
            raise StudioError("You wrote this change, so another peer has to approve it.")
        entry = self.with_reviewer(version.entry, user.username)
        trial = apply_versions(self.live_files(), [(version.file, version.message_id, entry)])
        content, problems = build(trial)
        if content is None:  # the live content moved on since it was proposed
            errors = [p for p in problems if p.severity == "error"]
            raise StudioError("This change no longer fits the live content.", errors)
        with self.db.conn:
            self._go_live(version.file, version.message_id, now)
            self.db.execute(
                "UPDATE content_versions SET status = 'live', entry = ?, approver_id = ?, "
                "decided_at = ? WHERE id = ?",
                [entry, user.id, iso(now), version_id],
            )
        approved = self.version(version_id)
        assert approved is not None
        return approved

    def with_reviewer(self, entry: str | None, reviewer: str) -> str | None:
        """The entry as it goes live: its `reviewer` is the peer who approved it."""
        if entry is None:
            return None
        line = f"reviewer: {reviewer} (peer reviewer)"
        if re.search(r"^reviewer:.*$", entry, flags=re.M):
            return re.sub(r"^reviewer:.*$", line, entry, count=1, flags=re.M)
        return re.sub(r"^(author:.*)$", r"\1\n" + line, entry, count=1, flags=re.M)

    def reject(self, user: User, version_id: int, reason: str, now: datetime) -> None:
        self._allowed(user)
        self._pending(version_id)
        self.db.execute(
            "UPDATE content_versions SET status = 'rejected', approver_id = ?, decided_at = ?, "
            "reason = ? WHERE id = ?",
            [user.id, iso(now), reason.strip() or None, version_id],
        )

    def restore(self, user: User, version_id: int, now: datetime) -> tuple[int, list[Problem]]:
        """Propose an earlier version again (a second peer approves it like any change)."""
        old = self.version(version_id)
        if old is None:
            raise StudioError(f"There is no version {version_id}.")
        return self.propose(user, old.file, old.message_id, old.entry, now)

    def import_folder(
        self, user: User, folder: Path, now: datetime, *, direct: bool = False
    ) -> Imported:
        """Each message that differs from the live one becomes a proposal (or, direct, live).

        Only messages come in this way. A changed file of another kind (interface strings,
        emergency cards, countries and areas) and messages the pack lacks are reported, not
        taken: those are changed in the content folder, by the people who run first48.
        """
        self._allowed(user)
        incoming = read_folder(folder)
        content, problems = build(incoming)
        if content is None:
            raise StudioError("The files to import do not build; nothing was saved.", problems)
        live = self.live_files()
        result = Imported()
        for file, text in sorted(incoming.items()):
            if not any(file.endswith("/" + name) for name in MESSAGE_FILES) or file not in live:
                if live.get(file) != text:
                    result.skipped.append(f"{file}: {'changed' if file in live else 'new'} file")
                continue
            for message_id in entries(text):
                entry = entry_text(text, message_id)
                if entry_text(live[file], message_id) == entry:
                    continue
                if direct:
                    self._go_live(file, message_id, now)
                cursor = self.db.execute(
                    "INSERT INTO content_versions (file, message_id, entry, status, author_id,"
                    " approver_id, created_at, decided_at, reason)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        file,
                        message_id,
                        entry,
                        "live" if direct else "proposed",
                        user.id,
                        user.id if direct else None,
                        iso(now),
                        iso(now) if direct else None,
                        "imported directly (initial load)" if direct else None,
                    ],
                )
                result.ids.append(int(cursor.lastrowid or 0))
            result.skipped += [
                f"{file}: {message_id} is not in the pack (kept)"
                for message_id in entries(live[file])
                if message_id not in entries(text)
            ]
        return result

    def _go_live(self, file: str, message_id: str, now: datetime) -> None:
        """Make way for a new live version: the one live now is kept as history.

        The first time a message from the content files changes, the files' own text is kept as
        a version too (with no studio author), so it can be restored like any other.
        """
        replaced = self.db.execute(
            "UPDATE content_versions SET status = 'replaced' "
            "WHERE file = ? AND message_id = ? AND status = 'live'",
            [file, message_id],
        ).rowcount
        if replaced:
            return
        original = entry_text(read_folder(self.folder).get(file, ""), message_id)
        if original is None:
            return  # a new message: there is nothing before it
        self.db.execute(
            "INSERT INTO content_versions (file, message_id, entry, status, created_at,"
            " decided_at, reason) VALUES (?, ?, ?, 'replaced', ?, ?, ?)",
            [file, message_id, original, iso(now), iso(now), FROM_FILES],
        )

    def _pending(self, version_id: int) -> Version:
        version = self.version(version_id)
        if version is None:
            raise StudioError(f"There is no version {version_id}.")
        if version.status != "proposed":
            raise StudioError(f"Version {version_id} is already {version.status}.")
        return version

    @staticmethod
    def _allowed(user: User) -> None:
        if user.role not in STUDIO_ROLES or user.disabled:
            raise PermissionError("Only peer editors and moderators work on content.")
