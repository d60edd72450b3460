"""The re-matcher's round durations, shared through the store (table ``worker_rounds``).

Each worker process keeps a histogram of its rounds (``RoundTimes``) and writes it every few seconds
(``write``), one row per worker; the review service's /metrics reads every row (``read``) and exports
them with a ``worker`` label, so one scrape of the review service shows the whole system. The table
stays small: a row per worker process, and rows no worker has written for ``FORGET_AFTER`` (a worker
that stopped) are deleted by the next write.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

# Upper bounds of the histogram's buckets, in seconds (a round solves a few workplaces up to every ripe
# scope after a bulk load).
ROUND_BUCKETS: tuple[float, ...] = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, math.inf)
FORGET_AFTER = "1 day"


@dataclass
class RoundTimes:
    """A histogram of one worker's rounds: per bucket, how many took at most its bound."""

    bounds: tuple[float, ...] = ROUND_BUCKETS
    counts: list[int] = field(default_factory=lambda: [0] * len(ROUND_BUCKETS))
    sum_seconds: float = 0.0
    # Rounds observed since the last write: nothing new, nothing to write.
    unwritten: int = 0

    def observe(self, seconds: float) -> None:
        for index, bound in enumerate(self.bounds):
            if seconds <= bound:
                self.counts[index] += 1
                break
        self.sum_seconds += seconds
        self.unwritten += 1

    def cumulative(self) -> list[int]:
        """Counts as Prometheus has them: rounds that took at most each bound."""
        running, found = 0, []
        for count in self.counts:
            running += count
            found.append(running)
        return found


@dataclass(frozen=True)
class WorkerRounds:
    worker: str
    bounds: tuple[float, ...]
    cumulative: tuple[int, ...]
    sum_seconds: float


async def write(conn, worker: str, times: RoundTimes) -> None:
    """Keep ``worker``'s histogram (if it saw a round since the last write) and forget stopped workers."""
    if not times.unwritten:
        return
    await conn.execute(
        """INSERT INTO worker_rounds (worker, bucket_bounds, bucket_counts, sum_seconds) VALUES ($1, $2, $3, $4)
           ON CONFLICT (worker) DO UPDATE SET bucket_bounds = EXCLUDED.bucket_bounds,
               bucket_counts = EXCLUDED.bucket_counts, sum_seconds = EXCLUDED.sum_seconds, updated_at = now()""",
        worker, list(times.bounds), times.cumulative(), times.sum_seconds)
    await conn.execute(f"DELETE FROM worker_rounds WHERE updated_at < now() - interval '{FORGET_AFTER}'")
    times.unwritten = 0


async def read(conn) -> list[WorkerRounds]:
    rows = await conn.fetch("SELECT worker, bucket_bounds, bucket_counts, sum_seconds FROM worker_rounds "
                            "ORDER BY worker")
    return [WorkerRounds(row["worker"], tuple(row["bucket_bounds"]), tuple(row["bucket_counts"]),
                         row["sum_seconds"]) for row in rows]
