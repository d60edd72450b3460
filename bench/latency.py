"""Latency from an event to the updated proposal on the `proposals` topic, while ingesting.

Real parts: embedded PostgreSQL (durable, as `tillid up` runs it) and the
embedded broker, one `tillid worker` process. The demo organisation is loaded
and settled first. Then a background producer streams CompetenceAssessed
events for other workplaces at --rate events/s while, once a second, a probe
TaskDemandChanged changes the demand of one task at one probe workplace. The
latency of a probe is the time from sending it to receiving the
ProposalIssued whose explanation names the probe's event id. Each answered
probe is also split into stages from the store's timestamps (applied, proposal
written to the outbox, relayed, received).

    .venv/bin/python -m bench.latency [--scale 0.1] [--rate 2000] [--probes 20] [--log-level info]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import replace
from pathlib import Path

import asyncpg


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


async def _wait_settled(url: str, expected: int, timeout: float) -> float:
    deadline = time.monotonic() + timeout
    conn = await asyncpg.connect(url)
    try:
        while time.monotonic() < deadline:
            try:
                done = await conn.fetchval("SELECT count(*) FROM processed_events")
                dirty = await conn.fetchval("SELECT count(*) FROM dirty_scopes")
                unsent = await conn.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL")
            except asyncpg.UndefinedTableError:
                done, dirty, unsent = 0, 1, 1
            if done >= expected and dirty == 0 and unsent == 0:
                return time.monotonic()
            await asyncio.sleep(0.5)
    finally:
        await conn.close()
    raise SystemExit(f"the demo data did not settle within {timeout:.0f} s")


async def _probe_target(url: str) -> tuple:
    conn = await asyncpg.connect(url)
    try:
        row = await conn.fetchrow(
            """SELECT d.workplace_id, d.task_id, d.hours_per_week, w.organisation_id FROM task_demand d
               JOIN workplaces w USING (workplace_id) WHERE w.sector = 'municipality'
               ORDER BY d.hours_per_week DESC, d.workplace_id LIMIT 1""")
        # Background assessments re-assess skills people have, so they change what the solvers see.
        employees = [(r["employee_id"], r["skill_id"]) for r in await conn.fetch(
            """SELECT c.employee_id, c.skill_id FROM competences c JOIN employees e USING (employee_id)
               WHERE e.workplace_id <> $1 ORDER BY c.employee_id, c.skill_id LIMIT 5000""",
            row["workplace_id"])]
    finally:
        await conn.close()
    return row["workplace_id"], row["task_id"], row["hours_per_week"], row["organisation_id"], employees


STAGES = ("ingested", "proposal written", "published", "received")


async def _stages(url: str, sent_at: dict[str, float], received_at: dict[str, float]) -> dict[str, list[float]]:
    """Per answered probe, the seconds each stage took, from the store's timestamps: sent -> applied
    (``processed_events.processed_at``, its transaction's start) -> the first ProposalIssued naming it
    written to the outbox (``created_at``) -> relayed (``published_at``, the relay transaction's start)
    -> received by the bench."""
    stages: dict[str, list[float]] = {name: [] for name in STAGES}
    conn = await asyncpg.connect(url)
    try:
        for probe, received in received_at.items():
            applied = await conn.fetchval("SELECT processed_at FROM processed_events WHERE event_id = $1", probe)
            row = await conn.fetchrow(
                """SELECT created_at, published_at FROM outbox
                   WHERE value -> 'payload' -> 'explanation' -> 'source_events' ? $1 ORDER BY id LIMIT 1""", probe)
            if applied is None or row is None or row["published_at"] is None:
                continue
            times = [sent_at[probe], applied.timestamp(), row["created_at"].timestamp(),
                     row["published_at"].timestamp(), received]
            for name, (start, end) in zip(STAGES, zip(times, times[1:])):
                stages[name].append(end - start)
    finally:
        await conn.close()
    return stages


async def _run(args, settings) -> dict:
    from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

    from tillid.competence.events import new_envelope

    workplace, task, hours, organisation, employees = await _probe_target(settings.database_url)
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka, linger_ms=5)
    consumer = AIOKafkaConsumer(settings.topic("proposals"), bootstrap_servers=settings.kafka,
                                auto_offset_reset="latest", group_id=f"latency-{uuid.uuid4().hex[:6]}")
    await producer.start()
    await consumer.start()
    while not consumer.assignment():  # join the group before probes go out, or early answers are missed
        await asyncio.sleep(0.2)
        await consumer.getmany(timeout_ms=100)
    for partition in consumer.assignment():
        await consumer.position(partition)
    sent: dict[str, float] = {}
    sent_at: dict[str, float] = {}  # wall clock, to compare with the store's timestamps
    latencies: list[float] = []
    stop = asyncio.Event()
    background = {"sent": 0}

    async def load() -> None:
        interval = 0.05
        per_tick = max(1, int(args.rate * interval))
        i = 0
        while not stop.is_set():
            started = time.monotonic()
            for _ in range(per_tick):
                employee, skill = employees[(i * 7919) % len(employees)]
                event = new_envelope("CompetenceAssessed", {
                    "employee_id": employee, "skill": skill, "level": 1 + i % 5,
                    "assessed_on": "2026-11-20", "evidence": "self"}, source="bench",
                    occurred_at="2026-11-23T10:00:00Z")
                await producer.send(settings.topic("hr.competences"), json.dumps(event).encode(),
                                    key=organisation.encode())
                i += 1
            background["sent"] += per_tick
            await asyncio.sleep(max(0.0, interval - (time.monotonic() - started)))

    async def receive() -> None:
        async for message in consumer:
            event = json.loads(message.value)
            if event.get("type") != "ProposalIssued":
                continue
            named = set(event["payload"]["explanation"].get("source_events", []))
            for probe_id in named & set(sent):
                if probe_id not in received:
                    received[probe_id] = time.monotonic()
                    received_at[probe_id] = time.time()
                    latencies.append(received[probe_id] - sent[probe_id])

    received: dict[str, float] = {}
    received_at: dict[str, float] = {}
    loader = asyncio.create_task(load())
    receiver = asyncio.create_task(receive())
    load_started = time.monotonic()
    for n in range(args.probes):
        event = new_envelope("TaskDemandChanged", {"workplace_id": workplace, "task_id": task,
                                                   "hours_per_week": round(hours + 7.5 * (n + 1), 1)},
                             source="bench", occurred_at="2026-11-23T10:00:00Z")
        sent[event["event_id"]] = time.monotonic()
        sent_at[event["event_id"]] = time.time()
        await producer.send_and_wait(settings.topic("ops.tasks"), json.dumps(event).encode(),
                                     key=organisation.encode())
        await asyncio.sleep(1.0)
    deadline = time.monotonic() + 30
    while len(received) < len(sent) and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    stop.set()
    load_seconds = time.monotonic() - load_started
    await loader
    receiver.cancel()
    await consumer.stop()
    await producer.stop()
    order = list(sent)
    stages = await _stages(settings.database_url, sent_at, received_at)
    return {"latencies": latencies, "stages": stages, "probes": len(sent), "answered": len(received),
            "unanswered": [order.index(p) + 1 for p in order if p not in received],
            "background_rate": background["sent"] / load_seconds, "workplace": workplace, "task": task}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench.latency", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=0.1, help="demo organisation size (default 0.1)")
    parser.add_argument("--rate", type=float, default=2000, help="background events per second (default 2000)")
    parser.add_argument("--probes", type=int, default=20, help="probe events, one a second (default 20)")
    parser.add_argument("--debounce", type=float, default=None,
                        help="TILLID_REMATCH_DEBOUNCE_SECONDS of the worker (default: the configured default)")
    parser.add_argument("--log-level", default=None,
                        help="TILLID_LOG_LEVEL of the worker, whose log is kept in the run's directory (default: "
                             "the configured default)")
    args = parser.parse_args(argv)

    from tillid.competence.demo import generate_events
    from tillid.competence.events import validate
    from tillid.config import Settings
    from tillid.runtime.embedded import EmbeddedBroker, EmbeddedPostgres
    from tillid.streams.producer import publish
    from tillid.streams.topics import ensure_topics

    work = Path(tempfile.mkdtemp(prefix="tillid-latency-"))
    postgres, broker = EmbeddedPostgres(work), EmbeddedBroker(work)
    settings = Settings(kafka=broker.start(), database_url=postgres.start(), data_dir=work, partitions=8,
                        app_id="tillid-latency", event_signing_key=secrets.token_hex(32))
    if args.debounce is not None:
        settings = replace(settings, rematch_debounce_seconds=args.debounce)
    if args.log_level is not None:
        settings = replace(settings, log_level=args.log_level)
    print(f"re-matcher debounce: {settings.rematch_debounce_seconds} s; worker log: {work / 'worker.log'}")
    ensure_topics(settings)
    worker = subprocess.Popen([sys.executable, "-m", "tillid", "worker"], env={**os.environ, **settings.as_env()},
                              stdout=open(work / "worker.log", "wb"), stderr=subprocess.STDOUT)
    try:
        events = [validate(e) for e in generate_events(seed=42, scale=args.scale)]
        started = time.monotonic()
        publish(settings, events)
        settled = asyncio.run(_wait_settled(settings.database_url, len(events), 600))
        print(f"demo scale {args.scale}: {len(events)} events applied and proposals settled in "
              f"{settled - started:.1f} s")
        result = asyncio.run(_run(args, settings))
    finally:
        worker.terminate()
        worker.wait(30)
        broker.stop()
        postgres.stop()
    latencies = result["latencies"]
    if not latencies:
        print("no probe reached a proposal; see", work / "worker.log")
        return 1
    print(f"background load: {result['background_rate']:.0f} events/s; probes answered: "
          f"{result['answered']}/{result['probes']}"
          + (f" (not named by any proposal: probes {result['unanswered']})" if result["unanswered"] else ""))
    print("| measure | seconds |\n|---|---|")
    print(f"| median | {statistics.median(latencies):.3f} |")
    print(f"| 95th percentile | {_percentile(latencies, 0.95):.3f} |")
    print(f"| max | {max(latencies):.3f} |")
    stages = result["stages"]
    if stages["received"]:
        print("\n| stage (from the store's timestamps) | median (s) | 95th percentile (s) |\n|---|---|---|")
        for name in STAGES:
            print(f"| {name} | {statistics.median(stages[name]):.3f} | {_percentile(stages[name], 0.95):.3f} |")
    return 0 if result["answered"] == result["probes"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
