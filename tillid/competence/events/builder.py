"""Building new events (for producers inside Tillid: publish, demo data, the review service)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

from tillid.competence.events.formats import parse_date_time, render_date_time
from tillid.competence.frozen import thaw
from tillid.competence.events.topics import SUPPORTED_SCHEMA_VERSIONS
from tillid.competence.events.validation import validate
from tillid.errors import InvalidEvent

# uuid5(NAMESPACE_URL, "urn:tillid:events"): the namespace of event ids derived from a name.
EVENT_ID_NAMESPACE = uuid.UUID("0153b707-2b16-5c26-8998-e517b83829ad")


def event_id_from_name(name: str) -> str:
    """A deterministic event id: the same name gives the same id, on every machine."""
    return str(uuid.uuid5(EVENT_ID_NAMESPACE, name))


def new_envelope(type: str, payload: Mapping[str, Any], *, source: str,
                 occurred_at: dt.datetime | str | None = None, event_id: str | None = None,
                 event_id_name: str | None = None) -> dict[str, Any]:
    """A valid event as a plain dict, or InvalidEvent.

    ``occurred_at`` must be given (zone-aware datetime or ISO 8601 text): pure
    code reads no clock. The event id is ``event_id`` when given, else derived
    from ``event_id_name`` with uuid5 (deterministic output), else a random uuid4.
    """
    if occurred_at is None:
        raise InvalidEvent("occurred_at", "required: pass the time the event happened (pure code reads no clock)")
    if isinstance(occurred_at, dt.datetime):
        if occurred_at.utcoffset() is None:
            raise InvalidEvent("occurred_at", "must have a time zone")
        occurred_text = render_date_time(occurred_at)
    else:
        occurred_text = occurred_at
        if not isinstance(occurred_at, str) or parse_date_time(occurred_at) is None:
            raise InvalidEvent("occurred_at", f"must be a time with zone, e.g. 2026-11-23T10:00:00Z, got {occurred_at!r}")
    if event_id is not None and event_id_name is not None:
        raise InvalidEvent("event_id", "give event_id or event_id_name, not both")
    if event_id is None:
        event_id = event_id_from_name(event_id_name) if event_id_name is not None else str(uuid.uuid4())
    event = {
        "event_id": event_id,
        "type": type,
        "schema_version": SUPPORTED_SCHEMA_VERSIONS[-1],
        "occurred_at": occurred_text,
        "source": source,
        "payload": thaw(payload),
    }
    validate(event)
    return event
