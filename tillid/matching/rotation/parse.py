"""Parse and validate a rotation instance (wire dict -> ``RotationInstance``).

Every problem raises ``InvalidInstance(field_path, problem)`` naming the first
offending field, e.g. ``applicants[3].ranking[1]: unknown slot 's99'``.

The ids in applicants' rankings and in host rankings become the very string
objects of the slots' and applicants' own ids (equal text, one object per id).
A dict lookup of an id then succeeds on identity without comparing the text,
which on a large market halves the time the solver spends looking ids up
(docs/benchmarks.md, "Solvers from the command line"). An applicant in the
common form (an object of strings, plain levels, a ranking of known distinct
slots) is read without building the field path it would need for an error;
any other goes through the checks that name the field.
"""

from __future__ import annotations

import math
from typing import Any

from tillid.errors import InvalidInstance
from tillid.matching.rotation.model import Applicant, Levels, RotationInstance, Rules, Slot

# An id -> the same id, the object every ranking entry equal to it is replaced by.
CanonicalIds = dict[str, str]


def parse_instance(instance: Any) -> RotationInstance:
    if not isinstance(instance, dict):
        raise InvalidInstance("", "instance must be a JSON object")
    rules = _rules(instance.get("rules"))
    slots = tuple(_slot(raw, f"slots[{i}]", rules) for i, raw in enumerate(_list(instance, "slots", "")))
    _unique_ids(slots, "slots")
    slot_ids = {slot.id: slot.id for slot in slots}
    applicants = tuple([_applicant(raw, i, rules, slot_ids)
                        for i, raw in enumerate(_list(instance, "applicants", ""))])
    _unique_ids(applicants, "applicants")
    host_rankings = _host_rankings(instance.get("host_rankings"), slot_ids,
                                   {applicant.id: applicant.id for applicant in applicants})
    return RotationInstance(slots=slots, applicants=applicants, host_rankings=host_rankings, rules=rules)


def _list(raw: dict, key: str, where: str) -> list:
    path = f"{where}.{key}" if where else key
    if key not in raw:
        raise InvalidInstance(path, "missing")
    value = raw[key]
    if not isinstance(value, list):
        raise InvalidInstance(path, "must be a list")
    return value


def _object(raw: Any, path: str) -> dict:
    if not isinstance(raw, dict):
        raise InvalidInstance(path, "must be an object")
    return raw


def _id(raw: dict, path: str) -> str:
    if "id" not in raw:
        raise InvalidInstance(f"{path}.id", "missing")
    value = raw["id"]
    if not isinstance(value, str) or not value:
        raise InvalidInstance(f"{path}.id", "must be a non-empty string")
    return value


def _optional_text(raw: dict, key: str, path: str) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise InvalidInstance(f"{path}.{key}", "must be a non-empty string")
    return value


def _sector(raw: dict, path: str, rules: Rules) -> str | None:
    sector = _optional_text(raw, "sector", path)
    if sector is None and rules.cross_sector_only:
        raise InvalidInstance(f"{path}.sector", "missing (required when rules.cross_sector_only is true)")
    return sector


def _levels(raw: dict, key: str, path: str) -> Levels:
    value = raw.get(key, {})
    if value is None:
        return ()
    if not isinstance(value, dict):
        raise InvalidInstance(f"{path}.{key}", "must be an object of skill levels")
    levels = []
    for skill, level in value.items():
        if isinstance(level, bool) or not isinstance(level, (int, float)) or not math.isfinite(level) or level < 0:
            raise InvalidInstance(f"{path}.{key}.{skill}", "must be a non-negative number")
        levels.append((skill, float(level)))
    return tuple(sorted(levels))


def _slot(raw: Any, path: str, rules: Rules) -> Slot:
    raw = _object(raw, path)
    slot_id = _id(raw, path)
    if "capacity" not in raw:
        raise InvalidInstance(f"{path}.capacity", "missing")
    capacity = raw["capacity"]
    if isinstance(capacity, bool) or not isinstance(capacity, int):
        raise InvalidInstance(f"{path}.capacity", "must be an integer")
    if capacity < 0:
        raise InvalidInstance(f"{path}.capacity", f"must not be negative (got {capacity})")
    return Slot(id=slot_id, capacity=capacity,
                host_workplace=_optional_text(raw, "host_workplace", path),
                sector=_sector(raw, path, rules),
                organisation=_optional_text(raw, "organisation", path),
                requires=_levels(raw, "requires", path),
                teaches=_levels(raw, "teaches", path))


def _applicant(raw: Any, index: int, rules: Rules, slot_ids: CanonicalIds) -> Applicant:
    if type(raw) is dict:
        plain = _plain_applicant(raw, rules, slot_ids)
        if plain is not None:
            return plain
    return _checked_applicant(raw, f"applicants[{index}]", rules, slot_ids)


