"""The faust application: one thin agent per consumed topic, the re-matcher and the outbox relay.

Each agent takes batches of events, hands them to the ``Ingestor`` (decode,
validate, apply, mark dirty) and acknowledges them only when it returns; a
batch that cannot be applied yet is retried, never acknowledged. An
unexpected error stops the process without acknowledging (crash-only): the
events are delivered again after restart and applied once. So does a stop
requested while a batch is not yet applied.
"""

from __future__ import annotations

import asyncio
import logging
import os

import faust

from tillid.competence.taxonomy import default_mapper
from tillid.config import Settings
from tillid.store.db import create_pool, migrate, retry_while_unavailable, transient_as_unavailable
from tillid.store.projection.context import resolve_with_taxonomy
from tillid.store.projection.projector import Projector
from tillid.streams.deadletter import DeadLetter
from tillid.streams.ingest import Ingestor, RawMessage
from tillid.streams.rematcher import Rematcher
from tillid.streams.relay import relay_once
from tillid.streams.topics import CONSUMED_TOPICS

log = logging.getLogger("tillid.worker")

BATCH_SIZE = 2000
BATCH_WITHIN_SECONDS = 0.05
RELAY_INTERVAL_SECONDS = 0.2
REBALANCE_TIMEOUT_SECONDS = 6.0
SESSION_TIMEOUT_SECONDS = 10.0
HEARTBEAT_SECONDS = 1.0


class WorkerServices:
    """What the agents share, created in the worker's event loop on first use."""

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
    app = faust.App(
        settings.app_id,
        broker=f"kafka://{settings.kafka}",
        store="memory://",
        web_enabled=False,
        topic_partitions=settings.partitions,
        topic_allow_declare=True,
        consumer_auto_offset_reset="earliest",
        datadir=str(settings.data_dir / "worker"),
        producer_acks=-1,
        # The first join of a consumer group waits up to the rebalance timeout for
        # other members; a short one lets a lone worker start in seconds.
        broker_rebalance_timeout=REBALANCE_TIMEOUT_SECONDS,
        broker_session_timeout=SESSION_TIMEOUT_SECONDS,
        broker_heartbeat_interval=HEARTBEAT_SECONDS,
        stream_wait_empty=False,
    )
    services = WorkerServices(app, settings)
    app.tillid_services = services
    for name in CONSUMED_TOPICS:
        _add_ingest_agent(app, services, name)
    _add_relay(app, services)
    _add_rematcher(app, services)
    return app


def _add_ingest_agent(app: faust.App, services: WorkerServices, name: str) -> None:
    topic = app.topic(services.settings.topic(name), key_type=bytes, value_type=bytes,
                      key_serializer="raw", value_serializer="raw")

    async def ingest(stream):
        ingestor = await services.ready()
        async for events in stream.take_events(BATCH_SIZE, within=BATCH_WITHIN_SECONDS):
            messages = [RawMessage(e.message.topic, e.message.partition, e.message.offset,
                                   e.message.key, e.message.value) for e in events]
            try:
                await ingestor.handle(messages)
            except asyncio.CancelledError:
                _stop_unacknowledged(f"a batch from {name}")
            except Exception:
                _crash(f"applying a batch from {name}")

    app.agent(topic, name=f"tillid.ingest.{name}")(ingest)


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


def _stop_unacknowledged(batch: str) -> None:
    """Stopped (SIGTERM, shutdown) while a batch was not yet applied, e.g. waiting for the database.

    Returning would let faust's ``take_events`` acknowledge the batch as its generator closes, and the
    consumer commit those offsets on its way down: the events would be lost. Exit at once instead; the
    batch comes again to whichever worker owns its partitions next.
    """
    log.warning("stopping while %s is not applied; exiting without acknowledging it", batch)
    logging.shutdown()
    os._exit(0)


def run_worker(settings: Settings) -> None:
    from faust.worker import Worker

    app = create_app(settings)
    Worker(app, loglevel=settings.log_level if settings.log_level != "warning" else "warn",
           quiet=True, override_logging=True).execute_from_commandline()
