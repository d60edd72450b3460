"""The competence domain as typed, immutable data.

Wire records (event payloads) become these types at the edge
(``tillid.competence.wire``); everything behind the edge works on them.
Ids are the producers' opaque strings; employee ids are pseudonymous ids from
the HR system. Hours are per week unless a name says otherwise; money is DKK.

Competence levels: 0 none, 1 under instruction, 2 independent with support,
3 independent, 4 experienced (can train others), 5 expert.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, NamedTuple, Union

from tillid.competence.frozen import FrozenDict, freeze, thaw

MIN_LEVEL = 0
MAX_LEVEL = 5


def _check_level(level: int, what: str) -> None:
    if isinstance(level, bool) or not isinstance(level, int) or not MIN_LEVEL <= level <= MAX_LEVEL:
        raise ValueError(f"{what} must be an integer from {MIN_LEVEL} to {MAX_LEVEL}, got {level!r}")


def _check_non_negative(value: float, what: str) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
        raise ValueError(f"{what} must be a number >= 0, got {value!r}")


class Sector(StrEnum):
    MUNICIPALITY = "municipality"
    REGION = "region"
    STATE = "state"


class AgeBand(StrEnum):
    UNDER_30 = "-29"
    FROM_30_TO_39 = "30-39"
    FROM_40_TO_49 = "40-49"
    FROM_50_TO_59 = "50-59"
    FROM_60 = "60-"


class Evidence(StrEnum):
    SELF = "self"
    MANAGER = "manager"
    CERTIFICATE = "certificate"
    COURSE = "course"
    OBSERVED = "observed"


class ActivityKind(StrEnum):
    COURSE = "course"
    E_LEARNING = "e_learning"
    PEER_TRAINING = "peer_training"


class ProposalKind(StrEnum):
    LEON_ALLOCATION = "leon_allocation"
    UPSKILLING_PATH = "upskilling_path"
    ROTATION_PLACEMENT = "rotation_placement"


class ProposalItemKind(StrEnum):
    """What a committee can keep or drop of a proposal: one person's upskilling path, one LEON move of
    hours for one task, one rotation placement, one training that unlocks a cheaper allocation."""

    PATH = "path"
    MOVE = "move"
    PLACEMENT = "placement"
    UNLOCK = "unlock"


class ProposalStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    AMENDED = "amended"
    WITHDRAWN = "withdrawn"
    SUPERSEDED = "superseded"


class DecidedBy(StrEnum):
    COMMITTEE = "committee"
    EMPLOYEE = "employee"


class DecisionOutcome(StrEnum):
    """Committees approve, reject or amend; employees accept or decline."""

    APPROVED = "approved"
    REJECTED = "rejected"
    AMENDED = "amended"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class SuggestionKind(StrEnum):
    UPSKILLING_PATH = "upskilling_path"
    ROTATION_PLACEMENT = "rotation_placement"


class SuggestionResponse(StrEnum):
    ACCEPTED = "accepted"
    DECLINED = "declined"


class DeclineReason(StrEnum):
    NOT_INTERESTED = "not_interested"
    NO_TIME = "no_time"
    ALREADY_HAVE = "already_have"


# --- organisation -----------------------------------------------------------------

@dataclass(frozen=True)
class Organisation:
    organisation_id: str
    name: str
    sector: Sector


@dataclass(frozen=True)
class Workplace:
    """A workplace, the organisation it belongs to, and the MED/SU committee reviewing it."""

    workplace_id: str
    name: str
    organisation_id: str
    organisation_name: str
    sector: Sector
    committee_id: str

    @property
    def organisation(self) -> Organisation:
        return Organisation(self.organisation_id, self.organisation_name, self.sector)


@dataclass(frozen=True)
class Profession:
    """A staff group (faggruppe) and its wage cost per productive hour."""

    profession_id: str
    title_da: str
    title_en: str
    hourly_cost_dkk: float

    def __post_init__(self) -> None:
        _check_non_negative(self.hourly_cost_dkk, "hourly_cost_dkk")


# --- people and competences -------------------------------------------------------

@dataclass(frozen=True)
class Employee:
    """An employee by pseudonymous id: no names, no CPR numbers."""

    employee_id: str
    profession_id: str
    workplace_id: str
    weekly_hours: float
    age_band: AgeBand | None = None
    learning_interests: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _check_non_negative(self.weekly_hours, "weekly_hours")


@dataclass(frozen=True)
class EmployeeLeft:
    employee_id: str
    left_on: dt.date


@dataclass(frozen=True)
class EmployeeErased:
    """Data subject erasure: remove the person's data, keep anonymous aggregates."""

    employee_id: str


