"""Health of the parts the review service depends on."""

from __future__ import annotations

import asyncio
from typing import Any, Mapping

import asyncpg

TIMEOUT_SECONDS = 3.0


async def database_health(pool: asyncpg.Pool | None) -> str:
    if pool is None:
        return "unavailable: not connected"
    try:
        async with asyncio.timeout(TIMEOUT_SECONDS):
            async with pool.acquire() as conn:
                await conn.fetchval("SELECT 1")
        return "ok"
    except Exception as error:  # health reports any failure as a reason, never raises
        return f"unavailable: {type(error).__name__}"


async def kafka_health(bootstrap: str | None, security: Mapping[str, Any] | None = None) -> str:
    """``security``: the client's TLS and SASL options (``aiokafka_options``)."""
    if not bootstrap:
        return "unavailable: TILLID_KAFKA is not set"
    from aiokafka.client import AIOKafkaClient

    client = AIOKafkaClient(bootstrap_servers=bootstrap, request_timeout_ms=int(TIMEOUT_SECONDS * 1000),
                            **(security or {}))
    try:
        async with asyncio.timeout(TIMEOUT_SECONDS):
            await client.bootstrap()
        return "ok"
    except Exception as error:  # health reports any failure as a reason, never raises
        return f"unavailable: {type(error).__name__}"
    finally:
        await client.close()
