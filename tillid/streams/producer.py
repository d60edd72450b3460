"""The synchronous producer used by `tillid publish` and `tillid up` (kafka-python)."""

from __future__ import annotations

import time
from typing import Callable, Iterable

from tillid.competence.events import Keyer, encode
from tillid.config import Settings
from tillid.errors import BrokerUnavailable
from tillid.kafka_security import kafka_python_options


class PublishProgress:
    """Says how far a long publish has come, at most once every ``every_seconds`` (a bulk load of a
    large organisation takes minutes and would otherwise be silent)."""

    def __init__(self, say: Callable[[str], None], every_seconds: float = 5.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.say = say
        self.every = every_seconds
        self.clock = clock
        self.started = clock()
        self.next_at = self.started + every_seconds

    def sent(self, count: int) -> None:
        now = self.clock()
        if now < self.next_at:
            return
        self.next_at = now + self.every
        self.say(f"published {count:,} events so far ({count / max(now - self.started, 1e-9):,.0f} events/s)")


def publish(settings: Settings, envelopes: Iterable, keyer: Keyer | None = None,
            progress: PublishProgress | None = None) -> int:
    """Send validated envelopes to their topics, keyed by organisation; returns how many."""
    from kafka import KafkaProducer
    from kafka.errors import KafkaError

    keyer = keyer or Keyer()
    try:
        producer = KafkaProducer(bootstrap_servers=settings.kafka, acks="all", linger_ms=20, batch_size=256 * 1024,
                                 client_id="tillid-publish", **kafka_python_options(settings))
    except KafkaError as error:
        raise BrokerUnavailable(f"cannot reach Kafka at {settings.kafka}: {error}") from None
    sent = 0
    try:
        for envelope in envelopes:
            producer.send(settings.topic(envelope.topic), key=keyer.key(envelope).encode("utf-8"),
                          value=encode(envelope))
            sent += 1
            if progress is not None:
                progress.sent(sent)
        producer.flush()
    except KafkaError as error:
        raise BrokerUnavailable(f"publishing to Kafka at {settings.kafka} failed: {error}") from None
    finally:
        producer.close()
    return sent
