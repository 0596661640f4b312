"""Signing in and out, and an account's own page: its entries and its API tokens."""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from bot.accounts import User
from bot.directory import Contact
from bot.web import contact_form
from bot.web.app import RowId, accounts_of, redirect, render, require_user, services_of
from bot.web.entries import edit_page, post_change, post_confirm
from bot.web.security import checked_form, flash, safe_next, sign_in, sign_out

router = APIRouter(include_in_schema=False)

MAX_FAILURES = 5  # per username, within FAILURE_WINDOW
# Per address too, so one machine cannot try a password against every username. Higher, since
# people share addresses (behind the TLS proxy each is the X-Forwarded-For one, from loopback).
MAX_FAILURES_PER_ADDRESS = 30
FAILURE_WINDOW = timedelta(minutes=15)


def _throttle_keys(request: Request, username: str) -> dict[str, int]:
    """What failures are counted under, and how many each may have."""
    address = request.client.host if request.client else "unknown"
    return {f"user:{username.lower()}": MAX_FAILURES, f"addr:{address}": MAX_FAILURES_PER_ADDRESS}


def _too_many_failures(request: Request, username: str, now: datetime) -> bool:
    failures: dict[str, list[datetime]] = request.app.state.login_failures
    blocked = False
    for key, limit in _throttle_keys(request, username).items():
        recent = [t for t in failures.get(key, []) if now - t < FAILURE_WINDOW]
        if recent:
            failures[key] = recent
        else:
            failures.pop(key, None)
        blocked = blocked or len(recent) >= limit
    return blocked


def _record_failure(request: Request, username: str, now: datetime) -> None:
    failures: dict[str, list[datetime]] = request.app.state.login_failures
    if len(failures) > 10_000:  # many made-up usernames: forget the ones gone quiet
        for name in [n for n, times in failures.items() if now - times[-1] >= FAILURE_WINDOW]:
            del failures[name]
    for key in _throttle_keys(request, username):
        failures.setdefault(key, []).append(now)


@router.get("/login", response_class=HTMLResponse)
async def login_form(request: Request) -> Response:
    """Show the sign-in form."""
    return render(
        request,
        "login.html",
        title="Sign in",
        next=safe_next(request.query_params.get("next"), ""),
        username="",
        insecure=_insecure(request),
    )


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request) -> Response:
    """Check the password (off the event loop: Argon2 is slow on purpose) and sign in."""
    form = await checked_form(request)
    accounts = accounts_of(request)
    now = services_of(request).clock.now()
    username = str(form.get("username") or "").strip()
    password = str(form.get("password") or "")
    next_url = safe_next(str(form.get("next") or ""), "")
    if _too_many_failures(request, username, now):
        return _login_failed(
            request, username, next_url, "Too many attempts. Wait 15 minutes and try again.", 429
        )
    user, stored = accounts.password_hash(username)
    matches = await run_in_threadpool(accounts.password_matches, stored, password)
    if user is None or not matches:
        _record_failure(request, username, now)
        return _login_failed(
            request, username, next_url, "That username and password don't match.", 400
        )
    if accounts.needs_rehash(stored):
        accounts.set_password(user.id, password)
    sign_in(request, user, now)
    return redirect(next_url or ("/moderate" if user.is_moderator else "/my"))


def _login_failed(
    request: Request, username: str, next_url: str, message: str, status: int
) -> HTMLResponse:
    return render(
        request,
        "login.html",
        status,
        title="Sign in: try again",
        next=next_url,
        username=username,
        errors={"password": message},
        insecure=_insecure(request),
    )


def _insecure(request: Request) -> bool:
    """Secure cookies over plain http never come back: say so rather than fail silently."""
    return request.url.scheme != "https" and services_of(request).settings.web_https_only


@router.get("/logout", response_class=HTMLResponse)
async def logout_form(request: Request) -> Response:
    """Offer the sign-out button (signing out is a POST, so no link can do it for you)."""
    return render(request, "logout.html", title="Sign out")


