"""Serving the web app with uvicorn: on its own (`first48 web`) or inside `first48 run`."""

from __future__ import annotations

import contextlib
import logging
import re
import secrets
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import uvicorn

from bot.settings import Secret, Settings

logger = logging.getLogger(__name__)

DEFAULT_PORT = 8048
_PRIVATE_LINK_RE = re.compile(r"(/edit/)[^/?\s\"]+")


class RedactPrivateLinks(logging.Filter):
    """Access logs show /edit/… instead of the private token that lets anyone edit an entry."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                _PRIVATE_LINK_RE.sub(r"\1…", a) if isinstance(a, str) else a for a in record.args
            )
        return True


def with_secret(settings: Settings) -> Settings:
    """Settings with a session secret: the configured one, or a random one (with a warning)."""
    if settings.web_session_key:
        return settings
    logger.warning(
        "FIRST48_WEB_SECRET is not set: using a random one, so everyone is signed out "
        "whenever first48 restarts"
    )
    return replace(settings, web_session_key=Secret(secrets.token_urlsafe(32)))


def config(app: Any, host: str, port: int) -> uvicorn.Config:
    """Our logging (set up by the CLI), proxy headers trusted from loopback only (the default)."""
    logging.getLogger("uvicorn.access").addFilter(RedactPrivateLinks())
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_config=None,
        server_header=False,
        proxy_headers=True,
        lifespan="on",
    )


class EmbeddedServer(uvicorn.Server):
    """A uvicorn server that shares the bot's event loop and leaves its signals to the bot."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield
