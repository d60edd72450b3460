"""A soak under faults: `tillid up` under a steady load while its parts are killed (docs/benchmarks.md).

`tillid up --no-demo` runs on a fresh data directory (embedded PostgreSQL, durable as `tillid up` runs
it, and the embedded broker). The bench publishes the demo stream at --scale straight to Kafka (the
erasures and departures once the rest is applied, as tests/e2e/test_reliability.py does) and waits until
it is applied. Then, for --minutes, it sends --rate new valid events a second, half in batches through
POST /api/events and half straight to Kafka: CompetenceAssessed re-assessing skills people hold (each
(employee, skill) gets a later date every time, so the order they are applied in does not matter) and,
one in ten, TaskDemandChanged (each with its own occurred_at). Meanwhile the faults:

- the worker is killed with SIGKILL every --kill-every seconds (`tillid up` starts it again);
- the embedded broker is killed with SIGKILL once (`tillid up` starts it again, empty: it is memory-only).
  `tillid up` sends again what the API accepted and the store has not applied; the events this bench
  sent straight to Kafka, acknowledged by the lost broker and not applied, are sent again by the bench,
  as any producer to a memory-only broker must (reported as "sent again");
- PostgreSQL is stopped as a crash would stop it (`pg_ctl stop -m immediate`) once, held down
  --pg-down seconds and started again by the bench (nothing in `tillid up` restarts it).

At the end the bench waits until every accepted event is applied and the re-matcher has settled, then
checks: every accepted event (202 from the API, or acknowledged by Kafka) is applied exactly once (the
count, and the set of ids against processed_events and the rows each event makes); GET /api/stats
accounts for every event once; no 5xx but 503 while PostgreSQL was down (and --pg-grace seconds after);
the worker's RSS shows no upward trend (the median of the last third of the samples at most 1.25 times
that of the first or the middle third, whichever is larger, plus 32 MiB; each incarnation is reported); and the pending proposals equal those a fresh system computes
from the same events (the Projector applies them to a new database, the re-matcher settles it).
Exits 1 when a check fails.

    tillid bench soak --minutes 30 --rate 2000 [--scale 0.1] [--kill-every 300] [--keep-logs DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import asyncpg

LATE_TYPES = frozenset({"EmployeeErased", "EmployeeLeft"})
ID_PREFIX = "soak-"
API_BATCH_MAX = 1000
# Re-assessed (employee, skill) pairs: each is dated one day later every time it comes round again.
PAIRS_MAX = 20000
MIB = 1024 * 1024


def event_id(n: int) -> str:
    return f"{ID_PREFIX}{n:09d}"


def number_of(event_id_: str) -> int:
    return int(event_id_[len(ID_PREFIX):])


@dataclass(frozen=True)
class Targets:
    """What the load events name, read from the store once the demo stream is applied."""
    pairs: list[tuple[str, str, str]]  # (employee, skill, organisation) of people who have not left
    demands: list[tuple[str, str, float, str]]  # (workplace, task, hours per week, organisation)
    first_day: date  # after every assessment date of the demo
    first_time: datetime  # after every occurred_at of the demo


def load_event(n: int, targets: Targets) -> tuple[dict, str]:
    """Load event number ``n`` and its Kafka key (the organisation): the same ``n`` always gives the same
    event. Odd numbers go straight to Kafka, even ones through the API."""
    from tillid.competence.events import new_envelope

    occurred = targets.first_time + timedelta(milliseconds=n)
    if (n // 2) % 10 == 9:
        workplace, task, hours, organisation = targets.demands[(n // 20) % len(targets.demands)]
        factor = 0.5 + (n * 7919 % 100) / 100
        payload = {"workplace_id": workplace, "task_id": task, "hours_per_week": round(max(1.0, hours * factor), 1)}
        return new_envelope("TaskDemandChanged", payload, source="soak", occurred_at=_iso(occurred),
                            event_id=event_id(n)), organisation
    employee, skill, organisation = targets.pairs[n % len(targets.pairs)]
    payload = {"employee_id": employee, "skill": skill, "level": 1 + (n * 31 % 5),
               "assessed_on": (targets.first_day + timedelta(days=n // len(targets.pairs))).isoformat(),
               "evidence": ("self", "manager", "observed")[n % 3]}
    return new_envelope("CompetenceAssessed", payload, source="soak", occurred_at=_iso(occurred),
                        event_id=event_id(n)), organisation


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


# ---------------------------------------------------------------- `tillid up` as a child of the bench


# The soaked worker refreshes the effect estimates this often (TILLID_EFFECT_REFRESH_SECONDS), and the load
# counts as settled once nothing was dirty for two refreshes and a bit: the proposals then rest on estimates
# read after the last event, as a fresh system's do.
EFFECT_REFRESH_SECONDS = 5.0
QUIET_SECONDS = 2 * EFFECT_REFRESH_SECONDS + 2.0
# An accepted event the broker lost is sent again after this at the latest (TILLID_REDELIVER_SECONDS, doubling
# with each send), also when the worker is never seen caught up: the default (300 s) is longer than a short soak.
REDELIVER_SECONDS = 20.0


class UpProcess:
    """`tillid up --no-demo` on a fresh data directory; its banner gives the broker and the database."""

    def __init__(self, data_dir: Path, admin_token: str) -> None:
        from tillid.runtime.embedded import free_port

        self.data_dir = data_dir
        self.admin_token = admin_token
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = data_dir / "up.log"
        self.process: subprocess.Popen | None = None
        self.kafka = self.database_url = ""

    def start(self, timeout: float = 120) -> "UpProcess":
        from tillid.runtime.embedded import die_with_parent

        self.data_dir.mkdir(parents=True, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith("TILLID_")}
        env.update(TILLID_ADMIN_TOKEN=self.admin_token, TILLID_LOG_LEVEL="info",
                   TILLID_EFFECT_REFRESH_SECONDS=str(EFFECT_REFRESH_SECONDS),
                   TILLID_REDELIVER_SECONDS=str(REDELIVER_SECONDS))
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tillid", "up", "--no-demo", "--data-dir", str(self.data_dir),
                 "--api-port", str(self.port)], env=env, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, preexec_fn=die_with_parent)
        deadline = time.monotonic() + timeout
        while "Press Ctrl-C to stop." not in self.log():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"`tillid up` did not start:\n{self.log()[-3000:]}")
            time.sleep(0.2)
        self.kafka = re.search(r"Kafka:\s+(\S+)", self.log()).group(1)
        self.database_url = re.search(r"PostgreSQL:\s+(\S+)", self.log()).group(1)
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def child(self, *command_end: str):
        """The child process whose command line ends with ``command_end`` (None while there is none)."""
        import psutil

        for child in psutil.Process(self.process.pid).children():
            try:
                if tuple(child.cmdline()[-len(command_end):]) == command_end:
                    return child
            except psutil.Error:
                continue
        return None

    def worker(self):
        return self.child("tillid", "worker")

    def broker(self):
        import psutil

        for child in psutil.Process(self.process.pid).children():
            try:
                if "--listener-url" in child.cmdline():
                    return child
            except psutil.Error:
                continue
        return None

    def postgres_port(self) -> int:
        return int(re.search(r":(\d+)/", self.database_url).group(1))

    def stop(self, timeout: float = 180) -> int | None:
        """An orderly stop (SIGTERM: drain, then stop); a second SIGTERM, then SIGKILL, if it hangs."""
        if self.process is None or self.process.poll() is not None:
            return None if self.process is None else self.process.returncode
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(40)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()


# ---------------------------------------------------------------- what the load records


@dataclass
class Ledger:
    """Every event the load sent, by number, and what came back."""
    api_accepted: set[int] = field(default_factory=set)
    api_refused: dict[int, int] = field(default_factory=dict)  # number -> HTTP status (0: no answer)
    kafka_acked: set[int] = field(default_factory=set)
    kafka_failed: set[int] = field(default_factory=set)
    statuses: list[tuple[float, int, int]] = field(default_factory=list)  # (seconds into the load, status, events)
    kafka_errors: dict[str, int] = field(default_factory=dict)  # why sends failed, by error type
    sent_again: int = 0
    sent_again_rounds: list[int] = field(default_factory=list)
    sent_again_failed: set[int] = field(default_factory=set)
    api_next: int = 0  # the next even number
    kafka_next: int = 1  # the next odd number

    def accepted(self) -> set[int]:
        return self.api_accepted | self.kafka_acked


class Load:
    """Two senders at --rate / 2 each: batches to POST /api/events, and single events straight to Kafka."""

    def __init__(self, up: UpProcess, targets: Targets, rate: float, topic_of) -> None:
        self.up = up
        self.targets = targets
        self.half_rate = rate / 2
        self.topic_of = topic_of
        self.ledger = Ledger()
        self.stopping = threading.Event()
        self.started = 0.0
        self.threads: list[threading.Thread] = []
        self.lock = threading.Lock()

    def start(self) -> "Load":
        from kafka import KafkaProducer

        # Not idempotent: kafka-python's idempotent producer keeps its producer id, which a restarted
        # memory-only broker does not know, and then fails every send (InitProducerId: UnknownError).
        self.producer = KafkaProducer(bootstrap_servers=self.up.kafka, acks="all", linger_ms=20,
                                      batch_size=256 * 1024, retries=10, enable_idempotence=False,
                                      client_id="tillid-soak")
        self.started = time.monotonic()
        self.threads = [threading.Thread(target=self._api, daemon=True, name="soak-api"),
                        threading.Thread(target=self._kafka, daemon=True, name="soak-kafka")]
        for thread in self.threads:
            thread.start()
        return self

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(120)
        self.producer.flush(120)
        self.producer.close(30)

    def _due(self, sent: int) -> int:
        return int(self.half_rate * self.elapsed()) - sent

    def _api(self) -> None:
        import httpx
        import orjson

        ledger, sent = self.ledger, 0
        headers = {"Authorization": f"Bearer {self.up.admin_token}", "Content-Type": "application/json"}
        with httpx.Client(base_url=self.up.base, headers=headers, timeout=30) as client:
            while not self.stopping.is_set():
                due = self._due(sent)
                if due <= 0:
                    time.sleep(0.05)
                    continue
                numbers = [ledger.api_next + 2 * i for i in range(min(due, API_BATCH_MAX))]
                body = orjson.dumps([load_event(n, self.targets)[0] for n in numbers])
                at = self.elapsed()
                try:
                    status = client.post("/api/events", content=body).status_code
                except httpx.TransportError:
                    status = 0
                with self.lock:
                    ledger.statuses.append((round(at, 3), status, len(numbers)))
                    if status == 202:
                        ledger.api_accepted.update(numbers)
                    else:
                        ledger.api_refused.update(dict.fromkeys(numbers, status))
                ledger.api_next = numbers[-1] + 2
                sent += len(numbers)

    def _kafka(self) -> None:
        ledger, sent = self.ledger, 0
        while not self.stopping.is_set():
            due = self._due(sent)
            if due <= 0:
                time.sleep(0.02)
                continue
            for _ in range(due):
                n = ledger.kafka_next
                self.send(n, ledger.kafka_acked.add, ledger.kafka_failed.add)
                ledger.kafka_next = n + 2
            sent += due

    def send(self, n: int, acked, failed) -> None:
        from tillid.competence.events import encode, validate

        event, key = load_event(n, self.targets)
        envelope = validate(event)
        try:
            future = self.producer.send(self.topic_of(envelope.topic), key=key.encode(), value=encode(envelope))
        except Exception as error:  # the buffer stayed full, or no metadata came: not accepted
            self._failed(n, error, failed)
            return
        future.add_callback(lambda _metadata, n=n: acked(n))
        future.add_errback(lambda error, n=n: self._failed(n, error, failed))

    def _failed(self, n: int, error: BaseException, failed) -> None:
        kind = type(error).__name__
        self.ledger.kafka_errors[kind] = self.ledger.kafka_errors.get(kind, 0) + 1
        failed(n)

    def send_again(self, numbers: list[int]) -> None:
        """Send again events the broker acknowledged and then lost (it restarted empty)."""
        self.ledger.sent_again += len(numbers)
        for n in numbers:
            self.send(n, lambda _n: None, self.ledger.sent_again_failed.add)
        self.producer.flush(120)


# ---------------------------------------------------------------- faults and the worker's memory


@dataclass
class Faults:
    worker_kills: list[float] = field(default_factory=list)  # seconds into the load
    broker_killed: float | None = None
    broker_back: float | None = None  # the worker started again after the broker
    postgres_down: float | None = None
    postgres_back: float | None = None
    rss: list[tuple[float, int, int]] = field(default_factory=list)  # (seconds, worker pid, bytes)


def schedule(seconds: float, kill_every: float) -> tuple[list[float], float, float]:
    """When to kill the worker, the broker and PostgreSQL: the worker every ``kill_every`` seconds, the
    broker and PostgreSQL each in the middle of a later interval between two worker kills."""
    kills = [kill_every * k for k in range(1, int(seconds // kill_every) + 1) if kill_every * k < seconds - 5]
    intervals = len(kills) + 1
    broker = (max(1, intervals // 3) + 0.5) * kill_every
    postgres = (max(2, 2 * intervals // 3) + 0.5) * kill_every
    return kills, min(broker, seconds * 0.4), min(postgres, seconds * 0.8)


def sample_rss(up: UpProcess, load: Load, faults: Faults) -> None:
    import psutil

    worker = up.worker()
    if worker is None:
        return
    try:
        faults.rss.append((round(load.elapsed(), 1), worker.pid, worker.memory_info().rss))
    except psutil.Error:
        pass


def restart_postgres(up: UpProcess, load: Load, faults: Faults, down_seconds: float) -> None:
    from tillid.runtime.embedded import EmbeddedPostgres

    server = EmbeddedPostgres(up.data_dir, port=up.postgres_port())
    faults.postgres_down = round(load.elapsed(), 1)
    server.crash()
    time.sleep(down_seconds)
    server.start()
    faults.postgres_back = round(load.elapsed(), 1)


def resend_lost_by_broker(up: UpProcess, load: Load, faults: Faults, before: int, timeout: float = 180) -> None:
    """Once the worker runs again after the broker, send again what was acknowledged before the kill
    (numbers below ``before``) and is not applied: the memory-only broker lost it."""
    marker = "started again after the embedded broker"
    deadline = time.monotonic() + timeout
    while marker not in up.log():
        if time.monotonic() > deadline:
            print("the worker did not start again after the broker within the time allowed", flush=True)
            return
        time.sleep(0.5)
    faults.broker_back = round(load.elapsed(), 1)
    sent_before_back = load.ledger.kafka_next
    _send_again_unapplied(up, load, before)
    # Sends in flight at the kill may be acknowledged later (retried onto the new broker, possibly before
    # its topics were created again): once the worker has had time to apply them, a second look.
    time.sleep(30)
    _send_again_unapplied(up, load, sent_before_back)


def _send_again_unapplied(up: UpProcess, load: Load, before: int) -> None:
    acked = sorted(n for n in list(load.ledger.kafka_acked) if n < before)
    applied = asyncio.run(_applied_among(up.database_url, [event_id(n) for n in acked]))
    lost = [n for n in acked if event_id(n) not in applied]
    print(f"{load.elapsed():7.1f} s  {len(lost)} acknowledged events sent straight to Kafka before the broker "
          "restarted are not applied; sending them again", flush=True)
    load.ledger.sent_again_rounds.append(len(lost))
    load.send_again(lost)


async def _applied_among(url: str, ids: list[str]) -> set[str]:
    conn = await _connect_retrying(url)
    try:
        found: set[str] = set()
        for start in range(0, len(ids), 50000):
            rows = await conn.fetch("SELECT event_id FROM processed_events WHERE event_id = ANY($1::text[])",
                                    ids[start:start + 50000])
            found.update(r["event_id"] for r in rows)
        return found
    finally:
        await conn.close()


async def _connect_retrying(url: str, timeout: float = 60) -> asyncpg.Connection:
    deadline = time.monotonic() + timeout
    while True:
        try:
            return await asyncpg.connect(url, timeout=10)
        except (OSError, asyncpg.PostgresError, asyncio.TimeoutError):
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(1)


def run_faults(up: UpProcess, load: Load, faults: Faults, seconds: float, kill_every: float,
               pg_down: float, sample_every: float = 2.0) -> None:
    kills, broker_at, postgres_at = schedule(seconds, kill_every)
    print(f"faults: worker SIGKILL at {kills} s, broker SIGKILL at {broker_at:.0f} s, "
          f"PostgreSQL crash at {postgres_at:.0f} s (down {pg_down:.0f} s)", flush=True)
    side: list[threading.Thread] = []
    next_sample = next_progress = 0.0
    while (now := load.elapsed()) < seconds:
        if now >= next_sample:
            sample_rss(up, load, faults)
            next_sample = now + sample_every
        if now >= next_progress and faults.rss:
            ledger = load.ledger
            print(f"{now:7.1f} s  sent API {ledger.api_next // 2}, Kafka {ledger.kafka_next // 2}; accepted API "
                  f"{len(ledger.api_accepted)}, Kafka {len(ledger.kafka_acked)}; worker RSS "
                  f"{faults.rss[-1][2] / MIB:.0f} MiB (pid {faults.rss[-1][1]})", flush=True)
            next_progress = now + 60
        if kills and now >= kills[0]:
            kills.pop(0)
            worker = up.worker()
            if worker is not None:
                worker.send_signal(signal.SIGKILL)
                faults.worker_kills.append(round(now, 1))
                print(f"{now:7.1f} s  worker (pid {worker.pid}) killed", flush=True)
            else:
                print(f"{now:7.1f} s  no worker running to kill", flush=True)
        if faults.broker_killed is None and now >= broker_at:
            broker = up.broker()
            if broker is not None:
                before = load.ledger.kafka_next
                broker.send_signal(signal.SIGKILL)
                faults.broker_killed = round(now, 1)
                print(f"{now:7.1f} s  broker (pid {broker.pid}) killed", flush=True)
                side.append(_thread(resend_lost_by_broker, up, load, faults, before))
        if faults.postgres_down is None and now >= postgres_at:
            print(f"{now:7.1f} s  PostgreSQL stopped as by a crash", flush=True)
            side.append(_thread(restart_postgres, up, load, faults, pg_down))
        time.sleep(0.2)
    for thread in side:
        thread.join(300)


def _thread(target, *args) -> threading.Thread:
    thread = threading.Thread(target=target, args=args, daemon=True)
    thread.start()
    return thread


# ---------------------------------------------------------------- the demo stream and the targets


def demo_phases(scale: float) -> tuple[list, list]:
    """The demo stream's envelopes: everything but erasures and departures, then those."""
    from tillid.competence.demo import generate_events
    from tillid.competence.events import validate

    envelopes = [validate(e) for e in generate_events(seed=42, scale=scale)]
    return ([e for e in envelopes if e.type not in LATE_TYPES], [e for e in envelopes if e.type in LATE_TYPES])


