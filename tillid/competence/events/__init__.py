"""The event contract (docs/contracts/events.md): topics, envelope, validation, keys.

    envelope = decode(message_value)        # or validate(parsed_json)
    envelope.topic, envelope.payload        # typed, read-only
    key = keyer.key(envelope)               # the Kafka message key (organisation id)

Bad input raises ``tillid.errors.InvalidEvent(field_path, problem)`` with one
readable line, e.g. ``payload.required_skills[1].min_level: must be an integer
from 0 to 5, got 7``. The JSON Schema files are in ``schemas/`` beside this module.
Decisions and answers (``SIGNED_TYPES``) also carry a signature: ``signed`` / ``verify``.

May import (as all of ``tillid.competence``): ``tillid.errors``. Pure.
"""

from __future__ import annotations

from tillid.competence.events.builder import EVENT_ID_NAMESPACE, event_id_from_name, new_envelope
from tillid.competence.events.documents import schema_document, schema_documents, schema_file_name
from tillid.competence.events.envelope import ENVELOPE_FIELDS, Envelope, encode
from tillid.competence.events.keyer import Keyer
from tillid.competence.events.signing import SIGNATURE_FIELD, SIGNED_TYPES, sign, signed, verify, verify_message
from tillid.competence.events.topics import (
    DEADLETTER_TOPIC,
    EVENT_TYPES,
    INPUT_TOPICS,
    OUTPUT_TOPICS,
    SUPPORTED_SCHEMA_VERSIONS,
    TOPIC_OF_TYPE,
    TOPICS,
)
from tillid.competence.events.validation import decode, explain, field_path, validate

__all__ = [
    "DEADLETTER_TOPIC",
    "ENVELOPE_FIELDS",
    "EVENT_ID_NAMESPACE",
    "EVENT_TYPES",
    "INPUT_TOPICS",
    "OUTPUT_TOPICS",
    "SIGNATURE_FIELD",
    "SIGNED_TYPES",
    "SUPPORTED_SCHEMA_VERSIONS",
    "TOPICS",
    "TOPIC_OF_TYPE",
    "Envelope",
    "Keyer",
    "decode",
    "encode",
    "event_id_from_name",
    "explain",
    "field_path",
    "new_envelope",
    "schema_document",
    "schema_documents",
    "schema_file_name",
    "sign",
    "signed",
    "validate",
    "verify",
    "verify_message",
]