@router.post("/logout")
async def logout(request: Request) -> Response:
    """End the session."""
    await checked_form(request)
    sign_out(request, "You are signed out.")
    return redirect("/")


@router.get("/my", response_class=HTMLResponse)
async def my_page(request: Request) -> Response:
    """The account's entries (with freshness), new ones waiting, and its API tokens."""
    return _my_page(request, require_user(request))


def _my_page(request: Request, user: User, new_token: str | None = None) -> HTMLResponse:
    services = services_of(request)
    content = services.live.current
    now = services.clock.now()
    entries = [
        {
            "contact": c,
            "freshness": contact_form.contact_freshness(c, content, now, services.settings.zone),
            "area": contact_form.display("area_id", c.data, content),
        }
        for c in services.directory.owned_by(user.id)
    ]
    waiting = [
        s
        for s in services.directory.pending()
        if s["submitted_by"] == user.id and s["contact_id"] is None
    ]
    return render(
        request,
        "my.html",
        title="Your entries",
        entries=entries,
        waiting=waiting,
        tokens=accounts_of(request).tokens(user.id),
        new_token=new_token,
    )


def _own_contact(request: Request, user: User, contact_id: int) -> Contact:
    contact = services_of(request).directory.contact(contact_id)
    if contact is None:
        raise HTTPException(404, "There is no such entry.")
    if contact.owner_id != user.id:
        raise HTTPException(403, "This entry belongs to another account.")
    return contact


def _pending_change(request: Request, contact: Contact) -> dict | None:
    for submission in services_of(request).directory.pending():
        if submission["contact_id"] == contact.id:
            return submission
    return None


@router.get("/my/contacts/{contact_id}", response_class=HTMLResponse)
async def my_entry(request: Request, contact_id: RowId) -> Response:
    """One of the account's entries, with the change form."""
    user = require_user(request)
    contact = _own_contact(request, user, contact_id)
    pending = _pending_change(request, contact)
    return edit_page(request, contact, pending, base_url=f"/my/contacts/{contact_id}")


@router.post("/my/contacts/{contact_id}", response_class=HTMLResponse)
async def change_my_entry(request: Request, contact_id: RowId) -> Response:
    """Queue a change to one of the account's entries."""
    user = require_user(request)
    contact = _own_contact(request, user, contact_id)
    pending = _pending_change(request, contact)
    return await post_change(
        request, contact, pending, base_url=f"/my/contacts/{contact_id}", submitted_by=user.id
    )


@router.post("/my/contacts/{contact_id}/confirm", response_class=HTMLResponse)
async def confirm_my_entry(request: Request, contact_id: RowId) -> Response:
    """Re-confirm one of the account's entries."""
    user = require_user(request)
    contact = _own_contact(request, user, contact_id)
    back = str(request.query_params.get("back") or "")
    return await post_confirm(
        request, contact, user.username, back_url=safe_next(back, f"/my/contacts/{contact_id}")
    )


@router.post("/my/tokens", response_class=HTMLResponse)
async def create_token(request: Request) -> Response:
    """Create an API token and show it, this once."""
    user = require_user(request)
    form = await checked_form(request)
    label = str(form.get("label") or "").strip() or "web"
    token = accounts_of(request).create_token(user.id, label, services_of(request).clock.now())
    # Shown in this response only, never put in the session cookie (a token is a password).
    return _my_page(request, user, new_token=token)


@router.post("/my/tokens/{token_id}/revoke", response_class=HTMLResponse)
async def revoke_token(request: Request, token_id: RowId) -> Response:
    """Stop a token working."""
    user = require_user(request)
    await checked_form(request)
    if accounts_of(request).revoke_token(user.id, token_id):
        flash(request, "The token no longer works.")
    return redirect("/my#tokens")
