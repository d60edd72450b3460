"""Wire format -> ``LeonInstance``: validate once at the edge, naming the field.

Every problem raises ``InvalidInstance(field_path, problem)``; unknown keys are
ignored. Optional parts: ``current``, ``change_penalty_per_hour`` (0),
``activities``, and per item ``skills``, ``completed``, ``requires``,
``authorised`` and ``conditional``.
"""

from __future__ import annotations

import math
from typing import Any

from tillid.errors import InvalidInstance
from tillid.matching.leon.model import (
    Activity,
    ConditionalAuthorisation,
    CurrentHours,
    Employee,
    LeonInstance,
    Profession,
    Task,
)


# JSON numbers arrive as int or float; bool is excluded on purpose.
_NUMBERS = (int, float)


def parse_instance(data: Any) -> LeonInstance:
    if not isinstance(data, dict):
        raise InvalidInstance("", "the instance must be a JSON object")
    professions = _professions(_required(data, "professions", "", dict))
    known = {profession.id for profession in professions}
    employees = _employees(_required(data, "employees", "", list), known)
    tasks = _tasks(_required(data, "tasks", "", list), known)
    current = None
    if data.get("current") is not None:
        current = _current(_list(data["current"], "current"),
                           {e.id for e in employees}, {t.id for t in tasks})
    penalty = 0.0
    if data.get("change_penalty_per_hour") is not None:
        penalty = _non_negative(data["change_penalty_per_hour"], "change_penalty_per_hour")
    activities = None
    if data.get("activities") is not None:
        activities = _activities(_list(data["activities"], "activities"))
    return LeonInstance(professions=professions, employees=employees, tasks=tasks,
                        current=current, change_penalty_per_hour=penalty,
                        activities=activities)


def _professions(raw: dict) -> tuple[Profession, ...]:
    professions = []
    for key in sorted(raw):
        path = f"professions.{key}"
        if not isinstance(key, str) or not key:
            raise InvalidInstance(path, "a profession id must be a non-empty string")
        entry = raw[key]
        if not isinstance(entry, dict):
            raise InvalidInstance(path, "must be an object with hourly_cost")
        cost = _non_negative(_required(entry, "hourly_cost", path, None), f"{path}.hourly_cost")
        professions.append(Profession(id=key, hourly_cost=cost))
    return tuple(professions)


def _employees(raw: list, professions: set[str]) -> tuple[Employee, ...]:
    employees = []
    seen: set[str] = set()
    for index, entry in enumerate(raw):
        path = f"employees[{index}]"
        if not isinstance(entry, dict):
            raise InvalidInstance(path, "must be an object")
        employee_id = _id(entry, path, seen, "employee")
        profession = _required(entry, "profession", path, None)
        if not isinstance(profession, str) or profession not in professions:
            raise InvalidInstance(f"{path}.profession", f"unknown profession {profession!r}")
        capacity = _non_negative(_required(entry, "capacity_hours", path, None), f"{path}.capacity_hours")
        skills = _levels(entry.get("skills"), f"{path}.skills")
        completed = _strings(entry.get("completed"), f"{path}.completed")
        employees.append(Employee(employee_id, profession, capacity, skills, completed))
    return tuple(employees)


def _tasks(raw: list, professions: set[str]) -> tuple[Task, ...]:
    tasks = []
    seen: set[str] = set()
    for index, entry in enumerate(raw):
        path = f"tasks[{index}]"
        if not isinstance(entry, dict):
            raise InvalidInstance(path, "must be an object")
        task_id = _id(entry, path, seen, "task")
        hours = _non_negative(_required(entry, "hours", path, None), f"{path}.hours")
        requires = _levels(entry.get("requires"), f"{path}.requires")
        authorised = _strings(entry.get("authorised"), f"{path}.authorised")
        for position, profession in enumerate(authorised):
            if profession not in professions:
                raise InvalidInstance(f"{path}.authorised[{position}]", f"unknown profession {profession!r}")
        conditional = _conditionals(entry.get("conditional"), f"{path}.conditional", professions)
        if not authorised and not conditional:
            raise InvalidInstance(f"{path}.authorised", "the task has no authorised or conditional profession")
        tasks.append(Task(task_id, hours, requires, tuple(sorted(set(authorised))), conditional))
    return tuple(tasks)


