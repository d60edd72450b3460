"""The review service's outbox relay: it publishes the decisions and answers people make here.

The store queues them in the outbox in the transaction that records them
(``record_and_publish``); this task sends every row but the worker's
proposals (``WORKER_TOPICS``): decisions, suggestions and answers, rotation
preferences, with the service's own producer. So the review service's Kafka principal is
the only one that writes decisions and answers (deploy/README.md, "Kafka
security and ACLs"). Several replicas relay side by side: the rows are locked
while sent. While Kafka or PostgreSQL is away the rows wait, and the service
goes on serving.
"""

from __future__ import annotations

import asyncio
import logging

import asyncpg

from tillid.errors import RetryableError
from tillid.review.publisher import EventPublisher
from tillid.store.outbox import relay_once

log = logging.getLogger("tillid.api")

RELAY_INTERVAL_SECONDS = 0.2
RETRY_SECONDS = 2.0


async def relay_review_events(pool: asyncpg.Pool, publisher: EventPublisher, topic_prefix: str) -> None:
    """Relay until cancelled."""
    failing = False
    while True:
        try:
            while await relay_once(pool, publisher.publish_all, topic_prefix, review=True):
                pass
        except RetryableError as error:
            # Once per outage at warning level: the pages and reads go on meanwhile.
            log.log(logging.DEBUG if failing else logging.WARNING,
                    "decisions and answers wait in the outbox: %s", error.reason)
            failing = True
            await asyncio.sleep(RETRY_SECONDS)
            continue
        except Exception:  # noqa: BLE001 - the service keeps serving; the rows stay queued
            log.exception("relaying decisions and answers failed; trying again")
            await asyncio.sleep(RETRY_SECONDS)
            continue
        failing = False
        await asyncio.sleep(RELAY_INTERVAL_SECONDS)
