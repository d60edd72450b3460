"""The outbox is relayed by topic: the worker sends its proposals, the review service the rest (decisions,
suggestions and answers, rotation preferences), so the review service's Kafka principal alone needs to write
the decisions and suggestions topics, and the worker's writes no input topic."""

import asyncpg
import pytest

from tillid.store.proposals import enqueue
from tillid.store.outbox import WORKER_TOPICS, relay_once

pytestmark = pytest.mark.services


async def test_each_relay_sends_only_its_own_topics(database_url, db):
    for topic in ("proposals", "decisions", "suggestions", "proposals", "rotation"):
        await enqueue(db, topic, "org-a", {"topic": topic})
    sent: dict[bool, list[str]] = {True: [], False: []}
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=2)
    try:
        for review in (False, True):
            async def publish_all(messages, review=review):
                sent[review].extend(topic for topic, _, _ in messages)

            assert await relay_once(pool, publish_all, "t.", review=review) == (3 if review else 2)
            assert await relay_once(pool, publish_all, "t.", review=review) == 0
    finally:
        await pool.close()
    assert sent == {False: ["t.proposals", "t.proposals"], True: ["t.decisions", "t.suggestions", "t.rotation"]}
    assert WORKER_TOPICS == ("proposals",)
    assert await db.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL") == 0
