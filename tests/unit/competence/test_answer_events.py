"""The contract additions for what employees answer: SuggestionAnswered.reason and
LearningActivityPublished.sessions are optional (older events stay valid); CompetenceDisputed is on
``feedback`` and signed like answers."""

from __future__ import annotations

import pytest

from tests.unit.competence.events_fixture import valid_event
from tillid.competence.events import SIGNED_TYPES, TOPIC_OF_TYPE, signed, validate, verify
from tillid.errors import InvalidEvent


def with_payload(event_type: str, **changes) -> dict:
    event = valid_event(event_type)
    event["payload"].update(changes)
    return event


def problem_of(event: dict) -> str:
    with pytest.raises(InvalidEvent) as caught:
        validate(event)
    return caught.value.field


def test_an_answer_without_a_reason_stays_valid_and_a_known_reason_or_null_is_taken():
    assert "reason" not in validate(valid_event("SuggestionAnswered")).payload
    for reason in ("not_interested", "no_time", "already_have", None):
        assert validate(with_payload("SuggestionAnswered", response="declined", reason=reason)).payload["reason"] \
            == reason


def test_an_unknown_reason_is_refused_naming_it():
    assert problem_of(with_payload("SuggestionAnswered", response="declined", reason="bored")) == "payload.reason"


def test_course_sessions_are_optional_and_checked():
    assert "sessions" not in validate(valid_event("LearningActivityPublished")).payload
    held = with_payload("LearningActivityPublished", sessions=[{"starts_on": "2027-03-01", "place": "Vejle"},
                                                               {"starts_on": "2027-06-07"}])
    assert len(validate(held).payload["sessions"]) == 2
    bad = with_payload("LearningActivityPublished", sessions=[{"starts_on": "next spring", "place": "Vejle"}])
    assert problem_of(bad) == "payload.sessions[0].starts_on"
    assert problem_of(with_payload("LearningActivityPublished", sessions=[{"place": "Vejle"}])) \
        == "payload.sessions[0].starts_on"


def test_a_dispute_is_on_feedback_names_its_level_and_must_be_signed():
    assert TOPIC_OF_TYPE["CompetenceDisputed"] == "feedback" and "CompetenceDisputed" in SIGNED_TYPES
    assert problem_of(with_payload("CompetenceDisputed", level=6)) == "payload.level"
    no_comment = valid_event("CompetenceDisputed")
    del no_comment["payload"]["comment"]
    assert problem_of(no_comment) == "payload.comment"
    event = valid_event("CompetenceDisputed")
    with pytest.raises(InvalidEvent, match="without a valid signature"):
        verify(event, b"k" * 32)
    verify(signed(event, b"k" * 32), b"k" * 32)
