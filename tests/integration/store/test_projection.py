"""The projection into the real embedded PostgreSQL: idempotency, parking, erasure, dirty scopes."""

import pytest

from tillid.store.db import migrate
from tillid.store.projection.handlers import PROJECTIONS
from tillid.store.projection.projector import Projector

from tests.integration.store.scenario import (employee, envelopes, event, everything_about, fresh_schema,
                                              organisation)

pytestmark = pytest.mark.services


async def table_contents(db) -> dict[str, list]:
    """Every row of every table, in a stable order; bookkeeping timestamps left out."""
    tables = [r["table_name"] for r in await db.fetch(
        """SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'
           AND table_name NOT IN ('schema_migrations') ORDER BY table_name""")]
    contents = {}
    for table in tables:
        rows = await db.fetch(f"SELECT * FROM {table}")
        skip = {"processed_at", "parked_at", "since", "created_at", "at", "recorded_at", "erased_at", "id"}
        contents[table] = sorted(repr(sorted((k, v) for k, v in dict(r).items() if k not in skip)) for r in rows)
    return contents


async def test_migrations_apply_once(db):
    assert await migrate(db) == []
    assert await db.fetchval("SELECT count(*) FROM schema_migrations") >= 1


async def test_every_valid_event_type_applied_twice_is_applied_once(db, valid_events):
    projector = Projector()
    batch = envelopes(valid_events)
    await projector.apply(db, batch)
    once = await table_contents(db)
    result = await projector.apply(db, batch)
    kept = [e for e in batch if e.type in PROJECTIONS]
    assert len(kept) >= 20 and result.duplicates == len(kept) and result.applied == 0
    twice = await table_contents(db)
    once.pop("event_tallies"), twice.pop("event_tallies")
    assert twice == once


async def test_batch_with_some_events_seen_before_applies_only_the_new_ones(db, valid_events):
    """The ids are copied in optimistically; a batch holding ids recorded before takes the slower path
    and must still apply every new event once, and count the rest as duplicates."""
    projector = Projector()
    batch = [e for e in envelopes(valid_events) if e.type in PROJECTIONS]
    await projector.apply(db, batch[::2])
    result = await projector.apply(db, batch)
    assert (result.duplicates, result.applied + result.parked) == (len(batch[::2]), len(batch[1::2]))
    mixed = await table_contents(db)

    await fresh_schema(db)
    await projector.apply(db, batch[::2])
    await projector.apply(db, batch[1::2])
    only_new = await table_contents(db)
    mixed.pop("event_tallies"), only_new.pop("event_tallies")
    assert mixed == only_new


async def test_each_event_alone_redelivered_changes_nothing(db, valid_events):
    projector = Projector()
    for raw in valid_events:
        await projector.apply(db, envelopes([raw]))
        before = await table_contents(db)
        await projector.apply(db, envelopes([raw]))
        after = await table_contents(db)
        before.pop("event_tallies"), after.pop("event_tallies")
        assert after == before, raw["type"]


async def test_event_before_its_referent_is_parked_then_applied(db):
    projector = Projector()
    person = employee("e1")
    result = await projector.apply(db, envelopes(person))
    assert result.parked == 2 and result.applied == 0
    assert await db.fetchval("SELECT count(*) FROM parked_events") == 2
    assert await db.fetchval("SELECT count(*) FROM employees") == 0

    result = await projector.apply(db, envelopes(organisation()))
    assert result.released == 2
    assert await db.fetchval("SELECT count(*) FROM parked_events") == 0
    assert await db.fetchval("SELECT level FROM competences WHERE employee_id = 'e1'") == 3
    assert await db.fetchval("SELECT outcome FROM processed_events WHERE event_id = $1",
                             person[0]["event_id"]) == "released"


async def test_parked_event_redelivered_is_not_parked_twice(db):
    projector = Projector()
    await projector.apply(db, envelopes(employee("e1")))
    result = await projector.apply(db, envelopes(employee("e1")))
    assert result.duplicates == 2
    assert await db.fetchval("SELECT count(*) FROM parked_events") == 2


async def test_referent_in_the_same_batch_comes_first(db):
    result = await Projector().apply(db, envelopes(organisation() + employee("e1")))
    assert result.parked == 0 and result.applied == len(organisation()) + 2


