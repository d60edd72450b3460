"""The re-matcher on a small demo organisation in the real store: proposals of every kind, and no flooding."""

import json
import re

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


async def pending(db) -> list[tuple[str, str, str]]:
    return [(r["kind"], r["scope"], r["fingerprint"]) for r in await db.fetch(
        "SELECT * FROM proposals WHERE status = 'pending' ORDER BY kind, scope, committee_id")]


async def settled_elsewhere(postgres_server, database_url, name: str, read):
    """The demo loaded into a fresh database ``name`` and settled; returns ``await read(connection)``."""
    admin = await asyncpg.connect(postgres_server.url)
    await admin.execute(f"CREATE DATABASE {name} TEMPLATE tillid_template")
    await admin.close()
    url = database_url.rsplit("/", 1)[0] + f"/{name}"
    conn = await asyncpg.connect(url)
    conn_pool = await asyncpg.create_pool(url, min_size=1, max_size=2)
    try:
        await load_demo(conn)
        await settle(conn_pool, conn)
        return await read(conn)
    finally:
        await conn_pool.close()
        await conn.close()


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
    # Every proposal comes in items, stored as issued, each person's item naming them.
    for row in rows:
        items = json.loads(row["items"])
        assert items and len({i["item_id"] for i in items}) == len(items), row["kind"]
        if row["kind"] != "leon_allocation":
            assert sorted(p for i in items for p in i["employee_ids"]) == sorted(row["employee_ids"])

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


async def test_leon_proposals_split_the_weekly_difference_and_save_nothing_by_freed_hours(db, pool):
    """Issue #21 on the demo organisation: each LEON proposal's parts (moves, coverage, hours no longer needed)
    add up to its total, and a summary's "saves" is only ever the moves' or a training's saving."""
    await load_demo(db)
    await settle(pool, db)
    rows = await db.fetch("SELECT * FROM proposals WHERE kind = 'leon_allocation' ORDER BY proposal_id")
    assert rows
    for row in rows:
        effect = json.loads(row["effect"])
        coverage, freed = effect["coverage"], effect["freed"]
        parts = effect["reallocation_dkk_per_week"] + coverage["dkk_per_week"] + freed["dkk_per_week"]
        assert effect["dkk_per_week"] == pytest.approx(parts, abs=1e-9)
        assert effect["dkk_per_week"] == pytest.approx(
            effect["current_cost_per_week"] - effect["proposed_cost_per_week"], abs=0.011)
        assert effect["reallocation_dkk_per_week"] == round(sum(m["saving_per_week"] for m in effect["moves"]), 2)
        assert coverage["hours_per_week"] == effect["hours_covered_more"]
        assert freed["hours_per_week"] == pytest.approx(sum(t["hours"] for t in freed["tasks"]), abs=0.01 * len(
            freed["tasks"]) + 1e-9)
        assert freed["dkk_per_week"] >= 0 and (freed["dkk_per_week"] > 0 or freed["hours_per_week"] == 0)
        savings = {effect["reallocation_dkk_per_week"]} | {u["saving_per_week"] for u in effect["training"]}
        for said in re.findall(r"saves (?:another )?DKK ([\d,.]+)", row["summary_en"]):
            assert float(said.replace(",", "")) in savings, row["summary_en"]
    assert any(json.loads(r["effect"])["freed"]["hours_per_week"] > 0 for r in rows)


async def test_proposals_whose_writing_failed_are_written_by_a_later_round(db, pool):
    """Found by the soak (docs/benchmarks.md, "Soak under faults"): a round that solved a workplace but
    could not write its proposals (PostgreSQL went away) left the solve remembered, so the next round took
    the same inputs for proposals already issued and wrote nothing."""
    await load_demo(db)
    rematcher = Rematcher(pool, debounce_seconds=0)
    await db.execute("ALTER TABLE proposals RENAME TO proposals_away")
    with pytest.raises(asyncpg.UndefinedTableError):
        await rematcher.run_once()
    await db.execute("ALTER TABLE proposals_away RENAME TO proposals")
    assert await db.fetchval("SELECT count(*) FROM proposals") == 0
    await db.execute("UPDATE dirty_scopes SET claimed_at = NULL")  # as once the failed round's claims are stale
    for _ in range(100):
        await rematcher.run_once()
        if not await db.fetchval("SELECT count(*) FROM dirty_scopes"):
            break
    written = await pending(db)
    assert {kind for kind, _, _ in written} == {"leon_allocation", "upskilling_path", "rotation_placement"}

    await db.execute("INSERT INTO dirty_scopes (scope_kind, scope_id) SELECT 'workplace', workplace_id FROM workplaces")
    await db.execute("INSERT INTO dirty_scopes (scope_kind, scope_id) VALUES ('rotation', 'all')")
    assert await settle(pool, db) == 0, "a re-matcher that remembers nothing finds nothing left to write"
    assert await pending(db) == written


