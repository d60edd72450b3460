"""Connections for request handlers: from the app's pool, with driver outages as DatabaseUnavailable."""

from __future__ import annotations

import contextlib
from typing import AsyncIterator

import asyncpg
from starlette.requests import HTTPConnection

from tillid.errors import DatabaseUnavailable
from tillid.store.db import transient_as_unavailable


@contextlib.asynccontextmanager
async def connection(request: HTTPConnection) -> AsyncIterator[asyncpg.Connection]:
    pool = getattr(request.app.state, "pool", None)
    if pool is None:
        raise DatabaseUnavailable("database unavailable: the service is not connected")
    async with transient_as_unavailable():
        async with pool.acquire(timeout=10) as conn:
            yield conn


@contextlib.asynccontextmanager
async def transaction(request: HTTPConnection) -> AsyncIterator[asyncpg.Connection]:
    async with connection(request) as conn:
        async with transient_as_unavailable():
            async with conn.transaction():
                yield conn
