"""The validated event: ``Envelope``, and its JSON encoding."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tillid.competence.events.formats import render_date_time
from tillid.competence.frozen import thaw
from tillid.competence.events.topics import TOPIC_OF_TYPE

ENVELOPE_FIELDS: tuple[str, ...] = ("event_id", "type", "schema_version", "occurred_at", "source", "payload")


@dataclass(frozen=True)
class Envelope:
    """One event that met the contract. Build it with ``validate`` or ``decode``.

    ``payload`` is read-only all the way down (``FrozenDict`` / ``FrozenList``,
    which compare equal to plain dicts and lists and serialise as JSON as usual).
    Unknown payload fields a producer sent are kept in it.
    """

    event_id: str
    type: str
    schema_version: int
    occurred_at: dt.datetime
    source: str
    payload: Mapping[str, Any]

    def __hash__(self) -> int:
        return hash((self.event_id, self.type))

    @classmethod
    def trusted(cls, event_id: str, type: str, schema_version: int, occurred_at: dt.datetime, source: str,
                payload: Mapping[str, Any]) -> Envelope:
        """An Envelope of fields the validator has checked, built without the frozen dataclass's
        ``__init__``, which pays one ``object.__setattr__`` per field on every event read (docs/benchmarks.md,
        "Figures that stood in the code")."""
        envelope = object.__new__(cls)
        envelope.__dict__.update(event_id=event_id, type=type, schema_version=schema_version,
                                 occurred_at=occurred_at, source=source, payload=payload)
        return envelope

    @property
    def topic(self) -> str:
        """Default topic name (no prefix) of this event's type."""
        return TOPIC_OF_TYPE[self.type]

    def to_dict(self) -> dict[str, Any]:
        """The event as a plain, mutable JSON object (occurred_at as ISO 8601 text, UTC as Z)."""
        return {
            "event_id": self.event_id,
            "type": self.type,
            "schema_version": self.schema_version,
            "occurred_at": render_date_time(self.occurred_at),
            "source": self.source,
            "payload": thaw(self.payload),
        }


def _json_default(value: Any) -> Any:
    if isinstance(value, Envelope):
        return value.to_dict()
    if isinstance(value, dt.datetime):
        return render_date_time(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, tuple):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def encode(event: Envelope | Mapping[str, Any]) -> bytes:
    """Compact UTF-8 JSON of an envelope or an event dict (datetimes and dates as ISO 8601 text).

    It does not validate: pass a dict through ``validate`` first when it comes
    from outside.
    """
    value = event.to_dict() if isinstance(event, Envelope) else event
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_json_default).encode("utf-8")
