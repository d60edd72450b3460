"""What people decide, as events: decisions, answers to suggestions, competence disputes, rotation preferences.

Each action checks the state under a row lock, builds the event the contract
names, and hands it to ``record_and_publish``: the store applies it in this
transaction and queues it in the outbox, which the worker's relay publishes.
Decisions, answers and disputes are queued signed (TILLID_EVENT_SIGNING_KEY): the worker
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
from tillid.store import answers
from tillid.store.audit import Read
from tillid.store.proposals import record_and_publish

SOURCE = "tillid-review"
# Why an employee may say they declined (SuggestionAnswered.reason).
DECLINE_REASONS = ("not_interested", "no_time", "already_have")


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
                            endpoint: str, *, signing_key: bytes, reason: str | None = None) -> dict[str, Any]:
    """Record an employee's answer to their own open suggestion, signed with ``signing_key``.

    A decline may say why (``DECLINE_REASONS``); "already_have" also disputes the competence entry of
    each skill the suggestion's path was to raise (``dispute_competence``)."""
    if principal.kind != "employee":
        raise forbidden("only the employee a suggestion is for may answer it")
    if reason is not None and (reason not in DECLINE_REASONS or response != "declined"):
        raise InvalidInput("reason", f"one of {', '.join(DECLINE_REASONS)}, and only with response declined")
    suggestion = await queries.suggestion(conn, suggestion_id, for_update=True)
    if suggestion is None or not principal.is_employee(suggestion["employee_id"]):
        raise not_found(f"suggestion {suggestion_id}")
    if suggestion["status"] != "open":
        raise conflict(f"suggestion {suggestion_id} was already {suggestion['status']}")
    answered_at = _now()
    payload = {"suggestion_id": suggestion_id, "employee_id": suggestion["employee_id"], "response": response,
               "comment": comment, "answered_at": answered_at.isoformat().replace("+00:00", "Z")}
    if reason is not None:
        payload["reason"] = reason
    event = new_envelope("SuggestionAnswered", payload, source=SOURCE, occurred_at=answered_at)
    await record_and_publish(conn, event, key=await queries.key_of_employee(conn, suggestion["employee_id"]),
                             signing_key=signing_key)
    await audited(conn, principal, suggestion["employee_id"], f"answered suggestion {suggestion_id}: {response}",
                  endpoint, purpose_of(principal))
    if reason == "already_have":
        for gap in _gaps(suggestion):
            if not await answers.has_open_dispute(conn, suggestion["employee_id"], gap["skill"]):
                await dispute_competence(conn, principal, gap["skill"], _already_have_comment(gap, suggestion_id,
                                                                                             comment),
                                         endpoint, signing_key=signing_key)
    answered = await queries.suggestion(conn, suggestion_id)
    await audited_suggestions(conn, principal, suggestion["employee_id"], [answered], endpoint)
    return answered


def _gaps(suggestion: dict[str, Any]) -> list[dict[str, Any]]:
    """The skill gaps a suggestion's path was to close ({skill, current, target})."""
    gaps = (suggestion.get("explanation") or {}).get("gaps") or []
    return [g for g in gaps if isinstance(g, dict) and isinstance(g.get("skill"), str) and g["skill"]]


def _already_have_comment(gap: dict[str, Any], suggestion_id: str, comment: str) -> str:
    said = f"Already has this competence at level {gap.get('target')} or above (declined suggestion {suggestion_id})"
    return f"{said}: {comment}" if comment else said


async def dispute_competence(conn, principal: Principal, skill: str, comment: str, endpoint: str, *,
                             signing_key: bytes) -> dict[str, Any]:
    """An employee says a competence entry Tillid holds about them is wrong: CompetenceDisputed, signed,
    on ``feedback`` for HR systems; matching leaves the entry out until HR assesses the skill again.

    ``level`` is the level Tillid holds for the skill (0 when it holds none): the entry disputed. What
    the person claims instead is in their words (``comment``)."""
    if principal.kind != "employee":
        raise forbidden("only the employee may dispute their own competences")
    employee_id = principal.scope
    if await answers.has_open_dispute(conn, employee_id, skill):
        raise conflict(f"competence {skill} is already disputed; HR has not assessed it again yet")
    disputed_at = _now()
    event = new_envelope("CompetenceDisputed", {
        "employee_id": employee_id, "skill": skill, "level": await answers.held_level(conn, employee_id, skill),
        "comment": comment,
    }, source=SOURCE, occurred_at=disputed_at)
    await record_and_publish(conn, event, key=await queries.key_of_employee(conn, employee_id),
                             signing_key=signing_key)
    await audited(conn, principal, employee_id, f"disputed competence {skill}", endpoint, purpose_of(principal))
    return event["payload"]


async def ask_again(conn, principal: Principal, suggestion_id: str, endpoint: str) -> None:
    """The employee wants the needs of a suggestion they declined proposed again, before the quiet period ends."""
    if principal.kind != "employee":
        raise forbidden("only the employee who declined a suggestion may ask for it again")
    suggestion = await queries.suggestion(conn, suggestion_id)
    if suggestion is None or not principal.is_employee(suggestion["employee_id"]):
        raise not_found(f"suggestion {suggestion_id}")
    if suggestion["status"] != "declined":
        raise conflict(f"suggestion {suggestion_id} is {suggestion['status']}, not declined")
    await answers.ask_again(conn, suggestion["employee_id"], suggestion_id, _now())
    await audited(conn, principal, suggestion["employee_id"], f"asked again for suggestion {suggestion_id}",
                  endpoint, purpose_of(principal))


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
