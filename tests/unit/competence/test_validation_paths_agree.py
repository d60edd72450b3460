"""The fast path (jsonschema-rs) and the precise path (jsonschema) give the same verdict.

Random single-field mutations of the valid fixtures: for each, the compiled
validator accepts exactly when ``explain`` finds no problem.
"""

from __future__ import annotations

import copy

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.competence.events_fixture import valid_events
from tillid.competence.events import TOPIC_OF_TYPE, explain, validate
from tillid.competence.events.validation import _fast_validator
from tillid.errors import InvalidEvent

EVENTS = valid_events()

EDGE_VALUES = st.sampled_from([
    None, True, False, 0, -1, 1, 5, 6, 7, 2.5, 3.0, 168, 168.5, -0.0, 1e300,
    "", "x", "2026-11-23", "2026-02-30", "2026-11-23T10:00:00Z", "2026-11-23T10:00:00",
    "2026-11-23t10:00:00z", "2026-11-23T10:00:60Z", "municipality", "course", "new_task",
    [], ["a"], [""], {}, {"skill": "s", "min_level": 9}, {"kind": "retire_task"},
])


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


def _replace(event, path, value):
    mutated = copy.deepcopy(event)
    target = mutated
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return mutated


@st.composite
def mutated_events(draw):
    event = draw(st.sampled_from(EVENTS))
    path = draw(st.sampled_from([path for path in _paths(event) if path]))
    return _replace(event, path, draw(EDGE_VALUES))


@settings(max_examples=400, deadline=None)
@given(mutated_events())
def test_fast_and_precise_verdicts_agree(event):
    event_type = event["type"]
    fast_ok = isinstance(event_type, str) and event_type in TOPIC_OF_TYPE
    if fast_ok:
        fast_ok = _fast_validator(event_type)(event)
    problem = explain(event)
    assert fast_ok == (problem is None), problem
    if problem is None:
        validate(event)
    else:
        try:
            validate(event)
        except InvalidEvent as error:
            assert error.reason == problem.reason
        else:
            raise AssertionError("validate accepted an event explain rejects")


def test_format_places_found_or_declined():
    """The fast path checks formats where a plain path reaches them; elsewhere it declines (None)
    and jsonschema-rs calls the checks itself."""
    from tillid.competence.events.validation import _ITEMS, _format_paths

    reachable = {"properties": {"occurred_at": {"type": "string", "format": "date-time"},
                                "payload": {"properties": {"shifts": {"items": {
                                    "properties": {"on": {"type": "string", "format": "date"}}}}}}}}
    assert _format_paths(reachable) == [(("occurred_at",), "date-time"), (("payload", "shifts", _ITEMS, "on"), "date")]
    in_a_branch = {"properties": {"payload": {"oneOf": [{"properties": {"on": {"format": "date"}}}]}}}
    assert _format_paths(in_a_branch) is None
    unknown_format = {"properties": {"mail": {"type": "string", "format": "email"}}}
    assert _format_paths(unknown_format) is None


def test_dates_in_lists_are_checked_on_the_fast_path():
    from tillid.competence.events.validation import _ITEMS, _format_check
    from tillid.competence.events.formats import parse_date

    holds = _format_check(("payload", "shifts", _ITEMS, "on"), parse_date)
    assert holds({"payload": {"shifts": [{"on": "2026-11-23"}, {"other": 1}]}})
    assert not holds({"payload": {"shifts": [{"on": "2026-11-23"}, {"on": "2026-02-30"}]}})
    assert holds({"payload": {}})
