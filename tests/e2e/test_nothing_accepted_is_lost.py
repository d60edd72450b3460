"""Nothing accepted is lost, with real parts: `tillid up --no-demo` on its embedded broker, events posted
through POST /api/events, its children killed and the whole stopped (docs/streams.md, "The intake").

The store is the test's PostgreSQL database (TILLID_DATABASE_URL), so that it can be read after `tillid up`
has stopped. Where a test needs events relayed but not applied, it holds a lock that the worker's
transactions need (``EXCLUSIVE`` on processed_events: reads go on, applying waits).
"""

from __future__ import annotations

import asyncio
import contextlib
import signal

import asyncpg
import httpx
import pytest

from tests.e2e.up import Up, applied, wait_applied
from tests.integration.store.scenario import employee, organisation

pytestmark = pytest.mark.services

APPLY_TIMEOUT = 60.0


def people(tag: str, count: int) -> list[dict]:
    """``count`` events: ``count // 2`` employees of one workplace (with one assessment each)."""
    return [e for n in range(count // 2) for e in employee(f"e-{tag}-{n}", workplace=f"wp-{tag}")]


def ids(events: list[dict]) -> list[str]:
    return [e["event_id"] for e in events]


async def until_worker_applies(up: Up, tag: str) -> list[dict]:
    """Post the organisation and wait until the worker has applied it: the worker is running."""
    events = organisation(org=f"org-{tag}", workplace=f"wp-{tag}")
    assert up.post(events).status_code == 202
    assert await wait_applied(up, ids(events), APPLY_TIMEOUT) == len(events), up.logs()
    return events


@contextlib.asynccontextmanager
async def applying_held(database_url: str):
    """While inside, the worker can relay but not apply (its transactions wait for the lock)."""
    conn = await asyncpg.connect(database_url)
    transaction = conn.transaction()
    await transaction.start()
    await conn.execute("LOCK TABLE processed_events IN EXCLUSIVE MODE")
    try:
        yield
    finally:
        await transaction.rollback()
        await conn.close()


async def intake_rows(database_url: str) -> tuple[int, int]:
    """(rows in the intake, of which relayed)."""
    conn = await asyncpg.connect(database_url)
    try:
        row = await conn.fetchrow("SELECT count(*) AS rows, count(relayed_at) AS relayed FROM intake")
        return row["rows"], row["relayed"]
    finally:
        await conn.close()


async def wait_for(condition, timeout: float, what: str, up: Up) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await condition():
        assert asyncio.get_running_loop().time() < deadline, f"{what}\n{up.logs()}"
        await asyncio.sleep(0.2)


async def test_a_killed_worker_is_restarted_and_applies_what_was_accepted_meanwhile(settings, tmp_path):
    up = Up(settings, tmp_path / "up").start()
    try:
        await until_worker_applies(up, "k")
        up.kill_child("tillid worker")
        meanwhile = people("k", 200)
        for start in range(0, len(meanwhile), 50):
            answer = up.post(meanwhile[start:start + 50])
            assert answer.status_code == 202, answer.text
        assert await wait_applied(up, ids(meanwhile), APPLY_TIMEOUT) == len(meanwhile), up.logs()
        assert up.process.poll() is None, "tillid up stays up"
        assert "the worker stopped (killed by SIGKILL" in up.log()
        assert "the worker is running again" in up.log()
    finally:
        up.stop()


async def test_events_accepted_right_before_sigterm_are_applied_by_the_drain(settings, tmp_path):
    """The issue's case: 2,000 events accepted in four requests, SIGTERM right after."""
    up = Up(settings, tmp_path / "up").start()
    try:
        await until_worker_applies(up, "d")
        accepted = people("d", 2000)
        for start in range(0, len(accepted), 500):
            assert up.post(accepted[start:start + 500]).status_code == 202
        up.terminate()
        refused = None
        for n in range(200):  # whatever is posted after the signal: accepted (then applied) or refused
            try:
                answer = up.post(employee(f"e-late-{n}", workplace="wp-d"))
            except httpx.TransportError:  # the service has stopped
                break
            if answer.status_code == 202:
                accepted += employee(f"e-late-{n}", workplace="wp-d")
                continue
            refused = answer
            break
        assert refused is not None and refused.status_code == 503, up.logs()
        assert refused.headers["Retry-After"]
        assert up.wait(90) == 0, up.logs()
    finally:
        up.stop()
    assert await applied(settings.database_url, ids(accepted)) == len(accepted), up.logs()
    assert "Everything accepted is applied" in up.log()


async def test_events_accepted_but_not_applied_at_a_stop_are_applied_after_the_next_start(settings, tmp_path):
    """TILLID_DRAIN_SECONDS=0: the stop does not wait; the memory-only broker loses what it had; the
    intake still has every accepted event, and the next start applies them."""
    up = Up(settings, tmp_path / "up", drain_seconds=0).start()
    try:
        await until_worker_applies(up, "s")
        accepted = people("s", 2000)
        async with applying_held(settings.database_url):
            for start in range(0, len(accepted), 500):
                assert up.post(accepted[start:start + 500]).status_code == 202
            await wait_for(lambda: _all_relayed(settings.database_url), 30, "the relay sent them", up)
            up.process.send_signal(signal.SIGTERM)
            assert up.wait(60) == 0, up.logs()
        assert await applied(settings.database_url, ids(accepted)) == 0, "nothing was applied before the stop"
    finally:
        up.stop()
    again = Up(settings, tmp_path / "up").start()
    try:
        assert await wait_applied(again, ids(accepted), APPLY_TIMEOUT) == len(accepted), again.logs()
    finally:
        again.stop()


async def test_a_killed_broker_is_restarted_and_loses_nothing_accepted(settings, tmp_path):
    """Events the broker had acknowledged (so relayed) but the worker had not applied are gone with the
    memory-only broker; once it runs again, `tillid up` has them sent again."""
    up = Up(settings, tmp_path / "up").start()
    try:
        await until_worker_applies(up, "b")
        relayed = people("b", 200)
        async with applying_held(settings.database_url):
            assert up.post(relayed).status_code == 202
            await wait_for(lambda: _all_relayed(settings.database_url), 30, "the relay sent them", up)
            up.kill_child("broker --listener-url")
            meanwhile = people("b2", 100)
            assert up.post(meanwhile).status_code == 202, "accepting does not need the broker"
            await wait_for(lambda: _said(up, "the worker started again after the embedded broker"), 60,
                           "the broker and the worker restarted", up)
        everything = ids(relayed + meanwhile)
        assert await wait_applied(up, everything, APPLY_TIMEOUT) == len(everything), up.logs()
        assert "the embedded broker stopped (killed by SIGKILL" in up.log()
        assert up.process.poll() is None
    finally:
        up.stop()


async def _all_relayed(database_url: str) -> bool:
    rows, relayed = await intake_rows(database_url)
    return rows > 0 and rows == relayed


async def _said(up: Up, line: str) -> bool:
    return line in up.log()
