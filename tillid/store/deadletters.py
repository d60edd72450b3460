"""Dead letters kept in the store (table ``deadletters``), for people to look at, and counted per topic."""

from __future__ import annotations

from typing import Protocol, Sequence

from tillid.store.tallies import Tally


class RejectedMessage(Protocol):
    """What the store keeps of a rejected message (``tillid.streams.deadletter.DeadLetter`` is one)."""

    topic: str
    partition: int | None
    offset: int | None
    raw: bytes
    reason: str


async def record(conn, letters: Sequence[RejectedMessage], topic_prefix: str = "") -> None:
    """Keep dead letters, in the caller's transaction, and count them per topic (without ``topic_prefix``)
    for the stats."""
    if not letters:
        return
    await conn.executemany(
        """INSERT INTO deadletters (topic, partition, "offset", reason, raw) VALUES ($1, $2, $3, $4, $5)""",
        [(d.topic, d.partition, d.offset, d.reason, d.raw) for d in letters])
    tally = Tally()
    for letter in letters:
        tally.add(letter.topic.removeprefix(topic_prefix), "deadlettered")
    await tally.write(conn)
