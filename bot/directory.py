"""The directory of local contacts: what services submit, what moderators approve, and the
search that the bot, the command line and the web app share.

Nothing a stranger submits reaches a released person before a moderator approves it: a new
entry or a change is a *submission*; only approving it writes to ``contacts``, the table the
search reads. Every change to a contact is kept in ``contact_history``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlite_utils
from opening_hours import OpeningHours, ParserError

from bot.areas import fold
from bot.content import Area, ContentSet
from bot.store import iso

logger = logging.getLogger(__name__)

# Flags that matter to someone just released. Labels are interface strings (flag_<name>).
FLAGS = ("walk_in", "no_id", "no_insurance", "women_only", "accepts_released", "out_of_hours")
STATUSES = ("approved", "hidden")  # a contact; submissions are pending/approved/rejected
STALE_AFTER = timedelta(days=183)  # shown with a warning
HIDDEN_AFTER = timedelta(days=365)  # hidden, and the owner is asked to confirm
OST_KINDS = frozenset({"ost_prescriber", "ost_pharmacy"})

_PHONE_RE = re.compile(r"^\+?[0-9][0-9 ()./-]{2,24}$")
_URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
_LANG_RE = re.compile(r"^[a-z]{2}$")


class InvalidContact(ValueError):
    """A submission with field errors: ``errors`` maps a field to a plain-words message."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = dict(errors)


@dataclass(frozen=True)
class ContactData:
    """The fields a service fills in; validated by :func:`validate`."""

    name: str
    kinds: tuple[str, ...]
    area_id: str
    address: str = ""
    lat: float | None = None
    lon: float | None = None
    phone: str = ""
    website: str = ""
    languages: tuple[str, ...] = ()
    opening_hours: str = ""
    flags: tuple[str, ...] = ()
    notes: str = ""
    verified_on: str = ""  # ISO date the details were last checked
    source: str = ""  # who gave us this (the service itself, an import, a worker)
    sample: bool = False  # demo data, never a real service

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["kinds"] = list(self.kinds)
        data["languages"] = list(self.languages)
        data["flags"] = list(self.flags)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ContactData:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        for key in ("kinds", "languages", "flags"):
            values[key] = tuple(values.get(key) or ())
        return cls(**values)


@dataclass(frozen=True)
class Contact:
    id: int
    data: ContactData
    country: str
    status: str
    owner_id: int | None
    updated_at: str

    @property
    def name(self) -> str:
        return self.data.name


def _text(form: Mapping[str, Any], key: str, limit: int) -> str:
    value = form.get(key)
    if value is None:
        return ""
    return " ".join(str(value).split())[:limit] if key != "notes" else str(value).strip()[:limit]


def _list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in re.split(r"[,;\n]", value) if v.strip()]
    return [str(v).strip() for v in value if str(v).strip()]


