"""Directory files in and out: Open Referral HSDS 3.0 JSON and our flat CSV.

An import checks every row with the same :func:`bot.directory.validate` as the web form and
never stops at a bad one: each bad row is reported (its number and why) and left out, and the
rest go in. Something a row loses on the way (hours that can't be written as opening hours,
a language without a two-letter code) is a warning; the row still goes in.

HSDS in: a list of fully nested ``service`` objects, an API page (``contents``) or one
service. Kinds come from the ``hsds:`` words in ``content/kinds.yml`` found in the service
name and taxonomy terms (the description only when those say nothing: it mentions too much);
the town from the address's city, else the nearest town to the coordinates. Schedule times
are taken as local clock times, whatever offset they carry.

HSDS out: one service per contact; kinds and flags as terms of first48's own taxonomies, the
opening hours as weekly schedules plus the exact expression in each schedule's description,
so that our own exports come back unchanged.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from opening_hours import OpeningHours, ParserError, State

from bot.areas import find_by_name, fold, mentioned
from bot.content import Area, ContentSet, Kind
from bot.directory import (
    FLAGS,
    HIDDEN_AFTER,
    Contact,
    ContactData,
    Directory,
    InvalidContact,
    distance_km,
    validate,
)

logger = logging.getLogger(__name__)

FORMATS = ("hsds", "csv")
KINDS_TAXONOMY = "first48"  # term id and code = kind id
FLAGS_TAXONOMY = "first48 flags"  # term id and code = flag, or "sample"
HOURS_PREFIX = "opening_hours: "  # an exported schedule's description: the exact expression
NEAREST_KM = 60.0  # coordinates this close to a town belong to it
NOTES_LIMIT = 400  # an HSDS description is prose for a web page; the bot needs a line or two
SAMPLE_ALERT = "Sample entry for testing: not a real service."
CSV_FIELDS = tuple(f.name for f in fields(ContactData))
_LIST_FIELDS = ("kinds", "languages", "flags")
_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_OSM_DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
_NAMESPACE = uuid.UUID("5d3c8f3e-6f1b-4a53-9a35-6b1f0e4f4848")  # stable ids in exports
# Weeks whose hours are compared before an expression is written as weekly schedules: five in
# a row catch "every other week" and "first Saturday", January and October catch seasons.
_SAMPLE_MONDAYS = tuple(date(2026, 6, 1) + timedelta(weeks=n) for n in range(5)) + (
    date(2026, 1, 12),
    date(2026, 10, 12),
)
# Our field names as an HSDS file calls them, so a report points at what to fix there.
_HSDS_FIELD = {
    "name": "name",
    "kinds": "kind",
    "area_id": "location",
    "address": "location",
    "lat": "location",
    "phone": "phones",
    "website": "url",
    "languages": "languages",
    "opening_hours": "schedules",
    "flags": "attributes",
    "notes": "description",
    "verified_on": "assured_date",
}
_TIME_RE = re.compile(r"^(\d{1,2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?$")
_BYDAY_RE = re.compile(r"^([+-]?[1-5])?(MO|TU|WE|TH|FR|SA|SU)$")


class ImportFileError(ValueError):
    """The file as a whole can't be read (not JSON, no header row...): nothing was imported."""


@dataclass(frozen=True)
class RowProblem:
    """Why a row was left out, or what it lost on the way in."""

    row: int  # HSDS: the service's position in the file; CSV: the line it starts on
    where: str  # HSDS: "service id / name"; CSV: empty (the line number says it)
    field: str
    message: str

    def __str__(self) -> str:
        label = f"row {self.row}" + (f" ({self.where})" if self.where else "")
        return f"{label}: {self.field}: {self.message}"


@dataclass
class Parsed:
    """The good rows of a file, with their row numbers, and what was wrong with the rest."""

    rows: list[tuple[int, ContactData]] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)  # rows left out
    warnings: list[RowProblem] = field(default_factory=list)  # rows imported all the same

    @property
    def skipped(self) -> int:
        return len({p.row for p in self.problems})


@dataclass
class ImportReport:
    parsed: Parsed
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    pending: bool = False  # queued for moderation rather than published

    @property
    def imported(self) -> int:
        return len(self.parsed.rows)

    @property
    def skipped(self) -> int:
        return self.parsed.skipped


