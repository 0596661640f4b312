"""The web app over a real SQLite file: registration, moderation, owners, security, the API."""

from __future__ import annotations

import html
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from markupsafe import escape

from bot.accounts import Accounts
from bot.directory import search
from bot.settings import Secret, Settings, SettingsError, from_environ
from bot.store import open_database
from bot.telegram_app import Services
from bot.web import create_app

XSS = "<script>alert(1)</script> Hub"
GOOD = {
    "name": "Leeds Recovery Hub",
    "kinds": ["ost_prescriber", "naloxone"],
    "area_id": "leeds",
    "address": "1 Example Street, Leeds LS1 1AA",
    "phone": "+44 113 496 0000",
    "website": "https://example.org",
    "languages": "en, pl",
    "opening_hours": "Mo-Fr 09:00-17:00",
    "flags": ["walk_in", "accepts_released"],
    "notes": "Ask for the duty worker.",
    "verified_on": "2026-03-01",
}
PASSWORD = "correct horse battery"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return replace(settings, web_session_key=Secret("s" * 40))


@pytest.fixture
def app(services: Services) -> FastAPI:
    return create_app(services)


@pytest.fixture
def accounts(app: FastAPI) -> Accounts:
    return app.state.accounts  # type: ignore[no-any-return]


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with _client(app) as c:
        yield c


def _client(app: FastAPI) -> httpx.AsyncClient:
    # https, so the Secure session cookie comes back (FIRST48_WEB_HTTPS_ONLY defaults to true).
    return httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="https://testserver")


async def csrf(client: httpx.AsyncClient, path: str = "/register") -> str:
    page = await client.get(path)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match, page.text
    return match.group(1)


async def post(
    client: httpx.AsyncClient, path: str, data: dict[str, Any], *, page: str | None = None
) -> httpx.Response:
    return await client.post(path, data={**data, "csrf_token": await csrf(client, page or path)})


async def register(client: httpx.AsyncClient, **changes: Any) -> str:
    """Register through the form; returns the private edit link's path."""
    response = await post(client, "/register", {**GOOD, **changes})
    assert response.status_code == 303, response.text
    done = await client.get("/register/done")
    match = re.search(r'href="https://testserver(/edit/[^"]+)"', done.text)
    assert match, done.text
    return match.group(1)


async def sign_in(client: httpx.AsyncClient, username: str, password: str = PASSWORD) -> None:
    response = await post(client, "/login", {"username": username, "password": password})
    assert response.status_code == 303, response.text


def visible(services: Services, area: str = "leeds", kind: str = "naloxone") -> list[str]:
    content = services.live.current
    result = search(
        services.directory,
        content,
        area=content.areas[area],
        kinds=[kind],
        at=services.clock.now(),
    )
    return [m.contact.name for m in result.matches]


@pytest.fixture
async def moderator(app: FastAPI, accounts: Accounts, services: Services) -> httpx.AsyncClient:
    accounts.create_user("moira", PASSWORD, "moderator", services.clock.now())
    async with _client(app) as c:
        await sign_in(c, "moira")
        yield c


async def approve_first(moderator: httpx.AsyncClient, services: Services) -> int:
    submission = services.directory.pending()[0]
    page = await moderator.get(f"/moderate/{submission['id']}")
    assert page.status_code == 200
    from bot.web.contact_form import data_values

    response = await post(
        moderator,
        f"/moderate/{submission['id']}/approve",
        data_values(submission["data"]),
        page=f"/moderate/{submission['id']}",
    )
    assert response.status_code == 303, response.text
    return submission["id"]


# --- the form ---


async def test_pages_name_every_field_and_work_without_a_session(client: httpx.AsyncClient) -> None:
    page = await client.get("/register")
    assert page.status_code == 200
    assert '<html lang="en">' in page.text and 'href="#main"' in page.text
    for field in ("name", "area_id", "address", "lat", "lon", "phone", "website"):
        assert f'<label for="field-{field}">' in page.text, field
    for field in ("languages", "opening_hours", "notes", "verified_on"):
        assert f'<label for="field-{field}">' in page.text, field
    assert 'value="ost_prescriber"' in page.text and "Naloxone supply" in page.text
    assert '<option value="leeds"' in page.text
    assert "Mo-Fr 09:00-17:00" in page.text  # the opening-hours example
    assert "Welcomes people just released from prison" in page.text