def validate(form: Mapping[str, Any], content: ContentSet, today: date) -> ContactData:
    """Check every field of a submission (a web form, an API body, an import row).

    Raises :class:`InvalidContact` listing every problem at once, in plain words.
    """
    errors: dict[str, str] = {}
    name = _text(form, "name", 200)
    if len(name) < 2:
        errors["name"] = "Enter the name of the service."
    kinds = _list(form.get("kinds"))
    unknown = [k for k in kinds if k not in content.kinds]
    if not kinds:
        errors["kinds"] = "Choose at least one kind of help."
    elif unknown:
        errors["kinds"] = f"Unknown kind: {', '.join(unknown)}."
    area_id = _text(form, "area_id", 60)
    if area_id not in content.areas:
        errors["area_id"] = "Choose the town or city."
    address = _text(form, "address", 300)
    lat = lon = None
    raw_lat, raw_lon = form.get("lat"), form.get("lon")
    if raw_lat not in (None, "") or raw_lon not in (None, ""):
        try:
            lat, lon = float(raw_lat), float(raw_lon)  # type: ignore[arg-type]
            if not (-90 <= lat <= 90 and -180 <= lon <= 180) or math.isnan(lat + lon):
                raise ValueError
        except (TypeError, ValueError):
            errors["lat"] = "Latitude and longitude must be numbers, like 53.7997 and -1.5492."
            lat = lon = None
        else:
            area = content.areas.get(area_id)
            if area is not None and distance_km(area.lat, area.lon, lat, lon) > 60:
                errors["lat"] = f"These coordinates are more than 60 km from {area.name}."
    phone = _text(form, "phone", 40)
    if phone and not _PHONE_RE.match(phone):
        errors["phone"] = "Enter a phone number with digits only, like +44 113 496 0000."
    website = _text(form, "website", 300)
    if website and not _URL_RE.match(website):
        errors["website"] = "Enter a full web address starting with https://"
    languages = [v.lower() for v in _list(form.get("languages"))]
    if any(not _LANG_RE.match(v) for v in languages):
        errors["languages"] = "Use two-letter language codes, like en, fr, pl."
    opening = _text(form, "opening_hours", 500)
    if opening:
        try:
            OpeningHours(opening)
        except (ParserError, ValueError):
            errors["opening_hours"] = (
                "Opening hours are not in the usual format. "
                "Example: Mo-Fr 09:00-17:00; Sa 10:00-12:00"
            )
    flags = _list(form.get("flags"))
    if any(f not in FLAGS for f in flags):
        errors["flags"] = f"Unknown flag: {', '.join(f for f in flags if f not in FLAGS)}."
    if not (phone or website or address):
        errors.setdefault("phone", "Give at least a phone number, a website or an address.")
    notes = _text(form, "notes", 1000)
    verified = _text(form, "verified_on", 10) or today.isoformat()
    try:
        verified_day = date.fromisoformat(verified)
        if verified_day > today:
            errors["verified_on"] = "The date checked can't be in the future."
    except ValueError:
        errors["verified_on"] = "Enter the date as YYYY-MM-DD."
    if errors:
        raise InvalidContact(errors)
    return ContactData(
        name=name,
        kinds=tuple(dict.fromkeys(kinds)),
        area_id=area_id,
        address=address,
        lat=lat,
        lon=lon,
        phone=phone,
        website=website,
        languages=tuple(dict.fromkeys(languages)),
        opening_hours=opening,
        flags=tuple(f for f in FLAGS if f in flags),
        notes=notes,
        verified_on=verified,
        source=_text(form, "source", 200),
        sample=str(form.get("sample", "")).lower() in ("1", "true", "yes", "on"),
    )


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(min(1.0, a)))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --------------------------------------------------------------------------------------
# Storage
# --------------------------------------------------------------------------------------


