"""Reading a release day from what people type: "today", "friday", "3 march", "2 weeks ago"."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta

import dateparser

TODAY = {
    "today",
    "2day",
    "tday",
    "todays",
    "now",
    "aujourdhui",
    "auj",
    "heute",
    "vandaag",
    "hoje",
    "tonight",
    "this morning",
    "just now",
    "ce matin",
    "heute morgen",
    "vanmorgen",
    "esta manha",
}
YESTERDAY = {"yesterday", "yday", "yest", "hier", "gestern", "gisteren", "ontem", "last night"}
BEFORE_YESTERDAY = {
    "day before yesterday",
    "avant hier",
    "avanthier",
    "vorgestern",
    "eergisteren",
    "anteontem",
}
TOMORROW = {"tomorrow", "tmrw", "tmoz", "demain", "morgen", "amanha"}
WEEKDAY_NAMES = [
    ("monday", "mon", "lundi", "montag", "maandag", "segunda"),
    ("tuesday", "tue", "tues", "mardi", "dienstag", "dinsdag", "terca"),
    ("wednesday", "wed", "weds", "mercredi", "mittwoch", "woensdag", "quarta"),
    ("thursday", "thu", "thurs", "jeudi", "donnerstag", "donderdag", "quinta"),
    ("friday", "fri", "vendredi", "freitag", "vrijdag", "sexta"),
    ("saturday", "sat", "samedi", "samstag", "zaterdag", "sabado"),
    ("sunday", "sun", "dimanche", "sonntag", "zondag", "domingo"),
]
FUTURE_WORDS = {
    "next",
    "prochain",
    "prochaine",
    "nachsten",
    "kommenden",
    "volgende",
    "proxima",
    "proximo",
    "will",
    "gonna",
    "going",
    "vais",
    "werde",
    "ga",
    "vou",
}
_DATEPARSER_LANGS = {
    "en": ["en"],
    "fr": ["fr", "en"],
    "de": ["de", "en"],
    "nl": ["nl", "en"],
    "pt": ["pt", "en"],
}
# Earliest and latest release days we accept: anything else is almost surely a typo.
OLDEST = timedelta(days=2 * 365)
FURTHEST = timedelta(days=366)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("'", "").replace("’", "").replace("-", " ")
    return " ".join(re.sub(r"[^\w\s/.]", " ", text).split())


def _contains(folded: str, phrases: set[str]) -> bool:
    words = folded.split()
    return any((" " in p and p in folded) or p in words for p in phrases)


def parse_release_day(text: str, today: date, language: str = "en") -> date | None:
    """The day a person means, or None if we can't tell.

    A bare weekday means the most recent one (people mostly tell us after release),
    unless they say "next" or "will".
    """
    folded = _fold(text)
    if not folded:
        return None
    if _contains(folded, BEFORE_YESTERDAY):
        return today - timedelta(days=2)
    if _contains(folded, YESTERDAY):
        return today - timedelta(days=1)
    if _contains(folded, TOMORROW):
        return today + timedelta(days=1)
    if _contains(folded, TODAY) or re.search(
        r"\b(just )?(got out|out today|released today)\b", folded
    ):
        return today
    words = folded.split()
    for index, names in enumerate(WEEKDAY_NAMES):
        if any(name in words for name in names):
            future = any(word in words for word in FUTURE_WORDS)
            delta = (index - today.weekday()) % 7
            if future:
                return today + timedelta(days=delta or 7)
            return today - timedelta(days=(today.weekday() - index) % 7)
    ago = re.search(r"\b(\d{1,3}|a|one|two|three) (day|week|month)s? ago\b", folded)
    if ago:
        amount = {"a": 1, "one": 1, "two": 2, "three": 3}.get(ago.group(1)) or int(ago.group(1))
        days = {"day": 1, "week": 7, "month": 30}[ago.group(2)] * amount
        return _bounded(today - timedelta(days=days), today)
    parsed = dateparser.parse(
        text,
        languages=_DATEPARSER_LANGS.get(language, ["en"]),
        settings={
            "RELATIVE_BASE": _midnight(today),
            "PREFER_DAY_OF_MONTH": "first",
            "DATE_ORDER": "DMY",
            "REQUIRE_PARTS": ["day"],
        },
    )
    if parsed is None:
        return None
    day = parsed.date()
    # "3 march" with no year: choose the year that puts it closest to today.
    if not re.search(r"\b\d{4}\b", text):
        candidates = [
            day.replace(year=today.year + shift)
            for shift in (-1, 0, 1)
            if _valid(day, today.year + shift)
        ]
        day = min(candidates, key=lambda d: abs((d - today).days))
    return _bounded(day, today)


def _valid(day: date, year: int) -> bool:
    try:
        day.replace(year=year)
    except ValueError:
        return False
    return True


def _midnight(day: date):  # type: ignore[no-untyped-def]
    from datetime import datetime

    return datetime(day.year, day.month, day.day, 12, 0)


def _bounded(day: date, today: date) -> date | None:
    if today - OLDEST <= day <= today + FURTHEST:
        return day
    return None
