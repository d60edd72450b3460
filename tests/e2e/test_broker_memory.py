"""The embedded broker's memory (README, "The embedded broker's memory").

Tansu's memory storage ignores a topic's retention: records stay long after ``retention.ms`` and past
``retention.bytes``. So `tillid up` bounds the broker itself (TILLID_EMBEDDED_BROKER_MAX_MIB): once it
holds more and everything is applied, it is started afresh, and nothing accepted is lost by that.
"""

from __future__ import annotations

import time
import uuid

import pytest
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic

from tests.e2e.test_nothing_accepted_is_lost import ids, people, until_worker_applies, wait_for
from tests.e2e.up import Up, wait_applied

pytestmark = pytest.mark.services

RESTARTED = "restarting the embedded broker: it holds"
WORKER_BACK = "the worker started again after the embedded broker"


def test_the_embedded_broker_keeps_records_past_their_retention(broker):
    """If this fails, the broker honours retention now: the README and docs/configuration.md should say so."""
    topic = f"retention-{uuid.uuid4().hex[:8]}"
    admin = KafkaAdminClient(bootstrap_servers=broker.bootstrap)
    try:
        admin.create_topics([NewTopic(topic, 1, 1, topic_configs={
            "retention.ms": "1000", "retention.bytes": "1048576", "segment.ms": "1000", "segment.bytes": "1048576",
            "cleanup.policy": "delete"})])
    finally:
        admin.close()
    producer = KafkaProducer(bootstrap_servers=broker.bootstrap, linger_ms=20)
    for n in range(6000):  # 3 MiB, three times retention.bytes
        producer.send(topic, f"{n:08d}".encode() + b"x" * 512)
    producer.flush()
    producer.close()
    time.sleep(15)  # fifteen times retention.ms, and past the broker's maintenance interval
    consumer = KafkaConsumer(bootstrap_servers=broker.bootstrap, enable_auto_commit=False)
    try:
        partition = TopicPartition(topic, 0)
        assert consumer.beginning_offsets([partition]) == {partition: 0}
        consumer.assign([partition])
        consumer.seek_to_beginning(partition)
        first = [r for records in consumer.poll(10000, max_records=1).values() for r in records]
        assert first and first[0].value.startswith(b"00000000")
    finally:
        consumer.close()


async def test_tillid_up_starts_a_broker_over_its_bound_afresh_once_everything_is_applied(settings, tmp_path):
    up = Up(settings, tmp_path / "up")
    up.env["TILLID_EMBEDDED_BROKER_MAX_MIB"] = "1"  # the idle broker holds more: restarted whenever all is applied
    up.start()
    try:
        first = await until_worker_applies(up, "m")
        broker_before = up.child("--listener-url")

        async def restarted() -> bool:
            return WORKER_BACK in up.log().split(RESTARTED, 1)[-1] if RESTARTED in up.log() else False

        await wait_for(restarted, 90, "the broker was not started afresh", up)
        assert up.child("--listener-url") != broker_before
        later = people("m2", 200)
        for start in range(0, len(later), 50):
            assert up.post(later[start:start + 50]).status_code == 202
        assert await wait_applied(up, ids(first + later), 90) == len(first + later), up.logs()
        assert up.process.poll() is None, up.logs()
        assert "MiB of events, more than TILLID_EMBEDDED_BROKER_MAX_MIB=1, and all of them are applied" in up.log()
    finally:
        up.stop()
