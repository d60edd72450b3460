"""Decode, validate, apply: what the worker does with every batch of messages.

Free of Kafka clients so any consumer can drive it: ``prepare`` (CPU only) then
``apply`` (one transaction); the consumer commits the batch's offsets only
after ``apply`` returns.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Awaitable, Callable, Protocol, Sequence

import asyncpg

from tillid.competence.events import SIGNED_TYPES, TOPIC_OF_TYPE, decode, verify_message
from tillid.errors import InvalidEvent
from tillid.store import deadletters
from tillid.store.db import retry_while_unavailable, transient_as_unavailable
from tillid.store.projection.projector import BatchResult, Projector
from tillid.streams.deadletter import DeadLetter

log = logging.getLogger(__name__)


class RawMessage(Protocol):
    """A message as read from the broker (aiokafka's ``ConsumerRecord`` is one, used as it is: a copy
    per message would add to every event's time; docs/benchmarks.md, "Figures that stood in the code")."""

    topic: str
    partition: int | None
    offset: int | None
    key: bytes | None
    value: bytes


@dataclass(frozen=True)
class Prepared:
    """A decoded batch: the envelopes to apply, in order, and the messages rejected."""

    envelopes: list
    letters: list[DeadLetter]


SendDeadLetter = Callable[[DeadLetter], Awaitable[None]]


class Ingestor:
    def __init__(self, pool: asyncpg.Pool, projector: Projector, send_deadletter: SendDeadLetter,
                 topic_prefix: str = "", *, signing_key: bytes) -> None:
        self.pool = pool
        # Decisions and answers are applied only with the review service's signature (TILLID_EVENT_SIGNING_KEY).
        self.signing_key = signing_key
        self.projector = projector
        self.send_deadletter = send_deadletter
        self.prefix = topic_prefix
        self._topic_of_type = {event_type: topic_prefix + topic for event_type, topic in TOPIC_OF_TYPE.items()}

    def prepare(self, messages: Sequence[RawMessage]) -> Prepared:
        """The CPU half of a batch (decode, validate, set dead letters aside): no I/O."""
        return self.split_valid_from_dead_letters(messages)

    async def apply(self, prepared: Prepared) -> BatchResult:
        """The I/O half: dead letters sent, then everything in one transaction, retried while the
        database is unavailable."""
        for letter in prepared.letters:
            await self.send_deadletter(letter)

        async def apply() -> BatchResult:
            async with transient_as_unavailable():
                async with self.pool.acquire() as conn:
                    async with conn.transaction():
                        # Dead letters last: their counts' rows are then locked only until the commit.
                        result = await self.projector.apply_in_transaction(conn, prepared.envelopes)
                        await deadletters.record(conn, prepared.letters, self.prefix)
                        return result

        return await retry_while_unavailable(apply, on_retry=_log_retry)

    def split_valid_from_dead_letters(self, messages: Sequence[RawMessage]) -> Prepared:
        """Split a batch into envelopes to apply and dead letters: events that break the contract, sit on
        another type's topic, or are decisions and answers without the review service's signature."""
        envelopes, letters = [], []
        for message in messages:
            try:
                envelope = decode(message.value)
                self._check_topic(envelope.type, message.topic)
                if envelope.type in SIGNED_TYPES:
                    verify_message(message.value, self.signing_key)
            except InvalidEvent as error:
                letters.append(DeadLetter(message.topic, message.partition, message.offset, message.key,
                                          message.value, error.reason))
                continue
            envelopes.append(envelope)
        return Prepared(envelopes, letters)

    def _check_topic(self, event_type: str, topic: str) -> None:
        expected = self._topic_of_type[event_type]
        if topic != expected:
            raise InvalidEvent("type", f"{event_type} belongs on topic {expected!r}, not {topic!r}")


def _log_retry(error: Exception, delay: float) -> None:
    log.warning("%s; retrying in %.1f s", error, delay)