@dataclass(frozen=True, order=True)
class SkillLevel:
    """A skill (skill id or, before mapping, a free-text name) at a level 0-5."""

    skill: str
    level: int

    def __post_init__(self) -> None:
        _check_level(self.level, "level")


@dataclass(frozen=True)
class Competence:
    """An assessed competence of one employee."""

    employee_id: str
    skill: str
    level: int
    assessed_on: dt.date
    evidence: Evidence

    def __post_init__(self) -> None:
        _check_level(self.level, "level")

    @property
    def skill_level(self) -> SkillLevel:
        return SkillLevel(self.skill, self.level)


@dataclass(frozen=True, order=True)
class SkillRequirement:
    """A skill needed at ``min_level`` or above."""

    skill: str
    min_level: int

    def __post_init__(self) -> None:
        _check_level(self.min_level, "min_level")

    def is_met_by(self, level: int) -> bool:
        return level >= self.min_level


@dataclass(frozen=True, order=True)
class SkillTarget:
    """A skill a learning activity or rotation raises to ``to_level``."""

    skill: str
    to_level: int

    def __post_init__(self) -> None:
        _check_level(self.to_level, "to_level")


@dataclass(frozen=True)
class CourseCompleted:
    employee_id: str
    activity_id: str
    completed_on: dt.date
    passed: bool


# --- tasks and authorisation ------------------------------------------------------

@dataclass(frozen=True)
class Task:
    """A recurring piece of work; ``authorised_professions`` is the national baseline."""

    task_id: str
    name_da: str
    name_en: str
    required_skills: tuple[SkillRequirement, ...]
    authorised_professions: tuple[str, ...]
    administrative: bool


@dataclass(frozen=True)
class AuthorisationRule:
    """A local rule (delegation, lokal instruks) of one organisation on who may do a task."""

    organisation_id: str
    task_id: str
    profession_id: str
    allowed: bool
    requires_activity_id: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class TaskDemand:
    """Weekly hours of a task at a workplace."""

    workplace_id: str
    task_id: str
    hours_per_week: float

    def __post_init__(self) -> None:
        _check_non_negative(self.hours_per_week, "hours_per_week")


@dataclass(frozen=True)
class TaskAssignment:
    """How the work is done today: an employee's weekly hours on a task (0 removes it)."""

    workplace_id: str
    task_id: str
    employee_id: str
    hours_per_week: float

    def __post_init__(self) -> None:
        _check_non_negative(self.hours_per_week, "hours_per_week")

    @property
    def removes(self) -> bool:
        return self.hours_per_week == 0


class EffectiveAuthorisation(NamedTuple):
    """Who may do a task in one organisation.

    ``allowed``: professions that may do it (sorted); ``conditional``:
    profession -> the learning activity it must complete first (sorted by profession, read-only).
    """

    allowed: tuple[str, ...]
    conditional: Mapping[str, str]


def effective_authorisation(task: Task, rules_for_org: Iterable[AuthorisationRule]) -> EffectiveAuthorisation:
    """Combine the national baseline of ``task`` with one organisation's local rules.

    Start from ``task.authorised_professions``; then, per profession, the latest
    rule for this task (the last one in ``rules_for_org``, which is in the order
    the rules were published) decides:

    - ``allowed=False``: the profession may not do the task in this organisation,
      even when the baseline allows it;
    - ``allowed=True`` with ``requires_activity_id``: it may, after completing
      that activity (also for a baseline profession: the local rule adds the
      condition);
    - ``allowed=True`` without: it may, unconditionally.

    Rules of other tasks are ignored; rules of more than one organisation are an error.
    """
    latest: dict[str, AuthorisationRule] = {}
    organisations: set[str] = set()
    for rule in rules_for_org:
        if rule.task_id != task.task_id:
            continue
        organisations.add(rule.organisation_id)
        latest[rule.profession_id] = rule
    if len(organisations) > 1:
        raise ValueError(f"rules of more than one organisation: {', '.join(sorted(organisations))}")
    allowed = set(task.authorised_professions)
    conditional: dict[str, str] = {}
    for profession_id, rule in latest.items():
        allowed.discard(profession_id)
        if rule.allowed and rule.requires_activity_id:
            conditional[profession_id] = rule.requires_activity_id
        elif rule.allowed:
            allowed.add(profession_id)
    return EffectiveAuthorisation(tuple(sorted(allowed)), FrozenDict(sorted(conditional.items())))


