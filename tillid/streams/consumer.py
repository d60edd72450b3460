"""The worker's ingest loop: one member of the consumer group, reading every consumed topic in batches.

Why batches straight from aiokafka and not faust's streams: faust hands every
message through its conductor and stream on its own (a task and futures per
message). Measured on the demo stream, faust's agents top out near 10,000
events/s while only counting (docs/benchmarks.md, "Stream ingest"), below the
20,000 the worker must sustain. Here a fetched batch is decoded, validated and
applied in one transaction, and its offsets are committed after that
transaction, never before: a crash anywhere means the batch is read again, and
the processed-event ids make the second application a no-op.

Two stages overlap: while PostgreSQL applies batch n, the next batch is fetched
and decoded. Batches are still applied one after the other, in the order read,
so every partition is applied in order.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from typing import Mapping, Sequence

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.abc import ConsumerRebalanceListener
from aiokafka.errors import KafkaError

from tillid.config import Settings
from tillid.streams.ingest import Ingestor, RawMessage
from tillid.streams.topics import CONSUMED_TOPICS

log = logging.getLogger("tillid.worker")

BATCH_SIZE = 5000
POLL_TIMEOUT_MS = 200
REBALANCE_TIMEOUT_MS = 6000
SESSION_TIMEOUT_MS = 10000
HEARTBEAT_INTERVAL_MS = 1000
# How long a rebalance waits for the batch in flight to commit before it lets the partitions go.
REVOKE_WAIT_SECONDS = 5.0


@dataclass(frozen=True)
class Batch:
    messages: list[RawMessage]
    offsets: dict[TopicPartition, int]  # the next offset to read, per partition: what a commit records

    @classmethod
    def from_records(cls, records: Mapping[TopicPartition, Sequence[ConsumerRecord]]) -> "Batch":
        messages = [RawMessage(r.topic, r.partition, r.offset, r.key, r.value)
                    for rs in records.values() for r in rs]
        return cls(messages, {tp: rs[-1].offset + 1 for tp, rs in records.items() if rs})


class BatchConsumer:
    def __init__(self, settings: Settings, ingestor: Ingestor, *, batch_size: int = BATCH_SIZE,
                 topics: Sequence[str] = CONSUMED_TOPICS) -> None:
        self.settings = settings
        self.ingestor = ingestor
        self.batch_size = batch_size
        self.topics = [settings.topic(name) for name in topics]
        self.in_flight: asyncio.Task | None = None
        self.consumer = AIOKafkaConsumer(
            bootstrap_servers=settings.kafka, group_id=settings.app_id, client_id=f"{settings.app_id}-ingest",
            enable_auto_commit=False, auto_offset_reset="earliest",
            rebalance_timeout_ms=REBALANCE_TIMEOUT_MS, session_timeout_ms=SESSION_TIMEOUT_MS,
            heartbeat_interval_ms=HEARTBEAT_INTERVAL_MS)

    async def run(self) -> None:
        """Consume until cancelled. Offsets of a batch not yet applied are never committed."""
        self.consumer.subscribe(self.topics, listener=_Rebalance(self))
        await self.consumer.start()
        try:
            while True:
                records = await self.consumer.getmany(timeout_ms=POLL_TIMEOUT_MS, max_records=self.batch_size)
                if not records:
                    await self._settle()
                    continue
                batch = Batch.from_records(records)
                prepared = self.ingestor.prepare(batch.messages)
                await self._settle()
                self.in_flight = asyncio.create_task(self._apply_and_commit(prepared, batch.offsets))
        finally:
            await self._abandon()
            await self.consumer.stop()

    async def _apply_and_commit(self, prepared, offsets: dict[TopicPartition, int]) -> None:
        await self.ingestor.apply(prepared)
        try:
            await self.consumer.commit(offsets)
        except KafkaError as error:
            # The store has the effect; whoever reads these partitions next finds the events applied.
            log.warning("could not commit offsets after applying a batch (%s); they will be read again", error)

    async def _settle(self) -> None:
        """Wait for the batch in flight; its errors (crash-only) surface here."""
        task, self.in_flight = self.in_flight, None
        if task is not None:
            await task

    async def _abandon(self) -> None:
        task, self.in_flight = self.in_flight, None
        if task is not None and not task.done():
            log.warning("stopping while a batch is not applied; exiting without committing it, "
                        "so it will be read again")
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    async def wait_for_in_flight(self, timeout: float) -> None:
        task = self.in_flight
        if task is not None and not task.done():
            await asyncio.wait({task}, timeout=timeout)


class _Rebalance(ConsumerRebalanceListener):
    def __init__(self, owner: BatchConsumer) -> None:
        self.owner = owner

    async def on_partitions_revoked(self, revoked) -> None:
        # Let the batch in flight commit, so that the next owner does not apply it again.
        await self.owner.wait_for_in_flight(REVOKE_WAIT_SECONDS)

    async def on_partitions_assigned(self, assigned) -> None:
        table: dict[str, list[int]] = {}
        for tp in sorted(assigned):
            table.setdefault(tp.topic, []).append(tp.partition)
        log.info("assigned partitions: %s", json.dumps(table, sort_keys=True))
