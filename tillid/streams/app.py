"""The faust application of the worker: the ingest loop, the re-matcher and the outbox relay.

faust runs the worker: its services start and stop together, the timers drive
the re-matcher and the outbox relay, its producer sends dead letters and
relayed events, and its worker handles signals and logging. Ingestion does not
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

import faust
from faust.app import BootStrategy

from tillid.competence.taxonomy import default_mapper
from tillid.config import Settings
from tillid.store.db import create_pool, migrate, retry_while_unavailable, transient_as_unavailable
from tillid.store.projection.context import resolve_with_taxonomy
from tillid.store.projection.projector import Projector
from tillid.streams.consumer import BatchConsumer
from tillid.streams.deadletter import DeadLetter
from tillid.streams.ingest import Ingestor
from tillid.streams.rematcher import Rematcher
from tillid.streams.relay import relay_once

log = logging.getLogger("tillid.worker")

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

    async def ready(self) -> Ingestor:
        async with self._ready:
            if self.ingestor is None:
                self.pool = await retry_while_unavailable(self._connect)
                log.info("database connected and migrated")
                # Build the skill mapper's index off the event loop before the first batch needs it.
                await asyncio.to_thread(default_mapper)
                log.info("skill mapper ready; applying events")
                self.ingestor = Ingestor(self.pool, Projector(resolve_skill=resolve_with_taxonomy),
                                         self.send_deadletter, self.settings.topic_prefix)
        return self.ingestor

    async def _connect(self):
        pool = await create_pool(self.settings.database_url, min_size=1, max_size=4)
        async with transient_as_unavailable():
            async with pool.acquire() as conn:
                await migrate(conn)
        return pool

    async def send_deadletter(self, letter: DeadLetter) -> None:
        await self.send(self.settings.topic("tillid.deadletter"), letter.key, letter.value(), letter.headers())

    async def send(self, topic: str, key: bytes | None, value: bytes, headers=None) -> None:
        await self.app.producer.send_and_wait(topic, key, value, partition=None, timestamp=None,
                                              headers=headers)


def create_app(settings: Settings) -> faust.App:
    app = WorkerApp(
        settings.app_id,
        broker=f"kafka://{settings.kafka}",
        store="memory://",
        web_enabled=False,
        datadir=str(settings.data_dir / "worker"),
        producer_acks=-1,
    )
    services = WorkerServices(app, settings)
    app.tillid_services = services
    _add_ingest(app, services)
    _add_relay(app, services)
    _add_rematcher(app, services)
    return app


def _add_ingest(app: faust.App, services: WorkerServices) -> None:
    async def ingest():
        consumer = BatchConsumer(services.settings, await services.ready())
        try:
            await consumer.run()
        except Exception:  # a stop cancels the task: CancelledError is no Exception and passes
            _crash("applying a batch")

    app.task(ingest)


def _add_relay(app: faust.App, services: WorkerServices) -> None:
    async def relay():
        await services.ready()
        try:
            while await retry_while_unavailable(lambda: relay_once(services.pool, services.send,
                                                                   services.settings.topic_prefix)):
                pass
        except Exception:
            _crash("relaying the outbox")

    app.timer(RELAY_INTERVAL_SECONDS, name="tillid.relay")(relay)


def _add_rematcher(app: faust.App, services: WorkerServices) -> None:
    rematcher: list[Rematcher] = []

    async def rematch():
        await services.ready()
        if not rematcher:
            rematcher.append(Rematcher(services.pool, services.settings.rematch_debounce_seconds))
        try:
            issued = await retry_while_unavailable(rematcher[0].run_once)
            if issued:
                log.info("issued %d proposals", issued)
        except Exception:
            # Proposals are derived from the store and acknowledge no events: the dirty scopes stay
            # dirty, so the next tick tries again, and ingestion goes on meanwhile.
            log.exception("re-matching failed; the scopes stay dirty and are tried again")

    app.timer(max(0.2, services.settings.rematch_debounce_seconds / 2), name="tillid.rematch")(rematch)


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
