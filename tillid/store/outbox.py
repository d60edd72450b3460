"""The outbox: publishes events the store wrote in its transactions, at least once.

Two relays share the outbox by topic. The worker publishes its proposals
(``WORKER_TOPICS``), the review service everything else: what people do there
(decisions, the suggestions and answers that follow them, rotation
preferences). So the Kafka principal of the review service is the only one
that needs to write decisions and answers, and an ACL can let no one else
(deploy/README.md), and the worker's principal writes no input topic.
"""

from __future__ import annotations

import json
from typing import Awaitable, Callable, Sequence

import asyncpg

from tillid.store.db import transient_as_unavailable

# Sends every (topic, key, value) given, in order, and returns once the broker has acknowledged them all.
PublishAll = Callable[[Sequence[tuple[str, bytes, bytes]]], Awaitable[None]]

# Topics (without prefix) the worker relays; the review service relays the others.
WORKER_TOPICS: tuple[str, ...] = ("proposals",)


async def relay_once(pool: asyncpg.Pool, publish_all: PublishAll, topic_prefix: str = "", limit: int = 500, *,
                     review: bool = False) -> int:
    """Publish up to ``limit`` unpublished outbox events in order; returns how many. ``review``: the
    events of every topic but ``WORKER_TOPICS`` (the review service's relay), else those (the worker's).

    Rows are locked while sent, so several workers never send the same row at
    once; a crash between send and commit sends it again, and consumers drop the
    repeat by its event_id. The rows go out together and are marked published
    once the broker has acknowledged all of them.
    """
    async with transient_as_unavailable():
        async with pool.acquire() as conn:
            async with conn.transaction():
                rows = await conn.fetch(
                    """SELECT id, topic, key, value FROM outbox WHERE published_at IS NULL
                       AND (topic = ANY($2::text[])) <> $3
                       ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED""", limit, list(WORKER_TOPICS), review)
                if not rows:
                    return 0
                await publish_all([(topic_prefix + row["topic"], row["key"].encode("utf-8"), _text(row["value"]))
                                   for row in rows])
                await conn.execute("""UPDATE outbox SET published_at = clock_timestamp(), relays = relays + 1
                                      WHERE id = ANY($1::bigint[])""", [row["id"] for row in rows])
                return len(rows)


def _text(value) -> bytes:
    return (value if isinstance(value, str) else json.dumps(value)).encode("utf-8")
