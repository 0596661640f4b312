"""The contact form: its fields, what a service typed, how a contact reads, how fresh it is."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from starlette.datastructures import FormData

from bot.content import ContentSet
from bot.directory import FLAGS, HIDDEN_AFTER, STALE_AFTER, Contact, ContactData, validate

LANGUAGE = "en"  # the web app is in English for now; kind names come from content

# Plain words for the flags: what someone just released needs to know before going.
FLAG_LABELS = {
    "walk_in": "Walk-in: no appointment needed",
    "no_id": "No ID needed",
    "no_insurance": "No health insurance or GP registration needed",
    "women_only": "Women only",
    "accepts_released": "Welcomes people just released from prison",
    "out_of_hours": "Open evenings, nights or weekends",
}
assert set(FLAG_LABELS) == set(FLAGS)


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    hint: str = ""


FIELDS = {
    f.name: f
    for f in (
        Field("name", "Name of the service"),
        Field("kinds", "Kinds of help", "Choose every kind that applies."),
        Field("area_id", "Town or city"),
        Field(
            "address",
            "Street address",
            "Where people go. Leave empty for a phone or online service.",
        ),
        Field("lat", "Latitude", "For example 53.7997"),
        Field("lon", "Longitude", "For example -1.5492"),
        Field("phone", "Phone number", "With the country code if you can, like +44 113 496 0000."),
        Field("website", "Website", "A full address starting with https://"),
        Field(
            "languages",
            "Languages spoken",
            "Two-letter codes separated by commas, like en, pl, ro.",
        ),
        Field(
            "opening_hours",
            "Opening hours",
            "In OpenStreetMap format, for example: Mo-Fr 09:00-17:00; Sa 10:00-12:00. "
            "Leave empty if they change often.",
        ),
        Field("flags", "Good to know", "Tick what is true for everyone who comes."),
        Field(
            "notes",
            "Notes for people using the service",
            "Plain words: what to bring, who to ask for, what to expect. "
            "No names of staff or clients.",
        ),
        Field(
            "verified_on",
            "Date these details were last checked",
            "Today if left empty.",
        ),
    )
}
LIST_FIELDS = ("kinds", "languages", "flags")


def empty_values() -> dict[str, Any]:
    return {name: ([] if name in ("kinds", "flags") else "") for name in FIELDS}


def form_values(form: FormData) -> dict[str, Any]:
    """What was typed, as typed, so a form with errors comes back filled in."""
    values = empty_values()
    for name in FIELDS:
        if name in ("kinds", "flags"):
            values[name] = [v for v in form.getlist(name) if isinstance(v, str)]
        else:
            value = form.get(name)
            values[name] = value if isinstance(value, str) else ""
    return values


def data_values(data: ContactData) -> dict[str, Any]:
    """A stored contact as form values."""
    return {
        "name": data.name,
        "kinds": list(data.kinds),
        "area_id": data.area_id,
        "address": data.address,
        "lat": "" if data.lat is None else f"{data.lat:g}",
        "lon": "" if data.lon is None else f"{data.lon:g}",
        "phone": data.phone,
        "website": data.website,
        "languages": ", ".join(data.languages),
        "opening_hours": data.opening_hours,
        "flags": list(data.flags),
        "notes": data.notes,
        "verified_on": data.verified_on,
    }


def today_for(content: ContentSet, area_id: Any, now: datetime, fallback: ZoneInfo) -> date:
    """Today where the service is (a date typed as today is never 'in the future')."""
    area = content.areas.get(area_id) if isinstance(area_id, str) else None
    return now.astimezone(ZoneInfo(area.timezone) if area else fallback).date()


def checked(
    values: Mapping[str, Any],
    content: ContentSet,
    now: datetime,
    zone: ZoneInfo,
    base: ContactData | None = None,
) -> ContactData:
    """Validate form values; raises InvalidContact. Source and the sample mark are kept."""
    form = dict(values)
    if base is not None:
        form["source"], form["sample"] = base.source, base.sample
    else:
        form["source"] = "web form"
    return validate(form, content, today_for(content, form.get("area_id"), now, zone))


def display(name: str, data: ContactData, content: ContentSet) -> str:
    """One field of a contact, as a reader sees it."""
    if name == "kinds":
        return ", ".join(
            content.kinds[k].name(LANGUAGE) if k in content.kinds else k for k in data.kinds
        )
    if name == "area_id":
        area = content.areas.get(data.area_id)
        return area.name if area else data.area_id
    if name == "flags":
        return "; ".join(FLAG_LABELS.get(f, f) for f in data.flags)
    if name == "languages":
        return ", ".join(data.languages)
    if name in ("lat", "lon"):
        value = getattr(data, name)
        return "" if value is None else f"{value:g}"
    return str(getattr(data, name))


def rows(
    data: ContactData, content: ContentSet, before: ContactData | None = None
) -> list[dict[str, Any]]:
    """Label, value (and the value before, and whether it changed) for every field."""
    out = []
    for name, spec in FIELDS.items():
        value = display(name, data, content)
        old = display(name, before, content) if before is not None else None
        out.append(
            {
                "name": name,
                "label": spec.label,
                "value": value,
                "before": old,
                "changed": before is not None and old != value,
            }
        )
    return out


def age_days(data: ContactData, today: date) -> int | None:
    try:
        return (today - date.fromisoformat(data.verified_on)).days
    except ValueError:
        return None


def freshness(data: ContactData, today: date, status: str = "approved") -> str:
    """'fresh'; 'stale' (6 months unchecked: shown with a warning); 'hidden' (12 months)."""
    days = age_days(data, today)
    if status == "hidden" or days is None or days > HIDDEN_AFTER.days:
        return "hidden"
    if days > STALE_AFTER.days:
        return "stale"
    return "fresh"


def contact_freshness(contact: Contact, content: ContentSet, now: datetime, zone: ZoneInfo) -> str:
    today = today_for(content, contact.data.area_id, now, zone)
    return freshness(contact.data, today, contact.status)
