"""Accounts for the web app and the API: moderators, peer editors and services.

Passwords are hashed with Argon2id (argon2-cffi) and rehashed when the parameters change;
API tokens are random, shown once, and only their SHA-256 is stored.
"""

from __future__ import annotations

import functools
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlite_utils
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from bot.directory import token_hash
from bot.store import iso

logger = logging.getLogger(__name__)

ROLES = ("moderator", "peer_editor", "service")
API_ROLES = frozenset({"moderator", "service"})  # peer editors work on content, not contacts
MIN_PASSWORD = 12
TOKEN_PREFIX = "f48_"
_USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{2,59}$")


class AccountError(ValueError):
    """A user or token request that cannot be done; the message says why, in plain words."""


@dataclass(frozen=True)
class User:
    id: int
    username: str
    role: str
    disabled: bool
    created_at: str

    @property
    def is_moderator(self) -> bool:
        return self.role == "moderator"


def _user(row: dict[str, Any]) -> User:
    return User(
        id=int(row["id"]),
        username=str(row["username"]),
        role=str(row["role"]),
        disabled=bool(row["disabled"]),
        created_at=str(row["created_at"]),
    )


class Accounts:
    """Rows of the users and api_tokens tables."""

    def __init__(self, db: sqlite_utils.Database, hasher: PasswordHasher | None = None) -> None:
        self.db = db
        self.hasher = hasher or PasswordHasher()

    @functools.cached_property
    def _dummy_hash(self) -> str:
        """Checked against when the username is unknown, so both cases take as long."""
        return self.hasher.hash(secrets.token_urlsafe(16))

    # --- users ---

    def create_user(self, username: str, password: str, role: str, now: datetime) -> User:
        username = username.strip()
        if not _USERNAME_RE.match(username):
            raise AccountError(
                "A username is 3 to 60 letters, digits, dots, dashes, underscores or @, "
                "starting with a letter or digit."
            )
        if role not in ROLES:
            raise AccountError(f"Unknown role {role!r}; choose one of {', '.join(ROLES)}.")
        check_password(password)
        if self.by_username(username) is not None:
            raise AccountError(f"There is already a user called {username!r}.")
        self.db.execute(
            "INSERT INTO users (username, password_hash, role, created_at) VALUES (?, ?, ?, ?)",
            [username, self.hasher.hash(password), role, iso(now)],
        )
        user = self.by_username(username)
        assert user is not None
        logger.info("created %s account %s", role, user.id)
        return user

    def user(self, user_id: int) -> User | None:
        rows = list(self.db.query("SELECT * FROM users WHERE id = ?", [user_id]))
        return _user(rows[0]) if rows else None

    def by_username(self, username: str) -> User | None:
        rows = list(self.db.query("SELECT * FROM users WHERE username = ?", [username.strip()]))
        return _user(rows[0]) if rows else None

    def users(self) -> list[User]:
        return [_user(r) for r in self.db.query("SELECT * FROM users ORDER BY username")]

    def password_hash(self, username: str) -> tuple[User | None, str]:
        """The active user and the stored hash (a dummy one when there is no such user)."""
        rows = list(self.db.query("SELECT * FROM users WHERE username = ?", [username.strip()]))
        if not rows or rows[0]["disabled"]:
            return None, self._dummy_hash
        return _user(rows[0]), str(rows[0]["password_hash"])

    def password_matches(self, stored_hash: str, password: str) -> bool:
        """Pure CPU and no database, so the web app can run it off the event loop."""
        try:
            return self.hasher.verify(stored_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored_hash: str) -> bool:
        return self.hasher.check_needs_rehash(stored_hash)

    def verify(self, username: str, password: str) -> User | None:
        """The user if the password is right and the account enabled; rehashes if needed."""
        user, stored = self.password_hash(username)
        if not self.password_matches(stored, password) or user is None:
            return None
        if self.needs_rehash(stored):
            self.set_password(user.id, password)
        return user

    def set_password(self, user_id: int, password: str) -> None:
        check_password(password)
        self.db.execute(
            "UPDATE users SET password_hash = ? WHERE id = ?",
            [self.hasher.hash(password), user_id],
        )

    def disable(self, username: str) -> None:
        """Sign-in and every API token stop working; the user's entries stay."""
        user = self.by_username(username)
        if user is None:
            raise AccountError(f"No user called {username!r}.")
        self.db.execute("UPDATE users SET disabled = 1 WHERE id = ?", [user.id])

    # --- API tokens ---

    def create_token(self, user_id: int, label: str, now: datetime) -> str:
        """A new API token: returned once, never stored (only its hash is)."""
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        self.db.execute(
            "INSERT INTO api_tokens (user_id, token_hash, label, created_at) VALUES (?, ?, ?, ?)",
            [user_id, token_hash(token), label.strip()[:100], iso(now)],
        )
        return token

    def user_for_token(self, token: str, now: datetime) -> User | None:
        """The enabled user a token belongs to; records when it was last used."""
        digest = token_hash(token.strip())
        rows = list(
            self.db.query(
                "SELECT users.*, api_tokens.id AS token_id FROM api_tokens "
                "JOIN users ON users.id = api_tokens.user_id "
                "WHERE api_tokens.token_hash = ? AND users.disabled = 0",
                [digest],
            )
        )
        if not rows:
            return None
        self.db.execute(
            "UPDATE api_tokens SET last_used_at = ? WHERE id = ?", [iso(now), rows[0]["token_id"]]
        )
        return _user(rows[0])

    def tokens(self, user_id: int) -> list[dict[str, Any]]:
        """A user's tokens: id, label, created_at, last_used_at (never the token)."""
        return list(
            self.db.query(
                "SELECT id, label, created_at, last_used_at FROM api_tokens "
                "WHERE user_id = ? ORDER BY id",
                [user_id],
            )
        )

    def revoke_token(self, user_id: int, token_id: int) -> bool:
        cursor = self.db.execute(
            "DELETE FROM api_tokens WHERE id = ? AND user_id = ?", [token_id, user_id]
        )
        return cursor.rowcount > 0


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"A password needs at least {MIN_PASSWORD} characters.")
    if not password.strip():
        raise AccountError("A password can't be only spaces.")
