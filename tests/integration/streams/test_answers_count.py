"""What employees answer counts (issue #18.4): a declined need stays out of new proposals for the quiet
period unless the person asks again or a new assessment comes; a disputed competence is not used in
matching until HR assesses it again. On the real store, with the re-matcher."""

import json

import asyncpg
import pytest

from tillid.competence.events import validate, verify
from tillid.review import actions
from tillid.review.auth import parse_role
from tillid.store import answers
from tillid.store.projection.projector import Projector
from tillid.store.snapshots import skills_of
from tillid.streams.rematcher import Rematcher
from tests.integration.store.scenario import event, organisation
from tests.services import SIGNING_KEY

pytestmark = pytest.mark.services

SKILL = "dk:oejendraabebehandling"
KEY = SIGNING_KEY.encode()


def wants_eye_drops(employee_id: str, level: int = 1, assessed_on: str = "2026-10-01", n: int = 0) -> list[dict]:
    """A care assistant who wishes to learn eye drops (a task the workplace needs) and is at ``level``."""
    return [
        event("EmployeeUpserted", f"ac-emp-{employee_id}", employee_id=employee_id, profession_id="sosu_assistent",
              workplace_id="wp-a", weekly_hours=37, age_band="40-49", learning_interests=[SKILL]),
        event("CompetenceAssessed", f"ac-comp-{employee_id}-{n}", employee_id=employee_id, skill=SKILL,
              level=level, assessed_on=assessed_on, evidence="manager"),
    ]


def world() -> list[dict]:
    return organisation() + [
        event("TaskDemandChanged", "ac-demand", workplace_id="wp-a", task_id="oejendraaber", hours_per_week=20),
        event("LearningActivityPublished", "ac-la-eye", activity_id="la-eye", kind="course",
              title="Øjendrypning i praksis", teaches=[{"skill": SKILL, "to_level": 3}], prerequisites=[],
              duration_hours=7.4, cost_dkk=1200.0, provider="AMU Vest",
              sessions=[{"starts_on": "2027-03-01", "place": "Esbjerg"}]),
    ] + wants_eye_drops("e1")


async def apply(db, events: list[dict]) -> None:
    await Projector().apply(db, [validate(e) for e in events])


@pytest.fixture
async def pool(database_url):
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=3)
    yield pool
    await pool.close()


async def settle(pool, db, quiet_days: int = 180) -> None:
    for _ in range(50):
        await Rematcher(pool, debounce_seconds=0, decline_quiet_days=quiet_days).run_once()
        if not await db.fetchval("SELECT count(*) FROM dirty_scopes"):
            return
    raise AssertionError("the re-matcher did not settle")


async def pending_upskilling(db) -> list[str]:
    """The people the pending upskilling proposal of wp-a names ([] when there is none)."""
    row = await db.fetchrow("""SELECT employee_ids FROM proposals WHERE kind = 'upskilling_path' AND scope = 'wp-a'
                               AND status = 'pending'""")
    return sorted(row["employee_ids"]) if row else []


async def approve_and_decline(db, reason: str | None = "not_interested") -> str:
    """The committee approves the pending upskilling proposal; e1 declines their suggestion. Its id."""
    proposal_id = await db.fetchval("""SELECT proposal_id FROM proposals WHERE kind = 'upskilling_path'
                                       AND status = 'pending'""")
    async with db.transaction():
        await actions.decide_proposal(db, parse_role("admin"), proposal_id, "approved", "", "test", signing_key=KEY)
    suggestion_id = await db.fetchval("SELECT suggestion_id FROM suggestions WHERE employee_id = 'e1'")
    async with db.transaction():
        await actions.answer_suggestion(db, parse_role("employee:e1"), suggestion_id, "declined", "Nej tak",
                                        "test", signing_key=KEY, reason=reason)
    return suggestion_id


async def test_a_declined_need_is_not_proposed_again_until_a_new_assessment(db, pool):
    await apply(db, world())
    await settle(pool, db)
    assert await pending_upskilling(db) == ["e1"]
    suggestion_id = await approve_and_decline(db)
    row = await db.fetchrow("SELECT status, decline_reason FROM suggestions WHERE suggestion_id = $1", suggestion_id)
    assert (row["status"], row["decline_reason"]) == ("declined", "not_interested")
    need = await db.fetchrow("SELECT skill_id, target_level, had_interest FROM declined_needs")
    assert dict(need) == {"skill_id": SKILL, "target_level": 3, "had_interest": True}

    # A colleague with the same wish: the workplace is matched again, and e1's declined need stays out.
    await apply(db, wants_eye_drops("e2"))
    await settle(pool, db)
    assert await pending_upskilling(db) == ["e2"]

    # HR assesses e1's skill again: the facts changed, so the need may be proposed again.
    await apply(db, wants_eye_drops("e1", level=1, assessed_on="2026-12-01", n=1)[1:])
    await settle(pool, db)
    assert await pending_upskilling(db) == ["e1", "e2"]


