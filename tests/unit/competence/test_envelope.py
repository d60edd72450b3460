"""Envelope, encode, new_envelope and the topic constants."""

from __future__ import annotations

import copy
import datetime as dt
import json
import pickle
import uuid

import pytest

from tests.unit.competence.events_fixture import valid_event, valid_events
from tillid.competence.events import (
    DEADLETTER_TOPIC,
    INPUT_TOPICS,
    OUTPUT_TOPICS,
    SUPPORTED_SCHEMA_VERSIONS,
    TOPIC_OF_TYPE,
    TOPICS,
    decode,
    encode,
    event_id_from_name,
    new_envelope,
    validate,
)
from tillid.errors import InvalidEvent

OCCURRED = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.timezone.utc)


def test_topics_cover_every_type_once():
    assert set(INPUT_TOPICS) | set(OUTPUT_TOPICS) == set(TOPICS)
    assert not set(INPUT_TOPICS) & set(OUTPUT_TOPICS)
    assert INPUT_TOPICS == ("org.structure", "hr.employees", "hr.competences", "ops.tasks",
                            "ops.digitalisation", "learning.catalog", "rotation")
    assert OUTPUT_TOPICS == ("proposals", "decisions", "suggestions", "feedback")
    assert sum(len(types) for types in TOPICS.values()) == len(TOPIC_OF_TYPE) == 26
    assert TOPIC_OF_TYPE["CompetenceAssessed"] == "hr.competences"
    assert TOPIC_OF_TYPE["ProposalDecided"] == "decisions"
    assert DEADLETTER_TOPIC == "tillid.deadletter"
    assert SUPPORTED_SCHEMA_VERSIONS == (1,)


@pytest.mark.parametrize("event", valid_events(), ids=lambda event: event["type"])
def test_envelope_topic_and_round_trip(event):
    envelope = validate(event)
    assert envelope.topic == TOPIC_OF_TYPE[event["type"]]
    assert decode(encode(envelope)) == envelope
    assert json.loads(encode(event)) == event


def test_payload_is_read_only_all_the_way_down():
    envelope = validate(valid_event("TaskDefined"))
    with pytest.raises(TypeError):
        envelope.payload["task_id"] = "other"  # type: ignore[index]
    with pytest.raises(TypeError):
        envelope.payload["required_skills"].append({"skill": "x", "min_level": 1})
    with pytest.raises(TypeError):
        envelope.payload["required_skills"][0]["min_level"] = 5
    with pytest.raises(AttributeError):
        envelope.type = "Other"  # type: ignore[misc]


def test_payload_is_a_copy_of_the_input():
    event = valid_event("TaskDefined")
    envelope = validate(event)
    event["payload"]["required_skills"][0]["min_level"] = 5
    assert envelope.payload["required_skills"][0]["min_level"] == 3


def test_frozen_payload_copies_and_pickles():
    envelope = validate(valid_event("DigitalisationChange"))
    assert copy.deepcopy(envelope) == envelope
    assert pickle.loads(pickle.dumps(envelope)) == envelope
    assert hash(envelope) == hash(validate(valid_event("DigitalisationChange")))


def test_to_dict_is_plain_and_mutable():
    as_dict = validate(valid_event("TaskDefined")).to_dict()
    as_dict["payload"]["required_skills"][0]["min_level"] = 4
    assert type(as_dict["payload"]) is dict
    assert type(as_dict["payload"]["required_skills"]) is list


def test_to_dict_writes_utc_as_z_and_keeps_other_offsets():
    event = valid_event("ProposalDecided")
    assert validate(event).to_dict()["occurred_at"] == "2026-11-23T10:00:00Z"
    event["occurred_at"] = "2026-11-23T11:00:00+01:00"
    assert validate(event).to_dict()["occurred_at"] == "2026-11-23T11:00:00+01:00"


def test_encode_is_compact_utf8():
    raw = encode(valid_event("LearningActivityPublished"))
    assert b", " not in raw and b": " not in raw
    assert "Medicinhåndtering".encode("utf-8") in raw


def test_encode_writes_dates_and_times_as_iso_text():
    assert json.loads(encode({"at": OCCURRED, "on": dt.date(2026, 1, 2)})) == {
        "at": "2026-11-23T10:00:00Z", "on": "2026-01-02"}


def test_new_envelope_builds_a_valid_event_with_a_deterministic_id():
    payload = valid_event("CompetenceAssessed")["payload"]
    first = new_envelope("CompetenceAssessed", payload, source="test", occurred_at=OCCURRED,
                         event_id_name="assessment 1")
    second = new_envelope("CompetenceAssessed", payload, source="test", occurred_at="2026-11-23T10:00:00Z",
                          event_id_name="assessment 1")
    assert first == second
    assert first["event_id"] == event_id_from_name("assessment 1")
    assert uuid.UUID(first["event_id"]).version == 5
    assert first["schema_version"] == 1
    assert first["occurred_at"] == "2026-11-23T10:00:00Z"
    assert validate(first).payload == payload


def test_new_envelope_ids_are_random_without_a_name_and_kept_when_given():
    payload = valid_event("EmployeeErased")["payload"]
    one = new_envelope("EmployeeErased", payload, source="test", occurred_at=OCCURRED)
    two = new_envelope("EmployeeErased", payload, source="test", occurred_at=OCCURRED)
    assert one["event_id"] != two["event_id"]
    assert uuid.UUID(one["event_id"]).version == 4
    given = new_envelope("EmployeeErased", payload, source="test", occurred_at=OCCURRED, event_id="given-1")
    assert given["event_id"] == "given-1"


@pytest.mark.parametrize("kwargs, field", [
    ({}, "occurred_at"),
    ({"occurred_at": dt.datetime(2026, 11, 23, 10, 0)}, "occurred_at"),
    ({"occurred_at": "yesterday"}, "occurred_at"),
    ({"occurred_at": OCCURRED, "event_id": "a", "event_id_name": "b"}, "event_id"),
])
def test_new_envelope_rejects_missing_or_naive_times(kwargs, field):
    with pytest.raises(InvalidEvent) as caught:
        new_envelope("EmployeeErased", {"employee_id": "e1"}, source="test", **kwargs)
    assert caught.value.field == field


def test_new_envelope_validates_the_payload():
    with pytest.raises(InvalidEvent) as caught:
        new_envelope("CompetenceAssessed", {"employee_id": "e1"}, source="test", occurred_at=OCCURRED)
    assert caught.value.field == "payload.skill"
