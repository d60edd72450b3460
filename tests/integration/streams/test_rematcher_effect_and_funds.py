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