async def test_the_form_shows_each_fields_error_and_keeps_what_was_typed(
    client: httpx.AsyncClient, services: Services
) -> None:
    response = await post(
        client,
        "/register",
        {
            "name": "Leeds Hub",
            "kinds": ["naloxone"],
            "area_id": "leeds",
            "phone": "call us",
            "website": "example.org",
            "languages": "english",
            "opening_hours": "weekdays",
            "lat": "north",
            "verified_on": "2099-01-01",
            "notes": "Bring a letter & ID",
        },
    )
    assert response.status_code == 422
    text = response.text
    for field, message in [
        ("phone", "Enter a phone number with digits only"),
        ("website", "Enter a full web address"),
        ("languages", "two-letter language codes"),
        ("opening_hours", "not in the usual format"),
        ("lat", "Latitude and longitude must be numbers"),
        ("verified_on", "can't be in the future"),
    ]:
        # In the summary at the top, linked to the field, and beside the field itself.
        escaped = re.escape(str(escape(message)))
        assert re.search(rf'<a href="#field-{field}">[^<]*{escaped}', text), field
        assert f'id="{field}-error"' in text, field
    assert re.search(r'id="field-phone"[^>]*aria-describedby="phone-hint phone-error"', text)
    assert re.search(r'id="field-phone"[^>]*aria-invalid="true"', text)
    assert 'value="call us"' in text and 'value="Leeds Hub"' in text
    assert 'value="naloxone" checked' in text and 'value="leeds" selected' in text
    assert "Bring a letter &amp; ID</textarea>" in text
    assert services.directory.pending() == []


async def test_a_submission_reaches_people_only_after_a_moderator_approves_it(
    client: httpx.AsyncClient, moderator: httpx.AsyncClient, services: Services
) -> None:
    link = await register(client)
    assert link.startswith("/edit/")
    assert visible(services) == []
    [submission] = services.directory.pending()
    assert (submission["data"].name, submission["via"]) == ("Leeds Recovery Hub", "web")

    queue = await moderator.get("/moderate")
    assert "Leeds Recovery Hub" in queue.text and "New entry" in queue.text
    await approve_first(moderator, services)
    assert visible(services) == ["Leeds Recovery Hub"]
    assert visible(services, kind="ost_prescriber") == ["Leeds Recovery Hub"]
    assert services.directory.pending() == []


async def test_a_rejected_submission_never_appears_and_its_sender_sees_why(
    client: httpx.AsyncClient, moderator: httpx.AsyncClient, services: Services
) -> None:
    link = await register(client)
    [submission] = services.directory.pending()
    path = f"/moderate/{submission['id']}"
    missing = await post(moderator, f"{path}/reject", {"reason": " "}, page=path)
    assert missing.status_code == 422 and "Say why" in missing.text
    response = await post(
        moderator, f"{path}/reject", {"reason": "We could not reach them by phone."}, page=path
    )
    assert response.status_code == 303
    assert visible(services) == []
    assert services.directory.contacts(include_hidden=True) == []
    page = await client.get(link)
    assert "Not approved" in page.text and "We could not reach them by phone." in page.text


async def test_the_private_link_queues_a_change_and_the_old_version_stays_public(
    client: httpx.AsyncClient, moderator: httpx.AsyncClient, services: Services
) -> None:
    link = await register(client)
    await approve_first(moderator, services)
    page = await client.get(link)
    assert page.status_code == 200 and "What people see now" in page.text

    changed = {**GOOD, "name": "Leeds Recovery Hub (new site)", "phone": "+44 113 496 0999"}
    response = await post(client, link, changed)
    assert response.status_code == 303
    assert visible(services) == ["Leeds Recovery Hub"]  # the public version stays
    page = await client.get(link)
    assert "waiting for a moderator" in page.text
    assert "+44 113 496 0999" in page.text and 'class="changed"' in page.text

    review = await moderator.get(f"/moderate/{services.directory.pending()[0]['id']}")
    assert re.search(r'<tr class="changed">\s*<th scope="row">Phone number', review.text)
    assert not re.search(r'<tr class="changed">\s*<th scope="row">Website', review.text)
    await approve_first(moderator, services)
    assert visible(services) == ["Leeds Recovery Hub (new site)"]

    [contact] = services.directory.contacts()
    history = await moderator.get(f"/contacts/{contact.id}/history")
    assert "Updated by moira" in history.text and "Created by moira" in history.text
    assert "+44 113 496 0000" in history.text and "+44 113 496 0999" in history.text
    assert "Leeds Recovery Hub (new site)" in history.text


