"""Validation of events against the contract, with one readable reason on failure.

Two validators are built from the same shipped schema documents, once per
event type and on first use:

- the fast path answers "valid or not" quickly; valid events take only this
  path. A jsonschema-rs validator (compiled Rust) checks the structure; the
  dates and times are then checked in Python at the places the schema gives
  them a format. (jsonschema-rs could call the Python checks itself, but a
  call from Rust back into Python cost more than the rest of the validation;
  docs/benchmarks.md, "Event validation".)
- a jsonschema ``Draft202012Validator`` runs only for an event the fast path
  rejected, to find the offending field and say what was expected.

jsonschema is the authority: if the two ever disagree, its verdict stands.
Both use the date and date-time checks of ``formats``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

import jsonschema_rs
import orjson
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from tillid.competence.events.documents import schema_document, schema_file_name
from tillid.competence.events.envelope import ENVELOPE_FIELDS, Envelope
from tillid.competence.events.formats import is_date, is_date_time, parse_date, parse_date_time
from tillid.competence.events.topics import SUPPORTED_SCHEMA_VERSIONS, TOPIC_OF_TYPE
from tillid.competence.frozen import freeze
from tillid.errors import InvalidEvent

_FORMAT_CHECKS: dict[str, Callable[[object], bool]] = {"date": is_date, "date-time": is_date_time}


def _format_checker() -> FormatChecker:
    checker = FormatChecker(formats=())
    for name, check in _FORMAT_CHECKS.items():
        checker.checks(name)(check)
    return checker


_FORMAT_CHECKER = _format_checker()


_ITEMS = object()  # in a format path: every item of a list
_PARSERS: dict[str, Callable[[str], object]] = {"date": parse_date, "date-time": parse_date_time}


@dataclass(frozen=True)
class _FastCheck:
    """One event type's fast path: the compiled structure check, then each format at its place."""

    structure: Callable[[Any], bool]
    formats: tuple[Callable[[Any], bool], ...]

    def envelope(self, obj: dict[str, Any]) -> Envelope | None:
        """The Envelope of a valid event, or None: then the precise path decides and explains."""
        if not self.structure(obj):
            return None
        for holds in self.formats:
            if not holds(obj):
                return None
        occurred_at = parse_date_time(obj["occurred_at"])
        return None if occurred_at is None else _envelope(obj, occurred_at)

    def is_valid(self, obj: Any) -> bool:
        return isinstance(obj, dict) and self.envelope(obj) is not None


@cache
def _fast_check(event_type: str) -> _FastCheck:
    document = schema_document(schema_file_name(event_type))
    paths = _format_paths(document)
    if paths is None:  # a format the plain paths cannot reach: let jsonschema-rs call the checks
        return _FastCheck(jsonschema_rs.validator_for(document, formats=_FORMAT_CHECKS,
                                                      validate_formats=True).is_valid, ())
    formats = tuple(_format_check(path, _PARSERS[name]) for path, name in paths if path != ("occurred_at",))
    return _FastCheck(jsonschema_rs.validator_for(document, validate_formats=False).is_valid, formats)


def _fast_validator(event_type: str) -> Callable[[Any], bool]:
    """The fast path's verdict alone (the tests compare it with the precise path's)."""
    return _fast_check(event_type).is_valid


def _format_paths(schema: dict[str, Any]) -> list[tuple[tuple[object, ...], str]] | None:
    """Where the schema gives a string a format, as paths of keys (``_ITEMS`` for every list item);
    None when some format sits where such a path cannot say (a branch of oneOf, a $ref)."""
    found: list[tuple[tuple[object, ...], str]] = []

    def walk(node: Any, path: tuple[object, ...]) -> None:
        if not isinstance(node, dict):
            return
        if "format" in node:
            found.append((path, node["format"]))
        for key, child in node.get("properties", {}).items():
            walk(child, (*path, key))
        walk(node.get("items"), (*path, _ITEMS))

    walk(schema, ())
    if len(found) != _count_formats(schema) or any(name not in _PARSERS for _, name in found):
        return None
    return found


def _count_formats(node: Any) -> int:
    if isinstance(node, dict):
        own = 1 if isinstance(node.get("format"), str) else 0
        return own + sum(_count_formats(child) for key, child in node.items() if key != "format")
    if isinstance(node, list):
        return sum(_count_formats(child) for child in node)
    return 0


def _format_check(path: tuple[object, ...], parse: Callable[[str], object]) -> Callable[[Any], bool]:
    """The format check at ``path`` of a structurally valid event. Absent fields, nulls and
    non-strings pass (other keywords judge those, as in the schema). A payload field, by far the
    most frequent place, gets a check of its own, without walking a path."""
    if len(path) == 2 and path[0] == "payload" and path[1] is not _ITEMS:
        key = path[1]

        def payload_field_holds(obj: Any) -> bool:
            value = obj["payload"].get(key)
            return value.__class__ is not str or parse(value) is not None

        return payload_field_holds
    return lambda obj: _holds_along(obj, path, parse)


