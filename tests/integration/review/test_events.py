"""POST /api/events: validated exactly like the stream, all or nothing, published to the real broker."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace

import httpx
import pytest
from aiokafka import AIOKafkaConsumer
from asgi_lifespan import LifespanManager

from tillid.review.app import create_app
from tillid.review.publisher import EventPublisher
from tests.integration.review.conftest import auth
from tests.integration.store.scenario import employee, event, organisation

pytestmark = pytest.mark.services


async def read_topic(settings, topic: str, expected: int) -> list:
    consumer = AIOKafkaConsumer(settings.topic(topic), bootstrap_servers=settings.kafka,
                                auto_offset_reset="earliest", enable_auto_commit=False)
    await consumer.start()
    records = []
    try:
        deadline = asyncio.get_running_loop().time() + 15
        while asyncio.get_running_loop().time() < deadline:
            batches = await consumer.getmany(timeout_ms=500)
            records += [r for batch in batches.values() for r in batch]
            if len(records) >= expected:
                await asyncio.sleep(0.5)  # anything beyond what is expected would show up now
                batches = await consumer.getmany(timeout_ms=500)
                records += [r for batch in batches.values() for r in batch]
                break
    finally:
        await consumer.stop()
    return records


async def test_valid_batch_is_published_keyed_by_organisation(client, tokens, settings):
    events = [{**e, "source": "sd-loen"} for e in organisation(org="org-z", workplace="wp-z")
              + employee("e77", workplace="wp-z")]
    answer = await client.post("/api/events", json=events, headers=auth(tokens["hr:sd-loen"]))
    assert answer.status_code == 202, answer.text
    assert answer.json() == {"accepted": len(events)}
    structure = await read_topic(settings, "org.structure", 3)
    assert sorted(json.loads(r.value)["event_id"] for r in structure) == sorted(e["event_id"] for e in events[:3])
    workplace = next(r for r in structure if json.loads(r.value)["type"] == "WorkplaceUpserted")
    assert workplace.key == b"org-z"
    people = await read_topic(settings, "hr.employees", 1)
    assert [(r.key, json.loads(r.value)["payload"]["employee_id"]) for r in people] == [(b"org-z", "e77")]


async def test_one_invalid_event_publishes_nothing_and_names_each_problem(client, tokens, settings):
    good = organisation(org="org-y", workplace="wp-y")
    bad_level = event("CompetenceAssessed", "bad", employee_id="e1", skill="x", level=3, assessed_on="2026-10-01",
                      evidence="self")
    bad_level["payload"]["level"] = 9
    batch = [good[0], bad_level, {"type": "Nonsense"}]
    answer = await client.post("/api/events", json=batch, headers=auth(tokens["admin"]))
    assert answer.status_code == 422
    fields = [p["field"] for p in answer.json()["detail"]]
    assert fields[0] == "1.payload.level" and fields[1].startswith("2")
    # a later valid request is all the topic ever holds
    assert (await client.post("/api/events", json=good[1], headers=auth(tokens["admin"]))).json() == {"accepted": 1}
    records = await read_topic(settings, "org.structure", 1)
    assert [json.loads(r.value)["event_id"] for r in records] == [good[1]["event_id"]]


async def test_events_refusals(client, tokens):
    one = organisation()[0]
    for role in ("committee:med-a", "employee:e1"):
        assert (await client.post("/api/events", json=one, headers=auth(tokens[role]))).status_code == 403
    decided = event("ProposalDecided", "sneaky", proposal_id="p", by="committee", decision="approved",
                    comment="", decided_at="2026-11-23T10:00:00Z")
    for role in ("hr:sd-loen", "admin"):  # types Tillid publishes itself: no one posts them
        answer = await client.post("/api/events", json=[one, decided], headers=auth(tokens[role]))
        assert answer.status_code == 403, role
        assert [p["field"] for p in answer.json()["detail"]] == ["1.type"]
    for body in (b"{not json", b"[]", b"42"):
        answer = await client.post("/api/events", content=body, headers=auth(tokens["admin"]))
        assert answer.status_code == 422, body


async def test_kafka_unavailable_is_503_with_a_reason(settings, tokens, proposals):
    from tillid.runtime.embedded import free_port

    away = replace(settings, kafka=f"127.0.0.1:{free_port()}")
    application = create_app(away)
    application.state.publisher = EventPublisher(away, timeout=1.0)
    async with LifespanManager(application):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=application), base_url="http://r") as c:
            answer = await c.post("/api/events", json=organisation()[0], headers=auth(tokens["admin"]))
            assert answer.status_code == 503
            assert "Kafka" in answer.json()["detail"]
            health = await c.get("/healthz")
            assert health.status_code == 503 and health.json()["kafka"].startswith("unavailable")
