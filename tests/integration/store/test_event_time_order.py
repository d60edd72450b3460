"""Task demand and digitalisation changes end as if applied in occurred_at order, whichever topic
is read first (docs/streams.md, "Order across topics")."""

import asyncio
import itertools

import asyncpg
import pytest

from tillid.competence.events import new_envelope
from tillid.store.db import migrate, migrations
from tillid.store.projection.projector import Projector
from tillid.store.snapshots import workplace_snapshot

from tests.integration.store.scenario import envelopes, fresh_schema, organisation

pytestmark = pytest.mark.services

TASK = "oejendraaber"


def at(hour: int, minute: int = 0) -> str:
    return f"2026-11-23T{hour:02d}:{minute:02d}:00Z"


def timed(type_: str, id_name: str, occurred_at: str, **payload) -> dict:
    return new_envelope(type_, payload, source="test", occurred_at=occurred_at, event_id_name=f"order/{id_name}")


def demand(id_name: str, occurred_at: str, hours: float, workplace: str = "wp-a", task: str = TASK) -> dict:
    return timed("TaskDemandChanged", id_name, occurred_at, workplace_id=workplace, task_id=task,
                 hours_per_week=hours)


def change(change_id: str, occurred_at: str, *effects: dict, organisation_id: str = "org-a",
           workplace_ids: list[str] | None = None) -> dict:
    scope = {} if workplace_ids is None else {"workplace_ids": workplace_ids}
    return timed("DigitalisationChange", change_id, occurred_at, change_id=change_id,
                 organisation_id=organisation_id, description=f"Change {change_id}", effective_on="2026-12-01",
                 effects=list(effects), **scope)


def factor(value: float, task: str = TASK) -> dict:
    return {"kind": "hours_factor", "task_id": task, "factor": value}


def retire(task: str = TASK) -> dict:
    return {"kind": "retire_task", "task_id": task}


def workplace(workplace_id: str, organisation_id: str = "org-a") -> dict:
    return timed("WorkplaceUpserted", workplace_id, at(9), workplace_id=workplace_id, name=workplace_id,
                 sector="municipality", organisation_id=organisation_id, organisation_name=organisation_id,
                 committee_id="med-a")


async def apply(db, *batches: list[dict]) -> None:
    projector = Projector()
    for batch in batches:
        await projector.apply(db, envelopes(batch))


async def demand_and_freed(db) -> tuple[dict, dict]:
    demand_rows = {(r["workplace_id"], r["task_id"]): r["hours_per_week"] for r in await db.fetch(
        "SELECT workplace_id, task_id, hours_per_week FROM task_demand")}
    freed = {(r["change_id"], r["workplace_id"], r["task_id"]): r["hours"] for r in await db.fetch(
        "SELECT change_id, workplace_id, task_id, hours FROM freed_hours")}
    return demand_rows, freed


async def in_every_order(db, events: list[dict], one_batch: bool = False) -> set:
    """The demand and freed hours after applying ``events`` in every order, one event per batch (or all
    in one batch), each order in a fresh store."""
    outcomes = set()
    for order in itertools.permutations(events):
        await fresh_schema(db)
        await apply(db, organisation())
        if one_batch:
            await apply(db, list(order))
        else:
            await apply(db, *[[e] for e in order])
        rows, freed = await demand_and_freed(db)
        outcomes.add((tuple(sorted(rows.items())), tuple(sorted(freed.items()))))
    return outcomes


@pytest.mark.parametrize("one_batch", [False, True], ids=["separate batches", "one batch"])
async def test_a_factor_scales_the_demand_reported_before_it_whichever_is_read_first(db, one_batch):
    events = [demand("d", at(11), 20), change("c", at(12), factor(0.75))]
    outcomes = await in_every_order(db, events, one_batch)
    assert outcomes == {(((("wp-a", TASK), 15.0),), ((("c", "wp-a", TASK), 5.0),))}


