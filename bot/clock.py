"""The clock the bot reads; tests and the terminal demo move it forward."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class Clock:
    """Real time plus an offset; or a frozen moment when ``start`` is given (for tests)."""

    def __init__(self, start: datetime | None = None) -> None:
        if start is not None and start.tzinfo is None:
            raise ValueError("start must be time-zone aware")
        self._frozen = start
        self._offset = timedelta()

    def now(self) -> datetime:
        base = self._frozen if self._frozen is not None else datetime.now(UTC)
        return (base + self._offset).astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        if delta < timedelta():
            raise ValueError("the clock only moves forward")
        self._offset += delta