async def test_same_input_gives_the_same_proposals(postgres_server, database_url, pool):
    await_first = await asyncpg.connect(database_url)
    await load_demo(await_first)
    await settle(pool, await_first)
    first = [(r["proposal_id"], r["fingerprint"], r["summary_en"]) for r in await proposals(await_first)]
    await await_first.close()

    second = await settled_elsewhere(postgres_server, database_url, "rematch_again", proposals)
    assert first == [(r["proposal_id"], r["fingerprint"], r["summary_en"]) for r in second] and first


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


async def test_upskilling_waits_while_allocations_are_ripe_and_settles_to_the_same_proposals(
        db, pool, monkeypatch, postgres_server, database_url):
    from tillid.streams import rematcher as module

    await load_demo(db)
    # Two scopes a round: ripe allocation scopes remain after each, so upskilling waits.
    monkeypatch.setattr(module, "CLAIM_LIMIT", 2)
    rematcher = Rematcher(pool, debounce_seconds=0)
    first = await rematcher.round()
    assert first.scopes == 2
    assert await db.fetchval("SELECT count(*) FROM proposals WHERE kind = 'leon_allocation'") > 0
    waiting = await db.fetchval("SELECT count(*) FROM dirty_scopes WHERE scope_kind = 'upskilling'")
    assert waiting > 0
    # Once upskilling has waited long enough, each round works out one mark however busy allocation is.
    monkeypatch.setattr(module, "UPSKILLING_PATIENCE_SECONDS", 0.0)
    assert (await rematcher.round()).scopes == 2 + 1
    for _ in range(200):
        if not await db.fetchval("SELECT count(*) FROM dirty_scopes"):
            break
        await rematcher.round()
    assert await db.fetchval("SELECT count(*) FROM dirty_scopes") == 0
    limited = await pending(db)

    monkeypatch.setattr(module, "CLAIM_LIMIT", 200)
    unlimited = await settled_elsewhere(postgres_server, database_url, "rematch_unlimited", pending)
    assert limited == unlimited and {k for k, _, _ in limited} >= {"leon_allocation", "upskilling_path"}


async def test_an_upskilling_mark_left_by_another_worker_is_worked_out_from_the_store(db, pool):
    await load_demo(db)
    await settle(pool, db)
    pending = await db.fetchrow("SELECT scope, fingerprint FROM proposals WHERE kind = 'upskilling_path' "
                                "AND status = 'pending' ORDER BY scope LIMIT 1")
    await db.execute("UPDATE proposals SET status = 'superseded' WHERE kind = 'upskilling_path' AND scope = $1",
                     pending["scope"])
    await db.execute("INSERT INTO dirty_scopes (scope_kind, scope_id) VALUES ('upskilling', $1)", pending["scope"])
    # A fresh re-matcher (a restarted worker) has solved no allocation itself.
    assert (await Rematcher(pool, debounce_seconds=0).round()).issued == 1
    assert await db.fetchval("SELECT fingerprint FROM proposals WHERE kind = 'upskilling_path' AND scope = $1 "
                             "AND status = 'pending'", pending["scope"]) == pending["fingerprint"]


