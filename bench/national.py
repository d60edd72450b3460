"""The national benchmark: the demo organisation at --scale published into a fresh system, measured
(docs/benchmarks.md, "National benchmark").

`tillid up --no-demo` runs on a fresh data directory and the bench waits until its worker consumes
(or, with --url, --token, --kafka and --database-url, it uses a system that runs already; then no
process memory is measured). `tillid demo-data --scale X` writes the demo
organisation and `tillid publish` sends it straight to Kafka (streamed, keyed by organisation, with
its progress lines). Then the bench reports:

- publish time: the `tillid publish` command, start to exit;
- applied: until GET /api/stats has received every published event and none is parked;
- settled: until no scope is dirty, the outbox is relayed and the number of proposals has not changed
  for --stable seconds (times counted from the start of the publish);
- peak memory of each process of `tillid up`, sampled from /proc every half second: the worker, the
  review service, the embedded broker (RSS) and PostgreSQL (the postmaster and all its backends,
  summed as PSS, so the shared buffers count once); and the CPU time each used from the start of
  the publish until settled (user + system, a backend that ended counted with its last sample);
- the database size (pg_database_size);
- event-to-proposal latency: after the load, --probes single TaskDemandChanged events, one at a time,
  each changing the demand of the most demanded task at one of the largest municipal workplaces; the
  latency of a probe is from its send to the moment the store wrote the ProposalIssued naming it
  (the outbox row's created_at);
- the review API's latency for the largest committee (most pending proposals):
  GET /api/proposals?committee=ID&status=pending, --api-calls times after 3 warm-up calls.

Figures that have a goal are shown with it (ok / missed). Exits 1 when a figure is missing or
implausible (not every published event applied, a probe unanswered).

    tillid bench national --scale 1 [--json PATH] [--probes 30] [--api-calls 30] [--keep-logs DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import asyncpg

MIB = 1024 * 1024
ROLES = ("worker", "api", "broker", "postgres")
# Goals of the figures that have one (docs/benchmarks.md, "Event to proposal latency"): name -> (figure,
# limit, "max" when the figure must stay at or under the limit, "min" when at or over it). The ingest goal
# (20,000 events/s per worker) is bench.ingest's: publish and apply overlap here, so it is not judged.
GOALS: dict[str, tuple[str, float, str]] = {
    "event-to-proposal p95 under 2 s": ("latency_p95_seconds", 2.0, "max"),
}
SAMPLE_SECONDS = 0.5
PROBE_TIMEOUT_SECONDS = 30.0


# ---------------------------------------------------------------- the system under test


@dataclass(frozen=True)
class System:
    """Where the benchmarked system answers: its review service, broker and database."""
    base: str
    token: str
    kafka: str
    database_url: str


class ProcessSampler:
    """Peak memory and CPU time of each part of `tillid up`, sampled from /proc in a thread."""

    def __init__(self, up) -> None:
        self.up = up
        self.peaks_mib: dict[str, float] = dict.fromkeys(ROLES, 0.0)
        # CPU seconds per role and process id, the latest reading of each (a process that ended keeps its last).
        self.cpu: dict[str, dict[int, float]] = {role: {} for role in ROLES}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="process-sampler")

    def start(self) -> "ProcessSampler":
        self._thread.start()
        return self

    def stop(self) -> dict[str, float]:
        """Peak MiB of each role."""
        self._stop.set()
        self._thread.join(10)
        return {role: round(mib, 1) for role, mib in self.peaks_mib.items()}

    def cpu_seconds(self) -> dict[str, float]:
        """CPU seconds each role has used so far (as of the latest sample)."""
        return {role: sum(dict(by_pid).values()) for role, by_pid in self.cpu.items()}

    def _run(self) -> None:
        while not self._stop.is_set():
            for role, processes in self.processes().items():
                self.peaks_mib[role] = max(self.peaks_mib[role], _memory_mib(processes, shared=role == "postgres"))
                self.cpu[role].update(_cpu_seconds(processes))
            self._stop.wait(SAMPLE_SECONDS)

    def processes(self) -> dict[str, list]:
        """The processes of each role just now, children included (none for a role that is down)."""
        import psutil

        from tillid.runtime.embedded import EmbeddedPostgres

        postmaster = EmbeddedPostgres(self.up.data_dir).pid
        found = {"worker": self.up.worker(), "api": self.up.child("tillid", "api"), "broker": self.up.broker()}
        try:
            found["postgres"] = psutil.Process(postmaster) if postmaster is not None else None
        except psutil.Error:
            found["postgres"] = None
        processes: dict[str, list] = {}
        for role, process in found.items():
            try:
                processes[role] = [process, *process.children(recursive=True)] if process is not None else []
            except psutil.Error:
                processes[role] = []
        return processes


def _memory_mib(processes: list, shared: bool) -> float:
    """RSS summed, or PSS where the processes share memory (PostgreSQL's backends share its buffers: RSS
    would count them once per backend)."""
    import psutil

    total = 0
    for process in processes:
        try:
            total += process.memory_full_info().pss if shared else process.memory_info().rss
        except psutil.Error:
            continue
    return total / MIB


def _cpu_seconds(processes: list) -> dict[int, float]:
    import psutil

    seconds = {}
    for process in processes:
        try:
            times = process.cpu_times()
            seconds[process.pid] = times.user + times.system
        except psutil.Error:
            continue
    return seconds


# ---------------------------------------------------------------- the phases


def write_demo(scale: float, path: Path) -> int:
    """`tillid demo-data --scale X --out PATH`; returns the number of events written."""
    subprocess.run([sys.executable, "-m", "tillid", "demo-data", "--scale", str(scale), "--out", str(path)],
                   check=True, stdin=subprocess.DEVNULL)
    with open(path, "rb") as handle:
        return sum(1 for line in handle if line.strip())


WORKER_READY = "applying events"


def wait_worker_ready(up, timeout: float = 180) -> None:
    """Until the worker of `tillid up` consumes (it loads the skill mapper first, some 15 s here): the
    bench times the system, not its start."""
    log = up.data_dir / "logs" / "worker.log"
    deadline = time.monotonic() + timeout
    while WORKER_READY not in (log.read_text(errors="replace") if log.exists() else ""):
        if time.monotonic() > deadline:
            raise SystemExit(f"the worker was not ready within {timeout:.0f} s (see {log})")
        time.sleep(0.2)


def publish_demo(system: System, path: Path) -> float:
    """`tillid publish PATH` against the system's broker, its progress lines passed on; returns seconds."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TILLID_")}
    env["TILLID_KAFKA"] = system.kafka
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "tillid", "publish", str(path)], env=env,
                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True)
    seconds = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit(f"`tillid publish` failed with status {done.returncode}")
    print(done.stdout.strip(), flush=True)
    return seconds


