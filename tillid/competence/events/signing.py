"""Signatures on the events people decide through the review service: only it may write them.

A committee's decision (ProposalDecided) and an employee's answer
(SuggestionAnswered) change what happens to people. Anyone who can write to
the ``decisions`` or ``suggestions`` topic could otherwise approve a proposal
for a committee; so the review service signs each such event, and the worker
applies only events whose signature holds (the rest are dead-lettered).
An employee's dispute of a competence (CompetenceDisputed, on ``feedback``)
is signed the same way: it is written by the review service for a person,
like an answer, and it changes matching (the disputed entry is left out), so
a forged one must not be applied; HR systems holding the key can check it too.

The signature is the envelope field ``signature``: HMAC-SHA256, as 64
lower-case hex digits, keyed with TILLID_EVENT_SIGNING_KEY, over the event
without that field in canonical JSON: UTF-8, keys sorted at every level, no
whitespace, non-ASCII characters as themselves (``canonical``). Any JSON
round trip of the event (a PostgreSQL jsonb column, another parser) keeps
the same canonical form, so the signature survives the outbox.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

from tillid.competence.frozen import thaw
from tillid.errors import InvalidEvent

SIGNATURE_FIELD = "signature"
# The events the review service writes for people; an unsigned one on the broker is not applied.
SIGNED_TYPES: frozenset[str] = frozenset({"ProposalDecided", "SuggestionAnswered", "CompetenceDisputed"})


def canonical(event: Mapping[str, Any]) -> bytes:
    """The bytes the signature covers: the event without ``signature`` as canonical JSON."""
    unsigned = {name: thaw(value) for name, value in event.items() if name != SIGNATURE_FIELD}
    return json.dumps(unsigned, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def sign(event: Mapping[str, Any], key: bytes) -> str:
    """The signature of ``event`` (any ``signature`` it carries is left out) as hex digits."""
    return hmac.new(key, canonical(event), hashlib.sha256).hexdigest()


def signed(event: Mapping[str, Any], key: bytes) -> dict[str, Any]:
    """A copy of ``event`` carrying its signature."""
    return {**event, SIGNATURE_FIELD: sign(event, key)}


def verify(event: Mapping[str, Any], key: bytes) -> None:
    """Nothing when ``event``'s signature holds; InvalidEvent on ``signature`` saying why otherwise."""
    claimed = event.get(SIGNATURE_FIELD)
    if claimed is None:
        problem = "it has none"
    elif not isinstance(claimed, str):
        problem = "it is not a string of hex digits"
    elif not _matches(claimed, event, key):
        problem = "it does not match the event (another key, or the event was changed after signing)"
    else:
        return
    raise InvalidEvent(SIGNATURE_FIELD, f"{event.get('type')} without a valid signature: {problem}; only the "
                                        "review service writes decisions, answers and disputes")


def _matches(claimed: str, event: Mapping[str, Any], key: bytes) -> bool:
    try:
        expected = sign(event, key)
    except ValueError:  # a value canonical JSON cannot hold (NaN) was never signed
        return False
    return hmac.compare_digest(claimed.encode("utf-8", "replace"), expected.encode("ascii"))


def verify_message(raw: bytes | bytearray | memoryview | str, key: bytes) -> None:
    """``verify`` on a message value that has already been decoded and validated as an event."""
    text = raw if isinstance(raw, str) else bytes(raw).decode("utf-8")
    verify(json.loads(text), key)
