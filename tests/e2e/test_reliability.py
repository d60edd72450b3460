"""Reliability with real parts: the embedded broker and PostgreSQL, the worker as a real process.

Each test compares the worker's store with a reference store built by applying
the same events directly with the Projector, in stream order, in a fresh
database: same table contents (processing timestamps aside), one
processed_events row per distinct event id.

Kafka keeps order within a partition only, so events of one organisation on
different topics can be applied in another order than they were published. For
most events the projection does not care (parking waits for referents; upserts
commute; task demand and digitalisation changes are ordered by occurred_at).
Erasures and departures (``LATE_TYPES``) are published in a second phase, once
the first is applied, and the reference applies them in the same two phases: an
erasure's anonymous aggregates do not count what arrives after it
(docs/streams.md, "Order across topics"). Digitalisation changes go with the
rest, in whatever order the worker reads them.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import time
import uuid
from dataclasses import replace

import pytest
from kafka import KafkaProducer

from tillid.competence.events import encode, validate
from tillid.runtime.embedded import EmbeddedPostgres
from tillid.streams.topics import ensure_topics

from tests.e2e.support import (apply_directly, consume, demo_messages, differences, fetchval, fresh_database,
                               json_value, publish, publish_slowly, snapshot, wait_until)
from tests.e2e.worker import WorkerProcess
from tests.integration.store.scenario import employee, event, organisation

pytestmark = pytest.mark.services

PROCESSED = "SELECT count(*) FROM processed_events"
APPLY_TIMEOUT = 90.0


# Events whose effect depends on their order relative to other topics (see the module docstring).
LATE_TYPES = frozenset({"EmployeeErased", "EmployeeLeft"})


class Stream:
    """A demo stream in two phases, and the store the Projector makes of it directly (the reference)."""

    def __init__(self, scale: float) -> None:
        messages, envelopes = demo_messages(scale)
        late = [e.type in LATE_TYPES for e in envelopes]
        self.messages = [m for m, is_late in zip(messages, late) if not is_late]
        self.late = [m for m, is_late in zip(messages, late) if is_late]
        self.envelopes = ([e for e, is_late in zip(envelopes, late) if not is_late]
                          + [e for e, is_late in zip(envelopes, late) if is_late])
        self.first_phase = len({m.event_id for m in self.messages})
        self.distinct = len({m.event_id for m in messages})
        self.expected: dict[str, list[tuple]] | None = None

    async def build_reference(self, postgres_server) -> "Stream":
        url = await fresh_database(postgres_server.url, f"ref{os.getpid()}_{uuid.uuid4().hex[:6]}")
        await apply_directly(url, self.envelopes[:len(self.messages)])
        await apply_directly(url, self.envelopes[len(self.messages):])
        self.expected = await snapshot(url)
        return self

    async def finish(self, settings, *workers: "WorkerProcess") -> None:
        """Wait for the first phase to be applied, publish the late events, wait for them too."""
        count = await wait_until(settings.database_url, PROCESSED, lambda n: n >= self.first_phase, APPLY_TIMEOUT)
        assert count == self.first_phase, (count, [w.log()[-3000:] for w in workers])
        publish(settings, self.late)
        await wait_applied(settings.database_url, self, *workers)


@pytest.fixture(scope="module")
async def small_stream(postgres_server) -> Stream:
    """7,577 demo events (scale 0.05): every input event type of the contract."""
    return await Stream(0.05).build_reference(postgres_server)


@pytest.fixture(scope="module")
async def large_stream(postgres_server) -> Stream:
    """14,779 demo events (scale 0.1)."""
    return await Stream(0.1).build_reference(postgres_server)


async def assert_same_store(database_url: str, stream: Stream, *logs: WorkerProcess) -> None:
    assert await fetchval(database_url, PROCESSED) == stream.distinct
    found = differences(await snapshot(database_url), stream.expected)
    assert not found, "\n".join(f"{t}: {d}" for t, d in found.items()) + "\n" + "\n".join(w.log()[-2000:] for w in logs)


async def wait_applied(database_url: str, stream: Stream, *workers: WorkerProcess) -> None:
    count = await wait_until(database_url, PROCESSED, lambda n: n >= stream.distinct, APPLY_TIMEOUT)
    assert count == stream.distinct, (count, [w.log()[-3000:] for w in workers])


async def test_worker_killed_mid_stream_applies_every_event_exactly_once(settings, large_stream, tmp_path):
    ensure_topics(settings)
    publish(settings, large_stream.messages)
    first = WorkerProcess(settings, tmp_path / "first.log").start()
    try:
        progress = await wait_until(settings.database_url, PROCESSED, lambda n: n >= 1500, APPLY_TIMEOUT, 0.05)
        first.kill()  # SIGKILL: no shutdown, no final commit
    finally:
        first.kill()
    assert progress is not None and 1500 <= progress < large_stream.distinct, (progress, first.log()[-3000:])

    second = WorkerProcess(settings, tmp_path / "second.log").start()
    try:
        await large_stream.finish(settings, first, second)
    finally:
        second.stop()
    await assert_same_store(settings.database_url, large_stream, first, second)


async def test_the_same_events_delivered_twice_change_nothing(settings, small_stream, tmp_path):
    ensure_topics(settings)
    publish(settings, small_stream.messages)
    worker = WorkerProcess(settings, tmp_path / "worker.log").start()
    try:
        await small_stream.finish(settings, worker)
        before = await snapshot(settings.database_url)
        publish(settings, small_stream.messages + small_stream.late)
        again = len(small_stream.messages) + len(small_stream.late)
        duplicates = await wait_until(settings.database_url,
                                      "SELECT coalesce(sum(events), 0)::bigint FROM event_tallies WHERE outcome = 'duplicate'",
                                      lambda n: n >= again, APPLY_TIMEOUT)
        assert duplicates == again, worker.log()[-3000:]
    finally:
        worker.stop()
    assert differences(await snapshot(settings.database_url), before) == {}
    await assert_same_store(settings.database_url, small_stream, worker)


def json_bytes(obj) -> bytes:
    return json.dumps(obj).encode()


def _send(producer: KafkaProducer, settings, topic: str, key: bytes, value: bytes):
    metadata = producer.send(settings.topic(topic), key=key, value=value).get(timeout=30)
    return metadata.partition, metadata.offset


async def test_malformed_events_are_dead_lettered_and_the_rest_applied(settings, tmp_path):
    ensure_topics(settings)
    valid = [validate(e) for e in organisation() + employee("e-1") + employee("e-2")]
    assessed = next(e.to_dict() for e in valid if e.type == "CompetenceAssessed")
    workplace = next(e.to_dict() for e in valid if e.type == "WorkplaceUpserted")

    def variant(name: str, change) -> bytes:
        raw = {**assessed, "event_id": f"bad-{name}", "payload": dict(assessed["payload"])}
        change(raw)
        return json_bytes(raw)

    bad = {  # name -> (topic, value, words the reason must contain)
        "not json": ("hr.competences", b"{this is not json", ["JSON"]),
        "wrong type": ("hr.competences", variant("type", lambda r: r["payload"].update(level="high")), ["level"]),
        "missing field": ("hr.competences", variant("missing", lambda r: r["payload"].pop("evidence")),
                          ["evidence"]),
        "unknown type": ("hr.competences", variant("unknown", lambda r: r.update(type="EmployeePromoted")),
                         ["EmployeePromoted"]),
        "schema version 2": ("hr.competences", variant("v2", lambda r: r.update(schema_version=2)),
                             ["schema_version"]),
        "wrong topic": ("hr.competences", json_bytes({**workplace, "event_id": "bad-topic"}), ["topic"]),
    }
    producer = KafkaProducer(bootstrap_servers=settings.kafka, acks="all")
    sent = {}
    try:
        for envelope in valid[:5]:
            _send(producer, settings, envelope.topic, b"org-a", encode(envelope))
        for name, (topic, value, _) in bad.items():
            sent[name] = _send(producer, settings, topic, b"org-a", value)
        for envelope in valid[5:] + [validate(event("CompetenceAssessed", "after-bad", employee_id="e-1",
                                                    skill="dk:saarbehandling", level=2, assessed_on="2026-11-01",
                                                    evidence="self"))]:
            _send(producer, settings, envelope.topic, b"org-a", encode(envelope))
    finally:
        producer.close()

    worker = WorkerProcess(settings, tmp_path / "worker.log").start()
    try:
        applied = await wait_until(settings.database_url, PROCESSED, lambda n: n >= len(valid) + 1, APPLY_TIMEOUT)
        letters = consume(settings, "tillid.deadletter", len(bad))
        counted = await wait_until(settings.database_url,
                                   "SELECT coalesce(sum(events), 0)::bigint FROM event_tallies WHERE outcome = 'deadlettered'",
                                   lambda n: n >= len(bad), 10)
    finally:
        worker.stop()
    assert applied == len(valid) + 1, worker.log()[-3000:]
    assert counted == len(bad)
    assert await fetchval(settings.database_url,
                          "SELECT count(*) FROM competences WHERE employee_id IN ('e-1', 'e-2')") == 3
    by_offset = {(v["partition"], v["offset"]): v for v in map(json_value, letters)}
    assert len(by_offset) == len(bad), [json_value(r) for r in letters]
    for name, (topic, value, words) in bad.items():
        letter = by_offset[sent[name]]
        assert letter["topic"] == settings.topic(topic), name
        assert base64.b64decode(letter["original_base64"]) == value, name
        if name != "not json" or letter["original"] is not None:
            assert letter["original"] == value.decode(), name
        assert all(word.lower() in letter["reason"].lower() for word in words), (name, letter["reason"])


async def test_database_outage_loses_nothing_and_commits_no_offset_past_unapplied_work(
        broker, postgres_server, small_stream, tmp_path):
    """Two outages: the worker rides out the first and goes on; during the second it is stopped
    (SIGTERM, a graceful stop) while batches wait for the database, and a new worker must still find
    those events: no offset was committed past them."""
    server = EmbeddedPostgres(tmp_path / "own-postgres", database="tillid", durable=False)
    server.start()
    try:
        settings = _settings(broker, server.url, tmp_path)
        ensure_topics(settings)
        messages = small_stream.messages
        half, three_quarters = len(messages) // 2, 3 * len(messages) // 4
        publish(settings, messages[:half])
        worker = WorkerProcess(settings, tmp_path / "worker.log").start()
        try:
            applied = await wait_until(settings.database_url, PROCESSED, lambda n: n >= half, APPLY_TIMEOUT)
            assert applied == half, worker.log()[-3000:]  # the demo stream has no repeated event ids

            server.stop()
            publish(settings, messages[half:three_quarters])
            assert await _wait_for_log(worker, "retrying in", 30), worker.log()[-3000:]
            await asyncio.sleep(3)  # down a while: several retries with backoff
            assert worker.process.poll() is None, worker.log()[-3000:]
            server.start()  # same data directory, same port
            applied = await wait_until(settings.database_url, PROCESSED, lambda n: n >= three_quarters,
                                       APPLY_TIMEOUT)
            assert applied == three_quarters, worker.log()[-3000:]

            retries = worker.log().count("retrying in")
            server.stop()
            publish(settings, messages[three_quarters:])
            assert await _wait_for_log(worker, "retrying in", 30, after=retries), worker.log()[-3000:]
        finally:
            worker.stop()
        server.start()
        successor = WorkerProcess(settings, tmp_path / "successor.log").start()
        try:
            await small_stream.finish(settings, worker, successor)
        finally:
            successor.stop()
        await assert_same_store(settings.database_url, small_stream, worker, successor)
    finally:
        server.stop()


async def _wait_for_log(worker: WorkerProcess, text: str, timeout: float, after: int = 0) -> bool:
    """Wait until ``text`` occurs in the worker's log more than ``after`` times."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if worker.log().count(text) > after:
            return True
        await asyncio.sleep(0.2)
    return False