def stats(system: System) -> dict:
    import httpx

    response = httpx.get(f"{system.base}/api/stats", headers={"Authorization": f"Bearer {system.token}"},
                         timeout=30)
    response.raise_for_status()
    return response.json()


def wait_applied(system: System, published: int, before: dict, started: float,
                 timeout: float) -> tuple[float, dict]:
    """Seconds from ``started`` until every published event is received (beyond the counts ``before``
    the publish) and none is parked; and the counts of what this publish added."""
    deadline = time.monotonic() + timeout
    next_line = 0.0
    while True:
        now = stats(system)
        counts = {name: now[name] - before[name] for name in now if name.startswith("events_")}
        counts["employees"] = now["employees"]
        if counts["events_received"] >= published and now["events_parked"] == 0:
            return time.monotonic() - started, counts
        if time.monotonic() > deadline:
            raise SystemExit(f"not applied within {timeout:.0f} s: {counts}")
        if time.monotonic() >= next_line:
            print(f"{time.monotonic() - started:7.1f} s  received {counts['events_received']:,} of "
                  f"{published:,}, parked {counts['events_parked']:,}", flush=True)
            next_line = time.monotonic() + 10
        time.sleep(0.5)


async def wait_settled(url: str, started: float, stable_seconds: float, timeout: float) -> tuple[float, int]:
    """Seconds from ``started`` until nothing is dirty, the outbox is relayed and the proposal count stays the
    same for ``stable_seconds`` (the first moment of that quiet is reported), and that count."""
    conn = await asyncpg.connect(url)
    try:
        deadline = time.monotonic() + timeout
        quiet_since: float | None = None  # since when nothing is dirty or unsent and the count is the same
        last = -1
        while time.monotonic() < deadline:
            row = await conn.fetchrow(
                """SELECT (SELECT count(*) FROM dirty_scopes) AS dirty,
                          (SELECT count(*) FROM outbox WHERE published_at IS NULL) AS unsent,
                          (SELECT count(*) FROM proposals) AS proposals""")
            now = time.monotonic()
            if row["dirty"] or row["unsent"]:
                quiet_since = None
            elif row["proposals"] != last or quiet_since is None:
                quiet_since = now
            last = row["proposals"]
            if quiet_since is not None and now - quiet_since >= stable_seconds:
                return quiet_since - started, last
            await asyncio.sleep(0.25)
    finally:
        await conn.close()
    raise SystemExit(f"proposals did not settle within {timeout:.0f} s")


