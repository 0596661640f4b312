"""Talk to a peer: an anonymous hand-over to peer workers in a Telegram forum group.

When someone asks for a human ("talk_to_peer", the 💬 button, /peer), the bot opens a *case*:
a forum topic in the peer workers' group (``FIRST48_PEER_GROUP``) headed by a card with the
case number, language, area, days since release and the onboarding answers, and, only if the
person says yes in that moment, the message they wrote. Never a name, username, phone number
or Telegram id: the case row knows the person by row id, the group knows the case number.

Then the bot relays: a peer's text in the topic goes to the person signed with the alias the
peer chose (/alias); the person's texts go back into the topic. Media is noted, not passed on.
Peers claim a case, hand it back to the queue, or close it (buttons on the card, or /claim,
/release, /close in the topic), and the person is told in plain words. Outside peer hours (per
area, OpenStreetMap ``opening_hours``) the person is told when peers are back and offered the
helplines. A case no peer has written in for ``peer_escalate_after`` in peer hours (claimed or
not) is raised again in the group with a mention of every peer, and the person gets an honest
update.

The emergency card never waits for a peer: the bot answers an emergency first, then tells the
peer what it showed. Nothing anyone writes is stored; forgetting a person deletes their cases
and, through ``peer_topics_to_delete``, the topics in the group.
"""

from __future__ import annotations

import html
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import sqlite_utils
from opening_hours import OpeningHours

from bot.clock import Clock
from bot.companion import Button, Companion, Incoming, Reply
from bot.content import LANGUAGE_NAMES, fill
from bot.settings import Settings
from bot.store import Person, from_iso, iso

logger = logging.getLogger(__name__)

# A message the person wrote, kept in memory (never in the database) while they decide
# whether a peer may read it.
PENDING_SECONDS = 15 * 60
MAX_ALIAS = 32


class Undeliverable(Exception):
    """The person cannot be reached any more (they blocked the bot)."""


class GroupPort(Protocol):
    """What the desk needs from Telegram; bot/telegram_app.py implements it."""

    async def create_topic(self, name: str) -> int: ...

    async def post(
        self, thread_id: int | None, text: str, buttons: list[list[Button]] | None = None
    ) -> None: ...

    async def close_topic(self, thread_id: int) -> None: ...

    async def delete_topic(self, thread_id: int) -> None: ...

    async def to_person(self, chat_id: int, reply: Reply) -> None: ...


@dataclass(frozen=True)
class Case:
    id: int
    person_id: int
    thread_id: int | None
    status: str  # waiting | claimed | closed
    peer_id: int | None
    waiting_since: datetime
    escalated: bool

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Case:
        return cls(
            id=row["id"],
            person_id=row["person_id"],
            thread_id=row["thread_id"],
            status=row["status"],
            peer_id=row["peer_id"],
            waiting_since=from_iso(row["waiting_since"]),
            escalated=row["escalated_at"] is not None,
        )


@dataclass(frozen=True)
class GroupEvent:
    """Something a member did in the peer group: wrote in a topic, or tapped a button."""

    user_id: int
    thread_id: int | None
    text: str | None = None
    callback: str | None = None
    media: str | None = None
    is_bot: bool = False


