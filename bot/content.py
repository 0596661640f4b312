"""The content store: peer-written messages, interface strings, countries and areas.

Content is read from YAML files (format in content/README.md), validated, and reported as
``file:line: message``. A broken set is never loaded: the last good set stays live.
"""

from __future__ import annotations

import hashlib
import html
import logging
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import textstat
import yaml

logger = logging.getLogger(__name__)

SOURCE_LANGUAGE = "en"
LANGUAGES = ("en", "fr", "de", "nl", "pt")
LANGUAGE_NAMES = {
    "en": "English",
    "fr": "Français",
    "de": "Deutsch",
    "nl": "Nederlands",
    "pt": "Português",
}
PRIORITIES = ("critical", "high", "normal")
TOPICS = frozenset(
    "tolerance dose route not-alone drug-checking naloxone overdose ost shelter admin structure "
    "networks cravings family feelings someone-who-waits crisis welcome".split()
)
INTENTS = frozenset(
    "naloxone_howto find_naloxone tolerance_dose using_alone drug_checking craving_support "
    "feeling_low talk_to_peer admin_help find_ost find_shelter help".split()
)
BUTTONS = frozenset({"overdose", "naloxone", "contacts", "peer", "menu", "checkin"})
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
FACT_VALUES = frozenset({"yes", "no", "unknown"})
CONDITIONS = {
    "release_weekday": frozenset(WEEKDAYS),
    "on_ost": FACT_VALUES,
    "housed": FACT_VALUES,
}
PLACEHOLDERS = frozenset({"emergency_number", "crisis_line", "crisis_line_name", "area"})
REQUIRED_CARDS = ("overdose-card", "crisis-card")
MAX_BODY = 900
LONG_SENTENCE_WORDS = 25
# Flesch reading ease (textstat, with each language's own formula where it has one) below which
# a message reads above roughly age 11-12: "fairly easy" starts at 70 in English and French;
# 60 on the Amstad (German) and Douma (Dutch) scales; for Portuguese textstat keeps the English
# constants, and the Portuguese adaptation (Martins et al.) adds 42, so 70 becomes 28.
READING_EASE_MIN = {"en": 70.0, "fr": 70.0, "de": 60.0, "nl": 60.0, "pt": 28.0}
_TEXTSTAT = threading.Lock()  # textstat.set_lang is global state
ALLOWED_TAGS = frozenset(
    "b strong i em u ins s strike del a code pre blockquote tg-spoiler".split()
)

# Words that stigmatise the people first48 is for, with what peers say instead.
STIGMA = {
    r"addicts?": "person who uses drugs",
    r"junkies?": "person who uses drugs",
    r"clean": "not using / new or sterile (kit) / negative (test)",
    r"dirty": "used (kit) / positive (test)",
    r"abusers?": "person who uses drugs",
    r"(?:substance|drug) abuse": "drug use",
    r"drug users?": "person who uses drugs",
}
_STIGMA_RE = [
    (re.compile(rf"\b{pattern}\b", re.IGNORECASE), hint) for pattern, hint in STIGMA.items()
]

_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_KIND_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_AFTER_RE = re.compile(r"^(\d{1,4}) (hour|day|week|month)s? after$")
_DAY_AT_RE = re.compile(r"^day (\d{1,3}) at (\d{1,2}):(\d{2})$")
_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z-]*)((?:\s[^<>]*)?)>")
_ENTITY_RE = re.compile(r"&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);")
_PLACEHOLDER_RE = re.compile(r"\{([a-z_]+)\}")

MESSAGE_KEYS = frozenset(
    "id topic when priority if author reviewer body buttons intent language".split()
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a look) in a content file."""

    file: str
    line: int
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        prefix = "" if self.severity == "error" else "warning: "
        return f"{self.file}:{self.line}: {prefix}{self.message}"


class ContentError(Exception):
    """Content could not be loaded; ``problems`` says where and why."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Timing:
    """When a timeline message falls due, relative to the release."""

    unit: str  # "hour", "day", "week", "month" or "at"
    amount: int  # N in "N units after", or the day number for "day N at HH:MM"
    at: time | None = None

    @property
    def sort_key(self) -> tuple[float, int]:
        hours = {"hour": 1, "day": 24, "week": 168, "month": 730}
        if self.unit == "at":
            assert self.at is not None
            return ((self.amount - 1) * 24 + self.at.hour + self.at.minute / 60, 1)
        return (self.amount * hours[self.unit], 0)