@pytest.mark.parametrize("one_batch", [False, True], ids=["separate batches", "one batch"])
async def test_a_demand_reported_after_the_change_is_not_scaled_in_either_order(db, one_batch):
    events = [change("c", at(12), factor(0.75)), demand("d", at(13), 20)]
    outcomes = await in_every_order(db, events, one_batch)
    assert outcomes == {(((("wp-a", TASK), 20.0),), ())}


async def test_a_retired_task_is_not_recreated_by_an_older_demand_read_later(db):
    events = [demand("d", at(11), 20), change("c", at(12), retire())]
    outcomes = await in_every_order(db, events)
    assert outcomes == {((), ((("c", "wp-a", TASK), 20.0),))}


async def test_a_demand_reported_after_the_retirement_is_kept_but_the_task_stays_retired(db):
    events = [demand("d1", at(11), 20), change("c", at(12), retire()), demand("d2", at(13), 8)]
    outcomes = await in_every_order(db, events)
    assert outcomes == {(((("wp-a", TASK), 8.0),), ((("c", "wp-a", TASK), 20.0),))}
    snapshot = await workplace_snapshot(db, "wp-a")
    assert [t.task_id for t in snapshot.tasks] == []


async def test_two_factors_on_one_task_compose_in_time_order(db):
    events = [demand("d", at(11), 20), change("a", at(12), factor(0.5)), change("b", at(13), factor(0.5))]
    outcomes = await in_every_order(db, events)
    assert outcomes == {(((("wp-a", TASK), 5.0),), ((("a", "wp-a", TASK), 10.0), (("b", "wp-a", TASK), 5.0)))}


async def test_inexact_factors_end_bit_for_bit_the_same_in_every_order(db):
    """The reliability tests compare stores as text: float products must not depend on the read order."""
    events = [demand("d1", at(11), 17.3), change("a", at(12), factor(0.6)), demand("d2", at(12, 30), 23.9),
              change("b", at(13), factor(0.7))]
    outcomes = await in_every_order(db, events)
    assert len(outcomes) == 1
    (((_, hours),), freed) = outcomes.pop()
    assert hours == pytest.approx(23.9 * 0.7)
    assert dict(freed) == pytest.approx({("a", "wp-a", TASK): 17.3 * 0.4, ("b", "wp-a", TASK): 23.9 * 0.3})


async def test_a_factor_before_a_retirement_leaves_the_retirement_only_what_was_left(db):
    events = [demand("d", at(11), 20), change("a", at(12), factor(0.5)), change("r", at(13), retire())]
    outcomes = await in_every_order(db, events)
    assert outcomes == {((), ((("a", "wp-a", TASK), 10.0), (("r", "wp-a", TASK), 10.0)))}


async def test_a_newer_report_after_the_change_replaces_the_demand_and_keeps_the_freed_hours(db):
    events = [demand("d1", at(11), 20), change("c", at(12), factor(0.5)), demand("d2", at(13), 30)]
    outcomes = await in_every_order(db, events)
    assert outcomes == {(((("wp-a", TASK), 30.0),), ((("c", "wp-a", TASK), 10.0),))}


async def test_a_second_report_before_the_change_replaces_the_freed_hours_not_adds_to_them(db):
    events = [demand("d1", at(11), 20), demand("d2", at(11, 30), 40), change("c", at(12), factor(0.5))]
    outcomes = await in_every_order(db, events)
    assert outcomes == {(((("wp-a", TASK), 20.0),), ((("c", "wp-a", TASK), 20.0),))}


async def test_demand_reported_at_the_same_time_as_the_change_is_scaled_by_it(db):
    events = [demand("d", at(12), 20), change("c", at(12), factor(0.75))]
    outcomes = await in_every_order(db, events)
    assert outcomes == {(((("wp-a", TASK), 15.0),), ((("c", "wp-a", TASK), 5.0),))}


