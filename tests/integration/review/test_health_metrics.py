"""/readyz, /metrics and /api/stats' counts, on the real store and broker."""

from __future__ import annotations

import asyncio
import dataclasses
import time

import httpx
import pytest
from asgi_lifespan import LifespanManager
from prometheus_client.parser import text_string_to_metric_families

from tillid.competence.events import validate
from tillid.review.app import create_app
from tillid.store import worker_rounds
from tillid.store.projection.projector import Projector
from tillid.store.worker_rounds import RoundTimes
from tillid.streams import deadletter
from tillid.streams.deadletter import DeadLetter
from tillid.streams.producer import publish
from tillid.streams.topics import ensure_topics
from tests.integration.review.conftest import auth
from tests.integration.store.scenario import employee, event, organisation

pytestmark = pytest.mark.services

WAIT_SECONDS = 30


async def serving(settings):
    """The review service on ``settings``, and a client of it."""
    application = create_app(settings)
    manager = LifespanManager(application, startup_timeout=30, shutdown_timeout=30)
    await manager.__aenter__()
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app), base_url="http://review")
    return manager, client


async def stop(manager, client) -> None:
    await client.aclose()
    await manager.__aexit__(None, None, None)


async def readiness_until(client, wanted, seconds: float = WAIT_SECONDS) -> httpx.Response:
    """GET /readyz until ``wanted(answer)``; the last answer."""
    deadline = time.monotonic() + seconds
    while True:
        answer = await client.get("/readyz")
        if wanted(answer) or time.monotonic() > deadline:
            return answer
        await asyncio.sleep(0.5)


def samples(text: str) -> dict[str, list]:
    """Samples of the exposition by family name."""
    return {family.name: family.samples for family in text_string_to_metric_families(text)}


def value(found: dict[str, list], sample: str, **labels) -> float:
    matching = [s.value for family in found.values() for s in family
                if s.name == sample and all(s.labels.get(k) == v for k, v in labels.items())]
    assert len(matching) == 1, (sample, labels, matching)
    return matching[0]


# --- /readyz -------------------------------------------------------------------------

async def test_ready_when_the_database_and_broker_answer_and_nothing_waits(client):
    answer = await readiness_until(client, lambda a: a.status_code == 200)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["status"] == "ready" and body["not_ready"] == []
    assert (body["database"], body["kafka"]) == ("ok", "ok") and body["lag"].startswith("ok: 0 records")


async def test_not_ready_naming_the_broker_when_it_does_not_answer(settings):
    manager, client = await serving(dataclasses.replace(settings, kafka="127.0.0.1:9"))
    try:
        answer = await client.get("/readyz")
        assert answer.status_code == 503
        body = answer.json()
        assert body["status"] == "not ready" and body["database"] == "ok"
        assert "kafka" in body["not_ready"] and body["kafka"].startswith("unavailable")
        assert "database" not in body["not_ready"]
        assert (await client.get("/healthz")).status_code == 503
    finally:
        await stop(manager, client)


async def test_not_ready_naming_the_lag_while_the_worker_is_behind_and_ready_once_it_committed(settings, db):
    """Events published with no worker running: the lag counts them (read from the broker, past the
    group's committed offsets) and /readyz says 503 naming the lag; once the group has committed up to
    them, it is ready. Three employees share a partition and a batch: the embedded broker's end offset
    says 1 there, and only reading the records finds more than the limit of 8 of the ten events (end
    offsets alone add up to 6)."""
    settings = dataclasses.replace(settings, ready_max_lag=8)
    await asyncio.to_thread(ensure_topics, settings)
    events = organisation() + employee("e1") + employee("e2") + employee("e3")
    await asyncio.to_thread(publish, settings, [validate(e) for e in events])
    manager, client = await serving(settings)
    try:
        answer = await readiness_until(client, lambda a: a.json()["lag"].startswith("behind"))
        body = answer.json()
        assert answer.status_code == 503 and body["not_ready"] == ["lag"], body
        # Reading stops once the limit is passed (exact below it, a lower bound above): 9 or 10.
        behind = int(body["lag"].split()[1])
        assert settings.ready_max_lag < behind <= len(events), body
        found = samples((await client.get("/metrics")).text)
        assert settings.ready_max_lag < sum(s.value for s in found["tillid_consumer_lag"]) <= len(events)
        assert {s.labels["topic"] for s in found["tillid_consumer_lag"]} >= {"org.structure", "hr.employees"}

        await asyncio.to_thread(commit_everything, settings)
        answer = await readiness_until(client, lambda a: a.status_code == 200)
        assert answer.status_code == 200, answer.text
    finally:
        await stop(manager, client)


def commit_everything(settings) -> None:
    """What a worker does after applying everything: the group's offsets at the end of each partition
    (at the records themselves: the embedded broker's end offsets fall short of its last batch)."""
    from kafka import KafkaConsumer, TopicPartition
    from kafka.structs import OffsetAndMetadata

    from tillid.streams.topics import CONSUMED_TOPICS

    consumer = KafkaConsumer(bootstrap_servers=settings.kafka, group_id=settings.app_id, enable_auto_commit=False,
                             auto_offset_reset="earliest", fetch_max_wait_ms=100)
    try:
        partitions = [TopicPartition(settings.topic(name), p) for name in CONSUMED_TOPICS
                      for p in consumer.partitions_for_topic(settings.topic(name)) or ()]
        consumer.assign(partitions)
        ends: dict = {}
        for _ in range(3):
            for tp, records in consumer.poll(timeout_ms=1000).items():
                ends[tp] = records[-1].offset + 1
        consumer.commit({tp: OffsetAndMetadata(offset, None, -1) for tp, offset in ends.items()})
    finally:
        consumer.close()


