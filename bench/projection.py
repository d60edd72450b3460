"""Events projected into PostgreSQL per second, one process, no Kafka.

The Projector applies the demo stream (``tillid demo-data``) to a fresh,
migrated database on an embedded PostgreSQL, in batches of each size given
(one transaction per batch, as the worker does), and one event per
transaction: the reference, i.e. what a consumer that commits every event
would get. Events are validated before the clock starts; the skill mapper's
index is built before too, and the server is warmed on a scratch database.
Each run starts from an empty database.

Run: ``.venv/bin/python -m bench.projection [--scale 0.1] [--batches 500,2000] [--durable]``
(full size: ``--scale 1``).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

import asyncpg

from tillid.competence.demo import generate_events
from tillid.competence.events import validate
from tillid.runtime.embedded import EmbeddedPostgres
from tillid.store.db import migrate
from tillid.store.projection.context import resolve_with_taxonomy
from tillid.store.projection.projector import Projector


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench.projection", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.1, help="demo-data scale (1 = 143,636 events)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--batches", default="500,2000", help="batch sizes, comma-separated")
    parser.add_argument("--one-by-one-events", type=int, default=20_000,
                        help="events applied one per transaction (a prefix of the stream, bounds the time)")
    parser.add_argument("--durable", action="store_true",
                        help="PostgreSQL with fsync and synchronous commit (default: a throwaway server without)")
    return parser.parse_args(argv)


async def fresh_database(admin_url: str, name: str) -> str:
    admin = await asyncpg.connect(admin_url)
    try:
        await admin.execute(f"DROP DATABASE IF EXISTS {name}")
        await admin.execute(f"CREATE DATABASE {name}")
    finally:
        await admin.close()
    url = admin_url.rsplit("/", 1)[0] + f"/{name}"
    conn = await asyncpg.connect(url)
    try:
        await migrate(conn)
    finally:
        await conn.close()
    return url


async def timed_apply(url: str, envelopes: list, batch_size: int) -> float:
    """Seconds to apply ``envelopes`` in transactions of ``batch_size`` events."""
    projector = Projector(resolve_skill=resolve_with_taxonomy)
    conn = await asyncpg.connect(url)
    try:
        started = time.perf_counter()
        for start in range(0, len(envelopes), batch_size):
            await projector.apply(conn, envelopes[start:start + batch_size])
        elapsed = time.perf_counter() - started
        applied = await conn.fetchval("SELECT count(*) FROM processed_events")
        parked = await conn.fetchval("SELECT count(*) FROM parked_events")
    finally:
        await conn.close()
    if applied != len({e.event_id for e in envelopes}) or parked:
        raise RuntimeError(f"projection incomplete: {applied} processed, {parked} parked")
    return elapsed


async def run(args: argparse.Namespace, server: EmbeddedPostgres) -> list[tuple[str, int, float]]:
    envelopes = [validate(raw) for raw in generate_events(args.seed, args.scale)]
    resolve_with_taxonomy("sårpleje")  # build the mapper's index before any clock starts
    # Warm the server (catalogue caches, first connections) on a scratch database, untimed.
    await timed_apply(await fresh_database(server.url, "bench_warm_up"), envelopes[:5000], 500)
    rows = []
    for size in [int(s) for s in args.batches.split(",") if s.strip()]:
        url = await fresh_database(server.url, f"bench_batch_{size}")
        rows.append((f"batches of {size:,}", len(envelopes), await timed_apply(url, envelopes, size)))
    prefix = envelopes[:args.one_by_one_events]
    url = await fresh_database(server.url, "bench_one_by_one")
    rows.append(("one event per transaction (reference)", len(prefix), await timed_apply(url, prefix, 1)))
    return rows


def main(argv: list[str]) -> int:
    args = parse(argv)
    with tempfile.TemporaryDirectory(prefix="tillid-bench-projection-") as directory:
        server = EmbeddedPostgres(Path(directory), database="postgres", durable=args.durable)
        server.start()
        try:
            rows = asyncio.run(run(args, server))
        finally:
            server.stop()
    reference = rows[-1][1] / rows[-1][2]
    kind = "durable (fsync, synchronous_commit on)" if args.durable else "throwaway (fsync off, synchronous_commit off)"
    print(f"demo-data seed {args.seed} scale {args.scale}; embedded PostgreSQL, {kind}")
    print(f"{'mode':<40} {'events':>9} {'seconds':>9} {'events/s':>10} {'vs reference':>13}")
    for mode, count, seconds in rows:
        rate = count / seconds
        print(f"{mode:<40} {count:>9,} {seconds:>9.2f} {rate:>10,.0f} {rate / reference:>12.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