async def test_a_change_without_workplaces_covers_workplaces_announced_after_it_but_no_other_organisation(db):
    await apply(db, organisation(), [change("c", at(12), factor(0.5))],
                [workplace("wp-b"), workplace("wp-x", organisation_id="org-x")],
                [demand("db", at(11), 10, workplace="wp-b"), demand("dx", at(11), 10, workplace="wp-x")])
    rows, freed = await demand_and_freed(db)
    assert rows == {("wp-b", TASK): 5.0, ("wp-x", TASK): 10.0}
    assert freed == {("c", "wp-b", TASK): 5.0}


async def test_a_change_for_listed_workplaces_leaves_the_others_alone(db):
    await apply(db, organisation(), [workplace("wp-b")],
                [change("c", at(12), factor(0.5), workplace_ids=["wp-b"])],
                [demand("da", at(11), 10), demand("db", at(11), 10, workplace="wp-b")])
    rows, freed = await demand_and_freed(db)
    assert rows == {("wp-a", TASK): 10.0, ("wp-b", TASK): 5.0}
    assert freed == {("c", "wp-b", TASK): 5.0}


async def test_a_run_of_many_older_demands_is_scaled_by_a_kept_factor(db):
    places = [workplace(f"wp-{n}") for n in range(60)]
    reports = [demand(f"d-{n}", at(11), n + 1, workplace=f"wp-{n}") for n in range(60)]
    newer = [demand(f"n-{n}", at(13), 100, workplace=f"wp-{n}") for n in range(0, 60, 2)]
    await apply(db, organisation() + places, [change("c", at(12), factor(0.5))], reports + newer)
    rows, freed = await demand_and_freed(db)
    assert rows == {(f"wp-{n}", TASK): 100.0 if n % 2 == 0 else (n + 1) * 0.5 for n in range(60)}
    assert freed == {("c", f"wp-{n}", TASK): (n + 1) * 0.5 for n in range(60)}


async def test_a_freed_hours_explanation_follows_a_demand_read_after_its_change(db):
    await apply(db, organisation(), [change("c", at(12), factor(0.5))], [demand("d", at(11), 20)])
    marked = await db.fetchval(
        "SELECT event_ids FROM dirty_scopes WHERE scope_kind = 'workplace' AND scope_id = 'wp-a'")
    assert envelopes([demand("d", at(11), 20)])[0].event_id in marked
    snapshot = await workplace_snapshot(db, "wp-a")
    assert [(f.change_id, f.task_id, f.hours) for f in snapshot.freed] == [("c", TASK, 10.0)]
    assert [(t.task_id, t.hours) for t in snapshot.tasks] == [(TASK, 10.0)]


NEW_TASK = {"task_id": "t-validering", "name_da": "Validering", "name_en": "Validation", "required_skills": [],
            "authorised_professions": ["sygeplejerske"], "administrative": True}


def new_task(hours: float) -> dict:
    return {"kind": "new_task", "task": NEW_TASK, "hours_per_week": {"wp-a": hours}}


async def test_a_newer_demand_for_a_new_task_read_before_the_change_that_defines_it_is_applied_after_it(db):
    await apply(db, organisation(), [demand("d", at(13), 6, task="t-validering")])
    assert await db.fetchval("SELECT count(*) FROM parked_events") == 1
    await apply(db, [change("c", at(12), new_task(4))])
    assert await db.fetchval("SELECT count(*) FROM parked_events") == 0
    rows, _ = await demand_and_freed(db)
    assert rows[("wp-a", "t-validering")] == 6.0


async def test_an_older_demand_for_a_new_task_read_after_the_change_does_not_overwrite_its_hours(db):
    defined = timed("TaskDefined", "t-validering", at(9), **NEW_TASK)
    await apply(db, organisation() + [defined], [change("c", at(12), new_task(4))],
                [demand("d", at(11), 6, task="t-validering")])
    rows, _ = await demand_and_freed(db)
    assert rows[("wp-a", "t-validering")] == 4.0