# --- /metrics ------------------------------------------------------------------------

async def test_metrics_expose_every_family_with_the_stores_numbers(client, tokens, db, proposals):
    projector = Projector()
    await projector.apply(db, [validate(e) for e in employee("e1")])  # two duplicates
    await projector.apply(db, [validate(event("CompetenceAssessed", "waits", employee_id="e-later",
                                              skill="dk:saarbehandling", level=2, assessed_on="2026-10-05",
                                              evidence="self"))])
    async with db.transaction():
        await deadletter.record(db, [DeadLetter("ops.tasks", 0, 3, None, b"{", "not JSON")])
    times = RoundTimes()
    for seconds in (0.2, 3.0):
        times.observe(seconds)
    await worker_rounds.write(db, "worker-a", times)
    stats = (await client.get("/api/stats", headers=auth(tokens["admin"]))).json()

    answer = await client.get("/metrics")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain")
    found = samples(answer.text)
    for family in ("tillid_events_applied", "tillid_events_duplicate", "tillid_events_deadlettered",
                   "tillid_events_dropped_by_erasure", "tillid_events_pending", "tillid_consumer_lag",
                   "tillid_intake_backlog", "tillid_outbox_backlog", "tillid_rematch_queue_scopes",
                   "tillid_rematch_round_seconds", "tillid_proposals", "tillid_http_requests",
                   "tillid_http_request_duration_seconds", "tillid_store_up"):
        assert family in found, family
    assert sum(s.value for s in found["tillid_events_applied"]) == stats["events_applied"]
    assert value(found, "tillid_events_duplicate_total", topic="hr.employees") == 1
    assert value(found, "tillid_events_duplicate_total", topic="hr.competences") == 1
    assert value(found, "tillid_events_deadlettered_total", topic="ops.tasks") == 1
    assert value(found, "tillid_events_pending", topic="hr.competences") == 1 == stats["events_pending"]
    assert value(found, "tillid_proposals", kind="leon_allocation", status="pending") >= 1
    assert sum(s.value for s in found["tillid_proposals"]) == sum(stats["proposals"].values())
    assert value(found, "tillid_rematch_queue_scopes", kind="workplace") >= 1  # the world's events touched wp-a
    assert value(found, "tillid_outbox_backlog") >= 0 and value(found, "tillid_intake_backlog") == 0
    assert value(found, "tillid_rematch_round_seconds_count", worker="worker-a") == 2
    assert value(found, "tillid_rematch_round_seconds_bucket", worker="worker-a", le="0.25") == 1
    assert value(found, "tillid_rematch_round_seconds_sum", worker="worker-a") == pytest.approx(3.2)
    assert value(found, "tillid_http_requests_total", method="GET", route="/api/stats", status="200") == 1
    assert value(found, "tillid_store_up") == 1


async def test_http_metrics_are_labelled_by_route_template_not_path(client, tokens, proposals):
    for proposal_id in (proposals["leon"], proposals["upskill"], "no-such-proposal"):
        await client.get(f"/api/proposals/{proposal_id}", headers=auth(tokens["admin"]))
    await client.get("/no/such/page/123")
    await client.request("BREW", "/api/stats")
    text = (await client.get("/metrics")).text
    found = samples(text)
    route = "/api/proposals/{proposal_id}"
    assert value(found, "tillid_http_requests_total", method="GET", route=route, status="200") == 2
    assert value(found, "tillid_http_requests_total", method="GET", route=route, status="404") == 1
    assert value(found, "tillid_http_request_duration_seconds_count", method="GET", route=route) == 3
    assert value(found, "tillid_http_requests_total", method="GET", route="unmatched", status="404") == 1
    assert sum(s.value for s in found["tillid_http_requests"] if s.labels.get("method") == "other") == 1
    assert "BREW" not in text
    assert proposals["leon"] not in text and "no-such-proposal" not in text and "/no/such" not in text


async def test_metrics_and_readiness_need_no_token_and_name_no_person(client, tokens, proposals):
    for path in ("/metrics", "/readyz"):
        answer = await client.get(path)
        assert answer.status_code in (200, 503), path
        for person in ("e1", "e2", "e9"):
            assert f'"{person}"' not in answer.text, (path, person)


# --- /api/stats -----------------------------------------------------------------------

async def test_stats_are_read_from_the_tallies_not_counted_from_the_events(client, tokens, db):
    """Deleting processed_events behind the store's back changes no count: /api/stats no longer
    counts those rows on request."""
    before = (await client.get("/api/stats", headers=auth(tokens["admin"]))).json()
    assert before["events_applied"] > 0
    await db.execute("DELETE FROM processed_events")
    after = (await client.get("/api/stats", headers=auth(tokens["admin"]))).json()
    assert after == before
