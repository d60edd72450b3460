"""The cyclic garbage collector, set for a process that streams: many short-lived objects, few cycles.

Decoding and applying an event allocates a dozen containers (the parsed JSON,
its read-only copy, the envelope, statement rows), and nearly all of them are
freed by reference counting. With the interpreter's defaults the collector
still runs every 700 allocations, and every few of those runs a full
collection walks the whole heap, which in the worker holds the imported
libraries and the skill mapper's index: measured on the demo stream, the
collector took a large share of the worker's CPU time (docs/benchmarks.md,
"The garbage collector, and lanes that do not wait for each other").
Freezing what start-up built takes it out of every later collection, and a
larger first threshold makes the young collections rarer; cycles are still
collected.
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 50_000  # allocations between young collections (the default is 700)
MIDDLE_THRESHOLD = 20  # young collections between collections of the middle generation (default 10)
OLD_THRESHOLD = 20  # middle collections between full collections (default 10)


def settle_after_start_up() -> None:
    """Collect once, freeze the survivors (imports, indexes, connections) and raise the thresholds.
    Call when start-up is done and the steady work begins."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, MIDDLE_THRESHOLD, OLD_THRESHOLD)
