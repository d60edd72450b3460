"""`tillid backup` and `tillid restore`: a store restored into a fresh data directory answers the API alike."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace

import httpx
import pytest
from asgi_lifespan import LifespanManager

from tillid.review.app import create_app
from tillid.runtime.embedded import EmbeddedPostgres
from tests.integration.review import world

pytestmark = pytest.mark.services

READS = ("/api/stats", "/api/proposals", "/api/proposals?committee=med-a&status=pending",
         "/api/employees/e1", "/api/employees/e2/suggestions")


def tillid(*args: str, database_url: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TILLID_")}
    if database_url:
        env["TILLID_DATABASE_URL"] = database_url
    return subprocess.run([sys.executable, "-m", "tillid", *args], env=env, capture_output=True, text=True,
                          timeout=300)


async def answers(settings) -> dict[str, object]:
    app = create_app(settings)
    headers = {"Authorization": f"Bearer {world.ADMIN}"}
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://review") as client:
            read = {path: (await client.get(path, headers=headers)) for path in READS}
    assert all(answer.status_code == 200 for answer in read.values()), {p: a.text for p, a in read.items()}
    return {path: answer.json() for path, answer in read.items()}


async def table_counts(conn) -> dict[str, int]:
    tables = [r["relname"] for r in await conn.fetch(
        "SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND relkind = 'r'")]
    return {t: await conn.fetchval(f'SELECT count(*) FROM "{t}"') for t in sorted(tables)}


@pytest.mark.parametrize("method", ["pg_dump", "copy"])
async def test_a_restored_fresh_data_directory_answers_as_the_original(method, settings, db, tmp_path):
    import asyncpg

    await world.build(db)
    before = await answers(settings)
    counts = await table_counts(db)
    backup = tmp_path / f"store.{method}"
    made = tillid("backup", str(backup), "--method", method, database_url=settings.database_url)
    assert made.returncode == 0, made.stderr
    assert backup.stat().st_size > 0

    fresh = tmp_path / "fresh"
    restored = tillid("restore", str(backup), "--data-dir", str(fresh))
    assert restored.returncode == 0, restored.stderr
    server = EmbeddedPostgres(fresh)
    url = server.start()
    try:
        conn = await asyncpg.connect(url)
        try:
            assert await table_counts(conn) == counts  # every row, the audit log of the reads above included
        finally:
            await conn.close()
        after = await answers(replace(settings, database_url=url))
    finally:
        server.stop()
    assert after == before


async def test_restore_refuses_a_store_that_holds_data_and_files_that_are_no_backup(settings, db, tmp_path):
    await world.build(db)
    backup = tmp_path / "store.copy"
    assert tillid("backup", str(backup), "--method", "copy", database_url=settings.database_url).returncode == 0

    again = tillid("backup", str(backup), database_url=settings.database_url)
    assert again.returncode == 2 and "exists" in again.stderr and len(again.stderr.splitlines()) == 1

    into_full = tillid("restore", str(backup), database_url=settings.database_url)
    assert into_full.returncode == 2 and "already holds data" in into_full.stderr
    assert len(into_full.stderr.splitlines()) == 1

    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"not a backup at all")
    refused = tillid("restore", str(junk), database_url=settings.database_url)
    assert refused.returncode == 2 and "is not a backup" in refused.stderr