async def wait_processed(url: str, expected: int, timeout: float, what: str) -> None:
    conn = await _connect_retrying(url)
    try:
        deadline = time.monotonic() + timeout
        while await conn.fetchval("SELECT count(*) FROM processed_events") < expected:
            if time.monotonic() > deadline:
                raise SystemExit(f"{what} was not applied within {timeout:.0f} s")
            await asyncio.sleep(0.5)
    finally:
        await conn.close()


async def read_targets(url: str) -> Targets:
    conn = await asyncpg.connect(url)
    try:
        pairs = [(r["employee_id"], r["skill_id"], r["organisation_id"]) for r in await conn.fetch(
            """SELECT c.employee_id, c.skill_id, w.organisation_id FROM competences c
               JOIN employees e USING (employee_id) JOIN workplaces w ON w.workplace_id = e.workplace_id
               WHERE e.left_on IS NULL ORDER BY c.employee_id, c.skill_id LIMIT $1""", PAIRS_MAX)]
        demands = [(r["workplace_id"], r["task_id"], r["hours_per_week"], r["organisation_id"]) for r in await conn.fetch(
            """SELECT d.workplace_id, d.task_id, d.hours_per_week, w.organisation_id FROM task_demand d
               JOIN workplaces w USING (workplace_id) ORDER BY d.workplace_id, d.task_id""")]
        last_day = await conn.fetchval("SELECT max(assessed_on) FROM competence_assessments")
    finally:
        await conn.close()
    if not pairs or not demands:
        raise SystemExit("the demo organisation has no competences or no task demand to vary")
    return Targets(pairs, demands, last_day + timedelta(days=1), datetime(2027, 1, 1, tzinfo=timezone.utc))


