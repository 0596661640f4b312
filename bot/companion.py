"""The conversation core: decides what first48 says. Adapters (Telegram, terminal) only translate.

Order matters in ``handle``: the emergency detector runs on every text before anything else,
needs nothing but the text, and is answered even if the database is unavailable.
"""

from __future__ import annotations

import logging
import math
import re
import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlite_utils

from bot import areas as area_search
from bot import contact_cards
from bot.checkins import MOODS, QUIET_CHECKIN, Checkins
from bot.clock import Clock
from bot.content import LANGUAGE_NAMES, LANGUAGES, Area, ContentSet, fill
from bot.dates import parse_release_day
from bot.detector import Detection, detect
from bot.directory import Directory, search
from bot.live_content import LiveContent
from bot.nlu import EMERGENCY_INTENTS, Understanding
from bot.outbox import Outbox
from bot.settings import Settings
from bot.store import People, Person, Writes
from bot.timeline import QuietHours

logger = logging.getLogger(__name__)

# Release moment assumed when people give a day but not a time.
ASSUMED_RELEASE_TIME = time(10, 0)
# Country used for the emergency card when we don't know where someone is.
COUNTRY_BY_LANGUAGE = {"en": "GB", "fr": "FR", "de": "DE", "nl": "BE", "pt": "PT"}
ONBOARDING = ("release", "area", "ost", "housed")
COMMANDS = (
    "start",
    "help",
    "overdose",
    "naloxone",
    "contacts",
    "peer",
    "settings",
    "pause",
    "resume",
    "stop",
    "forget",
)
# Intents answered by a peer-written answer (content/*/answers.yml carries the intent name).
ANSWERED = frozenset({
    "naloxone_howto", "find_naloxone", "tolerance_dose", "using_alone", "drug_checking",
    "craving_support", "feeling_low", "talk_to_peer", "admin_help", "find_ost", "find_shelter",
    "help",
})  # fmt: skip
# The contacts route: these answers also offer the local contacts.
CONTACT_INTENTS = frozenset({"find_ost", "find_shelter", "find_naloxone"})
SHARED_LOCATION_KEPT = timedelta(minutes=30)
# The three needs /contacts offers first, and their buttons.
TOP_NEEDS = (
    ("find_ost", "button_ost"),
    ("find_shelter", "button_shelter"),
    ("find_naloxone", "button_naloxone_where"),
)
_DEEP_LINK_RE = re.compile(r"^r(\d{8})(?:_([a-z0-9-]{1,40}))?$")


@dataclass(frozen=True)
class Button:
    label: str
    data: str


@dataclass
class Reply:
    """One message to the person."""

    text: str
    buttons: list[list[Button]] = field(default_factory=list)
    ask_location: str | None = None  # label of a "share location" keyboard button
    remove_keyboard: bool = False
    protect: bool = False
    emergency: bool = False


@dataclass(frozen=True)
class Incoming:
    """Something a person did: typed, tapped, shared or sent."""

    chat_id: int
    text: str | None = None
    callback: str | None = None
    location: tuple[float, float] | None = None
    media: str | None = None  # sticker, photo, voice, video, document, ...
    edited: bool = False
    language_hint: str | None = None  # the phone's language, from Telegram
    understanding: Understanding | None = None  # what the NLU made of the text, if asked


def deep_link_payload(released: date, area_id: str | None) -> str:
    """The /start payload that pre-fills a release day and area (Telegram allows [A-Za-z0-9_-])."""
    payload = f"r{released:%Y%m%d}"
    return f"{payload}_{area_id}" if area_id else payload


def parse_deep_link(payload: str) -> tuple[date | None, str | None]:
    """(release day, area id) from a /start payload; garbage gives (None, None)."""
    match = _DEEP_LINK_RE.match(payload.strip())
    if not match:
        return None, None
    try:
        day = datetime.strptime(match.group(1), "%Y%m%d").date()
    except ValueError:
        return None, None
    return day, match.group(2)