async def test_asking_again_lifts_the_decline(db, pool):
    await apply(db, world())
    await settle(pool, db)
    suggestion_id = await approve_and_decline(db, reason=None)
    assert await db.fetchval("SELECT decline_reason FROM suggestions") is None
    await apply(db, wants_eye_drops("e2"))
    await settle(pool, db)
    assert await pending_upskilling(db) == ["e2"]
    async with db.transaction():
        await actions.ask_again(db, parse_role("employee:e1"), suggestion_id, "test")
    assert await db.fetchval("SELECT asked_again_at IS NOT NULL FROM declined_needs")
    await settle(pool, db)
    assert await pending_upskilling(db) == ["e1", "e2"]


async def test_the_quiet_period_ends_and_a_new_interest_counts_as_asking(db, pool):
    await apply(db, world())
    await settle(pool, db)
    await approve_and_decline(db)
    assert await answers.quiet_needs(db, ["e1"], 180) == {"e1": {SKILL: 3}}
    assert await answers.quiet_needs(db, ["e1"], 0) == {}
    # Everything 181 days ago (so the assessment stays older than the decline).
    await db.execute("UPDATE processed_events SET processed_at = processed_at - interval '181 days'")
    await db.execute("UPDATE declined_needs SET declined_at = declined_at - interval '181 days'")
    assert await answers.quiet_needs(db, ["e1"], 180) == {}
    assert await answers.quiet_needs(db, ["e1"], 365) == {"e1": {SKILL: 3}}
    # Declined when the skill was not among their wishes (a need of a task): naming it later is asking.
    await db.execute("UPDATE declined_needs SET had_interest = false")
    assert await answers.quiet_needs(db, ["e1"], 365) == {}
    await apply(db, [event("EmployeeUpserted", "ac-emp-e1-no-wish", employee_id="e1", profession_id="sosu_assistent",
                           workplace_id="wp-a", weekly_hours=37, learning_interests=[])])
    assert await answers.quiet_needs(db, ["e1"], 365) == {"e1": {SKILL: 3}}


async def test_already_have_disputes_the_competence_signed_on_feedback_and_matching_ignores_it(db, pool):
    await apply(db, world())
    await settle(pool, db)
    await approve_and_decline(db, reason="already_have")
    rows = await db.fetch("SELECT key, value FROM outbox WHERE topic = 'feedback'")
    assert len(rows) == 1
    disputed = json.loads(rows[0]["value"])
    assert disputed["type"] == "CompetenceDisputed"
    assert disputed["payload"]["employee_id"] == "e1" and disputed["payload"]["skill"] == SKILL
    assert disputed["payload"]["level"] == 1  # the entry Tillid holds, which the person disputes
    assert "level 3" in disputed["payload"]["comment"] and "Nej tak" in disputed["payload"]["comment"]
    verify(disputed, KEY)
    assert await skills_of(db, ["e1"]) == {}
    assert await answers.disputes_of(db, "e1") == [
        {"skill": SKILL, "level": 1, "comment": disputed["payload"]["comment"],
         "disputed_at": (await db.fetchval("SELECT disputed_at FROM competence_disputes")), "state": "open"}]

    # No quiet period: only the dispute keeps e1 out; HR's new assessment resolves it.
    await db.execute("DELETE FROM declined_needs")
    await apply(db, wants_eye_drops("e2"))
    await settle(pool, db)
    assert await pending_upskilling(db) == ["e2"]
    await apply(db, wants_eye_drops("e1", level=2, assessed_on="2026-12-01", n=1)[1:])
    assert await skills_of(db, ["e1"]) == {"e1": {SKILL: 2}}
    assert [d["state"] for d in await answers.disputes_of(db, "e1")] == ["resolved"]
    await settle(pool, db)
    assert await pending_upskilling(db) == ["e1", "e2"]


async def test_a_dispute_from_the_page_leaves_the_entry_out_until_assessed_again(db, pool):
    await apply(db, world() + wants_eye_drops("e2"))
    async with db.transaction():
        await actions.dispute_competence(db, parse_role("employee:e1"), SKILL, "Jeg er på niveau 3", "test",
                                         signing_key=KEY)
    assert await skills_of(db, ["e1", "e2"]) == {"e2": {SKILL: 1}}
    await settle(pool, db)
    assert await pending_upskilling(db) == ["e2"]
    with pytest.raises(Exception, match="already disputed"):
        async with db.transaction():
            await actions.dispute_competence(db, parse_role("employee:e1"), SKILL, "igen", "test", signing_key=KEY)
    await apply(db, wants_eye_drops("e1", level=1, assessed_on="2026-12-01", n=1)[1:])
    await settle(pool, db)
    assert await pending_upskilling(db) == ["e1", "e2"]
