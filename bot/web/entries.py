"""An owner's view of their entry, shared by the private link and the /my page.

A change goes to moderation again (the public version stays until it is approved);
"still correct" re-confirms the public version as it is.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from bot.directory import Contact, InvalidContact
from bot.web import contact_form
from bot.web.app import redirect, render, services_of
from bot.web.security import checked_form, flash

CHANGE_QUEUED = (
    "Thanks. A moderator will check your change before anyone sees it; "
    "until then people see the version below."
)


def edit_page(
    request: Request,
    contact: Contact | None,
    pending: dict[str, Any] | None,
    *,
    base_url: str,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
    rejected: dict[str, Any] | None = None,
) -> HTMLResponse:
    """The public version, any change waiting for review, and the form to change it."""
    services = services_of(request)
    content = services.live.current
    now = services.clock.now()
    public_rows = contact_form.rows(contact.data, content) if contact else []
    pending_rows = (
        contact_form.rows(pending["data"], content, contact.data if contact else None)
        if pending
        else []
    )
    if values is None:
        source = pending["data"] if pending else contact.data if contact else None
        values = contact_form.data_values(source) if source else contact_form.empty_values()
    return render(
        request,
        "edit.html",
        status,
        title="Your entry",
        contact=contact,
        freshness=(
            contact_form.contact_freshness(contact, content, now, services.settings.zone)
            if contact
            else None
        ),
        public_rows=public_rows,
        pending=pending,
        pending_rows=pending_rows,
        rejected=rejected,
        values=values,
        errors=errors or {},
        base_url=base_url,
    )


async def post_change(
    request: Request,
    contact: Contact | None,
    pending: dict[str, Any] | None,
    *,
    base_url: str,
    submitted_by: int | None,
) -> Response:
    """Queue a change to a published entry, or correct a new one still waiting for review."""
    form = await checked_form(request)
    services = services_of(request)
    values = contact_form.form_values(form)
    base = contact.data if contact else pending["data"] if pending else None
    try:
        data = contact_form.checked(
            values, services.live.current, services.clock.now(), services.settings.zone, base
        )
    except InvalidContact as exc:
        return edit_page(
            request,
            contact,
            pending,
            base_url=base_url,
            values=values,
            errors=exc.errors,
            status=422,
        )
    now = services.clock.now()
    if contact is not None:
        services.directory.submit(
            data, now, contact_id=contact.id, submitted_by=submitted_by, via="web"
        )
        flash(request, CHANGE_QUEUED)
    elif pending is not None:
        try:
            services.directory.revise(pending["id"], data, now)
        except LookupError:
            flash(request, "A moderator has just reviewed your entry; see the result below.")
            return redirect(base_url)
        flash(request, "Thanks. Your corrected entry is waiting for a moderator.")
    return redirect(base_url)


async def post_confirm(request: Request, contact: Contact, who: str, *, back_url: str) -> Response:
    """The owner says the public details are still right: re-verified today."""
    await checked_form(request)
    services = services_of(request)
    now = services.clock.now()
    today = contact_form.today_for(
        services.live.current, contact.data.area_id, now, services.settings.zone
    )
    services.directory.confirm(contact.id, who, today, now)
    flash(request, "Thanks for checking. The entry is marked as correct today.")
    return redirect(back_url)