# ---------------------------------------------------------------- waiting, and the checks


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


async def wait_settled(url: str, accepted: int, timeout: float) -> float:
    """Until at least ``accepted`` load events are applied, nothing waits in the intake and the
    re-matcher has nothing dirty, and that for ``QUIET_SECONDS`` on end: a refresh of the effect
    estimates after the last event may mark upskilling again; returns the seconds it took."""
    started = time.monotonic()
    quiet_since: float | None = None
    conn = await _connect_retrying(url)
    try:
        while time.monotonic() - started < timeout:
            applied = await conn.fetchval("SELECT count(*) FROM processed_events WHERE event_id LIKE 'soak-%'")
            waiting = await conn.fetchval(
                """SELECT count(*) FROM intake i WHERE applied_by_store
                   AND NOT EXISTS (SELECT 1 FROM processed_events p WHERE p.event_id = i.event_id)""")
            dirty = await conn.fetchval("SELECT count(*) FROM dirty_scopes")
            if applied >= accepted and waiting == 0 and dirty == 0:
                quiet_since = time.monotonic() if quiet_since is None else quiet_since
                if time.monotonic() - quiet_since >= QUIET_SECONDS:
                    break
            else:
                quiet_since = None
            if int(time.monotonic() - started) % 30 == 0:
                print(f"  applied {applied} of {accepted}, {waiting} waiting in the intake, {dirty} dirty scopes",
                      flush=True)
            await asyncio.sleep(1)
    finally:
        await conn.close()
    return time.monotonic() - started


