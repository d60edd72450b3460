"""The shipped JSON Schema files: well-formed, complete, in sync with their generator and the topics."""

from __future__ import annotations

from importlib import resources

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from tests.unit.competence.events_fixture import valid_events
from tillid.competence.events import EVENT_TYPES, TOPIC_OF_TYPE, schema_documents
from tillid.competence.events.documents import _load_all
from tools.build_event_schemas import CONTRACT_SCHEMA_DIR, build, render


def test_one_schema_file_per_event_type_plus_the_envelope():
    names = set(schema_documents())
    assert names == {f"{event_type}.v1.json" for event_type in EVENT_TYPES} | {"Envelope.v1.json"}
    assert len(EVENT_TYPES) == 26


@pytest.mark.parametrize("name", sorted(build()))
def test_every_document_is_a_valid_draft_2020_12_schema(name):
    document = schema_documents()[name]
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(document)


def test_shipped_files_equal_the_generator_output():
    folder = resources.files("tillid.competence.events").joinpath("schemas")
    for name, document in build().items():
        assert folder.joinpath(name).read_text(encoding="utf-8") == render(document), (
            f"{name} is out of date: run python -m tools.build_event_schemas")


def test_the_files_next_to_the_contract_are_exactly_the_generator_output():
    """docs/contracts/schemas/ holds the same files, and nothing else, so the repository's reference is current."""
    expected = {name: render(document) for name, document in build().items()}
    committed = {path.name: path.read_text(encoding="utf-8") for path in CONTRACT_SCHEMA_DIR.iterdir()}
    assert sorted(committed) == sorted(expected)
    stale = [name for name in expected if committed[name] != expected[name]]
    assert stale == [], "out of date: run python -m tools.build_event_schemas"


def test_each_type_schema_names_the_topic_of_its_type():
    documents = schema_documents()
    for event_type, topic in TOPIC_OF_TYPE.items():
        assert documents[f"{event_type}.v1.json"]["x-topic"] == topic


def test_schema_documents_returns_copies():
    schema_documents()["Envelope.v1.json"]["title"] = "changed"
    assert _load_all()["Envelope.v1.json"]["title"] != "changed"


@pytest.mark.parametrize("event", valid_events(), ids=lambda event: event["type"])
def test_a_producer_with_plain_jsonschema_accepts_the_fixture(event):
    """What a producer does with the files alone: no Tillid code, the standard format checker."""
    documents = schema_documents()
    for name in (f"{event['type']}.v1.json", "Envelope.v1.json"):
        Draft202012Validator(documents[name], format_checker=FormatChecker()).validate(event)


def test_type_schema_rejects_an_event_of_another_type():
    documents = schema_documents()
    event = valid_events()[0]
    other = next(name for name in documents if name not in ("Envelope.v1.json", f"{event['type']}.v1.json"))
    assert not Draft202012Validator(documents[other]).is_valid(event)
