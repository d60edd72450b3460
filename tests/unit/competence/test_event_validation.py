"""validate / decode: valid events pass, bad ones fail naming the field and the expectation."""

from __future__ import annotations

import json

import pytest

from tests.unit.competence.events_fixture import valid_event, valid_events
from tillid.competence.events import EVENT_TYPES, Envelope, decode, validate
from tillid.errors import InvalidEvent, PoisonError


def test_the_fixture_has_one_valid_event_per_type():
    assert sorted(event["type"] for event in valid_events()) == sorted(EVENT_TYPES)


@pytest.mark.parametrize("event", valid_events(), ids=lambda event: event["type"])
def test_valid_event_gives_its_envelope(event):
    envelope = validate(event)
    assert isinstance(envelope, Envelope)
    assert envelope.type == event["type"]
    assert envelope.event_id == event["event_id"]
    assert envelope.payload == event["payload"]
    assert envelope.to_dict() == event


@pytest.mark.parametrize("event", valid_events(), ids=lambda event: event["type"])
def test_decode_accepts_bytes_and_text(event):
    raw = json.dumps(event, ensure_ascii=False)
    assert decode(raw.encode("utf-8")) == decode(raw) == validate(event)


def _set(event, path, value):
    target = event
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return event


def _delete(event, path):
    target = event
    for part in path[:-1]:
        target = target[part]
    del target[path[-1]]
    return event


