"""The synchronous producer used by `tillid publish` and `tillid up` (kafka-python)."""

from __future__ import annotations

from typing import Iterable

from tillid.competence.events import Keyer, encode
from tillid.config import Settings
from tillid.errors import BrokerUnavailable
from tillid.kafka_security import kafka_python_options


def publish(settings: Settings, envelopes: Iterable, keyer: Keyer | None = None) -> int:
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
        producer.flush()
    except KafkaError as error:
        raise BrokerUnavailable(f"publishing to Kafka at {settings.kafka} failed: {error}") from None
    finally:
        producer.close()
    return sent