async def test_changes_mark_their_scopes_dirty(db):
    await Projector().apply(db, envelopes(organisation() + everything_about("e1")))
    scopes = {(r["scope_kind"], r["scope_id"]) for r in await db.fetch("SELECT * FROM dirty_scopes")}
    assert ("workplace", "wp-a") in scopes
    assert ("organisation", "org-a") in scopes  # CourseCompleted re-opens LEON for the organisation
    assert ("rotation", "all") in scopes


async def test_a_new_assessment_marks_rotation_dirty_only_for_someone_who_wants_to_rotate(db):
    """Rotation placements read the competences of the people who want to rotate (found by the soak,
    docs/benchmarks.md: without this, their placements went stale as their competences changed)."""
    await Projector().apply(db, envelopes(organisation() + everything_about("e1") + employee("e2")))
    await db.execute("DELETE FROM dirty_scopes")

    def assessed(employee_id: str) -> list[dict]:
        return [event("CompetenceAssessed", f"again-{employee_id}", employee_id=employee_id,
                      skill="dk:oejendraabebehandling", level=4, assessed_on="2026-11-01", evidence="manager")]

    await Projector().apply(db, envelopes(assessed("e2")))
    assert {r["scope_kind"] for r in await db.fetch("SELECT * FROM dirty_scopes")} == {"workplace"}
    await Projector().apply(db, envelopes(assessed("e1")))
    scopes = {(r["scope_kind"], r["scope_id"]): r["event_ids"] for r in await db.fetch("SELECT * FROM dirty_scopes")}
    assert ("rotation", "all") in scopes and ("workplace", "wp-a") in scopes
    assert len(scopes[("rotation", "all")]) == 1


async def test_unmapped_free_text_is_held_not_guessed(db):
    await Projector().apply(db, envelopes(organisation() + everything_about("e1")))
    row = await db.fetchrow("SELECT skill_text, best_skill FROM unmapped_competences")
    assert row["skill_text"] == "noget helt ukendt xyz"
    assert await db.fetchval("SELECT count(*) FROM competences WHERE employee_id = 'e1'") == 1


async def test_erasure_leaves_no_trace_of_the_id(db):
    projector = Projector()
    await projector.apply(db, envelopes(organisation() + everything_about("emp-erase-me") + everything_about("e2")))
    await projector.apply(db, envelopes([event("EmployeeLeft", "left-parked", employee_id="emp-erase-me-too",
                                               left_on="2026-12-01")]))
    await db.execute("INSERT INTO audit_log (actor, subject, action, endpoint) VALUES "
                     "('committee:med-a', 'emp-erase-me', 'read', '/api/employees/emp-erase-me')")
    # the person read someone else's data with a token whose holder is their own id
    await db.execute("INSERT INTO audit_log (actor, holder, subject, action, endpoint) VALUES "
                     "('committee:med-a', 'emp-erase-me', 'e2', 'read', '/api/employees/e2')")
    await db.execute("INSERT INTO deadletters (topic, reason, raw) VALUES ('hr.employees', 'bad', $1)",
                     b'{"employee_id": "emp-erase-me", "x": 1}')

    await projector.apply(db, envelopes([event("EmployeeErased", "erase", employee_id="emp-erase-me")]))

    contents = await table_contents(db)
    leaks = {table: rows for table, rows in contents.items() if any("emp-erase-me'" in row or
                                                                     "emp-erase-me\"" in row or
                                                                     "emp-erase-me " in row for row in rows)}
    assert leaks == {}
    text = repr(contents)
    assert "'emp-erase-me'" not in text
    assert await db.fetchval("SELECT count(*) FROM employees WHERE employee_id = 'e2'") == 1
    assert await db.fetchval("SELECT count(*) FROM parked_events WHERE employee_id = 'emp-erase-me-too'") == 1
    assert await db.fetchval("SELECT count(*) FROM erasures") == 1
    aggregate = await db.fetchrow("SELECT * FROM erased_aggregates")
    assert (aggregate["people"], aggregate["completions"], aggregate["passed"]) == (1, 1, 1)


