"""Proposals, decisions and suggestions in the store, with their outgoing events (outbox)."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any, Mapping

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
    return {"event_id": event_id, "type": event_type, "schema_version": 1,
            "occurred_at": occurred_at.astimezone(timezone.utc).isoformat().replace("+00:00", "Z"),
            "source": "tillid", "payload": dict(payload)}


async def record_decision(conn, event_id: str, payload: Mapping[str, Any]) -> None:
    """Apply ProposalDecided: store the decision, move the proposal, issue suggestions on approval."""
    decided_at = datetime.fromisoformat(payload["decided_at"].replace("Z", "+00:00"))
    inserted = await conn.fetchval(
        """INSERT INTO decisions (event_id, proposal_id, by, decision, comment, decided_at)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (event_id) DO NOTHING RETURNING event_id""",
        event_id, payload["proposal_id"], payload["by"], payload["decision"], payload.get("comment") or "",
        decided_at)
    if inserted is None or payload["by"] != "committee":
        return
    proposal = await conn.fetchrow(
        """UPDATE proposals SET status = $2 WHERE proposal_id = $1 AND status IN ('pending', 'amended')
           RETURNING proposal_id, kind, employee_ids, summary_da, summary_en, explanation""",
        payload["proposal_id"], payload["decision"])
    if proposal is not None and payload["decision"] in ("approved", "amended") and proposal["kind"] in PERSONAL_KINDS:
        await issue_suggestions(conn, proposal, decided_at)


async def issue_suggestions(conn, proposal, decided_at: datetime) -> None:
    explanation = json.loads(proposal["explanation"]) if isinstance(proposal["explanation"], str) \
        else proposal["explanation"]
    per_person = explanation.get("per_employee", {}) if isinstance(explanation, dict) else {}
    respond_by = (decided_at + timedelta(days=RESPONSE_DAYS)).date()
    for employee_id in proposal["employee_ids"]:
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