def _settings(broker, database_url: str, tmp_path):
    from tillid.config import Settings
    from tests.services import SIGNING_KEY

    return Settings(kafka=broker.bootstrap, database_url=database_url, topic_prefix=f"t{uuid.uuid4().hex[:8]}.",
                    data_dir=tmp_path, partitions=4, app_id=f"tillid-test-{uuid.uuid4().hex[:8]}",
                    event_signing_key=SIGNING_KEY)


async def test_second_worker_joining_mid_stream_shares_partitions_without_loss_or_doubles(
        settings, small_stream, tmp_path):
    settings = replace(settings, partitions=4)
    ensure_topics(settings)
    third = len(small_stream.messages) // 3
    publish(settings, small_stream.messages[:third])
    first = WorkerProcess(settings, tmp_path / "first.log").start()
    second = WorkerProcess(settings, tmp_path / "second.log")
    try:
        started = await wait_until(settings.database_url, PROCESSED, lambda n: n >= 500, APPLY_TIMEOUT)
        assert started >= 500, first.log()[-3000:]
        # The rest in two halves: the second worker joins while the first is being published, and the
        # second waits for it to hold partitions (loading the skill mapper and the rebalance take it ten
        # to twenty seconds on a loaded machine), so that events still flow once it has joined.
        rest = small_stream.messages[third:]
        publisher = publish_slowly(settings, rest[:len(rest) // 2], seconds=10)
        second.start()
        joined = await _wait_for_log(second, "assigned partitions: ", APPLY_TIMEOUT)
        assert joined, second.log()[-3000:]
        await asyncio.to_thread(publisher.join, 60)
        publisher = publish_slowly(settings, rest[len(rest) // 2:], seconds=10)
        await asyncio.to_thread(publisher.join, 60)
        await small_stream.finish(settings, first, second)
        assert first.process.poll() is None and second.process.poll() is None
    finally:
        second.stop()
        first.stop()
    await assert_same_store(settings.database_url, small_stream, first, second)
    # The worker logs its partitions at every rebalance: while both ran, they split the partitions.
    topic = settings.topic("hr.competences")
    firsts, seconds = _assignments(first.log(), topic), _assignments(second.log(), topic)
    assert any(s and t and not s & t and s | t == {0, 1, 2, 3} for s in seconds for t in firsts), (firsts, seconds)


def _assignments(log: str, topic: str) -> list[set[int]]:
    """The partitions of ``topic`` in each assignment the worker logged, in order."""
    tables = [json.loads(line.split("assigned partitions: ", 1)[1])
              for line in log.splitlines() if "assigned partitions: " in line]
    return [set(table.get(topic, [])) for table in tables]
