"""Topic names and their creation; one place for partitions and prefixes."""

from __future__ import annotations

import logging

from tillid.competence.events import DEADLETTER_TOPIC, INPUT_TOPICS, OUTPUT_TOPICS
from tillid.competence.events.topics import CONSUMED_TOPICS
from tillid.config import Settings
from tillid.errors import BrokerUnavailable
from tillid.kafka_security import kafka_python_options

log = logging.getLogger(__name__)

__all__ = ["ALL_TOPICS", "CONSUMED_TOPICS", "ensure_topics"]

ALL_TOPICS: tuple[str, ...] = tuple(dict.fromkeys(tuple(INPUT_TOPICS) + tuple(OUTPUT_TOPICS) + (DEADLETTER_TOPIC,)))


def ensure_topics(settings: Settings, timeout: float = 20.0) -> None:
    """Create the system's topics with the configured partitions and retention where they do not exist
    (existing topics keep their configuration)."""
    from kafka import KafkaAdminClient
    from kafka.admin import NewTopic
    from kafka.errors import KafkaError, TopicAlreadyExistsError

    try:
        admin = KafkaAdminClient(bootstrap_servers=settings.kafka, client_id="tillid-admin",
                                 request_timeout_ms=int(timeout * 1000), **kafka_python_options(settings))
    except KafkaError as error:
        raise BrokerUnavailable(f"cannot reach Kafka at {settings.kafka}: {error}") from None
    try:
        existing = set(admin.list_topics())
        wanted = [settings.topic(name) for name in ALL_TOPICS]
        missing = [NewTopic(name, num_partitions=settings.partitions, replication_factor=1,
                            topic_configs=settings.topic_configs())
                   for name in wanted if name not in existing]
        for topic in missing:
            try:
                admin.create_topics([topic])
            except TopicAlreadyExistsError:
                pass
    except KafkaError as error:
        raise BrokerUnavailable(f"cannot create topics on {settings.kafka}: {error}") from None
    finally:
        admin.close()
