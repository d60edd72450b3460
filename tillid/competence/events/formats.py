"""The two string formats of the event contract, checked for real.

jsonschema checks ``date-time`` only when an optional extra package is
installed, and jsonschema-rs's own checks accept what Python cannot represent
(year 0000, the leap second 23:59:60). These functions are what both
validators use, so the contract does not depend on which optional packages
happen to be present.
"""

from __future__ import annotations

import datetime as dt
import re

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
# RFC 3339 date-time: a zone is required (Z or +hh:mm / -hh:mm); fractions of
# a second are allowed; the separator may be T or t. Leap seconds (:60) are
# rejected because Python's datetime cannot represent them.
_DATE_TIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})", re.ASCII)


def parse_date(text: str) -> dt.date | None:
    """The date of ``YYYY-MM-DD`` text, or None when it is not a real calendar date."""
    if not _DATE.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def parse_date_time(text: str) -> dt.datetime | None:
    """The zone-aware time of RFC 3339 text, or None when it is not a real time with a zone."""
    if not _DATE_TIME.fullmatch(text):
        return None
    try:
        return dt.datetime.fromisoformat(text.upper())
    except ValueError:
        return None


def is_date(value: object) -> bool:
    """Format check: non-strings pass (the ``type`` keyword reports those)."""
    return not isinstance(value, str) or parse_date(value) is not None


def is_date_time(value: object) -> bool:
    """Format check: non-strings pass (the ``type`` keyword reports those)."""
    return not isinstance(value, str) or parse_date_time(value) is not None


def render_date_time(value: dt.datetime) -> str:
    """ISO 8601 text of a zone-aware time, UTC written as ``Z``."""
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text
