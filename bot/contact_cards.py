"""Local contacts as short cards in a chat message: what the person reads, in their language.

Pure functions of a search result: no Telegram, no database. Everything a service typed is
escaped, because the bot sends HTML.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from datetime import date
from urllib.parse import quote_plus

from bot.content import ContentSet
from bot.directory import FLAGS, Match

PAGE = 3  # cards per message: enough to choose from, short enough for a small screen


def _when(match: Match, t: Callable[..., str], language: str) -> str:
    change = match.next_change
    if match.open_now is None:
        return t(language, "contacts_hours_unknown")
    if match.open_now:
        if change is None:
            return t(language, "contacts_open")
        return t(language, "contacts_open_until", time=change.strftime("%H:%M"))
    if change is None:
        return t(language, "contacts_closed")
    day = t(language, "weekdays").split()[change.weekday()]
    return t(language, "contacts_opens", day=day, time=change.strftime("%H:%M"))


def _map_link(match: Match) -> str | None:
    data = match.contact.data
    if data.lat is not None and data.lon is not None:
        return (
            f"https://www.openstreetmap.org/?mlat={data.lat:.5f}&mlon={data.lon:.5f}"
            f"#map=17/{data.lat:.5f}/{data.lon:.5f}"
        )
    if data.address:
        return f"https://www.openstreetmap.org/search?query={quote_plus(data.address)}"
    return None


def _km(distance: float) -> str:
    return f"{distance:.1f}" if distance < 10 else f"{distance:.0f}"


def card(match: Match, content: ContentSet, language: str) -> str:
    """One contact: name, open or next open, distance and address, phone, map, flags."""
    t = content.text
    data = match.contact.data
    kind = content.kinds.get(data.kinds[0]) if data.kinds else None
    emoji = kind.emoji if kind else "📍"
    lines = [f"{emoji} <b>{html.escape(data.name)}</b>"]
    if data.sample:
        lines[0] += f" <i>{t(language, 'contacts_sample')}</i>"
    lines.append(_when(match, t, language))
    where = []
    if match.distance_km is not None:
        where.append(t(language, "contacts_km", km=_km(match.distance_km)))
    if data.address:
        where.append(html.escape(data.address))
    if where:
        lines.append("📍 " + " · ".join(where))
    if data.phone:
        lines.append(f"☎️ {html.escape(data.phone)}")
    link = _map_link(match)
    if link:
        lines.append(f'🗺 <a href="{html.escape(link)}">{t(language, "contacts_map")}</a>')
    flags = [t(language, f"flag_{flag}") for flag in FLAGS if flag in data.flags]
    if flags:
        lines.append("✅ " + ", ".join(flags))
    if match.stale:
        checked = _month(data.verified_on)
        lines.append(t(language, "contacts_stale", date=checked))
    return "\n".join(lines)


def _month(iso_day: str) -> str:
    try:
        return date.fromisoformat(iso_day).strftime("%m/%Y")
    except ValueError:
        return iso_day


def page_text(
    matches: Sequence[Match],
    content: ContentSet,
    language: str,
    *,
    header: str,
    weekend_gap: bool = False,
    out_of_hours: Sequence[Match] = (),
) -> str:
    """A page of cards under a header, with the weekend warning when OST closes till Monday."""
    t = content.text
    parts = [header]
    if weekend_gap:
        parts.append(t(language, "contacts_weekend"))
        if out_of_hours:
            options = [t(language, "contacts_out_of_hours")]
            for match in out_of_hours[:PAGE]:
                name = html.escape(match.contact.data.name)
                phone = html.escape(match.contact.data.phone)
                options.append(f"• <b>{name}</b>" + (f" ☎️ {phone}" if phone else ""))
            parts.append("\n".join(options))
    parts.extend(card(match, content, language) for match in matches)
    return "\n\n".join(parts)
