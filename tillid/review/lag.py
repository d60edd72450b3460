"""How far the worker is behind: records on its topics past the offsets its consumer group committed.

Measured in the background every ``REFRESH_SECONDS`` with one kept client, never on request: /readyz
and /metrics read the latest measurement. Per partition the lag is the end offset minus the committed
offset, or, when that says little, the records actually there past the committed offset, read (at
most ``cap`` in all): the embedded broker (Tansu) reports as a partition's end the first offset of
its last batch plus one, which would hide the rest of that batch (as ``tillid/cli/drain.py`` found).
So on Kafka the lag is exact; on the embedded broker it is exact below the cap and a lower bound
above it, which is all readiness needs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass
from typing import Any, Mapping

from tillid.config import Settings
from tillid.competence.events.topics import CONSUMED_TOPICS

log = logging.getLogger("tillid.api")

REFRESH_SECONDS = 5.0
TIMEOUT_SECONDS = 5.0
# A measurement older than this is no measurement: the broker stopped answering.
STALE_SECONDS = 3 * REFRESH_SECONDS + TIMEOUT_SECONDS
READ_WAIT_MS = 500


@dataclass(frozen=True)
class Lag:
    """Records not yet committed per (topic without prefix, partition), measured at ``measured_at``
    (monotonic seconds)."""

    partitions: Mapping[tuple[str, int], int]
    measured_at: float

    @property
    def total(self) -> int:
        return sum(self.partitions.values())


class ConsumerLag:
    """The lag of consumer group ``TILLID_APP_ID``, kept up to date by ``run``."""

    def __init__(self, settings: Settings, security: Mapping[str, Any] | None = None,
                 refresh_seconds: float = REFRESH_SECONDS, clock=time.monotonic) -> None:
        """``security``: the client's TLS and SASL options, if any."""
        self.settings = settings
        self.security = dict(security or {})
        self.refresh_seconds = refresh_seconds
        self.clock = clock
        self.cap = settings.ready_max_lag + 1  # reading more would tell readiness nothing new
        self.latest: Lag | None = None
        # Wall-clock start of the latest measurement that found nothing uncommitted: everything the
        # broker had acknowledged before then is applied (the worker commits only what it applied).
        self.caught_up_at: float | None = None
        self._caught_up: bool | None = None  # as last logged
        self.problem = "not measured yet"
        self._consumer = None

    def current(self) -> Lag | None:
        """The latest measurement, if it is recent."""
        if self.latest is None or self.clock() - self.latest.measured_at > STALE_SECONDS:
            return None
        return self.latest

    def readiness(self) -> tuple[bool, str]:
        """(ready, what /readyz says about the lag)."""
        lag = self.current()
        limit = self.settings.ready_max_lag
        if lag is None:
            return False, f"unknown: {self.problem}"
        if lag.total >= limit:
            return False, f"behind: {lag.total} records not committed (TILLID_READY_MAX_LAG {limit})"
        return True, f"ok: {lag.total} records not committed"

    async def run(self) -> None:
        """Measure every ``refresh_seconds`` until cancelled."""
        try:
            while True:
                await self.refresh()
                await asyncio.sleep(self.refresh_seconds)
        finally:
            await self.close()

    async def refresh(self) -> None:
        if not self.settings.kafka:
            self.problem = "TILLID_KAFKA is not set"
            return
        started = time.time()
        try:
            async with asyncio.timeout(TIMEOUT_SECONDS + READ_WAIT_MS * 2 / 1000):
                partitions, readable = await self._measure()
            self.latest = Lag(partitions, self.clock())
            caught_up = bool(partitions) and readable == 0
            if caught_up != self._caught_up:
                log.info("the worker %s (%d records past its committed offsets by the end offsets, %s readable)",
                         "is caught up" if caught_up else "is behind", sum(partitions.values()),
                         "not read" if readable is None else readable)
                self._caught_up = caught_up
            if caught_up:
                self.caught_up_at = started
        except Exception as error:  # a measurement reports any failure as its reason, never raises
            self.problem = f"the broker did not answer ({type(error).__name__})"
            log.log(logging.INFO if self._caught_up is not None else logging.DEBUG,
                    "could not measure the consumer lag: %r", error)
            self._caught_up = None
            await self.close()

    async def _measure(self) -> tuple[dict[tuple[str, int], int], int | None]:
        """The lag per (topic without prefix, partition), and how many records could be read past the
        committed offsets (None when the lag was too large to read them)."""
        from aiokafka import TopicPartition

        consumer = await self._client()
        await consumer.topics()  # fresh metadata: topics and partitions created since
        prefix = self.settings.topic_prefix
        wanted = [TopicPartition(self.settings.topic(name), partition) for name in CONSUMED_TOPICS
                  for partition in sorted(consumer.partitions_for_topic(self.settings.topic(name)) or ())]
        if not wanted:
            return {}, None
        consumer.assign(wanted)
        beginnings = await consumer.beginning_offsets(wanted)
        ends = await consumer.end_offsets(wanted)
        starts = {}
        for tp in wanted:
            committed = await consumer.committed(tp)
            starts[tp] = beginnings[tp] if committed is None else committed
        lag = {tp: max(0, ends[tp] - starts[tp]) for tp in wanted}
        readable: int | None = None
        if sum(lag.values()) < self.cap:
            found = await self._read_past(consumer, starts)
            for tp, count in found.items():
                lag[tp] = max(lag[tp], count)
            # Caught up means no record to read past the committed offsets, whatever the end offsets say: a
            # broker that lost acknowledged records may leave its end offsets past what it can still serve.
            readable = sum(found.values())
        return {(tp.topic.removeprefix(prefix), tp.partition): records for tp, records in lag.items()}, readable

    async def _read_past(self, consumer, starts) -> dict[Any, int]:
        """Records there from each partition's start on, at most ``cap`` in all."""
        for tp, offset in starts.items():
            consumer.seek(tp, offset)
        found: dict[Any, int] = {}
        for _ in range(2):  # the first fetch may answer before every partition was fetched
            left = self.cap - sum(found.values())
            if left <= 0:
                break
            batches = await consumer.getmany(timeout_ms=READ_WAIT_MS, max_records=left)
            for tp, records in batches.items():
                found[tp] = found.get(tp, 0) + len(records)
        return found

    async def _client(self):
        """One consumer kept across measurements: a member of no group (it only assigns partitions)
        that reads the group's committed offsets and commits nothing."""
        if self._consumer is None:
            from aiokafka import AIOKafkaConsumer

            consumer = AIOKafkaConsumer(
                bootstrap_servers=self.settings.kafka, group_id=self.settings.app_id,
                client_id="tillid-api-lag", enable_auto_commit=False, auto_offset_reset="earliest",
                request_timeout_ms=int(TIMEOUT_SECONDS * 1000), **self.security)
            await consumer.start()
            self._consumer = consumer
        return self._consumer

    async def close(self) -> None:
        consumer, self._consumer = self._consumer, None
        if consumer is not None:
            with contextlib.suppress(Exception):  # closing a broken connection must not mask the reason
                await consumer.stop()
