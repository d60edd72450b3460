"""The worker's ingest loop: one member of the consumer group, reading every consumed topic in batches.

Why batches straight from aiokafka and not faust's streams: faust hands every
message through its conductor and stream on its own (a task and futures per
message). Measured on the demo stream, faust agents that only count read
fewer events per second than the worker is to sustain (docs/benchmarks.md,
"Stream ingest"), before they have done anything with them. Here a fetched
batch is decoded, validated and applied in transactions, and its offsets are
committed after them, never before: a crash anywhere means the batch is read
again, and the processed-event ids make the second application a no-op.

The partitions are split into lanes by partition number (an organisation's
events carry the same key on every topic, so they share a partition number and
one lane). Each lane applies its part of each batch in a transaction of its
own, in the order the batches were read, so every partition is applied in
order; the lanes do not wait for each other. Up to two batches are in flight:
while PostgreSQL applies a lane of batch n, the other lane may already apply
its part of batch n+1, and the next batch is fetched and decoded. A batch's
offsets are committed once all its lanes have applied it and the batch before
it is committed, so offsets never move past unapplied work.

Referents first: while a partition of ``org.structure`` or ``hr.employees``
has records not yet read, the next batch is taken from those topics alone.
Kafka orders each partition, not the topics among each other; a bulk load read
in any order would park most competences and assignments until their employee
arrives (and release them later, each costing three more writes). Reading the
referents ahead avoids that work; when they are caught up, every topic is read
at once.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.abc import ConsumerRebalanceListener
from aiokafka.errors import IllegalStateError, KafkaError

from tillid.config import Settings
from tillid.streams.ingest import Ingestor, Prepared, RawMessage
from tillid.kafka_security import aiokafka_options
from tillid.streams.topics import CONSUMED_TOPICS

log = logging.getLogger("tillid.worker")

BATCH_SIZE = 5000
PREPARE_SLICE = 250
APPLY_LANES = 2
# Batches read and decoded but not yet committed: the next one is decoded and applied while one is.
MAX_IN_FLIGHT = 2
POLL_TIMEOUT_MS = 200
REBALANCE_TIMEOUT_MS = 6000
SESSION_TIMEOUT_MS = 10000
HEARTBEAT_INTERVAL_MS = 1000
# How long a rebalance waits for the batch in flight to commit before it lets the partitions go.
REVOKE_WAIT_SECONDS = 5.0
# Topics read ahead of the rest while they lag: they announce what other events refer to.
REFERENT_TOPICS: tuple[str, ...] = ("org.structure", "hr.employees")


@dataclass(frozen=True)
class Batch:
    messages: list[RawMessage]
    offsets: dict[TopicPartition, int]  # the next offset to read, per partition: what a commit records

    @classmethod
    def from_records(cls, records: Mapping[TopicPartition, Sequence[ConsumerRecord]],
                     topic_order: Sequence[str]) -> "Batch":
        """Partitions in the order of ``topic_order``, each in offset order. Partitions are independent,
        so any order is correct; referents first (workplaces, then employees, then what refers to
        them) means fewer events wait parked for a referent later in the same batch."""
        rank = {topic: index for index, topic in enumerate(topic_order)}
        ordered = sorted(records.items(), key=lambda item: (rank.get(item[0].topic, len(rank)), item[0].partition))
        messages: list[RawMessage] = [record for _, records_of_tp in ordered for record in records_of_tp]
        return cls(messages, {tp: rs[-1].offset + 1 for tp, rs in ordered if rs})

    def lanes(self, count: int) -> dict[int, list[RawMessage]]:
        """The messages by lane (partition number modulo ``count``), each lane in batch order; empty
        lanes left out. A partition is always in the same lane, batch after batch."""
        lanes: dict[int, list[RawMessage]] = {}
        for message in self.messages:
            lanes.setdefault((message.partition or 0) % count, []).append(message)
        return lanes


class BatchConsumer:
    def __init__(self, settings: Settings, ingestor: Ingestor, *, batch_size: int = BATCH_SIZE,
                 topics: Sequence[str] = CONSUMED_TOPICS, on_applied: Callable[[], None] = lambda: None) -> None:
        self.settings = settings
        self.ingestor = ingestor
        # Called once a batch's transactions have committed (the re-matcher then looks for ripe scopes).
        self.on_applied = on_applied
        self.batch_size = batch_size
        self.topics = [settings.topic(name) for name in topics]
        self.referent_topics = [settings.topic(name) for name in REFERENT_TOPICS if name in topics]
        # Commit tasks of the batches in flight, oldest first; each lane's latest apply task.
        self.in_flight: list[asyncio.Task] = []
        self.lane_tails: dict[int, asyncio.Task] = {}
        # More than a batch is waiting on the broker (a bulk load, a restart after an outage).
        self.catching_up = False
        self.consumer = AIOKafkaConsumer(
            bootstrap_servers=settings.kafka, group_id=settings.app_id, client_id=f"{settings.app_id}-ingest",
            enable_auto_commit=False, auto_offset_reset="earliest",
            rebalance_timeout_ms=REBALANCE_TIMEOUT_MS, session_timeout_ms=SESSION_TIMEOUT_MS,
            heartbeat_interval_ms=HEARTBEAT_INTERVAL_MS, **aiokafka_options(settings))

    async def run(self) -> None:
        """Consume until cancelled. Offsets of a batch not yet applied are never committed."""
        self.consumer.subscribe(self.topics, listener=_Rebalance(self))
        await self.consumer.start()
        try:
            while True:
                records = await self._next_records()
                self.catching_up = await self._backlog() > self.batch_size
                if not records:
                    await self._settle()
                    continue
                batch = Batch.from_records(records, self.topics)
                lanes = {lane: await self._prepare(messages) for lane, messages in batch.lanes(APPLY_LANES).items()}
                await self._settle(keep=MAX_IN_FLIGHT - 1)
                self._start(lanes, batch.offsets)
        finally:
            await self._abandon()
            await self.consumer.stop()

    async def _next_records(self) -> dict[TopicPartition, list[ConsumerRecord]]:
        """The first referent topic that lags, alone (possibly nothing yet: its records are on the way);
        when none lags, every topic."""
        for topic in self.referent_topics:
            lagging = await self._lagging(topic)
            if lagging:
                return await self.consumer.getmany(*lagging, timeout_ms=POLL_TIMEOUT_MS, max_records=self.batch_size)
        return await self.consumer.getmany(timeout_ms=POLL_TIMEOUT_MS, max_records=self.batch_size)

    async def _backlog(self) -> int:
        """Records on the broker this worker has not read yet, as far as the last fetches know."""
        return sum([await self._unread(tp) or 0 for tp in self.consumer.assignment()])

    async def _lagging(self, topic: str) -> list[TopicPartition]:
        """This worker's partitions of ``topic`` with records not yet read, as far as the last fetch knows;
        a partition not fetched yet (no highwater known) may have some."""
        return [tp for tp in self.consumer.assignment() if tp.topic == topic and await self._unread(tp) != 0]

    async def _unread(self, tp: TopicPartition) -> int | None:
        """Records of ``tp`` not read yet: None when no fetch has told the highwater yet, 0 when the
        partition was revoked by a rebalance meanwhile."""
        highwater = self.consumer.highwater(tp)
        if highwater is None:
            return None
        try:
            return max(0, highwater - await self.consumer.position(tp))
        except IllegalStateError:
            return 0

    async def _prepare(self, messages: list[RawMessage]) -> Prepared:
        """Decode in slices, yielding between them, so that the batch in flight gets its turns on the
        event loop (its statements' results come back meanwhile) instead of waiting for all of this."""
        envelopes, letters = [], []
        for start in range(0, len(messages), PREPARE_SLICE):
            part = self.ingestor.prepare(messages[start:start + PREPARE_SLICE])
            envelopes.extend(part.envelopes)
            letters.extend(part.letters)
            await asyncio.sleep(0)
        return Prepared(envelopes, letters)

    def _start(self, lanes: dict[int, Prepared], offsets: dict[TopicPartition, int]) -> None:
        """Each lane's part applied after the lane's part of the batch before; then the commit."""
        applies = []
        for lane, prepared in lanes.items():
            task = asyncio.create_task(self._apply_after(self.lane_tails.get(lane), prepared))
            self.lane_tails[lane] = task
            applies.append(task)
        previous = self.in_flight[-1] if self.in_flight else None
        self.in_flight.append(asyncio.create_task(self._commit_after(previous, applies, offsets)))

    async def _apply_after(self, before: asyncio.Task | None, prepared: Prepared) -> None:
        if before is not None:
            await before  # its failure is this lane's too: nothing after it may be applied
        await self.ingestor.apply(prepared)

    async def _commit_after(self, previous: asyncio.Task | None, applies: list[asyncio.Task],
                            offsets: dict[TopicPartition, int]) -> None:
        results = await asyncio.gather(*applies, return_exceptions=True)
        if previous is not None:
            await previous
        for result in results:
            if isinstance(result, BaseException):
                raise result
        self.on_applied()
        # Partitions a rebalance took away meanwhile are not ours to commit; their next owner reads the
        # batch's events again and finds them applied.
        assigned = self.consumer.assignment()
        offsets = {tp: offset for tp, offset in offsets.items() if tp in assigned}
        if not offsets:
            return
        try:
            await self.consumer.commit(offsets)
        except KafkaError as error:
            # The store has the effect; whoever reads these partitions next finds the events applied.
            log.warning("could not commit offsets after applying a batch (%s); they will be read again", error)

    async def _settle(self, keep: int = 0) -> None:
        """Wait until at most ``keep`` batches are in flight; their errors (crash-only) surface here."""
        while len(self.in_flight) > keep:
            await self.in_flight.pop(0)

    async def _abandon(self) -> None:
        tasks = [*self.in_flight, *self.lane_tails.values()]
        self.in_flight, self.lane_tails = [], {}
        if any(not task.done() for task in tasks):
            log.warning("stopping while a batch is not applied; exiting without committing it, "
                        "so it will be read again")
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def wait_for_in_flight(self, timeout: float) -> None:
        pending = {task for task in self.in_flight if not task.done()}
        if pending:
            await asyncio.wait(pending, timeout=timeout)


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
