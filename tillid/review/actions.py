"""What people decide, as events: decisions, answers to suggestions, rotation preferences.

Each action checks the state under a row lock, builds the event the contract
names, and hands it to ``record_and_publish``: the store applies it in this
transaction and queues it in the outbox, which the worker's relay publishes.
Decisions and answers are queued signed (TILLID_EVENT_SIGNING_KEY): the worker
applies no decision or answer without the review service's signature.
Used by the API and by the pages alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timezone
from typing import Any

from fastapi import HTTPException

from tillid.competence.events import new_envelope
from tillid.errors import InvalidInput
from tillid.matching.proposals.people import people_named
from tillid.review import queries
from tillid.review.audit import audited, audited_reads, audited_suggestions, purpose_of
from tillid.review.auth import Principal, forbidden, not_found
from tillid.store.audit import Read
from tillid.store.proposals import record_and_publish

SOURCE = "tillid-review"


def _now() -> datetime:
    return datetime.now(timezone.utc)


def conflict(detail: str) -> HTTPException:
    return HTTPException(status_code=409, detail=detail)


def check_committee_access(principal: Principal, proposal: dict[str, Any] | None, proposal_id: str) -> dict:
    """The proposal when the principal may see it: admin, or the committee it belongs to (else 404)."""
    if proposal is None or not (principal.is_admin or principal.is_committee(proposal["committee_id"])):
        raise not_found(f"proposal {proposal_id}")
    return proposal


def check_decision_form(decision: str, comment: str, keep: Sequence[str] | None) -> None:
    """What a decision needs whatever the proposal: a comment to reject or amend, ``keep`` only to amend."""
    if decision == "amended" and keep is None:
        raise InvalidInput("keep", "amending keeps some of the proposal's items: list their item_id")
    if decision != "amended" and keep is not None:
        raise InvalidInput("keep", f"only an amendment keeps items; {decision} is for the whole proposal")
    if decision in ("rejected", "amended") and not comment.strip():
        raise InvalidInput("comment", f"say why: a comment is required when the decision is {decision}")


def check_kept_items(proposal: dict[str, Any], keep: Sequence[str]) -> list[str]:
    """The kept item ids in the proposal's order: a non-empty proper subset of its items, each once."""
    known = [item["item_id"] for item in proposal["items"]]
    unknown = sorted(set(keep) - set(known))
    if unknown:
        raise InvalidInput("keep", f"not items of this proposal: {', '.join(unknown[:5])}")
    if len(set(keep)) != len(keep):
        raise InvalidInput("keep", "an item is listed more than once")
    if not keep:
        raise InvalidInput("keep", "keep at least one item (to drop them all, reject the proposal)")
    if len(keep) == len(known):
        raise InvalidInput("keep", "that keeps every item (to keep them all, approve the proposal)")
    wanted = set(keep)
    return [item_id for item_id in known if item_id in wanted]


async def decide_proposal(conn, principal: Principal, proposal_id: str, decision: str, comment: str,
                          endpoint: str, *, signing_key: bytes, keep: Sequence[str] | None = None) -> dict[str, Any]:
    """Record a decision on a pending proposal (in the caller's transaction), signed with ``signing_key``.

    The event's ``by`` is the contract's ``committee`` (a proposal is the
    committee's to decide); its ``actor`` says who really decided, a committee
    member or an admin, and the decision row and the audit rows keep that.
    An amendment keeps ``keep``, some of the proposal's items (InvalidInput
    naming ``keep`` or ``comment`` for a decision that lacks what it needs).
    """
    check_decision_form(decision, comment, keep)
    proposal = check_committee_access(principal, await queries.proposal(conn, proposal_id, for_update=True),
                                      proposal_id)
    if proposal["status"] not in queries.DECIDABLE_STATUSES:
        raise conflict(f"proposal {proposal_id} is {proposal['status']}, not pending; it cannot be decided again")
    kept = check_kept_items(proposal, keep) if keep is not None else None
    decided_at = _now()
    event = new_envelope("ProposalDecided", {
        "proposal_id": proposal_id, "by": "committee", "decision": decision, "comment": comment,
        "decided_at": decided_at.isoformat().replace("+00:00", "Z"),
        "actor": {"role": principal.role, "holder": principal.holder},
        **({"keep": kept} if kept is not None else {}),
    }, source=SOURCE, occurred_at=decided_at)
    await record_and_publish(conn, event, key=await queries.key_of_scope(conn, proposal["scope"]),
                             signing_key=signing_key)
    await audited_reads(conn, principal, [Read(person, f"decided proposal {proposal_id}: {decision}")
                                          for person in people_named(proposal)], endpoint, purpose_of(principal))
    return await queries.proposal(conn, proposal_id)


async def answer_suggestion(conn, principal: Principal, suggestion_id: str, response: str, comment: str,
                            endpoint: str, *, signing_key: bytes) -> dict[str, Any]:
    """Record an employee's answer to their own open suggestion, signed with ``signing_key``."""
    if principal.kind != "employee":
        raise forbidden("only the employee a suggestion is for may answer it")
    suggestion = await queries.suggestion(conn, suggestion_id, for_update=True)
    if suggestion is None or not principal.is_employee(suggestion["employee_id"]):
        raise not_found(f"suggestion {suggestion_id}")
    if suggestion["status"] != "open":
        raise conflict(f"suggestion {suggestion_id} was already {suggestion['status']}")
    answered_at = _now()
    event = new_envelope("SuggestionAnswered", {
        "suggestion_id": suggestion_id, "employee_id": suggestion["employee_id"], "response": response,
        "comment": comment, "answered_at": answered_at.isoformat().replace("+00:00", "Z"),
    }, source=SOURCE, occurred_at=answered_at)
    await record_and_publish(conn, event, key=await queries.key_of_employee(conn, suggestion["employee_id"]),
                             signing_key=signing_key)
    await audited(conn, principal, suggestion["employee_id"], f"answered suggestion {suggestion_id}: {response}",
                  endpoint, purpose_of(principal))
    answered = await queries.suggestion(conn, suggestion_id)
    await audited_suggestions(conn, principal, suggestion["employee_id"], [answered], endpoint)
    return answered


async def express_rotation_interest(conn, principal: Principal, employee_id: str, ranked_slot_ids: list[str],
                                    available_from: date, max_weeks: int, endpoint: str) -> dict[str, Any]:
    """Record an employee's rotation preferences (an empty ranking means "suggest to me")."""
    if not principal.is_employee(employee_id):
        raise not_found(f"employee {employee_id}")
    now = _now()
    event = new_envelope("RotationInterestExpressed", {
        "employee_id": employee_id, "ranked_slot_ids": list(ranked_slot_ids),
        "available_from": available_from.isoformat(), "max_weeks": max_weeks,
    }, source=SOURCE, occurred_at=now)
    await record_and_publish(conn, event, key=await queries.key_of_employee(conn, employee_id))
    await audited(conn, principal, employee_id, "changed rotation preferences", endpoint, purpose_of(principal))
    return await queries.rotation_interest(conn, employee_id) or {}
