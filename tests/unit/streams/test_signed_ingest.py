"""The worker's decode step dead-letters decisions and answers without the review service's signature."""

from dataclasses import dataclass

from tillid.competence.events import encode, new_envelope, signed
from tillid.streams.ingest import Ingestor

KEY = b"k" * 32


@dataclass
class Message:
    topic: str
    value: bytes
    partition: int = 0
    offset: int = 7
    key: bytes | None = b"org-a"


def ingestor() -> Ingestor:
    return Ingestor(pool=None, projector=None, send_deadletter=None, topic_prefix="t.", signing_key=KEY)


def split(messages: list[Message]) -> tuple[list, list]:
    prepared = ingestor().split_valid_from_dead_letters(messages)
    return prepared.envelopes, prepared.letters


def decision() -> dict:
    return new_envelope("ProposalDecided", {"proposal_id": "p-1", "by": "committee", "decision": "approved",
                                            "comment": "", "decided_at": "2026-11-23T10:00:00Z"},
                        source="tillid-review", occurred_at="2026-11-23T10:00:00Z", event_id="d-1")


def answer() -> dict:
    return new_envelope("SuggestionAnswered", {"suggestion_id": "s-1", "employee_id": "e1", "response": "accepted",
                                               "comment": "", "answered_at": "2026-11-23T10:00:00Z"},
                        source="tillid-review", occurred_at="2026-11-23T10:00:00Z", event_id="a-1")


def test_signed_decisions_and_answers_pass():
    envelopes, letters = split([Message("t.decisions", encode(signed(decision(), KEY))),
                                Message("t.suggestions", encode(signed(answer(), KEY)))])
    assert [e.event_id for e in envelopes] == ["d-1", "a-1"] and letters == []


def test_unsigned_and_wrongly_signed_ones_are_dead_lettered_with_the_reason():
    forged = signed(decision(), b"x" * 32)
    messages = [Message("t.decisions", encode(decision())), Message("t.decisions", encode(forged)),
                Message("t.suggestions", encode(answer()))]
    envelopes, letters = split(messages)
    assert envelopes == []
    assert [letter.raw for letter in letters] == [m.value for m in messages]
    assert [letter.reason.split(":")[:2] for letter in letters] == [
        ["signature", " ProposalDecided without a valid signature"],
        ["signature", " ProposalDecided without a valid signature"],
        ["signature", " SuggestionAnswered without a valid signature"]]
    assert [(letter.topic, letter.offset, letter.key) for letter in letters] == [
        ("t.decisions", 7, b"org-a"), ("t.decisions", 7, b"org-a"), ("t.suggestions", 7, b"org-a")]
    assert "it has none" in letters[0].reason and "does not match" in letters[1].reason


def test_other_events_need_no_signature():
    issued = new_envelope("RotationInterestWithdrawn", {"employee_id": "e1"}, source="hr",
                          occurred_at="2026-11-23T10:00:00Z", event_id="r-1")
    envelopes, letters = split([Message("t.rotation", encode(issued))])
    assert [e.event_id for e in envelopes] == ["r-1"] and letters == []


def dispute() -> dict:
    return new_envelope("CompetenceDisputed", {"employee_id": "e1", "skill": "dk:saarbehandling", "level": 2,
                                               "comment": "Jeg er på niveau 3"},
                        source="tillid-review", occurred_at="2026-11-23T10:00:00Z", event_id="c-1")


def test_a_competence_dispute_on_feedback_needs_the_signature_too():
    envelopes, letters = split([Message("t.feedback", encode(signed(dispute(), KEY))),
                                Message("t.feedback", encode(dispute()))])
    assert [e.event_id for e in envelopes] == ["c-1"]
    assert [letter.reason.split(":")[:2] for letter in letters] == [
        ["signature", " CompetenceDisputed without a valid signature"]]