async def test_the_running_rematcher_waits_for_a_scope_to_ripen_then_proposes_without_errors(db, pool, caplog):
    import asyncio
    import logging

    from tillid.streams.wakeup import Wakeup

    async def settled() -> None:
        for _ in range(300):
            await asyncio.sleep(0.1)
            if not await db.fetchval("SELECT count(*) FROM dirty_scopes"):
                return
        raise AssertionError("the re-matcher did not settle")

    caplog.set_level(logging.INFO, logger="tillid.rematcher")
    wakeup = Wakeup()
    rematcher = Rematcher(pool, debounce_seconds=0.5)
    task = asyncio.create_task(rematcher.run(wakeup))
    try:
        await load_demo(db)
        wakeup.ring()
        await settled()
        workplace = await db.fetchval("SELECT scope FROM proposals WHERE kind = 'leon_allocation' LIMIT 1")
        await db.execute("UPDATE task_demand SET hours_per_week = hours_per_week + 30 WHERE workplace_id = $1",
                         workplace)
        await db.execute("INSERT INTO dirty_scopes (scope_kind, scope_id) VALUES ('workplace', $1)", workplace)
        marked = asyncio.get_running_loop().time()
        wakeup.ring()  # not ripe yet: the re-matcher sleeps until it is
        await settled()
        waited = asyncio.get_running_loop().time() - marked
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert await db.fetchval("SELECT count(*) FROM proposals WHERE kind = 'leon_allocation' AND scope = $1",
                             workplace) == 2
    assert 0.5 <= waited < 5
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text
    rounds = rematcher.round_times  # what the worker writes to the store for /metrics
    assert rounds.cumulative()[-1] >= 2 and rounds.sum_seconds > 0


async def test_while_ingestion_catches_up_rounds_wait_for_the_patience_to_run_out(db, pool, monkeypatch):
    import asyncio

    from tillid.streams import rematcher as module
    from tillid.streams.wakeup import Wakeup

    monkeypatch.setattr(module, "CATCH_UP_PATIENCE_SECONDS", 3.0)
    monkeypatch.setattr(module, "CLAIM_LIMIT", 2)  # one round cannot do it all
    catching_up = [True]
    wakeup = Wakeup()
    await load_demo(db)
    allocation_scopes = "SELECT count(*) FROM dirty_scopes WHERE scope_kind <> 'upskilling'"
    before = await db.fetchval(allocation_scopes)
    clock = asyncio.get_running_loop().time
    started = clock()
    task = asyncio.create_task(Rematcher(pool, debounce_seconds=0).run(wakeup, catching_up=lambda: catching_up[0]))
    try:
        await asyncio.sleep(1.5)
        wakeup.ring()
        while_patient = await db.fetchval(allocation_scopes)
        while await db.fetchval(allocation_scopes) == before and clock() - started < 20:
            await asyncio.sleep(0.05)
        first_round_after = clock() - started
        after_first = await db.fetchval(allocation_scopes)
        catching_up[0] = False
        wakeup.ring()
        for _ in range(600):
            if not await db.fetchval("SELECT count(*) FROM dirty_scopes"):
                break
            await asyncio.sleep(0.1)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert while_patient == before > 2
    assert 3.0 <= first_round_after < 10 and after_first == before - 2
    assert await db.fetchval("SELECT count(*) FROM dirty_scopes") == 0


async def settled_workplace_with_upskilling(db, pool) -> str:
    """The demo applied and settled; a workplace with a pending upskilling proposal."""
    await load_demo(db)
    await settle(pool, db)
    return await db.fetchval("SELECT scope FROM proposals WHERE kind = 'upskilling_path' "
                             "AND status = 'pending' ORDER BY scope LIMIT 1")


async def mark_workplace(db, workplace: str, causes: list[str]) -> None:
    await db.execute("INSERT INTO dirty_scopes (scope_kind, scope_id, event_ids) VALUES ('workplace', $1, $2)",
                     workplace, causes)


async def latest_upskilling_status(db, workplace: str) -> str:
    return await db.fetchval("SELECT status FROM proposals WHERE kind = 'upskilling_path' AND scope = $1 "
                             "ORDER BY created_at DESC LIMIT 1", workplace)


def forbid_fresh_snapshots(rematcher: Rematcher) -> None:
    """The upskilling step must build on the snapshot this worker kept."""
    async def no_fresh_snapshot(claim):
        raise AssertionError(f"read {claim.scope_id} again")

    rematcher._allocation_of = no_fresh_snapshot


async def test_upskilling_takes_a_fresh_snapshot_when_another_worker_marked_the_workplace_since(db, pool):
    workplace = await settled_workplace_with_upskilling(db, pool)
    rematcher = Rematcher(pool, debounce_seconds=0)
    await mark_workplace(db, workplace, ["ev-a"])
    await rematcher._allocation_round()  # this worker allocates the workplace and keeps its snapshot
    # Meanwhile everyone there left, and another worker allocated the workplace again and marked it.
    await db.execute("UPDATE employees SET left_on = '2026-12-01' WHERE workplace_id = $1", workplace)
    await db.execute("""UPDATE dirty_scopes SET event_ids = event_ids || '{ev-b}'::text[], version = version + 1
                        WHERE scope_kind = 'upskilling' AND scope_id = $1""", workplace)
    await rematcher._upskilling_round()
    assert await latest_upskilling_status(db, workplace) == "withdrawn"


