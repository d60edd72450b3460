"""What became of the events received, counted as it happens: per topic and outcome (``event_tallies``).

An event received ends as one of ``OUTCOMES``: applied (``released`` from parking counts as applied),
parked (waiting for its referent), discarded (dropped by an erasure), a duplicate, or dead-lettered.
Every change of an event's outcome is added to a ``Tally`` in the transaction that makes it, and the
tally is written once at the end of that transaction, one statement with the batch's totals; so the
counts always agree with ``processed_events`` and /api/stats and /metrics read a few rows, whatever the
number of events.
"""

from __future__ import annotations

from collections import Counter
from typing import Iterable

from tillid.competence.events.topics import TOPIC_OF_TYPE

OUTCOMES: tuple[str, ...] = ("applied", "parked", "discarded", "duplicate", "deadlettered")
# Where an event's topic is not known: counts carried over from before the tallies had topics.
UNKNOWN_TOPIC = "unknown"
# processed_events.outcome as the tallies count it.
_COUNTED_AS = {"applied": "applied", "released": "applied", "parked": "parked", "discarded": "discarded"}


def topic_of(event_type: str) -> str:
    return TOPIC_OF_TYPE.get(event_type, UNKNOWN_TOPIC)


class Tally:
    """Changes to the counts made by one transaction, written by ``write``."""

    def __init__(self) -> None:
        self.changes: Counter[tuple[str, str]] = Counter()

    def add(self, topic: str, outcome: str, events: int = 1) -> None:
        self.changes[(topic, outcome)] += events

    def add_events(self, event_types: Iterable[str], outcome: str, each: int = 1) -> None:
        """Count ``each`` (1, or -1 to take back) per event of the given types."""
        for event_type in event_types:
            self.changes[(topic_of(event_type), outcome)] += each

    def move(self, event_type: str, was: str, now: str) -> None:
        """An event's ``processed_events.outcome`` changed from ``was`` to ``now``."""
        before, after = _COUNTED_AS[was], _COUNTED_AS[now]
        if before != after:
            topic = topic_of(event_type)
            self.changes[(topic, before)] -= 1
            self.changes[(topic, after)] += 1

    async def write(self, conn) -> None:
        """Add the changes to ``event_tallies`` in one statement, rows in key order (concurrent batches
        lock them in the same order), and start over."""
        changes = sorted((key, value) for key, value in self.changes.items() if value)
        self.changes.clear()
        if not changes:
            return
        await conn.execute(
            """INSERT INTO event_tallies (topic, outcome, events)
               SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])
               ON CONFLICT (topic, outcome) DO UPDATE SET events = event_tallies.events + EXCLUDED.events""",
            [topic for (topic, _), _ in changes], [outcome for (_, outcome), _ in changes],
            [value for _, value in changes])


async def set_outcome(conn, event_ids: list[str], outcome: str, tally: Tally) -> None:
    """Set the outcome of processed events and count the change."""
    if not event_ids:
        return
    rows = await conn.fetch(
        """UPDATE processed_events p SET outcome = $2
           FROM (SELECT event_id, outcome FROM processed_events WHERE event_id = ANY($1::text[]) FOR UPDATE) AS was
           WHERE p.event_id = was.event_id RETURNING p.type, was.outcome""", event_ids, outcome)
    for row in rows:
        tally.move(row["type"], row["outcome"], outcome)


async def read(conn) -> dict[tuple[str, str], int]:
    """The counts per (topic, outcome)."""
    return {(row["topic"], row["outcome"]): row["events"]
            for row in await conn.fetch("SELECT topic, outcome, events FROM event_tallies")}


def totals(counts: dict[tuple[str, str], int]) -> dict[str, int]:
    """The counts per outcome, every outcome present."""
    found = dict.fromkeys(OUTCOMES, 0)
    for (_, outcome), events in counts.items():
        found[outcome] += events
    return found
