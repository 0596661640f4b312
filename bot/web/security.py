"""Sessions that expire, CSRF tokens on every form, and the security headers on every response.

The session is Starlette's signed cookie (HttpOnly, SameSite=Lax, Secure unless
FIRST48_WEB_HTTPS_ONLY=false). Expiry is checked here on every request against the bot's
clock, so tests can move time: 8 hours after signing in, or 30 minutes without a request.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from urllib.parse import quote

from starlette.datastructures import FormData, MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.accounts import Accounts, User
from bot.store import from_iso, iso

SESSION_LIFETIME = timedelta(hours=8)
IDLE_TIMEOUT = timedelta(minutes=30)
CSRF_FIELD = "csrf_token"
# Only "seen" is refreshed at most once a minute, so most requests don't re-send the cookie.
_SEEN_GRANULARITY = timedelta(minutes=1)

HEADERS = {
    # No inline script or style anywhere; one stylesheet from this site.
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # private edit links must never leak in a Referer
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "geolocation=(), camera=(), microphone=()",
}


# The studio's editor alone runs one script from this site (its live preview), which talks
# only to this site; every other page runs none.
STUDIO_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


class SecurityHeaders:
    """Adds HEADERS to every response; pages (not the stylesheet) are never cached."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith("/static/")
        studio = scope["path"].startswith("/studio/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers.setdefault(name, value)
                if studio:
                    headers["Content-Security-Policy"] = STUDIO_CSP
                if not static:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)


class CSRFError(Exception):
    """A form posted without this session's token."""


class SignInRequired(Exception):
    """The page needs an account; the handler redirects to /login?next=..."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url

    @property
    def location(self) -> str:
        return f"/login?next={quote(self.next_url, safe='/')}"


class Forbidden(Exception):
    """Signed in, but this account's role may not see the page."""


def csrf_token(request: Request) -> str:
    """This session's synchronizer token (created on first use)."""
    token = request.session.get("csrf")
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


async def checked_form(request: Request) -> FormData:
    """The posted form, after checking its CSRF token; every state-changing form uses this."""
    form = await request.form()
    sent = form.get(CSRF_FIELD)
    expected = request.session.get("csrf")
    if (
        not isinstance(sent, str)
        or not isinstance(expected, str)
        or not expected
        or not secrets.compare_digest(sent.encode(), expected.encode())
    ):
        raise CSRFError
    return form


def sign_in(request: Request, user: User, now: datetime) -> None:
    """A fresh session (new CSRF token too), so nothing from before signing in carries over."""
    request.session.clear()
    request.session.update(
        {"uid": user.id, "started": iso(now), "seen": iso(now), "csrf": secrets.token_urlsafe(32)}
    )


def sign_out(request: Request, message: str = "") -> None:
    request.session.clear()
    if message:
        flash(request, message)


def session_user(request: Request, accounts: Accounts, now: datetime) -> User | None:
    """The signed-in user, or None; ends sessions that are too old, idle, or for a disabled user."""
    cached = getattr(request.state, "user", False)
    if cached is not False:
        return cached  # type: ignore[no-any-return]
    request.state.user = None
    uid = request.session.get("uid")
    if not isinstance(uid, int):
        return None
    try:
        started = from_iso(str(request.session.get("started")))
        seen = from_iso(str(request.session.get("seen")))
    except ValueError:
        sign_out(request)
        return None
    if now - started > SESSION_LIFETIME:
        sign_out(request, "You were signed out: sessions last 8 hours. Please sign in again.")
        return None
    if now - seen > IDLE_TIMEOUT:
        sign_out(request, "You were signed out after 30 minutes without activity.")
        return None
    user = accounts.user(uid)
    if user is None or user.disabled:
        sign_out(request)
        return None
    if now - seen >= _SEEN_GRANULARITY:
        request.session["seen"] = iso(now)
    request.state.user = user
    return user


def flash(request: Request, message: str) -> None:
    """A one-time message shown on the next page."""
    messages = list(request.session.get("flash", []))
    request.session["flash"] = [*messages, message][-5:]


def pop_flashes(request: Request) -> list[str]:
    if "flash" not in request.session:
        return []
    return [str(m) for m in request.session.pop("flash")]


def safe_next(url: str | None, default: str) -> str:
    """Only a path on this site: never //elsewhere or https://elsewhere after signing in."""
    if not url or not url.startswith("/") or url.startswith("//") or "\\" in url:
        return default
    return url