@dataclass(frozen=True)
class Message:
    """One peer-written message in one language."""

    id: str
    topic: str
    language: str
    author: str
    reviewer: str
    body: str
    file: str
    line: int
    when: Timing | None = None
    priority: str = "normal"
    conditions: Mapping[str, frozenset[str]] = field(default_factory=dict)
    buttons: tuple[str, ...] = ()
    intent: str | None = None

    @property
    def rank(self) -> int:
        """Lower is more important."""
        return PRIORITIES.index(self.priority)


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    emergency_number: str
    crisis_line: str
    crisis_line_name: str
    timezone: str
    helpline: str = ""  # the national drug helpline, shown when no local contact is found
    helpline_name: str = ""
    # language -> (crisis line, its name), where a country has one line per language
    crisis_by_language: Mapping[str, tuple[str, str]] = field(default_factory=dict)

    def crisis(self, language: str) -> tuple[str, str]:
        """The crisis line (number, name) for someone speaking ``language`` here."""
        return self.crisis_by_language.get(language, (self.crisis_line, self.crisis_line_name))


@dataclass(frozen=True)
class Kind:
    """A kind of local contact (content/kinds.yml): data, not code."""

    id: str
    emoji: str
    names: Mapping[str, str]  # language -> name
    intents: tuple[str, ...] = ()  # free-text questions answered with this kind
    hsds: tuple[str, ...] = ()  # words meaning this kind in an imported HSDS file

    def name(self, language: str) -> str:
        return self.names.get(language) or self.names.get(SOURCE_LANGUAGE) or self.id


@dataclass(frozen=True)
class Area:
    id: str
    name: str
    aliases: tuple[str, ...]
    country: str
    timezone: str
    lat: float
    lon: float
    peer_hours: str = ""  # when peers answer here (opening_hours); empty: the default setting


def _valid_hours(expression: str) -> bool:
    from opening_hours import OpeningHours, ParserError

    try:
        OpeningHours(expression)
    except (ParserError, ValueError):
        return False
    return True


@dataclass
class ContentSet:
    """A complete, validated set of content; immutable once built."""

    messages: dict[str, dict[str, Message]]  # language -> id -> message
    ui: dict[str, dict[str, str]]  # language -> key -> text
    countries: dict[str, Country]
    areas: dict[str, Area]
    files: dict[str, str]  # relative path -> text, kept so the set can be stored and restored
    fingerprint: str
    kinds: dict[str, Kind] = field(default_factory=dict)  # contact kinds, in file order

    @property
    def timeline(self) -> list[Message]:
        """Timeline messages of the source language, in time order."""
        items = [m for m in self.messages[SOURCE_LANGUAGE].values() if m.when is not None]
        return sorted(items, key=lambda m: (m.when.sort_key, m.rank, m.id))  # type: ignore[union-attr]

    def message(self, message_id: str, language: str) -> Message | None:
        """The message in the person's language, falling back to English."""
        source = self.messages[SOURCE_LANGUAGE].get(message_id)
        found = self.messages.get(language, {}).get(message_id)
        if source is None or found is None:
            return source
        # Timing, priority, conditions, buttons and intent always come from English.
        return replace(
            source,
            language=found.language,
            author=found.author,
            reviewer=found.reviewer,
            body=found.body,
            file=found.file,
            line=found.line,
        )

    def answer_for(self, intent: str, language: str) -> Message | None:
        for message in self.messages[SOURCE_LANGUAGE].values():
            if message.intent == intent:
                return self.message(message.id, language)
        return None

    def text(self, language: str, key: str, **values: Any) -> str:
        """An interface string, with ``{name}`` filled from ``values``."""
        template = self.ui.get(language, {}).get(key) or self.ui[SOURCE_LANGUAGE][key]
        return fill(template, values)


def fill(template: str, values: Mapping[str, Any]) -> str:
    """Replace known ``{name}`` placeholders; leave anything else exactly as written."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        return str(values[name]) if name in values else match.group(0)

    return _PLACEHOLDER_RE.sub(replace, template)


# The C parser when PyYAML has it (much faster); the line marks work the same.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """A YAML loader that remembers the line of every mapping and of each of its keys."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping = super().construct_mapping(node, deep=deep)
        mapping["__line__"] = node.start_mark.line + 1
        mapping["__lines__"] = {
            # A block scalar ("body: |") starts on the line after its key.
            key.value: value.start_mark.line
            + 1
            + (1 if getattr(value, "style", None) in ("|", ">") else 0)
            for key, value in node.value
        }
        return mapping


def _line_of(entry: Mapping[str, Any], key: str) -> int:
    return entry.get("__lines__", {}).get(key, entry.get("__line__", 1))


def locate_html_problems(body: str) -> list[tuple[int, str]]:
    """(character index, problem) for everything Telegram's HTML parser would reject."""
    problems: list[tuple[int, str]] = []
    stack: list[tuple[str, int]] = []
    for match in _TAG_RE.finditer(body):
        closing, tag, attrs = match.group(1), match.group(2).lower(), match.group(3)
        if tag not in ALLOWED_TAGS:
            problems.append((match.start(), f"Telegram does not allow the tag <{tag}>"))
            continue
        if closing:
            if not stack or stack[-1][0] != tag:
                problems.append((match.start(), f"</{tag}> closes a tag that is not open"))
            else:
                stack.pop()
        else:
            if tag == "a" and not re.search(r'href="(https?://|tg://|tel:)[^"]+"', attrs):
                problems.append((match.start(), 'a link needs href="https://..."'))
            stack.append((tag, match.start()))
    if stack:
        problems.append((stack[-1][1], f"<{stack[-1][0]}> is never closed"))
    masked = _TAG_RE.sub(lambda m: " " * len(m.group(0)), body)
    for match in re.finditer(r"[<>]", masked):
        problems.append((match.start(), "write &lt; and &gt; for < and > outside tags"))
        break
    masked = _ENTITY_RE.sub(lambda m: " " * len(m.group(0)), masked)
    if "&" in masked:
        problems.append((masked.index("&"), "write &amp; for &"))
    return problems


def plain_text(body: str) -> str:
    """The body as a person reads it: tags removed, entities decoded."""
    return html.unescape(_TAG_RE.sub("", body))


def reading_ease(text: str, language: str) -> float:
    """Flesch reading ease of plain text in one of our languages (higher is easier)."""
    with _TEXTSTAT:
        textstat.set_lang(language)
        return float(textstat.flesch_reading_ease(text))


def _text_checks(
    body: str, where: tuple[str, int], placeholders: bool, language: str | None = None
) -> list[Problem]:
    """Checks on one body; ``where`` is the file and the line the body's text starts on."""
    file, line = where

    def at(index: int) -> int:
        return line + body[:index].count("\n")

    problems: list[Problem] = []
    for index, issue in locate_html_problems(body):
        problems.append(Problem(file, at(index), issue))
    text = plain_text(body)
    if len(text) > MAX_BODY:
        problems.append(
            Problem(file, line, f"body is {len(text)} characters; keep it under {MAX_BODY}")
        )
    for pattern, hint in _STIGMA_RE:
        found = pattern.search(body)
        if found:
            problems.append(
                Problem(
                    file, at(found.start()), f'"{found.group(0)}" stigmatises people; say "{hint}"'
                )
            )
    if placeholders:
        for match in _PLACEHOLDER_RE.finditer(body):
            if match.group(1) not in PLACEHOLDERS:
                problems.append(
                    Problem(
                        file,
                        at(match.start()),
                        f"unknown placeholder {{{match.group(1)}}}; known: "
                        + ", ".join(sorted(PLACEHOLDERS)),
                    )
                )
    for sentence in re.split(r"(?<=[.!?])\s+|\n+", text):
        words = sentence.split()
        if len(words) > LONG_SENTENCE_WORDS:
            problems.append(
                Problem(
                    file, line, f"a sentence of {len(words)} words; keep sentences short", "warning"
                )
            )
            break
    if language in READING_EASE_MIN and len(text.split()) >= 8:
        ease = reading_ease(text, language)
        if ease < READING_EASE_MIN[language]:
            problems.append(
                Problem(
                    file,
                    line,
                    f"reads above about age 12 (reading ease {int(ease)}, aim for "
                    f"{READING_EASE_MIN[language]:.0f} or more): shorter sentences, shorter words",
                    "warning",
                )
            )
    return problems


