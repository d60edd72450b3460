"""Health of the parts the review service depends on."""

from __future__ import annotations

import asyncio
import math
import time
from typing import Any, Callable, Mapping

import asyncpg

TIMEOUT_SECONDS = 3.0
REFRESH_SECONDS = 2.0


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


class KafkaHealth:
    """The broker's health from one long-lived client, checked at most every ``refresh_seconds``.

    /healthz is polled by probes and load balancers; a new client per call
    opened a new broker connection each time. This client bootstraps once and
    then asks for metadata over the connection it keeps; when that fails it
    tries once from a new bootstrap, and a failed check drops the client, so
    the next check starts over (at most once per interval).
    """

    def __init__(self, bootstrap: str | None, security: Mapping[str, Any] | None = None,
                 refresh_seconds: float = REFRESH_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        """``security``: the client's TLS and SASL options, if any."""
        self.bootstrap = bootstrap
        self.security = dict(security or {})
        self.refresh_seconds = refresh_seconds
        self.clock = clock
        self._client = None
        self._status = ""
        self._checked_at = -math.inf
        self._lock = asyncio.Lock()

    async def status(self) -> str:
        async with self._lock:
            if self.clock() - self._checked_at >= self.refresh_seconds:
                self._status = await self._check()
                self._checked_at = self.clock()
            return self._status

    async def _check(self) -> str:
        if not self.bootstrap:
            return "unavailable: TILLID_KAFKA is not set"
        try:
            async with asyncio.timeout(TIMEOUT_SECONDS):
                await self._fetch_metadata()
            return "ok"
        except Exception as error:  # health reports any failure as a reason, never raises
            await self.close()
            return f"unavailable: {type(error).__name__}"

    async def _fetch_metadata(self) -> None:
        """Metadata over the kept connection; if that fails, once more from a new bootstrap, so a connection
        the broker dropped while idle is not reported as the broker being away."""
        from aiokafka.errors import KafkaError

        if self._client is not None:
            try:
                await self._client.fetch_all_metadata()
                return
            except KafkaError:
                await self.close()
        from aiokafka.client import AIOKafkaClient

        self._client = AIOKafkaClient(bootstrap_servers=self.bootstrap, client_id="tillid-api-health",
                                      request_timeout_ms=int(TIMEOUT_SECONDS * 1000), **self.security)
        await self._client.bootstrap()
        await self._client.fetch_all_metadata()

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            try:
                await client.close()
            except Exception:  # closing a broken connection must not mask the check's answer
                pass
