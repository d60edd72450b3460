"""Connections and schema migrations for the PostgreSQL store."""

from __future__ import annotations

import asyncio
import contextlib
import re
from importlib import resources
from typing import AsyncIterator, Awaitable, Callable, TypeVar

import asyncpg

from tillid.errors import ConfigError, DatabaseUnavailable

T = TypeVar("T")

# Errors that mean "the database is not there right now", as opposed to a bug or bad data.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    asyncio.TimeoutError,
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.CannotConnectNowError,
    asyncpg.exceptions.TooManyConnectionsError,
    asyncpg.exceptions.AdminShutdownError,
    asyncpg.exceptions.CrashShutdownError,
    asyncpg.exceptions.InterfaceError,
    asyncpg.exceptions.SerializationError,
    asyncpg.exceptions.DeadlockDetectedError,
    # A connection the server dropped in the middle of an operation is left in a broken state.
    asyncpg.exceptions._base.InternalClientError,
)

_MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
_MIGRATION_LOCK = 72_6_1_1_1_4  # advisory lock id: one migrator at a time


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) of every migration shipped in the package, in order."""
    found = []
    for entry in resources.files("tillid.store").joinpath("migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), match.group(2), entry.read_text(encoding="utf-8")))
    return sorted(found)


async def migrate(conn: asyncpg.Connection) -> list[int]:
    """Apply the migrations not yet applied; returns the versions applied now."""
    await conn.execute("SELECT pg_advisory_lock($1)", _MIGRATION_LOCK)
    try:
        await conn.execute("""CREATE TABLE IF NOT EXISTS schema_migrations (
            version integer PRIMARY KEY, name text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now())""")
        done = {row["version"] for row in await conn.fetch("SELECT version FROM schema_migrations")}
        applied = []
        for version, name, sql in migrations():
            if version in done:
                continue
            async with conn.transaction():
                await conn.execute(sql)
                await conn.execute("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", version, name)
            applied.append(version)
        return applied
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", _MIGRATION_LOCK)


async def connect(url: str, *, timeout: float = 10.0) -> asyncpg.Connection:
    try:
        return await asyncpg.connect(url, timeout=timeout)
    except TRANSIENT_ERRORS as error:
        raise DatabaseUnavailable(f"cannot connect to PostgreSQL: {error}") from error
    except asyncpg.exceptions.InvalidCatalogNameError as error:
        raise DatabaseUnavailable(f"cannot connect to PostgreSQL: {error}") from error
    except asyncpg.exceptions.InvalidAuthorizationSpecificationError as error:
        raise ConfigError(f"PostgreSQL refused the login: {error}") from None


async def create_pool(url: str, *, min_size: int = 1, max_size: int = 5) -> asyncpg.Pool:
    try:
        return await asyncpg.create_pool(url, min_size=min_size, max_size=max_size, timeout=10)
    except TRANSIENT_ERRORS as error:
        raise DatabaseUnavailable(f"cannot connect to PostgreSQL: {error}") from error
    except asyncpg.exceptions.InvalidAuthorizationSpecificationError as error:
        raise ConfigError(f"PostgreSQL refused the login: {error}") from None


@contextlib.asynccontextmanager
async def transient_as_unavailable() -> AsyncIterator[None]:
    """Translate driver errors that mean 'not available now' into DatabaseUnavailable."""
    try:
        yield
    except TRANSIENT_ERRORS as error:
        raise DatabaseUnavailable(f"database unavailable: {type(error).__name__}: {error}") from error


async def retry_while_unavailable(work: Callable[[], Awaitable[T]], *, first_delay: float = 0.2,
                                  max_delay: float = 10.0, on_retry: Callable[[Exception, float], None] | None = None,
                                  ) -> T:
    """Run ``work`` until it succeeds, backing off while the database is unavailable."""
    delay = first_delay
    while True:
        try:
            return await work()
        except DatabaseUnavailable as error:
            if on_retry:
                on_retry(error, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, max_delay)
