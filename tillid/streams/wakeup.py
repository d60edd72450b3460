"""A doorbell between the worker's tasks: one rings when there is new work, the other stops waiting."""

from __future__ import annotations

import asyncio


class Wakeup:
    def __init__(self) -> None:
        self._rung = asyncio.Event()

    def ring(self) -> None:
        self._rung.set()

    async def wait(self, timeout: float) -> None:
        """Return when rung (also if rung since the last wait) or after ``timeout`` seconds."""
        try:
            await asyncio.wait_for(self._rung.wait(), timeout)
        except TimeoutError:
            pass
        self._rung.clear()
