"""The re-match queue's contract, run on the PostgreSQL repository and on the in-memory fake alike, so the
fake the re-matcher's unit tests use cannot drift from the store (tillid/store/scopes.py)."""

import asyncio
from datetime import datetime, timedelta, timezone

import asyncpg
import pytest

from tests.fakes import InMemoryScopes
from tillid.store.scopes import MAX_CAUSES, UPSKILLING, PostgresScopes

pytestmark = pytest.mark.services


class TickingClock:
    """PostgreSQL's ``now()`` differs between the transactions of consecutive calls; so does this clock's."""

    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        self.now += timedelta(milliseconds=1)
        return self.now


@pytest.fixture(params=["in-memory", "postgres"])
async def scopes(request, database_url):
    if request.param == "in-memory":
        yield InMemoryScopes(TickingClock())
        return
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=3)
    try:
        yield PostgresScopes(pool)
    finally:
        await pool.close()


async def claim_all(scopes, upskilling=False, limit=100):
    return await scopes.claim(upskilling=upskilling, older_than=0, limit=limit)


async def test_a_new_mark_is_version_1_and_each_further_mark_bumps_it(scopes):
    assert await scopes.mark({("workplace", "w1"): ["e1"], ("workplace", "w2"): []}) == {
        ("workplace", "w1"): 1, ("workplace", "w2"): 1}
    assert await scopes.mark({("workplace", "w1"): ["e2"]}) == {("workplace", "w1"): 2}


async def test_claims_come_oldest_first_with_their_causes_and_version(scopes):
    for workplace in ("w3", "w1", "w2"):
        await scopes.mark({("workplace", workplace): [f"ev-{workplace}"]})
    await scopes.mark({("workplace", "w3"): ["ev-later"]})
    claims = await claim_all(scopes)
    assert [(c.scope_id, c.version, c.event_ids) for c in claims] == [
        ("w3", 2, ("ev-w3", "ev-later")), ("w1", 1, ("ev-w1",)), ("w2", 1, ("ev-w2",))]
    assert claims[0].since < claims[1].since < claims[2].since


async def test_a_mark_keeps_its_latest_causes_only(scopes):
    await scopes.mark({("workplace", "w1"): [f"a{n:02d}" for n in range(MAX_CAUSES + 5)]})
    await scopes.mark({("workplace", "w1"): ["b1", "b2"]})
    [claim] = await claim_all(scopes)
    assert len(claim.event_ids) == MAX_CAUSES and claim.event_ids[-2:] == ("b1", "b2")
    assert claim.event_ids[0] == "a02"


async def test_upskilling_marks_and_allocation_scopes_are_claimed_apart(scopes):
    await scopes.mark({("workplace", "w1"): ["e1"], (UPSKILLING, "w1"): ["e1"], ("rotation", "all"): ["e2"]})
    assert {(c.kind, c.scope_id) for c in await claim_all(scopes)} == {("workplace", "w1"), ("rotation", "all")}
    assert [(c.kind, c.scope_id) for c in await claim_all(scopes, upskilling=True)] == [(UPSKILLING, "w1")]


async def test_claims_are_exclusive(scopes):
    await scopes.mark({("workplace", f"w{n}"): [f"e{n}"] for n in range(6)})
    first, second = await asyncio.gather(scopes.claim(upskilling=False, older_than=0, limit=4),
                                         scopes.claim(upskilling=False, older_than=0, limit=4))
    ids = [c.scope_id for c in first + second]
    assert len(ids) == len(set(ids)) == 6
    assert await claim_all(scopes) == []


async def test_a_claim_takes_at_most_the_limit(scopes):
    await scopes.mark({("workplace", f"w{n}"): [] for n in range(5)})
    assert len(await scopes.claim(upskilling=False, older_than=0, limit=2)) == 2
    assert len(await claim_all(scopes)) == 3


async def test_a_scope_not_dirty_long_enough_is_not_claimed(scopes):
    await scopes.mark({("workplace", "w1"): ["e1"]})
    assert await scopes.claim(upskilling=False, older_than=3600, limit=10) == []
    assert len(await claim_all(scopes)) == 1


async def test_release_forgets_a_scope_nobody_marked_since(scopes):
    await scopes.mark({("workplace", "w1"): ["e1"]})
    await scopes.release(await claim_all(scopes))
    assert await claim_all(scopes) == []
    assert await scopes.seconds_until_work(0) is None


async def test_a_mark_after_the_claim_keeps_the_scope_dirty_and_it_ripens_afresh(scopes):
    await scopes.mark({("workplace", "w1"): ["e1"]})
    [claim] = await claim_all(scopes)
    assert await scopes.mark({("workplace", "w1"): ["e2"]}) == {("workplace", "w1"): 2}
    await scopes.release([claim])
    assert await scopes.claim(upskilling=False, older_than=3600, limit=10) == []
    [again] = await claim_all(scopes)
    assert (again.version, again.event_ids) == (2, ("e1", "e2")) and again.since > claim.since
    await scopes.release([again])
    assert await claim_all(scopes) == []


async def test_a_claimed_scope_is_neither_work_nor_waiting(scopes):
    await scopes.mark({("workplace", "w1"): ["e1"], (UPSKILLING, "w2"): ["e2"]})
    await claim_all(scopes)
    await claim_all(scopes, upskilling=True)
    assert await scopes.seconds_until_work(0) is None
    waiting = await scopes.waiting(0, 0)
    assert (waiting.allocation_ripe, waiting.upskilling_overdue) == (False, False)


async def test_upskilling_marks_are_due_at_once_and_allocation_scopes_after_the_debounce(scopes):
    assert await scopes.seconds_until_work(60) is None
    await scopes.mark({("workplace", "w1"): ["e1"]})
    assert 55 < await scopes.seconds_until_work(60) <= 60
    await scopes.mark({(UPSKILLING, "w1"): ["e1"]})
    assert await scopes.seconds_until_work(60) <= 0


async def test_waiting_tells_a_ripe_allocation_scope_and_an_overdue_upskilling_mark(scopes):
    await scopes.mark({("workplace", "w1"): ["e1"]})
    assert (await scopes.waiting(3600, 3600)).allocation_ripe is False
    assert (await scopes.waiting(0, 3600)).allocation_ripe is True
    assert (await scopes.waiting(0, 0)).upskilling_overdue is False
    await scopes.mark({(UPSKILLING, "w1"): ["e1"]})
    assert (await scopes.waiting(0, 3600)).upskilling_overdue is False
    assert (await scopes.waiting(0, 0)).upskilling_overdue is True
