"""Reading a release day from what people type: "today", "friday", "3 march", "2 weeks ago".

Five languages, misspelt and in whole sentences ("got out friday with 2 days meth"). The rules
run from the most specific to the least; dateparser reads explicit dates last.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta

import dateparser

TODAY = {"today", "2day", "tday", "todays", "now", "aujourdhui", "auj", "heute", "vandaag",
         "hoje", "tonight", "this morning", "just now", "ce matin", "heute morgen", "vanmorgen",
         "esta manha", "ce soir", "heute abend", "vanavond", "esta noite"}  # fmt: skip
YESTERDAY = {"yesterday", "yday", "yest", "hier", "gestern", "gisteren", "ontem", "last night",
             "hier soir", "gestern abend", "gisteravond", "ontem a noite"}  # fmt: skip
BEFORE_YESTERDAY = {"day before yesterday", "avant hier", "avanthier", "vorgestern",
                    "eergisteren", "eergisteravond", "anteontem"}  # fmt: skip
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
PAST_WORDS = {"last", "dernier", "derniere", "letzten", "letzte", "letzter", "vorigen", "vorige",
              "afgelopen", "passado", "passada", "ultimo", "ultima"}  # fmt: skip
FUTURE_WORDS = {"next", "prochain", "prochaine", "nachsten", "naechsten", "nachste",
                "naechste", "kommenden", "kommende", "volgende", "proxima", "proximo", "will",
                "gonna", "going", "vais", "werde", "ga", "vou"}  # fmt: skip
NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "un": 1, "une": 1,
                "deux": 2, "trois": 3, "quatre": 4, "ein": 1, "eine": 1, "einem": 1, "einer": 1,
                "zwei": 2, "drei": 3, "vier": 4, "een": 1, "twee": 2, "drie": 3, "um": 1,
                "uma": 1, "dois": 2, "duas": 2, "tres": 3, "quatro": 4}  # fmt: skip
UNIT_DAYS = {"day": 1, "days": 1, "jour": 1, "jours": 1, "tag": 1, "tagen": 1, "tage": 1,
             "dag": 1, "dagen": 1, "dia": 1, "dias": 1, "week": 7, "weeks": 7, "semaine": 7,
             "semaines": 7, "woche": 7, "wochen": 7, "weken": 7, "semana": 7, "semanas": 7,
             "month": 30, "months": 30, "mois": 30, "monat": 30, "monaten": 30, "monate": 30,
             "maand": 30, "maanden": 30, "mes": 30, "meses": 30}  # fmt: skip
_N = r"(\d{1,3}|" + "|".join(NUMBER_WORDS) + r")"
_U = r"(" + "|".join(UNIT_DAYS) + r")"
AGO = [
    re.compile(rf"\b{_N} {_U} ago\b"),  # en
    re.compile(rf"\bil y a {_N} {_U}\b"),  # fr
    re.compile(rf"\bvor {_N} {_U}\b"),  # de
    re.compile(rf"\b{_N} {_U} geleden\b"),  # nl
    re.compile(rf"\bha {_N} {_U}\b"),  # pt ("há")
    re.compile(rf"\b{_N} {_U} atras\b"),  # pt ("atrás")
]
AHEAD = [
    re.compile(rf"\bin {_N} {_U}\b"),  # en, de
    re.compile(rf"\bdans {_N} {_U}\b"),  # fr
    re.compile(rf"\bover {_N} {_U}\b"),  # nl
    re.compile(rf"\bdaqui a {_N} {_U}\b"),  # pt
    re.compile(rf"\bem {_N} {_U}\b"),  # pt
]
# "the 3rd", "le 3", "am 3.", "op de 3de", "dia 3": a day of this month (or the last).
DAY_OF_MONTH = re.compile(
    r"\b(?:the|le|am|den|op de|de|dia|on the)\s+(\d{1,2})(?:st|nd|rd|th|er|e|de|ste|ten|te|o)?\b"
)
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
    text = text.lower().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("'", "").replace("’", "").replace("-", " ")
    return " ".join(re.sub(r"[^\w\s/.]", " ", text).split())


def _contains(folded: str, phrases: set[str]) -> bool:
    words = re.sub(r"[./]", " ", folded).split()
    return any((" " in p and p in folded) or p in words for p in phrases)


def _number(token: str) -> int:
    return NUMBER_WORDS.get(token) or int(token)


def _weekday(words: list[str]) -> int | None:
    """The weekday named, also inside compounds like "vrijdagmiddag" or "freitagabend"."""
    for index, names in enumerate(WEEKDAY_NAMES):
        for word in words:
            if word in names or any(len(name) >= 5 and word.startswith(name) for name in names):
                return index
    return None


def parse_release_day(text: str, today: date, language: str = "en") -> date | None:
    """The day a person means, or None if we can't tell.

    A bare weekday means the most recent one (people mostly tell us after release),
    unless they say "next" or "will".
    """
    folded = _fold(text)
    if not folded:
        return None
    words = re.sub(r"[./]", " ", folded).split()
    if _contains(folded, BEFORE_YESTERDAY):
        return today - timedelta(days=2)
    if _contains(folded, YESTERDAY):
        return today - timedelta(days=1)
    if _contains(folded, TOMORROW):
        return today + timedelta(days=1)
    weekday = _weekday(words)
    if weekday is not None:
        if any(word in words for word in FUTURE_WORDS):
            return today + timedelta(days=(weekday - today.weekday()) % 7 or 7)
        back = (today.weekday() - weekday) % 7
        if back == 0 and any(word in words for word in PAST_WORDS):
            back = 7  # "last tuesday", said on a Tuesday
        return today - timedelta(days=back)
    plain = " ".join(words)
    for pattern in AGO:
        if match := pattern.search(plain):
            days = _number(match.group(1)) * UNIT_DAYS[match.group(2)]
            return _bounded(today - timedelta(days=days), today)
    for pattern in AHEAD:
        if match := pattern.search(plain):
            days = _number(match.group(1)) * UNIT_DAYS[match.group(2)]
            return _bounded(today + timedelta(days=days), today)
    if _contains(folded, TODAY):
        return today
    explicit = _explicit_date(text, folded, today, language)
    if explicit is not None:
        return explicit
    if not re.search(r"\d", folded) and re.search(r"\b(got out|released|out)\b", folded):
        return today  # "just got out": no day named, so it was today
    return None


def _explicit_date(text: str, folded: str, today: date, language: str) -> date | None:
    settings = {
        "RELATIVE_BASE": datetime(today.year, today.month, today.day, 12, 0),
        "PREFER_DAY_OF_MONTH": "first",
        "DATE_ORDER": "DMY",
        "REQUIRE_PARTS": ["day"],
    }
    languages = _DATEPARSER_LANGS.get(language, ["en"])
    # The whole text, then from the first digit on ("got out on the 3rd of march").
    candidates = [text, re.sub("(?i)maerz", "März", text)]
    first_digit = re.search(r"\d", text)
    if first_digit:
        candidates.append(text[first_digit.start() :])
    for candidate in candidates:
        parsed = dateparser.parse(candidate, languages=languages, settings=settings)  # type: ignore[arg-type]
        if parsed is not None:
            return _nearest_year(parsed.date(), text, today)
    match = DAY_OF_MONTH.search(folded)
    if match and 1 <= int(match.group(1)) <= 31:
        day = int(match.group(1))
        for months_back in (0, 1):
            month = (today.month - months_back - 1) % 12 + 1
            year = today.year - (1 if today.month - months_back < 1 else 0)
            try:
                candidate_day = date(year, month, day)
            except ValueError:
                continue
            if candidate_day <= today + timedelta(days=7):
                return candidate_day
    return None


def _nearest_year(day: date, text: str, today: date) -> date | None:
    """ "3 march" with no year: the year that puts it closest to today."""
    if not re.search(r"\b\d{4}\b", text):
        candidates = []
        for shift in (-1, 0, 1):
            try:
                candidates.append(day.replace(year=today.year + shift))
            except ValueError:
                continue
        day = min(candidates, key=lambda d: abs((d - today).days))
    return _bounded(day, today)


def _bounded(day: date, today: date) -> date | None:
    if today - OLDEST <= day <= today + FURTHEST:
        return day
    return None
