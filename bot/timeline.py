"""A person's timeline: which messages fall due when, computed from their release."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.content import WEEKDAYS, Message, Timing

# Messages that fell due this recently still count as on time (a slow onboarding is not "late").
ON_TIME_GRACE = timedelta(minutes=10)


@dataclass(frozen=True)
class Facts:
    """What the timeline depends on."""

    released_at: datetime  # aware
    zone: ZoneInfo
    on_ost: str = "unknown"  # yes | no | unknown
    housed: str = "unknown"

    @property
    def release_weekday(self) -> str:
        return WEEKDAYS[self.released_at.astimezone(self.zone).weekday()]

    def matches(self, message: Message) -> bool:
        values = {
            "release_weekday": self.release_weekday,
            "on_ost": self.on_ost,
            "housed": self.housed,
        }
        return all(values[name] in allowed for name, allowed in message.conditions.items())


@dataclass(frozen=True)
class QuietHours:
    start: time = time(22, 0)
    end: time = time(8, 0)

    def contains(self, local: time) -> bool:
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def release(self, when: datetime, zone: ZoneInfo) -> datetime:
        """The first moment at or after ``when`` that is outside quiet hours."""
        local = when.astimezone(zone)
        if not self.contains(local.time()):
            return when
        day = local.date()
        if self.start > self.end and local.time() >= self.start:
            day += timedelta(days=1)
        return _local(day, self.end, zone)


@dataclass(frozen=True)
class Planned:
    message: Message
    due_at: datetime  # UTC, after quiet hours
    nominal_at: datetime  # UTC, as the content says


def _local(day: date, at: time, zone: ZoneInfo) -> datetime:
    # A wall time skipped by a DST change resolves forward, as clocks do.
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def nominal_time(timing: Timing, released_at: datetime, zone: ZoneInfo) -> datetime:
    """When a timing falls due, in UTC.

    Hours are elapsed time; days, weeks and months keep the local clock time of release,
    so "1 day after" stays at the same hour across a daylight-saving change.
    """
    released_local = released_at.astimezone(zone)
    if timing.unit == "hour":
        return released_at.astimezone(UTC) + timedelta(hours=timing.amount)
    if timing.unit == "at":
        assert timing.at is not None
        return _local(released_local.date() + timedelta(days=timing.amount - 1), timing.at, zone)
    if timing.unit in ("day", "week"):
        days = timing.amount * (7 if timing.unit == "week" else 1)
        day = released_local.date() + timedelta(days=days)
    else:
        day = _add_months(released_local.date(), timing.amount)
    return _local(day, released_local.time().replace(tzinfo=None), zone)


def compute(messages: Iterable[Message], facts: Facts, quiet: QuietHours) -> list[Planned]:
    """Every timeline message that applies to this person, with when it is due."""
    planned = []
    for message in messages:
        if message.when is None or not facts.matches(message):
            continue
        nominal = nominal_time(message.when, facts.released_at, facts.zone)
        due = nominal if message.priority == "critical" else quiet.release(nominal, facts.zone)
        planned.append(Planned(message, due, nominal))
    return sorted(planned, key=lambda p: (p.due_at, p.message.rank, p.message.id))


def split_missed(planned: Sequence[Planned], now: datetime) -> tuple[list[Planned], list[Planned]]:
    """(missed, upcoming): missed ones were due before now, beyond the grace period.

    A message held back by quiet hours is not missed until the morning it was held for.
    """
    missed = [p for p in planned if p.due_at < now - ON_TIME_GRACE]
    upcoming = [p for p in planned if p.due_at >= now - ON_TIME_GRACE]
    return missed, upcoming


def most_important(missed: Sequence[Planned]) -> Planned | None:
    """The one missed message worth sending now: highest priority, then the most recent."""
    if not missed:
        return None
    return min(missed, key=lambda p: (p.message.rank, -p.nominal_at.timestamp()))
