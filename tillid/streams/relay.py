"""The outbox relay: publishes events the store wrote in its transactions, at least once."""

from __future__ import annotations

import json
from typing import Awaitable, Callable

import asyncpg

from tillid.store.db import transient_as_unavailable

Send = Callable[[str, bytes, bytes], Awaitable[None]]


async def relay_once(pool: asyncpg.Pool, send: Send, topic_prefix: str = "", limit: int = 500) -> int:
    """Publish up to ``limit`` unpublished outbox events in order; returns how many.

    Rows are locked while sent, so several workers never send the same row at
    once; a crash between send and commit sends it again, and consumers drop the
    repeat by its event_id.
    """
    async with transient_as_unavailable():
        async with pool.acquire() as conn:
            async with conn.transaction():
                rows = await conn.fetch(
                    """SELECT id, topic, key, value FROM outbox WHERE published_at IS NULL
                       ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED""", limit)
                for row in rows:
                    value = row["value"] if isinstance(row["value"], str) else json.dumps(row["value"])
                    await send(topic_prefix + row["topic"], row["key"].encode("utf-8"), value.encode("utf-8"))
                if rows:
                    await conn.execute("UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])",
                                       [row["id"] for row in rows])
                return len(rows)
