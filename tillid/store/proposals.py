"""Proposals, decisions and suggestions in the store, with their outgoing events (outbox)."""

from __future__ import annotations

import json
import re
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any, Mapping, Sequence

from tillid.competence.events import new_envelope
from tillid.competence.wire import proposal_item
from tillid.matching.proposals.items import kept_effect
from tillid.errors import ConfigError
from tillid.store.projection.erasure import ERASED, WITHDRAWN_FINGERPRINT_PREFIX, erased_among

_NAMESPACE = uuid.UUID("5b0f3c1e-7a52-4d4e-9a0e-7d1d3c0e2a11")
PERSONAL_KINDS = ("upskilling_path", "rotation_placement")
RESPONSE_DAYS = 28


def derived_id(*parts: str) -> str:
    """A stable id derived from its parts: the same cause always gives the same id."""
    return str(uuid.uuid5(_NAMESPACE, "/".join(parts)))


async def enqueue(conn, topic: str, key: str, event: Mapping[str, Any]) -> None:
    """Write an outgoing event in the caller's transaction; the relay publishes it."""
    await conn.execute("INSERT INTO outbox (topic, key, value) VALUES ($1, $2, $3::jsonb)",
                       topic, key, json.dumps(event))


def envelope(event_type: str, payload: Mapping[str, Any], *, event_id: str, occurred_at: datetime) -> dict:
    """An event the system publishes, built and checked by the event contract's own builder."""
    return new_envelope(event_type, payload, source="tillid", occurred_at=occurred_at.astimezone(timezone.utc),
                        event_id=event_id)


async def record_decision(conn, event_id: str, payload: Mapping[str, Any]) -> None:
    """Apply ProposalDecided: store the decision (and who decided, when the event says), move the
    proposal, and on approval issue suggestions. An amendment that keeps some items (``keep``) cuts the
    proposal down to them: ``kept_items``, the effect of the kept items (the effect as proposed stays in
    ``proposed_effect``), and suggestions only to the people of the kept items."""
    decided_at = datetime.fromisoformat(payload["decided_at"].replace("Z", "+00:00"))
    actor = payload.get("actor") or {}
    keep = payload.get("keep")
    inserted = await conn.fetchval(
        """INSERT INTO decisions (event_id, proposal_id, by, decision, comment, decided_at, decided_by_role,
                                  decided_by_holder, keep)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb) ON CONFLICT (event_id) DO NOTHING
           RETURNING event_id""",
        event_id, payload["proposal_id"], payload["by"], payload["decision"], payload.get("comment") or "",
        decided_at, actor.get("role"), actor.get("holder"), None if keep is None else json.dumps(list(keep)))
    if inserted is None or payload["by"] != "committee":
        return
    proposal = await conn.fetchrow(
        """UPDATE proposals SET status = $2 WHERE proposal_id = $1 AND status IN ('pending', 'amended')
           RETURNING proposal_id, kind, employee_ids, summary_da, summary_en, explanation, items,
                     coalesce(proposed_effect, effect) AS proposed_effect""",
        payload["proposal_id"], payload["decision"])
    if proposal is None or payload["decision"] not in ("approved", "amended"):
        return
    people = list(proposal["employee_ids"])
    if payload["decision"] == "amended" and keep is not None:
        people = await _keep_items(conn, proposal, keep)
    if proposal["kind"] in PERSONAL_KINDS:
        await issue_suggestions(conn, proposal, decided_at, people)


async def _keep_items(conn, proposal, keep: list[str]) -> list[str]:
    """Cut a proposal down to the kept items (unknown ids are passed over); returns their people."""
    items = [proposal_item(i) for i in _json(proposal["items"])]
    wanted = set(keep)
    kept = [i for i in items if i.item_id in wanted]
    proposed = _json(proposal["proposed_effect"])
    effect = kept_effect(proposal["kind"], proposed, items, wanted)
    await conn.execute(
        """UPDATE proposals SET kept_items = $2::jsonb, proposed_effect = $3::jsonb, effect = $4::jsonb
           WHERE proposal_id = $1""",
        proposal["proposal_id"], json.dumps([i.item_id for i in kept]), json.dumps(proposed), json.dumps(effect))
    return sorted({person for i in kept for person in i.employee_ids})


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


