"""The embedded broker's memory, bounded (README, "The embedded broker's memory").

The embedded broker (Tansu with its memory storage) ignores ``retention.ms`` and ``retention.bytes``:
it keeps every event it was sent until it stops (tests/e2e/test_broker_memory.py shows it). So
`tillid up` starts it afresh once it holds more than ``TILLID_EMBEDDED_BROKER_MAX_MIB`` and nothing is
in flight: every accepted event applied, the outbox relayed, the worker's offsets at the end of its
topics. What the broker held is then in PostgreSQL already; a restart of the embedded broker is
survived as after a crash of it (the worker starts afresh, unapplied intake events are sent again).
"""

from __future__ import annotations

import time
from typing import Callable

# How often the broker's memory is looked at; whether everything is applied is asked only when it is over.
CHECK_SECONDS = 10.0
# After a restart, the next one waits at least this long: a bound below what the idle broker uses would
# otherwise restart it (and the worker after it) every CHECK_SECONDS.
RESTART_PAUSE_SECONDS = 300.0


class BrokerRecycler:
    """Calls ``restart`` with the reason when the broker holds more than ``max_mib`` and ``drained`` says
    nothing is in flight; looks at most every ``every_seconds`` (``check`` is called often), and not
    until ``pause_seconds`` after a restart."""

    def __init__(self, max_mib: int, resident_mib: Callable[[], float | None], drained: Callable[[], bool],
                 restart: Callable[[str], None], *, every_seconds: float = CHECK_SECONDS,
                 pause_seconds: float = RESTART_PAUSE_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_mib = max_mib
        self.resident_mib = resident_mib
        self.drained = drained
        self.restart = restart
        self.every = every_seconds
        self.pause = pause_seconds
        self.clock = clock
        self.next_check = clock() + every_seconds

    def check(self) -> bool:
        """True when it restarted the broker."""
        now = self.clock()
        if now < self.next_check:
            return False
        self.next_check = now + self.every
        held = self.resident_mib()
        if held is None or held <= self.max_mib or not self.drained():
            return False
        self.restart(f"it holds {held:.0f} MiB of events, more than TILLID_EMBEDDED_BROKER_MAX_MIB={self.max_mib}, "
                     "and all of them are applied (it ignores the topics' retention)")
        self.next_check = self.clock() + max(self.every, self.pause)
        return True