async def database_size(url: str) -> int:
    conn = await asyncpg.connect(url)
    try:
        return await conn.fetchval("SELECT pg_database_size(current_database())")
    finally:
        await conn.close()


@dataclass(frozen=True)
class ProbeTarget:
    workplace: str
    task: str
    hours: float
    organisation: str


async def probe_targets(url: str, count: int = 3) -> list[ProbeTarget]:
    """The most demanded task of each of the ``count`` municipal workplaces with the most demand: changing
    it changes what LEON proposes there."""
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch(
            """SELECT DISTINCT ON (d.workplace_id) d.workplace_id, d.task_id, d.hours_per_week, w.organisation_id,
                      sum(d.hours_per_week) OVER (PARTITION BY d.workplace_id) AS total
               FROM task_demand d JOIN workplaces w USING (workplace_id) WHERE w.sector = 'municipality'
               ORDER BY d.workplace_id, d.hours_per_week DESC, d.task_id""")
    finally:
        await conn.close()
    rows = sorted(rows, key=lambda r: (-r["total"], r["workplace_id"]))[:count]
    return [ProbeTarget(r["workplace_id"], r["task_id"], r["hours_per_week"], r["organisation_id"]) for r in rows]


async def probe_latencies(system: System, targets: list[ProbeTarget], probes: int) -> tuple[list[float], int]:
    """Send ``probes`` single events one at a time; the seconds from each send until the store wrote a
    ProposalIssued naming it, and how many got no such proposal within PROBE_TIMEOUT_SECONDS."""
    from aiokafka import AIOKafkaProducer

    from tillid.competence.events import encode, new_envelope, validate
    from tillid.config import Settings

    settings = Settings(kafka=system.kafka)
    producer = AIOKafkaProducer(bootstrap_servers=system.kafka, linger_ms=0, acks="all")
    await producer.start()
    conn = await asyncpg.connect(system.database_url)
    latencies: list[float] = []
    unanswered = 0
    try:
        for n in range(probes):
            target = targets[n % len(targets)]
            round_ = n // len(targets) + 1
            envelope = validate(new_envelope(
                "TaskDemandChanged", {"workplace_id": target.workplace, "task_id": target.task,
                                      "hours_per_week": round(target.hours + 7.5 * round_, 1)},
                source="bench-national", occurred_at=_iso_now()))
            sent_at = time.time()
            await producer.send_and_wait(settings.topic(envelope.topic), encode(envelope),
                                         key=target.organisation.encode())
            written = await _proposal_naming(conn, envelope.event_id, PROBE_TIMEOUT_SECONDS)
            if written is None:
                unanswered += 1
                continue
            latencies.append(max(0.0, written.timestamp() - sent_at))
    finally:
        await conn.close()
        await producer.stop()
    return latencies, unanswered


async def _proposal_naming(conn: asyncpg.Connection, event_id: str, timeout: float) -> datetime | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        written = await conn.fetchval(
            """SELECT min(created_at) FROM outbox WHERE value ->> 'type' = 'ProposalIssued'
               AND value -> 'payload' -> 'explanation' -> 'source_events' ? $1""", event_id)
        if written is not None:
            return written
        await asyncio.sleep(0.05)
    return None


def _iso_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


async def largest_committee(url: str) -> tuple[str, int] | None:
    conn = await asyncpg.connect(url)
    try:
        row = await conn.fetchrow(
            """SELECT committee_id, count(*) AS pending FROM proposals WHERE status = 'pending'
               GROUP BY committee_id ORDER BY count(*) DESC, committee_id LIMIT 1""")
    finally:
        await conn.close()
    return (row["committee_id"], row["pending"]) if row else None


def api_latencies(system: System, committee: str, calls: int) -> list[float]:
    """Seconds per GET /api/proposals?committee=ID&status=pending, after 3 warm-up calls."""
    import httpx

    with httpx.Client(base_url=system.base, headers={"Authorization": f"Bearer {system.token}"},
                      timeout=30) as client:
        seconds = []
        for n in range(3 + calls):
            started = time.perf_counter()
            response = client.get("/api/proposals", params={"committee": committee, "status": "pending"})
            took = time.perf_counter() - started
            response.raise_for_status()
            if n >= 3:
                seconds.append(took)
    return seconds


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


# ---------------------------------------------------------------- the report