# (event type, change, expected field path, words the problem must contain)
BAD_CASES = [
    ("TaskDefined", lambda e: _set(e, ["payload", "required_skills", 1, "min_level"], 7),
     "payload.required_skills[1].min_level", "must be an integer from 0 to 5, got 7"),
    ("CompetenceAssessed", lambda e: _set(e, ["payload", "level"], 7),
     "payload.level", "must be an integer from 0 to 5, got 7"),
    ("CompetenceAssessed", lambda e: _set(e, ["payload", "level"], -1),
     "payload.level", "from 0 to 5, got -1"),
    ("CompetenceAssessed", lambda e: _set(e, ["payload", "level"], "3"),
     "payload.level", "must be an integer from 0 to 5, got '3'"),
    ("CompetenceAssessed", lambda e: _set(e, ["payload", "level"], 2.5),
     "payload.level", "got 2.5"),
    ("CompetenceAssessed", lambda e: _delete(e, ["payload", "employee_id"]),
     "payload.employee_id", "required field is missing"),
    ("CompetenceAssessed", lambda e: _set(e, ["payload", "evidence"], "rumour"),
     "payload.evidence", "must be one of 'self', 'manager', 'certificate', 'course', 'observed', got 'rumour'"),
    ("CompetenceAssessed", lambda e: _set(e, ["payload", "assessed_on"], "2026-02-30"),
     "payload.assessed_on", "must be a calendar date YYYY-MM-DD"),
    ("CompetenceAssessed", lambda e: _set(e, ["payload", "assessed_on"], "23-11-2026"),
     "payload.assessed_on", "got '23-11-2026'"),
    ("CompetenceAssessed", lambda e: _set(e, ["payload", "assessed_on"], "2026-11-23T10:00:00Z"),
     "payload.assessed_on", "calendar date"),
    ("CompetenceAssessed", lambda e: _set(e, ["payload", "employee_id"], ""),
     "payload.employee_id", "must be a non-empty string, got ''"),
    ("EmployeeUpserted", lambda e: _set(e, ["payload", "weekly_hours"], -5),
     "payload.weekly_hours", "must be a number from 0 to 168, got -5"),
    ("EmployeeUpserted", lambda e: _set(e, ["payload", "weekly_hours"], True),
     "payload.weekly_hours", "got true"),
    ("EmployeeUpserted", lambda e: _set(e, ["payload", "age_band"], "70-"),
     "payload.age_band", "must be one of '-29', '30-39', '40-49', '50-59', '60-' or null"),
    ("EmployeeUpserted", lambda e: _set(e, ["payload", "learning_interests"], ["esco:x", 5]),
     "payload.learning_interests[1]", "must be a non-empty string, got 5"),
    ("EmployeeLeft", lambda e: _set(e, ["payload", "left_on"], "2026-13-01"),
     "payload.left_on", "calendar date"),
    ("WorkplaceUpserted", lambda e: _set(e, ["payload", "sector"], "county"),
     "payload.sector", "must be one of 'municipality', 'region', 'state', got 'county'"),
    ("ProfessionUpserted", lambda e: _set(e, ["payload", "hourly_cost_dkk"], -1),
     "payload.hourly_cost_dkk", "must be a number >= 0, got -1"),
    ("CourseCompleted", lambda e: _set(e, ["payload", "passed"], "yes"),
     "payload.passed", "must be true or false, got 'yes'"),
    ("TaskDefined", lambda e: _set(e, ["payload", "authorised_professions"], "sygeplejerske"),
     "payload.authorised_professions", "must be a list, got 'sygeplejerske'"),
    ("TaskDefined", lambda e: _delete(e, ["payload", "required_skills", 0, "skill"]),
     "payload.required_skills[0].skill", "required field is missing"),
    ("TaskAssignmentReported", lambda e: _set(e, ["payload", "hours_per_week"], 200),
     "payload.hours_per_week", "from 0 to 168, got 200"),
    ("AuthorisationRuleChanged", lambda e: _set(e, ["payload", "allowed"], 1),
     "payload.allowed", "must be true or false, got 1"),
    ("DigitalisationChange", lambda e: _set(e, ["payload", "effects", 0, "factor"], 0),
     "payload.effects[0].factor", "must be a number greater than 0, got 0"),
    ("DigitalisationChange", lambda e: _set(e, ["payload", "effects", 2, "kind"], "bogus"),
     "payload.effects[2].kind", "must be one of 'hours_factor', 'new_task', 'requirement', 'retire_task', got 'bogus'"),
    ("DigitalisationChange", lambda e: _delete(e, ["payload", "effects", 1, "kind"]),
     "payload.effects[1].kind", "required field is missing"),
    ("DigitalisationChange", lambda e: _set(e, ["payload", "effects", 1, "task", "required_skills", 0, "min_level"], 9),
     "payload.effects[1].task.required_skills[0].min_level", "from 0 to 5, got 9"),
    ("DigitalisationChange", lambda e: _delete(e, ["payload", "effects", 1, "task", "task_id"]),
     "payload.effects[1].task.task_id", "required field is missing"),
    ("DigitalisationChange", lambda e: _set(e, ["payload", "effects", 1, "hours_per_week"], {"wp-1": -2}),
     'payload.effects[1].hours_per_week["wp-1"]', "got -2"),
    ("DigitalisationChange", lambda e: _delete(e, ["payload", "effects", 3, "task_id"]),
     "payload.effects[3].task_id", "required field is missing"),
    ("DigitalisationChange", lambda e: _set(e, ["payload", "effects", 0], "hours_factor"),
     "payload.effects[0]", "must be an object"),
    ("DigitalisationChange", lambda e: _set(e, ["payload", "workplace_ids"], []),
     "payload.workplace_ids", "a list of at least 1 item"),
    ("LearningActivityPublished", lambda e: _set(e, ["payload", "kind"], "seminar"),
     "payload.kind", "must be one of 'course', 'e_learning', 'peer_training', got 'seminar'"),
    ("LearningActivityPublished", lambda e: _set(e, ["payload", "teaches", 0, "to_level"], 6),
     "payload.teaches[0].to_level", "from 0 to 5, got 6"),
    ("RotationSlotOffered", lambda e: _set(e, ["payload", "capacity"], 0),
     "payload.capacity", "must be an integer >= 1, got 0"),
    ("RotationSlotOffered", lambda e: _set(e, ["payload", "starts_on"], "soon"),
     "payload.starts_on", "calendar date"),
    ("RotationInterestExpressed", lambda e: _set(e, ["payload", "ranked_slot_ids"], None),
     "payload.ranked_slot_ids", "must be a list, got null"),
    ("ProposalIssued", lambda e: _set(e, ["payload", "kind"], "reorganisation"),
     "payload.kind", "got 'reorganisation'"),
    ("ProposalIssued", lambda e: _delete(e, ["payload", "supersedes"]),
     "payload.supersedes", "required field is missing"),
    ("ProposalIssued", lambda e: _set(e, ["payload", "explanation"], "because"),
     "payload.explanation", "must be an object, got 'because'"),
    ("ProposalIssued", lambda e: _delete(e, ["payload", "items"]),
     "payload.items", "required field is missing"),
    ("ProposalIssued", lambda e: _set(e, ["payload", "items", 0, "kind"], "coverage"),
     "payload.items[0].kind", "got 'coverage'"),
    ("ProposalIssued", lambda e: _delete(e, ["payload", "items", 0, "item_id"]),
     "payload.items[0].item_id", "required field is missing"),
    ("ProposalDecided", lambda e: _set(e, ["payload", "keep"], []),
     "payload.keep", "a list of at least 1 item"),
    ("ProposalDecided", lambda e: _set(e, ["payload", "decided_at"], "2026-11-23T14:30:00"),
     "payload.decided_at", "must be a time with zone"),
    ("ProposalDecided", lambda e: _set(e, ["payload", "decision"], "maybe"),
     "payload.decision", "got 'maybe'"),
    ("ProposalDecided", lambda e: _set(e, ["payload", "actor"], {"holder": "m-17"}),
     "payload.actor.role", "required field is missing"),
    ("ProposalDecided", lambda e: _set(e, ["payload", "actor"], "admin"),
     "payload.actor", "must be an object, got 'admin'"),
    ("SuggestionIssued", lambda e: _set(e, ["payload", "respond_by"], "next week"),
     "payload.respond_by", "calendar date"),
    ("SuggestionAnswered", lambda e: _set(e, ["payload", "response"], "perhaps"),
     "payload.response", "must be one of 'accepted', 'declined', got 'perhaps'"),
    # the envelope
    ("WorkplaceUpserted", lambda e: _set(e, ["type"], "Foo"),
     "type", "unknown event type 'Foo'; known: AuthorisationRuleChanged, CompetenceAssessed"),
    ("WorkplaceUpserted", lambda e: _set(e, ["type"], 5),
     "type", "must be a non-empty string, got 5"),
    ("WorkplaceUpserted", lambda e: _set(e, ["schema_version"], 2),
     "schema_version", "unsupported schema version 2; supported: 1"),
    ("WorkplaceUpserted", lambda e: _set(e, ["schema_version"], "1"),
     "schema_version", "must be an integer, got '1'"),
    ("WorkplaceUpserted", lambda e: _set(e, ["schema_version"], True),
     "schema_version", "must be an integer, got true"),
    ("WorkplaceUpserted", lambda e: _delete(e, ["event_id"]), "event_id", "required field is missing"),
    ("WorkplaceUpserted", lambda e: _delete(e, ["payload"]), "payload", "required field is missing"),
    ("WorkplaceUpserted", lambda e: _delete(e, ["occurred_at"]), "occurred_at", "required field is missing"),
    ("WorkplaceUpserted", lambda e: _set(e, ["event_id"], ""), "event_id", "must be a non-empty string"),
    ("WorkplaceUpserted", lambda e: _set(e, ["occurred_at"], "2026-11-23T10:00:00"),
     "occurred_at", "must be a time with zone"),
    ("WorkplaceUpserted", lambda e: _set(e, ["occurred_at"], "2026-11-23T25:00:00Z"),
     "occurred_at", "got '2026-11-23T25:00:00Z'"),
    ("WorkplaceUpserted", lambda e: _set(e, ["payload"], ["a list"]), "payload", "must be an object, got a list"),
]


