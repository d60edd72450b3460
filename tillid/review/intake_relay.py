"""The review service's intake relay: sends the events POST /api/events accepted to Kafka.

The service that accepted them relays them with its own producer, so the
worker writes no input topic (its Kafka principal needs only to read them).
Rows stay in the intake until the store has applied their events
(``tillid/store/intake.py``); this task also deletes those, about once a
second, and every ``REDELIVERY_CHECK_SECONDS`` marks to be sent again what was
sent but not applied though the worker has since been seen caught up (the
consumer lag, ``tillid/review/lag.py``), or not applied long after
(``TILLID_REDELIVER_SECONDS``): a broker may lose what it had acknowledged. Several replicas relay side by side: the rows are locked while sent.
While Kafka or PostgreSQL is away the rows wait, and the service goes on
accepting and serving.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone
from typing import Callable

import asyncpg

from tillid.errors import RetryableError
from tillid.review.publisher import EventPublisher
from tillid.store import intake

log = logging.getLogger("tillid.api")

RELAY_INTERVAL_SECONDS = 0.2
FORGET_INTERVAL_SECONDS = 1.0
REDELIVERY_CHECK_SECONDS = 5.0
# PostgreSQL's clock (when a row was sent) and this service's (when the lag was measured) may differ a little.
CLOCK_MARGIN_SECONDS = 2.0

# The wall-clock time (epoch seconds) since when the worker is known to have applied all the broker then held.
CaughtUp = Callable[[], float | None]
RETRY_SECONDS = 2.0


async def relay_intake(pool: asyncpg.Pool, publisher: EventPublisher, topic_prefix: str,
                       redeliver_seconds: float = 300.0, caught_up: CaughtUp = lambda: None) -> None:
    """Relay until cancelled."""
    failing = False
    forgotten_at = checked_at = 0.0
    loop = asyncio.get_running_loop()
    while True:
        try:
            while await intake.relay_once(pool, publisher.publish_all, topic_prefix):
                pass
            if loop.time() - forgotten_at >= FORGET_INTERVAL_SECONDS:
                await intake.forget_applied(pool)
                forgotten_at = loop.time()
            if loop.time() - checked_at >= REDELIVERY_CHECK_SECONDS:
                checked_at = loop.time()
                await _redeliver_overdue(pool, redeliver_seconds, caught_up())
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


async def _redeliver_overdue(pool: asyncpg.Pool, after_seconds: float, caught_up_at: float | None) -> None:
    before = (datetime.fromtimestamp(caught_up_at - CLOCK_MARGIN_SECONDS, timezone.utc)
              if caught_up_at is not None else None)
    count = await intake.redeliver_overdue(pool, after_seconds, before)
    if count:
        log.warning("%d events sent to Kafka are not applied though the worker has caught up since, or "
                    "%.0f s after; sending them again (the broker lost them)", count, after_seconds)