async def test_the_private_link_corrects_a_new_entry_still_waiting(
    client: httpx.AsyncClient, services: Services
) -> None:
    link = await register(client)
    page = await client.get(link)
    assert "nobody sees this entry yet" in page.text
    bad = await post(client, link, {**GOOD, "phone": "nope"})
    assert bad.status_code == 422 and 'id="phone-error"' in bad.text
    await post(client, link, {**GOOD, "notes": "Now open on Saturdays too."})
    [submission] = services.directory.pending()
    assert submission["data"].notes == "Now open on Saturdays too."
    assert visible(services) == []


async def test_a_bad_private_link_is_not_found(client: httpx.AsyncClient) -> None:
    page = await client.get("/edit/not-a-real-token")
    assert page.status_code == 404 and "does not lead to an entry" in page.text


# --- security ---


@pytest.mark.parametrize("token", [None, "wrong"])
async def test_a_form_without_the_right_csrf_token_is_refused_and_nothing_is_stored(
    app: FastAPI, client: httpx.AsyncClient, services: Services, token: str | None
) -> None:
    await client.get("/register")  # a session with a token exists
    data = {**GOOD} if token is None else {**GOOD, "csrf_token": token}
    response = await client.post("/register", data=data)
    assert response.status_code == 403 and "This form has expired" in response.text
    assert services.directory.pending() == []
    async with _client(app) as fresh:  # no session at all
        response = await fresh.post("/register", data={**GOOD, "csrf_token": "x"})
    assert response.status_code == 403
    assert services.directory.pending() == []


async def test_every_form_post_checks_the_csrf_token(
    app: FastAPI, moderator: httpx.AsyncClient, services: Services
) -> None:
    """No state-changing page route forgets the check (the API uses tokens, not cookies)."""
    from bot.web import moderation, public, signin

    paths = [
        route.path
        for module in (public, signin, moderation)
        for route in module.router.routes
        if isinstance(route, APIRoute) and "POST" in route.methods
    ]
    assert len(paths) >= 10
    async with _client(app) as anonymous:
        await register(anonymous)
    await approve_first(moderator, services)
    link = services.directory.contacts()[0].id
    before = services.directory.db.execute("SELECT total_changes()").fetchone()
    for path in paths:
        concrete = path.replace("{token}", "x").replace("{contact_id}", str(link))
        concrete = re.sub(r"\{[a-z_]+\}", "1", concrete)
        response = await moderator.post(concrete, data={**GOOD, "reason": "r", "csrf_token": "x"})
        assert response.status_code in (403, 404), (path, response.status_code)
    after = services.directory.db.execute("SELECT total_changes()").fetchone()
    assert before == after
    assert (await moderator.get("/moderate")).status_code == 200  # still signed in


async def test_a_name_with_script_is_escaped_everywhere(
    client: httpx.AsyncClient, moderator: httpx.AsyncClient, services: Services
) -> None:
    bad = await post(client, "/register", {**GOOD, "name": XSS, "phone": "x"})
    link = await register(client, name=XSS, notes='"><img src=x onerror=alert(1)>')
    pages = [bad, await client.get(link), await moderator.get("/moderate")]
    submission_id = services.directory.pending()[0]["id"]
    pages.append(await moderator.get(f"/moderate/{submission_id}"))
    await approve_first(moderator, services)
    contact = services.directory.contacts()[0]
    pages += [
        await client.get(link),
        await moderator.get("/contacts"),
        await moderator.get(f"/contacts/{contact.id}/history"),
        await moderator.get(f"/contacts/{contact.id}/edit"),
    ]
    for page in pages:
        assert "<script>alert(1)</script>" not in page.text, page.url
        assert "<img src=x" not in page.text, page.url
        assert html.escape("<script>alert(1)</script>", quote=False) in page.text, page.url