async def test_upskilling_takes_a_fresh_snapshot_when_another_worker_marked_the_workplace_afresh(db, pool):
    workplace = await settled_workplace_with_upskilling(db, pool)
    rematcher = Rematcher(pool, debounce_seconds=0)
    await mark_workplace(db, workplace, ["ev-a"])
    await rematcher._allocation_round()  # this worker allocates the workplace and keeps its snapshot (mark version 1)
    # Another worker claimed that mark and worked it out (the row is gone); then everyone there left, and it
    # allocated the workplace again and marked it: a new row, whose version starts at 1 again.
    await db.execute("DELETE FROM dirty_scopes WHERE scope_kind = 'upskilling' AND scope_id = $1", workplace)
    await db.execute("UPDATE employees SET left_on = '2026-12-01' WHERE workplace_id = $1", workplace)
    await db.execute("INSERT INTO dirty_scopes (scope_kind, scope_id, event_ids) VALUES ('upskilling', $1, '{ev-b}')",
                     workplace)
    await rematcher._upskilling_round()
    assert await latest_upskilling_status(db, workplace) == "withdrawn"


async def test_upskilling_takes_a_fresh_snapshot_when_another_worker_marked_the_workplace_just_before(db, pool):
    workplace = await settled_workplace_with_upskilling(db, pool)
    rematcher = Rematcher(pool, debounce_seconds=0)
    mark = rematcher._mark_for_upskilling

    async def another_worker_first(workplaces):
        # After this worker's snapshot and before its mark, everyone there left, and another worker
        # allocated the workplace from a later snapshot and marked it: this worker's mark comes last.
        await db.execute("UPDATE employees SET left_on = '2026-12-01' WHERE workplace_id = $1", workplace)
        await db.execute("INSERT INTO dirty_scopes (scope_kind, scope_id, event_ids) "
                         "VALUES ('upskilling', $1, '{ev-b}')", workplace)
        return await mark(workplaces)

    rematcher._mark_for_upskilling = another_worker_first
    await mark_workplace(db, workplace, ["ev-a"])
    await rematcher._allocation_round()
    await rematcher._upskilling_round()
    assert await latest_upskilling_status(db, workplace) == "withdrawn"


async def test_upskilling_uses_the_kept_snapshot_when_the_mark_gathered_this_workers_allocations(db, pool):
    workplace = await settled_workplace_with_upskilling(db, pool)
    rematcher = Rematcher(pool, debounce_seconds=0)
    for cause in ("ev-a", "ev-b"):  # two allocations before the upskilling mark gets its turn
        await mark_workplace(db, workplace, [cause])
        await rematcher._allocation_round()
    assert await db.fetchval("SELECT event_ids FROM dirty_scopes WHERE scope_kind = 'upskilling' AND scope_id = $1",
                             workplace) == ["ev-a", "ev-b"]
    forbid_fresh_snapshots(rematcher)
    await rematcher._upskilling_round()
    assert not await db.fetchval("SELECT count(*) FROM dirty_scopes")


async def test_upskilling_uses_the_kept_snapshot_when_the_mark_is_full_of_this_workers_causes(db, pool):
    """Under load nearly every mark holds MAX_CAUSES causes: that alone must not cost a fresh snapshot."""
    from tillid.store.projection.projector import MAX_CAUSES

    workplace = await settled_workplace_with_upskilling(db, pool)
    rematcher = Rematcher(pool, debounce_seconds=0)
    causes = [f"ev-{n:02d}" for n in range(MAX_CAUSES)]
    await mark_workplace(db, workplace, causes)
    await rematcher._allocation_round()
    assert await db.fetchval("SELECT cardinality(event_ids) FROM dirty_scopes WHERE scope_kind = 'upskilling' "
                             "AND scope_id = $1", workplace) == MAX_CAUSES
    forbid_fresh_snapshots(rematcher)
    await rematcher._upskilling_round()
    assert not await db.fetchval("SELECT count(*) FROM dirty_scopes")
