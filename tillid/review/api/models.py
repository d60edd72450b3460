"""Request and response bodies of the HTTP API (they make the OpenAPI document)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import Path, Query
from pydantic import BaseModel, ConfigDict, Field

# An id in a path or query: printable, no control characters, bounded.
ID_PATTERN = r"^[^\x00-\x1f\x7f]+$"
ID_MAX = 200
COMMENT_MAX = 2000

PathId = Annotated[str, Path(pattern=ID_PATTERN, min_length=1, max_length=ID_MAX)]
QueryId = Annotated[str | None, Query(pattern=ID_PATTERN, min_length=1, max_length=ID_MAX)]
Comment = Annotated[str, Field(max_length=COMMENT_MAX, pattern=r"^[^\x00]*$")]

DeclineReason = Literal["not_interested", "no_time", "already_have"]
ProposalKind = Literal["leon_allocation", "upskilling_path", "rotation_placement"]
ProposalStatus = Literal["pending", "approved", "rejected", "amended", "superseded", "withdrawn"]


class RequestBody(BaseModel):
    """A request body: fields it does not know are ignored (as in the event contract); ``comment`` may be null."""

    model_config = ConfigDict(extra="ignore")


class TokenRequest(RequestBody):
    role: str = Field(description="admin, committee:COMMITTEE_ID, employee:EMPLOYEE_ID or hr:SOURCE",
                      examples=["committee:med-aarhus-sundhed"], max_length=250)
    organisations: list[Annotated[str, Field(min_length=1, max_length=ID_MAX, pattern=ID_PATTERN)]] | None = Field(
        None, max_length=1000, examples=[["org-aarhus"], ["*"]],
        description='required for hr: roles: the organisations whose events the token may send; ["*"] = all')
    holder: Annotated[str, Field(max_length=200, pattern=ID_PATTERN)] | None = Field(
        None, description="who holds the token (free text, e.g. a pseudonymous staff number); kept in the audit log")


class TokenIssued(BaseModel):
    token: str
    token_id: str
    role: str
    organisations: list[str]
    holder: str | None
    expires_at: dt.datetime


class Stats(BaseModel):
    events_received: int = Field(description="events taken in: the sum of the five outcomes below")
    events_applied: int = Field(description="applied, or parked and released since")
    events_parked: int = Field(description="waiting for what they refer to (parked_events)")
    events_dropped_by_erasure: int = Field(description="about a person erased before they were applied")
    events_duplicate: int
    events_deadlettered: int
    events_pending: int = Field(description="the same as events_parked (kept for existing clients)")
    employees: int
    proposals: dict[str, int]


class Problem(BaseModel):
    field: str = Field(description="where the problem is, e.g. comment, or 2.payload.level in a batch of events")
    problem: str


class Refusal(BaseModel):
    detail: str


class Invalid(BaseModel):
    detail: list[Problem]


class Decision(BaseModel):
    by: str = Field(description="committee or employee, as in the ProposalDecided event")
    decision: str
    comment: str
    decided_at: dt.datetime
    role: str | None = Field(None, description="role of the token that decided (admin or committee:ID); "
                                               "null when the decision came without one")
    holder: str | None = Field(None, description="holder of that token (e.g. a pseudonymous staff number)")
    keep: list[str] | None = Field(None, description="with an amendment: the item ids kept")


ItemKind = Literal["path", "move", "placement", "unlock"]


class ProposalItem(BaseModel):
    item_id: str = Field(description="stable for the proposal: path:EMPLOYEE, move:TASK:FROM:TO, "
                                     "placement:SLOT:APPLICANT, unlock:ACTIVITY (docs/proposals.md)")
    kind: ItemKind
    employee_ids: list[str]
    summary_da: str
    summary_en: str
    effect: dict[str, Any] = Field(description="its part of the proposal's effect, with the same keys")


class Proposal(BaseModel):
    proposal_id: str
    kind: str
    committee_id: str
    scope: str
    employee_ids: list[str]
    summary_da: str
    summary_en: str
    explanation: dict[str, Any]
    effect: dict[str, Any]
    supersedes: str | None
    status: str
    created_at: dt.datetime
    decisions: list[Decision]
    items: list[ProposalItem] = Field(description="the parts a committee can keep or drop; effect is their sum "
                                                  "(for LEON plus the freed hours, docs/proposals.md)")
    kept_items: list[str] | None = Field(description="the item ids an amendment kept; null unless amended so")
    proposed_effect: dict[str, Any] | None = Field(description="the effect as proposed, when an amendment "
                                                               "recomputed effect for the kept items")


ItemId = Annotated[str, Field(min_length=1, max_length=2 * ID_MAX, pattern=ID_PATTERN)]


class DecisionRequest(RequestBody):
    decision: Literal["approved", "rejected", "amended"]
    comment: Comment | None = Field(None, description="required to reject or amend")
    keep: list[ItemId] | None = Field(None, max_length=5000,
                                      description="with amended (required there, refused otherwise): the item ids "
                                                  "to keep, a non-empty proper subset of the proposal's items")


class Suggestion(BaseModel):
    suggestion_id: str
    employee_id: str
    kind: str
    proposal_id: str
    summary_da: str
    summary_en: str
    explanation: dict[str, Any]
    respond_by: dt.date | None
    status: str
    comment: str
    reason: DeclineReason | None = None
    answered_at: dt.datetime | None
    created_at: dt.datetime


class SuggestionResponse(RequestBody):
    response: Literal["accepted", "declined"]
    comment: Comment | None = None
    # Why declined (only with "declined"); "already_have" also disputes the competence (CompetenceDisputed).
    reason: DeclineReason | None = None


class Profession(BaseModel):
    profession_id: str
    title_da: str | None
    title_en: str | None


class Workplace(BaseModel):
    workplace_id: str
    name: str | None
    committee_id: str | None
    sector: str | None


class Competence(BaseModel):
    skill: str
    level: int
    assessed_on: dt.date
    evidence: str


class Employee(BaseModel):
    employee_id: str
    profession: Profession
    workplace: Workplace
    weekly_hours: float
    age_band: str | None
    left_on: dt.date | None
    learning_interests: list[str]
    competences: list[Competence]
    open_suggestions: list[Suggestion]


class RotationInterest(RequestBody):
    ranked_slot_ids: list[Annotated[str, Field(min_length=1, max_length=ID_MAX, pattern=ID_PATTERN)]] = Field(
        default_factory=list, max_length=20, description="slot ids, best first; empty means 'suggest to me'")
    available_from: dt.date
    max_weeks: int = Field(ge=1, le=104)


class AuditEntry(BaseModel):
    at: dt.datetime
    actor: str
    holder: str | None = Field(description="holder of the token that read (null for the admin token from "
                                           "the settings and for tokens without one)")
    subject: str
    action: str
    endpoint: str
    purpose: str


class Accepted(BaseModel):
    accepted: int


def refusals(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI descriptions of the refusals an endpoint may give."""
    text = {401: "no token, or an unknown one", 403: "the token's role may not do this",
            404: "not found, or outside the token's scope", 409: "the state does not allow it",
            422: "invalid input; detail names each field", 503: "a dependency is unavailable"}
    return {code: {"model": Invalid if code == 422 else Refusal, "description": text[code]} for code in codes}
