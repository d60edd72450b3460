"""Sustained ingest of one worker: broker -> PostgreSQL, against a bare aiokafka consumer.

The demo stream is published to its topics on the embedded broker first.
Then, in the same run:

- the reference: a plain ``AIOKafkaConsumer`` loop reads the same topics from
  the beginning and counts messages (no decoding, no database);
- faust alone: one faust agent per topic taking ``take_events`` batches that
  only count (``bench._faust_count``, a process of its own): what faust's
  per-message streams cost, and why the worker does not use them;
- one ``tillid worker`` process (a new consumer group) consumes them and
  applies them to an embedded PostgreSQL; its progress is polled every 50 ms
  as the sum of the offsets its group has committed (a batch's offsets are
  committed after it is applied), and at the end PostgreSQL must hold every
  event as processed.

Both rates are events over the time from the first message read (first event
applied) to the last; the worker's start-up (group join, migration, skill
mapper index) is not counted, nor is the consumer's. Over the same span the
CPU time of the worker, of PostgreSQL (the server and its backends) and of the
broker is measured (psutil), in microseconds per event: on two cores shared by
all three, their sum bounds the rate, and says where the time goes.

Run: ``.venv/bin/python -m bench.ingest [--scale 0.1] [--throwaway] [--repeat N] [--skip-faust]``
(full size: ``--scale 1``, 143,636 events).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, replace
from pathlib import Path

import asyncpg
import psutil

from tillid.competence.demo import generate_events
from tillid.competence.events import Keyer, encode, validate
from tillid.config import Settings
from tillid.runtime.embedded import EmbeddedBroker, EmbeddedPostgres
from tillid.streams.topics import CONSUMED_TOPICS, ensure_topics


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench.ingest", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.1, help="demo-data scale (1 = 143,636 events)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--partitions", type=int, default=8)
    parser.add_argument("--throwaway", action="store_true",
                        help="PostgreSQL without fsync (default: durable, as the worker runs in production)")
    parser.add_argument("--timeout", type=float, default=600.0, help="give up after this many seconds per phase")
    parser.add_argument("--repeat", type=int, default=1, metavar="N",
                        help="run the bare consumer and the worker N times on the one published stream, "
                             "each worker into a fresh database (the machine's noise shows in the spread)")
    parser.add_argument("--skip-faust", action="store_true", help="leave out the faust-only run (about 40 s)")
    parser.add_argument("--keep-logs", type=Path, metavar="DIR", help="copy the workers' logs into DIR")
    parser.add_argument("--profile", type=Path, metavar="FILE",
                        help="sample the worker with py-spy while it ingests; collapsed stacks to FILE")
    return parser.parse_args(argv)


def publish(settings: Settings, seed: int, scale: float) -> int:
    from kafka import KafkaProducer

    keyer = Keyer()
    producer = KafkaProducer(bootstrap_servers=settings.kafka, acks="all", linger_ms=20, batch_size=512 * 1024)
    count = 0
    for raw in generate_events(seed, scale):
        envelope = validate(raw)
        producer.send(settings.topic(envelope.topic), key=keyer.key(envelope).encode(), value=encode(envelope))
        count += 1
    producer.flush(120)
    producer.close()
    return count


async def bare_consumer(settings: Settings, expected: int, timeout: float) -> float:
    """Seconds from the first message to the ``expected``-th, reading every consumed topic from the start."""
    from aiokafka import AIOKafkaConsumer

    consumer = AIOKafkaConsumer(*[settings.topic(t) for t in CONSUMED_TOPICS], bootstrap_servers=settings.kafka,
                                group_id=None, auto_offset_reset="earliest", enable_auto_commit=False)
    await consumer.start()
    count, first = 0, None
    deadline = time.monotonic() + timeout
    try:
        while count < expected and time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=500, max_records=10_000)
            for records in batches.values():
                if first is None:
                    first = time.perf_counter()
                count += len(records)
        last = time.perf_counter()
    finally:
        await consumer.stop()
    if count < expected:
        raise RuntimeError(f"bare consumer read {count} of {expected} messages")
    return last - first


def faust_only(settings: Settings, expected: int, timeout: float) -> float:
    """Seconds from the first batch to the last for the worker's agents that only count (bench._faust_count)."""
    result = subprocess.run(
        [sys.executable, "-m", "bench._faust_count", settings.kafka, settings.topic_prefix,
         f"{settings.app_id}-faust-only", str(expected), str(settings.partitions), str(settings.data_dir)],
        capture_output=True, text=True, timeout=timeout, cwd=Path(__file__).resolve().parent.parent)
    output = Path(settings.data_dir) / "faust-count.txt"
    lines = output.read_text().split() if output.exists() else []
    if len(lines) != 2 or int(lines[0]) < expected:
        raise RuntimeError(f"faust-only count failed: {result.stdout[-500:]} {result.stderr[-2000:]}")
    return float(lines[1])