def _conditionals(raw: Any, path: str, professions: set[str]) -> tuple[ConditionalAuthorisation, ...]:
    if raw is None:
        return ()
    rules = []
    for position, entry in enumerate(_list(raw, path)):
        where = f"{path}[{position}]"
        if not isinstance(entry, dict):
            raise InvalidInstance(where, "must be an object with profession and requires_activity")
        profession = _required(entry, "profession", where, None)
        if not isinstance(profession, str) or profession not in professions:
            raise InvalidInstance(f"{where}.profession", f"unknown profession {profession!r}")
        activity = _required(entry, "requires_activity", where, None)
        if not isinstance(activity, str) or not activity:
            raise InvalidInstance(f"{where}.requires_activity", "must be a non-empty string")
        rules.append(ConditionalAuthorisation(profession, activity))
    return tuple(sorted(set(rules), key=lambda rule: (rule.profession, rule.requires_activity)))


def _current(raw: list, employees: set[str], tasks: set[str]) -> tuple[CurrentHours, ...]:
    entries = []
    seen: set[tuple[str, str]] = set()
    for index, entry in enumerate(raw):
        path = f"current[{index}]"
        if not isinstance(entry, dict):
            raise InvalidInstance(path, "must be an object with employee, task and hours")
        employee = _required(entry, "employee", path, None)
        if not isinstance(employee, str) or employee not in employees:
            raise InvalidInstance(f"{path}.employee", f"unknown employee {employee!r}")
        task = _required(entry, "task", path, None)
        if not isinstance(task, str) or task not in tasks:
            raise InvalidInstance(f"{path}.task", f"unknown task {task!r}")
        if (employee, task) in seen:
            raise InvalidInstance(path, f"duplicate entry for employee {employee!r} and task {task!r}")
        seen.add((employee, task))
        hours = _non_negative(_required(entry, "hours", path, None), f"{path}.hours")
        entries.append(CurrentHours(employee, task, hours))
    return tuple(entries)


def _activities(raw: list) -> tuple[Activity, ...]:
    activities = []
    seen: set[str] = set()
    for index, entry in enumerate(raw):
        path = f"activities[{index}]"
        if not isinstance(entry, dict):
            raise InvalidInstance(path, "must be an object")
        activity_id = _id(entry, path, seen, "activity")
        cost = _non_negative(_required(entry, "cost_dkk", path, None), f"{path}.cost_dkk")
        duration = _non_negative(_required(entry, "duration_hours", path, None), f"{path}.duration_hours")
        activities.append(Activity(activity_id, cost, duration))
    return tuple(activities)


def _required(entry: dict, key: str, path: str, kind: type | None) -> Any:
    where = f"{path}.{key}" if path else key
    if key not in entry or entry[key] is None:
        raise InvalidInstance(where, "is required")
    value = entry[key]
    if kind is not None and not isinstance(value, kind):
        raise InvalidInstance(where, f"must be a JSON {'object' if kind is dict else 'array'}")
    return value


def _list(value: Any, path: str) -> list:
    if not isinstance(value, list):
        raise InvalidInstance(path, "must be a JSON array")
    return value


def _id(entry: dict, path: str, seen: set[str], what: str) -> str:
    value = _required(entry, "id", path, None)
    if not isinstance(value, str) or not value:
        raise InvalidInstance(f"{path}.id", "must be a non-empty string")
    if value in seen:
        raise InvalidInstance(f"{path}.id", f"duplicate {what} id {value!r}")
    seen.add(value)
    return value


def _non_negative(value: Any, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidInstance(path, "must be a number")
    try:
        number = float(value)
    except OverflowError:
        raise InvalidInstance(path, "must be a finite, non-negative number") from None
    if not math.isfinite(number) or number < 0:
        raise InvalidInstance(path, "must be a finite, non-negative number")
    return number


def _levels(raw: Any, path: str) -> tuple[tuple[str, float], ...]:
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        raise InvalidInstance(path, "must be an object of skill levels")
    items = tuple(raw.items())
    for skill, level in items:
        if type(level) not in _NUMBERS or not 0 <= level <= 5:
            raise InvalidInstance(f"{path}.{skill}", "must be a level from 0 to 5")
    return items


def _strings(raw: Any, path: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    values = _list(raw, path)
    for position, value in enumerate(values):
        if type(value) is not str or not value:
            raise InvalidInstance(f"{path}[{position}]", "must be a non-empty string")
    return tuple(values)
