"""The re-matcher after an erasure, on the small demo organisation: a mentor named in someone else's pending
upskilling path is erased; that proposal is withdrawn and the workplace matched again without them."""

from __future__ import annotations

import json

import pytest

from tillid.competence.events import new_envelope, validate
from tillid.store.projection.projector import Projector

from tests.integration.streams.test_rematcher import load_demo, pool, settle  # noqa: F401 (pool is a fixture)

pytestmark = pytest.mark.services


def mentors_in(explanation: dict) -> set[str]:
    return {mentor for own in explanation.get("per_employee", {}).values()
            for step in own.get("steps", []) if isinstance(step, dict) for mentor in step.get("mentors", [])}


async def a_mentor_of_others(db) -> tuple[str, str, str]:
    """(proposal id, workplace, mentor) of a pending upskilling path naming a mentor who is not a trainee in it."""
    for row in await db.fetch("""SELECT proposal_id, scope, employee_ids, explanation FROM proposals
                                 WHERE kind = 'upskilling_path' AND status = 'pending' ORDER BY proposal_id"""):
        for mentor in sorted(mentors_in(json.loads(row["explanation"])) - set(row["employee_ids"])):
            return row["proposal_id"], row["scope"], mentor
    raise AssertionError("the demo gives no pending upskilling path with a mentor")


async def test_a_mentor_erased_is_matched_out_of_the_pending_path(db, pool):  # noqa: F811
    await load_demo(db)
    await settle(pool, db)
    proposal_id, workplace, mentor = await a_mentor_of_others(db)
    trainees = set(await db.fetchval("SELECT employee_ids FROM proposals WHERE proposal_id = $1", proposal_id))

    erasure = new_envelope("EmployeeErased", {"employee_id": mentor}, source="test",
                           occurred_at="2026-12-01T10:00:00Z", event_id_name="test/erase-mentor")
    await Projector().apply(db, [validate(erasure)])
    assert await db.fetchval("SELECT status FROM proposals WHERE proposal_id = $1", proposal_id) == "withdrawn"
    assert await db.fetchval("SELECT count(*) FROM dirty_scopes WHERE scope_kind = 'workplace' AND scope_id = $1",
                             workplace) == 1

    await settle(pool, db)
    again = await db.fetch("""SELECT employee_ids, explanation FROM proposals
                              WHERE kind = 'upskilling_path' AND status = 'pending' AND scope = $1""", workplace)
    assert len(again) == 1 and trainees <= set(again[0]["employee_ids"])
    assert mentor not in mentors_in(json.loads(again[0]["explanation"]))
    for row in await db.fetch("SELECT value FROM outbox"):
        assert mentor not in row["value"]
