"""Topics Tillid creates carry its retention (TILLID_TOPIC_RETENTION_DAYS and _BYTES), read back from the embedded
broker (which keeps the configuration but does not act on it: tests/e2e/test_broker_memory.py)."""

from __future__ import annotations

import uuid

import pytest

from tillid.competence.events import DEADLETTER_TOPIC, INPUT_TOPICS, OUTPUT_TOPICS
from tillid.config import Settings
from tillid.streams.topics import ALL_TOPICS, ensure_topics

pytestmark = pytest.mark.services


def settings_for(broker, days: int, retention_bytes: int = 1024 ** 3) -> Settings:
    return Settings(kafka=broker.bootstrap, topic_prefix=f"r{uuid.uuid4().hex[:8]}.", partitions=2,
                    topic_retention_days=days, topic_retention_bytes=retention_bytes)


async def retention_ms(settings: Settings, topics, key: str = "retention.ms") -> dict[str, str | None]:
    """retention.ms (or another ``key``) of each topic as the broker describes it."""
    from aiokafka.admin import AIOKafkaAdminClient
    from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka)
    await admin.start()
    try:
        answers = await admin.describe_configs(
            [ConfigResource(ConfigResourceType.TOPIC, settings.topic(name)) for name in topics])
    finally:
        await admin.close()
    found: dict[str, str | None] = {}
    for answer in answers:
        for resource in answer.resources:
            _, _, _, name, entries = resource
            values = {entry[0]: entry[1] for entry in entries}
            found[name.removeprefix(settings.topic_prefix)] = values.get(key)
    return found


async def test_the_worker_creates_every_topic_with_the_configured_retention(broker):
    settings = settings_for(broker, days=3, retention_bytes=5 * 1024 ** 2)
    ensure_topics(settings)
    assert await retention_ms(settings, ALL_TOPICS) == {name: str(3 * 86_400_000) for name in ALL_TOPICS}
    assert await retention_ms(settings, ALL_TOPICS, "retention.bytes") == {name: str(5 * 1024 ** 2)
                                                                           for name in ALL_TOPICS}


async def test_the_review_service_creates_its_topics_with_the_configured_retention(broker):
    from tillid.review.publisher import _ensure_input_topics

    settings = settings_for(broker, days=30)
    await _ensure_input_topics(settings)
    topics = tuple(INPUT_TOPICS) + tuple(OUTPUT_TOPICS)
    assert DEADLETTER_TOPIC not in topics
    assert await retention_ms(settings, topics) == {name: str(30 * 86_400_000) for name in topics}
