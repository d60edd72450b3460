"""The trust boundary on the broker: a worker process applies only the decisions the review service signed.

Anyone who can write to the decisions topic could otherwise approve a proposal
for a committee. Here a forged ProposalDecided (unsigned, and signed with
another key) goes straight to the topic, as such a producer would send it; the
real worker dead-letters both with the reason and the proposal stays pending.
A decision made through the API travels the outbox, the relay and the broker
signed, and one signed with the key is applied from the broker.
"""

import json

import httpx
import pytest
from asgi_lifespan import LifespanManager
from kafka import KafkaProducer

from tillid.competence.events import encode, new_envelope, signed, verify
from tillid.review.app import create_app
from tillid.review.auth import issue_token, parse_role
from tillid.streams.topics import ensure_topics

from tests.e2e.support import consume, fetchval, wait_until
from tests.e2e.worker import WorkerProcess
from tests.integration.review import world
from tests.services import SIGNING_KEY

pytestmark = pytest.mark.services

KEY = SIGNING_KEY.encode()
WITHOUT_SIGNATURE = "signature: ProposalDecided without a valid signature: "


def decision(proposal_id: str, verdict: str, name: str) -> dict:
    return new_envelope("ProposalDecided", {"proposal_id": proposal_id, "by": "committee", "decision": verdict,
                                            "comment": "", "decided_at": "2026-11-24T09:00:00Z"},
                        source="forger", occurred_at="2026-11-24T09:00:00Z", event_id_name=name)


def send(settings, events: list[dict], key: bytes = b"org-a") -> None:
    producer = KafkaProducer(bootstrap_servers=settings.kafka, acks="all")
    try:
        for event in events:
            producer.send(settings.topic("decisions"), key=key, value=encode(event))
        producer.flush(30)
    finally:
        producer.close()


async def status(settings, proposal_id: str) -> str:
    return await fetchval(settings.database_url, "SELECT status FROM proposals WHERE proposal_id = $1", proposal_id)


async def test_forged_decisions_are_dead_lettered_and_signed_ones_applied(settings, db, tmp_path):
    proposals = await world.build(db)
    await db.execute("DELETE FROM dirty_scopes")  # the re-matcher leaves the world's proposals as they are
    ensure_topics(settings)
    worker = WorkerProcess(settings, tmp_path / "worker.log").start()
    try:
        other_key = b"another key, 32 characters long"
        forged = [decision(proposals["leon"], "approved", "forged/unsigned"),
                  signed(decision(proposals["leon"], "approved", "forged/other-key"), other_key)]
        send(settings, forged)
        letters = await wait_until(settings.database_url, "SELECT count(*) FROM deadletters", lambda n: n >= 2, 90)
        assert letters == 2, worker.log()[-6000:]
        rows = await db.fetch("SELECT topic, reason, raw FROM deadletters ORDER BY id")
        assert [row["topic"] for row in rows] == [settings.topic("decisions")] * 2
        assert [json.loads(row["raw"])["event_id"] for row in rows] == [event["event_id"] for event in forged]
        assert rows[0]["reason"].startswith(WITHOUT_SIGNATURE + "it has none")
        assert rows[1]["reason"].startswith(WITHOUT_SIGNATURE + "it does not match the event")
        on_topic = [json.loads(record.value) for record in consume(settings, "tillid.deadletter", 2)]
        assert [letter["reason"] for letter in on_topic] == [row["reason"] for row in rows]
        assert await status(settings, proposals["leon"]) == "pending"
        assert await db.fetchval("SELECT count(*) FROM decisions") == 0

        # A committee decides through the API: the review service's relay publishes the decision signed
        # (and the suggestions that follow), and the worker does not dead-letter it.
        app = create_app(settings)
        token = await issue_token(db, parse_role("committee:med-a"))
        async with LifespanManager(app):
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://review") as client:
                answer = await client.post(f"/api/proposals/{proposals['upskill']}/decision",
                                           json={"decision": "approved"},
                                           headers={"Authorization": f"Bearer {token}"})
            assert answer.status_code == 200, answer.text
            published = await wait_until(
                settings.database_url,
                "SELECT count(*) FROM outbox WHERE topic IN ('decisions', 'suggestions') AND published_at IS NOT NULL",
                lambda n: n == 3, 60)
            assert published == 3  # the decision and a suggestion to each of the two employees
        [relayed] = [json.loads(r.value) for r in consume(settings, "decisions", 3)
                     if json.loads(r.value)["source"] == "tillid-review"]
        verify(relayed, KEY)

        # One signed with the key, behind the API's on the same partition: applied by the worker.
        send(settings, [signed(decision(proposals["leon"], "rejected", "signed/leon"), KEY)])
        applied = await wait_until(settings.database_url,
                                   f"SELECT status FROM proposals WHERE proposal_id = '{proposals['leon']}'",
                                   lambda value: value == "rejected", 60)
        assert applied == "rejected", worker.log()[-6000:]
        assert await fetchval(settings.database_url, "SELECT count(*) FROM deadletters") == 2
        assert await status(settings, proposals["upskill"]) == "approved"
    finally:
        worker.stop()
