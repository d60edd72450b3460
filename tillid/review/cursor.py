"""Opaque, URL-safe page cursors for ``GET /api/proposals``: where the last page ended.

A cursor is the last listed proposal's ``(created_at, proposal_id)`` as
base64url JSON without padding. Clients pass it back as it is; anything else
is refused as a bad ``cursor`` (422), never guessed at.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime

from tillid.errors import InvalidInput
from tillid.review.queries import PageKey

MAX_CURSOR = 600


def encode_cursor(key: PageKey) -> str:
    text = json.dumps([key.created_at.isoformat(), key.proposal_id], ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii").rstrip("=")


def decode_cursor(cursor: str) -> PageKey:
    """The page key a cursor stands for; InvalidInput naming ``cursor`` for anything this service did not write."""
    try:
        if len(cursor) > MAX_CURSOR:
            raise ValueError("too long")
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        created_at, proposal_id = json.loads(raw.decode("utf-8"))
        when = datetime.fromisoformat(created_at)
        if when.tzinfo is None or not isinstance(proposal_id, str) or not proposal_id:
            raise ValueError("incomplete")
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as error:
        raise InvalidInput("cursor", "not a cursor from this list; start again without one") from error
    return PageKey(when, proposal_id)
