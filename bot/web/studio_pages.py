"""Peer workers' studio pages: the messages, an editor with a phone preview, the approval queue."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from html import escape
from typing import Any

import yaml
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from markupsafe import Markup

from bot.accounts import User
from bot.content import LANGUAGES, PRIORITIES, TOPICS, ContentSet, Message, Problem, fill
from bot.studio import STUDIO_ROLES, Studio, StudioError, entry_text
from bot.timeline import Facts, QuietHours, compute
from bot.web.app import RowId, redirect, render, require_user, services_of
from bot.web.security import Forbidden, checked_form, flash

router = APIRouter(include_in_schema=False)

_SIMPLE_TAG = re.compile(r"&lt;(/?)(b|i|u|s|code|strong|em|tg-spoiler)&gt;")
# What a message's placeholders look like in the preview: the UK's numbers.
PREVIEW_VALUES = {
    "emergency_number": "999",
    "crisis_line": "116 123",
    "crisis_line_name": "Samaritans",
    "area": "Leeds",
}
PREVIEW_RANGE = timedelta(days=3660)  # release dates the timeline preview accepts, from today


def require_peer(request: Request) -> User:
    user = require_user(request)
    if user.role not in STUDIO_ROLES:
        raise Forbidden
    return user


def studio_of(request: Request) -> Studio:
    services = services_of(request)
    return Studio(services.live.db, services.settings.content_dir)


def bubble(body: str) -> Markup:
    """The message as Telegram would show it: escaped, with its simple formatting kept."""
    html = _SIMPLE_TAG.sub(r"<\1\2>", escape(fill(body, PREVIEW_VALUES), quote=False))
    return Markup(
        html.replace("<tg-spoiler>", '<span class="spoiler">')
        .replace("</tg-spoiler>", "</span>")
        .replace("\n", "<br>")
    )


def when_text(message: Message) -> str:
    """ "6 hours after", "day 2 at 09:00", or what the answer answers."""
    t = message.when
    if t is None:
        return f"answer: {message.intent}" if message.intent else "answer"
    if t.unit == "at" and t.at is not None:
        return f"day {t.amount} at {t.at:%H:%M}"
    return f"{t.amount} {t.unit}{'' if t.amount == 1 else 's'} after"


def _rows(content: ContentSet, states: dict[tuple[str, str], str]) -> list[dict[str, Any]]:
    """Every English message in timeline order, then the answers; each language's state."""
    english = content.messages["en"]
    timed = [m for m in content.timeline]
    others = sorted((m for m in english.values() if m.when is None), key=lambda m: m.id)
    return [
        {
            "message": message,
            "states": {lang: states.get((lang, message.id), "missing") for lang in LANGUAGES[1:]},
            "when": when_text(message),
        }
        for message in timed + others
    ]


@router.get("/studio", response_class=HTMLResponse)
async def overview(request: Request) -> Response:
    """All messages, hour 0 onwards, then the answers, with each language's state."""
    require_peer(request)
    content = services_of(request).live.current
    topic = request.query_params.get("topic") or ""
    states = studio_of(request).translation_states(content)
    rows = [r for r in _rows(content, states) if not topic or r["message"].topic == topic]
    topics = sorted({m.topic for m in content.messages["en"].values() if m.topic})
    waiting = len(studio_of(request).proposals())
    stats = services_of(request).companion.outbox.stats()
    moods = services_of(request).companion.checkins.counts()
    return render(
        request, "studio.html", title="Messages", rows=rows, topics=topics, topic=topic,
        languages=LANGUAGES[1:], waiting=waiting, stats=stats, moods=moods,
    )  # fmt: skip


def _message(request: Request, language: str, message_id: str) -> tuple[Message, str]:
    content = services_of(request).live.current
    message = content.messages.get(language, {}).get(message_id)
    if message is None:
        raise HTTPException(404, "There is no such message.")
    entry = entry_text(studio_of(request).live_files()[message.file], message_id)
    if entry is None:
        raise HTTPException(404, "There is no such message.")
    return message, entry


def _editor(
    request: Request,
    message: Message,
    *,
    body: str | None = None,
    author: str = "",
    problems: list[Problem] | None = None,
    status: int = 200,
) -> HTMLResponse:
    content = services_of(request).live.current
    body = message.body if body is None else body
    ui = content.ui.get(message.language, {})
    buttons = [ui.get(f"button_{b}") or ui.get(b) or b for b in message.buttons]
    english = content.messages["en"].get(message.id) if message.language != "en" else None
    state = studio_of(request).translation_states(content).get((message.language, message.id))
    return render(
        request, "studio_edit.html", status, title=f"Edit {message.id} ({message.language})",
        message=message, when=when_text(message), body=body, author=author or message.author,
        preview=bubble(body), discreet_line=content.text(message.language, "discreet_line"),
        buttons=buttons, problems=problems or [],
        history=studio_of(request).history(message.file, message.id),
        source=bubble(english.body) if english else None, out_of_date=state == "out of date",
    )  # fmt: skip