# --- learning and rotation --------------------------------------------------------

@dataclass(frozen=True)
class CourseSession:
    """When (and where, when the catalogue says) a course is held."""

    starts_on: dt.date
    place: str | None = None


@dataclass(frozen=True)
class LearningActivity:
    """A course, e-learning or peer training (sidemandsoplæring)."""

    activity_id: str
    kind: ActivityKind
    title: str
    teaches: tuple[SkillTarget, ...]
    prerequisites: tuple[SkillRequirement, ...]
    duration_hours: float
    cost_dkk: float
    provider: str
    sessions: tuple[CourseSession, ...] = ()

    def __post_init__(self) -> None:
        _check_non_negative(self.duration_hours, "duration_hours")
        _check_non_negative(self.cost_dkk, "cost_dkk")


@dataclass(frozen=True)
class LearningActivityWithdrawn:
    activity_id: str


@dataclass(frozen=True, slots=True)
class Fund:
    """A competence fund: ``share`` of the costs it ``covers`` (fee, cover), up to a yearly cap per employee,
    for workplaces of its ``sectors``; ``kinds``/``professions`` None: all; ``budget_dkk`` None: no limit."""

    fund_id: str
    name: str
    sectors: tuple[str, ...]
    covers: tuple[str, ...]
    share: float
    cap_dkk_per_employee_year: float
    kinds: tuple[str, ...] | None = None
    budget_dkk: float | None = None
    professions: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        _check_non_negative(self.cap_dkk_per_employee_year, "cap_dkk_per_employee_year")
        if not 0.0 <= self.share <= 1.0:
            raise ValueError("share must be between 0 and 1")

    def pays_for(self, sector: str, profession: str, kind: str) -> bool:
        return (sector in self.sectors and (self.kinds is None or kind in self.kinds)
                and (self.professions is None or profession in self.professions))


@dataclass(frozen=True)
class FundBalance:
    fund_id: str
    remaining_dkk: float
    as_of: dt.date


@dataclass(frozen=True)
class RotationSlot:
    """A placement at a host workplace for ``weeks`` weeks, for up to ``capacity`` people at a time."""

    slot_id: str
    host_workplace_id: str
    title: str
    teaches: tuple[SkillTarget, ...]
    requires: tuple[SkillRequirement, ...]
    weeks: int
    capacity: int
    starts_on: dt.date


@dataclass(frozen=True)
class RotationSlotWithdrawn:
    slot_id: str


@dataclass(frozen=True)
class RotationInterest:
    """An employee's wish to rotate; empty ``ranked_slot_ids`` means 'suggest to me'."""

    employee_id: str
    ranked_slot_ids: tuple[str, ...]
    available_from: dt.date
    max_weeks: int

    @property
    def open_to_suggestions(self) -> bool:
        return not self.ranked_slot_ids


@dataclass(frozen=True)
class RotationInterestWithdrawn:
    employee_id: str


# --- digitalisation ---------------------------------------------------------------

@dataclass(frozen=True)
class HoursFactor:
    """The task now takes ``factor`` times its hours (factor > 0)."""

    task_id: str
    factor: float

    def __post_init__(self) -> None:
        if isinstance(self.factor, bool) or not isinstance(self.factor, (int, float)) or not self.factor > 0:
            raise ValueError(f"factor must be a number greater than 0, got {self.factor!r}")


