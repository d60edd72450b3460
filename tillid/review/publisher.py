"""The review service's producer: it relays the decisions and answers made here (``tillid/review/relay.py``)
and the events POST /api/events accepted into the intake (``tillid/review/intake_relay.py``); an aiokafka
producer owned by the app.

The producer is started in the app's lifespan when Kafka is there, and
started on first use otherwise, so the service runs, accepts events into the
intake and reports the broker in /healthz while Kafka is away; the events
wait in the intake meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Sequence

from tillid.config import Settings
from tillid.errors import BrokerUnavailable
from tillid.kafka_security import aiokafka_options

log = logging.getLogger("tillid.api")
TIMEOUT_SECONDS = 10.0


class EventPublisher:
    def __init__(self, settings: Settings, timeout: float = TIMEOUT_SECONDS) -> None:
        self.settings = settings
        self.timeout = timeout
        self._producer = None
        self._lock = asyncio.Lock()

    async def start(self) -> None:
        """Connect now if possible; a broker that is away is only logged."""
        try:
            await self._ensure_started()
        except BrokerUnavailable as error:
            log.warning("Kafka not reachable at start: %s", error)

    async def _ensure_started(self):
        async with self._lock:
            if self._producer is not None:
                return self._producer
            if not self.settings.kafka:
                raise BrokerUnavailable("Kafka is not configured (TILLID_KAFKA)")
            from aiokafka import AIOKafkaProducer
            from aiokafka.errors import KafkaError

            producer = AIOKafkaProducer(bootstrap_servers=self.settings.kafka, acks="all",
                                        client_id="tillid-api", request_timeout_ms=int(self.timeout * 1000),
                                        **aiokafka_options(self.settings))
            try:
                async with asyncio.timeout(self.timeout):
                    await _ensure_input_topics(self.settings)
                    await producer.start()
            except (KafkaError, OSError, asyncio.TimeoutError, BrokerUnavailable) as error:
                await _close_quietly(producer)
                raise BrokerUnavailable(f"Kafka unavailable at {self.settings.kafka}: "
                                        f"{type(error).__name__}: {error}") from None
            self._producer = producer
            return producer

    async def publish_all(self, messages: Sequence[tuple[str, bytes, bytes]]) -> None:
        """Send (topic, key, value) messages as they are (the outbox and intake relays); wait for every acknowledgement."""
        producer = await self._ensure_started()
        from aiokafka.errors import KafkaError

        try:
            async with asyncio.timeout(self.timeout * 2):
                await asyncio.gather(*[await producer.send(topic, value=value, key=key)
                                       for topic, key, value in messages])
        except (KafkaError, OSError, asyncio.TimeoutError) as error:
            # A producer that lost its broker may never find it again (aiokafka keeps asking the node it
            # knew): the next try starts afresh from the bootstrap servers.
            await self.stop()
            raise BrokerUnavailable(f"publishing to Kafka failed: {type(error).__name__}: {error}") from None

    async def stop(self) -> None:
        if self._producer is not None:
            await _close_quietly(self._producer)
            self._producer = None


async def _ensure_input_topics(settings: Settings) -> None:
    """Create the input topics that do not exist yet (as the worker does), so a first post does not wait."""
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic
    from aiokafka.errors import TopicAlreadyExistsError

    from tillid.competence.events import INPUT_TOPICS, OUTPUT_TOPICS

    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka, client_id="tillid-api-admin",
                                **aiokafka_options(settings))
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        for name in (settings.topic(topic) for topic in INPUT_TOPICS + OUTPUT_TOPICS):
            if name not in existing:
                try:
                    await admin.create_topics([NewTopic(name, num_partitions=settings.partitions,
                                                        replication_factor=1,
                                                        topic_configs=settings.topic_configs())])
                except TopicAlreadyExistsError:
                    pass
    finally:
        await _close_quietly(admin, "close")


async def _close_quietly(producer, method: str = "stop") -> None:
    try:
        await getattr(producer, method)()
    except Exception as error:  # closing a broken connection must not mask the original problem
        log.debug("closing the Kafka producer: %s", error)