def _holds_along(value: Any, path: tuple[object, ...], parse: Callable[[str], object]) -> bool:
    for depth, key in enumerate(path):
        if key is _ITEMS:
            return not isinstance(value, list) or all(_holds_along(item, path[depth + 1:], parse) for item in value)
        if not isinstance(value, dict) or key not in value:
            return True
        value = value[key]
    return not isinstance(value, str) or parse(value) is not None


@cache
def _precise_validator(event_type: str) -> Draft202012Validator:
    document = schema_document(schema_file_name(event_type))
    return Draft202012Validator(document, format_checker=_FORMAT_CHECKER)


def validate(obj: Any) -> Envelope:
    """The Envelope of a decoded event, or InvalidEvent naming the offending field and the problem."""
    if isinstance(obj, dict):
        event_type = obj.get("type")
        if isinstance(event_type, str) and event_type in TOPIC_OF_TYPE:
            try:
                envelope = _fast_check(event_type).envelope(obj)
            except Exception:  # noqa: BLE001 - any doubt goes to the precise path, which decides
                envelope = None
            if envelope is not None:
                return envelope
    problem = explain(obj)
    if problem is not None:
        raise problem
    return _envelope(obj, parse_date_time(obj["occurred_at"]))


class _NotJSON(ValueError):
    pass


def _reject_constant(name: str) -> Any:
    raise _NotJSON(f"{name} is not a JSON number")


def decode(raw: bytes | bytearray | memoryview | str) -> Envelope:
    """Parse one message value (UTF-8 JSON text) and validate it.

    orjson parses what it accepts, faster; whatever it refuses goes to the standard
    library's parser, which decides and names the problem, so the verdict is the same either way."""
    if isinstance(raw, (bytes, bytearray, memoryview)):
        try:
            obj = orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass
        else:
            return validate(obj)
        try:
            text = bytes(raw).decode("utf-8")
        except UnicodeDecodeError as error:
            raise InvalidEvent("", f"not UTF-8 text (invalid byte at position {error.start})") from None
    elif isinstance(raw, str):
        text = raw
    else:
        raise InvalidEvent("", f"expected JSON text, got a Python {type(raw).__name__}")
    if not text.strip():
        raise InvalidEvent("", "not JSON: the message is empty")
    try:
        obj = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        raise InvalidEvent("", f"not JSON: {error.msg} at line {error.lineno} column {error.colno}") from None
    except _NotJSON as error:
        raise InvalidEvent("", f"not JSON: {error}") from None
    except RecursionError:
        raise InvalidEvent("", "not acceptable JSON: nested too deeply") from None
    return validate(obj)


def _envelope(obj: dict[str, Any], occurred_at: dt.datetime) -> Envelope:
    try:
        payload = freeze(obj["payload"])
    except RecursionError:
        raise InvalidEvent("payload", "nested too deeply") from None
    return Envelope.trusted(obj["event_id"], obj["type"], int(obj["schema_version"]), occurred_at, obj["source"],
                            payload)


# --- the reason -----------------------------------------------------------------

def explain(obj: Any) -> InvalidEvent | None:
    """The first contract violation of ``obj`` as an InvalidEvent, or None when it is valid.

    Envelope problems come first (missing fields, unknown type, unsupported
    version), then the first error in the order of the schema: missing
    required fields before wrong values, fields in contract order.
    """
    if not isinstance(obj, dict):
        return InvalidEvent("", f"an event must be a JSON object, got {_kind(obj)}")
    for field in ENVELOPE_FIELDS:
        if field not in obj:
            return InvalidEvent(field, "required field is missing")
    event_type = obj["type"]
    if not isinstance(event_type, str) or not event_type:
        return InvalidEvent("type", f"must be a non-empty string, got {_render(event_type)}")
    if event_type not in TOPIC_OF_TYPE:
        known = ", ".join(sorted(TOPIC_OF_TYPE))
        return InvalidEvent("type", f"unknown event type {_render(event_type)}; known: {known}")
    version = obj["schema_version"]
    if not _is_integer(version):
        return InvalidEvent("schema_version", f"must be an integer, got {_render(version)}")
    if version not in SUPPORTED_SCHEMA_VERSIONS:
        supported = ", ".join(str(v) for v in SUPPORTED_SCHEMA_VERSIONS)
        return InvalidEvent("schema_version", f"unsupported schema version {_render(version)}; supported: {supported}")
    error = next(iter(_precise_validator(event_type).iter_errors(obj)), None)
    return None if error is None else _describe(error)


