"""The staff of one workplace and everything reported about them, as (type, payload) pairs.

One workplace at a time: the events of a workplace depend only on the seed, the
workplace and a few shared read-only tables (catalogue offers, rotation slots),
so an organisation of any size streams in memory bounded by its largest workplace.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Iterator, Mapping

from tillid.competence.demo.catalogue import KINDS, Activity, planted_probability
from tillid.competence.demo.organisations import Organisation, Workplace
from tillid.competence.demo.reference import (
    ASPIRATIONS, EXTRA_SKILLS, FREE_TEXT_NAMES, PROFESSION_DOMAINS, TASKS_BY_ID, WORKPLACE_TYPES,
)

Event = tuple[str, dict]

_AGE_BANDS = ("-29", "30-39", "40-49", "50-59", "60-")
_AGE_WEIGHTS = (0.15, 0.22, 0.25, 0.27, 0.11)
_EVIDENCE = ("manager", "self", "certificate", "course", "observed")
_EVIDENCE_WEIGHTS = (0.4, 0.3, 0.1, 0.1, 0.1)
_LEVEL_DELTA = (-1, 0, 1, 2)
_LEVEL_DELTA_WEIGHTS = (0.07, 0.33, 0.4, 0.2)
_PRODUCTIVE_SHARE = 0.85  # of contracted hours spent on tasks (the rest: meetings, breaks, training)

P_FREE_TEXT = 0.03
P_LEARNING_INTERESTS = 0.3
P_HISTORY = 0.35
P_SECOND_COURSE = 0.3
P_PASSED = 0.95
P_ROTATION_INTEREST = 0.04
P_EMPTY_RANKING = 0.25
P_INTEREST_WITHDRAWN = 0.1
P_LEFT = 0.012
P_ERASED = 0.001


def _day(start: date, end: date, rng: random.Random) -> date:
    return start + timedelta(days=rng.randint(0, (end - start).days))


@dataclass(frozen=True)
class StaffingContext:
    """Shared read-only inputs of every workplace."""

    seed: int
    offers: Mapping[str, Mapping[str, Mapping[str, tuple[Activity, ...]]]]  # domain -> provider -> kind
    slot_pool: Mapping[tuple[str, str], tuple[str, ...]]  # (profession, own sector) -> slot ids elsewhere


@dataclass
class _Employee:
    employee_id: str
    profession: str
    weekly_hours: int
    tasks: list[tuple[str, float]] = field(default_factory=list)
    levels: dict[str, int] = field(default_factory=dict)


class WorkplaceStaff:
    """Draws the staff of one workplace and yields its events in the order a source would send them."""

    def __init__(self, ctx: StaffingContext, org: Organisation, workplace: Workplace, first_number: int,
                 showcase: bool) -> None:
        self._ctx = ctx
        self._org = org
        self._wp = workplace
        self._type = WORKPLACE_TYPES[workplace.type]
        self._first = first_number
        # The showcase workplace (first of each unit) always contains every rare event kind,
        # so that even a tiny scale exercises all of them.
        self._showcase = showcase
        self._rng = random.Random(f"{ctx.seed}:staff:{workplace.workplace_id}")

    # -- drawing ---------------------------------------------------------------------------

    def _profession(self, index: int) -> str:
        if index == 0:
            return "leder"
        names, weights = zip(*self._type.mix)
        return self._rng.choices(names, weights)[0]

    def _task_hours(self, profession: str, weekly_hours: int) -> list[tuple[str, float]]:
        rng = self._rng
        profile = self._type.profile[profession]
        weights = [w * rng.uniform(0.7, 1.3) for _, w in profile]
        total = sum(weights)
        productive = weekly_hours * _PRODUCTIVE_SHARE
        hours = [(task, round(productive * w / total * 2) / 2) for (task, _), w in zip(profile, weights)]
        return [(task, h) for task, h in hours if h >= 0.5]

    def _levels(self, profession: str, tasks: list[tuple[str, float]]) -> dict[str, int]:
        rng = self._rng
        levels: dict[str, int] = {}
        for task_id, _ in tasks:
            for skill, min_level in TASKS_BY_ID[task_id].required_skills:
                delta = rng.choices(_LEVEL_DELTA, _LEVEL_DELTA_WEIGHTS)[0]
                levels[skill] = max(levels.get(skill, 0), min(5, max(0, min_level + delta)))
        extras = EXTRA_SKILLS[profession]
        for skill, low, high in rng.sample(extras, min(2, len(extras))):
            levels.setdefault(skill, rng.randint(low, high))
        return levels

    def _draw(self) -> list[_Employee]:
        staff = []
        for i in range(self._wp.employees):
            profession = self._profession(i)
            rng = self._rng
            weekly = 37 if profession == "leder" or rng.random() < 0.62 else rng.choice((25, 28, 30, 32))
            employee = _Employee(f"e-{self._org.code}-{self._first + i:06d}", profession, weekly)
            employee.tasks = self._task_hours(profession, weekly)
            employee.levels = self._levels(profession, employee.tasks)
            staff.append(employee)
        return staff

    # -- events ----------------------------------------------------------------------------

    def events(self) -> Iterator[Event]:
        rng = self._rng
        staff = self._draw()
        yield from (self._upsert(e) for e in staff)
        # The history is drawn first: its later assessment is the current level of the
        # taught skill, so the current assessments leave that skill out.
        histories = {e.employee_id: self._history(e) for e in staff}
        for e in staff:
            yield from self._assessments(e, skip=histories[e.employee_id][1])
        yield from self._demand(staff)
        for e in staff:
            for task_id, hours in e.tasks:
                yield "TaskAssignmentReported", {"workplace_id": self._wp.workplace_id, "task_id": task_id,
                                                 "employee_id": e.employee_id, "hours_per_week": hours}
        interested = [e for i, e in enumerate(staff)
                      if rng.random() < P_ROTATION_INTEREST or (self._showcase and i in (1, 2))]
        for i, e in enumerate(interested):
            yield "RotationInterestExpressed", self._interest(e, empty=self._showcase and i == 0)
        for e in staff:
            yield from histories[e.employee_id][0]
        for i, e in enumerate(interested):
            if rng.random() < P_INTEREST_WITHDRAWN or (self._showcase and i == len(interested) - 1):
                yield "RotationInterestWithdrawn", {"employee_id": e.employee_id}
        yield from self._departures(staff)  # last: nothing may follow an erasure

    def _upsert(self, e: _Employee) -> Event:
        rng = self._rng
        payload: dict = {"employee_id": e.employee_id, "profession_id": e.profession,
                         "workplace_id": self._wp.workplace_id, "weekly_hours": e.weekly_hours}
        if rng.random() < 0.95:
            payload["age_band"] = rng.choices(_AGE_BANDS, _AGE_WEIGHTS)[0]
        if rng.random() < P_LEARNING_INTERESTS:
            wishes = ASPIRATIONS[e.profession]
            payload["learning_interests"] = rng.sample(wishes, rng.randint(1, min(2, len(wishes))))
        return "EmployeeUpserted", payload

    def _skill_name(self, skill: str) -> str:
        variants = FREE_TEXT_NAMES.get(skill)
        if variants and self._rng.random() < P_FREE_TEXT:
            return self._rng.choice(variants)
        return skill

    def _assessments(self, e: _Employee, skip: set[str]) -> Iterator[Event]:
        rng = self._rng
        for skill, level in e.levels.items():
            if skill in skip:
                continue
            yield "CompetenceAssessed", {
                "employee_id": e.employee_id, "skill": self._skill_name(skill), "level": level,
                "assessed_on": _day(date(2025, 6, 1), date(2025, 12, 15), rng).isoformat(),
                "evidence": rng.choices(_EVIDENCE, _EVIDENCE_WEIGHTS)[0],
            }

    def _demand(self, staff: list[_Employee]) -> Iterator[Event]:
        assigned: dict[str, float] = {}
        for e in staff:
            for task_id, hours in e.tasks:
                assigned[task_id] = assigned.get(task_id, 0.0) + hours
        for task_id, hours in assigned.items():
            demand = round(hours * self._rng.uniform(1.0, 1.15) * 2) / 2
            yield "TaskDemandChanged", {"workplace_id": self._wp.workplace_id, "task_id": task_id,
                                        "hours_per_week": demand}

    def _interest(self, e: _Employee, empty: bool) -> dict:
        rng = self._rng
        pool = self._ctx.slot_pool.get((e.profession, self._org.sector), ())
        if empty or not pool or rng.random() < P_EMPTY_RANKING:
            ranked: list[str] = []
        else:
            ranked = rng.sample(pool, rng.randint(1, min(3, len(pool))))
        return {"employee_id": e.employee_id, "ranked_slot_ids": ranked,
                "available_from": _day(date(2026, 2, 1), date(2026, 8, 31), rng).isoformat(),
                "max_weeks": rng.choice((4, 8, 12, 26))}

    def _history(self, e: _Employee) -> tuple[list[Event], set[str]]:
        """Completed courses, each between an assessment before and one some weeks after.

        Whether the level rises to the promised one depends on provider and kind
        (catalogue.planted_probability); the later assessment is the employee's current level.
        Returns the events and the skills taught.
        """
        rng = self._rng
        if rng.random() >= P_HISTORY:
            return [], set()
        count = 2 if rng.random() < P_SECOND_COURSE else 1
        events: list[Event] = []
        taught: set[str] = set()
        for _ in range(count):
            domain = rng.choice(PROFESSION_DOMAINS[e.profession])
            by_provider = self._ctx.offers[domain]
            provider = rng.choice(sorted(by_provider))
            kind = rng.choice(KINDS)
            activity = rng.choice(by_provider[provider][kind])
            skill, to_level = activity.teaches[0]
            if skill in taught:
                continue
            taught.add(skill)
            before = max(0, to_level - rng.choice((1, 1, 2)))
            completed = _day(date(2024, 9, 2), date(2025, 9, 30), rng)
            passed = rng.random() < P_PASSED
            if passed and rng.random() < planted_probability(provider, kind):
                after = to_level
            else:
                after = before + (1 if before + 1 < to_level and rng.random() < 0.3 else 0)
            e.levels[skill] = after
            events.append(("CompetenceAssessed", {
                "employee_id": e.employee_id, "skill": skill, "level": before,
                "assessed_on": (completed - timedelta(days=rng.randint(30, 180))).isoformat(),
                "evidence": rng.choice(("manager", "self"))}))
            events.append(("CourseCompleted", {
                "employee_id": e.employee_id, "activity_id": activity.activity_id,
                "completed_on": completed.isoformat(), "passed": passed}))
            events.append(("CompetenceAssessed", {
                "employee_id": e.employee_id, "skill": skill, "level": after,
                "assessed_on": (completed + timedelta(days=rng.randint(28, 84))).isoformat(),
                "evidence": rng.choice(("manager", "observed"))}))
        return events, taught

    def _departures(self, staff: list[_Employee]) -> Iterator[Event]:
        rng = self._rng
        for i, e in enumerate(staff):
            if i == 0:
                continue  # the manager stays
            erased = rng.random() < P_ERASED or (self._showcase and i == len(staff) - 1)
            left = erased or rng.random() < P_LEFT or (self._showcase and i == len(staff) - 2)
            if not left:
                continue
            left_on = _day(date(2026, 1, 15), date(2026, 3, 31), rng).isoformat()
            yield "EmployeeLeft", {"employee_id": e.employee_id, "left_on": left_on}
            for task_id, _ in e.tasks:
                yield "TaskAssignmentReported", {"workplace_id": self._wp.workplace_id, "task_id": task_id,
                                                 "employee_id": e.employee_id, "hours_per_week": 0}
            if erased:
                yield "EmployeeErased", {"employee_id": e.employee_id}
