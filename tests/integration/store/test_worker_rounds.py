"""Workers' round durations in the store: one row per worker, rewritten, and stopped workers forgotten."""

from __future__ import annotations

import pytest

from tillid.store import worker_rounds
from tillid.store.worker_rounds import RoundTimes

pytestmark = pytest.mark.services


async def test_a_worker_rewrites_its_row_and_stopped_workers_are_forgotten(db):
    times, other = RoundTimes(), RoundTimes()
    times.observe(0.3)
    other.observe(2.0)
    await worker_rounds.write(db, "host-1", times)
    await worker_rounds.write(db, "host-2", other)
    await db.execute("UPDATE worker_rounds SET updated_at = now() - interval '2 days' WHERE worker = 'host-2'")
    times.observe(40.0)
    await worker_rounds.write(db, "host-1", times)

    [row] = await worker_rounds.read(db)
    assert row.worker == "host-1" and row.sum_seconds == pytest.approx(40.3)
    assert dict(zip(row.bounds, row.cumulative))[0.5] == 1 and row.cumulative[-1] == 2


async def test_nothing_is_written_without_a_new_round(db):
    times = RoundTimes()
    await worker_rounds.write(db, "host-1", times)
    assert await worker_rounds.read(db) == []


async def test_the_worker_writes_its_rematchers_rounds_under_its_id(database_url, db):
    from types import SimpleNamespace

    import asyncpg

    from tillid.streams.app import _write_round_times
    from tillid.streams.rematcher import Rematcher

    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=2)
    try:
        rematcher = Rematcher(pool)
        rematcher.round_times.observe(0.7)
        services = SimpleNamespace(pool=pool, worker_id="host-9-123", rematcher=rematcher)
        await _write_round_times(services)
    finally:
        await pool.close()
    [row] = await worker_rounds.read(db)
    assert row.worker == "host-9-123" and row.cumulative[-1] == 1
