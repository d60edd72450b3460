"""The intake on real PostgreSQL: stored in one transaction, relayed, kept until applied, sent again when the
broker lost it."""

from __future__ import annotations

import json

import asyncpg
import pytest

from tillid.competence.events import Keyer, validate
from tillid.errors import DatabaseUnavailable
from tillid.store import intake
from tillid.store.projection.projector import Projector
from tests.integration.store.scenario import employee, envelopes, organisation

pytestmark = pytest.mark.services


class Broker:
    """Records what the relay sends; ``fail`` makes the next send fail as an unreachable broker would."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, bytes, bytes]] = []
        self.fail = False

    async def publish_all(self, messages) -> None:
        if self.fail:
            raise OSError("broker away")
        self.sent.extend(messages)


@pytest.fixture
async def pool(database_url):
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=3)
    yield pool
    await pool.close()


async def rows(db) -> list[tuple[str, bool]]:
    return [(r["event_id"], r["relayed_at"] is not None)
            for r in await db.fetch("SELECT event_id, relayed_at FROM intake ORDER BY id")]


async def test_accepted_events_are_relayed_keyed_and_kept_until_the_store_applied_them(db, pool):
    events = envelopes(organisation(org="org-i", workplace="wp-i") + employee("e-i", workplace="wp-i"))
    assert await intake.accept(db, events, Keyer()) == len(events)
    broker = Broker()
    assert await intake.relay_once(pool, broker.publish_all, "p.") == len(events)
    assert [topic for topic, _, _ in broker.sent] == ["p." + e.topic for e in events]
    assert {key for _, key, _ in broker.sent} == {b"org-i", b"sygeplejerske", b"sosu_assistent", b"oejendraaber"}
    assert [validate(json.loads(value)).event_id for _, _, value in broker.sent] == [e.event_id for e in events]
    assert await rows(db) == [(e.event_id, True) for e in events], "relayed rows stay until applied"
    assert await intake.relay_once(pool, broker.publish_all) == 0, "a relayed row is not sent again"

    await Projector().apply(db, events[:4])
    assert await intake.forget_applied(pool) == 4
    assert await rows(db) == [(e.event_id, True) for e in events[4:]]
    assert (await intake.backlog(db)).intake == 2


async def test_after_a_broker_lost_everything_what_the_store_has_not_applied_is_sent_again(db, pool):
    events = envelopes(organisation(org="org-r", workplace="wp-r"))
    await intake.accept(db, events, Keyer())
    await intake.relay_once(pool, Broker().publish_all)
    await Projector().apply(db, events[:1])
    assert await intake.resend_unapplied(db) == 3
    broker = Broker()
    assert await intake.relay_once(pool, broker.publish_all) == 3
    assert [json.loads(value)["event_id"] for _, _, value in broker.sent] == [e.event_id for e in events[1:]]
    await intake.forget_applied(pool)
    assert await rows(db) == [(e.event_id, True) for e in events[1:]]


async def test_rows_being_sent_when_the_broker_is_lost_are_sent_again_too(db, pool):
    """Found by the soak: the relay had sent rows to the broker that was then lost and marked them relayed
    only after `resend_unapplied` had run, so they were never sent again and never applied."""
    import asyncio

    events = envelopes(organisation(org="org-f", workplace="wp-f"))
    await intake.accept(db, events, Keyer())
    sending, acknowledged = asyncio.Event(), asyncio.Event()

    async def publish_all(messages) -> None:
        sending.set()
        await acknowledged.wait()  # the (soon lost) broker acknowledges only after the resend began

    relay = asyncio.create_task(intake.relay_once(pool, publish_all))
    await sending.wait()
    resend = asyncio.create_task(intake.resend_unapplied(db))
    await asyncio.sleep(0.5)
    acknowledged.set()
    assert await relay == len(events)
    assert await resend == len(events)
    assert await rows(db) == [(e.event_id, False) for e in events]


async def test_a_failed_send_marks_nothing(db, pool):
    events = envelopes(organisation(org="org-f", workplace="wp-f"))
    await intake.accept(db, events, Keyer())
    broker = Broker()
    broker.fail = True
    with pytest.raises(DatabaseUnavailable):  # an OSError from the broker reads as "not available now"
        await intake.relay_once(pool, broker.publish_all)
    assert await rows(db) == [(e.event_id, False) for e in events]


async def test_events_the_store_does_not_apply_are_gone_once_relayed(db, pool, valid_events):
    issued = next(e for e in valid_events if e["type"] == "ProposalIssued")
    await intake.accept(db, envelopes([issued]), Keyer())
    assert await intake.relay_once(pool, Broker().publish_all) == 1
    assert await rows(db) == []


async def test_an_event_id_already_waiting_is_kept_once(db, pool):
    events = envelopes(organisation(org="org-d", workplace="wp-d"))
    await intake.accept(db, events, Keyer())
    assert await intake.accept(db, events + events, Keyer()) == 8
    assert len(await rows(db)) == 4
