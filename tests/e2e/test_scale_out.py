"""Two workers on one store and one broker share the re-matcher's scopes (docs/scale-out.md).

Two `tillid worker` processes in one consumer group get the demo organisation at scale 0.05. A
trigger added by the test (not part of the schema) notes in a table of its own every claim of a dirty
scope (`claimed_at` set), every release without a match (`claimed_at` cleared: a newer event came
meanwhile) and every match (the row deleted), with the `application_name` of the worker's
connection. Each scope must be matched exactly once per claim (no scope is claimed again before its
claim ended, so no snapshot is matched twice), both workers must have claimed and matched scopes,
and no substance may have been proposed twice.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from dataclasses import replace

import asyncpg
import pytest

from tillid.competence.demo import generate_events
from tillid.competence.events import validate
from tillid.store.db import migrate
from tillid.streams.producer import publish
from tillid.streams.topics import ensure_topics

from tests.e2e.worker import WorkerProcess

pytestmark = pytest.mark.services

WORKERS = ("worker-a", "worker-b")

NOTE_CLAIMS = """
CREATE TABLE test_scope_log (
    id bigserial PRIMARY KEY, scope_kind text NOT NULL, scope_id text NOT NULL, version bigint NOT NULL,
    what text NOT NULL, worker text NOT NULL);
CREATE FUNCTION test_note_scope() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO test_scope_log (scope_kind, scope_id, version, what, worker)
        VALUES (OLD.scope_kind, OLD.scope_id, OLD.version, 'matched', current_setting('application_name'));
    ELSIF NEW.claimed_at IS NOT NULL AND NEW.claimed_at IS DISTINCT FROM OLD.claimed_at THEN
        INSERT INTO test_scope_log (scope_kind, scope_id, version, what, worker)
        VALUES (NEW.scope_kind, NEW.scope_id, NEW.version, 'claimed', current_setting('application_name'));
    ELSIF NEW.claimed_at IS NULL AND OLD.claimed_at IS NOT NULL THEN
        INSERT INTO test_scope_log (scope_kind, scope_id, version, what, worker)
        VALUES (NEW.scope_kind, NEW.scope_id, NEW.version, 'released', current_setting('application_name'));
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER test_note_scope AFTER UPDATE OR DELETE ON dirty_scopes
    FOR EACH ROW EXECUTE FUNCTION test_note_scope();
"""


async def prepare(database_url: str) -> None:
    conn = await asyncpg.connect(database_url)
    try:
        await migrate(conn)
        await conn.execute(NOTE_CLAIMS)
    finally:
        await conn.close()


def wait_ready(workers: list[WorkerProcess], timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while not all("applying events" in w.log() for w in workers):
        assert all(w.process.poll() is None for w in workers), [w.log()[-3000:] for w in workers]
        assert time.monotonic() < deadline, [w.log()[-3000:] for w in workers]
        time.sleep(0.5)


async def wait_settled(database_url: str, events: int, timeout: float = 240) -> None:
    """Every event applied, nothing dirty, nothing in the outbox, for 3 s."""
    conn = await asyncpg.connect(database_url)
    try:
        deadline = time.monotonic() + timeout
        quiet_since = None
        while time.monotonic() < deadline:
            row = await conn.fetchrow(
                """SELECT (SELECT count(*) FROM processed_events) AS applied,
                          (SELECT count(*) FROM dirty_scopes) AS dirty,
                          (SELECT count(*) FROM outbox WHERE published_at IS NULL) AS unsent""")
            if row["applied"] >= events and not row["dirty"] and not row["unsent"]:
                quiet_since = quiet_since or time.monotonic()
                if time.monotonic() - quiet_since >= 3:
                    return
            else:
                quiet_since = None
            await asyncio.sleep(0.5)
        raise AssertionError(f"not settled within {timeout:.0f} s: {dict(row)}")
    finally:
        await conn.close()


async def scope_log(database_url: str) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(database_url)
    try:
        return await conn.fetch("SELECT scope_kind, scope_id, version, what, worker FROM test_scope_log ORDER BY id")
    finally:
        await conn.close()


async def twice_proposed(database_url: str) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(database_url)
    try:
        return await conn.fetch(
            """SELECT kind, committee_id, scope, fingerprint, count(*) AS n FROM proposals
               WHERE status NOT IN ('superseded', 'withdrawn')
               GROUP BY kind, committee_id, scope, fingerprint HAVING count(*) > 1""")
    finally:
        await conn.close()


def overlapping_claims(log: list[asyncpg.Record]) -> list[tuple]:
    """Claims of a scope made while an earlier claim of it had not ended (matched or released)."""
    held: dict[tuple[str, str], str] = {}
    overlaps = []
    for row in log:
        scope = (row["scope_kind"], row["scope_id"])
        if row["what"] == "claimed":
            if scope in held:
                overlaps.append((*scope, row["version"], held[scope], row["worker"]))
            held[scope] = row["worker"]
        else:
            held.pop(scope, None)
    return overlaps


def test_two_workers_match_each_scope_once_and_both_do_work(settings, tmp_path):
    asyncio.run(prepare(settings.database_url))
    ensure_topics(settings)
    workers = [WorkerProcess(replace(settings, database_url=f"{settings.database_url}?application_name={name}"),
                             tmp_path / f"{name}.log").start() for name in WORKERS]
    try:
        wait_ready(workers)
        events = [validate(e) for e in generate_events(seed=42, scale=0.05)]
        publish(settings, events)
        asyncio.run(wait_settled(settings.database_url, len(events)))
        log = asyncio.run(scope_log(settings.database_url))
        doubled = asyncio.run(twice_proposed(settings.database_url))
    finally:
        for worker in workers:
            worker.stop()

    claims = Counter(row["worker"] for row in log if row["what"] == "claimed")
    matches = Counter(row["worker"] for row in log if row["what"] == "matched")
    shares = json.dumps({"claims": claims, "matches": matches})
    assert set(claims) == set(WORKERS) and set(matches) == set(WORKERS), shares
    assert overlapping_claims(log) == [], shares
    ended = Counter(row["what"] for row in log)
    assert ended["claimed"] == ended["matched"] + ended["released"], (ended, shares)
    assert doubled == [], doubled
    print(shares)


def test_a_claim_made_while_another_holds_the_scope_is_an_overlap():
    def row(what, worker, scope="w1"):
        return {"scope_kind": "workplace", "scope_id": scope, "version": 1, "what": what, "worker": worker}

    in_turn = [row("claimed", "worker-a"), row("released", "worker-a"), row("claimed", "worker-b"),
               row("matched", "worker-b"), row("claimed", "worker-a", "w2"), row("matched", "worker-a", "w2")]
    assert overlapping_claims(in_turn) == []
    at_once = [row("claimed", "worker-a"), row("claimed", "worker-b"), row("matched", "worker-a")]
    assert overlapping_claims(at_once) == [("workplace", "w1", 1, "worker-a", "worker-b")]
