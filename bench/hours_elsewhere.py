"""What the marks for hours needed elsewhere cost the re-matcher: a stream of demand changes, each
followed by the rounds it causes.

Real parts: the embedded PostgreSQL and the re-matcher, in this process. The demo organisation is applied
and settled; then, ``--changes`` times, one workplace's largest task demand rises (workplaces in turn,
each change a ``TaskDemandChanged`` later in event time than the last, so the demand really changes).
After each change one round allocates the changed workplace; the workplaces it marked because the hours
it names elsewhere changed are counted, and the rounds that work them out are timed.

    .venv/bin/python -m bench.hours_elsewhere [--scale 0.05] [--changes 30]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import asyncpg


async def _settle(rematcher, conn) -> tuple[int, float]:
    """Rounds until nothing is dirty: how many, and their seconds."""
    rounds, started = 0, time.monotonic()
    while await conn.fetchval("SELECT count(*) FROM dirty_scopes"):
        await rematcher.round()
        rounds += 1
    return rounds, time.monotonic() - started


async def _run(url: str, scale: float, changes: int) -> dict:
    from tillid.competence.demo import generate_events
    from tillid.competence.events import new_envelope, validate
    from tillid.store.db import migrate
    from tillid.store.projection.context import resolve_ids_only
    from tillid.store.projection.projector import Projector
    from tillid.streams.rematcher import Rematcher

    conn = await asyncpg.connect(url)
    pool = await asyncpg.create_pool(url, min_size=1, max_size=4)
    try:
        await migrate(conn)
        projector = Projector(resolve_skill=resolve_ids_only)
        events = [validate(e) for e in generate_events(seed=42, scale=scale)]
        for start in range(0, len(events), 2000):
            await projector.apply(conn, events[start:start + 2000])
        rematcher = Rematcher(pool, debounce_seconds=0)
        await _settle(rematcher, conn)
        targets = [(r["workplace_id"], r["task_id"], r["hours_per_week"], r["organisation_id"]) for r in await conn.fetch(
            """SELECT DISTINCT ON (d.workplace_id) d.workplace_id, d.task_id, d.hours_per_week, w.organisation_id
               FROM task_demand d JOIN workplaces w USING (workplace_id)
               ORDER BY d.workplace_id, d.hours_per_week DESC, d.task_id""")]
        workplaces_per_organisation = {r["organisation_id"]: r["n"] for r in await conn.fetch(
            "SELECT organisation_id, count(*) AS n FROM workplaces GROUP BY organisation_id")}
        marked, settle_seconds, first_round_seconds, rounds = [], [], [], []
        at = datetime(2027, 1, 1, tzinfo=timezone.utc)
        for n in range(changes):
            workplace, task, hours, _ = targets[n % len(targets)]
            at += timedelta(minutes=1)
            event = new_envelope("TaskDemandChanged", {"workplace_id": workplace, "task_id": task,
                                                       "hours_per_week": round(hours + 3.5 * (n // len(targets) + 1), 1)},
                                 source="bench", occurred_at=at.strftime("%Y-%m-%dT%H:%M:%SZ"))
            await projector.apply(conn, [validate(event)])
            started = time.monotonic()
            await rematcher._allocation_round()
            first_round_seconds.append(time.monotonic() - started)
            marked.append(await conn.fetchval(
                "SELECT count(*) FROM dirty_scopes WHERE scope_kind = 'workplace' AND scope_id <> $1", workplace))
            count, seconds = await _settle(rematcher, conn)
            rounds.append(count)
            settle_seconds.append(seconds)
        return {"events": len(events), "workplaces": len(targets), "organisations": workplaces_per_organisation,
                "marked": marked, "first_round": first_round_seconds, "settle": settle_seconds, "rounds": rounds,
                "pending_freeing": await conn.fetchval(
                    """SELECT count(*) FROM proposals WHERE kind = 'leon_allocation' AND status = 'pending'
                       AND (jsonb_array_length(coalesce(effect->'freed'->'tasks', '[]')) > 0
                            OR jsonb_array_length(coalesce(explanation->'freed_hours', '[]')) > 0)""")}
    finally:
        await pool.close()
        await conn.close()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench.hours_elsewhere", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=0.05, help="demo organisation size (default 0.05)")
    parser.add_argument("--changes", type=int, default=30, help="demand changes (default 30)")
    args = parser.parse_args(argv)

    from tillid.runtime.embedded import EmbeddedPostgres

    postgres = EmbeddedPostgres(Path(tempfile.mkdtemp(prefix="tillid-hours-elsewhere-")))
    try:
        result = asyncio.run(_run(postgres.start(), args.scale, args.changes))
    finally:
        postgres.stop()
    marked = result["marked"]
    print(f"demo scale {args.scale}: {result['events']} events, {result['workplaces']} workplaces with demand, "
          f"workplaces per organisation {sorted(result['organisations'].values(), reverse=True)}, "
          f"{result['pending_freeing']} pending LEON proposals that free hours at the end")
    print(f"{len(marked)} demand changes: other workplaces marked per change: mean {statistics.mean(marked):.2f}, "
          f"max {max(marked)}, total {sum(marked)}; changes that marked any: {sum(1 for m in marked if m)}")
    print(f"round allocating the changed workplace: median {statistics.median(result['first_round']):.3f} s; "
          f"rounds after it until settled: median {statistics.median(result['rounds'])}, max {max(result['rounds'])}, "
          f"median {statistics.median(result['settle']):.3f} s, max {max(result['settle']):.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
