"""The re-matcher on a small demo organisation in the real store: proposals of every kind, and no flooding."""

import json

import asyncpg
import pytest

from tillid.competence.demo import generate_events
from tillid.competence.events import validate
from tillid.store.projection.context import resolve_ids_only
from tillid.store.projection.projector import Projector
from tillid.streams.rematcher import Rematcher

pytestmark = pytest.mark.services


async def load_demo(db, scale=0.05, seed=5):
    projector = Projector(resolve_skill=resolve_ids_only)
    batch = []
    for event in generate_events(seed=seed, scale=scale):
        batch.append(validate(event))
        if len(batch) == 2000:
            await projector.apply(db, batch)
            batch = []
    await projector.apply(db, batch)


@pytest.fixture
async def pool(database_url):
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=3)
    yield pool
    await pool.close()


async def proposals(db):
    return await db.fetch("SELECT * FROM proposals ORDER BY proposal_id")


async def settle(pool, db) -> int:
    """Run rounds until nothing is dirty; returns the proposals issued."""
    issued = 0
    for _ in range(100):
        issued += await Rematcher(pool, debounce_seconds=0).run_once()
        if not await db.fetchval("SELECT count(*) FROM dirty_scopes"):
            return issued
    raise AssertionError("the re-matcher did not settle")


async def test_demo_data_gives_proposals_of_every_kind_and_nothing_twice(db, pool):
    await load_demo(db)
    issued = await settle(pool, db)
    rows = await proposals(db)
    assert issued == len(rows) > 0
    kinds = {r["kind"] for r in rows}
    assert kinds == {"leon_allocation", "upskilling_path", "rotation_placement"}
    assert await db.fetchval("SELECT count(*) FROM dirty_scopes") == 0
    assert await db.fetchval("SELECT count(*) FROM outbox WHERE topic = 'proposals'") == len(rows)
    for row in await db.fetch("SELECT value FROM outbox"):
        validate(json.loads(row["value"]))  # what the system publishes meets the event contract too

    leon = [r for r in rows if r["kind"] == "leon_allocation" and json.loads(r["effect"])["dkk_per_week"] > 0]
    assert leon, "the demo's current allocations are deliberately not at the LEON optimum"
    effect = json.loads(leon[0]["effect"])
    assert effect["proposed_cost_per_week"] < effect["current_cost_per_week"]
    explanation = json.loads(leon[0]["explanation"])
    assert explanation["eligibility"] and explanation["source_events"]

    await db.execute("INSERT INTO dirty_scopes (scope_kind, scope_id) SELECT 'workplace', workplace_id FROM workplaces")
    await db.execute("INSERT INTO dirty_scopes (scope_kind, scope_id) VALUES ('rotation', 'all')")
    again = await settle(pool, db)
    new = [(r["kind"], r["scope"], r["supersedes"]) for r in await proposals(db) if r["proposal_id"] not in {x["proposal_id"] for x in rows}]
    assert again == 0, new
    assert len(await proposals(db)) == len(rows)


async def test_same_input_gives_the_same_proposals(postgres_server, database_url, pool):
    await_first = await asyncpg.connect(database_url)
    await load_demo(await_first)
    await settle(pool, await_first)
    first = [(r["proposal_id"], r["fingerprint"], r["summary_en"]) for r in await proposals(await_first)]
    await await_first.close()

    admin = await asyncpg.connect(postgres_server.url)
    await admin.execute("CREATE DATABASE rematch_again TEMPLATE tillid_template")
    await admin.close()
    other_url = database_url.rsplit("/", 1)[0] + "/rematch_again"
    other = await asyncpg.connect(other_url)
    other_pool = await asyncpg.create_pool(other_url, min_size=1, max_size=2)
    try:
        await load_demo(other)
        await settle(other_pool, other)
        second = [(r["proposal_id"], r["fingerprint"], r["summary_en"]) for r in await proposals(other)]
    finally:
        await other_pool.close()
        await other.close()
    assert first == second and first


async def test_debounce_waits_for_a_quiet_scope(db, pool):
    await load_demo(db)
    assert await Rematcher(pool, debounce_seconds=3600).run_once() == 0
    assert await db.fetchval("SELECT count(*) FROM dirty_scopes") > 0


async def test_a_pending_proposal_whose_facts_changed_away_is_withdrawn(db, pool):
    await load_demo(db)
    await settle(pool, db)
    upskilling = await db.fetchrow("SELECT proposal_id, scope FROM proposals WHERE kind = 'upskilling_path' "
                                   "AND status = 'pending' ORDER BY proposal_id LIMIT 1")
    # Everyone there has left: nobody to upskill, so the proposal no longer holds.
    await db.execute("UPDATE employees SET left_on = '2026-12-01' WHERE workplace_id = $1", upskilling["scope"])
    await db.execute("INSERT INTO dirty_scopes (scope_kind, scope_id) VALUES ('workplace', $1)", upskilling["scope"])
    await settle(pool, db)
    assert await db.fetchval("SELECT status FROM proposals WHERE proposal_id = $1",
                             upskilling["proposal_id"]) == "withdrawn"
    withdrawn = [json.loads(r["value"]) for r in await db.fetch(
        "SELECT value FROM outbox WHERE value->>'type' = 'ProposalWithdrawn'")]
    assert upskilling["proposal_id"] in {e["payload"]["proposal_id"] for e in withdrawn}


async def test_upskilling_beyond_the_round_budget_waits_for_the_next_round(db, pool, monkeypatch):
    from tillid.streams import rematcher as module

    await load_demo(db)
    monkeypatch.setattr(module, "UPSKILLING_BUDGET_SECONDS", 0.0)
    rematcher = Rematcher(pool, debounce_seconds=0)
    await rematcher.run_once()
    assert await db.fetchval("SELECT count(*) FROM proposals WHERE kind = 'leon_allocation'") > 0
    first_round = await db.fetchval("SELECT count(*) FROM proposals WHERE kind = 'upskilling_path'")
    waiting = await db.fetchval("SELECT count(*) FROM dirty_scopes WHERE scope_kind = 'workplace'")
    assert waiting > 0
    for _ in range(waiting + 1):
        await rematcher.run_once()
    assert await db.fetchval("SELECT count(*) FROM dirty_scopes") == 0
    assert await db.fetchval("SELECT count(*) FROM proposals WHERE kind = 'upskilling_path'") > first_round
