"""POST /api/events: events from HR systems without a Kafka client, validated exactly like the stream and
stored in the intake, which the service relays to Kafka (tillid/review/intake_relay.py).

Who may post what (tillid/review/event_scope.py): no one posts the types Tillid publishes itself, and an
hr: token only events of its source about its organisations; a refusal is a 403 naming each event.
"""

from __future__ import annotations

import json

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from tillid.competence.events import TOPIC_OF_TYPE, Keyer, validate
from tillid.errors import InvalidEvent
from tillid.review.event_scope import ScopeProblem, named_ids, published_by_tillid, refused_types, scope_problems
from tillid.review.api.models import Accepted, Invalid, refusals
from tillid.review.auth import Principal, require
from tillid.review.database import connection
from tillid.review.errors import invalid, problem
from tillid.store.links import OrganisationLinks, organisation_links
from tillid.store import intake

router = APIRouter(tags=["events"])

MAX_EVENTS = 5000
MAX_BYTES = 16 * 1024 * 1024

# The envelope as OpenAPI sees it; the payload of each type is checked by the event contract's schemas.
_ENVELOPE = {
    "type": "object",
    "required": ["event_id", "type", "schema_version", "occurred_at", "source", "payload"],
    "properties": {
        "event_id": {"type": "string", "minLength": 1},
        "type": {"type": "string", "enum": sorted(t for t in TOPIC_OF_TYPE if not published_by_tillid(t))},
        "schema_version": {"type": "integer", "enum": [1]},
        "occurred_at": {"type": "string", "format": "date-time"},
        "source": {"type": "string", "minLength": 1},
        "payload": {"type": "object"},
    },
}
_BODY_SCHEMA = {
    "required": True,
    "content": {"application/json": {"schema": {
        "oneOf": [_ENVELOPE, {"type": "array", "items": _ENVELOPE, "maxItems": MAX_EVENTS}]}}},
}


@router.post("/events", status_code=202, response_model=Accepted, openapi_extra={"requestBody": _BODY_SCHEMA},
             responses={**refusals(401, 422, 503), 403: {
                 "model": Invalid, "description": "events this token may not post; detail names each"}})
async def post_events(request: Request, principal: Principal = Depends(require("admin", "hr"))):
    """One event envelope or a list. All or nothing: any invalid event gets a reason
    (``field`` = ``INDEX.path``) and none of the request is published. 403 (with the same reasons) for
    the types Tillid publishes itself, and, with an hr: token, for an event of another source or about
    an organisation outside the token's."""
    raw = await request.body()
    if len(raw) > MAX_BYTES:
        return invalid([problem("body", f"larger than {MAX_BYTES} bytes; send smaller batches")], status=413)
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        return invalid([problem("body", "not JSON")])
    items = body if isinstance(body, list) else [body]
    if not items:
        return invalid([problem("body", "no events: send one event object or a non-empty list")])
    if len(items) > MAX_EVENTS:
        return invalid([problem("body", f"more than {MAX_EVENTS} events; send smaller batches")])
    refused = refused_types(items)
    if refused:
        return _forbidden(refused)
    envelopes, problems = [], []
    for index, item in enumerate(items):
        try:
            envelopes.append(validate(item))
        except InvalidEvent as error:
            problems.append(problem(_at(index, error.field), error.problem))
    if problems:
        return invalid(problems)
    links = await _links_of(request, envelopes)
    if principal.kind == "hr":
        refused = scope_problems(envelopes, principal.scope or "", principal.organisations, _keyer(links))
        if refused:
            return _forbidden(refused)
    keyer = _keyer(links)
    async with connection(request) as conn:
        accepted = await intake.accept(conn, envelopes, keyer)
    return JSONResponse({"accepted": accepted}, status_code=202)


def _at(index: int, field: str) -> str:
    return f"{index}.{field}" if field else str(index)


def _forbidden(refused: list[ScopeProblem]) -> JSONResponse:
    return invalid([problem(p.field, p.problem) for p in refused], status=403)


async def _links_of(request: Request, envelopes) -> OrganisationLinks:
    """The store's links of the workplaces, employees and slots these events name (one read for both the
    scope check and the message keys)."""
    named = named_ids(envelopes)
    async with connection(request) as conn:
        return await organisation_links(conn, named.workplaces, named.employees, named.slots)


def _keyer(links: OrganisationLinks) -> Keyer:
    """A fresh Keyer seeded with the links: each pass over the events learns their links in order."""
    return Keyer(workplace_org=dict(links.workplace_org), employee_workplace=dict(links.employee_workplace),
                 slot_workplace=dict(links.slot_workplace))