class Directory:
    """Contacts, submissions and their history in the SQLite file."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    # --- contacts (what people see) ---

    def contact(self, contact_id: int) -> Contact | None:
        rows = list(self.db.query("SELECT * FROM contacts WHERE id = ?", [contact_id]))
        return _contact(rows[0]) if rows else None

    def contacts(self, *, include_hidden: bool = False) -> list[Contact]:
        where = "" if include_hidden else "WHERE status = 'approved'"
        return [_contact(r) for r in self.db.query(f"SELECT * FROM contacts {where} ORDER BY id")]

    def owned_by(self, user_id: int) -> list[Contact]:
        rows = self.db.query("SELECT * FROM contacts WHERE owner_id = ? ORDER BY id", [user_id])
        return [_contact(r) for r in rows]

    # --- submissions (what strangers send) ---

    def submit(
        self,
        data: ContactData,
        now: datetime,
        *,
        contact_id: int | None = None,
        submitted_by: int | None = None,
        via: str = "web",
    ) -> tuple[int, str]:
        """Queue a new entry or a change for moderation; returns (id, private edit token).

        The token is shown once to whoever submitted and only its hash is stored: with it,
        they can see and change their entry later without an account.
        """
        token = secrets.token_urlsafe(24)
        with self.db.conn:
            self.db.execute("BEGIN IMMEDIATE")
            if contact_id is not None:
                # Editing an existing entry: the link that edits it stays the same.
                self.db.execute(
                    "UPDATE submissions SET status = 'superseded', updated_at = ? "
                    "WHERE contact_id = ? AND status = 'pending'",
                    [iso(now), contact_id],
                )
            cursor = self.db.execute(
                "INSERT INTO submissions (contact_id, data, status, submitted_by, via, "
                "edit_token_hash, created_at, updated_at) VALUES (?, ?, 'pending', ?, ?, ?, ?, ?)",
                [
                    contact_id,
                    json.dumps(data.as_json(), ensure_ascii=False),
                    submitted_by,
                    via,
                    token_hash(token) if contact_id is None else None,
                    iso(now),
                    iso(now),
                ],
            )
        return int(cursor.lastrowid or 0), token

    def revise(self, submission_id: int, data: ContactData, now: datetime) -> None:
        """Correct a submission still waiting for review (its sender found a mistake)."""
        with self.db.conn:
            self.db.execute("BEGIN IMMEDIATE")
            cursor = self.db.execute(
                "UPDATE submissions SET data = ?, updated_at = ? "
                "WHERE id = ? AND status = 'pending'",
                [json.dumps(data.as_json(), ensure_ascii=False), iso(now), submission_id],
            )
        if cursor.rowcount == 0:
            raise LookupError(f"no pending submission {submission_id}")

    def pending(self) -> list[dict[str, Any]]:
        rows = self.db.query(
            "SELECT * FROM submissions WHERE status = 'pending' ORDER BY created_at, id"
        )
        return [_submission(r) for r in rows]

    def submission(self, submission_id: int) -> dict[str, Any] | None:
        rows = list(self.db.query("SELECT * FROM submissions WHERE id = ?", [submission_id]))
        return _submission(rows[0]) if rows else None

    def by_edit_token(self, token: str) -> tuple[Contact | None, dict[str, Any] | None]:
        """The contact (if approved yet) and the newest submission a private link leads to."""
        digest = token_hash(token)
        # Approving a new entry copies its link's hash onto the contact.
        rows = list(self.db.query("SELECT * FROM contacts WHERE edit_token_hash = ?", [digest]))
        if rows:
            contact = _contact(rows[0])
            newer = list(
                self.db.query(
                    "SELECT * FROM submissions WHERE contact_id = ? AND status = 'pending' "
                    "ORDER BY id DESC LIMIT 1",
                    [contact.id],
                )
            )
            return contact, (_submission(newer[0]) if newer else None)
        # Not published (yet, or rejected): the submission the link was made for.
        rows = list(
            self.db.query(
                "SELECT * FROM submissions WHERE edit_token_hash = ? ORDER BY id LIMIT 1",
                [digest],
            )
        )
        return None, (_submission(rows[0]) if rows else None)

    def approve(
        self,
        submission_id: int,
        moderator: str,
        now: datetime,
        content: ContentSet,
        *,
        data: ContactData | None = None,
    ) -> int:
        """Publish a submission (optionally as edited by the moderator); returns the contact id."""
        sub = self.submission(submission_id)
        if sub is None or sub["status"] != "pending":
            raise LookupError(f"no pending submission {submission_id}")
        final = data or sub["data"]
        area = content.areas[final.area_id]
        with self.db.conn:
            self.db.execute("BEGIN IMMEDIATE")
            if sub["contact_id"] is None:
                cursor = self.db.execute(
                    "INSERT INTO contacts (data, area_id, country, status, owner_id, "
                    "edit_token_hash, created_at, updated_at) "
                    "VALUES (?, ?, ?, 'approved', ?, ?, ?, ?)",
                    [
                        json.dumps(final.as_json(), ensure_ascii=False),
                        final.area_id,
                        area.country,
                        sub["submitted_by"],
                        sub["edit_token_hash"],
                        iso(now),
                        iso(now),
                    ],
                )
                contact_id = int(cursor.lastrowid or 0)
                before: dict[str, Any] = {}
                action = "created"
            else:
                contact_id = sub["contact_id"]
                old = self.contact(contact_id)
                before = old.data.as_json() if old else {}
                self.db.execute(
                    "UPDATE contacts SET data = ?, area_id = ?, country = ?, status = 'approved', "
                    "updated_at = ? WHERE id = ?",
                    [
                        json.dumps(final.as_json(), ensure_ascii=False),
                        final.area_id,
                        area.country,
                        iso(now),
                        contact_id,
                    ],
                )
                action = "updated"
            self.db.execute(
                "UPDATE submissions SET status = 'approved', contact_id = ?, reviewed_by = ?, "
                "updated_at = ? WHERE id = ?",
                [contact_id, moderator, iso(now), submission_id],
            )
            self._history(contact_id, now, moderator, action, before, final.as_json())
        return contact_id

    def reject(self, submission_id: int, moderator: str, reason: str, now: datetime) -> None:
        sub = self.submission(submission_id)
        if sub is None or sub["status"] != "pending":
            raise LookupError(f"no pending submission {submission_id}")
        with self.db.conn:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute(
                "UPDATE submissions SET status = 'rejected', reviewed_by = ?, reason = ?, "
                "updated_at = ? WHERE id = ?",
                [moderator, reason[:500], iso(now), submission_id],
            )
            if sub["contact_id"] is not None:
                self._history(
                    sub["contact_id"], now, moderator, "change rejected", {}, {"reason": reason}
                )

    def confirm(self, contact_id: int, who: str, today: date, now: datetime) -> None:
        """The owner says the details are still right: re-verified today, shown again."""
        contact = self.contact(contact_id)
        if contact is None:
            raise LookupError(contact_id)
        data = ContactData.from_json({**contact.data.as_json(), "verified_on": today.isoformat()})
        with self.db.conn:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute(
                "UPDATE contacts SET data = ?, status = 'approved', updated_at = ? WHERE id = ?",
                [json.dumps(data.as_json(), ensure_ascii=False), iso(now), contact_id],
            )
            self._history(
                contact_id,
                now,
                who,
                "confirmed",
                {"verified_on": contact.data.verified_on},
                {"verified_on": data.verified_on},
            )

    def hide_stale(self, today: date, now: datetime) -> list[Contact]:
        """Hide contacts not verified for 12 months; returns them, so owners can be asked."""
        hidden = []
        for contact in self.contacts():
            if _age(contact, today) > HIDDEN_AFTER:
                with self.db.conn:
                    self.db.execute("BEGIN IMMEDIATE")
                    self.db.execute(
                        "UPDATE contacts SET status = 'hidden', updated_at = ? WHERE id = ?",
                        [iso(now), contact.id],
                    )
                    self._history(
                        contact.id,
                        now,
                        "first48",
                        "hidden: not verified for 12 months; owner asked to confirm",
                        {},
                        {},
                    )
                hidden.append(contact)
        return hidden

    def history(self, contact_id: int) -> list[dict[str, Any]]:
        rows = self.db.query(
            "SELECT * FROM contact_history WHERE contact_id = ? ORDER BY id", [contact_id]
        )
        return [
            {**r, "before": json.loads(r["before"]), "after": json.loads(r["after"])} for r in rows
        ]

    def _history(
        self,
        contact_id: int,
        now: datetime,
        actor: str,
        action: str,
        before: Mapping[str, Any],
        after: Mapping[str, Any],
    ) -> None:
        changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
        self.db.execute(
            "INSERT INTO contact_history (contact_id, at, actor, action, before, after) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [
                contact_id,
                iso(now),
                actor,
                action,
                json.dumps({k: before.get(k) for k in sorted(changed)}, ensure_ascii=False),
                json.dumps({k: after.get(k) for k in sorted(changed)}, ensure_ascii=False),
            ],
        )


def _contact(row: Mapping[str, Any]) -> Contact:
    return Contact(
        id=int(row["id"]),
        data=ContactData.from_json(json.loads(row["data"])),
        country=str(row["country"]),
        status=str(row["status"]),
        owner_id=row["owner_id"],
        updated_at=str(row["updated_at"]),
    )


def _submission(row: Mapping[str, Any]) -> dict[str, Any]:
    return {**row, "data": ContactData.from_json(json.loads(row["data"]))}


def _age(contact: Contact, today: date) -> timedelta:
    try:
        return today - date.fromisoformat(contact.data.verified_on)
    except ValueError:
        return HIDDEN_AFTER + timedelta(days=1)


# --------------------------------------------------------------------------------------
# Search
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    contact: Contact
    distance_km: float | None
    open_now: bool | None  # None: hours unknown
    next_change: datetime | None  # local time of the next opening or closing
    stale: bool  # not verified for 6 months
    zone: str


@dataclass
class SearchResult:
    matches: list[Match]
    weekend_gap: bool = False  # Friday/Saturday and OST closed until Monday
    out_of_hours: list[Match] = field(default_factory=list)


def hours_at(contact: Contact, zone: str, at: datetime) -> tuple[bool | None, datetime | None]:
    """Open now, and when that changes, in the contact's own time zone."""
    if not contact.data.opening_hours:
        return None, None
    try:
        oh = OpeningHours(
            contact.data.opening_hours, timezone=ZoneInfo(zone), country=contact.country
        )
        local = at.astimezone(ZoneInfo(zone))
        state = oh.is_open(local)
        change = oh.next_change(local)
    except (ParserError, ValueError):
        logger.warning("contact %s: opening hours could not be read", contact.id)
        return None, None
    return bool(state), change.astimezone(ZoneInfo(zone)) if change else None


