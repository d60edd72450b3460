"""The re-matcher's scheduling and caching on the in-memory repositories (tests/fakes): no services.

The snapshots are small workplaces solved by the real LEON solver (a millisecond each); the store's
side (claims, marks, proposals issued once per substance) is the fakes', which the contract test holds
to the PostgreSQL repositories."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from tests.fakes import in_memory_store
from tillid.errors import DatabaseUnavailable
from tillid.matching.proposals.snapshot import (
    EmployeeFacts,
    FreedHours,
    NeedElsewhere,
    ProfessionFacts,
    TaskFacts,
    WorkplaceSnapshot,
)
from tillid.store.scopes import STALE_CLAIM_SECONDS, UPSKILLING
from tillid.streams import rematcher as module
from tillid.streams.rematcher import Rematcher

PROFESSIONS = {"sygeplejerske": ProfessionFacts("sygeplejerske", "Sygeplejerske", "Nurse", 345.0),
               "sosu-assistent": ProfessionFacts("sosu-assistent", "Social- og sundhedsassistent",
                                                 "Social and health care assistant", 285.0)}
MEDICINE = TaskFacts("task-medicin", "Medicingivning", "Giving medicine", 10.0, {},
                     ("sygeplejerske", "sosu-assistent"), {})
ORGANISATION = "org-1"


def workplace(workplace_id: str, *, demand: float = 10.0, freed: bool = False) -> WorkplaceSnapshot:
    """A nurse doing 10 hours of medicine an assistant may do: LEON proposes to move them."""
    return WorkplaceSnapshot(
        workplace_id=workplace_id, name=f"Plejecenter {workplace_id}", organisation_id=ORGANISATION,
        committee_id="med-1", sector="municipality", professions=PROFESSIONS,
        employees=(EmployeeFacts(f"{workplace_id}-n", "sygeplejerske", 37.0, {}),
                   EmployeeFacts(f"{workplace_id}-a", "sosu-assistent", 37.0, {})),
        tasks=(replace(MEDICINE, hours=demand),), current=((f"{workplace_id}-n", "task-medicin", 10.0),),
        activities={},
        freed=(FreedHours("chg-1", "Robot", "task-medicin", 5.0),) if freed else ())


def poisoned(workplace_id: str) -> WorkplaceSnapshot:
    """A workplace whose data the solver rejects (the same person twice on one task)."""
    good = workplace(workplace_id)
    return replace(good, current=good.current + good.current)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        self.now += timedelta(milliseconds=1)
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def store_of(clock: Clock, *workplaces: WorkplaceSnapshot):
    return in_memory_store(workplaces, clock)


async def mark(store, *workplaces: str, cause: str = "ev-1") -> None:
    await store.scopes.mark({("workplace", w): [cause] for w in workplaces})


async def settle(rematcher: Rematcher, store) -> None:
    for _ in range(20):
        await rematcher.round()
        if not store.scopes.rows:
            return
    raise AssertionError(f"not settled: {store.scopes.rows}")


def pending_scopes(store) -> list[str]:
    return sorted(d.scope for d in store.proposals.pending())


async def test_a_round_proposes_for_every_dirty_workplace_and_forgets_the_scopes(clock):
    store = store_of(clock, workplace("w1"), workplace("w2"))
    await mark(store, "w1", "w2")
    done = await Rematcher(store, debounce_seconds=0).round()
    assert (done.scopes, done.issued) == (2 + 2, 2)  # two allocations, then two upskilling marks
    assert pending_scopes(store) == ["w1", "w2"] and store.scopes.rows == {}


async def test_a_scope_not_ripe_waits_for_the_debounce(clock):
    store = store_of(clock, workplace("w1"))
    await mark(store, "w1")
    assert await Rematcher(store, debounce_seconds=60).run_once() == 0
    assert store.snapshots.reads == [] and ("workplace", "w1") in store.scopes.rows
    assert 59 < await Rematcher(store, debounce_seconds=60).seconds_until_work() <= 60


async def test_a_scope_marked_while_being_solved_is_solved_again(clock):
    store = store_of(clock, workplace("w1"))
    await mark(store, "w1")
    arrivals = ["ev-late"]

    def an_event_arrives(workplace_id: str) -> None:
        if arrivals:
            store.scopes.rows[("workplace", workplace_id)].version += 1  # what a mark does to a held scope
            store.scopes.rows[("workplace", workplace_id)].event_ids.append(arrivals.pop())

    store.snapshots.on_read = an_event_arrives
    rematcher = Rematcher(store, debounce_seconds=0)
    await rematcher._allocation_round()
    assert ("workplace", "w1") in store.scopes.rows, "the late event's mark is not released with the claim"
    await settle(rematcher, store)
    assert store.snapshots.reads.count("w1") == 2


async def test_two_rematchers_never_hold_the_same_scope(clock, monkeypatch):
    monkeypatch.setattr(module, "CLAIM_LIMIT", 2)
    names = [f"w{n}" for n in range(6)]
    store = store_of(clock, *(workplace(w) for w in names))
    await mark(store, *names)
    one, other = Rematcher(store, debounce_seconds=0), Rematcher(store, debounce_seconds=0)
    for _ in range(2):
        await asyncio.gather(one._allocation_round(), other._allocation_round())
    assert sorted(store.snapshots.reads) == names
    assert pending_scopes(store) == names


async def test_a_workplace_the_solver_rejects_is_passed_over_and_its_scope_released(clock, caplog):
    store = store_of(clock, poisoned("w1"), workplace("w2"))
    await mark(store, "w1", "w2")
    await settle(Rematcher(store, debounce_seconds=0), store)
    assert pending_scopes(store) == ["w2"]
    assert "no proposals for w1" in caplog.text


async def test_a_round_that_failed_to_issue_leaves_its_claims_until_they_are_stale_then_issues(clock):
    store = store_of(clock, workplace("w1"))
    await mark(store, "w1")
    rematcher = Rematcher(store, debounce_seconds=0)
    store.proposals.fail_next = ConnectionError("the database went away")
    with pytest.raises(DatabaseUnavailable):
        await rematcher.round()
    assert await rematcher.run_once() == 0, "the failed round's claim is held until it is stale"
    clock.now += timedelta(seconds=STALE_CLAIM_SECONDS + 1)
    # The solve whose issue failed was not remembered as issued: this round issues it.
    assert await rematcher.run_once() == 1
    assert pending_scopes(store) == ["w1"]


async def test_inputs_solved_and_issued_before_issue_nothing_again(clock):
    store = store_of(clock, workplace("w1"))
    await mark(store, "w1")
    rematcher = Rematcher(store, debounce_seconds=0)
    assert await rematcher.run_once() == 1
    store.proposals.proposals.clear()  # as if the proposal were gone: only a solve would issue it again
    await mark(store, "w1", cause="ev-2")  # an event that changes nothing the solver sees
    assert await rematcher.run_once() == 0
    await mark(store, "w1", cause="ev-3")
    assert await Rematcher(store, debounce_seconds=0).run_once() == 1  # a fresh worker remembers nothing


async def test_a_worker_remembers_few_workplaces_and_forgetting_one_changes_no_proposal(clock, monkeypatch):
    """Its memory is bounded by the work in flight: a forgotten workplace is solved again, and the store
    recognises the same proposal, so nothing is issued twice (as after a restart)."""
    monkeypatch.setattr(module, "REMEMBERED_WORKPLACES", 1)
    names = ["w1", "w2", "w3"]
    store = store_of(clock, *(workplace(w) for w in names))
    rematcher = Rematcher(store, debounce_seconds=0)
    await mark(store, *names)
    await settle(rematcher, store)
    assert len(rematcher._last) == 2 and len(rematcher._allocated) <= 1
    reads = len(store.snapshots.reads)
    await mark(store, *names, cause="ev-2")  # changes nothing the solver sees
    await settle(rematcher, store)
    assert len(store.snapshots.reads) > reads
    assert pending_scopes(store) == names and len(store.proposals.proposals) == len(names)


async def test_new_inputs_supersede_the_pending_proposal(clock):
    store = store_of(clock, workplace("w1"))
    await mark(store, "w1")
    rematcher = Rematcher(store, debounce_seconds=0)
    await settle(rematcher, store)
    store.snapshots.workplaces["w1"] = workplace("w1", demand=12.0)
    await mark(store, "w1", cause="ev-2")
    assert await rematcher.run_once() == 1
    assert [p.status for p in store.proposals.proposals] == ["superseded", "pending"]


async def test_upskilling_builds_on_the_kept_allocation_unless_another_worker_marked_it(clock):
    store = store_of(clock, workplace("w1"))
    await mark(store, "w1")
    rematcher = Rematcher(store, debounce_seconds=0)
    await settle(rematcher, store)
    assert store.snapshots.reads == ["w1"], "the upskilling mark used the allocation's snapshot"
    await mark(store, "w1", cause="ev-2")
    await rematcher._allocation_round()
    await store.scopes.mark({(UPSKILLING, "w1"): ["ev-of-another-worker"]})
    await rematcher._upskilling_round()
    assert store.snapshots.reads == ["w1", "w1", "w1"], "a cause this worker did not mark costs a fresh snapshot"


async def test_upskilling_reads_afresh_once_the_effect_estimates_changed_since_the_kept_allocation(clock):
    """A refresh of the effect estimates marks upskilling without a cause of its own, so a mark this worker
    made stays all it knows of; the kept snapshot, read with the old estimates, must not be used (the soak
    found paths chosen with estimates older than the last refresh)."""
    store = store_of(clock, workplace("w1"))
    await mark(store, "w1")
    rematcher = Rematcher(store, debounce_seconds=0)
    await rematcher._allocation_round()
    store.snapshots.effects_version += 1
    await rematcher._upskilling_round()
    assert store.snapshots.reads == ["w1", "w1"], "a snapshot read afresh for the new estimates"


async def test_a_change_of_hours_elsewhere_marks_only_the_workplaces_that_name_them(clock):
    """w1 frees hours and names where they are needed; w2's proposal frees none; w3 has unstaffed hours."""
    store = store_of(clock, workplace("w1", freed=True), workplace("w2"), workplace("w3"))
    hours = store.snapshots.open_hours_of
    hours[ORGANISATION] = (NeedElsewhere("w3", "Plejecenter w3", "task-medicin", 8.0),)
    await mark(store, "w1", "w2", "w3")
    rematcher = Rematcher(store, debounce_seconds=0)
    await settle(rematcher, store)
    [w1] = [d for d in store.proposals.pending() if d.scope == "w1"]
    assert [n["uncovered_hours"] for n in w1.explanation["freed_hours"][0]["needed_elsewhere"]] == [8.0]

    # The same hours again: nobody else is marked.
    await mark(store, "w3", cause="ev-2")
    await rematcher._allocation_round()
    assert [key for key in store.scopes.rows if key[0] == "workplace"] == []

    # More unstaffed hours at w3: w1 is marked with the cause, w2 is not, and w1's proposal names the new hours.
    hours[ORGANISATION] = (NeedElsewhere("w3", "Plejecenter w3", "task-medicin", 14.0),)
    await mark(store, "w3", cause="ev-3")
    await rematcher._allocation_round()
    assert [(key, row.event_ids) for key, row in store.scopes.rows.items() if key[0] == "workplace"] == [
        (("workplace", "w1"), ["ev-3"])]
    await settle(rematcher, store)
    [w1] = [d for d in store.proposals.pending() if d.scope == "w1"]
    assert [n["uncovered_hours"] for n in w1.explanation["freed_hours"][0]["needed_elsewhere"]] == [14.0]


async def test_a_worker_that_never_compared_an_organisations_hours_compares_with_those_recorded(clock):
    """The hours are recorded in the store, not in the worker: a restarted worker does not mark everything."""
    store = store_of(clock, workplace("w1", freed=True), workplace("w3"))
    store.snapshots.open_hours_of[ORGANISATION] = (NeedElsewhere("w3", "Plejecenter w3", "task-medicin", 8.0),)
    await mark(store, "w1", "w3")
    await settle(Rematcher(store, debounce_seconds=0), store)
    await mark(store, "w3", cause="ev-2")
    await Rematcher(store, debounce_seconds=0)._allocation_round()
    assert [key for key in store.scopes.rows if key[0] == "workplace"] == []
