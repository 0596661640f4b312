"""Settings, read once from the environment and checked at start-up."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the variable."""


class Secret:
    """A string that never prints itself, so tokens stay out of logs and tracebacks."""

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return "Secret('**********')" if self._value else "Secret('')"

    __str__ = __repr__


@dataclass(frozen=True)
class Settings:
    telegram_token: Secret = field(default_factory=lambda: Secret(""))
    telegram_api_url: str = "https://api.telegram.org"
    database: Path = Path("first48.db")
    timezone: str = "Europe/London"
    content_dir: Path = DEFAULT_CONTENT_DIR
    quiet_start: time = time(22, 0)
    quiet_end: time = time(8, 0)
    bot_username: str = "first48_bot"
    dispatch_interval: float = 1.0
    dispatch_rate: float = 28.5  # Telegram allows 30 in all; answers to people use the rest
    content_reload_interval: float = 30.0
    log_level: str = "INFO"
    log_format: str = "text"  # or "json": one object per line, for log-based alerting
    status_interval: float = 300.0  # seconds between status lines in the log
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_timeout: float = 1.0
    nlu_threshold: float = 0.6
    web_host: str = "127.0.0.1"
    web_port: int | None = None  # `first48 run` serves the web app only when this is set
    web_session_key: Secret = field(default_factory=lambda: Secret(""))  # signs session cookies
    web_https_only: bool = True  # session cookies marked Secure: sent over HTTPS only
    # The peer workers' group (a forum supergroup); None: no hand-over, the peer answer instead.
    peer_group_id: int | None = None
    # When peers answer, as an OpenStreetMap opening_hours expression; an area may set its own
    # (`peer_hours:` in content/areas.yml).
    peer_hours: str = "Mo-Su 09:00-21:00"
    # A case nobody has answered for this long (in peer hours) is raised again in the group.
    peer_escalate_after: float = 15 * 60.0
    # The language the bot writes to the peer group in.
    peer_language: str = "en"
    # People are deleted this many days after their last timeline message (and last word).
    retention_days: float = 365.0
    # Webhook mode: Telegram POSTs updates to this public URL (the web app's /telegram/update)
    # with this secret token; empty: the bot polls.
    webhook_url: str = ""
    webhook_secret: Secret = field(default_factory=lambda: Secret(""))

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def _parse_choice(name: str, value: str, choices: tuple[str, ...]) -> str:
    chosen = value.strip().lower()
    if chosen not in choices:
        raise SettingsError(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return chosen


def _parse_hhmm(name: str, value: str) -> time:
    try:
        hours, minutes = value.strip().split(":")
        return time(int(hours), int(minutes))
    except ValueError as exc:
        raise SettingsError(f"{name}: expected HH:MM, got {value!r}") from exc


def _parse_float(name: str, value: str, minimum: float) -> float:
    try:
        number = float(value)
    except ValueError as exc:
        raise SettingsError(f"{name}: expected a number, got {value!r}") from exc
    if number < minimum:
        raise SettingsError(f"{name}: must be at least {minimum}, got {value!r}")
    return number


def _parse_port(name: str, value: str) -> int | None:
    if not value.strip():
        return None
    try:
        port = int(value)
    except ValueError as exc:
        raise SettingsError(f"{name}: expected a port number, got {value!r}") from exc
    if not 1 <= port <= 65535:
        raise SettingsError(f"{name}: expected a port from 1 to 65535, got {value!r}")
    return port


def _parse_bool(name: str, value: str) -> bool:
    text = value.strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name}: expected true or false, got {value!r}")


def _parse_web_session_key(value: str) -> Secret:
    secret = value.strip()
    if secret and len(secret) < 32:
        raise SettingsError(
            "FIRST48_WEB_SECRET: use at least 32 random characters "
            '(python3 -c "import secrets; print(secrets.token_urlsafe(32))")'
        )
    return Secret(secret)


