"""Signatures on decisions and answers: HMAC-SHA256 over the canonical event, checked with one readable reason."""

import hashlib
import hmac
import json

import pytest

from tillid.competence.events import SIGNED_TYPES, encode, new_envelope, sign, signed, validate, verify
from tillid.competence.events.signing import canonical, verify_message
from tillid.errors import InvalidEvent

KEY = b"k" * 32


def decision(comment: str = "Godkendt – ærligt talt") -> dict:
    return new_envelope("ProposalDecided", {"proposal_id": "p-1", "by": "committee", "decision": "approved",
                                            "comment": comment, "decided_at": "2026-11-23T10:00:00Z"},
                        source="tillid-review", occurred_at="2026-11-23T10:00:00Z", event_id="e-1")


def test_signed_types_are_the_decisions_answers_and_disputes_people_make():
    assert SIGNED_TYPES == {"ProposalDecided", "SuggestionAnswered", "CompetenceDisputed"}


def test_the_signature_is_hmac_sha256_hex_of_the_canonical_json_without_it():
    event = decision()
    text = json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert sign(event, KEY) == hmac.new(KEY, text.encode(), hashlib.sha256).hexdigest()
    assert sign(signed(event, KEY), KEY) == sign(event, KEY)  # the field itself is left out
    assert len(sign(event, KEY)) == 64


def test_a_signed_event_verifies_after_any_json_round_trip():
    event = signed(decision(), KEY)
    reordered = dict(reversed(list(json.loads(json.dumps(event, indent=2)).items())))
    verify(reordered, KEY)
    verify_message(encode(event), KEY)
    verify_message(json.dumps(event, ensure_ascii=True).encode(), KEY)
    assert validate(event).type == "ProposalDecided"  # the field is allowed by the schema


@pytest.mark.parametrize("change, problem", [
    (lambda e: e.pop("signature"), "it has none"),
    (lambda e: e.update(signature=None), "it has none"),
    (lambda e: e.update(signature=12), "it is not a string"),
    (lambda e: e.update(signature="0" * 64), "it does not match the event"),
    (lambda e: e["payload"].update(decision="rejected"), "it does not match the event"),
    (lambda e: e.update(event_id="e-2"), "it does not match the event"),
    (lambda e: e.update(signature=sign(e, b"another key of 32 characters...!")), "it does not match the event"),
])
def test_a_missing_or_wrong_signature_is_an_invalid_event_with_the_reason(change, problem):
    event = signed(decision(), KEY)
    change(event)
    with pytest.raises(InvalidEvent) as raised:
        verify(event, KEY)
    assert raised.value.field == "signature"
    assert raised.value.reason.startswith("signature: ProposalDecided without a valid signature: " + problem)


def test_canonical_form_keeps_non_ascii_text_as_itself():
    assert "ærligt".encode() in canonical(decision())
