"""Finding a person's area from a typed town name or a shared location."""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections.abc import Callable, Iterable

from bot.content import Area

# A shared location further than this from every known town is not matched to any of them.
MAX_DISTANCE_KM = 120.0


def fold(text: str) -> str:
    """Lower case, no accents, no punctuation: "Liège" -> "liege"."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c)).replace("ß", "ss")
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def find_by_name(text: str, areas: Iterable[Area]) -> Area | None:
    """The area a person typed, tolerant of case, accents, extra words and small misspellings."""
    wanted = fold(text)
    if not wanted:
        return None
    names: dict[str, Area] = {}
    for area in areas:
        for name in (area.name, area.id.replace("-", " "), *area.aliases):
            names.setdefault(fold(name), area)
    if wanted in names:
        return names[wanted]
    # "im in leeds now": look for a known name inside the sentence, longest first.
    padded = f" {wanted} "
    for name in sorted(names, key=len, reverse=True):
        if len(name) >= 3 and f" {name} " in padded:
            return names[name]
    close = difflib.get_close_matches(wanted, list(names), n=1, cutoff=0.8)
    if close:
        return names[close[0]]
    for word in wanted.split():
        if len(word) >= 5:
            close = difflib.get_close_matches(word, list(names), n=1, cutoff=0.85)
            if close:
                return names[close[0]]
    return None


def mentioned(text: str, areas: Iterable[Area]) -> Area | None:
    """A known town named in a sentence, spelled right (no guessing: used without a question)."""
    padded = f" {fold(text)} "
    best: tuple[int, Area] | None = None
    for area in areas:
        for name in (area.name, *area.aliases):
            folded = fold(name)
            if (
                len(folded) >= 3
                and f" {folded} " in padded
                and (best is None or len(folded) > best[0])
            ):
                best = (len(folded), area)
    return best[1] if best else None


def place_finder(areas: Callable[[], Iterable[Area]]) -> Callable[[str], str | None]:
    """For the NLU fallback: the name of a town a message mentions, from the current areas."""

    def find(text: str) -> str | None:
        area = mentioned(text, areas())
        return area.name if area else None

    return find


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def nearest(lat: float, lon: float, areas: Iterable[Area]) -> Area | None:
    """The closest known area within MAX_DISTANCE_KM, or None."""
    best = min(areas, key=lambda a: distance_km(lat, lon, a.lat, a.lon), default=None)
    if best is None or distance_km(lat, lon, best.lat, best.lon) > MAX_DISTANCE_KM:
        return None
    return best
