"""The intake: events accepted by POST /api/events, kept until the store has applied them.

``accept`` stores a request's events in one transaction: when it returns, the
API answers 202 and the events survive any crash. The review service's relay
sends rows not yet relayed to Kafka (``relay_once``) and deletes a row once
the store has applied its event (``forget_applied``: ``processed_events`` has
its id, recorded in the transaction that applied it). A row the relay sent
stays until then, so a broker that loses what it had acknowledged (the
embedded broker keeps nothing across a restart) loses nothing accepted: once
it runs again, every remaining row is marked to be sent again
(``resend_unapplied``), and the store's idempotency makes a second delivery a
no-op. Events the store does
not apply (what Tillid itself publishes, posted by an admin) are deleted once
the broker has acknowledged them. docs/streams.md, "The intake", says why this
loses nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Awaitable, Callable, Sequence

import asyncpg

from tillid.competence.events import Envelope, Keyer, encode
from tillid.store.db import transient_as_unavailable
from tillid.store.projection.handlers import PROJECTIONS

# Sends every (topic, key, value) given, in order, and returns once the broker has acknowledged them all.
PublishAll = Callable[[Sequence[tuple[str, bytes, bytes]]], Awaitable[None]]


@dataclass(frozen=True)
class Backlog:
    """What is accepted but not done: intake rows not yet applied, outbox rows not yet relayed."""

    intake: int
    outbox: int

    @property
    def empty(self) -> bool:
        return self.intake == 0 and self.outbox == 0


async def accept(conn: asyncpg.Connection, envelopes: Sequence[Envelope], keyer: Keyer) -> int:
    """Store validated events in one transaction; returns how many were accepted.

    An event id already waiting in the intake is not stored twice (the first
    one stands, as in the store).
    """
    rows = [(e.event_id, e.topic, keyer.key(e), encode(e).decode("utf-8"), e.type in PROJECTIONS)
            for e in envelopes]
    async with transient_as_unavailable():
        async with conn.transaction():
            await conn.executemany(
                """INSERT INTO intake (event_id, topic, key, value, applied_by_store) VALUES ($1, $2, $3, $4, $5)
                   ON CONFLICT (event_id) DO NOTHING""", rows)
    return len(envelopes)


async def relay_once(pool: asyncpg.Pool, publish_all: PublishAll, topic_prefix: str = "", limit: int = 500) -> int:
    """Send up to ``limit`` rows not yet relayed, in order; returns how many.

    Rows are locked while sent, so several workers never send the same row at
    once. Once the broker has acknowledged them, a row the store applies is
    marked relayed (kept until applied); any other row is deleted.
    """
    async with transient_as_unavailable():
        async with pool.acquire() as conn:
            async with conn.transaction():
                rows = await conn.fetch(
                    """SELECT id, topic, key, value, applied_by_store FROM intake WHERE relayed_at IS NULL
                       ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED""", limit)
                if not rows:
                    return 0
                await publish_all([(topic_prefix + row["topic"], row["key"].encode("utf-8"),
                                    row["value"].encode("utf-8")) for row in rows])
                ids = [row["id"] for row in rows]
                await conn.execute("DELETE FROM intake WHERE id = ANY($1::bigint[]) AND NOT applied_by_store", ids)
                await conn.execute("""UPDATE intake SET relayed_at = clock_timestamp(), relays = relays + 1
                                      WHERE id = ANY($1::bigint[])""", ids)
                return len(rows)


async def forget_applied(pool: asyncpg.Pool) -> int:
    """Delete the rows whose event the store has applied (or parked to apply); returns how many."""
    async with transient_as_unavailable():
        async with pool.acquire() as conn:
            result = await conn.execute(
                """DELETE FROM intake i USING processed_events p WHERE p.event_id = i.event_id""")
    return int(result.split()[-1])


# The waits below grow with each send of a row: times 2, 4 … at most this.
MAX_REDELIVERY_FACTOR = 64
# Lost for sure (sent before the worker was caught up) is sent again after this, doubling with each send:
# an event the worker dead-letters instead of applying would otherwise go round every few seconds.
LOST_WAIT_SECONDS = 5.0
# Outbox rows sent longer ago than this are not looked at again (the outbox keeps its history).
OUTBOX_REDELIVERY_WINDOW_HOURS = 24
_OVERDUE = """{sent} IS NOT NULL
    AND ({sent} < now() - make_interval(secs => $1 * least(power(2, relays - 1), $3))
         OR ({sent} < $2 AND {sent} < now() - make_interval(secs => $4 * least(power(2, relays - 1), $3))))
    AND NOT EXISTS (SELECT 1 FROM processed_events p WHERE p.event_id = {event_id})"""


async def redeliver_overdue(pool: asyncpg.Pool, after_seconds: float, caught_up_before: datetime | None) -> int:
    """Mark to be sent again the rows sent to Kafka that the store has not applied, where it is sure or
    likely that the broker lost them; returns how many.

    Sure: sent before ``caught_up_before``, when the worker had committed (so applied) everything the
    broker then held. Likely: sent ``after_seconds`` ago and more, for when the worker is never seen caught
    up. Either wait doubles with each send of the row. For a broker that loses what it had acknowledged
    without anyone restarting it (a real Kafka after an unclean leader election; the embedded one around
    its restart, where CI's soak once lost 24 accepted events): nothing accepted may wait for ever. A
    second delivery of an event the store has applied meanwhile is a no-op. The outbox rows looked at
    are those the store applies (decisions and answers)."""
    args = (after_seconds, caught_up_before, MAX_REDELIVERY_FACTOR, LOST_WAIT_SECONDS)
    async with transient_as_unavailable():
        async with pool.acquire() as conn:
            async with conn.transaction():
                intake = await conn.execute(
                    "UPDATE intake SET relayed_at = NULL WHERE applied_by_store AND "
                    + _OVERDUE.format(sent="relayed_at", event_id="intake.event_id"), *args)
                outbox = await conn.execute(
                    "UPDATE outbox SET published_at = NULL WHERE value->>'type' = ANY($5::text[]) "
                    "AND published_at > now() - make_interval(hours => $6) AND "
                    + _OVERDUE.format(sent="published_at", event_id="outbox.value->>'event_id'"),
                    *args, sorted(PROJECTIONS), OUTBOX_REDELIVERY_WINDOW_HOURS)
    return int(intake.split()[-1]) + int(outbox.split()[-1])


async def resend_unapplied(conn: asyncpg.Connection) -> int:
    """Mark every relayed event the store has not applied yet as not relayed, in the intake and in the
    outbox; returns how many. For a broker that lost what it had acknowledged: `tillid up` calls it
    whenever it has started the embedded broker, which keeps nothing across a restart.

    It first waits for the relays' transactions in flight (the lock conflicts with their row locks): a
    relay that was sending to the lost broker marks its rows relayed when it commits, and those rows
    must be sent again too (the soak lost such rows: docs/benchmarks.md, "Soak under faults")."""
    async with transient_as_unavailable():
        async with conn.transaction():
            await conn.execute("LOCK TABLE intake, outbox IN EXCLUSIVE MODE")
            intake = await conn.execute("""UPDATE intake SET relayed_at = NULL WHERE relayed_at IS NOT NULL
                AND NOT EXISTS (SELECT 1 FROM processed_events p WHERE p.event_id = intake.event_id)""")
            outbox = await conn.execute(
                """UPDATE outbox SET published_at = NULL WHERE published_at IS NOT NULL
                   AND value->>'type' = ANY($1::text[])
                   AND NOT EXISTS (SELECT 1 FROM processed_events p WHERE p.event_id = outbox.value->>'event_id')""",
                sorted(PROJECTIONS))
    return int(intake.split()[-1]) + int(outbox.split()[-1])


async def backlog(conn: asyncpg.Connection) -> Backlog:
    """How much accepted work is not done yet (what an orderly stop waits for)."""
    async with transient_as_unavailable():
        row = await conn.fetchrow(
            """SELECT (SELECT count(*) FROM intake i WHERE NOT EXISTS
                          (SELECT 1 FROM processed_events p WHERE p.event_id = i.event_id)) AS intake,
                      (SELECT count(*) FROM outbox WHERE published_at IS NULL) AS outbox""")
    return Backlog(intake=row["intake"], outbox=row["outbox"])