@router.get("/studio/{language}/{message_id}", response_class=HTMLResponse)
async def edit(request: Request, language: str, message_id: str) -> Response:
    """The editor: the text, how it looks on a phone, and the checks."""
    require_peer(request)
    message, _ = _message(request, language, message_id)
    return _editor(request, message)


def _with_body(entry: str, body: str, author: str) -> str:
    data = yaml.safe_load(entry)
    data["body"] = body.replace("\r\n", "\n").strip("\n") + "\n"
    data["author"] = author.strip() or data.get("author", "")
    return _dump(data)


class _LiteralDumper(yaml.SafeDumper):
    """Multi-line text as `|` blocks, the way peers write them in the files."""


def _literal(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_LiteralDumper.add_representer(str, _literal)


def _dump(data: dict[str, Any]) -> str:
    """One message entry as YAML, in the files' own style."""
    return yaml.dump(data, Dumper=_LiteralDumper, sort_keys=False, allow_unicode=True, width=100)


@router.post("/studio/{language}/{message_id}", response_class=HTMLResponse)
async def propose(request: Request, language: str, message_id: str) -> Response:
    """Preview and check the text, or propose it for a second peer's approval."""
    user = require_peer(request)
    form = await checked_form(request)
    message, entry = _message(request, language, message_id)
    body = str(form.get("body") or "")
    author = str(form.get("author") or "")
    new_entry = _with_body(entry, body, author)
    studio = studio_of(request)
    now = services_of(request).clock.now()
    if form.get("action") != "propose":
        problems = studio.check(message.file, message_id, new_entry)
        return _editor(request, message, body=body, author=author, problems=problems)
    try:
        version, warnings = studio.propose(user, message.file, message_id, new_entry, now)
    except StudioError as exc:
        return _editor(
            request, message, body=body, author=author, problems=exc.problems, status=422
        )
    note = f" ({len(warnings)} warnings to look at)" if warnings else ""
    flash(request, f"Proposed as change {version}{note}. Another peer approves it.")
    return redirect("/studio/queue")


@router.post("/studio/{language}/{message_id}/check")
async def live_check(request: Request, language: str, message_id: str) -> Response:
    """While typing: the preview and the checks, as JSON for the editor's script."""
    require_peer(request)
    form = await checked_form(request)
    message, entry = _message(request, language, message_id)
    body = str(form.get("body") or "")
    new_entry = _with_body(entry, body, str(form.get("author") or message.author))
    problems = studio_of(request).check(message.file, message_id, new_entry)
    return JSONResponse(
        {
            "preview": str(bubble(body)),
            "problems": [
                {"severity": p.severity, "message": p.message, "where": f"{p.file}:{p.line}"}
                for p in problems
            ],
        }
    )


@router.post("/studio/{language}/{message_id}/retire", response_class=HTMLResponse)
async def retire(request: Request, language: str, message_id: str) -> Response:
    """Propose that a message is no longer sent (a second peer approves it)."""
    user = require_peer(request)
    await checked_form(request)
    message, _ = _message(request, language, message_id)
    try:
        version, _ = studio_of(request).propose(
            user, message.file, message_id, None, services_of(request).clock.now()
        )
    except StudioError as exc:
        flash(request, str(exc))
        return redirect(f"/studio/{language}/{message_id}")
    flash(request, f"Proposed retiring {message_id} as change {version}. Another peer approves it.")
    return redirect("/studio/queue")


@router.get("/studio/new", response_class=HTMLResponse)
async def new_form(request: Request) -> Response:
    """A new timeline message or a new answer, in English first."""
    require_peer(request)
    return _new_page(request, {**dict.fromkeys(FIELDS, ""), "priority": "normal"})


def _new_page(
    request: Request,
    values: dict[str, str],
    problems: list[Problem] | None = None,
    status: int = 200,
) -> HTMLResponse:
    return render(
        request, "studio_new.html", status, title="A new message", values=values,
        problems=problems or [], topics=sorted(TOPICS), priorities=PRIORITIES,
    )  # fmt: skip


_ID = re.compile(r"^[a-z0-9][a-z0-9-]{2,60}$")
FIELDS = ("id", "topic", "when", "priority", "intent", "body", "author")


@router.post("/studio/new", response_class=HTMLResponse)
async def new_propose(request: Request) -> Response:
    """Propose a new English message: with a time it joins the timeline, else it is an answer."""
    user = require_peer(request)
    form = await checked_form(request)
    values = {k: str(form.get(k) or "").strip() for k in FIELDS}
    if not _ID.match(values["id"]):
        problem = Problem("en", 0, "the id is 3-60 lowercase letters, digits and dashes")
        return _new_page(request, values, [problem], 422)
    data: dict[str, Any] = {"id": values["id"], "topic": values["topic"]}
    file = "en/answers.yml"
    if values["when"]:
        data["when"] = values["when"]
        data["priority"] = values["priority"] or "normal"
        file = "en/timeline.yml"
    if values["intent"]:
        data["intent"] = values["intent"]
    data["author"] = values["author"] or user.username
    data["reviewer"] = "pending"
    data["body"] = values["body"].replace("\r\n", "\n").strip("\n") + "\n"
    entry = _dump(data)
    if values["id"] in services_of(request).live.current.messages["en"]:
        problem = Problem(file, 0, f"there is already a message {values['id']}")
        return _new_page(request, values, [problem], 422)
    try:
        version, _ = studio_of(request).propose(
            user, file, values["id"], entry, services_of(request).clock.now()
        )
    except StudioError as exc:
        return _new_page(request, values, exc.problems or [Problem(file, 0, str(exc))], 422)
    flash(request, f"Proposed the new message {values['id']} as change {version}.")
    return redirect("/studio/queue")


@router.get("/studio/queue", response_class=HTMLResponse, name="studio_queue")
async def queue(request: Request) -> Response:
    """Changes waiting for a second peer."""
    user = require_peer(request)
    studio = studio_of(request)
    files = studio.live_files()
    items = []
    for version in studio.proposals():
        current = entry_text(files.get(version.file, ""), version.message_id)
        items.append(
            {
                "version": version,
                "before": _body(current),
                "after": _body(version.entry),
                "own": version.author == user.username,
            }
        )
    return render(request, "studio_queue.html", title="Changes waiting", items=items)


def _body(entry: str | None) -> Markup | None:
    if entry is None:
        return None
    data = yaml.safe_load(entry)
    return bubble(str(data.get("body", ""))) if isinstance(data, dict) else None


@router.post("/studio/versions/{version_id}/{decision}", response_class=HTMLResponse)
async def decide(request: Request, version_id: RowId, decision: str) -> Response:
    """Approve (live at once) or reject a change; restore makes an old version a proposal."""
    user = require_peer(request)
    form = await checked_form(request)
    services = services_of(request)
    studio = studio_of(request)
    now = services.clock.now()
    try:
        if decision == "approve":
            version = studio.approve(user, version_id, now)
            if services.live.reload():
                # Live at once; everyone's reminders are re-planned in turns in the background
                # (minutes at 100,000 people), so neither this page nor the bot waits for it.
                services.replan_in_background()
            flash(request, f"Approved: {version.message_id} is live now.")
        elif decision == "reject":
            studio.reject(user, version_id, str(form.get("reason") or ""), now)
            flash(request, f"Rejected change {version_id}.")
        elif decision == "restore":
            new, _ = studio.restore(user, version_id, now)
            flash(request, f"Version {version_id} proposed again as change {new}.")
        else:
            raise HTTPException(404, "There is no such action.")
    except StudioError as exc:
        flash(request, str(exc))
    return redirect("/studio/queue")


@router.get("/studio/timeline", response_class=HTMLResponse)
async def timeline_preview(request: Request) -> Response:
    """A person's whole timeline for given answers: the computation the bot itself uses."""
    require_peer(request)
    services = services_of(request)
    content = services.live.current
    zone = services.settings.zone
    q = request.query_params
    today = services.clock.now().astimezone(zone).date()
    values = {
        "released": q.get("released") or today.isoformat(),
        "hour": q.get("hour") or "10:00",
        "lang": q.get("lang") if q.get("lang") in LANGUAGES else "en",
        "on_ost": q.get("on_ost") if q.get("on_ost") in ("yes", "no", "unknown") else "unknown",
        "housed": q.get("housed") if q.get("housed") in ("yes", "no", "unknown") else "unknown",
    }
    try:
        day = datetime.fromisoformat(values["released"]).date()
        at = time.fromisoformat(values["hour"])
    except ValueError:
        day, at = today, time(10, 0)
    if abs(day - today) > PREVIEW_RANGE:  # a year's timeline from 9999-12-31 has no dates
        day = today
    released = datetime.combine(day, at, tzinfo=zone)
    facts = Facts(released, zone, values["on_ost"], values["housed"])
    quiet = QuietHours(services.settings.quiet_start, services.settings.quiet_end)
    planned = []
    for item in compute(content.timeline, facts, quiet):
        message = content.message(item.message.id, values["lang"])
        if message is None:
            continue
        planned.append(
            {
                "at": item.due_at.astimezone(zone),
                "held": item.due_at != item.nominal_at,
                "message": message,
                "first_line": message.body.split("\n")[0],
            }
        )
    return render(
        request, "studio_timeline.html", title="A person's timeline", planned=planned,
        values=values, released=released, languages=LANGUAGES,
    )  # fmt: skip