def _candidates(
    directory: Directory,
    content: ContentSet,
    area: Area | None,
    near: tuple[float, float] | None,
    kinds: set[str],
    at: datetime,
    radius_km: float,
) -> list[Match]:
    """Visible contacts of these kinds (any kind if empty) in the area or near the point."""
    out = []
    for contact in directory.contacts():
        if kinds and not kinds & set(contact.data.kinds):
            continue
        home = content.areas.get(contact.data.area_id)
        if home is None:
            continue
        age = _age(contact, at.astimezone(ZoneInfo(home.timezone)).date())
        if age > HIDDEN_AFTER:
            continue
        distance = None
        if near is not None:
            lat = contact.data.lat if contact.data.lat is not None else home.lat
            lon = contact.data.lon if contact.data.lon is not None else home.lon
            distance = distance_km(near[0], near[1], lat, lon)
            if distance > radius_km:
                continue
        elif area is not None and contact.data.area_id != area.id:
            continue
        open_now, change = hours_at(contact, home.timezone, at)
        out.append(Match(contact, distance, open_now, change, age > STALE_AFTER, home.timezone))
    return out


def search(
    directory: Directory,
    content: ContentSet,
    *,
    area: Area | None = None,
    near: tuple[float, float] | None = None,
    kinds: Iterable[str] = (),
    at: datetime,
    radius_km: float = 50.0,
) -> SearchResult:
    """Contacts for an area or a shared location, in the order the bot and the CLI show.

    Near a location: nearest first. In an area: open now first, then the soonest to open,
    then hours unknown, then by name. Contacts not verified for 12 months never appear.
    On a Friday or Saturday, when every OST contact found is closed until Monday, the
    result says so and carries the out-of-hours options (flagged contacts and helplines).
    """
    wanted = set(kinds)
    matches = _candidates(directory, content, area, near, wanted, at, radius_km)
    if near is not None:
        matches.sort(key=lambda m: (m.distance_km or 0.0, fold(m.contact.name)))
    else:
        matches.sort(key=_open_first)
    result = SearchResult(matches)
    zone = area.timezone if area else (matches[0].zone if matches else "UTC")
    local = at.astimezone(ZoneInfo(zone))
    ost = [m for m in matches if OST_KINDS & set(m.contact.data.kinds)]
    if local.weekday() in (4, 5) and ost and all(_closed_until_monday(m, local) for m in ost):
        result.weekend_gap = True
        others = _candidates(directory, content, area, near, set(), at, radius_km)
        result.out_of_hours = sorted(
            (
                m
                for m in others
                if m.open_now is not False
                and ("out_of_hours" in m.contact.data.flags or "helpline" in m.contact.data.kinds)
            ),
            key=_open_first,
        )
    return result


_FAR = datetime.max.replace(tzinfo=ZoneInfo("UTC"))


def _open_first(m: Match) -> tuple[int, datetime, str]:
    rank = {True: 0, False: 1, None: 2}[m.open_now]
    soon = (m.next_change or _FAR) if m.open_now is False else _FAR
    return rank, soon, fold(m.contact.name)


def _closed_until_monday(match: Match, local: datetime) -> bool:
    """Closed now and not opening again before Monday (or never, as far as we know)."""
    if match.open_now is not False:
        return False
    if match.next_change is None:
        return True
    monday = (local + timedelta(days=(7 - local.weekday()) % 7 or 7)).date()
    return match.next_change.date() >= monday