def _parse_group(value: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not re.fullmatch(r"-100\d+", value):
        raise SettingsError(
            f"FIRST48_PEER_GROUP: expected a supergroup chat id like -1001234567890, got {value!r}"
        )
    return int(value)


def _parse_hours(value: str) -> str:
    from opening_hours import OpeningHours, ParserError

    try:
        OpeningHours(value)
    except (ParserError, ValueError) as exc:
        raise SettingsError(f"FIRST48_PEER_HOURS: not an opening_hours expression: {exc}") from None
    return value


def _parse_webhook(url: str, secret: str) -> tuple[str, Secret]:
    url, secret = url.strip(), secret.strip()
    if not url:
        return "", Secret("")
    if not url.startswith(("https://", "http://")):
        raise SettingsError(f"FIRST48_WEBHOOK_URL: expected an https URL, got {url!r}")
    if not re.fullmatch(r"[A-Za-z0-9_-]{16,256}", secret):
        raise SettingsError(
            "FIRST48_WEBHOOK_SECRET: with a webhook URL, set 16-256 letters, digits, _ or - "
            '(python3 -c "import secrets; print(secrets.token_urlsafe(32))")'
        )
    return url, Secret(secret)


def from_environ(environ: Mapping[str, str] | None = None) -> Settings:
    """Build settings from environment variables (see the README table)."""
    env = os.environ if environ is None else environ
    zone = env.get("FIRST48_TIMEZONE", "Europe/London")
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise SettingsError(f"FIRST48_TIMEZONE: unknown time zone {zone!r}") from exc
    quiet = env.get("FIRST48_QUIET_HOURS", "22:00-08:00")
    try:
        quiet_start_text, quiet_end_text = quiet.split("-")
    except ValueError as exc:
        raise SettingsError(f"FIRST48_QUIET_HOURS: expected HH:MM-HH:MM, got {quiet!r}") from exc
    content_dir = Path(env.get("FIRST48_CONTENT_DIR", str(DEFAULT_CONTENT_DIR)))
    if not content_dir.is_dir():
        raise SettingsError(f"FIRST48_CONTENT_DIR: {content_dir} is not a folder")
    api_url = env.get("TELEGRAM_API_URL", "https://api.telegram.org").rstrip("/")
    if not api_url.startswith(("http://", "https://")):
        raise SettingsError(f"TELEGRAM_API_URL: expected an http(s) URL, got {api_url!r}")
    webhook_url, webhook_secret = _parse_webhook(
        env.get("FIRST48_WEBHOOK_URL", ""), env.get("FIRST48_WEBHOOK_SECRET", "")
    )
    return Settings(
        telegram_token=Secret(env.get("TELEGRAM_TOKEN", "").strip()),
        telegram_api_url=api_url,
        database=Path(env.get("FIRST48_DATABASE", "first48.db")),
        timezone=zone,
        content_dir=content_dir,
        quiet_start=_parse_hhmm("FIRST48_QUIET_HOURS", quiet_start_text),
        quiet_end=_parse_hhmm("FIRST48_QUIET_HOURS", quiet_end_text),
        bot_username=env.get("FIRST48_BOT_USERNAME", "first48_bot").lstrip("@"),
        dispatch_interval=_parse_float(
            "FIRST48_DISPATCH_INTERVAL", env.get("FIRST48_DISPATCH_INTERVAL", "1"), 0.01
        ),
        dispatch_rate=_parse_float(
            "FIRST48_DISPATCH_RATE", env.get("FIRST48_DISPATCH_RATE", "28.5"), 1
        ),
        content_reload_interval=_parse_float(
            "FIRST48_CONTENT_RELOAD", env.get("FIRST48_CONTENT_RELOAD", "30"), 0.1
        ),
        log_level=env.get("FIRST48_LOG_LEVEL", "INFO").upper(),
        status_interval=_parse_float(
            "FIRST48_STATUS_INTERVAL", env.get("FIRST48_STATUS_INTERVAL", "300"), 0.1
        ),
        log_format=_parse_choice(
            "FIRST48_LOG_FORMAT", env.get("FIRST48_LOG_FORMAT", "text"), ("text", "json")
        ),
        rasa_url=env.get("RASA_URL", "http://127.0.0.1:5005").strip().rstrip("/"),
        rasa_timeout=_parse_float("RASA_TIMEOUT", env.get("RASA_TIMEOUT", "1"), 0.05),
        nlu_threshold=_parse_float(
            "FIRST48_NLU_THRESHOLD", env.get("FIRST48_NLU_THRESHOLD", "0.6"), 0
        ),
        web_host=env.get("FIRST48_WEB_HOST", "127.0.0.1").strip() or "127.0.0.1",
        web_port=_parse_port("FIRST48_WEB_PORT", env.get("FIRST48_WEB_PORT", "")),
        web_session_key=_parse_web_session_key(env.get("FIRST48_WEB_SECRET", "")),
        web_https_only=_parse_bool(
            "FIRST48_WEB_HTTPS_ONLY", env.get("FIRST48_WEB_HTTPS_ONLY", "true")
        ),
        peer_group_id=_parse_group(env.get("FIRST48_PEER_GROUP", "")),
        peer_hours=_parse_hours(env.get("FIRST48_PEER_HOURS", "Mo-Su 09:00-21:00")),
        peer_escalate_after=60
        * _parse_float("FIRST48_PEER_ESCALATE", env.get("FIRST48_PEER_ESCALATE", "15"), 0.01),
        peer_language=env.get("FIRST48_PEER_LANGUAGE", "en").strip().lower() or "en",
        webhook_url=webhook_url,
        webhook_secret=webhook_secret,
        retention_days=30.4375
        * _parse_float("FIRST48_RETENTION_MONTHS", env.get("FIRST48_RETENTION_MONTHS", "12"), 1),
    )
