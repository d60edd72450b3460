"""Pending proposals depend only on the events: a LEON proposal names other workplaces' unstaffed hours
(``needed_elsewhere``), and a change there must reach it, whichever rounds ran in between (the soak's
last determinism gap, docs/benchmarks.md "Soak under faults")."""

import json

import asyncpg
import pytest

from tests.integration.store.scenario import employee, envelopes, event, organisation
from tests.integration.store.test_event_time_order import at, change, demand, factor, workplace
from tests.integration.streams.test_rematcher import settle
from tillid.matching.proposals.items import ASSUMED_KEYS
from tillid.store.projection.projector import Projector
from tillid.streams.rematcher import Rematcher

pytestmark = pytest.mark.services

# wp-a: a nurse does the eye drops, whose hours a digitalisation change halved: its LEON proposal says where
# those hours are needed, among them wp-b's eye drops, which nobody does there.
BEFORE = [
    *organisation(),
    workplace("wp-b"),
    *employee("n1", profession="sygeplejerske"),
    demand("a", at(11), 20),
    event("TaskAssignmentReported", "assign-n1", workplace_id="wp-a", task_id="oejendraaber", employee_id="n1",
          hours_per_week=20),
    change("c1", at(12), factor(0.5), workplace_ids=["wp-a"]),
    demand("b", at(11), 8, workplace="wp-b"),
]
# Then only wp-b changes: more eye drops nobody does there.
AFTER = [demand("b-more", at(13), 14, workplace="wp-b")]


async def pending_proposals(db) -> list[dict]:
    """What a committee sees of each pending proposal: everything but when it was drafted and from which events,
    and the measured effects it assumed (read from the history at drafting time)."""
    found = []
    for row in await db.fetch("SELECT * FROM proposals WHERE status = 'pending' ORDER BY kind, scope"):
        explanation = json.loads(row["explanation"])
        explanation.pop("source_events", None)
        effect = {k: v for k, v in json.loads(row["effect"]).items() if k not in ASSUMED_KEYS}
        found.append({"kind": row["kind"], "scope": row["scope"], "fingerprint": row["fingerprint"],
                      "summary_en": row["summary_en"], "explanation": explanation, "effect": effect})
    return found


async def another_store(postgres_server, database_url, name: str) -> str:
    admin = await asyncpg.connect(postgres_server.url)
    await admin.execute(f"CREATE DATABASE {name} TEMPLATE tillid_template")
    await admin.close()
    return database_url.rsplit("/", 1)[0] + f"/{name}"


async def settled_store(url: str, *phases: list[dict]) -> list[dict]:
    """The phases applied to the store at ``url``, one re-matcher (a worker that lives through them all)
    settled after each; its pending proposals."""
    conn = await asyncpg.connect(url)
    pool = await asyncpg.create_pool(url, min_size=1, max_size=3)
    rematcher = Rematcher(pool, debounce_seconds=0)
    try:
        for phase in phases:
            await Projector().apply(conn, envelopes(phase))
            for _ in range(20):
                await rematcher.round()
                if not await conn.fetchval("SELECT count(*) FROM dirty_scopes"):
                    break
            else:
                raise AssertionError("the re-matcher did not settle")
        return await pending_proposals(conn)
    finally:
        await pool.close()
        await conn.close()


def named_elsewhere(proposal: dict) -> list[tuple[str, float]]:
    return [(n["workplace"], n["uncovered_hours"]) for freed in proposal["explanation"]["freed_hours"]
            for n in freed["needed_elsewhere"]]


async def test_a_change_elsewhere_reaches_a_pending_proposal_as_if_the_events_came_at_once(
        postgres_server, database_url):
    at_once = await settled_store(database_url, BEFORE + AFTER)
    in_between = await settled_store(await another_store(postgres_server, database_url, "needs_in_between"),
                                     BEFORE, AFTER)
    [leon] = [p for p in at_once if p["kind"] == "leon_allocation"]
    assert named_elsewhere(leon) == [("wp-b", 14.0)]
    assert in_between == at_once


async def test_a_change_elsewhere_that_leaves_the_named_hours_as_they_were_marks_nothing(
        postgres_server, database_url):
    """Only workplaces whose named hours changed are solved again: wp-b's demand reported again as it was
    marks no one else; a new demand there marks wp-a, which names it."""
    conn = await asyncpg.connect(database_url)
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=3)
    try:
        await Projector().apply(conn, envelopes(BEFORE))
        await settle(pool, conn)
        await Projector().apply(conn, envelopes([demand("b-same", at(13), 8, workplace="wp-b")]))
        await Rematcher(pool, debounce_seconds=0).round()
        assert await conn.fetchval("SELECT count(*) FROM dirty_scopes WHERE scope_kind = 'workplace'") == 0
        await Projector().apply(conn, envelopes(AFTER))
        await Rematcher(pool, debounce_seconds=0).round()
        assert [r["scope_id"] for r in await conn.fetch(
            "SELECT scope_id FROM dirty_scopes WHERE scope_kind = 'workplace'")] == ["wp-a"]
    finally:
        await pool.close()
        await conn.close()
