"""Typed, immutable data of the LEON solver: the instance and the result.

The wire format (docs/contracts/solvers.md, section ``leon``) maps to these types in
``parse.py`` and back in ``wire.py``; everything in between works on them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Profession:
    id: str
    hourly_cost: float


@dataclass(frozen=True, slots=True)
class Employee:
    id: str
    profession: str
    capacity_hours: float
    skills: tuple[tuple[str, float], ...]
    completed: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ConditionalAuthorisation:
    """A profession may do the task once it has completed ``requires_activity``."""

    profession: str
    requires_activity: str


@dataclass(frozen=True, slots=True)
class Task:
    id: str
    hours: float
    requires: tuple[tuple[str, float], ...]
    authorised: tuple[str, ...]
    conditional: tuple[ConditionalAuthorisation, ...]


@dataclass(frozen=True, slots=True)
class CurrentHours:
    employee: str
    task: str
    hours: float


@dataclass(frozen=True, slots=True)
class Activity:
    id: str
    cost_dkk: float
    duration_hours: float


@dataclass(frozen=True, slots=True)
class LeonInstance:
    professions: tuple[Profession, ...]
    employees: tuple[Employee, ...]
    tasks: tuple[Task, ...]
    # ``None`` when the instance has no ``current`` (then no current_cost/moves);
    # likewise ``activities`` (then no unlocks).
    current: tuple[CurrentHours, ...] | None
    change_penalty_per_hour: float
    activities: tuple[Activity, ...] | None


@dataclass(frozen=True, slots=True)
class Assignment:
    employee: str
    task: str
    hours: float


@dataclass(frozen=True, slots=True)
class UncoveredTask:
    task: str
    hours: float


@dataclass(frozen=True, slots=True)
class Move:
    """Hours of one task that shift from one profession to another."""

    task: str
    from_profession: str
    to_profession: str
    hours: float
    saving_per_week: float


@dataclass(frozen=True, slots=True)
class Unlock:
    activity: str
    employees: tuple[str, ...]
    training_cost: float
    saving_per_week: float
    payback_weeks: float


@dataclass(frozen=True, slots=True)
class LeonResult:
    status: str
    uncovered_hours: float
    total_cost: float
    objective: float
    assignments: tuple[Assignment, ...]
    uncovered: tuple[UncoveredTask, ...]
    current_cost: float | None
    # Today's hours counted up to each task's demand, most expensive removed first.
    current_cost_within_demand: float | None
    moves: tuple[Move, ...] | None
    unlocks: tuple[Unlock, ...] | None
