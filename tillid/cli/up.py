"""`tillid up`: the whole system on loopback, embedded where nothing else is configured."""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import time
from dataclasses import replace
from pathlib import Path

from tillid.cli.arguments import port_number
from tillid.cli.demo_data import scale_factor
from tillid.cli.drain import drain
from tillid.config import Settings
from tillid.errors import ConfigError
from tillid.runtime.embedded import port_is_free
from tillid.runtime.drain import DrainFlag
from tillid.runtime.services import running_services
from tillid.runtime.supervisor import BrokerPart, Child, Supervisor, wait_until

DEMO_SEED = 42


def register(sub) -> argparse.ArgumentParser:
    parser = sub.add_parser("up", help="start everything (embedded PostgreSQL and broker, worker, API)",
                            description="Start PostgreSQL and a Kafka-compatible broker (embedded unless "
                                        "TILLID_DATABASE_URL / TILLID_KAFKA are set), the stream worker and the "
                                        "review service on loopback; load the demo organisation on first start.")
    parser.add_argument("--data-dir", type=Path, help="where data lives (default TILLID_DATA_DIR or ./.tillid)")
    parser.add_argument("--api-port", type=port_number,
                        help="port of the review service (default TILLID_API_PORT or 8000)")
    parser.add_argument("--no-demo", action="store_true", help="do not load the demo organisation")
    parser.add_argument("--demo-scale", type=scale_factor, default=1.0,
                        help="size of the demo organisation: 1 is about 9,800 employees (default 1)")
    return parser


def run(args: argparse.Namespace) -> int:
    import asyncio

    settings = Settings.from_env()
    settings = replace(settings, data_dir=args.data_dir or settings.data_dir,
                       api_port=args.api_port or settings.api_port,
                       admin_token=settings.admin_token or secrets.token_urlsafe(24))
    if not port_is_free(settings.api_port, settings.api_host):
        raise ConfigError(f"port {settings.api_port} on {settings.api_host} is in use; choose another with --api-port")
    stops = _install_stop_handlers()
    with running_services(settings) as services:
        settings = services.settings
        embedded_postgres = "postgresql" in services.embedded
        from tillid.streams.topics import ensure_topics

        flag = DrainFlag(settings.data_dir)
        flag.lower()
        asyncio.run(_migrate(settings.database_url))
        ensure_topics(settings)
        if services.broker is not None:
            _send_again_what_the_broker_lost(settings)
        log_dir = settings.data_dir.resolve() / "logs"
        log_dir.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, **settings.as_env()}
        worker = Child("worker", ["worker"], env, log_dir).start()
        api = Child("api", ["api"], env, log_dir).start()
        supervisor = _supervisor(settings, services.broker, worker, api)
        recycler = _broker_recycler(settings, services.broker, supervisor)
        try:
            base = f"http://{settings.api_host}:{settings.api_port}"
            if wait_until(lambda: _healthy(base), 90, "the review service", supervisor, lambda: stops() > 0):
                demo = _load_demo(settings, args) if not args.no_demo else "not loaded (--no-demo)"
                _print_banner(settings, services.embedded, base, demo)
            while not stops():
                supervisor.check()
                if recycler is not None:
                    recycler.check()
                time.sleep(0.5)
            print("Stopping: accepting nothing more, applying what was accepted (Ctrl-C again stops at once) ...",
                  flush=True)
            flag.raise_()
            _drain(settings, supervisor, stops)
        finally:
            worker.stop()
            api.stop()
            flag.lower()
    kept = f" PostgreSQL data is kept in {settings.data_dir}." if embedded_postgres else ""
    print(f"Stopped.{kept}", flush=True)
    return 0


def _supervisor(settings: Settings, broker, worker: Child, api: Child) -> Supervisor:
    """The worker and the review service supervised, and the embedded broker when there is one: after
    it restarts, the topics are created again, what it lost is sent again, and the worker starts afresh
    (a new consumer on the new broker)."""
    from tillid.streams.topics import ensure_topics

    say = lambda line: print(line, flush=True)  # noqa: E731
    if broker is None:
        return Supervisor([worker, api], say=say)

    def after_broker_start() -> None:
        ensure_topics(settings)
        _send_again_what_the_broker_lost(settings)

    broker_part = BrokerPart(broker)
    supervisor = Supervisor([broker_part, worker, api], say=say)
    supervisor.depends(worker, on=broker_part, after_start=after_broker_start)
    return supervisor