def parse_timing(text: str) -> Timing:
    """Parse "N hours after" or "day N at HH:MM"; ValueError says what is accepted."""
    value = " ".join(str(text).lower().split())
    match = _AFTER_RE.match(value)
    if match:
        return Timing(match.group(2), int(match.group(1)))
    match = _DAY_AT_RE.match(value)
    if match:
        day, hour, minute = (int(g) for g in match.groups())
        if day < 1:
            raise ValueError("day 1 is the day of release; there is no day 0")
        if hour > 23 or minute > 59:
            raise ValueError(f"{hour:02d}:{minute:02d} is not a time of day")
        return Timing("at", day, time(hour, minute))
    raise ValueError(
        f'cannot read when: "{text}"; write "N hours/days/weeks/months after" or "day N at HH:MM"'
    )


def _as_list(value: Any) -> list[str]:
    if isinstance(value, bool):
        return ["yes" if value else "no"]
    if isinstance(value, list):
        return [("yes" if v else "no") if isinstance(v, bool) else str(v).lower() for v in value]
    return [str(value).lower()]


class _Reader:
    """Collects entries and problems while reading the files of one content folder."""

    def __init__(self, advice: bool = True) -> None:
        self.advice = advice  # also the reading-ease warnings, which take seconds to work out
        self.problems: list[Problem] = []
        self.messages: dict[str, dict[str, Message]] = {}
        self.ui: dict[str, dict[str, str]] = {}
        self.ui_lines: dict[str, dict[str, tuple[str, int]]] = {}
        self.countries: dict[str, Country] = {}
        self.areas: dict[str, Area] = {}
        self.kinds: dict[str, Kind] = {}

    def error(self, file: str, line: int, message: str) -> None:
        self.problems.append(Problem(file, line, message))

    def parse_yaml(self, file: str, text: str) -> Any:
        try:
            return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark else 1
            reason = getattr(exc, "problem", None) or str(exc)
            self.error(file, line, f"not valid YAML: {reason}")
            return None

    def read_messages(self, file: str, data: Any, language: str) -> None:
        if not isinstance(data, dict) or not isinstance(data.get("messages"), list):
            self.error(file, 1, "expected 'language:' and a 'messages:' list")
            return
        declared = data.get("language")
        if declared != language:
            self.error(
                file,
                _line_of(data, "language"),
                f"language is {declared!r} but the file is in the {language}/ folder",
            )
        bucket = self.messages.setdefault(language, {})
        for entry in data["messages"]:
            self.read_message(file, entry, language, bucket, timeline=file.endswith("timeline.yml"))

    def read_message(
        self, file: str, entry: Any, language: str, bucket: dict[str, Message], timeline: bool
    ) -> None:
        if not isinstance(entry, dict):
            self.error(file, 1, "each message must be a set of 'key: value' lines")
            return
        line = entry["__line__"]
        start = len(self.problems)
        for key in entry:
            if not key.startswith("__") and key not in MESSAGE_KEYS:
                self.error(file, _line_of(entry, key), f"unknown field {key!r}")
        message_id = str(entry.get("id", ""))
        if not _ID_RE.match(message_id):
            self.error(
                file,
                _line_of(entry, "id"),
                f"id {message_id!r}: use lower-case letters, digits and dashes",
            )
        elif message_id in bucket:
            other = bucket[message_id]
            self.error(
                file,
                _line_of(entry, "id"),
                f"id {message_id!r} is already used at {other.file}:{other.line}",
            )
        for key in ("author", "reviewer", "body"):
            if not str(entry.get(key) or "").strip():
                self.error(file, line, f"missing {key}")
        author, reviewer = (
            str(entry.get("author", "")).strip(),
            str(entry.get("reviewer", "")).strip(),
        )
        if author and author.lower() == reviewer.lower():
            self.error(file, _line_of(entry, "reviewer"), "the reviewer must not be the author")
        source = language == SOURCE_LANGUAGE
        topic = str(entry.get("topic", "")) if source else ""
        if source and topic not in TOPICS:
            self.error(
                file,
                _line_of(entry, "topic"),
                f"unknown topic {topic!r}; see the list in content/README.md",
            )
        when: Timing | None = None
        priority = "normal"
        conditions: dict[str, frozenset[str]] = {}
        if source and timeline:
            if "when" not in entry:
                self.error(file, line, "a timeline message needs 'when'")
            else:
                try:
                    when = parse_timing(entry["when"])
                except ValueError as exc:
                    self.error(file, _line_of(entry, "when"), str(exc))
            priority = str(entry.get("priority", ""))
            if priority not in PRIORITIES:
                self.error(
                    file,
                    _line_of(entry, "priority"),
                    f"priority {priority!r}: use critical, high or normal",
                )
                priority = "normal"
            conditions = self.read_conditions(file, entry)
        elif source and ("when" in entry or "if" in entry):
            self.error(
                file,
                _line_of(entry, "when" if "when" in entry else "if"),
                "only timeline.yml messages have 'when' and 'if'",
            )
        buttons = tuple(_as_list(entry.get("buttons", [])))
        for button in buttons:
            if button not in BUTTONS:
                self.error(
                    file,
                    _line_of(entry, "buttons"),
                    f"unknown button {button!r}; use " + ", ".join(sorted(BUTTONS)),
                )
        intent = entry.get("intent")
        if intent is not None and (not source or str(intent) not in INTENTS):
            self.error(file, _line_of(entry, "intent"), f"unknown intent {intent!r}")
        body = str(entry.get("body") or "").strip()
        self.problems.extend(
            _text_checks(
                body,
                (file, _line_of(entry, "body")),
                placeholders=True,
                language=language if self.advice else None,
            )
        )
        if len(self.problems) > start and any(p.severity == "error" for p in self.problems[start:]):
            return
        bucket[message_id] = Message(
            id=message_id,
            topic=topic,
            language=language,
            author=author,
            reviewer=reviewer,
            body=body,
            file=file,
            line=line,
            when=when,
            priority=priority,
            conditions=conditions,
            buttons=buttons,
            intent=str(intent) if intent else None,
        )

    def read_conditions(self, file: str, entry: Mapping[str, Any]) -> dict[str, frozenset[str]]:
        raw = entry.get("if")
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            self.error(file, _line_of(entry, "if"), "'if' must list conditions, one per line")
            return {}
        conditions: dict[str, frozenset[str]] = {}
        for name, value in raw.items():
            if name.startswith("__"):
                continue
            allowed = CONDITIONS.get(name)
            if allowed is None:
                self.error(
                    file,
                    _line_of(raw, name),
                    f"unknown condition {name!r}; use " + ", ".join(CONDITIONS),
                )
                continue
            values = _as_list(value)
            wrong = [v for v in values if v not in allowed]
            if wrong or not values:
                self.error(
                    file,
                    _line_of(raw, name),
                    f"{name}: {', '.join(wrong) or 'nothing'} is not one of "
                    + ", ".join(sorted(allowed)),
                )
                continue
            conditions[name] = frozenset(values)
        return conditions

    def read_ui(self, file: str, data: Any, language: str) -> None:
        if not isinstance(data, dict) or not isinstance(data.get("strings"), dict):
            self.error(file, 1, "expected 'language:', 'author:', 'reviewer:' and 'strings:'")
            return
        for key in ("author", "reviewer"):
            if not str(data.get(key) or "").strip():
                self.error(file, 1, f"missing {key}")
        strings = data["strings"]
        table = self.ui.setdefault(language, {})
        lines = self.ui_lines.setdefault(language, {})
        for key, value in strings.items():
            if key.startswith("__"):
                continue
            where = (file, _line_of(strings, key))
            if not isinstance(value, str) or not value.strip():
                self.error(*where, f"{key}: expected some text")
                continue
            before = len(self.problems)
            self.problems.extend(
                p
                for p in _text_checks(value.strip(), where, placeholders=False)
                if "characters" not in p.message
            )
            if not any(p.severity == "error" for p in self.problems[before:]):
                table[key] = value.strip()
                lines[key] = where

    def read_countries(self, file: str, data: Any) -> None:
        if not isinstance(data, dict) or not isinstance(data.get("countries"), list):
            self.error(file, 1, "expected a 'countries:' list")
            return
        for entry in data["countries"]:
            try:
                country = Country(
                    code=str(entry["code"]).upper(),
                    name=str(entry["name"]),
                    emergency_number=str(entry["emergency_number"]),
                    crisis_line=str(entry["crisis_line"]),
                    crisis_line_name=str(entry["crisis_line_name"]),
                    timezone=str(entry["timezone"]),
                    helpline=str(entry.get("helpline") or ""),
                    helpline_name=str(entry.get("helpline_name") or ""),
                    crisis_by_language={
                        str(lang): (str(line["crisis_line"]), str(line["crisis_line_name"]))
                        for lang, line in (entry.get("crisis_lines_by_language") or {}).items()
                        if not str(lang).startswith("__")
                    },
                )
                ZoneInfo(country.timezone)
            except (KeyError, TypeError) as exc:
                self.error(
                    file,
                    entry.get("__line__", 1) if isinstance(entry, dict) else 1,
                    f"country is missing {exc}",
                )
                continue
            except (ZoneInfoNotFoundError, ValueError):
                self.error(
                    file, _line_of(entry, "timezone"), f"unknown time zone {entry['timezone']!r}"
                )
                continue
            self.countries[country.code] = country

    def read_areas(self, file: str, data: Any) -> None:
        if not isinstance(data, dict) or not isinstance(data.get("areas"), list):
            self.error(file, 1, "expected an 'areas:' list")
            return
        for entry in data["areas"]:
            line = entry.get("__line__", 1) if isinstance(entry, dict) else 1
            try:
                area = Area(
                    id=str(entry["id"]),
                    name=str(entry["name"]),
                    aliases=tuple(str(a) for a in entry.get("aliases") or ()),
                    country=str(entry["country"]).upper(),
                    timezone=str(entry["timezone"]),
                    lat=float(entry["lat"]),
                    lon=float(entry["lon"]),
                    peer_hours=str(entry.get("peer_hours") or ""),
                )
                ZoneInfo(area.timezone)
            except (KeyError, TypeError, ValueError, ZoneInfoNotFoundError) as exc:
                self.error(file, line, f"area entry is incomplete or wrong: {exc}")
                continue
            if not _ID_RE.match(area.id):
                self.error(
                    file, _line_of(entry, "id"), f"area id {area.id!r}: lower-case and dashes"
                )
            elif area.id in self.areas:
                self.error(file, _line_of(entry, "id"), f"area id {area.id!r} is used twice")
            elif area.peer_hours and not _valid_hours(area.peer_hours):
                self.error(
                    file,
                    _line_of(entry, "peer_hours"),
                    f"area {area.id!r}: peer_hours is not an opening_hours expression",
                )
            else:
                self.areas[area.id] = area

    def read_kinds(self, file: str, data: Any) -> None:
        if not isinstance(data, dict) or not isinstance(data.get("kinds"), list):
            self.error(file, 1, "expected a 'kinds:' list")
            return
        for entry in data["kinds"]:
            line = entry.get("__line__", 1) if isinstance(entry, dict) else 1
            try:
                names = {
                    str(k): str(v) for k, v in entry["names"].items() if not str(k).startswith("__")
                }
                kind = Kind(
                    id=str(entry["id"]),
                    emoji=str(entry.get("emoji") or ""),
                    names=names,
                    intents=tuple(str(i) for i in entry.get("intents") or ()),
                    hsds=tuple(str(w).lower() for w in entry.get("hsds") or ()),
                )
            except (KeyError, TypeError, AttributeError) as exc:
                self.error(file, line, f"kind entry is incomplete or wrong: {exc}")
                continue
            if not _KIND_ID_RE.match(kind.id):
                self.error(file, _line_of(entry, "id"), f"kind id {kind.id!r}: a-z, 0-9 and _")
            elif kind.id in self.kinds:
                self.error(file, _line_of(entry, "id"), f"kind id {kind.id!r} is used twice")
            elif SOURCE_LANGUAGE not in names:
                self.error(file, _line_of(entry, "names"), f"kind {kind.id!r} has no English name")
            else:
                missing = [lang for lang in LANGUAGES if lang not in names]
                if missing:
                    self.problems.append(
                        Problem(
                            file,
                            _line_of(entry, "names"),
                            f"kind {kind.id!r}: no name in {', '.join(missing)}; English is used",
                            "warning",
                        )
                    )
                self.kinds[kind.id] = kind

    def cross_checks(self) -> None:
        source = self.messages.get(SOURCE_LANGUAGE, {})
        if not any(m.when for m in source.values()):
            self.error(f"{SOURCE_LANGUAGE}/timeline.yml", 1, "there are no timeline messages")
        for card in REQUIRED_CARDS:
            if card not in source:
                self.error(f"{SOURCE_LANGUAGE}/emergency.yml", 1, f"the {card} is missing")
        for language, bucket in self.messages.items():
            if language == SOURCE_LANGUAGE:
                continue
            for message in bucket.values():
                if message.id not in source:
                    # A retired English message must not block every other change.
                    self.problems.append(
                        Problem(
                            message.file,
                            message.line,
                            f"{message.id!r} is not in English; this translation is ignored",
                            "warning",
                        )
                    )
            for card in REQUIRED_CARDS:
                if card not in bucket:
                    self.problems.append(
                        Problem(
                            f"{language}/emergency.yml",
                            1,
                            f"the {card} is missing; English is used",
                            "warning",
                        )
                    )
        english = self.ui.get(SOURCE_LANGUAGE, {})
        if not english:
            self.error(f"{SOURCE_LANGUAGE}/ui.yml", 1, "interface strings are missing")
        for language in LANGUAGES[1:]:
            table = self.ui.get(language, {})
            missing = [k for k in english if k not in table]
            if missing:
                self.problems.append(
                    Problem(
                        f"{language}/ui.yml",
                        1,
                        f"{len(missing)} strings missing, English is used: {', '.join(missing[:8])}"
                        + ("..." if len(missing) > 8 else ""),
                        "warning",
                    )
                )
            for key, (file, line) in self.ui_lines.get(language, {}).items():
                if key not in english:
                    self.error(file, line, f"{key!r} is not an English interface string")
                elif set(_PLACEHOLDER_RE.findall(english[key])) != set(
                    _PLACEHOLDER_RE.findall(table[key])
                ):
                    self.error(file, line, f"{key}: placeholders differ from English")
        for area in self.areas.values():
            if area.country not in self.countries:
                self.error("areas.yml", 1, f"area {area.id!r}: unknown country {area.country!r}")


