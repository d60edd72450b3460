"""/api/stats' query against a store holding a demo-sized stream: the tallies, and counting the events.

The Projector applies the demo stream (``tillid demo-data``) at ``--scale`` to a fresh database on an
embedded PostgreSQL; then ``processed_events`` is filled up with applied rows (and the tallies with
their counts) until it holds ``--events`` rows, as many as the demo stream at scale 1 gives by
default. The one table the former query counted row by row is then as large as at scale 1, without
projecting the whole stream. Timed: ``tillid.review.queries.stats`` (what /api/stats runs now) and the
query it ran before (``BEFORE``, counting ``processed_events`` on request), each ``--repeat`` times
on a warm server; the median and the slowest are printed.

Run: ``.venv/bin/python -m bench.stats [--scale 0.05] [--events 143636] [--repeat 30]``
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import asyncpg

from tillid.competence.demo import generate_events
from tillid.competence.events import validate
from tillid.review import queries
from tillid.runtime.embedded import EmbeddedPostgres
from tillid.store.projection.context import resolve_with_taxonomy
from tillid.store.projection.projector import Projector
from bench.projection import fresh_database

# /api/stats' query before the tallies (commit 8eeff13): linear in the number of events.
BEFORE = """SELECT e.taken, e.applied, e.dropped,
                  (SELECT count(*) FROM parked_events) AS parked,
                  (SELECT count(*) FROM employees) AS employees
           FROM (SELECT count(*) AS taken,
                        count(*) FILTER (WHERE outcome IN ('applied', 'released')) AS applied,
                        count(*) FILTER (WHERE outcome = 'discarded') AS dropped
                 FROM processed_events) AS e"""
BEFORE_PROPOSALS = "SELECT status, count(*) AS n FROM proposals GROUP BY status ORDER BY status"


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench.stats", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.05, help="demo-data scale projected (1 = 143,636 events)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--events", type=int, default=143_636,
                        help="rows processed_events holds when timed (the demo stream at scale 1 by default)")
    parser.add_argument("--repeat", type=int, default=30)
    return parser.parse_args(argv)


async def load(url: str, scale: float, seed: int, events: int) -> int:
    """Project the demo stream, then fill processed_events up to ``events`` rows; the rows it holds."""
    envelopes = [validate(e) for e in generate_events(scale=scale, seed=seed)]
    conn = await asyncpg.connect(url)
    try:
        projector = Projector(resolve_skill=resolve_with_taxonomy)
        for start in range(0, len(envelopes), 2000):
            await projector.apply(conn, envelopes[start:start + 2000])
        held = await conn.fetchval("SELECT count(*) FROM processed_events")
        missing = max(0, events - held)
        async with conn.transaction():
            await conn.execute(
                """INSERT INTO processed_events (event_id, type, outcome)
                   SELECT 'bench-' || n, 'CompetenceAssessed', 'applied' FROM generate_series(1, $1) AS n""", missing)
            await conn.execute("UPDATE event_tallies SET events = events + $1 "
                               "WHERE topic = 'hr.competences' AND outcome = 'applied'", missing)
        await conn.execute("VACUUM ANALYZE")
        return await conn.fetchval("SELECT count(*) FROM processed_events")
    finally:
        await conn.close()


async def timed(conn, query, repeat: int) -> list[float]:
    for _ in range(3):
        await query(conn)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        await query(conn)
        times.append(time.perf_counter() - started)
    return times


async def before(conn) -> None:
    await conn.fetchrow(BEFORE)
    await conn.fetch(BEFORE_PROPOSALS)


async def run(args: argparse.Namespace, server: EmbeddedPostgres) -> None:
    url = await fresh_database(server.url, "bench_stats")
    held = await load(url, args.scale, args.seed, args.events)
    conn = await asyncpg.connect(url)
    try:
        print(f"processed_events: {held:,} rows; employees: {await conn.fetchval('SELECT count(*) FROM employees'):,}")
        for name, query in (("before (counting processed_events)", before), ("now (event_tallies)", queries.stats)):
            times = await timed(conn, query, args.repeat)
            print(f"{name}: median {statistics.median(times) * 1000:.2f} ms, slowest {max(times) * 1000:.2f} ms "
                  f"({args.repeat} calls)")
    finally:
        await conn.close()


def main(argv: list[str] | None = None) -> None:
    args = parse(sys.argv[1:] if argv is None else argv)
    with tempfile.TemporaryDirectory(prefix="tillid-bench-stats-") as directory:
        server = EmbeddedPostgres(Path(directory), database="postgres", durable=False)
        server.start()
        try:
            asyncio.run(run(args, server))
        finally:
            server.stop()


if __name__ == "__main__":
    main()