@dataclass(frozen=True)
class WorkerRun:
    polled: float  # seconds, by polling the offsets the worker's group committed
    span: float  # seconds, by the span of processed_at
    cpu: dict[str, float]  # CPU seconds per process tree
    outcomes: dict[str, int]  # processed events per outcome


async def worker_ingest(settings: Settings, expected: int, log_path: Path, timeout: float,
                        cpu_roots: dict[str, int], profile: Path | None = None) -> WorkerRun:
    """The worker's run, from the first event applied to the last."""
    env = {**os.environ, **settings.as_env(), "TILLID_LOG_LEVEL": "info"}
    with open(log_path, "ab") as log:
        process = subprocess.Popen([sys.executable, "-m", "tillid", "worker"], env=env, stdout=log,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    meter = CpuMeter({"worker": process.pid, **cpu_roots})
    cpu: dict[str, float] = {}
    first = last = None
    sampler = None
    deadline = time.monotonic() + timeout
    poll = _Poll(settings)
    try:
        while time.monotonic() < deadline:
            count = await poll.applied()
            now = time.perf_counter()
            if count and first is None:
                first = now
                meter.begin()
                if profile is not None:
                    sampler = subprocess.Popen([_py_spy(), "record", "--pid", str(process.pid), "--format", "raw",
                                                "--rate", "200", "--output", str(profile), "--nonblocking"],
                                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if count >= expected:
                last = now
                cpu = meter.used()
                break
            if process.poll() is not None:
                raise RuntimeError(f"the worker stopped with status {process.returncode}; see {log_path}")
            await asyncio.sleep(0.05)
        await poll.close()
        if last is None:
            raise RuntimeError(f"the worker applied {count} of {expected} events in {timeout:.0f} s")
        conn = await asyncpg.connect(settings.database_url)
        try:
            span = await conn.fetchval(
                "SELECT extract(epoch FROM max(processed_at) - min(processed_at)) FROM processed_events")
            outcomes = {row["outcome"]: row["count"] for row in await conn.fetch(
                "SELECT outcome, count(*) FROM processed_events GROUP BY 1")}
        finally:
            await conn.close()
        if sum(outcomes.values()) < expected:
            raise RuntimeError(f"offsets of {count} events committed, but {sum(outcomes.values())} processed")
    finally:
        if sampler is not None:
            sampler.send_signal(2)  # SIGINT: py-spy writes what it sampled and exits
            sampler.wait(30)
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return WorkerRun(last - first, float(span), cpu, outcomes)


class CpuMeter:
    """CPU seconds (user + system) used by process trees, between two readings.

    A tree is its root and the children alive at the reading: PostgreSQL's
    backends live as long as the worker's pool, so they are all counted."""

    def __init__(self, roots: dict[str, int]) -> None:
        self.roots = roots
        self.start: dict[str, float] = {}

    def reading(self) -> dict[str, float]:
        return {name: _tree_cpu(pid) for name, pid in self.roots.items()}

    def begin(self) -> None:
        self.start = self.reading()

    def used(self) -> dict[str, float]:
        end = self.reading()
        return {name: end[name] - self.start.get(name, 0.0) for name in self.roots}


def _tree_cpu(pid: int) -> float:
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def _py_spy() -> str:
    return shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")


class _Poll:
    """The worker's progress, by the offsets its consumer group has committed (it commits a batch's
    offsets only after applying it). Counting processed_events in PostgreSQL instead, 20 times a
    second, took a good part of a core from the server being measured."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.reader = None
        self.partitions: list = []

    async def applied(self) -> int:
        from aiokafka import AIOKafkaConsumer, TopicPartition
        from aiokafka.errors import KafkaError

        try:
            if self.reader is None:
                # Never subscribes, so it does not join the group: it only asks what the group committed.
                self.reader = AIOKafkaConsumer(bootstrap_servers=self.settings.kafka, group_id=self.settings.app_id,
                                               enable_auto_commit=False)
                await self.reader.start()
                self.partitions = [TopicPartition(self.settings.topic(topic), partition)
                                   for topic in CONSUMED_TOPICS for partition in range(self.settings.partitions)]
            # All partitions in one request: ``committed(tp)`` asks once per partition (64 requests a poll).
            committed = await self.reader._coordinator.fetch_committed_offsets(self.partitions)
        except KafkaError:
            return 0
        return sum(meta.offset for meta in committed.values() if meta.offset > 0)

    async def close(self) -> None:
        if self.reader is not None:
            await self.reader.stop()
            self.reader = None


def main(argv: list[str]) -> int:
    args = parse(argv)
    rounds: list[tuple[float, WorkerRun]] = []
    faust_seconds = None
    with tempfile.TemporaryDirectory(prefix="tillid-bench-ingest-") as directory:
        root = Path(directory)
        broker = EmbeddedBroker(root / "broker")
        postgres = EmbeddedPostgres(root, database="tillid", durable=not args.throwaway)
        broker.start()
        postgres.start()
        try:
            settings = Settings(kafka=broker.bootstrap, database_url=postgres.url, data_dir=root,
                                partitions=args.partitions, topic_prefix=f"bench{uuid.uuid4().hex[:6]}.",
                                app_id=f"tillid-bench-{uuid.uuid4().hex[:6]}",
                                event_signing_key=secrets.token_hex(32))
            ensure_topics(settings)
            started = time.perf_counter()
            events = publish(settings, args.seed, args.scale)
            published = time.perf_counter() - started
            if not args.skip_faust:
                faust_seconds = faust_only(settings, events, args.timeout)
            cpu_roots = {"PostgreSQL": postgres.pid, "broker": broker.pid}
            for index in range(args.repeat):
                bare = asyncio.run(bare_consumer(settings, events, args.timeout))
                database = "tillid" if index == 0 else f"tillid_{index}"
                if index:
                    asyncio.run(_create_database(postgres.url, database))
                this = replace(settings, database_url=postgres.url.rsplit("/", 1)[0] + "/" + database,
                               app_id=f"{settings.app_id}-{index}")
                log_path = root / f"worker-{index + 1}.log"
                try:
                    rounds.append((bare, asyncio.run(worker_ingest(this, events, log_path, args.timeout,
                                                                   cpu_roots, args.profile))))
                finally:
                    if args.keep_logs is not None:
                        args.keep_logs.mkdir(parents=True, exist_ok=True)
                        shutil.copy(log_path, args.keep_logs / log_path.name)
        finally:
            postgres.stop()
            broker.stop()
    kind = "durable" if not args.throwaway else "throwaway (fsync off)"
    print(f"demo-data seed {args.seed} scale {args.scale}: {events:,} events on {args.partitions} partitions "
          f"per topic (published in {published:.1f} s); embedded PostgreSQL {kind}")
    for index, (bare, run) in enumerate(rounds):
        print(_report(events, bare, faust_seconds if index == 0 else None, run,
                      f"round {index + 1} of {len(rounds)}" if len(rounds) > 1 else ""))
    if len(rounds) > 1:
        rates = sorted(events / run.polled for _, run in rounds)
        ratios = sorted(bare / run.polled for bare, run in rounds)
        print(f"worker over {len(rounds)} rounds: {rates[0]:,.0f} to {rates[-1]:,.0f} events/s "
              f"(median {rates[len(rates) // 2]:,.0f}), {ratios[0]:.2f}x to {ratios[-1]:.2f}x the bare consumer")
    return 0


def _report(events: int, bare: float, faust_seconds: float | None, run: WorkerRun, title: str) -> str:
    lines = [title] if title else []
    lines.append(f"{'what':<54} {'seconds':>8} {'events/s':>10} {'vs bare':>8}")
    polled, span, cpu = run.polled, run.span, run.cpu
    reference = events / bare
    rows = [("bare AIOKafkaConsumer, count only (reference)", bare)]
    if faust_seconds is not None:
        rows.append(("faust agents, count only", faust_seconds))
    rows += [("tillid worker, broker -> PostgreSQL (offsets committed)", polled),
             ("tillid worker, by processed_at span", span)]
    for what, seconds in rows:
        rate = events / seconds
        lines.append(f"{what:<54} {seconds:>8.2f} {rate:>10,.0f} {rate / reference:>7.2f}x")
    lines.append("outcomes (a released event was parked first, waiting for its referent): "
                 + ", ".join(f"{name} {count:,}" for name, count in sorted(run.outcomes.items())))
    lines.append(f"CPU while the worker ingested ({polled:.2f} s on {os.cpu_count()} cores), per event:")
    for name, seconds in (*cpu.items(), ("all three", sum(cpu.values()))):
        lines.append(f"  {name:<12} {seconds:>7.2f} s  {seconds / events * 1e6:>6.1f} us/event  "
                     f"{seconds / polled * 100:>5.0f} % of one core")
    return "\n".join(lines)


async def _create_database(url: str, name: str) -> None:
    conn = await asyncpg.connect(url.rsplit("/", 1)[0] + "/postgres")
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