def _broker_recycler(settings: Settings, broker, supervisor: Supervisor):
    """The embedded broker started afresh when it holds too much and everything is applied (it keeps every
    event in memory: tillid/runtime/broker_memory.py); None without an embedded broker."""
    if broker is None:
        return None
    from tillid.cli.drain import progress
    from tillid.runtime.broker_memory import BrokerRecycler

    return BrokerRecycler(settings.embedded_broker_max_mib, broker.resident_mib,
                          lambda: progress(settings).done, lambda why: supervisor.restart(BrokerPart.name, why))


def _send_again_what_the_broker_lost(settings: Settings) -> None:
    """The embedded broker starts empty: every accepted event the store has not applied yet is marked to be
    relayed again (docs/streams.md, "The intake")."""
    import asyncio

    count = asyncio.run(_resend_unapplied(settings.database_url))
    if count:
        print(f"{count} accepted events not applied yet are sent to the broker again.", flush=True)


async def _resend_unapplied(url: str) -> int:
    from tillid.store.db import connect
    from tillid.store.intake import resend_unapplied

    conn = await connect(url)
    try:
        return await resend_unapplied(conn)
    finally:
        await conn.close()


def _drain(settings: Settings, supervisor: Supervisor, stops) -> None:
    def supervise() -> None:
        if stops() > 1:
            raise _StopAtOnce
        supervisor.check()

    try:
        drain(settings, settings.drain_seconds, supervise, say=lambda line: print(line, flush=True))
    except _StopAtOnce:
        print("Stopping at once: events posted through the API that are not applied yet stay in the intake "
              "and are applied after the next start.", flush=True)


class _StopAtOnce(Exception):
    """A second Ctrl-C or SIGTERM during the drain."""


def _install_stop_handlers():
    """Count Ctrl-C and SIGTERM: the first starts an orderly stop, a second cuts the drain short."""
    requested = []

    def stop(signum, frame):
        requested.append(signum)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    return lambda: len(requested)


async def _migrate(url: str) -> None:
    from tillid.store.db import connect, migrate

    conn = await connect(url)
    try:
        await migrate(conn)
    finally:
        await conn.close()


def _healthy(base: str) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _load_demo(settings: Settings, args: argparse.Namespace) -> str:
    import asyncio

    known = asyncio.run(_count_employees(settings.database_url))
    if known:
        return f"already loaded ({known} employees in the database)"
    from tillid.competence.demo import generate_events
    from tillid.competence.events import validate
    from tillid.streams.producer import PublishProgress, publish

    print("Publishing the demo organisation (first start only) ...", flush=True)
    progress = PublishProgress(lambda line: print(f"  {line}", flush=True))
    sent = publish(settings, (validate(event) for event in generate_events(seed=DEMO_SEED, scale=args.demo_scale)),
                   progress=progress)
    return f"{sent} events published; the worker is applying them"


async def _count_employees(url: str) -> int:
    from tillid.store.db import connect

    conn = await connect(url)
    try:
        return await conn.fetchval("SELECT count(*) FROM employees")
    finally:
        await conn.close()


def _print_banner(settings: Settings, embedded: list[str], base: str, demo: str) -> None:
    where = f"embedded {' and '.join(embedded)} under {settings.data_dir}" if embedded else "configured services"
    print(f"""
Tillid is running ({where}).
  Pages:        {base}/  (MED committees: {base}/committee/<committee_id>, employees: {base}/me)
  API:          {base}/api  (OpenAPI: {base}/api/openapi.json)
  Health:       {base}/healthz
  Kafka:        {settings.kafka}
  PostgreSQL:   {settings.database_url}
  Admin token:  {settings.admin_token}
  Demo data:    {demo}
Press Ctrl-C to stop.""", flush=True)
