"""The JSON API for services with many entries: Bearer tokens, every change moderated.

The Pydantic models here are the OpenAPI description (/api/openapi.json, read at /api/docs).
Field rules are the directory's own (bot.directory.validate), so the web form, the API and
imports accept and refuse exactly the same things, with the same messages.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field

from bot.accounts import API_ROLES, User
from bot.directory import FLAGS, Contact, ContactData, InvalidContact
from bot.web import contact_form
from bot.web.app import RowId, accounts_of, is_api, render, services_of

router = APIRouter(prefix="/api/v1", tags=["directory"])
docs_router = APIRouter(include_in_schema=False)

bearer = HTTPBearer(
    auto_error=False,
    description="An API token: `first48 admin create-token USERNAME`, or your /my page.",
)


# --- models: the OpenAPI description ---


class ContactFields(BaseModel):
    """What a service says about itself. Checked like the web form."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "Leeds Recovery Hub",
                    "kinds": ["ost_prescriber", "naloxone"],
                    "area_id": "leeds",
                    "address": "1 Example Street, Leeds LS1 1AA",
                    "phone": "+44 113 496 0000",
                    "website": "https://example.org",
                    "languages": ["en", "pl"],
                    "opening_hours": "Mo-Fr 09:00-17:00",
                    "flags": ["walk_in", "accepts_released"],
                    "notes": "Ask at reception for the duty worker.",
                    "verified_on": "2026-03-01",
                }
            ]
        },
    )

    name: str = Field(description="The name of the service, 2 to 200 characters.")
    kinds: list[str] = Field(description="Kinds of help: ids from GET /api/v1/kinds.")
    area_id: str = Field(description="The town or city: an id from GET /api/v1/areas.")
    address: str = Field("", description="Street address; empty for a phone or online service.")
    lat: float | None = Field(None, description="Latitude, within 60 km of the area.")
    lon: float | None = Field(None, description="Longitude; give both or neither.")
    phone: str = Field("", description="Phone number, like +44 113 496 0000.")
    website: str = Field("", description="Full web address starting with http(s)://")
    languages: list[str] = Field([], description="Two-letter language codes, like en, pl.")
    opening_hours: str = Field(
        "", description="OpenStreetMap opening_hours syntax, e.g. `Mo-Fr 09:00-17:00`."
    )
    flags: list[str] = Field([], description=f"Any of: {', '.join(FLAGS)}.")
    notes: str = Field("", description="Plain words for people using the service (≤ 1000).")
    verified_on: str = Field(
        "", description="Date the details were last checked, YYYY-MM-DD; today if empty."
    )

    @classmethod
    def of(cls, data: ContactData) -> ContactFields:
        return cls(**{name: getattr(data, name) for name in cls.model_fields})


class ContactOut(BaseModel):
    id: int
    status: str = Field(description="`approved` (shown to people) or `hidden`.")
    freshness: str = Field(
        description="`fresh`; `stale` (not checked for 6 months: shown with a warning); "
        "`hidden` (not checked for 12 months: not shown until confirmed)."
    )
    updated_at: str
    pending_submission_id: int | None = Field(
        None, description="A change waiting for a moderator, if any."
    )
    data: ContactFields


class SubmissionOut(BaseModel):
    id: int
    contact_id: int | None = Field(description="The contact it creates or changes, once known.")
    status: str = Field(description="`pending`, `approved`, `rejected` or `superseded`.")
    reason: str | None = Field(None, description="Why a moderator rejected it.")
    via: str
    created_at: str
    updated_at: str
    data: ContactFields


class Queued(BaseModel):
    submission_id: int
    status: str = "pending"
    detail: str = "A moderator will check this before anyone sees it."


class KindOut(BaseModel):
    id: str
    name: str = Field(description="English name.")
    names: dict[str, str] = Field(description="Name per language.")


class AreaOut(BaseModel):
    id: str
    name: str
    country: str
    timezone: str
    lat: float
    lon: float


