"""Real parts end to end: kafka-python publishes, the worker process applies, PostgreSQL and the API show it."""

import time

import httpx
import pytest
from kafka import KafkaProducer

from tillid.competence.events import Keyer, encode, validate
from tillid.streams.topics import ensure_topics

from tests.e2e.worker import WorkerProcess, wait_for
from tests.integration.store.scenario import employee, organisation

pytestmark = pytest.mark.services


def publish(settings, events):
    producer = KafkaProducer(bootstrap_servers=settings.kafka)
    keyer = Keyer()
    for raw in events:
        envelope = validate(raw)
        producer.send(settings.topic(envelope.topic), key=keyer.key(envelope).encode(), value=encode(envelope))
    producer.flush()
    producer.close()


async def test_published_event_reaches_postgresql_and_the_api(settings, tmp_path):
    ensure_topics(settings)
    worker = WorkerProcess(settings, tmp_path / "worker.log").start()
    try:
        started = time.monotonic()
        publish(settings, organisation() + employee("e-end-to-end"))
        level = await wait_for("SELECT level FROM competences WHERE employee_id = 'e-end-to-end'", 3,
                               settings.database_url)
        assert level == 3, worker.log()[-6000:]
        print(f"event to PostgreSQL in {time.monotonic() - started:.1f} s")
    finally:
        worker.stop()
