"""Reading release days and towns the way people type them."""

from __future__ import annotations

from datetime import date

import pytest

from bot.areas import find_by_name, nearest
from bot.content import load
from bot.dates import parse_release_day
from bot.settings import DEFAULT_CONTENT_DIR

TUESDAY = date(2026, 3, 3)
AREAS = list(load(DEFAULT_CONTENT_DIR).areas.values())


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("I got out today", "en", date(2026, 3, 3)),
        ("just got out", "en", date(2026, 3, 3)),
        ("yesterday", "en", date(2026, 3, 2)),
        ("YDAY", "en", date(2026, 3, 2)),
        ("released friday with 2 days meth", "en", date(2026, 2, 27)),
        ("tuesday", "en", date(2026, 3, 3)),
        ("last tuesday", "en", date(2026, 2, 24)),
        ("got out friday", "en", date(2026, 2, 27)),
        ("2 weeks ago i got out", "en", date(2026, 2, 17)),
        ("sunday i got out", "en", date(2026, 3, 1)),
        ("got out on the 3rd of march", "en", date(2026, 3, 3)),
        ("released friday with 2 days meth", "en", date(2026, 2, 27)),
        ("il y a deux semaines", "fr", date(2026, 2, 17)),
        ("vor drei Tagen", "de", date(2026, 2, 28)),
        ("naechsten Donnerstag", "de", date(2026, 3, 5)),
        ("21. maerz", "de", date(2026, 3, 21)),
        ("vrijdagmiddag", "nl", date(2026, 2, 27)),
        ("over twee weken", "nl", date(2026, 3, 17)),
        ("op de 2de", "nl", date(2026, 3, 2)),
        ("há duas semanas", "pt", date(2026, 2, 17)),
        ("daqui a duas semanas", "pt", date(2026, 3, 17)),
        ("dia 2", "pt", date(2026, 3, 2)),
        ("mardi dernier", "fr", date(2026, 2, 24)),
        ("next friday", "en", date(2026, 3, 6)),
        ("2 days ago", "en", date(2026, 3, 1)),
        ("a week ago", "en", date(2026, 2, 24)),
        ("3 march", "en", date(2026, 3, 3)),
        ("28 feb", "en", date(2026, 2, 28)),
        ("1/3/2026", "en", date(2026, 3, 1)),
        ("aujourd'hui", "fr", date(2026, 3, 3)),
        ("vendredi", "fr", date(2026, 2, 27)),
        ("3 mars", "fr", date(2026, 3, 3)),
        ("gestern", "de", date(2026, 3, 2)),
        ("3. März", "de", date(2026, 3, 3)),
        ("vrijdag", "nl", date(2026, 2, 27)),
        ("eergisteren", "nl", date(2026, 3, 1)),
        ("ontem", "pt", date(2026, 3, 2)),
        ("sexta", "pt", date(2026, 2, 27)),
        ("3 de março", "pt", date(2026, 3, 3)),
    ],
)
def test_release_days_people_type(text: str, language: str, expected: date) -> None:
    assert parse_release_day(text, TUESDAY, language) == expected


@pytest.mark.parametrize("text", ["", "🙂", "dunno mate", "1850-01-01", "asdfgh", "x" * 4096])
def test_nonsense_is_not_a_date(text: str) -> None:
    assert parse_release_day(text, TUESDAY, "en") is None


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("leeds", "leeds"),
        ("LEEDS", "leeds"),
        ("im in leeds now", "leeds"),
        ("Manchster", "manchester"),
        ("liege", "liege"),
        ("Liège", "liege"),
        ("Bruxelles", "brussels"),
        ("Brussel", "brussels"),
        ("köln", "cologne"),
        ("koln", "cologne"),
        ("Lisboa", "lisbon"),
        ("den haag", "the-hague"),
    ],
)
def test_towns_tolerate_case_accents_and_small_misspellings(typed: str, expected: str) -> None:
    area = find_by_name(typed, AREAS)
    assert area is not None and area.id == expected


@pytest.mark.parametrize("typed", ["", "nowhere at all", "xyzzy", "??"])
def test_unknown_places_are_not_guessed(typed: str) -> None:
    assert find_by_name(typed, AREAS) is None


def test_a_shared_location_finds_the_nearest_town() -> None:
    area = nearest(50.6326, 5.5797, AREAS)  # Liège
    assert area is not None and area.id == "liege"
    assert nearest(0.0, 0.0, AREAS) is None  # the Atlantic: too far from everywhere