async def test_demand_stored_before_the_migration_is_scaled_by_a_change_applied_after_it(db):
    await db.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    version, name, first = migrations()[0]
    await db.execute(first)
    await db.execute("""CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL,
                        applied_at timestamptz NOT NULL DEFAULT now())""")
    await db.execute("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", version, name)
    await db.execute("INSERT INTO task_demand (workplace_id, task_id, hours_per_week) VALUES ('wp-a', $1, 20)", TASK)
    assert await migrate(db)
    await apply(db, organisation(), [change("c", at(12), factor(0.5))])
    rows, freed = await demand_and_freed(db)
    assert rows == {("wp-a", TASK): 10.0}
    assert freed == {("c", "wp-a", TASK): 10.0}


async def test_the_demo_stream_ends_the_same_with_every_demand_read_after_the_digitalisation_changes(db):
    """Realistic data: the demo organisation's changes (hours factors, new tasks) are published last;
    here its task demand is read after them instead."""
    from tillid.competence.demo import generate_events
    from tillid.competence.events import validate

    from tests.integration.store.test_projection import table_contents

    stream = [validate(raw) for raw in generate_events(42, 0.05)]
    reordered = ([e for e in stream if e.type != "TaskDemandChanged"]
                 + [e for e in stream if e.type == "TaskDemandChanged"])
    stores = []
    for order in (stream, reordered):
        await fresh_schema(db)
        for start in range(0, len(order), 500):
            await Projector().apply(db, order[start:start + 500])
        contents = await table_contents(db)
        for bookkeeping in ("dirty_scopes", "processed_events", "event_tallies"):
            contents.pop(bookkeeping)
        stores.append(contents)
    assert stores[0]["freed_hours"] and stores[0]["hours_factors"]
    assert stores[1] == stores[0]


async def test_hours_needed_elsewhere_leave_out_a_task_the_organisation_retired(db):
    wound = timed("TaskDefined", "t-wound", at(9), task_id="saarpleje", name_da="Sårpleje", name_en="Wound care",
                  required_skills=[], authorised_professions=["sygeplejerske"], administrative=False)
    await apply(db, organisation() + [workplace("wp-b"), wound], [
        demand("a", at(11), 20),
        change("c1", at(12), factor(0.5), workplace_ids=["wp-a"]),
        demand("b-eye", at(11), 8, workplace="wp-b"),
        demand("b-wound", at(11), 6, workplace="wp-b", task="saarpleje"),
        change("c2", at(12), retire("saarpleje")),
        demand("b-wound-later", at(13), 4, workplace="wp-b", task="saarpleje"),
    ])
    assert (await demand_and_freed(db))[0][("wp-b", "saarpleje")] == 4.0  # kept as reported, but retired
    snapshot = await workplace_snapshot(db, "wp-a")
    assert [(n.workplace_id, n.task_id, n.hours) for n in snapshot.needed_elsewhere] == [("wp-b", TASK, 8.0)]


async def test_a_change_applied_while_another_transaction_reports_the_demand_it_scales_waits_for_it(
        db, database_url):
    """Two lanes (or workers) at once: the change must not miss the report the other has not committed."""
    await apply(db, organisation())
    projector = Projector()
    other = await asyncpg.connect(database_url)
    try:
        reporting = other.transaction()
        await reporting.start()
        await projector.apply_in_transaction(other, envelopes([demand("d", at(11), 20)]))
        changing = asyncio.create_task(projector.apply(db, envelopes([change("c", at(12), factor(0.5))])))
        await asyncio.sleep(0.5)
        assert not changing.done()  # it waits for the report's transaction
        await reporting.commit()
        await asyncio.wait_for(changing, 10)
    finally:
        await other.close()
    assert await demand_and_freed(db) == ({("wp-a", TASK): 10.0}, {("c", "wp-a", TASK): 10.0})