class Cases:
    """The peer_cases and peers tables."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def _one(self, sql: str, params: list[Any]) -> Case | None:
        rows = list(self.db.query(sql, params))
        return Case.from_row(rows[0]) if rows else None

    def open(self, person_id: int, now: datetime) -> Case:
        cursor = self.db.execute(
            "INSERT INTO peer_cases (person_id, opened_at, waiting_since) VALUES (?, ?, ?)",
            [person_id, iso(now), iso(now)],
        )
        case = self.get(int(cursor.lastrowid or 0))
        assert case is not None
        return case

    def get(self, case_id: int) -> Case | None:
        return self._one("SELECT * FROM peer_cases WHERE id = ?", [case_id])

    def active_for(self, person_id: int) -> Case | None:
        return self._one(
            "SELECT * FROM peer_cases WHERE person_id = ? AND status != 'closed' "
            "ORDER BY id DESC LIMIT 1",
            [person_id],
        )

    def by_thread(self, thread_id: int) -> Case | None:
        return self._one(
            "SELECT * FROM peer_cases WHERE thread_id = ? ORDER BY id DESC LIMIT 1", [thread_id]
        )

    def set_thread(self, case_id: int, thread_id: int) -> None:
        self.db.execute("UPDATE peer_cases SET thread_id = ? WHERE id = ?", [thread_id, case_id])

    def drop(self, case_id: int) -> None:
        self.db.execute("DELETE FROM peer_cases WHERE id = ?", [case_id])

    def claim(self, case_id: int, peer_id: int) -> None:
        self.db.execute(
            "UPDATE peer_cases SET status = 'claimed', peer_id = ? WHERE id = ?",
            [peer_id, case_id],
        )

    def hand_back(self, case_id: int, now: datetime) -> None:
        """Back in the queue: waiting again from now, and may be raised again."""
        self.db.execute(
            "UPDATE peer_cases SET status = 'waiting', peer_id = NULL, waiting_since = ?, "
            "answered_at = NULL, escalated_at = NULL WHERE id = ?",
            [iso(now), case_id],
        )

    def answered(self, case_id: int, now: datetime) -> None:
        self.db.execute(
            "UPDATE peer_cases SET answered_at = COALESCE(answered_at, ?) WHERE id = ?",
            [iso(now), case_id],
        )

    def close(self, case_id: int, now: datetime) -> None:
        self.db.execute(
            "UPDATE peer_cases SET status = 'closed', closed_at = ? WHERE id = ?",
            [iso(now), case_id],
        )

    def waiting(self, since_before: datetime) -> list[Case]:
        """Open cases no peer has written in since before then, not raised yet (claimed
        ones too: taking a case is not answering it)."""
        return [
            Case.from_row(row)
            for row in self.db.query(
                "SELECT * FROM peer_cases WHERE status IN ('waiting', 'claimed') "
                "AND answered_at IS NULL AND waiting_since <= ? "
                "AND escalated_at IS NULL AND thread_id IS NOT NULL",
                [iso(since_before)],
            )
        ]

    def mark_escalated(self, case_id: int, now: datetime) -> None:
        self.db.execute("UPDATE peer_cases SET escalated_at = ? WHERE id = ?", [iso(now), case_id])

    def alias(self, user_id: int) -> str | None:
        row = self.db.execute("SELECT alias FROM peers WHERE user_id = ?", [user_id]).fetchone()
        return row[0] if row else None

    def set_alias(self, user_id: int, alias: str) -> None:
        self.db.execute(
            "INSERT INTO peers (user_id, alias) VALUES (?, ?) "
            "ON CONFLICT (user_id) DO UPDATE SET alias = excluded.alias",
            [user_id, alias],
        )

    def peers(self) -> list[tuple[int, str]]:
        return [(r[0], r[1]) for r in self.db.execute("SELECT user_id, alias FROM peers")]

    def topics_to_delete(self) -> list[int]:
        return [r[0] for r in self.db.execute("SELECT thread_id FROM peer_topics_to_delete")]

    def topic_deleted(self, thread_id: int) -> None:
        self.db.execute("DELETE FROM peer_topics_to_delete WHERE thread_id = ?", [thread_id])


class PeerDesk:
    """The hand-over: the person's side (``on_private``) and the group's (``on_group``)."""

    def __init__(
        self,
        db: sqlite_utils.Database,
        companion: Companion,
        settings: Settings,
        clock: Clock,
    ) -> None:
        self.cases = Cases(db)
        self.companion = companion
        self.settings = settings
        self.clock = clock
        self._pending: dict[int, tuple[str, float]] = {}  # person id -> (their words, when)

    @property
    def enabled(self) -> bool:
        return self.settings.peer_group_id is not None

    def t(self, language: str, key: str, /, **values: Any) -> str:
        """An interface string; placeholders may be any name ("{language}" too)."""
        return fill(self.companion.content.text(language, key), values)

    def _with_number(self, person: Person, key: str, **values: Any) -> str:
        """An interface string in the person's language, their emergency number filled in."""
        places = self.companion.place_values(person, person.language)
        return self.t(person.language, key, **{**places, **values})

    @property
    def group_language(self) -> str:
        return self.settings.peer_language

    # --- hours ---

    def _hours(self, person: Person) -> tuple[OpeningHours, ZoneInfo, str]:
        area = self.companion.content.areas.get(person.area_id or "")
        expression = (area.peer_hours if area else "") or self.settings.peer_hours
        zone = ZoneInfo(area.timezone) if area else self.settings.zone
        country = area.country if area else None
        return OpeningHours(expression, timezone=zone, country=country), zone, expression

    def in_hours(self, person: Person, at: datetime) -> bool:
        hours, zone, _ = self._hours(person)
        return bool(hours.is_open(at.astimezone(zone).replace(tzinfo=None)))

    def back_at(self, person: Person, at: datetime) -> str:
        """When peers are next in, in the person's words: "09:00", or "Wed 09:00"."""
        hours, zone, _ = self._hours(person)
        local = at.astimezone(zone).replace(tzinfo=None)
        change = hours.next_change(local)
        if change is None:
            return "?"
        clock = change.strftime("%H:%M")
        if change.date() == local.date():
            return clock
        weekday = self.t(person.language, "weekdays").split()[change.weekday()]
        return f"{weekday} {clock}"

    # --- the person's side ---

    async def on_private(self, incoming: Incoming, port: GroupPort) -> list[Reply] | None:
        """The replies if this is the hand-over's business, else None (the companion answers)."""
        if not self.enabled:
            return None
        person = self.companion.people.by_chat(incoming.chat_id)
        if person is not None and person.stopped:
            await self._stopped(person, port)  # out of the bot, out of the case
            return None
        if person is None or person.step != "done":
            return None
        language = person.language
        if incoming.callback is not None:
            kind, _, value = incoming.callback.partition(":")
            if kind != "peer":
                return None
            return await self._on_button(person, value, port)
        text = (incoming.text or "").strip()
        if text.startswith("/"):
            command = text[1:].partition(" ")[0].split("@")[0].lower()
            return await self.request(person, None, port) if command == "peer" else None
        case = self.cases.active_for(person.id)
        understood = incoming.understanding
        if case is None:
            if understood is not None and understood.intent == "talk_to_peer":
                return await self.request(person, text or None, port)
            return None
        # An open case: what they write goes to the peer. Emergencies are answered first.
        if incoming.edited:
            return None
        if incoming.media or incoming.location:
            kind = incoming.media or "location"
            note = self.t(self.group_language, "case_person_media", kind=kind)
            await self._post_or_log(case, note, port)
            return [Reply(self.t(language, "peer_media_not_passed"))]
        if not text:
            return None
        line = self.t(self.group_language, "case_person_says", text=html.escape(_clip(text)))
        if not await self._post_or_log(case, line, port):
            return [Reply(self._with_number(person, "peer_unavailable"))]
        if understood is not None and understood.caution:
            # Close to an emergency: the number, whoever else is reading.
            return [self.companion.caution(person, language)]
        return []

    async def after_emergency(self, incoming: Incoming, port: GroupPort) -> None:
        """After the card went out: if they are talking to a peer, the peer learns of it."""
        person = self.companion.people.by_chat(incoming.chat_id)
        case = self.cases.active_for(person.id) if person is not None else None
        if case is None or not incoming.text:
            return
        text = html.escape(_clip(incoming.text))
        await self._post_or_log(
            case, self.t(self.group_language, "case_person_emergency", text=text), port
        )

    async def _on_button(self, person: Person, value: str, port: GroupPort) -> list[Reply]:
        language = person.language
        if value == "":
            return await self.request(person, None, port)
        if value in ("share", "keep", "anyway"):
            words, _ = self._pending.pop(person.id, ("", 0.0))
            return await self.open(person, words if value == "share" else None, port)
        if value == "cancel":
            self._pending.pop(person.id, None)
            return [self.companion.menu_reply(language)]
        if value == "end":
            case = self.cases.active_for(person.id)
            if case is not None:
                self.cases.close(case.id, self.clock.now())
                note = self.t(self.group_language, "case_ended_by_person")
                await self._post_or_log(case, note, port)
                await self._close_topic(case, port)
            return [self.companion.menu_reply(language, self.t(language, "peer_ended"))]
        return [self.companion.menu_reply(language)]

    async def request(self, person: Person, words: str | None, port: GroupPort) -> list[Reply]:
        """They asked for a person: open a case, after asking what the peer may see."""
        language = person.language
        if self.cases.active_for(person.id) is not None:
            return [Reply(self.t(language, "peer_already_open"))]
        self._forget_stale_pending()
        now = self.clock.now()
        self.companion.outbox.count_reply(person.id, "peer_after", now)  # anonymous stats
        if not self.in_hours(person, now):
            if words:
                self._pending[person.id] = (words, time.monotonic())
            text = self._with_number(person, "peer_out_of_hours", back=self.back_at(person, now))
            buttons = [
                [Button(self.t(language, "button_peer_anyway"), "peer:anyway")],
                [Button(self.t(language, "button_peer_cancel"), "peer:cancel")],
            ]
            helplines = self.companion.contact_cards(person, ("helpline",))
            return [Reply(text, buttons), *helplines]
        if words:
            self._pending[person.id] = (words, time.monotonic())
            return [
                Reply(
                    self.t(language, "peer_share_ask"),
                    [
                        [Button(self.t(language, "button_peer_share"), "peer:share")],
                        [Button(self.t(language, "button_peer_keep"), "peer:keep")],
                        [Button(self.t(language, "button_peer_cancel"), "peer:cancel")],
                    ],
                )
            ]
        return await self.open(person, None, port)

    async def open(self, person: Person, shared: str | None, port: GroupPort) -> list[Reply]:
        language = person.language
        existing = self.cases.active_for(person.id)
        if existing is not None:
            return [Reply(self.t(language, "peer_already_open"))]
        case = self.cases.open(person.id, self.clock.now())
        g = self.group_language
        try:
            thread_id = await port.create_topic(self.t(g, "case_title", case=case.id))
            self.cases.set_thread(case.id, thread_id)
            await port.post(
                thread_id,
                self._card(case, person, shared),
                [
                    [
                        Button(self.t(g, "button_case_claim"), f"case:claim:{case.id}"),
                        Button(self.t(g, "button_case_release"), f"case:release:{case.id}"),
                        Button(self.t(g, "button_case_close"), f"case:close:{case.id}"),
                    ]
                ],
            )
        except Exception:  # noqa: BLE001 - Telegram down or the group misconfigured
            logger.exception("could not open a peer case in the group")
            self.cases.drop(case.id)
            return [Reply(self._with_number(person, "peer_unavailable"))]
        logger.info("peer case %d opened", case.id)
        return [
            Reply(
                self._with_number(person, "peer_opened"),
                [[Button(self.t(language, "button_peer_end"), "peer:end")]],
            )
        ]

    def _card(self, case: Case, person: Person, shared: str | None) -> str:
        g = self.group_language
        area = self.companion.content.areas.get(person.area_id or "")
        today = self.clock.now().astimezone(person.zone).date()
        if person.released_at is not None:
            days = (today - person.released_at.astimezone(person.zone).date()).days
            days_line = self.t(g, "case_days", days=days)
        else:
            days_line = self.t(g, "case_days_unknown")
        answers = {"yes": "button_yes", "no": "button_no"}
        return self.t(
            g,
            "case_card",
            case=case.id,
            language=LANGUAGE_NAMES.get(person.language, person.language),
            area=html.escape(area.name) if area else "?",
            days=days_line,
            ost=self.t(g, answers[person.on_ost]) if person.on_ost in answers else "?",
            housed=self.t(g, answers[person.housed]) if person.housed in answers else "?",
            shared=(
                self.t(g, "case_shared", text=html.escape(shared))
                if shared
                else self.t(g, "case_not_shared")
            ),
        ).strip()

    def _forget_stale_pending(self) -> None:
        cutoff = time.monotonic() - PENDING_SECONDS
        for person_id, (_, since) in list(self._pending.items()):
            if since < cutoff:
                del self._pending[person_id]

    # --- the group's side ---

    async def on_group(self, event: GroupEvent, port: GroupPort) -> str | None:
        """A member's message or tap in the peer group; returns a short answer for a tap."""
        if not self.enabled or event.is_bot:
            return None
        g = self.group_language
        text = (event.text or "").strip()
        if text.startswith("/alias"):
            alias = " ".join(text.split()[1:])[:MAX_ALIAS].strip()
            if alias:
                self.cases.set_alias(event.user_id, alias)
                await self._say(
                    event.thread_id, self.t(g, "case_alias_saved", alias=html.escape(alias)), port
                )
            else:
                await self._say(event.thread_id, self.t(g, "case_need_alias"), port)
            return None
        if event.callback is not None:
            kind, _, rest = event.callback.partition(":")
            action, _, number = rest.partition(":")
            if kind != "case" or not number.isdigit():
                return None
            case = self.cases.get(int(number))
            if case is None or case.thread_id is None:
                return None
            return await self.act(case, action, event.user_id, port)
        if event.thread_id is None:
            return None  # the group's general chat: not for the relay
        case = self.cases.by_thread(event.thread_id)
        if case is None:
            return None  # not a case topic
        if text.startswith("/"):
            command = text[1:].partition(" ")[0].split("@")[0].lower()
            if command in ("claim", "release", "close"):
                answer = await self.act(case, command, event.user_id, port)
                if answer:
                    await self._say(case.thread_id, answer, port)
            return None
        if case.status == "closed":
            await self._say(case.thread_id, self.t(g, "case_is_closed"), port)
            return None
        if event.media or not text:
            await self._say(case.thread_id, self.t(g, "case_only_text"), port)
            return None
        alias = self.cases.alias(event.user_id)
        if alias is None:
            await self._say(case.thread_id, self.t(g, "case_need_alias"), port)
            return None
        person = self.companion.people.by_id(case.person_id)
        if person is None:
            return None
        if person.stopped:
            await self._stopped(person, port)
            return None
        if case.status == "waiting":  # the first answer takes the case
            await self.act(case, "claim", event.user_id, port)
        self.cases.answered(case.id, self.clock.now())
        said = self.t(
            person.language, "peer_says", alias=html.escape(alias), text=html.escape(_clip(text))
        )
        if not await self._to_person(person, said, port):
            self.cases.close(case.id, self.clock.now())
            await self._say(case.thread_id, self.t(g, "case_undelivered"), port)
            await self._close_topic(case, port)
        return None

    async def act(self, case: Case, action: str, user_id: int, port: GroupPort) -> str | None:
        """Claim, hand back or close; the person is told. Returns a note for the peer."""
        g = self.group_language
        if case.status == "closed":
            return self.t(g, "case_is_closed")
        alias = self.cases.alias(user_id)
        if alias is None:
            return self.t(g, "case_need_alias")
        person = self.companion.people.by_id(case.person_id)
        language = person.language if person else "en"
        now = self.clock.now()
        name = html.escape(alias)
        if action == "claim":
            if case.status == "claimed":
                holder = self.cases.alias(case.peer_id or 0) or "?"
                return self.t(g, "case_taken", alias=html.escape(holder))
            self.cases.claim(case.id, user_id)
            await self._say(case.thread_id, self.t(g, "case_claimed", alias=name), port)
            to_person = self.t(language, "peer_picked_up", alias=name)
        elif action == "release":
            self.cases.hand_back(case.id, now)
            await self._say(case.thread_id, self.t(g, "case_released", alias=name), port)
            to_person = self.t(language, "peer_handed_back", alias=name)
        elif action == "close":
            self.cases.close(case.id, now)
            await self._say(case.thread_id, self.t(g, "case_closed_by", alias=name), port)
            await self._close_topic(case, port)
            to_person = self.t(language, "peer_closed", alias=name)
        else:
            return None
        if person is not None:
            await self._to_person(person, to_person, port)
        return None

    # --- jobs ---

    async def escalate(self, port: GroupPort) -> int:
        """Raise cases nobody has answered in time (in peer hours); tell the person honestly."""
        if not self.enabled:
            return 0
        self._forget_stale_pending()  # their words are not kept longer than needed
        now = self.clock.now()
        wait = timedelta(seconds=self.settings.peer_escalate_after)
        raised = 0
        for case in self.cases.waiting(since_before=now - wait):
            person = self.companion.people.by_id(case.person_id)
            if person is None:
                continue
            # Peers had the whole wait in their hours (not a case left overnight).
            started = max(case.waiting_since, now - wait)
            if not (self.in_hours(person, now) and self.in_hours(person, started)):
                continue
            mentions = " ".join(
                f'<a href="tg://user?id={user_id}">{html.escape(alias)}</a>'
                for user_id, alias in self.cases.peers()
            )
            minutes = int((now - case.waiting_since).total_seconds() // 60)
            text = self.t(
                self.group_language, "case_escalated", case=case.id, minutes=minutes,
                mentions=mentions,
            )  # fmt: skip
            if not await self._post_or_log(case, text, port):
                continue
            self.cases.mark_escalated(case.id, now)
            await self._to_person(person, self._with_number(person, "peer_still_waiting"), port)
            raised += 1
        return raised

    async def delete_forgotten_topics(self, port: GroupPort) -> None:
        """Topics of people who used /forget go from the group too."""
        for thread_id in self.cases.topics_to_delete():
            try:
                await port.delete_topic(thread_id)
            except Exception:  # noqa: BLE001 - retried on the next run
                logger.warning("could not delete a forgotten case's topic; will retry")
                continue
            self.cases.topic_deleted(thread_id)

    async def _stopped(self, person: Person, port: GroupPort) -> None:
        """They turned the bot off (/stop): their open case closes, and the peer is told."""
        case = self.cases.active_for(person.id)
        if case is None:
            return
        self.cases.close(case.id, self.clock.now())
        await self._say(case.thread_id, self.t(self.group_language, "case_person_stopped"), port)
        await self._close_topic(case, port)

    # --- sending ---

    async def _post_or_log(self, case: Case, text: str, port: GroupPort) -> bool:
        if case.thread_id is None:
            return False
        try:
            await port.post(case.thread_id, text)
        except Exception:  # noqa: BLE001 - the person's answer must not fail with the group
            logger.exception("could not post to peer case %d", case.id)
            return False
        return True

    async def _say(self, thread_id: int | None, text: str, port: GroupPort) -> None:
        """A note in the group; failing to post it must not stop the relay."""
        try:
            await port.post(thread_id, text)
        except Exception:  # noqa: BLE001
            logger.warning("could not post a note to the peer group")

    async def _close_topic(self, case: Case, port: GroupPort) -> None:
        if case.thread_id is None:
            return
        try:
            await port.close_topic(case.thread_id)
        except Exception:  # noqa: BLE001 - a topic left open is harmless
            logger.warning("could not close the topic of peer case %d", case.id)

    async def _to_person(self, person: Person, text: str, port: GroupPort) -> bool:
        """Send to the person (discreetly if they asked); False if they blocked the bot."""
        try:
            await port.to_person(person.chat_id, self.companion.lock_screen_safe(person, text))
        except Undeliverable:
            return False
        return True


def _clip(text: str, limit: int = 3500) -> str:
    """Room for our own words around theirs within Telegram's 4,096 characters."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
