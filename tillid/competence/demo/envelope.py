"""Deterministic event envelopes: ids from the seed and a running number, times from a fixed base."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

BASE_TIME = datetime(2026, 1, 5, 8, 0, 0, tzinfo=timezone.utc)
_NAMESPACE = uuid.UUID("6a1b1f0e-5b9e-4f55-9d0c-7f3f7c1d2e10")


class EnvelopeFactory:
    """Wraps payloads in envelopes numbered 1, 2, 3, ... in the order they are made.

    ``event_id`` is uuid5 of a namespace derived from seed and scale and the running
    number, so the same seed and scale give the same ids, and different runs do not
    collide. ``occurred_at`` advances one second per event from ``BASE_TIME``.
    """

    def __init__(self, seed: int, scale: float) -> None:
        self._namespace = uuid.uuid5(_NAMESPACE, f"tillid-demo;seed={seed};scale={float(scale)!r}")
        self._count = 0

    @property
    def count(self) -> int:
        return self._count

    def make(self, event_type: str, source: str, payload: dict) -> dict:
        self._count += 1
        n = self._count
        return {
            "event_id": str(uuid.uuid5(self._namespace, f"{n}:{event_type}")),
            "type": event_type,
            "schema_version": 1,
            "occurred_at": (BASE_TIME + timedelta(seconds=n)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "source": source,
            "payload": payload,
        }
