"""Fixtures with real parts: the embedded PostgreSQL and the embedded broker.

One server of each per test session, on loopback and free ports. Each test
that needs a database gets a fresh one cloned from a migrated template, and
each test that needs topics gets its own topic prefix.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import uuid
from pathlib import Path

import asyncpg
import pytest

from tillid.config import Settings
from tillid.runtime.embedded import EmbeddedBroker, EmbeddedPostgres
from tillid.store.db import migrate

TEMPLATE = "tillid_template"
# TILLID_EVENT_SIGNING_KEY of the tests' workers and review services.
SIGNING_KEY = "test-event-signing-key-0123456789abcdef"
_counter = itertools.count()


@pytest.fixture(scope="session")
def services_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("services")


@pytest.fixture(scope="session")
def postgres_server(services_dir):
    server = EmbeddedPostgres(services_dir, database="postgres", durable=False)
    server.start()
    asyncio.run(_create_template(server.url))
    yield server
    server.stop()


async def _create_template(admin_url: str) -> None:
    conn = await asyncpg.connect(admin_url)
    await conn.execute(f"CREATE DATABASE {TEMPLATE}")
    await conn.close()
    conn = await asyncpg.connect(admin_url.rsplit("/", 1)[0] + f"/{TEMPLATE}")
    await migrate(conn)
    await conn.close()


@pytest.fixture
async def database_url(postgres_server) -> str:
    """A fresh, migrated database for one test."""
    name = f"t{os.getpid()}_{next(_counter)}"
    admin = await asyncpg.connect(postgres_server.url)
    await admin.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
    await admin.close()
    return postgres_server.url.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture
async def db(database_url):
    conn = await asyncpg.connect(database_url)
    yield conn
    await conn.close()


@pytest.fixture(scope="session")
def broker(services_dir):
    server = EmbeddedBroker(services_dir)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def settings(broker, database_url, tmp_path) -> Settings:
    """Settings pointing at the embedded services, with topics private to this test."""
    return Settings(kafka=broker.bootstrap, database_url=database_url,
                    topic_prefix=f"t{uuid.uuid4().hex[:8]}.", data_dir=tmp_path, partitions=4,
                    app_id=f"tillid-test-{uuid.uuid4().hex[:8]}", admin_token="test-admin-token",
                    event_signing_key=SIGNING_KEY)