@dataclass
class Report:
    scale: float
    machine: str
    command: str
    date: str
    events_published: int = 0
    events_applied: int = 0
    events_deadlettered: int = 0
    employees: int = 0
    publish_seconds: float = 0.0
    applied_seconds: float = 0.0
    settled_seconds: float = 0.0
    applied_events_per_second: float = 0.0
    proposals: int = 0
    peak_memory_mib: dict[str, float] = field(default_factory=dict)
    cpu_seconds: dict[str, float] = field(default_factory=dict)
    database_bytes: int = 0
    probes: int = 0
    probes_unanswered: int = 0
    latency_median_seconds: float | None = None
    latency_p95_seconds: float | None = None
    largest_committee: str | None = None
    largest_committee_pending: int = 0
    api_median_seconds: float | None = None
    api_p95_seconds: float | None = None
    goals: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def judge(self) -> None:
        """Goals met or missed, and what makes the run implausible."""
        for goal, (figure, limit, sense) in GOALS.items():
            value = getattr(self, figure)
            met = value is not None and (value <= limit if sense == "max" else value >= limit)
            self.goals[goal] = "ok" if met else "missed"
        if self.events_applied + self.events_deadlettered < self.events_published:
            self.problems.append(f"only {self.events_applied} of {self.events_published} events applied")
        if self.events_deadlettered:
            self.problems.append(f"{self.events_deadlettered} events dead-lettered")
        if self.probes_unanswered:
            self.problems.append(f"{self.probes_unanswered} of {self.probes} probes got no proposal")
        if self.largest_committee is None:
            self.problems.append("no pending proposal, so no committee to ask the API about")
        if not self.applied_seconds >= self.publish_seconds > 0 or self.settled_seconds < self.applied_seconds:
            self.problems.append("times out of order: publish <= applied <= settled expected")

    def rows(self) -> list[tuple[str, str, str]]:
        """(figure, value, goal) for the table."""
        def secs(value: float | None) -> str:
            return "-" if value is None else f"{value:.3f} s"

        goal_of = {figure: f"{name}: {self.goals.get(name, '-')}" for name, (figure, _, _) in GOALS.items()}
        rows = [
            ("events published", f"{self.events_published:,}", ""),
            ("employees", f"{self.employees:,}", ""),
            ("publish (`tillid publish`)", f"{self.publish_seconds:.1f} s", ""),
            ("until everything is applied", f"{self.applied_seconds:.1f} s", ""),
            ("events applied per second (from the start of the publish)",
             f"{self.applied_events_per_second:,.0f}", ""),
            ("until proposals settle", f"{self.settled_seconds:.1f} s", ""),
            ("proposals", f"{self.proposals:,}", ""),
        ]
        for role in ROLES:
            measured = role in self.peak_memory_mib
            rows.append((f"peak memory: {role}",
                         f"{self.peak_memory_mib[role]:,.0f} MiB" if measured else "not measured (--url)", ""))
            rows.append((f"CPU time, publish to settled: {role}",
                         f"{self.cpu_seconds[role]:,.1f} s" if measured else "not measured (--url)", ""))
        rows += [
            ("database size", f"{self.database_bytes / MIB:,.0f} MiB", ""),
            (f"event to proposal, median ({self.probes - self.probes_unanswered}/{self.probes} probes)",
             secs(self.latency_median_seconds), ""),
            ("event to proposal, 95th percentile", secs(self.latency_p95_seconds), goal_of["latency_p95_seconds"]),
            (f"API, largest committee ({self.largest_committee}, {self.largest_committee_pending} pending), median",
             secs(self.api_median_seconds), ""),
            ("API, largest committee, 95th percentile", secs(self.api_p95_seconds), ""),
        ]
        return rows

    def table(self) -> str:
        lines = [f"Machine: {self.machine}", f"Date: {self.date}", f"Command: {self.command}", "",
                 "| figure | value | goal |", "|---|---|---|"]
        lines += [f"| {a} | {b} | {c} |" for a, b, c in self.rows()]
        lines += [f"problem: {p}" for p in self.problems]
        return "\n".join(lines)


def machine() -> str:
    model = ""
    try:
        model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                      if line.startswith("model name")), "")
    except OSError:
        pass
    memory = ""
    try:
        kib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        memory = f", {kib / 1024 / 1024:.0f} GiB memory"
    except (OSError, AttributeError):
        pass
    return f"{os.cpu_count()} cores ({model or platform.processor() or 'unknown CPU'}){memory}, {platform.system()}"


