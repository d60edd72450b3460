"""The labels of what proposals and pages name, read from the store (tillid.competence.labels).

Tasks and professions have a Danish and an English label; workplaces,
organisations, learning activities, funds and rotation slots have the one
name they were published with; skills are labelled by the taxonomy.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from tillid.competence.labels import Kind, Label, Labels
from tillid.competence.taxonomy import default_taxonomy

# kind -> the statement reading its labels for a list of ids ($1): id, Danish label, English label.
_STATEMENTS: dict[Kind, str] = {
    Kind.TASK: "SELECT task_id, name_da, name_en FROM tasks WHERE task_id = ANY($1::text[])",
    Kind.PROFESSION: "SELECT profession_id, title_da, title_en FROM professions WHERE profession_id = ANY($1::text[])",
    Kind.WORKPLACE: "SELECT workplace_id, name, '' FROM workplaces WHERE workplace_id = ANY($1::text[])",
    Kind.ORGANISATION: "SELECT organisation_id, name, '' FROM organisations WHERE organisation_id = ANY($1::text[])",
    Kind.ACTIVITY: "SELECT activity_id, title, '' FROM learning_activities WHERE activity_id = ANY($1::text[])",
    Kind.FUND: "SELECT fund_id, name, '' FROM funds WHERE fund_id = ANY($1::text[])",
    Kind.SLOT: "SELECT slot_id, title, '' FROM rotation_slots WHERE slot_id = ANY($1::text[])",
}


def skill_labels(skill_ids: Iterable[str]) -> dict[str, Label]:
    """The taxonomy's labels of the known skills among ``skill_ids`` (ESCO skills have only English ones)."""
    taxonomy = default_taxonomy()
    found = {}
    for skill_id in skill_ids:
        skill = taxonomy.find(skill_id)
        if skill is not None:
            found[skill_id] = Label(skill.label_da or "", skill.label_en)
    return found


async def labels_named(conn, ids: Iterable[str]) -> Labels:
    """The labels of every id among ``ids`` that names a skill, task, profession, workplace, organisation,
    learning activity, fund or rotation slot (other strings are passed over)."""
    wanted = sorted(set(ids))
    if not wanted:
        return Labels()
    by_kind: dict[Kind, dict[str, Label]] = {Kind.SKILL: skill_labels(wanted)}
    for kind, statement in _STATEMENTS.items():
        by_kind[kind] = {r[0]: Label(r[1] or "", r[2] or "") for r in await conn.fetch(statement, wanted)}
    return Labels(by_kind)


def strings_in(value: Any) -> Iterator[str]:
    """Every string in ``value`` (mapping keys and values, nested): the ids a proposal might name."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for key, inner in value.items():
            if isinstance(key, str):
                yield key
            yield from strings_in(inner)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for inner in value:
            yield from strings_in(inner)


async def labels_of_records(conn, *records: Any) -> Labels:
    """The labels of every id the records (proposals, suggestions, people: any JSON-like values) name."""
    return await labels_named(conn, (s for record in records for s in strings_in(record) if len(s) <= 200))