@pytest.mark.parametrize("event_type, change, field, problem", BAD_CASES,
                         ids=[f"{case[0]}-{case[2]}-{index}" for index, case in enumerate(BAD_CASES)])
def test_invalid_event_names_field_and_problem(event_type, change, field, problem):
    event = change(valid_event(event_type))
    with pytest.raises(InvalidEvent) as caught:
        validate(event)
    assert caught.value.field == field
    assert problem in caught.value.problem
    assert "\n" not in caught.value.reason
    assert caught.value.reason == f"{field}: {caught.value.problem}"


@pytest.mark.parametrize("raw, problem", [
    (b"", "not JSON: the message is empty"),
    (b"   \n", "not JSON: the message is empty"),
    (b'{"event_id": ', "not JSON: Expecting value at line 1 column 14"),
    (b"\xff\xfe{}", "not UTF-8 text"),
    ("NaN", "not JSON: NaN is not a JSON number"),
    ('{"level": Infinity}', "not JSON: Infinity is not a JSON number"),
    (b"[1, 2]", "an event must be a JSON object, got a list"),
    (b'"CompetenceAssessed"', "an event must be a JSON object, got a string"),
    (b"null", "an event must be a JSON object, got null"),
    (b"42", "an event must be a JSON object, got a number"),
    ("[" * 100_000, "nested too deeply"),
])
def test_decode_rejects_what_is_not_a_json_object(raw, problem):
    with pytest.raises(InvalidEvent) as caught:
        decode(raw)
    assert caught.value.field == ""
    assert problem in caught.value.reason