async def test_every_response_has_the_security_headers(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    for path in ("/", "/register", "/login", "/api/docs", "/nowhere", "/api/v1/contacts"):
        response = await client.get(path)
        csp = response.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src" not in csp, path
        assert "frame-ancestors 'none'" in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["cache-control"] == "no-store"
    async with _client(app) as fresh:
        cookie = (await fresh.get("/register")).headers.get("set-cookie", "").lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" in cookie
    css = await client.get("/static/style.css")
    assert css.status_code == 200 and "cache-control" not in css.headers
    assert "<script" not in (await client.get("/register")).text


async def test_a_wrong_password_fails_and_the_password_is_stored_hashed(
    client: httpx.AsyncClient, accounts: Accounts, services: Services
) -> None:
    accounts.create_user("leeds-hub", PASSWORD, "service", services.clock.now())
    response = await post(client, "/login", {"username": "leeds-hub", "password": "not it at all"})
    assert response.status_code == 400 and "password don&#39;t match" in response.text
    assert 'value="leeds-hub"' in response.text
    assert (await client.get("/my")).status_code == 303
    stored = services.directory.db.execute("SELECT password_hash FROM users").fetchone()[0]
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    unknown = await post(client, "/login", {"username": "nobody", "password": PASSWORD})
    assert unknown.status_code == 400
    await sign_in(client, "leeds-hub")
    assert (await client.get("/my")).status_code == 200


async def test_sign_in_pauses_after_five_wrong_passwords(
    client: httpx.AsyncClient, accounts: Accounts, services: Services
) -> None:
    accounts.create_user("leeds-hub", PASSWORD, "service", services.clock.now())
    for _ in range(5):
        await post(client, "/login", {"username": "leeds-hub", "password": "wrong password"})
    response = await post(client, "/login", {"username": "leeds-hub", "password": PASSWORD})
    assert response.status_code == 429
    services.clock.advance(timedelta(minutes=16))
    await sign_in(client, "leeds-hub")


async def test_after_sign_in_only_local_pages_are_followed(
    client: httpx.AsyncClient, accounts: Accounts, services: Services
) -> None:
    accounts.create_user("leeds-hub", PASSWORD, "service", services.clock.now())
    for target, expected in [("//evil.example/x", "/my"), ("/my#tokens", "/my#tokens")]:
        response = await post(
            client,
            "/login",
            {"username": "leeds-hub", "password": PASSWORD, "next": target},
            page="/login",
        )
        assert response.headers["location"] == expected


async def test_an_idle_session_is_signed_out(
    moderator: httpx.AsyncClient, services: Services
) -> None:
    assert (await moderator.get("/moderate")).status_code == 200
    services.clock.advance(timedelta(minutes=29))
    assert (await moderator.get("/moderate")).status_code == 200  # activity keeps it alive
    services.clock.advance(timedelta(minutes=31))
    response = await moderator.get("/moderate")
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
    page = await moderator.get("/login")
    assert "30 minutes without activity" in page.text


async def test_a_session_ends_eight_hours_after_sign_in(
    moderator: httpx.AsyncClient, services: Services
) -> None:
    for _ in range(16):  # busy all day, a request every 29 minutes
        services.clock.advance(timedelta(minutes=29))
        assert (await moderator.get("/moderate")).status_code == 200
    services.clock.advance(timedelta(minutes=29))
    assert (await moderator.get("/moderate")).status_code == 303


async def test_signing_out_ends_the_session(moderator: httpx.AsyncClient) -> None:
    response = await post(moderator, "/logout", {}, page="/moderate")
    assert response.status_code == 303
    assert (await moderator.get("/moderate")).status_code == 303


@pytest.mark.parametrize("role", ["service", "peer_editor"])
async def test_only_moderators_moderate(
    app: FastAPI, accounts: Accounts, services: Services, role: str
) -> None:
    accounts.create_user("someone", PASSWORD, role, services.clock.now())
    async with _client(app) as c:
        anonymous = await c.get("/moderate")
        assert anonymous.status_code == 303
        assert anonymous.headers["location"] == "/login?next=/moderate"
        await sign_in(c, "someone")
        for path in ("/moderate", "/moderate/1", "/contacts", "/contacts/1/history"):
            assert (await c.get(path)).status_code == 403, path
        assert (await post(c, "/moderate/1/reject", {"reason": "x"}, page="/my")).status_code == 403


async def test_a_disabled_account_is_signed_out(
    moderator: httpx.AsyncClient, accounts: Accounts
) -> None:
    accounts.disable("moira")
    assert (await moderator.get("/moderate")).status_code == 303


# --- owners ---


async def test_a_service_account_sees_and_confirms_its_entries(
    app: FastAPI, accounts: Accounts, moderator: httpx.AsyncClient, services: Services
) -> None:
    accounts.create_user("leeds-hub", PASSWORD, "service", services.clock.now())
    async with _client(app) as hub:
        await sign_in(hub, "leeds-hub")
        await register(hub, verified_on="2025-06-01")
        mine = await hub.get("/my")
        assert "Waiting for a moderator" in mine.text and "Leeds Recovery Hub" in mine.text
        await approve_first(moderator, services)
        contact = services.directory.contacts()[0]
        mine = await hub.get("/my")
        assert f'href="/my/contacts/{contact.id}"' in mine.text
        assert "Not checked for 6 months" in mine.text
        response = await post(hub, f"/my/contacts/{contact.id}/confirm?back=/my", {}, page="/my")
        assert response.headers["location"] == "/my"
        assert services.directory.contact(contact.id).data.verified_on == "2026-03-03"  # type: ignore[union-attr]
        assert "Not checked for 6 months" not in (await hub.get("/my")).text

        change = {**GOOD, "notes": "New duty worker phone line."}
        page = f"/my/contacts/{contact.id}"
        assert (await post(hub, page, change)).status_code == 303
        assert services.directory.pending()[0]["submitted_by"] == contact.owner_id

        token_page = await post(hub, "/my/tokens", {"label": "case system"}, page="/my")
        token = re.search(r"<code[^>]*>(f48_[^<]+)</code>", token_page.text)
        assert token and accounts.user_for_token(token.group(1), services.clock.now())
        assert "case system" in token_page.text

    accounts.create_user("other-org", PASSWORD, "service", services.clock.now())
    async with _client(app) as other:
        await sign_in(other, "other-org")
        assert (await other.get(f"/my/contacts/{contact.id}")).status_code == 403


async def test_a_moderator_edits_a_contact_directly(
    client: httpx.AsyncClient, moderator: httpx.AsyncClient, services: Services
) -> None:
    await register(client)
    await approve_first(moderator, services)
    contact = services.directory.contacts()[0]
    path = f"/contacts/{contact.id}/edit"
    response = await post(moderator, path, {**GOOD, "name": "Leeds Hub"})
    assert response.status_code == 303
    assert visible(services) == ["Leeds Hub"]
    history = await moderator.get(f"/contacts/{contact.id}/history")
    assert "Updated by moira" in history.text


# --- freshness ---


async def test_stale_entries_are_marked_and_old_ones_ask_their_owner_to_confirm(
    client: httpx.AsyncClient, moderator: httpx.AsyncClient, services: Services
) -> None:
    link = await register(client, verified_on="2025-08-01")  # 7 months before the clock
    await approve_first(moderator, services)
    page = await client.get(link)
    assert "Please check these details" in page.text and "Hidden until" not in page.text
    assert "Not checked for 6 months" in (await moderator.get("/contacts")).text
    assert visible(services) == ["Leeds Recovery Hub"]

    services.clock.advance(timedelta(days=200))  # now 13 months
    assert visible(services) == []
    page = await client.get(link)
    assert "Hidden until you confirm it" in page.text
    await sign_in(moderator, "moira")  # signed out while the months went by
    assert "Hidden: not checked for 12 months" in (await moderator.get("/contacts")).text

    response = await post(client, f"{link}/confirm", {}, page=link)
    assert response.status_code == 303
    assert visible(services) == ["Leeds Recovery Hub"]
    assert "Hidden until" not in (await client.get(link)).text
    history = services.directory.history(services.directory.contacts()[0].id)
    assert history[-1]["actor"] == "owner (private link)" and history[-1]["action"] == "confirmed"


async def test_a_stale_submission_is_marked_in_the_queue(
    client: httpx.AsyncClient, moderator: httpx.AsyncClient
) -> None:
    await register(client, verified_on="2025-01-01")
    assert "Not checked for 6 months" in (await moderator.get("/moderate")).text or (
        "Hidden: not checked for 12 months" in (await moderator.get("/moderate")).text
    )


# --- the API ---


@pytest.fixture
def service_token(accounts: Accounts, services: Services) -> str:
    user = accounts.create_user("leeds-hub", PASSWORD, "service", services.clock.now())
    return accounts.create_token(user.id, "tests", services.clock.now())


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


API_BODY = {**GOOD, "languages": ["en", "pl"]}


async def test_the_api_needs_a_working_token(
    client: httpx.AsyncClient, accounts: Accounts, services: Services
) -> None:
    for headers in ({}, bearer("f48_wrong"), {"Authorization": "Basic eDp5"}):
        response = await client.get("/api/v1/contacts", headers=headers)
        assert response.status_code == 401, headers
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert response.json()["detail"]
    editor = accounts.create_user("editor", PASSWORD, "peer_editor", services.clock.now())
    token = accounts.create_token(editor.id, "", services.clock.now())
    assert (await client.get("/api/v1/contacts", headers=bearer(token))).status_code == 403
    accounts.disable("editor")
    assert (await client.get("/api/v1/contacts", headers=bearer(token))).status_code == 401


async def test_the_api_queues_new_entries_for_moderation(
    client: httpx.AsyncClient,
    moderator: httpx.AsyncClient,
    services: Services,
    service_token: str,
) -> None:
    response = await client.post("/api/v1/contacts", json=API_BODY, headers=bearer(service_token))
    assert response.status_code == 202, response.text
    queued = response.json()
    assert queued["status"] == "pending"
    assert visible(services) == []
    assert (await client.get("/api/v1/contacts", headers=bearer(service_token))).json() == []
    status = await client.get(
        f"/api/v1/submissions/{queued['submission_id']}", headers=bearer(service_token)
    )
    assert status.json()["status"] == "pending" and status.json()["via"] == "api"
    assert status.json()["data"]["languages"] == ["en", "pl"]

    await approve_first(moderator, services)
    assert visible(services) == ["Leeds Recovery Hub"]
    [mine] = (await client.get("/api/v1/contacts", headers=bearer(service_token))).json()
    assert mine["status"] == "approved" and mine["freshness"] == "fresh"
    assert mine["data"]["name"] == "Leeds Recovery Hub"

    changed = {**API_BODY, "name": "Leeds Recovery Hub West"}
    response = await client.put(
        f"/api/v1/contacts/{mine['id']}", json=changed, headers=bearer(service_token)
    )
    assert response.status_code == 202
    assert visible(services) == ["Leeds Recovery Hub"]
    [mine] = (await client.get("/api/v1/contacts", headers=bearer(service_token))).json()
    assert mine["pending_submission_id"] == response.json()["submission_id"]


async def test_the_api_gives_one_message_per_bad_field(
    client: httpx.AsyncClient, services: Services, service_token: str
) -> None:
    body = {**API_BODY, "phone": "call us", "kinds": ["spaceport"], "area_id": "atlantis"}
    response = await client.post("/api/v1/contacts", json=body, headers=bearer(service_token))
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert set(errors) == {"phone", "kinds", "area_id"}
    assert "digits only" in errors["phone"]
    typed = await client.post(
        "/api/v1/contacts",
        json={**API_BODY, "kinds": "naloxone", "colour": "red"},
        headers=bearer(service_token),
    )
    assert typed.status_code == 422 and {"kinds", "colour"} <= set(typed.json()["errors"])
    assert services.directory.pending() == []


async def test_the_api_refuses_someone_elses_entry(
    client: httpx.AsyncClient,
    moderator: httpx.AsyncClient,
    accounts: Accounts,
    services: Services,
    service_token: str,
) -> None:
    await client.post("/api/v1/contacts", json=API_BODY, headers=bearer(service_token))
    await approve_first(moderator, services)
    contact_id = services.directory.contacts()[0].id
    submission_id = services.directory.submission(1)["id"]  # type: ignore[index]
    other = accounts.create_user("other-org", PASSWORD, "service", services.clock.now())
    token = accounts.create_token(other.id, "", services.clock.now())
    put = await client.put(f"/api/v1/contacts/{contact_id}", json=API_BODY, headers=bearer(token))
    assert put.status_code == 403
    assert (
        await client.get(f"/api/v1/submissions/{submission_id}", headers=bearer(token))
    ).status_code == 403
    assert (
        await client.put("/api/v1/contacts/999", json=API_BODY, headers=bearer(token))
    ).status_code == 404
    assert services.directory.pending() == []


async def test_the_api_lists_kinds_and_areas_from_the_content(
    client: httpx.AsyncClient, service_token: str
) -> None:
    kinds = (await client.get("/api/v1/kinds", headers=bearer(service_token))).json()
    assert {"id": "naloxone", "name": "Naloxone supply"}.items() <= kinds[3].items()
    areas = (await client.get("/api/v1/areas", headers=bearer(service_token))).json()
    assert any(a["id"] == "leeds" and a["country"] == "GB" for a in areas)


async def test_the_openapi_description_lists_every_endpoint(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/api/openapi.json")).json()
    operations = {(m.upper(), p) for p, ms in spec["paths"].items() for m in ms}
    assert operations == {
        ("GET", "/api/v1/contacts"),
        ("POST", "/api/v1/contacts"),
        ("PUT", "/api/v1/contacts/{contact_id}"),
        ("GET", "/api/v1/submissions/{submission_id}"),
        ("GET", "/api/v1/kinds"),
        ("GET", "/api/v1/areas"),
    }
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    post_op = spec["paths"]["/api/v1/contacts"]["post"]
    assert set(post_op["responses"]) >= {"202", "401", "403", "422"}
    assert "opening_hours" in spec["components"]["schemas"]["ContactFields"]["properties"]
    docs = await client.get("/api/docs")
    assert docs.status_code == 200 and "PUT /api/v1/contacts/{contact_id}" in docs.text
    assert "ContactFields" in docs.text and "<script" not in docs.text


# --- accounts and settings ---


def test_api_tokens_are_stored_only_as_a_hash(accounts: Accounts, services: Services) -> None:
    user = accounts.create_user("leeds-hub", PASSWORD, "service", services.clock.now())
    token = accounts.create_token(user.id, "case system", services.clock.now())
    rows = list(services.directory.db.query("SELECT * FROM api_tokens"))
    assert token not in str(rows) and rows[0]["last_used_at"] is None
    services.clock.advance(timedelta(hours=1))
    assert accounts.user_for_token(token, services.clock.now()) == user
    [listed] = accounts.tokens(user.id)
    assert listed["label"] == "case system" and listed["last_used_at"].startswith("2026-03-03T10")
    assert accounts.revoke_token(user.id, listed["id"])
    assert accounts.user_for_token(token, services.clock.now()) is None


def test_passwords_are_rehashed_when_the_parameters_change(services: Services) -> None:
    from argon2 import PasswordHasher

    weak = Accounts(services.directory.db, PasswordHasher(time_cost=1, memory_cost=8192))
    weak.create_user("old", PASSWORD, "moderator", services.clock.now())
    strong = Accounts(services.directory.db)
    assert strong.verify("old", "wrong password!") is None
    assert strong.verify("old", PASSWORD) is not None
    stored = services.directory.db.execute("SELECT password_hash FROM users").fetchone()[0]
    assert not strong.needs_rehash(stored) and "t=1," not in stored


@pytest.mark.parametrize(
    ("username", "password", "role", "message"),
    [
        ("x", PASSWORD, "service", "3 to 60"),
        ("leeds-hub", "short", "service", "12 characters"),
        ("leeds-hub", PASSWORD, "admin", "Unknown role"),
    ],
)
def test_bad_accounts_are_refused(
    accounts: Accounts, services: Services, username: str, password: str, role: str, message: str
) -> None:
    from bot.accounts import AccountError

    with pytest.raises(AccountError, match=message):
        accounts.create_user(username, password, role, services.clock.now())


def test_web_settings_come_from_the_environment() -> None:
    settings = from_environ(
        {
            "FIRST48_WEB_PORT": "8050",
            "FIRST48_WEB_SECRET": "k" * 32,
            "FIRST48_WEB_HTTPS_ONLY": "false",
        }
    )
    assert (settings.web_host, settings.web_port, settings.web_https_only) == (
        "127.0.0.1",
        8050,
        False,
    )
    assert "k" * 32 not in repr(settings)
    defaults = from_environ({})
    assert defaults.web_port is None and defaults.web_https_only and not defaults.web_session_key
    for environ, name in [
        ({"FIRST48_WEB_PORT": "web"}, "FIRST48_WEB_PORT"),
        ({"FIRST48_WEB_PORT": "70000"}, "FIRST48_WEB_PORT"),
        ({"FIRST48_WEB_SECRET": "short"}, "FIRST48_WEB_SECRET"),
        ({"FIRST48_WEB_HTTPS_ONLY": "maybe"}, "FIRST48_WEB_HTTPS_ONLY"),
    ]:
        with pytest.raises(SettingsError, match=name):
            from_environ(environ)


def test_the_access_log_never_shows_a_private_link() -> None:
    import logging

    from bot.web.server import RedactPrivateLinks

    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, "", 0, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5", "GET", "/edit/SECRETTOKEN/confirm", "1.1", 200), None,
    )  # fmt: skip
    RedactPrivateLinks().filter(record)
    assert "SECRETTOKEN" not in record.getMessage() and "/edit/…/confirm" in record.getMessage()


def test_admin_commands_create_a_user_and_a_token(tmp_path: Path) -> None:
    from tests.test_cli import first48

    env = {"FIRST48_DATABASE": str(tmp_path / "web.db")}
    made = first48(
        "admin", "create-user", "sam", "--role", "moderator", "--password-stdin",
        stdin=PASSWORD + "\n", env=env,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert "created moderator account 'sam'" in made.stdout
    again = first48(
        "admin", "create-user", "SAM", "--role", "service", "--password-stdin",
        stdin=PASSWORD + "\n", env=env,
    )  # fmt: skip
    assert again.returncode == 1 and "already a user" in again.stderr
    short = first48(
        "admin", "create-user", "kim", "--role", "service", "--password-stdin",
        stdin="short\n", env=env,
    )  # fmt: skip
    assert short.returncode == 1 and "12 characters" in short.stderr
    token = first48("admin", "create-token", "sam", "--label", "ci", env=env)
    assert token.returncode == 0 and "shown only now" in token.stderr
    db = open_database(tmp_path / "web.db")
    accounts = Accounts(db)
    assert accounts.verify("sam", PASSWORD) is not None
    user = accounts.user_for_token(token.stdout.strip(), datetime.now(UTC))
    assert user is not None and user.username == "sam"
    missing = first48("admin", "create-token", "nobody", env=env)
    assert missing.returncode == 1 and "no active user" in missing.stderr


# --- serving: `first48 web`, and `first48 run` with the web app in the same process ---


def _wait_for_web(url: str, process: subprocess.Popen, timeout: float = 30) -> httpx.Response:
    deadline = time.monotonic() + timeout
    while True:
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        try:
            return httpx.get(url, timeout=2)
        except httpx.TransportError:
            assert time.monotonic() < deadline, f"{url} never answered"
            time.sleep(0.2)


def _stop(process: subprocess.Popen) -> str:
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=20)
    assert process.returncode == 0, stderr
    return stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.slow
def test_first48_web_serves_the_app(tmp_path: Path, content_dir: Path) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "FIRST48_DATABASE": str(tmp_path / "web.db"),
        "FIRST48_CONTENT_DIR": str(content_dir),
        "RASA_URL": "",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "web", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        page = _wait_for_web(f"http://127.0.0.1:{port}/register", process)
        assert page.status_code == 200 and "Register a service" in page.text
        assert (
            "only sends sign-in cookies over HTTPS"
            in httpx.get(f"http://127.0.0.1:{port}/login").text
        )
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token
        response = httpx.post(
            f"http://127.0.0.1:{port}/register/../edit/AAAAsecretAAAA",
            data={"csrf_token": "x"},
        )
        assert response.status_code in (403, 404)
    finally:
        stderr = _stop(process)
    assert "FIRST48_WEB_SECRET is not set" in stderr
    assert "AAAAsecretAAAA" not in stderr  # private links never reach the log


@pytest.mark.slow
def test_first48_run_serves_the_web_app_beside_the_bot(tmp_path: Path, content_dir: Path) -> None:
    from tests.conftest import TOKEN
    from tests.fakebotapi import FakeBotAPI

    port = _free_port()
    api = FakeBotAPI(token=TOKEN).start()
    env = {
        **os.environ,
        "TELEGRAM_TOKEN": TOKEN,
        "TELEGRAM_API_URL": api.url,
        "FIRST48_DATABASE": str(tmp_path / "bot.db"),
        "FIRST48_CONTENT_DIR": str(content_dir),
        "FIRST48_WEB_PORT": str(port),
        "FIRST48_WEB_SECRET": "r" * 40,
        "RASA_URL": "",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert _wait_for_web(f"http://127.0.0.1:{port}/", process).status_code == 200
        api.send_text(4242, "/start")
        assert api.wait_for(lambda m: m["chat_id"] == 4242, timeout=20)  # the bot answers too
        spec = httpx.get(f"http://127.0.0.1:{port}/api/openapi.json").json()
        assert "/api/v1/contacts" in spec["paths"]
    finally:
        stderr = _stop(process)
        api.stop()
    assert "FIRST48_WEB_SECRET is not set" not in stderr and "r" * 40 not in stderr


async def test_the_health_check_says_what_an_operator_alerts_on(
    client: httpx.AsyncClient, services: Services
) -> None:
    from tests.conversation import onboard

    onboard(services, 91)  # the first reminder is due at once: one in the backlog
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    services.settings = replace(services.settings, rasa_url=f"http://127.0.0.1:{closed}")
    answer = await client.get("/health")
    assert answer.status_code == 200
    body = answer.json()
    assert body["database"] is True and body["outbox_backlog"] == 1
    assert body["last_send"] is None, "nothing sent yet"
    assert body["rasa"] is False and body["status"] == "degraded"
    outbox = services.companion.outbox
    (due,) = outbox.claim_due(services.clock.now(), limit=1)
    outbox.mark_sent(due.row_id, services.clock.now())
    body = (await client.get("/health")).json()
    assert body["outbox_backlog"] == 0 and body["last_send"].startswith("2026-03-03T09:00")
