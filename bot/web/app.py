"""The web app: one FastAPI (ASGI) app for the pages and the JSON API.

FastAPI because it is the mainstream Python choice for a JSON API with an OpenAPI
description generated from the same Pydantic models that check requests; underneath it is
Starlette, which gives us signed sessions, Jinja2 templates, static files and a test client.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import jinja2
from fastapi import FastAPI, HTTPException, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from bot.accounts import Accounts, User
from bot.web import contact_form
from bot.web.security import (
    CSRF_FIELD,
    SESSION_LIFETIME,
    CSRFError,
    Forbidden,
    SecurityHeaders,
    SignInRequired,
    csrf_token,
    pop_flashes,
    session_user,
)

if TYPE_CHECKING:
    from bot.telegram_app import Services

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
API_PREFIX = "/api/"
# A row id in a URL. SQLite's integers are 64-bit: a bigger number would make the driver raise
# (a server error); bounded here, it is simply a page or entry that is not found.
RowId = Annotated[int, PathParam(ge=1, le=2**63 - 1)]


def create_app(
    services: Services, *, reload_content: bool = False, telegram: Any = None
) -> FastAPI:
    """The web app over the bot's own services (database, content, clock).

    ``reload_content``: re-read the content folder now and then (for ``first48 web`` on its
    own; inside ``first48 run`` the bot already does). ``telegram``: the bot's Application, in
    webhook mode (bot/web/telegram_hook.py).
    """
    from bot.web import api, moderation, public, signin, studio_pages, telegram_hook

    settings = services.settings
    secret = settings.web_session_key.reveal()
    if not secret:
        raise ValueError("settings.web_session_key is empty; see FIRST48_WEB_SECRET")

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        task = asyncio.create_task(_reload_loop(services)) if reload_content else None
        yield
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    app = FastAPI(
        title="first48 directory API",
        version="1",
        description=(
            "Register and update local services (OST, naloxone, shelter, ...) in the first48 "
            "directory. Every new entry and every change waits for a moderator before anyone "
            "using the bot sees it. Authenticate with `Authorization: Bearer <token>`; an "
            "account gets a token from a moderator (`first48 admin create-token`) or on its "
            "/my page."
        ),
        openapi_url="/api/openapi.json",
        docs_url=None,  # our own page: Swagger UI would load scripts from a CDN
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.services = services
    app.state.telegram = telegram
    app.state.accounts = Accounts(services.directory.db)
    app.state.templates = _templates()
    app.state.login_failures = {}

    app.add_middleware(
        SessionMiddleware,
        secret_key=secret,
        session_cookie="first48_session",
        max_age=int(SESSION_LIFETIME.total_seconds()),
        same_site="lax",
        https_only=settings.web_https_only,
    )
    app.add_middleware(SecurityHeaders)  # outermost: every response gets the headers
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    # Routes, one module per area of the site; order does not matter (no overlaps).
    app.include_router(public.router)
    app.include_router(signin.router)
    app.include_router(moderation.router)
    app.include_router(studio_pages.router)
    app.include_router(api.router)
    app.include_router(api.docs_router)
    app.include_router(telegram_hook.router)

    app.add_exception_handler(CSRFError, _on_csrf)
    app.add_exception_handler(SignInRequired, _on_sign_in_required)
    app.add_exception_handler(Forbidden, _on_forbidden)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(RequestValidationError, api.on_validation_error)
    return app


async def _reload_loop(services: Services) -> None:
    while True:
        await asyncio.sleep(services.settings.content_reload_interval)
        services.live.reload()


def _templates() -> Jinja2Templates:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,  # everything a stranger typed is escaped, in every template
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.globals.update(
        CSRF_FIELD=CSRF_FIELD,
        FIELDS=contact_form.FIELDS,
        FLAG_LABELS=contact_form.FLAG_LABELS,
        FIELD_LABELS={
            **{name: spec.label for name, spec in contact_form.FIELDS.items()},
            "lat": "Map position",
            "reason": "Reason",
        },
    )
    return Jinja2Templates(env=environment)


# --- helpers the route modules share ---


def services_of(request: Request) -> Services:
    return request.app.state.services  # type: ignore[no-any-return]


def accounts_of(request: Request) -> Accounts:
    return request.app.state.accounts  # type: ignore[no-any-return]


def current_user(request: Request) -> User | None:
    return session_user(request, accounts_of(request), services_of(request).clock.now())


def require_user(request: Request) -> User:
    user = current_user(request)
    if user is None:
        raise SignInRequired(request.url.path)
    return user


def require_moderator(request: Request) -> User:
    user = require_user(request)
    if not user.is_moderator:
        raise Forbidden
    return user


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A page: the template with the signed-in user, the CSRF token and one-time messages."""
    templates: Jinja2Templates = request.app.state.templates
    content = services_of(request).live.current
    context.setdefault("errors", {})
    context.update(
        user=current_user(request),
        csrf_token=csrf_token(request),
        flashes=pop_flashes(request),
        content=content,
        kind_options=[(k.id, k.name(contact_form.LANGUAGE)) for k in content.kinds.values()],
    )
    return templates.TemplateResponse(request, template, context, status_code=status)


def redirect(url: str) -> RedirectResponse:
    """After a POST: see the result with a GET (so reloading never posts twice)."""
    return RedirectResponse(url, status_code=303)


def is_api(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIX)


# --- errors become pages (or JSON under /api/), in one place ---


async def _on_csrf(request: Request, exc: Exception) -> Response:
    logger.warning("refused a form without a valid CSRF token: %s", request.url.path)
    return render(
        request,
        "error.html",
        403,
        title="This form has expired",
        message=(
            "For your safety, forms only work for a while and only from this site. "
            "Go back, reload the page, and send it again."
        ),
    )


async def _on_sign_in_required(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SignInRequired)
    return redirect(exc.location)


async def _on_forbidden(request: Request, exc: Exception) -> Response:
    return render(
        request,
        "error.html",
        403,
        title="Not for this account",
        message="This page is for moderators. Sign in with a moderator account to use it.",
    )


async def _on_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if is_api(request):
        return JSONResponse(
            {"detail": exc.detail, "errors": {}}, exc.status_code, headers=exc.headers
        )
    titles = {404: "Page not found", 405: "Not allowed here"}
    return render(
        request,
        "error.html",
        exc.status_code,
        title=titles.get(exc.status_code, "Something went wrong"),
        message=exc.detail if isinstance(exc.detail, str) else "",
    )


def new_secret() -> str:
    return secrets.token_urlsafe(32)


__all__ = ["HTTPException", "create_app"]
