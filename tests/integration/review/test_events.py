"""POST /api/events: validated exactly like the stream, all or nothing, stored in the intake (PostgreSQL) and
from there relayed to the real broker by the service."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace

import httpx
import pytest
from aiokafka import AIOKafkaConsumer
from asgi_lifespan import LifespanManager

from tillid.review.app import create_app
from tillid.runtime.drain import DrainFlag
from tests.integration.review.conftest import auth
from tests.integration.store.scenario import employee, event, organisation

pytestmark = pytest.mark.services


async def intake_ids(db) -> list[str]:
    return [row["event_id"] for row in await db.fetch("SELECT event_id FROM intake ORDER BY id")]


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


async def test_one_invalid_event_publishes_nothing_and_names_each_problem(client, tokens, settings, db):
    good = organisation(org="org-y", workplace="wp-y")
    bad_level = event("CompetenceAssessed", "bad", employee_id="e1", skill="x", level=3, assessed_on="2026-10-01",
                      evidence="self")
    bad_level["payload"]["level"] = 9
    batch = [good[0], bad_level, {"type": "Nonsense"}]
    answer = await client.post("/api/events", json=batch, headers=auth(tokens["admin"]))
    assert answer.status_code == 422
    fields = [p["field"] for p in answer.json()["detail"]]
    assert fields[0] == "1.payload.level" and fields[1].startswith("2")
    assert await intake_ids(db) == []
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


async def test_kafka_away_does_not_matter_to_accepting(settings, tokens, proposals, db):
    """202 means stored in PostgreSQL: the broker is the worker's business (and /healthz reports it)."""
    from tillid.runtime.embedded import free_port

    away = replace(settings, kafka=f"127.0.0.1:{free_port()}")
    application = create_app(away)
    async with LifespanManager(application):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=application), base_url="http://r") as c:
            one = organisation(org="org-away", workplace="wp-away")[0]  # an event the store has not applied
            answer = await c.post("/api/events", json=one, headers=auth(tokens["admin"]))
            assert answer.status_code == 202 and answer.json() == {"accepted": 1}
            health = await c.get("/healthz")
            assert health.status_code == 503 and health.json()["kafka"].startswith("unavailable")
    assert await intake_ids(db) == [one["event_id"]]


async def test_database_gone_in_the_middle_of_a_post_is_503_and_nothing_is_accepted(client, tokens, db):
    """PostgreSQL goes away while the request's events are being stored (its connection is ended after the
    third row): 503 with Retry-After, and not one of the events is in the intake."""
    await db.execute("""CREATE FUNCTION end_this_connection() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF (SELECT count(*) FROM intake) >= 3 THEN PERFORM pg_terminate_backend(pg_backend_pid()); END IF;
            RETURN NEW;
        END $$""")
    await db.execute("""CREATE TRIGGER gone_mid_post AFTER INSERT ON intake FOR EACH ROW
                        EXECUTE FUNCTION end_this_connection()""")
    events = organisation(org="org-gone") + employee("e-gone")
    answer = await client.post("/api/events", json=events, headers=auth(tokens["admin"]))
    assert answer.status_code == 503, answer.text
    assert answer.headers["Retry-After"]
    assert "database unavailable" in answer.json()["detail"]
    await db.execute("DROP TRIGGER gone_mid_post ON intake")
    assert await intake_ids(db) == []
    answer = await client.post("/api/events", json=events, headers=auth(tokens["admin"]))
    assert answer.status_code == 202, "the same request, posted again, is accepted whole"
    assert await intake_ids(db) == [e["event_id"] for e in events]


async def test_writes_are_refused_while_draining_and_reads_answered(client, tokens, settings, db):
    flag = DrainFlag(settings.data_dir)
    flag.raise_()
    try:
        answer = await client.post("/api/events", json=organisation()[0], headers=auth(tokens["admin"]))
        assert answer.status_code == 503 and answer.headers["Retry-After"] == "30"
        assert "stopping" in answer.json()["detail"]
        decision = await client.post("/api/proposals/any/decision", json={"decision": "approved"},
                                     headers=auth(tokens["committee:med-a"]))
        assert decision.status_code == 503
        assert (await client.get("/api/proposals", headers=auth(tokens["admin"]))).status_code == 200
    finally:
        flag.lower()
    assert await intake_ids(db) == []
    answer = await client.post("/api/events", json=organisation()[0], headers=auth(tokens["admin"]))
    assert answer.status_code == 202


async def test_a_drain_flag_left_by_a_killed_tillid_up_refuses_nothing(client, tokens, settings):
    (settings.data_dir / "draining").write_text("999999999")  # no such process
    answer = await client.post("/api/events", json=organisation()[0], headers=auth(tokens["admin"]))
    assert answer.status_code == 202