async def check_applied(url: str, ledger: Ledger, demo_ids: set[str]) -> list[Check]:
    conn = await _connect_retrying(url)
    try:
        processed = {r["event_id"]: r["outcome"] for r in await conn.fetch(
            "SELECT event_id, outcome FROM processed_events")}
        assessed = {r["event_id"] for r in await conn.fetch(
            "SELECT event_id FROM competence_assessments WHERE event_id LIKE 'soak-%'")}
        reports = await conn.fetchval("SELECT count(*) FROM task_demand_reports WHERE reported_at >= '2027-01-01'")
    finally:
        await conn.close()
    accepted = {event_id(n) for n in ledger.accepted()}
    soak_applied = {i for i in processed if i.startswith(ID_PREFIX)}
    missing = accepted - soak_applied
    not_applied_outcome = sorted(i for i in accepted & soak_applied if processed[i] != "applied")
    ambiguous = {event_id(n) for n, status in ledger.api_refused.items() if status == 0 or status >= 500}
    ambiguous |= {event_id(n) for n in ledger.kafka_failed}
    unasked = soak_applied - accepted
    unexplained = unasked - ambiguous
    demo_missing = demo_ids - set(processed)
    others = set(processed) - demo_ids - soak_applied
    demands_applied = {i for i in soak_applied if (number_of(i) // 2) % 10 == 9}
    checks = [
        Check("every accepted event applied", not missing and not demo_missing and not not_applied_outcome,
              f"{len(accepted)} accepted (API {len(ledger.api_accepted)}, Kafka {len(ledger.kafka_acked)}), "
              f"{len(accepted & soak_applied)} applied, missing {sorted(missing)[:5]} ({len(missing)}); "
              f"demo {len(demo_ids)} events, {len(demo_missing)} not applied; outcome other than applied: "
              f"{not_applied_outcome[:5]}"),
        Check("nothing applied that was not sent", not unexplained and not others,
              f"{len(unasked)} applied though not acknowledged (all from requests without a clear answer: "
              f"{not unexplained}); unknown ids {sorted(others)[:5]}"),
        Check("each applied once (the rows each event makes)",
              assessed == soak_applied - demands_applied and reports == len(demands_applied),
              f"{len(assessed)} assessments logged for {len(soak_applied - demands_applied)} applied "
              f"CompetenceAssessed; {reports} demand reports for {len(demands_applied)} applied TaskDemandChanged"),
    ]
    return checks


def check_stats(up: UpProcess) -> Check:
    import httpx

    stats = httpx.get(f"{up.base}/api/stats", headers={"Authorization": f"Bearer {up.admin_token}"},
                      timeout=30).json()
    parts = ("events_applied", "events_parked", "events_dropped_by_erasure", "events_duplicate",
             "events_deadlettered")
    total = sum(stats[p] for p in parts)
    ok = stats["events_received"] == total and stats["events_parked"] == 0 and stats["events_deadlettered"] == 0
    return Check("/api/stats accounts for every event once", ok,
                 f"received {stats['events_received']} = " + " + ".join(f"{p[7:]} {stats[p]}" for p in parts)
                 + f" ({total}); proposals {stats['proposals']}")


def check_statuses(ledger: Ledger, faults: Faults, grace: float) -> Check:
    window = (faults.postgres_down, (faults.postgres_back or float("inf")) + grace) \
        if faults.postgres_down is not None else None
    server_errors = [(at, status) for at, status, _ in ledger.statuses if status >= 500 or status == 0]
    outside = [(at, status) for at, status in server_errors
               if not (status == 503 and window is not None and window[0] <= at <= window[1])]
    counts: dict[int, int] = {}
    for _, status, _ in ledger.statuses:
        counts[status] = counts.get(status, 0) + 1
    seen_503 = [at for at, status in server_errors if status == 503]
    when = f"503 from {min(seen_503):.1f} s to {max(seen_503):.1f} s" if seen_503 else "no 503"
    return Check("no 5xx but 503 while PostgreSQL was down", not outside,
                 f"requests by status {dict(sorted(counts.items()))} (0: no answer); {when}; PostgreSQL down "
                 f"{faults.postgres_down} s, back {faults.postgres_back} s (+{grace:.0f} s allowed); "
                 f"outside: {outside[:10]}")


def rss_figures(faults: Faults) -> dict:
    samples = faults.rss
    third = max(1, len(samples) // 3)
    thirds = [samples[:third], samples[third:2 * third], samples[2 * third:]]
    medians = [statistics.median(s[2] for s in part) / MIB if part else 0.0 for part in thirds]
    incarnations: dict[int, list[int]] = {}
    for _, pid, rss in samples:
        incarnations.setdefault(pid, []).append(rss)
    return {"start_mib": round(medians[0], 1), "middle_mib": round(medians[1], 1), "end_mib": round(medians[2], 1),
            "incarnations": [{"pid": pid, "first_mib": round(v[0] / MIB, 1), "max_mib": round(max(v) / MIB, 1),
                              "last_mib": round(v[-1] / MIB, 1), "samples": len(v)}
                             for pid, v in incarnations.items()]}


def check_rss(figures: dict) -> Check:
    ok = figures["end_mib"] <= 1.25 * max(figures["start_mib"], figures["middle_mib"]) + 32
    lines = "; ".join(f"pid {i['pid']}: {i['first_mib']} -> max {i['max_mib']} -> {i['last_mib']} MiB"
                      for i in figures["incarnations"])
    return Check("the worker's memory shows no upward trend", ok,
                 f"RSS median start {figures['start_mib']} / middle {figures['middle_mib']} / end "
                 f"{figures['end_mib']} MiB; per incarnation: {lines}")


# ---------------------------------------------------------------- determinism: a fresh system


PROPOSALS = """SELECT kind, committee_id, scope, fingerprint, effect::text AS effect FROM proposals
               WHERE status = 'pending' ORDER BY kind, committee_id, scope"""
STATE = {"competences": "SELECT employee_id, skill_id, level, assessed_on, evidence FROM competences",
         "task_demand": "SELECT workplace_id, task_id, hours_per_week FROM task_demand",
         "employees": "SELECT employee_id, profession_id, workplace_id, weekly_hours, left_on FROM employees"}


def _substance(effect: str) -> str:
    """An effect without the measured effect it assumed (``ASSUMED_KEYS``): that estimate is read from the whole
    store's history when a proposal is drafted, and a pending proposal keeps it until its substance changes,
    so a system that proposed earlier in the history states an earlier estimate than a fresh one."""
    from tillid.matching.proposals.items import ASSUMED_KEYS

    return json.dumps({k: v for k, v in json.loads(effect).items() if k not in ASSUMED_KEYS}, sort_keys=True)


async def read_outcome(url: str) -> dict:
    conn = await asyncpg.connect(url)
    try:
        outcome = {"proposals": sorted((*tuple(r)[:4], _substance(r["effect"]))
                                       for r in await conn.fetch(PROPOSALS))}
        for table, query in STATE.items():
            outcome[table] = sorted(tuple(str(v) for v in r) for r in await conn.fetch(query))
        return outcome
    finally:
        await conn.close()


async def fresh_outcome(admin_url: str, demo: tuple[list, list], applied: list[int], targets: Targets) -> dict:
    """Apply the same events to a new database with the Projector (the demo's two phases, then the load
    events the soaked system applied), settle the re-matcher, read what it proposes."""
    from tillid.competence.events import validate
    from tillid.store.db import migrate
    from tillid.store.projection.context import resolve_with_taxonomy
    from tillid.store.projection.projector import Projector
    from tillid.streams.rematcher import Rematcher

    name = f"fresh_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(admin_url)
    try:
        await admin.execute(f"CREATE DATABASE {name}")
    finally:
        await admin.close()
    url = admin_url.rsplit("/", 1)[0] + f"/{name}"
    projector = Projector(resolve_skill=resolve_with_taxonomy)
    conn = await asyncpg.connect(url)
    try:
        await migrate(conn)
        for phase in (*demo, (validate(load_event(n, targets)[0]) for n in applied)):
            batch = []
            for envelope in phase:
                batch.append(envelope)
                if len(batch) == 500:
                    await projector.apply(conn, batch)
                    batch = []
            if batch:
                await projector.apply(conn, batch)
        pool = await asyncpg.create_pool(url, min_size=1, max_size=4)
        try:
            rematcher = Rematcher(pool, debounce_seconds=0)
            for _ in range(1000):
                await rematcher.run_once()
                if not await conn.fetchval("SELECT count(*) FROM dirty_scopes"):
                    break
            else:
                raise SystemExit("the fresh system's re-matcher did not settle")
        finally:
            await pool.close()
    finally:
        await conn.close()
    return await read_outcome(url)


def check_determinism(soaked: dict, fresh: dict) -> Check:
    differing = [key for key in soaked if soaked[key] != fresh[key]]
    detail = ", ".join(f"{key} {len(soaked[key])}" for key in soaked)
    for key in differing:
        only_soaked = [r for r in soaked[key] if r not in set(fresh[key])][:2]
        only_fresh = [r for r in fresh[key] if r not in set(soaked[key])][:2]
        detail += (f"; {key} differ ({len(soaked[key])} vs {len(fresh[key])}): only soaked {only_soaked}, "
                   f"only fresh {only_fresh}")
    return Check("the proposals equal a fresh system's from the same events", not differing,
                 f"pending proposals and projected rows compared: {detail}")


# ---------------------------------------------------------------- the run


@dataclass
class Report:
    options: dict
    demo_events: int = 0
    seconds_loaded: float = 0.0
    sent: int = 0
    accepted: int = 0
    rate_accepted: float = 0.0
    settle_seconds: float = 0.0
    ledger: dict = field(default_factory=dict)
    faults: dict = field(default_factory=dict)
    rss: dict = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)

    def text(self) -> str:
        lines = [f"demo events: {self.demo_events}; load {self.seconds_loaded:.0f} s: {self.sent} sent, "
                 f"{self.accepted} accepted ({self.rate_accepted:.0f} events/s accepted); applied and settled "
                 f"{self.settle_seconds:.0f} s after the load",
                 f"sent and answered: {json.dumps(self.ledger)}",
                 f"faults: {json.dumps({k: v for k, v in self.faults.items() if k != 'rss'})}"]
        lines += [f"[{'ok' if c.ok else 'FAILED'}] {c.name}: {c.detail}" for c in self.checks]
        return "\n".join(lines)


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="tillid bench soak", description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=30, help="how long the load runs (default 30)")
    parser.add_argument("--rate", type=float, default=2000, help="load events per second, half through the "
                                                                   "API, half straight to Kafka (default 2000)")
    parser.add_argument("--scale", type=float, default=0.1, help="demo organisation size (default 0.1)")
    parser.add_argument("--kill-every", type=float, default=300,
                        help="seconds between SIGKILLs of the worker (default 300)")
    parser.add_argument("--pg-down", type=float, default=10, help="seconds PostgreSQL stays down (default 10)")
    parser.add_argument("--pg-grace", type=float, default=10,
                        help="seconds after PostgreSQL is back in which a 503 is still expected (default 10)")
    parser.add_argument("--settle-timeout", type=float, default=900,
                        help="seconds allowed after the load to apply everything (default 900)")
    parser.add_argument("--keep-logs", type=Path, help="keep the data directory and logs here")
    return parser.parse_args(argv)


def soak(args: argparse.Namespace) -> Report:
    from tillid.runtime.embedded import EmbeddedPostgres, free_port
    from tillid.config import Settings
    from tillid.streams.producer import publish

    report = Report(options={k: str(v) for k, v in vars(args).items()})
    work = args.keep_logs or Path(tempfile.mkdtemp(prefix="tillid-soak-"))
    if work.exists() and any(work.iterdir()):
        raise SystemExit(f"{work} is not empty: the soak needs a fresh data directory")
    up = UpProcess(work, secrets.token_urlsafe(24)).start()
    settings = Settings(kafka=up.kafka, database_url=up.database_url, data_dir=work)
    try:
        demo = demo_phases(args.scale)
        report.demo_events = len(demo[0]) + len(demo[1])
        publish(settings, demo[0])
        asyncio.run(wait_processed(up.database_url, len(demo[0]), 600, "the demo stream"))
        publish(settings, demo[1])
        asyncio.run(wait_processed(up.database_url, report.demo_events, 300, "the demo's erasures and departures"))
        targets = asyncio.run(read_targets(up.database_url))
        print(f"demo scale {args.scale}: {report.demo_events} events applied; load at {args.rate:.0f} events/s "
              f"for {args.minutes:g} min", flush=True)
        load = Load(up, targets, args.rate, settings.topic).start()
        faults = Faults()
        run_faults(up, load, faults, args.minutes * 60, args.kill_every, args.pg_down)
        load.stop()
        ledger = load.ledger
        report.seconds_loaded = load.elapsed()
        report.sent = (ledger.api_next // 2) + (ledger.kafka_next // 2)
        report.accepted = len(ledger.accepted())
        report.rate_accepted = report.accepted / report.seconds_loaded
        report.ledger = {"api_sent": ledger.api_next // 2, "api_accepted": len(ledger.api_accepted),
                         "api_refused": len(ledger.api_refused), "kafka_sent": ledger.kafka_next // 2,
                         "kafka_acked": len(ledger.kafka_acked), "kafka_failed": len(ledger.kafka_failed),
                         "kafka_errors": ledger.kafka_errors, "sent_again": ledger.sent_again_rounds,
                         "sent_again_failed": len(ledger.sent_again_failed)}
        print(f"load over: {report.sent} sent, {report.accepted} accepted (API {len(ledger.api_accepted)} accepted, "
              f"{len(ledger.api_refused)} refused; Kafka {len(ledger.kafka_acked)} acknowledged, "
              f"{len(ledger.kafka_failed)} failed {ledger.kafka_errors}; {ledger.sent_again} sent again, "
              f"{len(ledger.sent_again_failed)} of them failed); waiting until applied", flush=True)
        report.settle_seconds = asyncio.run(wait_settled(up.database_url, report.accepted, args.settle_timeout))
        report.checks += asyncio.run(check_applied(up.database_url, ledger, {e.event_id for p in demo for e in p}))
        report.checks.append(check_stats(up))
        report.checks.append(check_statuses(ledger, faults, args.pg_grace))
        report.rss = rss_figures(faults)
        report.checks.append(check_rss(report.rss))
        report.faults = asdict(faults)
        applied = sorted(number_of(i) for i in asyncio.run(_applied_among(
            up.database_url, [event_id(n) for n in ledger.accepted() | set(ledger.api_refused) | ledger.kafka_failed])))
    finally:
        stopped = up.stop()
        print(f"`tillid up` stopped with status {stopped}", flush=True)
    server = EmbeddedPostgres(work, port=free_port())
    admin_url = server.start().rsplit("/", 1)[0] + "/postgres"
    try:
        soaked = asyncio.run(read_outcome(admin_url.rsplit("/", 1)[0] + "/tillid"))
        fresh = asyncio.run(fresh_outcome(admin_url, demo, applied, targets))
        report.checks.append(check_determinism(soaked, fresh))
    finally:
        server.stop()
    (work / "soak-report.json").write_text(json.dumps(asdict(report), indent=1, default=str))
    if args.keep_logs is None and report.ok:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"data and logs kept in {work}", flush=True)
    return report


def main(argv: list[str]) -> int:
    report = soak(parse(argv))
    print(report.text(), flush=True)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