# --------------------------------------------------------------------------------------
# Importing
# --------------------------------------------------------------------------------------


def guess_format(path: Path) -> str:
    """hsds or csv, from the file name; ValueError when it says neither."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        return "hsds"
    if suffix in (".csv", ".txt"):
        return "csv"
    raise ValueError(f"can't tell the format of {path.name} from its name; use --format hsds|csv")


def read(text: str, fmt: str, content: ContentSet, today: date, file_name: str = "file") -> Parsed:
    """Parse and check a whole file; raises ImportFileError if it can't be read at all."""
    if fmt == "hsds":
        return read_hsds(text, content, today, file_name)
    if fmt == "csv":
        return read_csv(text, content, today, file_name)
    raise ValueError(f"unknown format {fmt!r}")


def import_file(
    directory: Directory,
    content: ContentSet,
    path: Path,
    now: datetime,
    *,
    fmt: str | None = None,
    pending: bool = False,
    today: date | None = None,
) -> ImportReport:
    """Read a file and store its good rows: published at once, or queued with ``pending``.

    A row with the same name, town and address as a contact we have updates that contact
    (or is left alone when nothing changed), so a file can be imported again once its bad
    rows are fixed. Published rows are recorded in the history as ``import: <file name>``.
    """
    fmt = fmt or guess_format(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"{path.name} is not UTF-8 text ({exc.reason})") from None
    parsed = read(text, fmt, content, today or now.date(), path.name)
    report = ImportReport(parsed, pending=pending)
    existing = {_key(c.data): c for c in directory.contacts(include_hidden=True)}
    for _, data in parsed.rows:
        match = existing.get(_key(data))
        if match is not None and _same(match.data, data):
            report.unchanged += 1
            continue
        submission_id, _ = directory.submit(
            data, now, contact_id=match.id if match else None, via="import"
        )
        if not pending:
            contact_id = directory.approve(submission_id, f"import: {path.name}", now, content)
            existing[_key(data)] = directory.contact(contact_id)  # type: ignore[assignment]
        if match is None:
            report.new += 1
        else:
            report.updated += 1
    logger.info(
        "import %s: %d new, %d updated, %d unchanged, %d skipped",
        path.name,
        report.new,
        report.updated,
        report.unchanged,
        report.skipped,
    )
    return report


def _key(data: ContactData) -> tuple[str, str, str]:
    return fold(data.name), data.area_id, fold(data.address)


def _same(a: ContactData, b: ContactData) -> bool:
    # Where a row came from is not a change to it.
    return {**a.as_json(), "source": ""} == {**b.as_json(), "source": ""}


# --- HSDS ---


