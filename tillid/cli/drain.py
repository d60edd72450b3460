"""An orderly stop: accept nothing more, then wait until what was accepted is applied.

`tillid up` raises the drain flag (a file in the data directory naming its
process), which makes the review service refuse writes with 503 and
``Retry-After``; then it waits until the intake holds nothing the store has
not applied, the outbox is relayed and the worker has committed everything on
its topics (at most ``TILLID_DRAIN_SECONDS``), printing progress, and only
then stops the parts. What a drain that ran out of time leaves is applied after
the next start: it is in the intake, the outbox or PostgreSQL's parking.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

from tillid.config import Settings

PROGRESS_SECONDS = 5.0
POLL_SECONDS = 0.5


@dataclass(frozen=True)
class Progress:
    intake: int | None  # accepted events the store has not applied yet (None: PostgreSQL did not answer)
    outbox: int | None  # events the store wrote that are not relayed yet
    lag: int | None  # records read on the worker's topics past its committed offsets (None: Kafka did not answer)

    @property
    def done(self) -> bool:
        return self.intake == 0 and self.outbox == 0 and self.lag == 0

    def describe(self) -> str:
        def shown(value: int | None) -> str:
            return "?" if value is None else f"{value:,}"

        return (f"{shown(self.intake)} accepted events not applied yet, {shown(self.outbox)} outbox events "
                f"not relayed, {shown(self.lag)} records the worker has not committed (or more)")


def progress(settings: Settings) -> Progress:
    """Intake and outbox first, then the lag: once both are empty, a zero lag means their events
    were applied too."""
    import asyncio  # here, not at the top: `tillid --help` imports this module and must start fast

    intake, outbox = asyncio.run(_backlog(settings.database_url))
    return Progress(intake, outbox, consumer_lag(settings))


async def _backlog(url: str) -> tuple[int | None, int | None]:
    from tillid.errors import DatabaseUnavailable
    from tillid.store.db import connect
    from tillid.store.intake import backlog

    try:
        conn = await connect(url, timeout=5)
    except DatabaseUnavailable:
        return None, None
    try:
        found = await backlog(conn)
        return found.intake, found.outbox
    except DatabaseUnavailable:
        return None, None
    finally:
        await conn.close()


def consumer_lag(settings: Settings, timeout: float = 5.0) -> int | None:
    """Records on the topics the worker consumes at or past the offsets its group committed (0 when
    it has committed everything); None when Kafka does not answer.

    The records are read rather than counted from end offsets: the embedded broker reports as the
    end of a partition the first offset of its last batch plus one, which would hide the rest of that
    batch.
    """
    from kafka import KafkaConsumer, TopicPartition
    from kafka.errors import KafkaError

    from tillid.streams.topics import CONSUMED_TOPICS

    from tillid.errors import BrokerUnavailable
    from tillid.kafka_security import kafka_python_options
    from tillid.runtime.services import require_reachable_kafka

    try:
        require_reachable_kafka(settings.kafka, timeout)  # the client would wait half a minute
    except BrokerUnavailable:
        return None
    timeout_ms = int(timeout * 1000)
    try:
        group = KafkaConsumer(bootstrap_servers=settings.kafka, group_id=settings.app_id, enable_auto_commit=False,
                              request_timeout_ms=timeout_ms + 1000, **kafka_python_options(settings))
        reader = KafkaConsumer(bootstrap_servers=settings.kafka, group_id=None, enable_auto_commit=False,
                               request_timeout_ms=timeout_ms + 1000, fetch_max_wait_ms=100,
                               **kafka_python_options(settings))
    except KafkaError:
        return None
    try:
        partitions = [TopicPartition(topic, partition) for topic in map(settings.topic, CONSUMED_TOPICS)
                      for partition in sorted(group.partitions_for_topic(topic) or ())]
        reader.assign(partitions)
        for tp in partitions:
            reader.seek(tp, group.committed(tp, timeout_ms=timeout_ms) or 0)
        unread = 0
        for _ in range(2):  # the first poll may answer before every partition was fetched
            unread += sum(len(records) for records in reader.poll(timeout_ms=500, max_records=10_000).values())
        return unread
    except KafkaError:
        return None
    finally:
        group.close()
        reader.close()


def drain(settings: Settings, seconds: float, supervise: Callable[[], None],
          say: Callable[[str], None] = print) -> bool:
    """Wait until everything accepted is applied, at most ``seconds``; True when it was."""
    started = time.monotonic()
    said_at = started
    while True:
        supervise()
        found = progress(settings)
        waited = time.monotonic() - started
        if found.done:
            say(f"Everything accepted is applied ({waited:.1f} s).")
            return True
        if waited >= seconds:
            say(f"Stopping before everything accepted is applied ({found.describe()}; TILLID_DRAIN_SECONDS="
                f"{seconds:g}): events posted through the API stay in the intake and are applied after "
                "the next start.")
            return False
        if time.monotonic() - said_at >= PROGRESS_SECONDS:
            say(f"Draining: {found.describe()} ({seconds - waited:.0f} s left).")
            said_at = time.monotonic()
        time.sleep(POLL_SECONDS)
