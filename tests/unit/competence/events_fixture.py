"""The shared fixture set: one valid event per type (tests/fixtures/events_valid.jsonl)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "events_valid.jsonl"


def valid_events() -> list[dict[str, Any]]:
    return [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines() if line.strip()]


def valid_event(event_type: str) -> dict[str, Any]:
    """A fresh, mutable copy of the fixture event of that type."""
    for event in valid_events():
        if event["type"] == event_type:
            return copy.deepcopy(event)
    raise LookupError(event_type)
