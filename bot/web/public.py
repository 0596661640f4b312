"""Pages anyone can use: what this is, registering a service, and the private edit link."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from bot.directory import InvalidContact
from bot.web import contact_form
from bot.web.app import current_user, redirect, render, services_of
from bot.web.entries import edit_page, post_change, post_confirm
from bot.web.security import checked_form

router = APIRouter(include_in_schema=False)

BAD_LINK = (
    "This private link does not lead to an entry. Check that you copied all of it; "
    "if you have lost it, register the service again and say so in the notes."
)


@router.get("/", response_class=HTMLResponse)
async def index(request: Request) -> Response:
    """Say what first48 is and where to start."""
    return render(request, "index.html", title="Local services for people leaving prison")


@router.get("/health")
async def health(request: Request) -> Response:
    """For the operator's monitoring: the database, the last reminder sent, what is waiting
    to be sent, and whether Rasa answers. Counts only; 503 when the database fails."""
    found = await services_of(request).health()
    return JSONResponse(found.as_json(), status_code=200 if found.database else 503)


@router.get("/favicon.ico")
async def favicon() -> Response:
    """No icon (browsers ask anyway)."""
    return Response(status_code=204)


@router.get("/register", response_class=HTMLResponse)
async def register_form(request: Request) -> Response:
    """Show the empty registration form."""
    return render(
        request, "register.html", title="Register a service", values=contact_form.empty_values()
    )


@router.post("/register", response_class=HTMLResponse)
async def register(request: Request) -> Response:
    """Queue a new entry for moderation, or show the form again with every problem."""
    form = await checked_form(request)
    services = services_of(request)
    values = contact_form.form_values(form)
    now = services.clock.now()
    try:
        data = contact_form.checked(values, services.live.current, now, services.settings.zone)
    except InvalidContact as exc:
        return render(
            request,
            "register.html",
            422,
            title="Register a service: check the form",
            values=values,
            errors=exc.errors,
        )
    user = current_user(request)
    _, token = services.directory.submit(
        data, now, submitted_by=user.id if user else None, via="web"
    )
    # Shown once, on the next page (so reloading it never registers twice).
    request.session["new_link"] = token
    return redirect("/register/done")


@router.get("/register/done", response_class=HTMLResponse)
async def registered(request: Request) -> Response:
    """Thank the service and show its private edit link, once."""
    token = request.session.pop("new_link", None)
    if not isinstance(token, str):
        return redirect("/register")
    link = str(request.url_for("edit_entry", token=token))
    return render(request, "registered.html", title="Thank you", link=link)


def _by_token(request: Request, token: str) -> tuple:
    contact, latest = services_of(request).directory.by_edit_token(token)
    if contact is None and latest is None:
        raise HTTPException(404, BAD_LINK)
    return contact, latest


@router.get("/edit/{token}", response_class=HTMLResponse, name="edit_entry")
async def edit_entry(request: Request, token: str) -> Response:
    """Show the entry this private link leads to, any change waiting, and the change form."""
    contact, latest = _by_token(request, token)
    pending = latest if latest and latest["status"] == "pending" else None
    rejected = latest if contact is None and latest and latest["status"] == "rejected" else None
    return edit_page(request, contact, pending, base_url=f"/edit/{token}", rejected=rejected)


@router.post("/edit/{token}", response_class=HTMLResponse)
async def change_entry(request: Request, token: str) -> Response:
    """Queue a change (the public version stays until a moderator approves it)."""
    contact, latest = _by_token(request, token)
    pending = latest if latest and latest["status"] == "pending" else None
    if contact is None and pending is None:
        await checked_form(request)
        return redirect(f"/edit/{token}")
    return await post_change(
        request, contact, pending, base_url=f"/edit/{token}", submitted_by=None
    )


@router.post("/edit/{token}/confirm", response_class=HTMLResponse)
async def confirm_entry(request: Request, token: str) -> Response:
    """Re-confirm the public details as still correct."""
    contact, _ = _by_token(request, token)
    if contact is None:
        await checked_form(request)
        return redirect(f"/edit/{token}")
    return await post_confirm(request, contact, "owner (private link)", back_url=f"/edit/{token}")