def read_folder(folder: Path) -> dict[str, str]:
    """Every content file under ``folder`` as relative path -> text."""
    files: dict[str, str] = {}
    for path in sorted(folder.rglob("*.yml")):
        files[path.relative_to(folder).as_posix()] = path.read_text(encoding="utf-8")
    return files


def build(
    files: Mapping[str, str], *, advice: bool = True
) -> tuple[ContentSet | None, list[Problem]]:
    """Validate content files; return the set (None when any error) and every problem found.

    Without ``advice`` the reading-ease warnings for authors are left out: the running bot
    needs only the errors, and working out reading ease took most of its start-up.
    """
    reader = _Reader(advice)
    for name, text in sorted(files.items()):
        data = reader.parse_yaml(name, text)
        if data is None:
            continue
        parts = name.split("/")
        if name == "countries.yml":
            reader.read_countries(name, data)
        elif name == "areas.yml":
            reader.read_areas(name, data)
        elif name == "kinds.yml":
            reader.read_kinds(name, data)
        elif len(parts) == 2 and parts[0] in LANGUAGES:
            language, kind = parts
            if kind == "ui.yml":
                reader.read_ui(name, data, language)
            elif kind in ("timeline.yml", "answers.yml", "emergency.yml"):
                reader.read_messages(name, data, language)
            else:
                reader.error(name, 1, "unexpected file; see content/README.md")
        else:
            reader.error(name, 1, "unexpected file; see content/README.md")
    reader.cross_checks()
    problems = reader.problems
    if any(p.severity == "error" for p in problems):
        return None, problems
    digest = hashlib.sha256()
    for name, text in sorted(files.items()):
        digest.update(name.encode() + b"\0" + text.encode() + b"\0")
    return (
        ContentSet(
            messages=reader.messages,
            ui=reader.ui,
            countries=reader.countries,
            areas=reader.areas,
            files=dict(files),
            fingerprint=digest.hexdigest()[:16],
            kinds=reader.kinds,
        ),
        problems,
    )


def load(folder: Path) -> ContentSet:
    """Load and validate a content folder, raising ContentError on any error."""
    content, problems = build(read_folder(folder))
    if content is None:
        raise ContentError([p for p in problems if p.severity == "error"])
    for problem in problems:
        logger.warning("content: %s", problem)
    return content