async def issue_suggestions(conn, proposal, decided_at: datetime, employee_ids: list[str]) -> None:
    """A suggestion to each of ``employee_ids`` (the proposal's people, or those of the kept items)."""
    explanation = _json(proposal["explanation"])
    per_person = explanation.get("per_employee", {}) if isinstance(explanation, dict) else {}
    respond_by = (decided_at + timedelta(days=RESPONSE_DAYS)).date()
    for employee_id in await _not_erased(conn, employee_ids):
        own = per_person.get(employee_id, {})
        suggestion_id = derived_id("suggestion", proposal["proposal_id"], employee_id)
        summary_da = own.get("summary_da", proposal["summary_da"])
        summary_en = own.get("summary_en", proposal["summary_en"])
        created = await conn.fetchval(
            """INSERT INTO suggestions (suggestion_id, employee_id, kind, proposal_id, summary_da, summary_en,
                                       explanation, respond_by)
               VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8) ON CONFLICT (suggestion_id) DO NOTHING
               RETURNING suggestion_id""",
            suggestion_id, employee_id, proposal["kind"], proposal["proposal_id"], summary_da, summary_en,
            json.dumps(own), respond_by)
        if created is None:
            continue
        await enqueue(conn, "suggestions", employee_id, envelope("SuggestionIssued", {
            "suggestion_id": suggestion_id, "employee_id": employee_id, "kind": proposal["kind"],
            "proposal_id": proposal["proposal_id"], "summary_da": summary_da, "summary_en": summary_en,
            "respond_by": respond_by.isoformat(),
        }, event_id=derived_id("SuggestionIssued", suggestion_id), occurred_at=decided_at))


async def _not_erased(conn, employee_ids: list[str]) -> list[str]:
    """The people a suggestion may go to: never an erased person, even if a proposal still names them
    (or names the placeholder ``erased`` that an erasure before migration 0006 left)."""
    erased = await erased_among(conn, employee_ids) | {ERASED}
    return [employee_id for employee_id in employee_ids if employee_id not in erased]


_WORD = re.compile(r"[\w.:-]+")


def _words(value: Any) -> set[str]:
    """Every string in ``value`` (keys and values, nested), and every word of each: what might be an id."""
    found: set[str] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            found.add(item)
            found.update(_WORD.findall(item))
        elif isinstance(item, Mapping):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
    return found


async def issue_proposal(conn, *, kind: str, committee_id: str, scope: str, employee_ids: list[str],
                         summary_da: str, summary_en: str, explanation: Mapping[str, Any],
                         effect: Mapping[str, Any], fingerprint: str, issued_at: datetime,
                         source_events: list[str] | None = None,
                         items: Sequence[Mapping[str, Any]] = ()) -> str | None:
    """Store a proposal and its ProposalIssued event, unless it says nothing new.

    Nothing is issued when a proposal for the same scope, kind and committee with the same
    substance (``fingerprint``) is pending or was decided: committees are not
    asked twice. One that was superseded or withdrawn (the facts gave nothing to
    propose for a while) comes back when the facts propose it again. A pending proposal that differs in substance is superseded;
    decided proposals are never replaced. Returns the new proposal id or None.

    Nor is a proposal that names a person erased since it was drafted (the re-matcher reads a
    snapshot, solves, then issues): the erasure marked its scope dirty, so the next round proposes
    again without them.
    """
    if await erased_among(conn, _words([employee_ids, summary_da, summary_en, explanation, effect, items])):
        return None
    earlier = await conn.fetchrow(
        """SELECT coalesce(bool_or(fingerprint = $4 AND status NOT IN ('superseded', 'withdrawn')), false) AS seen,
                  count(*) FILTER (WHERE fingerprint = $5) AS withdrawn_at_erasure
           FROM proposals WHERE scope = $1 AND kind = $2 AND committee_id = $3
           AND fingerprint IN ($4, $5)""",
        scope, kind, committee_id, fingerprint, WITHDRAWN_FINGERPRINT_PREFIX + fingerprint)
    if earlier["seen"]:
        return None
    # The same substance proposed again after an erasure withdrew it (matched without the person, e.g.
    # another mentor) is a new proposal: a new id, so the withdrawn one stays withdrawn.
    again = earlier["withdrawn_at_erasure"]
    proposal_id = derived_id("proposal", kind, committee_id, scope, fingerprint, *((str(again),) if again else ()))
    superseded = await conn.fetchval(
        """UPDATE proposals SET status = 'superseded'
           WHERE scope = $1 AND kind = $2 AND committee_id = $3 AND status = 'pending'
           RETURNING proposal_id""", scope, kind, committee_id)
    await conn.execute(
        """INSERT INTO proposals (proposal_id, kind, committee_id, scope, employee_ids, summary_da, summary_en,
                                 explanation, effect, supersedes, status, fingerprint, created_at, source_events,
                                 items)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10, 'pending', $11, $12, $13, $14::jsonb)
           ON CONFLICT (proposal_id) DO UPDATE SET status = 'pending', supersedes = EXCLUDED.supersedes,
               employee_ids = EXCLUDED.employee_ids, summary_da = EXCLUDED.summary_da,
               summary_en = EXCLUDED.summary_en, explanation = EXCLUDED.explanation, effect = EXCLUDED.effect,
               source_events = EXCLUDED.source_events, items = EXCLUDED.items, kept_items = NULL,
               proposed_effect = NULL""",
        proposal_id, kind, committee_id, scope, list(employee_ids), summary_da, summary_en,
        json.dumps(explanation), json.dumps(effect), superseded, fingerprint, issued_at, list(source_events or []),
        json.dumps([dict(i) for i in items]))
    payload = {"proposal_id": proposal_id, "kind": kind, "committee_id": committee_id, "scope": scope,
               "employee_ids": list(employee_ids), "summary_da": summary_da, "summary_en": summary_en,
               "explanation": dict(explanation), "effect": dict(effect), "supersedes": superseded,
               "items": [dict(i) for i in items]}
    await enqueue(conn, "proposals", committee_id, envelope(
        "ProposalIssued", payload, event_id=derived_id("ProposalIssued", proposal_id, superseded or ""),
        occurred_at=issued_at))
    return proposal_id