class Problem(BaseModel):
    detail: str
    errors: dict[str, str] = Field(
        {}, description="Field name → what is wrong with it, in plain words."
    )


ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "No token, or a token that does not work."},
    403: {"model": Problem, "description": "Not this account's entry (or role)."},
    422: {"model": Problem, "description": "Fields (or an id in the path) that need fixing."},
}


# --- authentication ---


async def api_user(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> User:
    """The account a Bearer token belongs to (services and moderators)."""
    if credentials is None:
        raise HTTPException(
            401,
            "Send your API token as 'Authorization: Bearer <token>'.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    user = accounts_of(request).user_for_token(
        credentials.credentials, services_of(request).clock.now()
    )
    if user is None:
        raise HTTPException(
            401,
            "This token does not work (revoked, mistyped, or its account is disabled).",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    if user.role not in API_ROLES:
        raise HTTPException(403, "This account's role cannot use the directory API.")
    return user


ApiUser = Annotated[User, Depends(api_user)]


async def on_validation_error(request: Request, exc: Exception) -> Response:
    """Malformed JSON or types: the same shape as the directory's own field errors."""
    assert isinstance(exc, RequestValidationError)
    if not is_api(request):
        return render(
            request, "error.html", 404, title="Page not found", message="There is no such page."
        )
    errors: dict[str, str] = {}
    for error in exc.errors():
        location = [str(part) for part in error.get("loc", ()) if part != "body"]
        errors.setdefault(".".join(location) or "body", str(error.get("msg", "invalid")))
    return JSONResponse({"detail": "Some fields need fixing.", "errors": errors}, 422)


def _invalid(exc: InvalidContact) -> JSONResponse:
    return JSONResponse({"detail": "Some fields need fixing.", "errors": exc.errors}, 422)


def _contact_out(request: Request, contact: Contact) -> ContactOut:
    services = services_of(request)
    pending = next(
        (s["id"] for s in services.directory.pending() if s["contact_id"] == contact.id), None
    )
    return ContactOut(
        id=contact.id,
        status=contact.status,
        freshness=contact_form.contact_freshness(
            contact, services.live.current, services.clock.now(), services.settings.zone
        ),
        updated_at=contact.updated_at,
        pending_submission_id=pending,
        data=ContactFields.of(contact.data),
    )


def _checked(request: Request, body: ContactFields, base: ContactData | None) -> ContactData:
    services = services_of(request)
    return contact_form.checked(
        body.model_dump(), services.live.current, services.clock.now(), services.settings.zone, base
    )


# --- endpoints ---


@router.get("/contacts", response_model=list[ContactOut], responses=ERRORS)
async def list_contacts(request: Request, user: ApiUser) -> list[ContactOut]:
    """Your account's published contacts (new entries appear here once approved)."""
    return [_contact_out(request, c) for c in services_of(request).directory.owned_by(user.id)]


@router.post(
    "/contacts",
    status_code=202,
    response_model=Queued,
    responses={**ERRORS, 422: {"model": Problem, "description": "Fields that need fixing."}},
)
async def create_contact(request: Request, body: ContactFields, user: ApiUser) -> Any:
    """Register a new contact. It is queued for a moderator; nobody sees it before approval."""
    try:
        data = _checked(request, body, None)
    except InvalidContact as exc:
        return _invalid(exc)
    services = services_of(request)
    submission_id, _ = services.directory.submit(
        data, services.clock.now(), submitted_by=user.id, via="api"
    )
    return Queued(submission_id=submission_id)


@router.put(
    "/contacts/{contact_id}",
    status_code=202,
    response_model=Queued,
    responses={
        **ERRORS,
        404: {"model": Problem, "description": "No such contact."},
        422: {"model": Problem, "description": "Fields that need fixing."},
    },
)
async def update_contact(
    request: Request, contact_id: RowId, body: ContactFields, user: ApiUser
) -> Any:
    """Replace one of your contacts. Queued for a moderator; the current version stays shown."""
    services = services_of(request)
    contact = services.directory.contact(contact_id)
    if contact is None:
        raise HTTPException(404, f"There is no contact {contact_id}.")
    if contact.owner_id != user.id:
        raise HTTPException(403, f"Contact {contact_id} belongs to another account.")
    try:
        data = _checked(request, body, contact.data)
    except InvalidContact as exc:
        return _invalid(exc)
    submission_id, _ = services.directory.submit(
        data, services.clock.now(), contact_id=contact_id, submitted_by=user.id, via="api"
    )
    return Queued(submission_id=submission_id)


@router.get(
    "/submissions/{submission_id}",
    response_model=SubmissionOut,
    responses={**ERRORS, 404: {"model": Problem, "description": "No such submission."}},
)
async def get_submission(request: Request, submission_id: RowId, user: ApiUser) -> SubmissionOut:
    """Where a submission stands: pending, approved (with its contact id) or rejected (why)."""
    services = services_of(request)
    submission = services.directory.submission(submission_id)
    if submission is None:
        raise HTTPException(404, f"There is no submission {submission_id}.")
    contact = (
        services.directory.contact(submission["contact_id"]) if submission["contact_id"] else None
    )
    if submission["submitted_by"] != user.id and (contact is None or contact.owner_id != user.id):
        raise HTTPException(403, f"Submission {submission_id} belongs to another account.")
    return SubmissionOut(
        id=submission["id"],
        contact_id=submission["contact_id"],
        status=submission["status"],
        reason=submission["reason"],
        via=submission["via"],
        created_at=submission["created_at"],
        updated_at=submission["updated_at"],
        data=ContactFields.of(submission["data"]),
    )


@router.get("/kinds", response_model=list[KindOut], responses=ERRORS)
async def kinds(request: Request, user: ApiUser) -> list[KindOut]:
    """The kinds of help a contact can offer (from the peer-written content)."""
    return [
        KindOut(id=k.id, name=k.name(contact_form.LANGUAGE), names=dict(k.names))
        for k in services_of(request).live.current.kinds.values()
    ]


@router.get("/areas", response_model=list[AreaOut], responses=ERRORS)
async def areas(request: Request, user: ApiUser) -> list[AreaOut]:
    """The towns and cities a contact can be in."""
    return [
        AreaOut(id=a.id, name=a.name, country=a.country, timezone=a.timezone, lat=a.lat, lon=a.lon)
        for a in services_of(request).live.current.areas.values()
    ]


# --- the description, as a page (no scripts, so no CDN) ---


@docs_router.get("/api/docs", response_class=HTMLResponse)
async def api_docs(request: Request) -> Response:
    """The OpenAPI description, readable without JavaScript."""
    spec = request.app.openapi()
    operations = [
        {"method": method.upper(), "path": path, **operation}
        for path, methods in spec["paths"].items()
        for method, operation in methods.items()
    ]
    schemas = spec.get("components", {}).get("schemas", {})
    return render(
        request,
        "api_docs.html",
        title="Directory API",
        spec=spec,
        operations=operations,
        schemas={
            name: {
                "description": schema.get("description", ""),
                "properties": [
                    {
                        "name": prop,
                        "type": type_of(details),
                        "required": prop in schema.get("required", []),
                        "description": details.get("description", ""),
                    }
                    for prop, details in schema.get("properties", {}).items()
                ],
            }
            for name, schema in schemas.items()
        },
        type_of=type_of,
    )


def type_of(schema: dict[str, Any]) -> str:
    """A JSON schema's type in a few words: `string`, `array of KindOut`, `number or null`."""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " or ".join(type_of(s) for s in schema["anyOf"])
    if schema.get("type") == "array":
        return f"array of {type_of(schema.get('items', {}))}"
    if schema.get("type") == "object" and "additionalProperties" in schema:
        return f"object of {type_of(schema['additionalProperties'])}"
    return str(schema.get("type", "any"))