def _is_integer(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def _describe(error: ValidationError) -> InvalidEvent:
    path = list(error.absolute_path)
    if error.validator == "oneOf":
        return _describe_one_of(error)
    if error.validator == "required":
        missing = next(name for name in error.validator_value if name not in error.instance)
        return InvalidEvent(field_path([*path, missing]), "required field is missing")
    if "propertyNames" in error.schema_path:
        return InvalidEvent(field_path(path), f"keys must be non-empty strings, got {_render(error.instance)}")
    return InvalidEvent(field_path(path), f"must be {_expectation(error.schema)}, got {_render(error.instance)}")


def _describe_one_of(error: ValidationError) -> InvalidEvent:
    """A list item that must be one of several forms told apart by ``kind``: judge it as its own kind."""
    path = list(error.absolute_path)
    instance = error.instance
    kinds = [branch.get("properties", {}).get("kind", {}).get("const") for branch in error.validator_value]
    if not all(kinds):
        return InvalidEvent(field_path(path), "must match exactly one of the allowed forms")
    if not isinstance(instance, dict):
        return InvalidEvent(field_path(path), f"must be an object, got {_render(instance)}")
    if "kind" not in instance:
        return InvalidEvent(field_path([*path, "kind"]), "required field is missing")
    kind = instance["kind"]
    if kind not in kinds or isinstance(kind, bool) or not isinstance(kind, str):
        return InvalidEvent(field_path([*path, "kind"]), f"must be {_one_of(kinds)}, got {_render(kind)}")
    index = kinds.index(kind)
    for sub_error in error.context or ():
        if sub_error.relative_schema_path and sub_error.relative_schema_path[0] == index:
            return _describe(sub_error)
    return InvalidEvent(field_path(path), f"does not match the form of kind {_render(kind)}")


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def field_path(parts: Iterable[str | int]) -> str:
    """``payload.required_skills[1].min_level``; keys that are not identifiers in brackets."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif _IDENTIFIER.fullmatch(part):
            text += f".{part}" if text else part
        else:
            text += f"[{json.dumps(part, ensure_ascii=False)}]"
    return text


_NOUNS = {"integer": "an integer", "number": "a number", "string": "a string", "boolean": "true or false",
          "array": "a list", "object": "an object", "null": "null"}


def _expectation(schema: dict[str, Any]) -> str:
    """What a schema asks for, in words: 'an integer from 0 to 5', 'a date YYYY-MM-DD or null'."""
    if "const" in schema:
        return _render(schema["const"])
    types = schema.get("type", [])
    types = [types] if isinstance(types, str) else list(types)
    or_null = " or null" if "null" in types else ""
    if "enum" in schema:
        return _one_of([value for value in schema["enum"] if value is not None]) + or_null
    main = next((name for name in types if name != "null"), None)
    if main in ("integer", "number"):
        return _number_words(_NOUNS[main], schema) + or_null
    if main == "string":
        return _string_words(schema) + or_null
    if main == "array" and schema.get("minItems"):
        return f"a list of at least {schema['minItems']} item{'s' if schema['minItems'] > 1 else ''}" + or_null
    return (_NOUNS.get(main, "a valid value") if main else "a valid value") + or_null


def _number_words(noun: str, schema: dict[str, Any]) -> str:
    low, high = schema.get("minimum"), schema.get("maximum")
    if "exclusiveMinimum" in schema:
        return f"{noun} greater than {_render(schema['exclusiveMinimum'])}"
    if low is not None and high is not None:
        return f"{noun} from {_render(low)} to {_render(high)}"
    if low is not None:
        return f"{noun} >= {_render(low)}"
    if high is not None:
        return f"{noun} <= {_render(high)}"
    return noun


def _string_words(schema: dict[str, Any]) -> str:
    fmt = schema.get("format")
    if fmt == "date":
        return "a calendar date YYYY-MM-DD (e.g. 2026-11-23)"
    if fmt == "date-time":
        return "a time with zone, YYYY-MM-DDThh:mm:ss and Z or +hh:mm (e.g. 2026-11-23T10:00:00Z)"
    if schema.get("minLength") == 1:
        return "a non-empty string"
    return "a string"


def _one_of(values: list[Any]) -> str:
    if len(values) == 1:
        return _render(values[0])
    return "one of " + ", ".join(_render(value) for value in values)


def _kind(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return _render(value)
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object" if isinstance(value, dict) else f"a Python {type(value).__name__}"


_MAX_SHOWN = 60


def _render(value: Any) -> str:
    """A value in a reason: scalars as written (strings quoted, cut at 60 characters), containers by kind."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        shown = value if len(value) <= _MAX_SHOWN else value[:_MAX_SHOWN] + "..."
        return "'" + shown.replace("\n", "\\n").replace("\r", "\\r") + "'"
    return _kind(value)