async def record_and_publish(conn, event: Mapping[str, Any], key: str, *,
                             signing_key: bytes | None = None) -> bool:
    """Apply an event the review service creates (a decision, an answer) and queue it for Kafka.

    Both happen in the caller's transaction. The worker later reads the same
    event from Kafka and, knowing its id, changes nothing. Returns False when
    the event id was seen before. Decisions and answers (``SIGNED_TYPES``) are
    queued signed with ``signing_key``, which they require: the worker
    dead-letters them unsigned.
    """
    from tillid.competence.events import SIGNED_TYPES, TOPIC_OF_TYPE, signed, validate
    from tillid.store.projection.projector import Projector

    envelope_ = validate(event)
    if envelope_.type in SIGNED_TYPES and not signing_key:
        raise ConfigError(f"{envelope_.type} must be signed, and no signing key was given (TILLID_EVENT_SIGNING_KEY)")
    result = await Projector().apply_in_transaction(conn, [envelope_])
    if result.duplicates:
        return False
    value = envelope_.to_dict()
    if envelope_.type in SIGNED_TYPES:
        value = signed(value, signing_key)
    await enqueue(conn, TOPIC_OF_TYPE[envelope_.type], key, value)
    return True


async def withdraw_pending(conn, *, kind: str, scope: str, committee_id: str | None, reason: str,
                           at: datetime) -> list[str]:
    """Withdraw pending proposals whose facts no longer hold (decided ones are never touched)."""
    rows = await conn.fetch(
        """UPDATE proposals SET status = 'withdrawn' WHERE kind = $1 AND scope = $2 AND status = 'pending'
           AND ($3::text IS NULL OR committee_id = $3) RETURNING proposal_id, committee_id""",
        kind, scope, committee_id)
    for row in rows:
        await queue_withdrawal(conn, row["proposal_id"], row["committee_id"], reason, at)
    return [row["proposal_id"] for row in rows]


async def queue_withdrawal(conn, proposal_id: str, committee_id: str, reason: str, at: datetime) -> None:
    """The ProposalWithdrawn event of a proposal just withdrawn, into the outbox."""
    await enqueue(conn, "proposals", committee_id, envelope(
        "ProposalWithdrawn", {"proposal_id": proposal_id, "reason": reason},
        event_id=derived_id("ProposalWithdrawn", proposal_id), occurred_at=at))
