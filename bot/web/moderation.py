"""Moderators: the queue, one submission beside the public version, all contacts, history."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from bot.accounts import User
from bot.directory import InvalidContact
from bot.web import contact_form
from bot.web.app import RowId, accounts_of, redirect, render, require_moderator, services_of
from bot.web.security import checked_form, flash

router = APIRouter(include_in_schema=False)


def _submitter(request: Request, submission: dict[str, Any]) -> str:
    if submission["submitted_by"] is None:
        return "someone with the private link" if submission["contact_id"] else "a visitor"
    user = accounts_of(request).user(submission["submitted_by"])
    return f"{user.username} ({user.role})" if user else "a deleted account"


@router.get("/moderate", response_class=HTMLResponse)
async def queue(request: Request) -> Response:
    """List submissions waiting for review, oldest first."""
    require_moderator(request)
    services = services_of(request)
    content = services.live.current
    now = services.clock.now()
    items = []
    for submission in services.directory.pending():
        data = submission["data"]
        today = contact_form.today_for(content, data.area_id, now, services.settings.zone)
        items.append(
            {
                "submission": submission,
                "area": contact_form.display("area_id", data, content),
                "kinds": contact_form.display("kinds", data, content),
                "freshness": contact_form.freshness(data, today),
                "submitter": _submitter(request, submission),
            }
        )
    return render(request, "moderate.html", title="Waiting for review", items=items)


def _pending(request: Request, submission_id: int) -> dict[str, Any]:
    submission = services_of(request).directory.submission(submission_id)
    if submission is None:
        raise HTTPException(404, "There is no such submission.")
    return submission


def _review_page(
    request: Request,
    submission: dict[str, Any],
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    services = services_of(request)
    content = services.live.current
    contact = (
        services.directory.contact(submission["contact_id"]) if submission["contact_id"] else None
    )
    public = contact.data if contact and submission["status"] == "pending" else None
    return render(
        request,
        "review.html",
        status,
        title=f"Review submission {submission['id']}",
        submission=submission,
        contact=contact,
        rows=contact_form.rows(submission["data"], content, public),
        submitter=_submitter(request, submission),
        values=values or contact_form.data_values(submission["data"]),
        errors=errors or {},
    )


@router.get("/moderate/{submission_id}", response_class=HTMLResponse)
async def review(request: Request, submission_id: RowId) -> Response:
    """Show a submission next to the public version, changed fields marked."""
    require_moderator(request)
    return _review_page(request, _pending(request, submission_id))


@router.post("/moderate/{submission_id}/approve", response_class=HTMLResponse)
async def approve(request: Request, submission_id: RowId) -> Response:
    """Publish the submission as (possibly) edited in the form."""
    moderator = require_moderator(request)
    form = await checked_form(request)
    submission = _pending(request, submission_id)
    services = services_of(request)
    values = contact_form.form_values(form)
    now = services.clock.now()
    try:
        data = contact_form.checked(
            values, services.live.current, now, services.settings.zone, submission["data"]
        )
    except InvalidContact as exc:
        return _review_page(request, submission, values=values, errors=exc.errors, status=422)
    try:
        contact_id = services.directory.approve(
            submission_id, moderator.username, now, services.live.current, data=data
        )
    except LookupError:
        flash(request, f"Submission {submission_id} was already reviewed or replaced.")
        return redirect("/moderate")
    flash(request, f"Approved: “{data.name}” is now shown to people (contact {contact_id}).")
    return redirect("/moderate")


@router.post("/moderate/{submission_id}/reject", response_class=HTMLResponse)
async def reject(request: Request, submission_id: RowId) -> Response:
    """Reject with a reason the sender will see on their private link."""
    moderator = require_moderator(request)
    form = await checked_form(request)
    submission = _pending(request, submission_id)
    reason = " ".join(str(form.get("reason") or "").split())
    if not reason:
        return _review_page(
            request,
            submission,
            errors={"reason": "Say why, in a sentence the service will understand."},
            status=422,
        )
    try:
        services_of(request).directory.reject(
            submission_id, moderator.username, reason, services_of(request).clock.now()
        )
    except LookupError:
        flash(request, f"Submission {submission_id} was already reviewed or replaced.")
        return redirect("/moderate")
    flash(request, f"Rejected submission {submission_id}.")
    return redirect("/moderate")


@router.get("/contacts", response_class=HTMLResponse)
async def contacts(request: Request) -> Response:
    """Every contact, hidden ones too, with how fresh each is."""
    require_moderator(request)
    services = services_of(request)
    content = services.live.current
    now = services.clock.now()
    entries = [
        {
            "contact": c,
            "area": contact_form.display("area_id", c.data, content),
            "kinds": contact_form.display("kinds", c.data, content),
            "freshness": contact_form.contact_freshness(c, content, now, services.settings.zone),
        }
        for c in services.directory.contacts(include_hidden=True)
    ]
    return render(request, "contacts.html", title="All contacts", entries=entries)


def _contact(request: Request, contact_id: int) -> Any:
    contact = services_of(request).directory.contact(contact_id)
    if contact is None:
        raise HTTPException(404, "There is no such contact.")
    return contact


@router.get("/contacts/{contact_id}/history", response_class=HTMLResponse)
async def history(request: Request, contact_id: RowId) -> Response:
    """Who changed what, and when."""
    require_moderator(request)
    contact = _contact(request, contact_id)
    labels = {name: spec.label for name, spec in contact_form.FIELDS.items()}
    events = [
        {
            **event,
            "changes": [
                {
                    "label": labels.get(name, name),
                    "before": _shown(event["before"].get(name)),
                    "after": _shown(event["after"].get(name)),
                }
                for name in sorted(set(event["before"]) | set(event["after"]))
            ],
        }
        for event in services_of(request).directory.history(contact_id)
    ]
    return render(
        request,
        "history.html",
        title=f"History of contact {contact_id}",
        contact=contact,
        events=events,
    )


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


@router.get("/contacts/{contact_id}/edit", response_class=HTMLResponse)
async def edit_contact(request: Request, contact_id: RowId) -> Response:
    """A moderator's own correction to a published contact."""
    require_moderator(request)
    contact = _contact(request, contact_id)
    return _moderator_edit_page(request, contact, contact_form.data_values(contact.data), {})


def _moderator_edit_page(
    request: Request, contact: Any, values: dict[str, Any], errors: dict[str, str], status=200
) -> HTMLResponse:
    return render(
        request,
        "contact_edit.html",
        status,
        title=f"Edit contact {contact.id}",
        contact=contact,
        values=values,
        errors=errors,
    )


@router.post("/contacts/{contact_id}/edit", response_class=HTMLResponse)
async def save_contact(request: Request, contact_id: RowId) -> Response:
    """Publish a moderator's correction at once (recorded in the history under their name)."""
    moderator: User = require_moderator(request)
    form = await checked_form(request)
    contact = _contact(request, contact_id)
    services = services_of(request)
    values = contact_form.form_values(form)
    now = services.clock.now()
    try:
        data = contact_form.checked(
            values, services.live.current, now, services.settings.zone, contact.data
        )
    except InvalidContact as exc:
        return _moderator_edit_page(request, contact, values, exc.errors, 422)
    submission_id, _ = services.directory.submit(
        data, now, contact_id=contact_id, submitted_by=moderator.id, via="web"
    )
    services.directory.approve(
        submission_id, moderator.username, now, services.live.current, data=data
    )
    flash(request, f"Saved: “{data.name}” is updated.")
    return redirect(f"/contacts/{contact_id}/history")
