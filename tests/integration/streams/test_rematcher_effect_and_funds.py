"""On the demo organisation, the re-matcher's upskilling proposals use the measured effect and the funds."""

import json
import uuid

import asyncpg
import pytest

from tests.integration.streams.test_rematcher import load_demo, settle
from tillid.competence.events import validate
from tillid.matching.upskilling.effect_estimate import MEASURED, POOLED, PROMISED
from tillid.store.effects import effect_estimates
from tillid.store.projection.context import resolve_ids_only
from tillid.store.projection.projector import Projector
from tillid.store.snapshots import funds

pytestmark = pytest.mark.services


@pytest.fixture
async def pool(database_url):
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=3)
    yield pool
    await pool.close()


async def test_upskilling_proposals_assume_the_estimated_effect_and_show_refunds(db, pool):
    await load_demo(db)
    await settle(pool, db)
    estimates = await effect_estimates(db)
    assert {e.source for e in estimates.values()} >= {POOLED}
    assert any(e.participants > 0 and e.effect != estimates[next(iter(estimates))].effect
               for e in estimates.values()), "the demo's history gives activities different effects"

    rows = await db.fetch("SELECT * FROM proposals WHERE kind = 'upskilling_path' ORDER BY proposal_id")
    assert rows
    measured_steps = 0
    refunded_by: set[str] = set()
    for row in rows:
        effect, explanation = json.loads(row["effect"]), json.loads(row["explanation"])
        assert effect["net_cost_dkk"] == pytest.approx(effect["training_cost_dkk"] - effect["refund_dkk"], abs=0.02)
        assert effect["refund_dkk"] == pytest.approx(sum(effect["refunds"].values()), abs=0.02)
        refunded_by.update(effect["refunds"])
        assert effect["effect_source_da"] in row["summary_da"]
        for own in explanation["per_employee"].values():
            assert own["net_cost_dkk"] == pytest.approx(own["gross_cost_dkk"] - own["refund_dkk"], abs=0.02)
            for step in own["steps"]:
                estimate = estimates[step["activity"]]
                assert step["expected_effect"] == estimate.effect
                assert step["effect_source"] == estimate.source
                if estimate.source in (MEASURED, POOLED):
                    measured_steps += 1
                    assert step["effect_source_da"].startswith(f"målt blandt {estimate.participants} deltagere")
                else:
                    assert step["effect_source"] == PROMISED and step["effect_source_da"] == "katalogets løfte"
    assert measured_steps > 0
    assert {"jobrotation", "fund-kommunal"} <= refunded_by


async def test_funds_are_projected_with_the_latest_balance(db):
    await load_demo(db)
    known = {f.fund_id: f for f in await funds(db)}
    assert set(known) == {"fund-kommunal", "fund-regional", "fund-statens"}
    assert known["fund-kommunal"].budget_dkk == 1_800_000.0  # the balance report replaced the budget
    assert known["fund-statens"].kinds == ("course",) and known["fund-statens"].budget_dkk is None
    assert known["fund-kommunal"].share == 0.8 and known["fund-kommunal"].cap_dkk_per_employee_year == 30_000.0


def balance(remaining: float, as_of: str) -> dict:
    return {"event_id": str(uuid.uuid4()), "type": "FundBalanceReported", "schema_version": 1,
            "occurred_at": "2026-12-01T10:00:00Z", "source": "kompetencefonde",
            "payload": {"fund_id": "fund-kommunal", "remaining_dkk": remaining, "as_of": as_of}}


async def test_an_older_balance_report_changes_nothing(db):
    await load_demo(db)
    projector = Projector(resolve_skill=resolve_ids_only)
    await projector.apply(db, [validate(balance(5.0, "2026-01-01"))])
    assert {f.fund_id: f.budget_dkk for f in await funds(db)}["fund-kommunal"] == 1_800_000.0
    await projector.apply(db, [validate(balance(900_000.0, "2026-12-01"))])
    assert {f.fund_id: f.budget_dkk for f in await funds(db)}["fund-kommunal"] == 900_000.0


async def test_a_changed_effect_estimate_marks_the_workplaces_whose_pending_paths_concern_its_skills(db, pool):
    """Proposals depend on the events, not on when the estimates were read (the CI soak found pending paths
    chosen with estimates read before the last events): a refresh that finds an activity's estimate changed
    marks for upskilling exactly the workplaces whose pending paths concern a skill it teaches."""
    import asyncio

    from tillid.streams.rematcher import Rematcher

    await load_demo(db)
    await settle(pool, db)
    rematcher = Rematcher(pool, debounce_seconds=0, effect_refresh_seconds=0.01)
    assert await rematcher.refresh_effects() == 0, "nothing changed since the proposals were chosen"
    gained = json.loads(await db.fetchval(
        """SELECT effect FROM proposals WHERE kind = 'upskilling_path' AND status = 'pending'
           ORDER BY proposal_id LIMIT 1"""))["competence_gained"]
    activity, teaches = await db.fetchrow(
        "SELECT activity_id, teaches FROM learning_activities WHERE teaches ?| $1::text[] ORDER BY activity_id LIMIT 1",
        sorted(gained))
    await db.execute("UPDATE effect_estimates_seen SET effect = effect / 2 + 0.01 WHERE activity_id = $1", activity)
    concerned = {r["scope"] for r in await db.fetch(
        """SELECT DISTINCT scope FROM proposals WHERE kind = 'upskilling_path' AND status = 'pending'
           AND effect->'competence_gained' ?| $1::text[]""", sorted(json.loads(teaches)))}
    assert concerned
    await asyncio.sleep(0.02)
    assert await rematcher.refresh_effects() == len(concerned)
    marked = {r["scope_id"] for r in await db.fetch("SELECT scope_id FROM dirty_scopes WHERE scope_kind = 'upskilling'")}
    assert marked == concerned
    await asyncio.sleep(0.02)
    assert await rematcher.refresh_effects() == 0, "recorded: the same estimates mark nothing again"