def _plain_applicant(raw: dict, rules: Rules, slot_ids: CanonicalIds) -> Applicant | None:
    """The applicant when ``raw`` has the common form, else None (``_checked_applicant`` then
    names the problem, or reads the uncommon form: a ranking or skills of null, for one)."""
    applicant_id = raw.get("id")
    home_workplace, sector, organisation = raw.get("home_workplace"), raw.get("sector"), raw.get("organisation")
    if not (type(applicant_id) is str and applicant_id and _plain_text(home_workplace)
            and _plain_text(organisation) and (sector is not None or not rules.cross_sector_only)
            and _plain_text(sector)):
        return None
    raw_ranking = raw.get("ranking")
    ranking: tuple[str, ...] | None = ()
    if raw_ranking is not None:
        ranking = _known_distinct(raw_ranking, slot_ids) if type(raw_ranking) is list else None
        if ranking is None:
            return None
    skills = raw.get("skills")
    levels = () if skills is None else _plain_levels(skills)
    if levels is None:
        return None
    return Applicant(applicant_id, home_workplace, sector, organisation, levels, ranking)


def _plain_levels(value: Any) -> Levels | None:
    """``_levels`` of an object of plain levels, or None when it is anything else."""
    if type(value) is not dict:
        return None
    levels = []
    for skill, level in value.items():
        if not ((type(level) is int or type(level) is float) and math.isfinite(level) and level >= 0):
            return None
        levels.append((skill, float(level)))
    return tuple(sorted(levels))


def _checked_applicant(raw: Any, path: str, rules: Rules, slot_ids: CanonicalIds) -> Applicant:
    raw = _object(raw, path)
    applicant_id = _id(raw, path)
    raw_ranking = raw.get("ranking", [])
    if raw_ranking is None:
        raw_ranking = []
    if not isinstance(raw_ranking, list):
        raise InvalidInstance(f"{path}.ranking", "must be a list of slot ids")
    ranking = _known_ids(raw_ranking, slot_ids, f"{path}.ranking", "slot", "a slot id")
    home_workplace = _optional_text(raw, "home_workplace", path)
    sector = _sector(raw, path, rules)
    organisation = _optional_text(raw, "organisation", path)
    return Applicant(applicant_id, home_workplace, sector, organisation, _levels(raw, "skills", path), ranking)


def _plain_text(value: Any) -> bool:
    """None or a non-empty string: what ``_optional_text`` accepts, tested without naming a field."""
    return value is None or (type(value) is str and value != "")


def _known_distinct(ids: list, known: CanonicalIds) -> tuple[str, ...] | None:
    """``ids`` as the objects of ``known`` when they are distinct members of it, else None."""
    try:
        canonical = tuple(map(known.__getitem__, ids))
    except (KeyError, TypeError):  # not a known id, or not hashable (a list or an object)
        return None
    return canonical if len(set(canonical)) == len(canonical) else None


def _known_ids(ids: list, known: CanonicalIds, path: str, kind: str, an_id: str) -> tuple[str, ...]:
    """``ids`` as the objects of ``known``; raises for the first entry that is not a string, not
    in ``known`` or repeated."""
    canonical = _known_distinct(ids, known)
    if canonical is not None:
        return canonical
    seen: set[str] = set()
    for position, item in enumerate(ids):
        where = f"{path}[{position}]"
        if not isinstance(item, str):
            raise InvalidInstance(where, f"must be {an_id} (string)")
        if item not in known:
            raise InvalidInstance(where, f"unknown {kind} {item!r}")
        if item in seen:
            raise InvalidInstance(where, f"duplicate {kind} {item!r}")
        seen.add(item)
    raise InvalidInstance(path, f"must be a list of distinct {kind} ids")


def _unique_ids(items: tuple, where: str) -> None:
    seen: set[str] = set()
    for index, item in enumerate(items):
        if item.id in seen:
            raise InvalidInstance(f"{where}[{index}].id", f"duplicate id {item.id!r}")
        seen.add(item.id)


def _host_rankings(raw: Any, slot_ids: CanonicalIds,
                   applicant_ids: CanonicalIds) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if raw is None:
        return ()
    raw = _object(raw, "host_rankings")
    rankings = []
    for slot_id, ranking in raw.items():
        path = f"host_rankings.{slot_id}"
        if slot_id not in slot_ids:
            raise InvalidInstance(path, f"unknown slot {slot_id!r}")
        if not isinstance(ranking, list):
            raise InvalidInstance(path, "must be a list of applicant ids")
        rankings.append((slot_ids[slot_id], _known_ids(ranking, applicant_ids, path, "applicant", "an applicant id")))
    return tuple(sorted(rankings))


def _rules(raw: Any) -> Rules:
    if raw is None:
        return Rules()
    raw = _object(raw, "rules")
    cross = raw.get("cross_sector_only", False)
    if cross is None:
        cross = False
    if not isinstance(cross, bool):
        raise InvalidInstance("rules.cross_sector_only", "must be true or false")
    caps_raw = raw.get("max_away_per_workplace")
    if caps_raw is None:
        return Rules(cross_sector_only=cross)
    caps_raw = _object(caps_raw, "rules.max_away_per_workplace")
    caps = []
    for workplace, cap in caps_raw.items():
        path = f"rules.max_away_per_workplace.{workplace}"
        if isinstance(cap, bool) or not isinstance(cap, int):
            raise InvalidInstance(path, "must be an integer")
        if cap < 0:
            raise InvalidInstance(path, f"must not be negative (got {cap})")
        caps.append((workplace, cap))
    return Rules(cross_sector_only=cross, max_away_per_workplace=tuple(sorted(caps)))
