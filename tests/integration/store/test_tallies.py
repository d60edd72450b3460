"""The event tallies (tillid/store/tallies.py) agree with the rows they count, through parking, release,
duplicates, dead letters and erasures, and the migration that brings them counts an existing store."""

from __future__ import annotations

import uuid

import asyncpg
import pytest

from tillid.competence.events.topics import TOPIC_OF_TYPE
from tillid.store import tallies
from tillid.store.db import migrate, migrations
from tillid.store.projection.projector import Projector
from tillid.streams import deadletter
from tillid.streams.deadletter import DeadLetter
from tests.integration.store.scenario import employee, envelopes, event, everything_about, organisation

pytestmark = pytest.mark.services

COUNTED_AS = {"applied": "applied", "released": "applied", "parked": "parked", "discarded": "discarded"}


async def counted_from_rows(db) -> dict[tuple[str, str], int]:
    """What the tallies should say about processed events, counted the slow way."""
    found: dict[tuple[str, str], int] = {}
    for row in await db.fetch("SELECT type, outcome, count(*) AS n FROM processed_events GROUP BY type, outcome"):
        key = (TOPIC_OF_TYPE[row["type"]], COUNTED_AS[row["outcome"]])
        found[key] = found.get(key, 0) + row["n"]
    return found


async def tallied(db, outcomes=("applied", "parked", "discarded")) -> dict[tuple[str, str], int]:
    return {key: n for key, n in (await tallies.read(db)).items() if key[1] in outcomes and n}


def waiting_for(employee_id: str, name: str) -> dict:
    return event("CompetenceAssessed", name, employee_id=employee_id, skill="dk:saarbehandling", level=2,
                 assessed_on="2026-10-05", evidence="self")


async def test_tallies_equal_the_rows_through_parking_release_duplicates_dead_letters_and_erasure(db):
    projector = Projector()
    world = organisation() + employee("e1") + employee("e2")
    early = [waiting_for("e3", "early-e3"), waiting_for("e4", "early-e4"), waiting_for("e5", "early-e5")]
    await projector.apply(db, envelopes(early + world))  # three parked
    assert await tallied(db) == await counted_from_rows(db)
    assert (await tallies.read(db))[("hr.competences", "parked")] == 3

    await projector.apply(db, envelopes(employee("e3") + world[:2]))  # e3's released; two duplicates
    await projector.apply(db, envelopes([event("EmployeeErased", "erase-e4", employee_id="e4")]))  # e4's dropped
    await projector.apply(db, envelopes(everything_about("e6") + [waiting_for("e4", "late-e4")]))
    async with db.transaction():
        await deadletter.record(db, [DeadLetter("t1.hr.competences", 0, 7, None, b"{", "not JSON"),
                                     DeadLetter("t1.ops.tasks", 1, 9, None, b"[]", "not an object")],
                                topic_prefix="t1.")

    assert await tallied(db) == await counted_from_rows(db)
    counts = await tallies.read(db)
    assert counts[("hr.competences", "parked")] == 1 == await db.fetchval("SELECT count(*) FROM parked_events")
    assert counts[("hr.competences", "discarded")] == 2  # parked for e4, and the one after the erasure
    assert counts[("org.structure", "duplicate")] == 2
    assert (counts[("hr.competences", "deadlettered")], counts[("ops.tasks", "deadlettered")]) == (1, 1)
    received = 3 + len(world) + 2 + 2 + 1 + len(everything_about("e6")) + 1 + 2
    assert sum(counts.values()) == received


async def test_one_statement_writes_a_batchs_counts(db):
    """However many events a batch has, its counts are one upsert (a statement per event would cost
    the stream what the tallies save the reader)."""
    batch = envelopes(organisation() + [e for n in range(50) for e in employee(f"e{n}")])
    statements: list[str] = []
    db.add_query_logger(lambda record: statements.append(record.query))
    await Projector().apply(db, batch)
    assert sum("event_tallies" in query for query in statements) == 1
    assert (await tallies.read(db))[("hr.employees", "applied")] == 50


async def test_the_migration_counts_what_an_older_store_holds(postgres_server):
    """A store migrated before the tallies existed keeps its counts: outcomes per topic from
    processed_events, the old duplicate and dead-letter counters under the topic 'unknown'."""
    name = f"tallies_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(postgres_server.url)
    await admin.execute(f"CREATE DATABASE {name}")
    await admin.close()
    db = await asyncpg.connect(postgres_server.url.rsplit("/", 1)[0] + f"/{name}")
    try:
        await db.execute("""CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL,
                            applied_at timestamptz NOT NULL DEFAULT now())""")
        for version, name, sql in migrations():
            if version >= 11:
                break
            await db.execute(sql)
            await db.execute("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", version, name)
        await db.executemany("INSERT INTO processed_events (event_id, type, outcome) VALUES ($1, $2, $3)",
                             [("a", "EmployeeUpserted", "applied"), ("b", "CompetenceAssessed", "released"),
                              ("c", "CompetenceAssessed", "parked"), ("d", "CourseCompleted", "discarded"),
                              ("e", "WorkplaceUpserted", "applied")])
        await db.execute("UPDATE event_counters SET value = 4 WHERE name = 'duplicate'")
        await db.execute("UPDATE event_counters SET value = 2 WHERE name = 'deadlettered'")

        await migrate(db)

        assert await tallies.read(db) == {
            ("hr.employees", "applied"): 1, ("hr.competences", "applied"): 1, ("hr.competences", "parked"): 1,
            ("hr.competences", "discarded"): 1, ("org.structure", "applied"): 1,
            ("unknown", "duplicate"): 4, ("unknown", "deadlettered"): 2}
    finally:
        await db.close()
