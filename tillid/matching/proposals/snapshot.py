"""What the re-matcher knows about a scope when it proposes: plain, immutable data read from the store."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from tillid.competence.model import ProposalItem
from tillid.matching.upskilling.effect_estimate import EffectEstimate
from tillid.matching.upskilling.funds import DEFAULT_JOBROTATION_DKK_PER_HOUR, Fund


@dataclass(frozen=True)
class ProfessionFacts:
    profession_id: str
    title_da: str
    title_en: str
    hourly_cost: float


@dataclass(frozen=True)
class EmployeeFacts:
    employee_id: str
    profession_id: str
    weekly_hours: float
    skills: Mapping[str, int]
    completed: tuple[str, ...] = ()
    learning_interests: tuple[str, ...] = ()
    age_band: str | None = None
    # Skill -> the highest target level of a need the person declined and that is still in force:
    # upskilling leaves the skill out up to that level (docs/upskilling.md, "Declined suggestions").
    quiet: Mapping[str, int] = field(default_factory=dict)
    # Skills whose entry the person disputes (already left out of ``skills``): no need names them.
    disputed: tuple[str, ...] = ()


@dataclass(frozen=True)
class TaskFacts:
    task_id: str
    name_da: str
    name_en: str
    hours: float
    requires: Mapping[str, int]
    allowed: tuple[str, ...]
    conditional: Mapping[str, str]
    added_requirements: Mapping[str, int] = field(default_factory=dict)
    rule_notes: Mapping[str, str] = field(default_factory=dict)
    administrative: bool = False


@dataclass(frozen=True)
class ActivityFacts:
    activity_id: str
    kind: str
    title: str
    teaches: Mapping[str, int]
    prerequisites: Mapping[str, int]
    duration_hours: float
    cost_dkk: float
    provider: str


@dataclass(frozen=True)
class FreedHours:
    change_id: str
    description: str
    task_id: str
    hours: float


@dataclass(frozen=True)
class NeedElsewhere:
    """Hours of a task not covered at another workplace of the organisation."""

    workplace_id: str
    workplace_name: str
    task_id: str
    hours: float


@dataclass(frozen=True)
class SlotFacts:
    slot_id: str
    title: str
    host_workplace_id: str
    sector: str
    organisation_id: str
    capacity: int
    weeks: int
    requires: Mapping[str, int]
    teaches: Mapping[str, int]


@dataclass(frozen=True)
class WorkplaceSnapshot:
    workplace_id: str
    name: str
    organisation_id: str
    committee_id: str
    sector: str
    professions: Mapping[str, ProfessionFacts]
    employees: tuple[EmployeeFacts, ...]
    tasks: tuple[TaskFacts, ...]
    current: tuple[tuple[str, str, float], ...]
    activities: Mapping[str, ActivityFacts]
    freed: tuple[FreedHours, ...] = ()
    needed_elsewhere: tuple[NeedElsewhere, ...] = ()
    open_slots: tuple[SlotFacts, ...] = ()
    source_events: tuple[str, ...] = ()
    effects: Mapping[str, EffectEstimate] = field(default_factory=dict)
    """Per activity, the estimated effect (tillid.store.effects); empty: the catalogue's promise."""
    funds: tuple[Fund, ...] = ()
    jobrotation_dkk_per_hour: float = DEFAULT_JOBROTATION_DKK_PER_HOUR
    completed_this_year: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Per employee, the activities they passed this calendar year, in order: what funds already paid for."""


@dataclass(frozen=True)
class ApplicantFacts:
    employee_id: str
    home_workplace_id: str
    sector: str
    organisation_id: str
    committee_id: str
    profession_id: str
    skills: Mapping[str, int]
    ranking: tuple[str, ...]
    max_weeks: int


@dataclass(frozen=True)
class RotationSnapshot:
    slots: tuple[SlotFacts, ...]
    applicants: tuple[ApplicantFacts, ...]
    max_away_per_workplace: Mapping[str, int]
    source_events: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProposalDraft:
    """A proposal ready to be stored: the same draft for the same facts (``fingerprint``)."""

    kind: str
    committee_id: str
    scope: str
    employee_ids: tuple[str, ...]
    summary_da: str
    summary_en: str
    explanation: Mapping
    effect: Mapping
    fingerprint: str
    items: tuple[ProposalItem, ...] = ()  # the parts a committee can keep or drop; effect = their sum