class Companion:
    def __init__(
        self, db: sqlite_utils.Database, content: LiveContent, settings: Settings, clock: Clock
    ) -> None:
        self.people = People(db)
        self.writes = Writes.of(db)
        self.outbox = Outbox(db)
        self.checkins = Checkins(db)
        self.directory = Directory(db)
        # A shared location is kept in memory for a while, for "more" and "other kinds",
        # then forgotten; it is never written to the database.
        self._shared: dict[int, tuple[float, float, datetime]] = {}
        # Kinds asked for before we knew where the person is: shown once they tell us.
        self._waiting: dict[int, tuple[str, ...]] = {}
        self.live = content
        self.settings = settings
        self.clock = clock
        self.quiet = QuietHours(settings.quiet_start, settings.quiet_end)

    @property
    def content(self) -> ContentSet:
        return self.live.current

    # --- entry point ---

    def handle(self, incoming: Incoming) -> list[Reply]:
        """Everything a person does comes through here; the answer is never empty."""
        try:
            person = self.people.by_chat(incoming.chat_id)
        except sqlite3.Error as exc:
            self._database_failed(exc)
            person = None
            database_ok = False
        else:
            database_ok = True
            # While writes fail each one waits for the lock: the card must not wait for this.
            if person is not None and self.writes.problem is None:
                try:
                    self.checkins.seen(person.id, self.clock.now())  # for the quiet check-in
                except sqlite3.Error as exc:
                    self._database_failed(exc)
        language = self._speaks(person, incoming)
        if incoming.understanding is not None:  # the NLU ran the detector already
            detection = incoming.understanding.detection
        else:
            detection = detect(incoming.text, prefer=language) if incoming.text else None
        if detection:
            # The card is the answer; don't also treat the words as an onboarding answer.
            cards = self.emergency(person, detection)
            return cards + ([self.menu_reply(person.language)] if person else [])
        if not database_ok:
            return [self.fallback_reply(incoming)]
        try:
            replies = self._route(incoming, person)
        except sqlite3.Error as exc:
            self._database_failed(exc)
            replies = [self.fallback_reply(incoming)]
        return replies or [self.menu_reply(language)]

    def _database_failed(self, error: sqlite3.Error) -> None:
        if isinstance(error, sqlite3.OperationalError):  # full, locked, I/O: the operator's
            self.writes.failed(error)
        else:  # a bug
            logger.exception("database error while answering")

    def fallback_reply(self, incoming: Incoming) -> Reply:
        """What to say when something broke: sorry, and the way to the emergency card."""
        language = self.language_of(incoming)
        return Reply(self.content.text(language, "error_try_again"), self.menu_buttons(language))

    def _route(self, incoming: Incoming, person: Person | None) -> list[Reply]:
        if incoming.callback is not None:
            return self.on_button(incoming, person, incoming.callback)
        text = (incoming.text or "").strip()
        if text.startswith("/"):
            command, _, args = text[1:].partition(" ")
            command = command.split("@")[0].lower()
            return self.on_command(incoming, person, command, args.strip())
        if incoming.location is not None:
            return self.on_location(person, *incoming.location)
        if incoming.media or incoming.edited:
            language = self._speaks(person, incoming)
            key = "edited_message" if incoming.edited else "media_received"
            return [Reply(self.content.text(language, key), self.menu_buttons(language))]
        if person is None or person.stopped:
            understood = incoming.understanding
            if understood is not None and understood.intent in ANSWERED:
                language = self._speaks(person, incoming)
                answer = self.content_reply(None, self._answer_id(understood.intent), language)
                return [answer, *self.welcome(incoming, person)]
            return self.welcome(incoming, person)
        return self.on_text(person, text, incoming.understanding)

    # --- emergencies ---

    def emergency(self, person: Person | None, detection: Detection) -> list[Reply]:
        """The overdose and/or crisis card, in the language the person just wrote in."""
        logger.info(
            "emergency card sent (overdose=%s crisis=%s pattern=%s)",
            detection.overdose,
            detection.crisis,
            detection.phrase,
        )
        cards = []
        if detection.overdose:
            cards.append(self.card("overdose-card", detection.language, person))
        if detection.crisis:
            cards.append(self.card("crisis-card", detection.language, person))
        return cards

    def card(self, card_id: str, language: str, person: Person | None) -> Reply:
        message = self.content.message(card_id, language)
        assert message is not None, "content checks guarantee the cards exist"
        values = self.place_values(person, language)
        buttons = [[Button(self.content.text(language, "button_naloxone_howto"), "naloxone")]]
        return Reply(fill(message.body, values), buttons, emergency=True)

    def place_values(self, person: Person | None, language: str) -> dict[str, str]:
        """Placeholder values: from the person's town, else their language's country."""
        area = self.content.areas.get(person.area_id) if person and person.area_id else None
        code = area.country if area else COUNTRY_BY_LANGUAGE.get(language, "GB")
        countries = self.content.countries
        country = countries.get(code) or next(iter(countries.values()))
        crisis_line, crisis_name = country.crisis(language)
        return {
            "emergency_number": country.emergency_number,
            "crisis_line": crisis_line,
            "crisis_line_name": crisis_name,
            "helpline": country.helpline or crisis_line,
            "helpline_name": country.helpline_name or crisis_name,
            "area": area.name if area else self.content.text(language, "your_area"),
        }

    # --- onboarding ---

    def welcome(self, incoming: Incoming, person: Person | None, payload: str = "") -> list[Reply]:
        """Privacy note and consent; tapping a language agrees and starts. Nothing stored yet."""
        language = self._speaks(person, incoming)
        day, area_id = parse_deep_link(payload) if payload else (None, None)
        if area_id and area_id not in self.content.areas:
            area_id = None
        suffix = ""
        if day:
            suffix = f":{day:%Y%m%d}" + (f":{area_id}" if area_id else "")
        buttons = [
            [Button(LANGUAGE_NAMES[code], f"start:{code}{suffix}") for code in LANGUAGES[:3]],
            [Button(LANGUAGE_NAMES[code], f"start:{code}{suffix}") for code in LANGUAGES[3:]],
            [Button(self.content.text(language, "button_no_thanks"), "decline")],
        ]
        return [Reply(self.content.text(language, "welcome"), buttons)]

    def begin(
        self, incoming: Incoming, language: str, day: date | None, area_id: str | None
    ) -> list[Reply]:
        """Consent given: create the person, then ask what the deep link didn't pre-fill."""
        now = self.clock.now()
        person = self.people.create(incoming.chat_id, language, self.settings.timezone, now)
        area = self.content.areas.get(area_id) if area_id else None
        if area:
            self.people.update(person.id, area_id=area.id, timezone=area.timezone)
        replies = [Reply(self.content.text(language, "consent_thanks"))]
        if day:
            person = self._reload(person)
            replies += self.set_release(person, day, onboarding=True)
            return replies
        return replies + [self.ask_release(language)]

    def ask_release(self, language: str) -> Reply:
        t = self.content.text
        return Reply(
            t(language, "ask_release"),
            [
                [
                    Button(t(language, "button_today"), "rel:today"),
                    Button(t(language, "button_yesterday"), "rel:yesterday"),
                    Button(t(language, "button_another_day"), "rel:other"),
                ]
            ],
        )

    def ask_area(self, language: str) -> Reply:
        t = self.content.text
        return Reply(
            t(language, "ask_area"),
            [[Button(t(language, "button_skip"), "area:skip")]],
            ask_location=t(language, "button_share_location"),
        )

    def ask_fact(self, language: str, fact: str) -> Reply:
        t = self.content.text
        return Reply(
            t(language, f"ask_{fact}"),
            [
                [
                    Button(t(language, "button_yes"), f"{fact}:yes"),
                    Button(t(language, "button_no"), f"{fact}:no"),
                    Button(t(language, "button_skip"), f"{fact}:skip"),
                ]
            ],
        )

    def next_step(self, person: Person) -> list[Reply]:
        """Move past the question just answered: ask the next one, or finish."""
        language = person.language
        if person.released_at is None:
            self.people.update(person.id, step="release")
            return [self.ask_release(language)]
        current = ONBOARDING.index(person.step) if person.step in ONBOARDING else -1
        for step in ONBOARDING[current + 1 :]:
            if step == "area" and person.area_id:
                continue  # pre-filled by a deep link
            self.people.update(person.id, step=step)
            if step == "area":
                return [self.ask_area(language)]
            return [self.ask_fact(language, step)]
        self.people.update(person.id, step="done")
        return [Reply(self.content.text(language, "onboarding_done"), self.menu_buttons(language))]

    def set_release(self, person: Person, day: date, onboarding: bool) -> list[Reply]:
        now = self.clock.now()
        today = now.astimezone(person.zone).date()
        if day == today:
            released_at = now
        else:
            released_at = datetime.combine(day, ASSUMED_RELEASE_TIME, tzinfo=person.zone)
        self.people.update(person.id, released_at=released_at)
        person = self._reload(person)
        result = self.outbox.plan(person, self.content, self.quiet, now, catch_up=True)
        logger.info("timeline planned: %d upcoming, %d skipped", result.planned, result.skipped)
        local = released_at.astimezone(person.zone)
        said = self.content.text(
            person.language, "release_saved", date=self._format_day(local.date(), person.language)
        )
        replies = [Reply(said)]
        if onboarding:
            replies += self.next_step(person)
        else:
            self.people.update(person.id, step="done")
        return replies

    def set_area(self, person: Person, area_id: str | None, onboarding: bool) -> list[Reply]:
        language = person.language
        if area_id is None:
            text = self.content.text(language, "area_unknown")
            self.people.update(person.id, area_id=None)
        else:
            area = self.content.areas[area_id]
            self.people.update(person.id, area_id=area.id, timezone=area.timezone)
            text = self.content.text(language, "area_saved", area=area.name)
        person = self._reload(person)
        self.replan(person)
        replies = [Reply(text, remove_keyboard=True)]
        if onboarding:
            return replies + self.next_step(person)
        self.people.update(person.id, step="done")
        waiting = self._waiting.pop(person.chat_id, None)
        if waiting is not None and (area_id or self._near(person)):
            return replies + self.contact_cards(person, waiting)
        return replies + [self.menu_reply(language)]

    def replan(self, person: Person, catch_up: bool = False) -> None:
        if person.released_at is not None:
            self.outbox.plan(person, self.content, self.quiet, self.clock.now(), catch_up=catch_up)

    # --- buttons ---

    def on_button(self, incoming: Incoming, person: Person | None, data: str) -> list[Reply]:
        kind, _, value = data.partition(":")
        if kind == "start":
            parts = value.split(":")
            language = parts[0] if parts[0] in LANGUAGES else "en"
            day, area_id = (
                parse_deep_link(f"r{parts[1]}" + (f"_{parts[2]}" if len(parts) > 2 else ""))
                if len(parts) > 1
                else (None, None)
            )
            if person is not None and not person.stopped:
                return [self.content_reply(person, "help")]
            return self.begin(incoming, language, day, area_id)
        if kind == "decline":
            language = self._speaks(person, incoming)
            return [
                Reply(
                    fill(self.content.text(language, "declined"), self.place_values(None, language))
                )
            ]
        if kind in ("overdose", "crisis"):
            language = self._speaks(person, incoming)
            return [self.card(f"{kind}-card", language, person)]
        if person is None or person.stopped:
            return self.welcome(incoming, person)
        language = person.language
        if kind == "rel" and value == "other":
            return [Reply(self.content.text(language, "ask_other_day"))]  # the typed answer sets it
        if kind == "rel" and value in ("today", "yesterday"):
            today = self.clock.now().astimezone(person.zone).date()
            day = today if value == "today" else today - timedelta(days=1)
            return self.set_release(person, day, onboarding=person.step in ONBOARDING)
        if kind == "area" and value == "skip":
            return self.set_area(person, None, onboarding=person.step in ONBOARDING)
        if kind in ("ost", "housed") and value in ("yes", "no", "skip"):
            return self.set_fact(person, "on_ost" if kind == "ost" else "housed", value)
        if kind in ("naloxone", "contacts", "help", "peer", "menu", "settings", "pause", "resume"):
            return self.on_command(incoming, person, kind, "")
        if kind == "ans" and self.content.message(value, language):
            return [self.content_reply(person, value)]
        if kind == "c":
            return self.on_contacts_button(person, value)
        if kind == "mood":
            return self.on_mood(person, value)
        if kind == "set":
            return self.on_setting(person, value)
        if kind == "confirm":
            return self.on_confirm(incoming, person, value)
        if kind == "lang" and value in LANGUAGES:
            self.people.update(person.id, language=value)
            return [self.menu_reply(value, self.content.text(value, "language_saved"))]
        if kind == "forget":
            if value == "yes":
                self.people.forget(incoming.chat_id)
                logger.info("a person deleted their data")
                return [Reply(self.content.text(language, "forget_done"), remove_keyboard=True)]
            return [self.menu_reply(language, self.content.text(language, "forget_cancelled"))]
        # Unknown or forged button data: a helpful menu, never an error.
        return [self.menu_reply(language)]

    def on_mood(self, person: Person, value: str) -> list[Reply]:
        """👍 / 😐 / 👎 on a check-in: counted per message, never per person."""
        message_id, _, mood = value.rpartition(":")
        if mood not in MOODS or self.content.message(message_id, person.language) is None:
            return [self.menu_reply(person.language)]
        self.checkins.record(person.id, message_id, mood)
        language = person.language
        t = self.content.text
        if mood == "up":
            return [self.menu_reply(language, t(language, "checkin_up"))]
        if mood == "down":
            # The peer-written answer for how they said they feel, and a person to talk to.
            answer = self.content_reply(person, self._answer_id("feeling_low"))
            answer.buttons = [
                [Button(t(language, "button_peer"), "peer"), self._menu_button(language)]
            ]
            return [Reply(t(language, "checkin_down")), answer]
        # 😐: what others found most useful.
        used = [m for m in self.checkins.most_used(6) if self.content.message(m, language)]
        for fallback in ("cravings", "feeling-low", "peer", "not-alone"):
            if fallback not in used and self.content.message(fallback, language):
                used.append(fallback)
        buttons = [[Button(self._answer_label(m, language), f"ans:{m}")] for m in used[:3]]
        return [Reply(t(language, "checkin_mid"), [*buttons, [self._menu_button(language)]])]

    def _answer_label(self, message_id: str, language: str) -> str:
        """A button label for an answer: its first line, without markup, kept short."""
        message = self.content.message(message_id, language)
        first = re.sub(r"<[^>]+>", "", message.body if message else message_id).splitlines()[0]
        return first if len(first) <= 40 else first[:39].rstrip() + "…"

    def delete_expired(self) -> int:
        """Retention: forget everyone whose last timeline message (and last word to us) is
        older than the retention time; nothing of them stays but anonymous counts."""
        before = self.clock.now() - timedelta(days=self.settings.retention_days)
        expired = self.people.expired(before)
        for chat_id in expired:
            self.people.forget(chat_id)
        if expired:
            logger.info("retention: %d people deleted", len(expired))
        return len(expired)

    def plan_quiet_checkins(self) -> int:
        """One gentle check-in for people who went quiet in their first two weeks."""
        if self.content.message(QUIET_CHECKIN, "en") is None:
            return 0
        now = self.clock.now()
        planned = 0
        for person_id in self.checkins.gone_quiet(now):
            person = self.people.by_id(person_id)
            if person is None:
                continue
            self.checkins.plan_quiet(person.id, self.quiet.release(now, person.zone), now)
            planned += 1
        return planned

    def on_confirm(self, incoming: Incoming, person: Person, value: str) -> list[Reply]:
        """A "yes" to a change the NLU proposed."""
        what, _, detail = value.partition(":")
        if what == "stop":
            return self.on_command(incoming, person, "stop", "")
        if what == "release":
            try:
                day = datetime.strptime(detail, "%Y%m%d").date()
            except ValueError:
                return [self.menu_reply(person.language)]
            return self.set_release(person, day, onboarding=False)
        if what == "area" and detail in self.content.areas:
            return self.set_area(person, detail, onboarding=False)
        return [self.menu_reply(person.language)]

    def set_fact(self, person: Person, fact: str, value: str) -> list[Reply]:
        stored = "unknown" if value == "skip" else value
        self.people.update(person.id, **{fact: stored})
        person = self._reload(person)
        self.replan(person)
        if person.step == "done":
            return [self.menu_reply(person.language, self.content.text(person.language, "saved"))]
        key = {"yes": "ack_yes", "no": "ack_no", "skip": "ack_skip"}[value]
        return [Reply(self.content.text(person.language, f"{fact}_{key}"))] + self.next_step(person)

    def on_setting(self, person: Person, value: str) -> list[Reply]:
        language = person.language
        t = self.content.text
        if value == "release":
            self.people.update(person.id, step="set_release")
            return [self.ask_release(language)]
        if value == "area":
            self.people.update(person.id, step="set_area")
            return [self.ask_area(language)]
        if value == "lang":
            return [
                Reply(
                    t(language, "ask_language"),
                    [
                        [Button(LANGUAGE_NAMES[c], f"lang:{c}") for c in LANGUAGES[:3]],
                        [Button(LANGUAGE_NAMES[c], f"lang:{c}") for c in LANGUAGES[3:]],
                    ],
                )
            ]
        if value == "discreet":
            self.people.update(person.id, discreet=not person.discreet)
            key = "discreet_off" if person.discreet else "discreet_on"
            return [self.menu_reply(language, t(language, key))]
        return self.settings_menu(person)

    # --- commands ---

    def on_command(
        self, incoming: Incoming, person: Person | None, command: str, args: str
    ) -> list[Reply]:
        if command == "start":
            if person is not None and not person.stopped and person.step == "done":
                return [
                    self.menu_reply(
                        person.language, self.content.text(person.language, "welcome_back")
                    )
                ]
            if person is not None and not person.stopped:
                return self.next_step(person)
            return self.welcome(incoming, person, args)
        if command == "overdose":
            language = self._speaks(person, incoming)
            return [self.card("overdose-card", language, person)]
        if person is None or person.stopped:
            if command == "help":
                return [self.content_reply(None, "help", self._speaks(person, incoming))]
            if command == "naloxone":
                return [self.content_reply(None, "naloxone-howto", self._speaks(person, incoming))]
            if command == "forget":
                self.people.forget(incoming.chat_id)
                return [Reply(self.content.text(self._speaks(person, incoming), "forget_done"))]
            return self.welcome(incoming, person)
        language = person.language
        t = self.content.text
        match command:
            case "help":
                return [self.content_reply(person, "help")]
            case "menu":
                return [self.menu_reply(language)]
            case "naloxone":
                return [self.content_reply(person, "naloxone-howto")]
            case "peer":
                return [self.content_reply(person, "peer")]
            case "contacts":
                return self.contacts_menu(person)
            case "settings":
                return self.settings_menu(person)
            case "pause":
                self.people.update(person.id, paused=True)
                return [
                    Reply(t(language, "paused"), [[Button(t(language, "button_resume"), "resume")]])
                ]
            case "resume":
                now = self.clock.now()
                # Whatever fell due while paused is skipped, not sent in a burst.
                self.outbox.skip_pending(person.id, "paused", now, before=now)
                self.people.update(person.id, paused=False)
                return [self.menu_reply(language, t(language, "resumed"))]
            case "stop":
                self.outbox.count_reply(person.id, "stop_after", self.clock.now())
                self.people.update(person.id, stopped=True)
                self.outbox.skip_pending(person.id, "stopped", self.clock.now())
                return [Reply(t(language, "stopped"), remove_keyboard=True)]
            case "forget":
                return [
                    Reply(
                        t(language, "forget_confirm"),
                        [
                            [
                                Button(t(language, "button_forget_yes"), "forget:yes"),
                                Button(t(language, "button_forget_no"), "forget:no"),
                            ]
                        ],
                    )
                ]
        return [self.menu_reply(language, t(language, "unknown_command"))]

    def settings_menu(self, person: Person) -> list[Reply]:
        language = person.language
        t = self.content.text
        discreet = t(language, "button_discreet_on" if person.discreet else "button_discreet_off")
        return [
            Reply(
                t(language, "settings"),
                [
                    [
                        Button(t(language, "button_set_release"), "set:release"),
                        Button(t(language, "button_set_area"), "set:area"),
                    ],
                    [
                        Button(t(language, "button_set_language"), "set:lang"),
                        Button(discreet, "set:discreet"),
                    ],
                ],
            )
        ]

    # --- free text and locations ---

    def on_text(
        self, person: Person, text: str, understood: Understanding | None = None
    ) -> list[Reply]:
        """Typed text: an answer to the question we asked, else whatever the NLU understood."""
        language = person.language
        t = self.content.text
        if person.step in ("release", "set_release"):
            today = self.clock.now().astimezone(person.zone).date()
            day = parse_release_day(text, today, language)
            if day is not None:
                return self.set_release(person, day, onboarding=person.step == "release")
            again = Reply(t(language, "release_not_understood"), self.ask_release(language).buttons)
            return self._side_answer(person, understood) + [again]
        if person.step in ("area", "set_area"):
            if text.lower() == t(language, "button_skip").lower():
                return self.set_area(person, None, onboarding=person.step == "area")
            area = area_search.find_by_name(
                understood and understood.entity("place") or text, self.content.areas.values()
            )
            if area is not None:
                return self.set_area(person, area.id, onboarding=person.step == "area")
            skip = [[Button(t(language, "button_skip"), "area:skip")]]
            return self._side_answer(person, understood) + [
                Reply(t(language, "area_not_found"), skip)
            ]
        if person.step in ("ost", "housed"):
            labels = {t(language, f"button_{v}").lower(): v for v in ("yes", "no", "skip")}
            answer = labels.get(text.lower()) or _yes_no(text)
            if answer:
                return self.set_fact(person, "on_ost" if person.step == "ost" else "housed", answer)
            return self._side_answer(person, understood) + [self.ask_fact(language, person.step)]
        if understood is None:
            return [self.menu_reply(language, t(language, "free_text"))]
        return self.on_understood(person, understood)

    def _side_answer(self, person: Person, understood: Understanding | None) -> list[Reply]:
        """During onboarding, answer a real question before asking ours again."""
        if understood is None or understood.intent not in ANSWERED | {
            "stop_messages",
            "delete_data",
        }:
            return []
        return self.on_understood(person, understood)

    def on_understood(self, person: Person, understood: Understanding) -> list[Reply]:
        """Every intent leads somewhere useful; a near-emergency also gets the number."""
        replies = self._answer(person, understood)
        if understood.caution and understood.intent not in EMERGENCY_INTENTS:
            replies.append(self.caution(person, person.language))
        return replies

    def caution(self, person: Person | None, language: str) -> Reply:
        """One line with the emergency number, and the two cards a tap away."""
        t = self.content.text
        return Reply(
            fill(t(language, "caution_line"), self.place_values(person, language)),
            [
                [
                    Button(t(language, "button_overdose"), "overdose"),
                    Button(t(language, "button_crisis"), "crisis"),
                ]
            ],
        )

    def _answer(self, person: Person, understood: Understanding) -> list[Reply]:
        language = person.language
        t = self.content.text
        intent = understood.intent
        if intent == "overdose_emergency":
            return [self.card("overdose-card", understood.lang, person)]
        if intent == "crisis_self_harm":
            return [self.card("crisis-card", understood.lang, person)]
        if intent in ANSWERED:
            reply = self.content_reply(person, self._answer_id(intent))
            if intent in CONTACT_INTENTS:
                reply.buttons = [[Button(t(language, "button_menu"), "menu")]]
                kinds = tuple(k.id for k in self.content.kinds.values() if intent in k.intents)
                named = understood.entity("place")
                elsewhere = (
                    area_search.find_by_name(named, self.content.areas.values()) if named else None
                )
                return [reply, *self.contact_cards(person, kinds, elsewhere=elsewhere)]
            return [reply]
        if intent == "set_release_date":
            return self.propose_release(person, understood.entity("release_day") or understood.text)
        if intent == "set_location":
            return self.propose_area(person, understood.entity("place") or understood.text)
        if intent == "stop_messages":
            # Never silently: a stray "stop" in a sentence must not unsubscribe anyone.
            return [
                Reply(
                    t(language, "confirm_stop"),
                    [
                        [
                            Button(t(language, "button_stop_yes"), "confirm:stop"),
                            Button(t(language, "button_stop_no"), "menu"),
                        ]
                    ],
                )
            ]
        if intent == "delete_data":
            return self.on_command(Incoming(person.chat_id), person, "forget", "")
        if intent == "greet":
            return [self.menu_reply(language, t(language, "greet_reply"))]
        if intent == "thanks":
            return [self.menu_reply(language, t(language, "thanks_reply"))]
        return [self.menu_reply(language, t(language, "free_text"))]

    def propose_release(self, person: Person, said: str) -> list[Reply]:
        """Ask before changing the release day; without a day we can read, ask for one."""
        today = self.clock.now().astimezone(person.zone).date()
        day = parse_release_day(said, today, person.language)
        t = self.content.text
        if day is None:
            self.people.update(person.id, step="set_release")
            return [self.ask_release(person.language)]
        shown = self._format_day(day, person.language)
        return [
            Reply(
                t(person.language, "confirm_release", date=shown),
                [
                    [
                        Button(t(person.language, "button_yes"), f"confirm:release:{day:%Y%m%d}"),
                        Button(t(person.language, "button_no"), "menu"),
                    ]
                ],
            )
        ]

    def propose_area(self, person: Person, said: str) -> list[Reply]:
        """Ask before changing the town; an unknown place asks for the town again."""
        area = area_search.find_by_name(said, self.content.areas.values())
        t = self.content.text
        if area is None:
            self.people.update(person.id, step="set_area")
            return [self.ask_area(person.language)]
        return [
            Reply(
                t(person.language, "confirm_area", area=area.name),
                [
                    [
                        Button(t(person.language, "button_yes"), f"confirm:area:{area.id}"),
                        Button(t(person.language, "button_no"), "menu"),
                    ]
                ],
            )
        ]

    def _answer_id(self, intent: str) -> str:
        message = self.content.answer_for(intent, "en")
        return message.id if message else "help"

    def on_location(self, person: Person | None, lat: float, lon: float) -> list[Reply]:
        if person is None or person.stopped:
            return [Reply(self.content.text("en", "location_not_needed"))]
        if not (
            math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180
        ):  # a forged update: not a place on Earth; ask again, change nothing
            if person.step in ONBOARDING:
                return [self.ask_area(person.language)]
            return [self.menu_reply(person.language)]
        # The coordinates are used here and kept in memory for a while (for "more"), never
        # stored: only the matched area is.
        area = area_search.nearest(lat, lon, self.content.areas.values())
        if person.step not in ONBOARDING:
            self._shared[person.chat_id] = (lat, lon, self.clock.now())
        return self.set_area(person, area.id if area else None, person.step in ONBOARDING)

    # --- local contacts ---

    def contacts_menu(self, person: Person, every_kind: bool = False) -> list[Reply]:
        """What do you need? A script, a bed, naloxone; or every kind the directory knows."""
        language = person.language
        t = self.content.text
        area = self.content.areas.get(person.area_id) if person.area_id else None
        if area is None and self._near(person) is None:
            self._waiting[person.chat_id] = ()
            return self._ask_where(person)
        kinds = self.content.kinds
        if every_kind:
            labels = [(f"{k.emoji} {k.name(language)}", f"c:{k.id}") for k in kinds.values()]
        else:
            labels = [
                (
                    t(language, label),
                    "c:" + ",".join(k.id for k in kinds.values() if intent in k.intents),
                )
                for intent, label in TOP_NEEDS
            ]
            labels.append((t(language, "button_other_kind"), "c:*"))
        rows = [
            [Button(label, data) for label, data in labels[i : i + 2]]
            for i in range(0, len(labels), 2)
        ]
        place = area.name if area else t(language, "your_area")
        return [Reply(t(language, "contacts_choose", area=place), rows)]

    def on_contacts_button(self, person: Person, value: str) -> list[Reply]:
        """``c:`` the menu; ``c:*`` every kind; ``c:KIND[,KIND][:OFFSET[:AREA]]`` cards."""
        kinds_part, _, rest = value.partition(":")
        offset_part, _, area_id = rest.partition(":")
        if kinds_part == "*":
            return self.contacts_menu(person, every_kind=True)
        kinds = tuple(k for k in kinds_part.split(",") if k in self.content.kinds)
        if not kinds:
            return self.contacts_menu(person)
        offset = int(offset_part) if offset_part.isdigit() else 0
        return self.contact_cards(person, kinds, offset, self.content.areas.get(area_id))

    def contact_cards(
        self,
        person: Person,
        kinds: tuple[str, ...],
        offset: int = 0,
        elsewhere: Area | None = None,
    ) -> list[Reply]:
        """The best matches as short cards, with "more" and "something else".

        Near a location shared in the last 30 minutes; else in ``elsewhere`` (a town named in
        the question: "a bed in Brussels"); else in the person's town.
        """
        language = person.language
        t = self.content.text
        near = None if elsewhere else self._near(person)
        area = elsewhere or (self.content.areas.get(person.area_id) if person.area_id else None)
        if area is None and near is None:
            self._waiting[person.chat_id] = kinds
            return self._ask_where(person)
        if not kinds:
            return self.contacts_menu(person)
        result = search(
            self.directory, self.content, area=None if near else area, near=near, kinds=kinds,
            at=self.clock.now(),
        )  # fmt: skip
        names = self._kinds_name(kinds, language)
        place = area.name if area else t(language, "your_area")
        values = {**self.place_values(person, language), "kind": names, "place": place}
        page = result.matches[offset : offset + contact_cards.PAGE]
        buttons = [[Button(t(language, "button_other_kind"), "c:*"), self._menu_button(language)]]
        if not result.matches:
            text = fill(t(language, "contacts_none"), values)
            return [Reply(text, buttons)]
        if not page:
            return [Reply(fill(t(language, "contacts_no_more"), values), buttons)]
        if offset + contact_cards.PAGE < len(result.matches):
            more = f"c:{','.join(kinds)}:{offset + contact_cards.PAGE}"
            if elsewhere is not None:
                more += f":{elsewhere.id}"
            buttons.insert(0, [Button(t(language, "button_more"), more)])
        text = contact_cards.page_text(
            page,
            self.content,
            language,
            header=fill(t(language, "contacts_header"), values),
            weekend_gap=result.weekend_gap and offset == 0,
            out_of_hours=result.out_of_hours,
        )
        # Names of drug services on a lock screen could hurt.
        return [self.lock_screen_safe(person, text, buttons)]

    def _kinds_name(self, kinds: tuple[str, ...], language: str) -> str:
        """ "Script / OST" for the OST kinds together; else the kinds' own names."""
        for intent, label in TOP_NEEDS:
            group = tuple(k.id for k in self.content.kinds.values() if intent in k.intents)
            if len(group) > 1 and set(group) == set(kinds):
                return self.content.text(language, label).split(" ", 1)[-1]
        return " / ".join(self.content.kinds[k].name(language) for k in kinds)

    def _near(self, person: Person) -> tuple[float, float] | None:
        shared = self._shared.get(person.chat_id)
        if shared is None:
            return None
        lat, lon, at = shared
        if self.clock.now() - at > SHARED_LOCATION_KEPT:
            del self._shared[person.chat_id]
            return None
        return lat, lon

    def _ask_where(self, person: Person) -> list[Reply]:
        t = self.content.text
        language = person.language
        self.people.update(person.id, step="set_area")
        return [
            Reply(
                t(language, "contacts_where"),
                ask_location=t(language, "button_share_location"),
            )
        ]

    def _menu_button(self, language: str) -> Button:
        return Button(self.content.text(language, "button_menu"), "menu")

    # --- rendering ---

    def content_reply(
        self, person: Person | None, message_id: str, language: str | None = None
    ) -> Reply:
        language = language or (person.language if person else "en")
        if message_id == "peer" and person is not None:  # by button, /peer or in their words
            self.outbox.count_reply(person.id, "peer_after", self.clock.now())
        message = self.content.message(message_id, language)
        if message is None:
            return self.menu_reply(language)
        if message.when is None and message_id not in ("help", QUIET_CHECKIN):
            try:
                self.checkins.used(message_id)  # anonymous: "what helped others"
            except sqlite3.Error:
                logger.exception("could not count an answer")
        text = fill(message.body, self.place_values(person, language))
        buttons = self._content_buttons(message.buttons, language) or self.menu_buttons(language)
        return Reply(text, buttons)

    def render_reminder(self, person: Person, message_id: str) -> Reply | None:
        """A timeline message as the person will see it; None if it no longer exists."""
        message = self.content.message(message_id, person.language)
        if message is None:
            return None
        language = person.language
        body = fill(message.body, self.place_values(person, language))
        body += f"\n\n<i>✍️ {self.content.text(language, 'written_by', author=message.author)}</i>"
        buttons = self._content_buttons(message.buttons, language)
        if "checkin" in message.buttons:
            buttons.insert(
                0,
                [
                    Button(self.content.text(language, f"button_mood_{mood}"),
                           f"mood:{message_id}:{mood}")
                    for mood in MOODS
                ],
            )  # fmt: skip
        return self.lock_screen_safe(person, body, buttons)

    def lock_screen_safe(
        self, person: Person, text: str, buttons: list[list[Button]] | None = None
    ) -> Reply:
        """In discreet mode (the default) the lock screen shows only a neutral line: the rest
        is spoiler text, hidden in notifications, and protect_content stops forwarding."""
        if not person.discreet:
            return Reply(text, buttons or [])
        line = self.content.text(person.language, "discreet_line")
        return Reply(f"{line}\n\n<tg-spoiler>{text}</tg-spoiler>", buttons or [], protect=True)

    def _content_buttons(self, keys: tuple[str, ...], language: str) -> list[list[Button]]:
        labels = {
            "overdose": "button_overdose",
            "naloxone": "button_naloxone",
            "contacts": "button_contacts",
            "peer": "button_peer",
            "menu": "button_menu",
        }
        row = [
            Button(self.content.text(language, labels[key]), key) for key in keys if key in labels
        ]
        return [row] if row else []

    def menu_buttons(self, language: str) -> list[list[Button]]:
        t = self.content.text
        return [
            [
                Button(t(language, "button_overdose"), "overdose"),
                Button(t(language, "button_naloxone"), "naloxone"),
            ],
            [
                Button(t(language, "button_contacts"), "contacts"),
                Button(t(language, "button_peer"), "peer"),
            ],
            [
                Button(t(language, "button_settings"), "settings"),
                Button(t(language, "button_help"), "help"),
            ],
        ]

    def menu_reply(self, language: str, text: str | None = None) -> Reply:
        return Reply(text or self.content.text(language, "menu"), self.menu_buttons(language))

    # --- helpers ---

    def _reload(self, person: Person) -> Person:
        fresh = self.people.by_id(person.id)
        assert fresh is not None
        return fresh

    def language_of(self, incoming: Incoming) -> str:
        """The person's chosen language, else their phone's, else English (reads the database)."""
        try:
            person = self.people.by_chat(incoming.chat_id)
        except sqlite3.Error:
            person = None
        return self._speaks(person, incoming)

    @staticmethod
    def _speaks(person: Person | None, incoming: Incoming) -> str:
        """The person's chosen language, else their phone's, else English."""
        if person is not None:
            return person.language
        hint = (incoming.language_hint or "en").split("-")[0].lower()
        return hint if hint in LANGUAGES else "en"

    def _format_day(self, day: date, language: str) -> str:
        weekday = self.content.text(language, "weekdays").split()[day.weekday()]
        return f"{weekday} {day.day}/{day.month}"


def _yes_no(text: str) -> str | None:
    words = set(re.findall(r"\w+", text.lower()))
    if words & {"yes", "yeah", "yep", "ya", "y", "oui", "ja", "sim", "si", "jup", "yup"}:
        return "yes"
    if words & {"no", "nope", "nah", "n", "non", "nein", "nee", "nao", "não"}:
        return "no"
    if words & {"skip", "passer", "weiter", "overslaan", "saltar"}:
        return "skip"
    return None