def test_decode_rejects_a_non_text_argument():
    with pytest.raises(InvalidEvent, match="expected JSON text"):
        decode(12)  # type: ignore[arg-type]


def test_invalid_event_is_a_poison_error():
    with pytest.raises(PoisonError):
        validate([])


def test_missing_envelope_fields_are_reported_in_envelope_order():
    with pytest.raises(InvalidEvent) as caught:
        validate({"type": "Foo"})
    assert caught.value.field == "event_id"


def test_unknown_payload_fields_are_tolerated_and_kept():
    event = valid_event("CompetenceAssessed")
    event["payload"]["confidence"] = 0.8
    event["trace_id"] = "abc"
    envelope = validate(event)
    assert envelope.payload["confidence"] == 0.8
    assert "trace_id" not in envelope.to_dict()


def test_optional_fields_may_be_absent_or_null():
    event = valid_event("EmployeeUpserted")
    del event["payload"]["age_band"]
    del event["payload"]["learning_interests"]
    validate(event)
    event["payload"]["age_band"] = None
    event["payload"]["learning_interests"] = None
    validate(event)
    rule = valid_event("AuthorisationRuleChanged")
    del rule["payload"]["requires_activity_id"]
    del rule["payload"]["note"]
    validate(rule)
    change = valid_event("DigitalisationChange")
    del change["payload"]["workplace_ids"]
    validate(change)


def test_an_integral_float_is_an_integer_as_json_schema_says():
    event = valid_event("CompetenceAssessed")
    event["payload"]["level"] = 3.0
    assert validate(event).payload["level"] == 3


def test_occurred_at_becomes_a_zone_aware_datetime():
    event = valid_event("ProposalDecided")
    event["occurred_at"] = "2026-11-23T14:30:00.250+01:00"
    occurred_at = validate(event).occurred_at
    assert occurred_at.utcoffset().total_seconds() == 3600
    assert occurred_at.microsecond == 250_000


def test_a_decision_may_say_who_decided_and_older_ones_need_not():
    event = valid_event("ProposalDecided")
    assert "actor" not in event["payload"]
    validate(event)
    event["payload"]["actor"] = {"role": "admin", "holder": None}
    validate(event)
    event["payload"]["actor"] = {"role": "committee:med-a", "holder": "m-17"}
    assert validate(event).payload["actor"]["holder"] == "m-17"