@dataclass(frozen=True)
class NewTask:
    """A new task and its weekly hours per workplace (pairs sorted by workplace id)."""

    task: Task
    hours_per_week: tuple[tuple[str, float], ...]

    def hours_at(self, workplace_id: str) -> float:
        return dict(self.hours_per_week).get(workplace_id, 0.0)


@dataclass(frozen=True)
class RequirementAdded:
    """The task now also requires a skill."""

    task_id: str
    requirement: SkillRequirement


@dataclass(frozen=True)
class TaskRetired:
    task_id: str


DigitalisationEffect = Union[HoursFactor, NewTask, RequirementAdded, TaskRetired]


@dataclass(frozen=True)
class DigitalisationChange:
    """A digitalisation change of one organisation; ``workplace_ids`` None means all its workplaces."""

    change_id: str
    organisation_id: str
    workplace_ids: tuple[str, ...] | None
    description: str
    effective_on: dt.date
    effects: tuple[DigitalisationEffect, ...]

    def applies_to(self, workplace: Workplace) -> bool:
        if workplace.organisation_id != self.organisation_id:
            return False
        return self.workplace_ids is None or workplace.workplace_id in self.workplace_ids


# --- proposals, decisions, suggestions -----------------------------------------------

def _frozen_mapping(value: Mapping[str, Any]) -> FrozenDict:
    return value if isinstance(value, FrozenDict) else freeze(dict(value))


@dataclass(frozen=True)
class ProposalItem:
    """A part of a proposal a committee can keep or drop; ``item_id`` is stable for the proposal (derived
    from what the item says, not from its place in the list), ``effect`` has the proposal effect's keys."""

    item_id: str
    kind: ProposalItemKind
    employee_ids: tuple[str, ...]
    summary_da: str
    summary_en: str
    effect: Mapping[str, Any] = field(default_factory=FrozenDict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "effect", _frozen_mapping(self.effect))

    def to_wire(self) -> dict[str, Any]:
        """The item as JSON (events, the store, the API)."""
        return {"item_id": self.item_id, "kind": str(self.kind), "employee_ids": list(self.employee_ids),
                "summary_da": self.summary_da, "summary_en": self.summary_en, "effect": thaw(self.effect)}


@dataclass(frozen=True)
class Proposal:
    """A proposal for a MED/SU committee; ``explanation`` and ``effect`` are read-only JSON objects."""

    proposal_id: str
    kind: ProposalKind
    committee_id: str
    scope: str
    employee_ids: tuple[str, ...]
    summary_da: str
    summary_en: str
    explanation: Mapping[str, Any] = field(default_factory=FrozenDict)
    effect: Mapping[str, Any] = field(default_factory=FrozenDict)
    supersedes: str | None = None
    status: ProposalStatus = ProposalStatus.PENDING
    items: tuple[ProposalItem, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "explanation", _frozen_mapping(self.explanation))
        object.__setattr__(self, "effect", _frozen_mapping(self.effect))

    def __hash__(self) -> int:
        return hash((self.proposal_id, self.status))


@dataclass(frozen=True)
class ProposalWithdrawn:
    proposal_id: str
    reason: str


@dataclass(frozen=True)
class Decision:
    """A decision on a proposal by its committee or by the employee it concerns."""

    proposal_id: str
    by: DecidedBy
    decision: DecisionOutcome
    comment: str | None
    decided_at: dt.datetime
    keep: tuple[str, ...] | None = None  # the item ids an amendment keeps


@dataclass(frozen=True)
class Suggestion:
    """A suggestion to one employee; theirs to accept or decline."""

    suggestion_id: str
    employee_id: str
    kind: SuggestionKind
    proposal_id: str
    summary_da: str
    summary_en: str
    respond_by: dt.date | None = None


@dataclass(frozen=True)
class SuggestionAnswer:
    suggestion_id: str
    employee_id: str
    response: SuggestionResponse
    comment: str | None
    answered_at: dt.datetime
    reason: DeclineReason | None = None


@dataclass(frozen=True)
class CompetenceDispute:
    """An employee says the competence Tillid holds about them (``level``, 0: none) is wrong."""

    employee_id: str
    skill: str
    level: int
    comment: str