async def test_digitalisation_change_scales_hours_once_and_records_freed_hours(db):
    projector = Projector()
    base = organisation() + everything_about("e1")
    change = event("DigitalisationChange", "dig-1", change_id="chg-1", organisation_id="org-a",
                   description="Elektronisk medicinmodul", effective_on="2026-12-01",
                   effects=[{"kind": "hours_factor", "task_id": "oejendraaber", "factor": 0.75},
                            {"kind": "requirement", "task_id": "oejendraaber", "skill": "dk:digitalt-medicinmodul",
                             "min_level": 2}])
    await projector.apply(db, envelopes(base + [change]))
    assert await db.fetchval("SELECT hours_per_week FROM task_demand") == pytest.approx(15.0)
    assert await db.fetchval("SELECT hours FROM freed_hours") == pytest.approx(5.0)
    assert await db.fetchval("SELECT skill_id FROM local_requirements") == "dk:digitalt-medicinmodul"
    resent = dict(change, event_id="another-id-same-change")
    await projector.apply(db, envelopes([resent]))
    assert await db.fetchval("SELECT hours_per_week FROM task_demand") == pytest.approx(15.0)


async def test_free_text_competences_are_mapped_by_the_taxonomy(db):
    from tillid.store.projection.context import resolve_with_taxonomy

    projector = Projector(resolve_skill=resolve_with_taxonomy)
    texts = [event("CompetenceAssessed", f"text-{i}", employee_id="e1", skill=text, level=2,
                   assessed_on="2026-10-02", evidence="self")
             for i, text in enumerate(["sårpleje", "qwzx plonk"])]
    await projector.apply(db, envelopes(organisation() + employee("e1") + texts))
    skills = {r["skill_id"] for r in await db.fetch("SELECT skill_id FROM competences WHERE employee_id = 'e1'")}
    assert skills == {"dk:oejendraabebehandling", "dk:saarbehandling"}
    held = await db.fetchrow("SELECT skill_text, confidence FROM unmapped_competences")
    assert held["skill_text"] == "qwzx plonk" and held["confidence"] < 0.5


async def test_parking_and_release_in_concurrent_batches_never_strand_an_event(database_url):
    """Two workers: one applies the employee, the other the workplace it needs, at the same moment."""
    import asyncio

    import asyncpg

    projector = Projector()
    a, b = await asyncpg.connect(database_url), await asyncpg.connect(database_url)
    try:
        await projector.apply(a, envelopes(organisation()[1:]))  # professions and task; no workplace yet
        for round_ in range(25):
            workplace = f"wp-race-{round_}"
            org = organisation(workplace=workplace)[:1]
            person = employee(f"e-race-{round_}", workplace=workplace)
            await asyncio.gather(projector.apply(a, envelopes(person)), projector.apply(b, envelopes(org)))
        assert await a.fetchval("SELECT count(*) FROM parked_events") == 0
        assert await a.fetchval("SELECT count(*) FROM employees WHERE employee_id LIKE 'e-race-%'") == 25
    finally:
        await a.close()
        await b.close()


async def test_events_about_an_erased_person_arriving_later_are_discarded(db):
    projector = Projector()
    await projector.apply(db, envelopes(organisation() + employee("emp-gone")))
    await projector.apply(db, envelopes([event("EmployeeErased", "erase-gone", employee_id="emp-gone")]))
    late = [event("CompetenceAssessed", "late-1", employee_id="emp-gone", skill="dk:saarbehandling", level=2,
                  assessed_on="2026-10-05", evidence="self"),
            event("TaskAssignmentReported", "late-2", workplace_id="wp-a", task_id="oejendraaber",
                  employee_id="emp-gone", hours_per_week=5)]
    result = await projector.apply(db, envelopes(late))
    assert result.parked == 0 and result.applied == 0
    assert await db.fetchval("SELECT count(*) FROM parked_events") == 0
    assert "emp-gone" not in repr(await table_contents(db))
    assert await db.fetchval("SELECT count(*) FROM processed_events WHERE outcome = 'discarded'") == 2


def _assessed(n: int, employee_id: str, level: int, on: str) -> dict:
    return event("CompetenceAssessed", f"again-{n}", employee_id=employee_id, skill="dk:oejendraabebehandling",
                 level=level, assessed_on=on, evidence="manager")


