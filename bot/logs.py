"""Logging set-up: plain lines for people, or one JSON object per line for log shippers.

Message text from people is never passed to a logger anywhere (tests/test_privacy.py), so
neither format can hold it; the JSON format adds only the fields a call gives in ``extra``.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

# Attributes every LogRecord has; anything else on a record came from ``extra=``.
_STANDARD = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    """``{"time", "level", "logger", "message", ...extra}`` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in entry:
                entry[key] = value
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def setup_logging(level: str, style: str = "text") -> None:
    handler = logging.StreamHandler()
    if style == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level, handlers=[handler])  # no-op if already set up (tests)
    # httpx logs every request URL, and Telegram URLs contain the bot token.
    for noisy in ("httpx", "httpcore", "apscheduler", "telegram.ext.Application"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # At DEBUG python-telegram-bot logs every update and every message it sends, whole: what
    # people wrote, their chat ids, their names. Never below INFO, whatever the operator asks.
    logging.getLogger("telegram").setLevel(max(logging.getLogger().level, logging.INFO))
    # A dispatch round still sending when the next is due is skipped on purpose; not news.
    logging.getLogger("apscheduler.scheduler").setLevel(logging.ERROR)
