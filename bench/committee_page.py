"""The committee's pages on demo data: the queue's size and server time, a proposal page, the agenda, the CSV.

The Projector applies the demo stream (``tillid demo-data``) at ``--scale`` to a fresh database on an
embedded PostgreSQL and the re-matcher proposes from it until no scope is left to match, as the
system does. The committee with the most pending proposals (then the most people in them) is the one
measured: the review service runs in process (no broker: the pages do not need it), a committee token
signs in through the login form, and each page is asked ``--repeat`` times (the agenda and the CSV
fewer) after a warm-up. Server time is the time from the request to the last byte of the answer in
process, without a network. Printed: HTML size, median and 95th percentile per page.

Run: ``.venv/bin/python -m bench.committee_page [--scale 0.05] [--repeat 30]``
"""

from __future__ import annotations

import argparse
import asyncio
import re
import secrets
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx

from tillid.competence.demo import generate_events
from tillid.competence.events import validate
from tillid.config import Settings
from tillid.review.app import create_app
from tillid.review.auth import issue_token, parse_role
from tillid.runtime.embedded import EmbeddedPostgres
from tillid.store.projection.context import resolve_with_taxonomy
from tillid.store.projection.projector import Projector
from tillid.streams.rematcher import Rematcher
from bench.projection import fresh_database

BATCH = 2000
UNREACHABLE_BROKER = "127.0.0.1:9"  # the pages read PostgreSQL only; the publisher retries in the background


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench.committee_page", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.05, help="demo-data scale (1 = the full demo)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeat", type=int, default=30, help="requests per page (agenda and CSV: a third)")
    return parser.parse_args(argv)


async def load(url: str, scale: float, seed: int) -> None:
    """Project the demo stream, then let the re-matcher propose until no scope is dirty."""
    envelopes = [validate(e) for e in generate_events(scale=scale, seed=seed)]
    conn = await asyncpg.connect(url)
    pool = await asyncpg.create_pool(url, min_size=1, max_size=2)
    try:
        projector = Projector(resolve_skill=resolve_with_taxonomy)
        for start in range(0, len(envelopes), BATCH):
            await projector.apply(conn, envelopes[start:start + BATCH])
        rematcher = Rematcher(pool, debounce_seconds=0)
        while await conn.fetchval("SELECT count(*) FROM dirty_scopes"):
            await rematcher.run_once()
        await conn.execute("VACUUM ANALYZE")
    finally:
        await pool.close()
        await conn.close()


async def largest_committee(url: str) -> tuple[str, int, int, str]:
    """(committee, pending proposals, people named in them, its proposal naming the most people)."""
    conn = await asyncpg.connect(url)
    try:
        row = await conn.fetchrow(
            """SELECT committee_id, count(*) AS pending, sum(cardinality(employee_ids)) AS people FROM proposals
               WHERE status = 'pending' GROUP BY committee_id ORDER BY pending DESC, people DESC LIMIT 1""")
        biggest = await conn.fetchval(
            """SELECT proposal_id FROM proposals WHERE committee_id = $1 AND status = 'pending'
               ORDER BY cardinality(employee_ids) DESC, proposal_id LIMIT 1""", row["committee_id"])
        return row["committee_id"], row["pending"], row["people"], biggest
    finally:
        await conn.close()


@dataclass(frozen=True)
class Measured:
    page: str
    size: int
    times: list[float]

    def line(self) -> str:
        ordered = sorted(self.times)
        p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        return (f"| {self.page} | {self.size / 1024:,.1f} KB | {statistics.median(self.times) * 1000:,.1f} ms "
                f"| {p95 * 1000:,.1f} ms | {len(self.times)} |")


async def measure(client: httpx.AsyncClient, page: str, path: str, repeat: int) -> Measured:
    for _ in range(2):
        answer = await client.get(path)
        if answer.status_code != 200:
            raise SystemExit(f"{path}: {answer.status_code} {answer.text[:300]}")
    times, size = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        answer = await client.get(path)
        times.append(time.perf_counter() - started)
        size = len(answer.content)
    return Measured(page, size, times)


async def sign_in(client: httpx.AsyncClient, token: str) -> None:
    login = await client.get("/login")
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', login.text).group(1)
    answer = await client.post("/login", data={"token": token, "csrf": csrf})
    if answer.status_code != 303:
        raise SystemExit(f"sign-in refused: {answer.status_code}")


async def run(args: argparse.Namespace, server: EmbeddedPostgres, work: Path) -> None:
    url = await fresh_database(server.url, "bench_committee_page")
    started = time.perf_counter()
    await load(url, args.scale, args.seed)
    committee, pending, people, biggest = await largest_committee(url)
    print(f"scale {args.scale}: loaded and proposed in {time.perf_counter() - started:,.0f} s; largest committee "
          f"{committee}: {pending} pending proposals naming {people} people (with repeats)")
    settings = Settings(kafka=UNREACHABLE_BROKER, database_url=url, data_dir=work, admin_token=secrets.token_hex(16),
                        event_signing_key=secrets.token_hex(32))
    conn = await asyncpg.connect(url)
    try:
        token = await issue_token(conn, parse_role(f"committee:{committee}"))
    finally:
        await conn.close()
    app = create_app(settings)
    few = max(3, args.repeat // 3)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://review") as client:
            await sign_in(client, token)
            base = f"/committee/{committee}"
            results = [await measure(client, "queue (first page, newest first)", base, args.repeat),
                       await measure(client, "queue sorted by effect", f"{base}?sort=effect", args.repeat),
                       await measure(client, "queue, one kind", f"{base}?kind=upskilling_path", args.repeat),
                       await measure(client, "proposal page (most people)", f"{base}/proposals/{biggest}",
                                     args.repeat),
                       await measure(client, "agenda (every pending proposal)", f"{base}/agenda", few),
                       await measure(client, "queue.csv", f"{base}/queue.csv", few)]
    print("| page | size | median | p95 | requests |")
    print("|---|---:|---:|---:|---:|")
    for result in results:
        print(result.line())


def main(argv: list[str] | None = None) -> None:
    args = parse(sys.argv[1:] if argv is None else argv)
    with tempfile.TemporaryDirectory(prefix="tillid-bench-committee-") as directory:
        server = EmbeddedPostgres(Path(directory) / "pg", database="postgres", durable=False)
        server.start()
        try:
            asyncio.run(run(args, server, Path(directory)))
        finally:
            server.stop()


if __name__ == "__main__":
    main()