def _reported(n: int, employee_id: str, hours: float) -> dict:
    return event("TaskAssignmentReported", f"report-{n}", workplace_id="wp-a", task_id="oejendraaber",
                 employee_id=employee_id, hours_per_week=hours)


def _run_of_changes() -> list[dict]:
    """The same people changed several times over, interleaved across types, as one batch would carry them:
    a later date wins, an equal date replaces, an earlier one is only logged; the last report of an
    assignment counts, 0 removes it; an employee moved twice ends at the last workplace."""
    return [
        _assessed(1, "e1", 2, "2026-10-05"), _reported(1, "e1", 4), _assessed(2, "e1", 4, "2026-10-09"),
        event("TaskDemandChanged", "demand-1", workplace_id="wp-a", task_id="oejendraaber", hours_per_week=10),
        _assessed(3, "e1", 1, "2026-10-02"), _reported(2, "e1", 6), _assessed(4, "e1", 5, "2026-10-09"),
        _reported(3, "e2", 3), _assessed(5, "e2", 1, "2026-09-01"), _reported(4, "e2", 0),
        event("TaskDemandChanged", "demand-2", workplace_id="wp-a", task_id="oejendraaber", hours_per_week=12),
        event("CourseCompleted", "course-1", employee_id="e2", activity_id="a-1", completed_on="2026-10-03",
              passed=True),
        event("EmployeeUpserted", "move-1", employee_id="e2", profession_id="sosu_assistent", workplace_id="wp-b",
              weekly_hours=30),
        event("EmployeeUpserted", "move-2", employee_id="e2", profession_id="sosu_assistent", workplace_id="wp-a",
              weekly_hours=32, learning_interests=["dk:saarbehandling", "dk:medicin"]),
    ]


async def test_a_batch_ends_as_the_same_events_applied_one_at_a_time(db):
    world = organisation() + organisation(workplace="wp-b", committee="med-b") + employee("e1") + employee("e2")
    projector = Projector()
    await projector.apply(db, envelopes(world))
    await projector.apply(db, envelopes(_run_of_changes()))
    in_one_batch = await table_contents(db)

    await fresh_schema(db)
    await projector.apply(db, envelopes(world))
    for change in _run_of_changes():
        await projector.apply(db, envelopes([change]))
    one_at_a_time = await table_contents(db)

    for contents in (in_one_batch, one_at_a_time):
        contents.pop("dirty_scopes"), contents.pop("event_tallies")
    assert in_one_batch == one_at_a_time
    assert await db.fetchval("SELECT level FROM competences WHERE employee_id = 'e1'") == 5
    assert await db.fetchval("SELECT hours_per_week FROM task_assignments WHERE employee_id = 'e1'") == 6
    assert await db.fetchval("SELECT count(*) FROM task_assignments WHERE employee_id = 'e2'") == 0
    assert await db.fetchval("SELECT hours_per_week FROM task_demand") == 12
    assert await db.fetchval("SELECT learning_interests FROM employees WHERE employee_id = 'e2'") == [
        "dk:saarbehandling", "dk:medicin"]


async def test_someone_who_has_left_is_given_no_task_or_rotation_by_events_read_late(db):
    projector = Projector()
    await projector.apply(db, envelopes(organisation() + employee("e1")))
    await projector.apply(db, envelopes([event("EmployeeLeft", "left-e1", employee_id="e1", left_on="2026-12-01")]))
    # Published before the departure, on other topics, but read after it.
    await projector.apply(db, envelopes([
        _reported(9, "e1", 8),
        event("RotationInterestExpressed", "interest-e1", employee_id="e1", ranked_slot_ids=[],
              available_from="2027-01-01", max_weeks=8)]))
    assert await db.fetchval("SELECT count(*) FROM task_assignments WHERE employee_id = 'e1'") == 0
    assert await db.fetchval("SELECT count(*) FROM rotation_interests WHERE employee_id = 'e1'") == 0
    # Hired again: reports count again.
    await projector.apply(db, envelopes([
        event("EmployeeUpserted", "back-e1", employee_id="e1", profession_id="sosu_assistent", workplace_id="wp-a",
              weekly_hours=37),
        _reported(10, "e1", 5)]))
    assert await db.fetchval("SELECT hours_per_week FROM task_assignments WHERE employee_id = 'e1'") == 5