def read_hsds(text: str, content: ContentSet, today: date, file_name: str = "file") -> Parsed:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFileError(
            f"{file_name} is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
    parsed = Parsed()
    for row, service in enumerate(_services(data), start=1):
        if not isinstance(service, dict):
            parsed.problems.append(RowProblem(row, "", "service", "not a service object"))
            continue
        where = f"{_str(service.get('id')) or 'no id'} / {_str(service.get('name')) or 'no name'}"
        form, problems, warnings = _map_service(service, content, today)
        form["source"] = f"HSDS import: {file_name}"
        try:
            data_row = validate(form, content, today)
        except InvalidContact as exc:
            problems = {**exc.errors, **problems}
        if problems:
            parsed.problems.extend(
                RowProblem(row, where, _HSDS_FIELD.get(k, k), v) for k, v in problems.items()
            )
            continue
        parsed.warnings.extend(RowProblem(row, where, k, v) for k, v in warnings)
        if _stale(data_row, today):
            parsed.warnings.append(RowProblem(row, where, "assured_date", _stale(data_row, today)))
        parsed.rows.append((row, data_row))
    return parsed


def _stale(data: ContactData, today: date) -> str:
    """A warning when the row was last checked so long ago that the bot hides it."""
    if today - date.fromisoformat(data.verified_on) <= HIDDEN_AFTER:
        return ""
    return (
        f"last checked on {data.verified_on}, more than 12 months ago: imported, "
        "but the bot won't show it until someone confirms it"
    )


def _services(data: Any) -> list[Any]:
    if isinstance(data, list):
        return data
    if isinstance(data, dict) and isinstance(data.get("contents"), list):
        return data["contents"]
    if isinstance(data, dict) and ("name" in data or "id" in data):
        return [data]
    raise ImportFileError(
        "expected HSDS services: a list of them, an API page with 'contents', or one service"
    )


def _map_service(
    service: Mapping[str, Any], content: ContentSet, today: date
) -> tuple[dict[str, Any], dict[str, str], list[tuple[str, str]]]:
    """The service as a form for validate(), with problems found on the way and warnings."""
    problems: dict[str, str] = {}
    warnings: list[tuple[str, str]] = []
    organization = _dict(service.get("organization"))
    name = _str(service.get("name"))
    org_name = _str(organization.get("name"))
    if name and org_name and fold(org_name) not in fold(name) and fold(name) not in fold(org_name):
        name = f"{name} ({org_name})"
    status = _str(service.get("status")).lower()
    if status in ("inactive", "defunct", "temporarily closed"):
        problems["status"] = f"marked {status!r} in the file"

    own_kinds, flags, ours = _own_terms(service, content)
    if ours:
        kinds = own_kinds
    else:
        terms = _taxonomy_texts(service)
        kinds = match_kinds([name, _str(service.get("alternate_name")), *terms], content.kinds)
        if not kinds:
            kinds = match_kinds([_str(service.get("description"))], content.kinds)
    if not kinds:
        problems["kinds"] = (
            "no kind of help first48 lists matches the name, taxonomy terms or description "
            "(the words are the hsds: lists in content/kinds.yml)"
        )

    link, location, address, others = _first_location(service)
    if others:
        warnings.append(
            (
                "service_at_locations",
                f"only the first of {others + 1} locations was imported; "
                "add the others as services of their own",
            )
        )
    lat, lon = location.get("latitude"), location.get("longitude")
    area, reason = _find_area(
        _str(address.get("city")),
        _str(address.get("country")),
        lat,
        lon,
        [_str(_dict(a).get("name")) for a in _list(service.get("service_areas"))],
        content,
    )
    if area is None:
        problems["area_id"] = reason

    notes = _str(service.get("description"), keep_lines=True)
    if not ours:
        notes = shorten(notes, NOTES_LIMIT)
    phone, extension = _phone(service, link, location, organization)
    if extension:
        notes = f"{notes}\nPhone extension {extension}.".strip()
    hours, schedule_warnings = schedules_to_opening_hours(
        _list(service.get("schedules"))
        or _list(link.get("schedules"))
        or _list(location.get("schedules")),
        today,
    )
    warnings.extend(("schedules", w) for w in schedule_warnings)
    languages, language_warnings = _languages(
        _list(service.get("languages")) or _list(location.get("languages"))
    )
    warnings.extend(("languages", w) for w in language_warnings)
    form: dict[str, Any] = {
        "name": name,
        "kinds": kinds,
        "area_id": area.id if area else "",
        "address": _address(address, area),
        "phone": phone,
        "website": _website(_str(service.get("url")) or _str(organization.get("website"))),
        "languages": languages,
        "opening_hours": hours,
        "flags": [f for f in flags if f in FLAGS],
        "notes": notes,
        "verified_on": _day(service.get("assured_date")) or _day(service.get("last_modified")),
        "sample": "sample" in flags,
    }
    if lat not in (None, "") or lon not in (None, ""):
        form["lat"], form["lon"] = lat, lon
    return form, problems, warnings


def _first_location(
    service: Mapping[str, Any],
) -> tuple[Mapping[str, Any], Mapping[str, Any], Mapping[str, Any], int]:
    """The first service-at-location, its location and street address, and how many others."""
    links = [_dict(s) for s in _list(service.get("service_at_locations"))]
    located = [s for s in links if _dict(s.get("location"))]
    link = located[0] if located else (links[0] if links else {})
    location = _dict(link.get("location"))
    addresses = [_dict(a) for a in _list(location.get("addresses"))]
    physical = [a for a in addresses if _str(a.get("address_type")).lower() != "postal"]
    return link, location, (physical or addresses or [{}])[0], max(len(located) - 1, 0)


def match_kinds(texts: Iterable[str], kinds: Mapping[str, Kind]) -> list[str]:
    """Kinds whose ``hsds`` words start a word in the texts, case- and accent-blind.

    A word of three letters or fewer must be a whole word: "ost" is not in "hostel".
    """
    haystack = " ".join(fold(t) for t in texts if t)
    found = []
    for kind in kinds.values():
        for word in kind.hsds:
            folded = fold(word)
            pattern = r"\b" + re.escape(folded) + (r"\b" if len(folded) <= 3 else "")
            if folded and re.search(pattern, haystack):
                found.append(kind.id)
                break
    return found


def _own_terms(
    service: Mapping[str, Any], content: ContentSet
) -> tuple[list[str], list[str], bool]:
    """Kinds and flags from first48's own taxonomies: exact, no guessing."""
    kinds: list[str] = []
    flags: list[str] = []
    ours = False
    for attribute in _list(service.get("attributes")):
        term = _dict(_dict(attribute).get("taxonomy_term"))
        taxonomy = _taxonomy_name(term)
        code = _str(term.get("code")) or _str(term.get("id"))
        if taxonomy == KINDS_TAXONOMY and code in content.kinds:
            kinds.append(code)
            ours = True
        elif taxonomy == FLAGS_TAXONOMY:
            flags.append(code)
            ours = True
    return kinds, flags, ours


def _taxonomy_name(term: Mapping[str, Any]) -> str:
    taxonomy = term.get("taxonomy")
    if isinstance(taxonomy, dict):
        return _str(taxonomy.get("name"))
    return _str(taxonomy) or _str(_dict(term.get("taxonomy_detail")).get("name"))


def _taxonomy_texts(service: Mapping[str, Any]) -> list[str]:
    terms = [_dict(_dict(a).get("taxonomy_term")) for a in _list(service.get("attributes"))]
    terms += [_dict(t) for t in _list(service.get("taxonomy_terms"))]
    texts = [_str(t.get(key)) for t in terms for key in ("name", "code")]
    for category in _list(service.get("categories")):
        texts.append(_str(_dict(category).get("name")) if isinstance(category, dict) else category)
    return [t for t in texts if isinstance(t, str) and t]


def _find_area(
    city: str,
    country: str,
    lat: Any,
    lon: Any,
    service_areas: Sequence[str],
    content: ContentSet,
) -> tuple[Area | None, str]:
    """The town a service is in: its city, else the nearest town, else one its area names."""
    areas = list(content.areas.values())
    pool = [a for a in areas if a.country == country.upper()] or areas
    if city:
        area = find_by_name(city, pool)
        if area is not None:
            return area, ""
    point = _point(lat, lon)
    nearest = None
    if point is not None:
        nearest = min(pool, key=lambda a: distance_km(a.lat, a.lon, *point))
        if distance_km(nearest.lat, nearest.lon, *point) <= NEAREST_KM:
            return nearest, ""
    for text in service_areas:
        area = mentioned(text, pool)
        if area is not None:
            return area, ""
    known = "is not a town first48 knows (content/areas.yml)"
    start = f"{city!r} {known}" if city else "no city given"
    if nearest is not None and point is not None:
        away = distance_km(nearest.lat, nearest.lon, *point)
        return None, f"{start}, and the nearest town, {nearest.name}, is {away:.0f} km away"
    return None, f"{start}, and there are no coordinates"


def _point(lat: Any, lon: Any) -> tuple[float, float] | None:
    try:
        point = float(lat), float(lon)
    except (TypeError, ValueError):
        return None
    if -90 <= point[0] <= 90 and -180 <= point[1] <= 180:
        return point
    return None


def _address(address: Mapping[str, Any], area: Area | None) -> str:
    parts = [_str(address.get(k)) for k in ("address_1", "address_2", "city", "postal_code")]
    names = {fold(n) for n in (area.name, *area.aliases)} if area else set()
    out: list[str] = []
    for part in parts:
        # The town is the contact's area already; a district or village is worth keeping.
        if part and fold(part) not in names and fold(part) not in fold(", ".join(out)):
            out.append(part)
    return ", ".join(out)


def _phone(*holders: Mapping[str, Any]) -> tuple[str, str]:
    """The first phone that isn't a fax, and its extension."""
    for holder in holders:
        for phone in _list(holder.get("phones")):
            phone = _dict(phone)
            if _str(phone.get("type")).lower() == "fax":
                continue
            # Spreadsheets that went through CSV leave quotes around numbers (even the
            # HSDS example does): '"+44 1234 234567"'.
            number = _str(phone.get("number")).strip("\"' ")
            if number:
                return number, _str(phone.get("extension"))
    return "", ""


def _website(url: str) -> str:
    # "www.example.org" is how people write addresses; the link needs its scheme.
    return f"https://{url}" if url.lower().startswith("www.") else url


def _languages(entries: Sequence[Any]) -> tuple[list[str], list[str]]:
    codes, warnings = [], []
    for entry in entries:
        entry = _dict(entry)
        code = _str(entry.get("code")).lower()
        if re.fullmatch(r"[a-z]{2}", code):
            codes.append(code)
        elif code or entry.get("name"):
            warnings.append(
                f"{code or _str(entry.get('name'))!r} left out: first48 needs two-letter "
                "language codes, like ur or pl"
            )
    return codes, warnings


def shorten(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut after a sentence if one ends late enough."""
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    sentence = max(cut.rfind(". "), cut.rfind(".\n"))
    if sentence >= limit // 2:
        return cut[: sentence + 1]
    return cut.rsplit(None, 1)[0].rstrip(",;:") + "…"


def _day(value: Any) -> str:
    text = _str(value)[:10]
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        return ""


def _str(value: Any, *, keep_lines: bool = False) -> str:
    if value is None or isinstance(value, (dict, list)):
        return ""
    text = str(value)
    return text.strip() if keep_lines else " ".join(text.split())


def _dict(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


# --- schedules -> opening hours ---


class _Unmappable(ValueError):
    """A schedule that opening hours can't say; the message says why."""


def schedules_to_opening_hours(schedules: Sequence[Any], today: date) -> tuple[str, list[str]]:
    """An OpenStreetMap opening_hours expression for HSDS schedules, and what was left out.

    Schedules on the same day add up ("Mo-Th 09:00-12:00,15:00-17:00"): in opening_hours a
    later rule for a day replaces an earlier one, so they can't simply be joined with "; ".
    """
    for schedule in schedules:
        description = _str(_dict(schedule).get("description"))
        if description.startswith(HOURS_PREFIX):
            expression = description[len(HOURS_PREFIX) :].strip()
            try:
                OpeningHours(expression)
            except (ParserError, ValueError):
                break
            return expression, []
    weekly: dict[int, list[tuple[int, int]]] = {}
    monthly: list[tuple[int, str, tuple[int, int]]] = []
    warnings = []
    for number, schedule in enumerate(schedules, start=1):
        try:
            days, span = _schedule(_dict(schedule), today)
        except _Unmappable as exc:
            described = _str(_dict(schedule).get("description"))
            hint = f" (it says: {shorten(described, 80)})" if described else ""
            warnings.append(f"schedule {number} left out: {exc}{hint}")
            continue
        for day, nth in days:
            if nth:
                monthly.append((day, f"{_OSM_DAYS[day]}[{nth}]", span))
            else:
                weekly.setdefault(day, []).append(span)
    rules = [f"{_day_list(days)} {ranges}" for ranges, days in _group_days(weekly)]
    expression = "; ".join(rules)
    seen = set(weekly)
    for day, selector, span in monthly:
        # "," adds to a day's hours where ";" would replace them.
        joiner = ", " if day in seen else "; "
        seen.add(day)
        rule = f"{selector} {_span(span)}"
        expression = f"{expression}{joiner}{rule}" if expression else rule
    if expression:
        try:
            OpeningHours(expression)
        except (ParserError, ValueError):
            return "", [*warnings, f"hours left out: {expression!r} could not be checked"]
    return expression, warnings


def _schedule(schedule: Mapping[str, Any], today: date) -> tuple[list[tuple[int, str]], Any]:
    """The days (with "1", "-1" for the first or last in a month) and the minutes open."""
    freq = (_str(schedule.get("freq")) or "WEEKLY").upper()
    if freq not in ("WEEKLY", "MONTHLY", "DAILY"):
        raise _Unmappable(f"it repeats {freq.lower()}")
    interval = _str(schedule.get("interval")) or "1"
    if interval != "1":
        unit = "months" if freq == "MONTHLY" else "weeks" if freq == "WEEKLY" else "days"
        raise _Unmappable(f"it repeats every {interval} {unit}")
    for key in ("byweekno", "bymonthday", "byyearday", "count"):
        if _str(schedule.get(key)):
            raise _Unmappable(f"{key} {_str(schedule.get(key))!r} can't be written as hours")
    for key in ("valid_to", "until"):
        end = _day(schedule.get(key))
        if end and date.fromisoformat(end) < today:
            raise _Unmappable(f"it ended on {end}")
    for key in ("valid_from", "dtstart"):
        start = _day(schedule.get(key))
        if start and date.fromisoformat(start) > today:
            raise _Unmappable(f"it only starts on {start}")
    given = _str(schedule.get("byday"))
    byday = given.upper().replace(" ", "")
    days: list[tuple[int, str]] = []
    if not byday:
        if freq != "DAILY":
            raise _Unmappable("no days given (byday)")
        days = [(d, "") for d in range(7)]
    for token in filter(None, byday.split(",")):
        match = _BYDAY_RE.match(token)
        if match is None or (match.group(1) and freq != "MONTHLY"):
            raise _Unmappable(f"byday {given!r} is not a list of days like MO,TU")
        days.append((_DAYS.index(match.group(2)), (match.group(1) or "").lstrip("+")))
    opens = _minutes(schedule.get("opens_at"), "opens_at")
    closes = _minutes(schedule.get("closes_at"), "closes_at")
    if closes == 0:
        closes = 24 * 60
    if opens == closes:
        raise _Unmappable("it opens and closes at the same time")
    return days, (opens, closes)


def _minutes(value: Any, key: str) -> int:
    text = _str(value)
    match = _TIME_RE.match(text)
    if not text:
        raise _Unmappable(f"no {key}")
    if match is None or int(match.group(1)) > 24 or int(match.group(2)) > 59:
        raise _Unmappable(f"{key} {text!r} is not a time like 09:00")
    return min(int(match.group(1)) * 60 + int(match.group(2)), 24 * 60)


def _merge(spans: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        # Past-midnight spans ("22:00-02:00") stay as they are.
        if out and end > start and out[-1][1] > out[-1][0] and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return tuple(out)


def _group_days(weekly: Mapping[int, list[tuple[int, int]]]) -> list[tuple[str, list[int]]]:
    groups: dict[tuple[tuple[int, int], ...], list[int]] = {}
    for day in sorted(weekly):
        groups.setdefault(_merge(weekly[day]), []).append(day)
    return [(",".join(_span(s) for s in spans), days) for spans, days in groups.items()]


def _day_list(days: Sequence[int]) -> str:
    """Mo-Fr for three or more days in a row, Mo,Tu for two."""
    runs: list[list[int]] = []
    for day in sorted(days):
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{_OSM_DAYS[run[0]]}-{_OSM_DAYS[run[-1]]}")
        else:
            parts.extend(_OSM_DAYS[d] for d in run)
    return ",".join(parts)


def _span(span: tuple[int, int]) -> str:
    return f"{_hhmm(span[0])}-{_hhmm(span[1])}"


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


# --- CSV ---


def read_csv(text: str, content: ContentSet, today: date, file_name: str = "file") -> Parsed:
    """Our flat CSV: a header row, one column per ContactData field; lists split on ";"."""
    reader = csv.reader(io.StringIO(text))
    parsed = Parsed()
    try:
        header = next(reader, None)
        if header is None:
            raise ImportFileError(f"{file_name} is empty")
        columns = [h.strip().lower() for h in header]
        if "name" not in columns:
            raise ImportFileError(
                f"{file_name} line 1: expected a header row naming the columns: "
                + ",".join(CSV_FIELDS)
            )
        unknown = [c for c in columns if c and c not in CSV_FIELDS]
        if unknown:
            parsed.warnings.append(RowProblem(1, "", "columns", f"ignored: {', '.join(unknown)}"))
        end = reader.line_num
        for record in reader:
            # A quoted value can hold line breaks: a row starts after the previous one ends.
            line, end = end + 1, reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if len(record) > len(columns):
                parsed.problems.append(
                    RowProblem(
                        line, "", "columns", f"{len(record)} values for {len(columns)} columns"
                    )
                )
                continue
            form = {c: v for c, v in zip(columns, record, strict=False) if c in CSV_FIELDS}
            _csv_row(line, form, content, today, file_name, parsed)
    except csv.Error as exc:
        raise ImportFileError(f"{file_name} line {reader.line_num}: {exc}") from None
    return parsed


def _csv_row(
    line: int,
    form: dict[str, Any],
    content: ContentSet,
    today: date,
    file_name: str,
    parsed: Parsed,
) -> None:
    given_area = " ".join(str(form.get("area_id") or "").split())
    if given_area and given_area not in content.areas:
        # A person typing a CSV writes "Leeds"; take a town's exact name, never a guess.
        by_name = {fold(n): a for a in content.areas.values() for n in (a.name, *a.aliases)}
        if fold(given_area) in by_name:
            form["area_id"] = by_name[fold(given_area)].id
    form["source"] = str(form.get("source") or "").strip() or f"CSV import: {file_name}"
    try:
        data = validate(form, content, today)
    except InvalidContact as exc:
        errors = dict(exc.errors)
        if "area_id" in errors:
            errors["area_id"] = (
                f"unknown area {given_area!r}: use an id from content/areas.yml, like leeds"
                if given_area
                else "missing: use an id from content/areas.yml, like leeds"
            )
        parsed.problems.extend(RowProblem(line, "", k, v) for k, v in errors.items())
        return
    if _stale(data, today):
        parsed.warnings.append(RowProblem(line, "", "verified_on", _stale(data, today)))
    parsed.rows.append((line, data))


# --------------------------------------------------------------------------------------
# Exporting
# --------------------------------------------------------------------------------------


def write(contacts: Iterable[Contact], fmt: str, content: ContentSet) -> str:
    if fmt == "hsds":
        return write_hsds(contacts, content)
    if fmt == "csv":
        return write_csv(contacts)
    raise ValueError(f"unknown format {fmt!r}")


def write_csv(contacts: Iterable[Contact]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for contact in contacts:
        data = contact.data.as_json()
        row = []
        for name in CSV_FIELDS:
            value = data[name]
            if name in _LIST_FIELDS:
                value = ";".join(value)
            elif name == "sample":
                value = "true" if value else "false"
            elif value is None:
                value = ""
            row.append(value)
        writer.writerow(row)
    return out.getvalue()


def write_hsds(contacts: Iterable[Contact], content: ContentSet) -> str:
    """An HSDS 3.0 API page of fully nested services, one per contact."""
    services = [_service(c, content) for c in contacts]
    page = {
        "total_items": len(services),
        "total_pages": 1,
        "page_number": 1,
        "size": len(services),
        "first_page": True,
        "last_page": True,
        "empty": not services,
        "contents": services,
    }
    return json.dumps(page, ensure_ascii=False, indent=2) + "\n"


def _service(contact: Contact, content: ContentSet) -> dict[str, Any]:
    data = contact.data

    def uid(part: str) -> str:
        return str(uuid.uuid5(_NAMESPACE, f"contact/{contact.id}/{part}"))

    area = content.areas.get(data.area_id)
    address = {
        "id": uid("address"),
        "address_1": data.address,
        "city": area.name if area else data.area_id,
        "state_province": "",
        "postal_code": "",
        "country": area.country if area else contact.country,
        "address_type": "physical",
    }
    location: dict[str, Any] = {
        "id": uid("location"),
        "location_type": "physical",
        "name": data.name,
        "addresses": [address],
    }
    if data.lat is not None and data.lon is not None:
        location["latitude"], location["longitude"] = data.lat, data.lon
    attributes = [
        _attribute(uid(f"kind/{k}"), KINDS_TAXONOMY, k, _kind_name(content, k)) for k in data.kinds
    ]
    attributes += [
        _attribute(uid(f"flag/{f}"), FLAGS_TAXONOMY, f, f.replace("_", " ")) for f in data.flags
    ]
    service: dict[str, Any] = {
        "id": uid("service"),
        "name": data.name,
        "description": data.notes,
        "status": "active",
        "organization": {"id": uid("organization"), "name": data.name},
        "phones": (
            [{"id": uid("phone"), "number": data.phone, "type": "voice"}] if data.phone else []
        ),
        "languages": [{"id": uid(f"language/{c}"), "code": c} for c in data.languages],
        "schedules": opening_hours_to_schedules(data.opening_hours, uid),
        "service_at_locations": [{"id": uid("service_at_location"), "location": location}],
        "attributes": attributes,
        "last_modified": contact.updated_at,
    }
    if data.website:
        service["url"] = data.website
        service["organization"]["website"] = data.website
    if data.verified_on:
        service["assured_date"] = data.verified_on
    if data.sample:
        service["alert"] = SAMPLE_ALERT
        service["attributes"].append(
            _attribute(uid("flag/sample"), FLAGS_TAXONOMY, "sample", SAMPLE_ALERT)
        )
    return service


def _kind_name(content: ContentSet, kind_id: str) -> str:
    kind = content.kinds.get(kind_id)
    return kind.name("en") if kind else kind_id


def _attribute(attribute_id: str, taxonomy: str, code: str, name: str) -> dict[str, Any]:
    return {
        "id": attribute_id,
        "link_type": "service",
        "taxonomy_term": {
            "id": code,
            "code": code,
            "name": name,
            "taxonomy": taxonomy,
            "taxonomy_detail": {
                "id": str(uuid.uuid5(_NAMESPACE, f"taxonomy/{taxonomy}")),
                "name": taxonomy,
                "description": "Kinds of help in first48's directory"
                if taxonomy == KINDS_TAXONOMY
                else "What first48 notes about a service (walk-in, no ID needed...)",
            },
        },
    }


def opening_hours_to_schedules(expression: str, uid: Callable[[str], str]) -> list[dict[str, Any]]:
    """Weekly HSDS schedules for an opening_hours expression, each carrying the expression.

    The hours come from the expression itself (open intervals over sample weeks). When
    they differ from week to week ("Sa[1]", "week 1-53/2", seasons), only the expression is
    given: weekly schedules would say something that isn't so.
    """
    if not expression:
        return []
    description = HOURS_PREFIX + expression
    weeks = [_week(expression, monday) for monday in _SAMPLE_MONDAYS]
    if any(week != weeks[0] for week in weeks):
        return [{"id": uid("schedule/0"), "description": description}]
    spans: dict[tuple[int, int], list[int]] = {}
    for day, day_spans in enumerate(weeks[0]):
        for span in day_spans:
            spans.setdefault(span, []).append(day)
    ordered = sorted(spans.items(), key=lambda item: (item[1][0], item[0]))
    return [
        {
            "id": uid(f"schedule/{n}"),
            "freq": "WEEKLY",
            "byday": ",".join(_DAYS[d] for d in days),
            "opens_at": _hhmm(opens),
            "closes_at": _hhmm(closes % (24 * 60)),
            "description": description,
        }
        for n, ((opens, closes), days) in enumerate(ordered)
    ] or [{"id": uid("schedule/0"), "description": description}]


def _week(expression: str, monday: date) -> list[list[tuple[int, int]]]:
    """Open (start, end) minutes on each day of the week from ``monday``; end 1440 = midnight."""
    start = datetime.combine(monday, time())
    days: list[list[tuple[int, int]]] = [[] for _ in range(7)]
    for begin, end, state, _ in OpeningHours(expression).intervals(start, start + timedelta(7)):
        if state != State.OPEN:
            continue
        end = min(end or start + timedelta(7), start + timedelta(7))
        while begin < end:
            midnight = datetime.combine(begin.date() + timedelta(1), time())
            piece = min(end, midnight)
            stop = 24 * 60 if piece == midnight else piece.hour * 60 + piece.minute
            days[(begin.date() - monday).days].append((begin.hour * 60 + begin.minute, stop))
            begin = piece
    return days


SAMPLE_FILE = Path(__file__).resolve().parent.parent / "content" / "directory" / "sample.csv"


def load_sample_if_empty(directory: Directory, content: ContentSet, now: datetime) -> int:
    """Fill an empty directory with the labelled sample (for the demo); returns the count."""
    if directory.contacts(include_hidden=True):
        return 0
    return import_file(directory, content, SAMPLE_FILE, now, fmt="csv").imported