# ---------------------------------------------------------------- the run


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="tillid bench national", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, required=True, help="demo organisation size (1: about 9,800 "
                                                                    "employees)")
    parser.add_argument("--probes", type=int, default=30, help="single events timed after the load (default 30)")
    parser.add_argument("--api-calls", type=int, default=30, help="timed calls of the review API (default 30)")
    parser.add_argument("--stable", type=float, default=5.0,
                        help="seconds the proposal count must stay the same to count as settled (default 5)")
    parser.add_argument("--timeout", type=float, default=7200, help="seconds allowed for each phase (default 7200)")
    parser.add_argument("--json", type=Path, help="write the report as JSON here")
    parser.add_argument("--keep-logs", type=Path, help="keep the data directory and logs here")
    parser.add_argument("--url", help="an existing system's review service instead of a fresh `tillid up`")
    parser.add_argument("--token", help="its admin token (with --url)")
    parser.add_argument("--kafka", help="its Kafka bootstrap servers (with --url)")
    parser.add_argument("--database-url", help="its PostgreSQL URL (with --url)")
    args = parser.parse_args(argv)
    existing = (args.url, args.token, args.kafka, args.database_url)
    if any(existing) and not all(existing):
        parser.error("--url needs --token, --kafka and --database-url (and they need --url)")
    if args.scale <= 0:
        parser.error("--scale must be more than 0")
    return args


def national(args: argparse.Namespace, argv: list[str]) -> Report:
    from bench.soak import UpProcess

    report = Report(scale=args.scale, machine=machine(), command="tillid bench national " + " ".join(argv),
                    date=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))
    work = args.keep_logs or Path(tempfile.mkdtemp(prefix="tillid-national-"))
    work.mkdir(parents=True, exist_ok=True)
    up = sampler = None
    if args.url:
        system = System(args.url.rstrip("/"), args.token, args.kafka, args.database_url)
    else:
        if any(work.iterdir()):
            raise SystemExit(f"{work} is not empty: the bench needs a fresh data directory")
        up = UpProcess(work / "system", secrets.token_urlsafe(24)).start()
        system = System(up.base, up.admin_token, up.kafka, up.database_url)
        sampler = ProcessSampler(up).start()
        wait_worker_ready(up)
    try:
        demo = work / "demo.jsonl"
        report.events_published = write_demo(args.scale, demo)
        print(f"demo scale {args.scale}: {report.events_published:,} events; publishing", flush=True)
        before = stats(system)
        cpu_before = sampler.cpu_seconds() if sampler is not None else {}
        started = time.monotonic()
        report.publish_seconds = publish_demo(system, demo)
        report.applied_seconds, counts = wait_applied(system, report.events_published, before, started,
                                                      args.timeout)
        report.events_applied = counts["events_received"] - counts["events_deadlettered"]
        report.events_deadlettered = counts["events_deadlettered"]
        report.employees = counts.get("employees", 0)
        report.applied_events_per_second = report.events_published / report.applied_seconds
        print(f"applied after {report.applied_seconds:.1f} s; waiting until the proposals settle", flush=True)
        report.settled_seconds, report.proposals = asyncio.run(
            wait_settled(system.database_url, started, args.stable, args.timeout))
        if sampler is not None:
            time.sleep(2 * SAMPLE_SECONDS)  # a sample taken after the quiet began
            report.cpu_seconds = {role: round(used - cpu_before[role], 1)
                                  for role, used in sampler.cpu_seconds().items()}
        print(f"settled after {report.settled_seconds:.1f} s: {report.proposals:,} proposals; probing", flush=True)
        report.database_bytes = asyncio.run(database_size(system.database_url))
        report.probes = args.probes
        latencies, report.probes_unanswered = asyncio.run(
            probe_latencies(system, asyncio.run(probe_targets(system.database_url)), args.probes))
        if latencies:
            report.latency_median_seconds = round(statistics.median(latencies), 4)
            report.latency_p95_seconds = round(percentile(latencies, 0.95), 4)
        committee = asyncio.run(largest_committee(system.database_url))
        if committee is not None:
            report.largest_committee, report.largest_committee_pending = committee
            seconds = api_latencies(system, committee[0], args.api_calls)
            report.api_median_seconds = round(statistics.median(seconds), 4)
            report.api_p95_seconds = round(percentile(seconds, 0.95), 4)
    finally:
        if sampler is not None:
            report.peak_memory_mib = sampler.stop()
        if up is not None:
            up.stop()
    report.judge()
    if args.json:
        args.json.write_text(json.dumps(asdict(report), indent=1))
    if args.keep_logs is None and report.ok:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"data and logs kept in {work}", flush=True)
    return report


def main(argv: list[str]) -> int:
    report = national(parse(argv), argv)
    print(report.table(), flush=True)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
