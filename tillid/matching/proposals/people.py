"""Every person a proposal names: whoever reads the proposal reads something about each of them.

A proposal names people in ``employee_ids`` and throughout its ``explanation``
and ``effect``: LEON assignments, trainees of an unlock and the people whose
hours a change frees; upskilling learners (the keys of ``per_employee``), the
mentors of their peer-training steps and the learners no path reaches;
rotation applicants, the unplaced and the blocking pairs. The audit log needs
all of them, not only ``employee_ids`` (docs/contracts/api.md: every read of a
person's data is audited).

The walk goes by key, over the whole proposal, so a field added later under a
known key (an item's ``employee_ids``, another list of ``employee`` objects)
is found without a change here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

# Keys whose value is one employee id or a list of them (a count under the same name, as the
# upskilling effect's "employees", is a number and passed over).
PERSON_KEYS = frozenset({"employee", "employee_id", "employees", "employee_ids", "applicant", "mentor",
                         "mentors", "trainee", "unplaced"})
# Keys whose value is an object keyed by employee id.
PERSON_MAPS = frozenset({"per_employee"})
# What erasure leaves where an id was (tillid/store/projection/erasure.py): nobody to audit.
ERASED = "erased"


def people_named(proposal: Mapping[str, Any]) -> tuple[str, ...]:
    """The ids of every person the proposal names anywhere, sorted, each once."""
    return tuple(sorted({person for person in _walk(proposal) if person and person != ERASED}))


def _walk(value: Any) -> Iterator[str]:
    if isinstance(value, Mapping):
        for key, inner in value.items():
            if key in PERSON_KEYS:
                yield from _ids(inner)
            if key in PERSON_MAPS and isinstance(inner, Mapping):
                yield from (k for k in inner if isinstance(k, str))
            yield from _walk(inner)
    elif isinstance(value, (list, tuple)):
        for inner in value:
            yield from _walk(inner)


def _ids(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, (list, tuple)):
        yield from (v for v in value if isinstance(v, str))
