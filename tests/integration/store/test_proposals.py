"""Proposals in the store: no flooding, superseding only pending ones, decisions becoming suggestions."""

import json
from datetime import datetime, timezone

import pytest

from tillid.competence.events import new_envelope
from tillid.store.proposals import issue_proposal, record_and_publish, withdraw_pending
from tests.services import SIGNING_KEY

KEY = SIGNING_KEY.encode()

pytestmark = pytest.mark.services

AT = datetime(2026, 11, 23, 10, tzinfo=timezone.utc)


async def propose(db, fingerprint, kind="upskilling_path", employees=("e1", "e2")):
    return await issue_proposal(
        db, kind=kind, committee_id="med-a", scope="wp-a", employee_ids=list(employees),
        summary_da="Opkvalificering", summary_en="Upskilling",
        explanation={"per_employee": {e: {"summary_da": f"Kursus for {e}", "summary_en": f"Course for {e}"}
                                      for e in employees}},
        effect={"dkk_per_week": 100.0}, fingerprint=fingerprint, issued_at=AT)


def decision(proposal_id, verdict, name):
    return new_envelope("ProposalDecided", {"proposal_id": proposal_id, "by": "committee", "decision": verdict,
                                            "comment": "ok", "decided_at": "2026-11-24T09:00:00Z"},
                        source="tillid-review", occurred_at="2026-11-24T09:00:00Z", event_id_name=name)


async def test_same_substance_issues_nothing_and_new_substance_supersedes(db):
    first = await propose(db, "f1")
    assert first is not None
    assert await propose(db, "f1") is None
    second = await propose(db, "f2")
    statuses = dict(await db.fetch("SELECT proposal_id, status FROM proposals"))
    assert statuses == {first: "superseded", second: "pending"}
    issued = [json.loads(r["value"]) for r in await db.fetch("SELECT value FROM outbox WHERE topic = 'proposals'")]
    assert [e["payload"]["supersedes"] for e in issued] == [None, first]


async def test_decided_proposals_are_never_replaced(db):
    first = await propose(db, "f1")
    async with db.transaction():
        assert await record_and_publish(db, decision(first, "rejected", "d1"), key="org-a", signing_key=KEY)
    assert await propose(db, "f1") is None  # rejected: not asked again
    second = await propose(db, "f2")
    statuses = dict(await db.fetch("SELECT proposal_id, status FROM proposals"))
    assert statuses == {first: "rejected", second: "pending"}


async def test_a_withdrawn_proposal_comes_back_when_the_facts_propose_it_again(db):
    """Withdrawn (the facts gave nothing to propose), then another draft, then the first again: the first
    is pending again and the other superseded, as a fresh system would end (found by the soak)."""
    first = await propose(db, "f1")
    async with db.transaction():
        await withdraw_pending(db, kind="upskilling_path", scope="wp-a", committee_id="med-a",
                               reason="the current facts give no change to propose", at=AT)
    second = await propose(db, "f2")
    assert await propose(db, "f1") == first
    statuses = dict(await db.fetch("SELECT proposal_id, status FROM proposals"))
    assert statuses == {first: "pending", second: "superseded"}


async def test_approval_becomes_suggestions_once(db):
    proposal = await propose(db, "f1")
    event = decision(proposal, "approved", "d1")
    async with db.transaction():
        assert await record_and_publish(db, event, key="org-a", signing_key=KEY)
    async with db.transaction():
        assert not await record_and_publish(db, event, key="org-a", signing_key=KEY)
    rows = await db.fetch("SELECT employee_id, summary_da, status FROM suggestions ORDER BY employee_id")
    assert [(r["employee_id"], r["summary_da"], r["status"]) for r in rows] == [
        ("e1", "Kursus for e1", "open"), ("e2", "Kursus for e2", "open")]
    topics = [r["topic"] for r in await db.fetch("SELECT topic FROM outbox ORDER BY id")]
    assert topics == ["proposals", "suggestions", "suggestions", "decisions"]
