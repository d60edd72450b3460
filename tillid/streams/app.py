"""The faust application of the worker: the ingest loop, the re-matcher and the outbox relay.

faust runs the worker: its services start and stop together, its tasks run
ingestion, the re-matcher and the outbox relay (each rings the next when it
has written something for it), its producer sends dead letters and relayed
events, and its worker handles signals and logging. Ingestion does not
use faust's per-message streams: the ingest task is a ``BatchConsumer``
(``tillid/streams/consumer.py``, where the reason is measured), a member of the
consumer group ``TILLID_APP_ID`` that applies each fetched batch in
transactions and commits its offsets only after them. An unexpected error stops
the process without committing (crash-only): the events are delivered again
after restart and applied once.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket

import faust
from faust.app import BootStrategy

from tillid.competence.taxonomy import default_mapper
from tillid.config import Settings
from tillid.runtime.garbage import settle_after_start_up
from tillid.store.db import create_pool, migrate, retry_while_unavailable, transient_as_unavailable
from tillid.store.projection.context import resolve_with_taxonomy
from tillid.store.projection.projector import Projector
from tillid.streams.consumer import BatchConsumer
from tillid.streams.deadletter import DeadLetter
from tillid.streams.ingest import Ingestor
from tillid.kafka_security import faust_credentials
from tillid.streams.rematcher import Rematcher
from tillid.store.outbox import relay_once
from tillid.streams.wakeup import Wakeup
from tillid.store import worker_rounds

log = logging.getLogger("tillid.worker")

# Connections: two ingest lanes, the relay, the re-matcher's concurrent allocations, and one to spare.
POOL_SIZE = 7
# How often the re-matcher's round durations are written to the store, where /metrics reads them.
ROUND_TIMES_SECONDS = 5.0
# The relay looks at the outbox this often even unrung. It sends proposals; the review service relays
# the decisions and answers its transactions queue (tillid/review/relay.py).
RELAY_INTERVAL_SECONDS = 0.2


class _WithoutFaustConsumer(BootStrategy):
    """faust's own consumer stays off: the ingest task is the worker's only consumer-group member."""

    enable_kafka_consumer = False


class WorkerApp(faust.App):
    BootStrategy = _WithoutFaustConsumer


class WorkerServices:
    """What the worker's tasks share, created in the worker's event loop on first use."""

    def __init__(self, app: faust.App, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self._ready = asyncio.Lock()
        self.pool = None
        self.ingestor: Ingestor | None = None
        # Rung by ingestion after each batch and by the re-matcher after writing proposal events.
        self.rematch_due = Wakeup()
        self.relay_due = Wakeup()
        self.consumer: BatchConsumer | None = None
        self.rematcher: Rematcher | None = None
        # This process among the workers, in /metrics' ``worker`` label.
        self.worker_id = f"{socket.gethostname()}-{os.getpid()}"

    def ingest_catching_up(self) -> bool:
        return self.consumer is not None and self.consumer.catching_up

    async def ready(self) -> Ingestor:
        async with self._ready:
            if self.ingestor is None:
                self.pool = await retry_while_unavailable(self._connect)
                log.info("database connected and migrated")
                # Read (or, once per taxonomy and code version, fit and save) the skill
                # mapper's index off the event loop before the first batch needs it.
                await asyncio.to_thread(default_mapper, self.settings.data_dir)
                settle_after_start_up()
                log.info("skill mapper ready; applying events")
                self.ingestor = Ingestor(self.pool, Projector(resolve_skill=resolve_with_taxonomy),
                                         self.send_deadletter, self.settings.topic_prefix,
                                         signing_key=self.settings.signing_key())
        return self.ingestor

    async def _connect(self):
        pool = await create_pool(self.settings.database_url, min_size=1, max_size=POOL_SIZE)
        async with transient_as_unavailable():
            async with pool.acquire() as conn:
                await migrate(conn)
        return pool

    async def send_deadletter(self, letter: DeadLetter) -> None:
        await self.send(self.settings.topic("tillid.deadletter"), letter.key, letter.value(), letter.headers())

    async def send(self, topic: str, key: bytes | None, value: bytes, headers=None) -> None:
        await self.app.producer.send_and_wait(topic, key, value, partition=None, timestamp=None,
                                              headers=headers)

    async def publish_all(self, messages) -> None:
        """Send all, then wait for every acknowledgement: one round trip to the broker, not one per message."""
        sent = [await self.app.producer.send(topic, key, value, partition=None, timestamp=None, headers=None)
                for topic, key, value in messages]
        await asyncio.gather(*sent)


def create_app(settings: Settings) -> faust.App:
    app = WorkerApp(
        settings.app_id,
        broker=f"kafka://{settings.kafka}",
        store="memory://",
        web_enabled=False,
        datadir=str(settings.data_dir / "worker"),
        producer_acks=-1,
        broker_credentials=faust_credentials(settings),
    )
    services = WorkerServices(app, settings)
    app.tillid_services = services
    _add_ingest(app, services)
    _add_relay(app, services)
    _add_rematcher(app, services)
    return app


def _add_ingest(app: faust.App, services: WorkerServices) -> None:
    async def ingest():
        consumer = BatchConsumer(services.settings, await services.ready(), on_applied=services.rematch_due.ring)
        services.consumer = consumer
        try:
            await consumer.run()
        except Exception:  # a stop cancels the task: CancelledError is no Exception and passes
            _crash("applying a batch")

    app.task(ingest)


def _add_relay(app: faust.App, services: WorkerServices) -> None:
    async def relay():
        await services.ready()
        try:
            while True:
                while await retry_while_unavailable(lambda: relay_once(services.pool, services.publish_all,
                                                                       services.settings.topic_prefix)):
                    pass
                await services.relay_due.wait(RELAY_INTERVAL_SECONDS)
        except Exception:
            _crash("relaying the outbox")

    app.task(relay)


def _add_rematcher(app: faust.App, services: WorkerServices) -> None:
    async def rematch():
        await services.ready()
        rematcher = Rematcher(services.pool, services.settings.rematch_debounce_seconds,
                              on_published=services.relay_due.ring,
                              decline_quiet_days=services.settings.decline_quiet_days,
                              jobrotation_dkk_per_hour=services.settings.jobrotation_dkk_per_hour,
                              effect_refresh_seconds=services.settings.effect_refresh_seconds)
        services.rematcher = rematcher
        await rematcher.run(services.rematch_due, catching_up=services.ingest_catching_up)

    async def report_round_times():
        await services.ready()
        while True:
            await asyncio.sleep(ROUND_TIMES_SECONDS)
            if services.rematcher is not None:
                await _write_round_times(services)

    app.task(rematch)
    app.task(report_round_times)


async def _write_round_times(services: WorkerServices) -> None:
    """Best effort: a database away now means the next write carries these rounds too."""
    try:
        async with transient_as_unavailable():
            async with services.pool.acquire() as conn:
                await worker_rounds.write(conn, services.worker_id, services.rematcher.round_times)
    except Exception as error:  # metrics must never stop the worker
        log.warning("could not write the re-matcher's round times (%s); trying again", error)


def _crash(doing: str) -> None:
    """Stop at once without acknowledging anything: the events come again after restart."""
    log.exception("unexpected error while %s; stopping the worker so no offset moves past it", doing)
    logging.shutdown()
    os._exit(70)


def run_worker(settings: Settings) -> None:
    from faust.worker import Worker

    app = create_app(settings)
    Worker(app, loglevel=settings.log_level if settings.log_level != "warning" else "warn",
           quiet=True, override_logging=True).execute_from_commandline()
