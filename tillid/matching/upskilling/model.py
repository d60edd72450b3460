"""Typed inputs of the upskilling planner and their parsing from the wire format.

The wire format is the `upskill` instance of contracts/solvers.md. It is parsed
and validated once, here; everything after works on these frozen dataclasses.
Bad input raises ``InvalidInstance`` naming the offending field.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Mapping

from tillid.errors import InvalidInstance

ACTIVITY_KINDS = ("course", "e_learning", "peer_training")
PEER_TRAINING = "peer_training"
MIN_LEVEL = 0
MAX_LEVEL = 5

Levels = tuple[tuple[str, int], ...]
"""Skill levels as a tuple of (skill, level) pairs sorted by skill."""


@dataclass(frozen=True)
class Activity:
    """A learning activity of the catalogue.

    ``teaches`` and ``prerequisites`` are (skill, level) pairs sorted by skill.
    Numbers are kept as given; exact arithmetic on them is done by the search.
    """

    id: str
    kind: str
    teaches: Levels
    prerequisites: Levels
    duration_hours: float
    cost_dkk: float
    provider: str = ""

    @property
    def needs_mentor(self) -> bool:
        return self.kind == PEER_TRAINING


@dataclass(frozen=True)
class Need:
    """Why an employee has a target: a task, a digitalisation change, a rotation slot or an interest."""

    source: str
    id: str = ""
    description: str = ""


@dataclass(frozen=True)
class Learner:
    """An employee with current levels, a target and (possibly) mentors for peer training."""

    id: str
    skills: Levels
    target: Levels
    mentors: tuple[str, ...] = ()
    need: Need | None = None

    @property
    def has_mentor(self) -> bool:
        return bool(self.mentors)

    def level(self, skill: str) -> int:
        for name, level in self.skills:
            if name == skill:
                return level
        return 0


@dataclass(frozen=True)
class UpskillInstance:
    substitute_cost_per_hour: float
    activities: tuple[Activity, ...]
    employees: tuple[Learner, ...]
    expected_effect: tuple[tuple[str, float], ...] = field(default=())
    history: tuple["Observation", ...] = field(default=())
    refund_dkk: tuple[tuple[str, float], ...] = field(default=())
    """Per activity, what funds and job rotation refund on it for these employees (the search minimises net cost)."""


@dataclass(frozen=True)
class Observation:
    """A completed activity and the level of one skill it teaches, before and as assessed later."""

    activity_id: str
    skill: str
    level_before: int
    level_after: int


NEED_SOURCES = ("task", "change", "rotation_slot", "interest", "role")


def parse_instance(instance: Any) -> UpskillInstance:
    """Validate an `upskill` instance (a dict from JSON) and return typed data."""
    if not isinstance(instance, dict):
        raise InvalidInstance("", "the instance must be a JSON object")
    rate = _non_negative_number(_required(instance, "substitute_cost_per_hour", ""), "substitute_cost_per_hour")
    activities = tuple(
        _parse_activity(item, f"activities[{i}]")
        for i, item in enumerate(_list(_required(instance, "activities", ""), "activities"))
    )
    _no_duplicates([a.id for a in activities], "activities", "id")
    employees = tuple(
        _parse_learner(item, f"employees[{i}]")
        for i, item in enumerate(_list(_required(instance, "employees", ""), "employees"))
    )
    _no_duplicates([e.id for e in employees], "employees", "id")
    effect = _parse_expected_effect(instance.get("expected_effect", {}), {a.id for a in activities})
    by_id = {a.id: a for a in activities}
    history = tuple(
        _parse_observation(item, f"history[{i}]", by_id)
        for i, item in enumerate(_list(instance.get("history", []), "history"))
    )
    refunds = _parse_refunds(instance.get("refund_dkk", {}), by_id)
    return UpskillInstance(rate, activities, employees, effect, history, refunds)


def _parse_refunds(value: Any, activities: Mapping[str, Activity]) -> tuple[tuple[str, float], ...]:
    if not isinstance(value, dict):
        raise InvalidInstance("refund_dkk", "must be an object mapping activity ids to amounts")
    pairs = []
    for activity_id, amount in value.items():
        where = f"refund_dkk.{activity_id}"
        if activity_id not in activities:
            raise InvalidInstance(where, "is not an activity of the catalogue")
        pairs.append((activity_id, _non_negative_number(amount, where)))
    return tuple(sorted(pairs))


def _parse_observation(item: Any, where: str, activities: Mapping[str, Activity]) -> Observation:
    if not isinstance(item, dict):
        raise InvalidInstance(where, "must be an object")
    activity_id = _string(_required(item, "activity", where), f"{where}.activity")
    activity = activities.get(activity_id)
    if activity is None:
        raise InvalidInstance(f"{where}.activity", "is not an activity of the catalogue")
    skill = _string(_required(item, "skill", where), f"{where}.skill")
    if skill not in dict(activity.teaches):
        raise InvalidInstance(f"{where}.skill", f"is not taught by {activity_id}")
    before = _level(_required(item, "level_before", where), f"{where}.level_before")
    after = _level(_required(item, "level_after", where), f"{where}.level_after")
    return Observation(activity_id, skill, before, after)


def _parse_activity(item: Any, where: str) -> Activity:
    if not isinstance(item, dict):
        raise InvalidInstance(where, "must be an object")
    activity_id = _string(_required(item, "id", where), f"{where}.id")
    kind = item.get("kind", "course")
    if kind not in ACTIVITY_KINDS:
        raise InvalidInstance(f"{where}.kind", f"must be one of {', '.join(ACTIVITY_KINDS)}")
    teaches = _levels(_required(item, "teaches", where), f"{where}.teaches")
    prerequisites = _levels(item.get("prerequisites", {}), f"{where}.prerequisites")
    duration = _non_negative_number(_required(item, "duration_hours", where), f"{where}.duration_hours")
    cost = _non_negative_number(_required(item, "cost_dkk", where), f"{where}.cost_dkk")
    provider = item.get("provider", "")
    if not isinstance(provider, str):
        raise InvalidInstance(f"{where}.provider", "must be a string")
    return Activity(activity_id, kind, teaches, prerequisites, duration, cost, provider)


def _parse_learner(item: Any, where: str) -> Learner:
    if not isinstance(item, dict):
        raise InvalidInstance(where, "must be an object")
    employee_id = _string(_required(item, "id", where), f"{where}.id")
    skills = _levels(item.get("skills", {}), f"{where}.skills")
    target = _levels(_required(item, "target", where), f"{where}.target")
    mentors = _list(item.get("mentors", []), f"{where}.mentors")
    for i, mentor in enumerate(mentors):
        _string(mentor, f"{where}.mentors[{i}]")
    need = _parse_need(item.get("need"), f"{where}.need")
    return Learner(employee_id, skills, target, tuple(mentors), need)


def _parse_need(value: Any, where: str) -> Need | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise InvalidInstance(where, "must be an object")
    source = value.get("source")
    if source not in NEED_SOURCES:
        raise InvalidInstance(f"{where}.source", f"must be one of {', '.join(NEED_SOURCES)}")
    need_id = value.get("id", "")
    description = value.get("description", "")
    if not isinstance(need_id, str):
        raise InvalidInstance(f"{where}.id", "must be a string")
    if not isinstance(description, str):
        raise InvalidInstance(f"{where}.description", "must be a string")
    return Need(source, need_id, description)


def _parse_expected_effect(value: Any, activity_ids: set[str]) -> tuple[tuple[str, float], ...]:
    if not isinstance(value, dict):
        raise InvalidInstance("expected_effect", "must be an object mapping activity ids to probabilities")
    pairs = []
    for activity_id, probability in value.items():
        where = f"expected_effect.{activity_id}"
        if activity_id not in activity_ids:
            raise InvalidInstance(where, "is not an activity of the catalogue")
        p = _number(probability, where)
        if not 0.0 < p <= 1.0:
            raise InvalidInstance(where, "must be a probability in (0, 1]")
        pairs.append((activity_id, p))
    return tuple(sorted(pairs))


def _required(item: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in item:
        raise InvalidInstance(f"{where}.{key}" if where else key, "is required")
    return item[key]


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise InvalidInstance(where, "must be a list")
    return value


def _string(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise InvalidInstance(where, "must be a non-empty string")
    return value


def _number(value: Any, where: str) -> float:
    if type(value) is float and math.isfinite(value) or type(value) is int:
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InvalidInstance(where, "must be a finite number")
    return value


def _non_negative_number(value: Any, where: str) -> float:
    number = _number(value, where)
    if number < 0:
        raise InvalidInstance(where, "must be a non-negative number")
    return number


def _level(value: Any, where: str) -> int:
    if type(value) is int and MIN_LEVEL <= value <= MAX_LEVEL:
        return value
    is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not is_number or not math.isfinite(value) or value != int(value) or not MIN_LEVEL <= value <= MAX_LEVEL:
        raise InvalidInstance(where, f"must be an integer level {MIN_LEVEL}-{MAX_LEVEL}")
    return int(value)


def _levels(value: Any, where: str) -> Levels:
    if not isinstance(value, dict):
        raise InvalidInstance(where, "must be an object mapping skills to levels")
    pairs = []
    for skill, level in value.items():
        if not skill:
            raise InvalidInstance(where, "skill ids must be non-empty")
        pairs.append((skill, _level(level, f"{where}.{skill}")))
    return tuple(sorted(pairs))


def _no_duplicates(ids: list[str], where: str, key: str) -> None:
    seen: dict[str, int] = {}
    for i, value in enumerate(ids):
        if value in seen:
            raise InvalidInstance(f"{where}[{i}].{key}", f"duplicate id {value!r} (also {where}[{seen[value]}])")
        seen[value] = i
