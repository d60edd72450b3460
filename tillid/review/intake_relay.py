"""The review service's intake relay: sends the events POST /api/events accepted to Kafka.

The service that accepted them relays them with its own producer, so the
worker writes no input topic (its Kafka principal needs only to read them).
Rows stay in the intake until the store has applied their events
(``tillid/store/intake.py``); this task also deletes those, about once a
second. Several replicas relay side by side: the rows are locked while sent.
While Kafka or PostgreSQL is away the rows wait, and the service goes on
accepting and serving.
"""

from __future__ import annotations

import asyncio
import logging

import asyncpg

from tillid.errors import RetryableError
from tillid.review.publisher import EventPublisher
from tillid.store import intake

log = logging.getLogger("tillid.api")

RELAY_INTERVAL_SECONDS = 0.2
FORGET_INTERVAL_SECONDS = 1.0
RETRY_SECONDS = 2.0


async def relay_intake(pool: asyncpg.Pool, publisher: EventPublisher, topic_prefix: str) -> None:
    """Relay until cancelled."""
    failing = False
    forgotten_at = 0.0
    loop = asyncio.get_running_loop()
    while True:
        try:
            while await intake.relay_once(pool, publisher.publish_all, topic_prefix):
                pass
            if loop.time() - forgotten_at >= FORGET_INTERVAL_SECONDS:
                await intake.forget_applied(pool)
                forgotten_at = loop.time()
        except RetryableError as error:
            # Once per outage at warning level: accepting and reading go on meanwhile.
            log.log(logging.DEBUG if failing else logging.WARNING,
                    "accepted events wait in the intake: %s", error.reason)
            failing = True
            await asyncio.sleep(RETRY_SECONDS)
            continue
        except Exception:  # noqa: BLE001 - the service keeps serving; the rows stay in the intake
            log.exception("relaying the intake failed; trying again")
            await asyncio.sleep(RETRY_SECONDS)
            continue
        failing = False
        await asyncio.sleep(RELAY_INTERVAL_SECONDS)
