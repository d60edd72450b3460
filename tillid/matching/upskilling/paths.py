"""Least-cost ordered learning paths (exact A* over skill-level states).

The problem (contracts/solvers.md, `upskill`): find the ordered list of
activities of least total cost after which every target skill is at least its
level; an activity can be taken only when the levels at that moment meet its
prerequisites; taking it sets each taught skill to max(current, to_level);
ties are broken by fewer hours, then by the tuple of activity ids.

Why a shortest path is exact. Everything an activity does depends only on the
levels at the moment it is taken, so the levels of the skills that matter are
a complete state. Paths are compared by the key (cost, hours, ids). Every step
of a considered path raises some level that matters (a step that raises
nothing costs something and helps nothing; see docs/upskilling.md for the
zero-cost, zero-hour corner). Two different such paths to one state therefore
never have one as a proper prefix of the other, so the best path to a state
extends only the best path to its predecessor state: the principle of
optimality holds for the whole lexicographic key, and Dijkstra's algorithm in
key order is exact. A* with a consistent heuristic on cost is Dijkstra on
reduced costs (cost - h(s) + h(s')), which changes every path to a goal by the
same constant, so it returns the same path.

Exact arithmetic: numbers are read as the decimals they were written as
(``Fraction(repr(x))``) and scaled to integers with one common denominator, so
ties are decided exactly (0.1 + 0.2 equals 0.3 here).
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Mapping, Sequence

from tillid.matching.upskilling.model import Activity, Learner, Levels

COST = "cost"
EXPECTED_COST = "expected_cost"
OBJECTIVES = (COST, EXPECTED_COST)


def exact(value: float | int) -> Fraction:
    """The decimal a JSON number was written as, exactly."""
    return Fraction(repr(value)) if isinstance(value, float) else Fraction(value)


def _scale(fractions: Sequence[Fraction]) -> tuple[int, list[int]]:
    denominator = math.lcm(1, *(f.denominator for f in fractions))
    return denominator, [f.numerator * (denominator // f.denominator) for f in fractions]


@dataclass(frozen=True)
class LearningPath:
    """The chosen path of one employee. Money in DKK, time in hours."""

    employee: str
    steps: tuple[Activity, ...]
    total_cost: float
    total_hours: float
    fee_dkk: float
    cover_dkk: float
    reaches: Levels
    levels_after: Levels

    @property
    def step_ids(self) -> tuple[str, ...]:
        return tuple(step.id for step in self.steps)


@dataclass(frozen=True)
class UnreachableTarget:
    """An employee whose target no sequence of activities can reach, and the skills that block it."""

    employee: str
    skills: tuple[str, ...]


@dataclass(frozen=True)
class _Step:
    """An activity as the search sees it: integer objective and hours, level vectors over the state skills."""

    index: int
    id: str
    objective: int
    hours: int
    prerequisites: tuple[tuple[int, int], ...]
    teaches: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class _Closure:
    """The part of the catalogue that can matter for one target (and mentor availability)."""

    skills: tuple[str, ...]
    caps: tuple[int, ...]
    target: tuple[int, ...]
    steps: tuple[_Step, ...]
    cheapest: tuple[int, ...]

    def start(self, levels: Mapping[str, int]) -> tuple[int, ...]:
        return tuple(min(levels.get(skill, 0), cap) for skill, cap in zip(self.skills, self.caps))


class PathPlanner:
    """Plans least-cost paths for many employees against one catalogue.

    Results are cached by (target, mentor available, levels of the skills that
    matter), so a batch where many employees share a situation is solved once
    per situation.
    """

    def __init__(
        self,
        activities: Sequence[Activity],
        substitute_cost_per_hour: float,
        *,
        objective: str = COST,
        success_probability: Mapping[str, float] | None = None,
    ) -> None:
        if objective not in OBJECTIVES:
            raise ValueError(f"objective must be one of {OBJECTIVES}")
        self.activities = tuple(sorted(activities, key=lambda a: a.id))
        self.substitute_cost_per_hour = substitute_cost_per_hour
        rate = exact(substitute_cost_per_hour)
        fees = [exact(a.cost_dkk) for a in self.activities]
        hours = [exact(a.duration_hours) for a in self.activities]
        costs = [fee + h * rate for fee, h in zip(fees, hours)]
        if objective == EXPECTED_COST:
            probability = success_probability or {}
            objective_values = [c / exact(probability.get(a.id, 1.0)) for c, a in zip(costs, self.activities)]
        else:
            objective_values = costs
        self._cost_denominator, self._costs = _scale(costs)
        self._fee_denominator, self._fees = _scale(fees)
        self._hours_denominator, self._hours = _scale(hours)
        _, self._objective = _scale(objective_values)
        self._closures: dict[tuple[Levels, bool], _Closure] = {}
        self._solutions: dict[tuple[Levels, bool, tuple[int, ...]], tuple[int, ...] | tuple[str, ...]] = {}

    def plan(self, learner: Learner) -> LearningPath | UnreachableTarget:
        closure = self._closure(learner.target, learner.has_mentor)
        levels = dict(learner.skills)
        start = closure.start(levels)
        key = (learner.target, learner.has_mentor, start)
        if key not in self._solutions:
            self._solutions[key] = _solve(closure, start)
        solution = self._solutions[key]
        if solution and isinstance(solution[0], str):
            return UnreachableTarget(learner.id, solution)  # type: ignore[arg-type]
        return self._path(learner, levels, solution)  # type: ignore[arg-type]

    def _path(self, learner: Learner, levels: dict[str, int], indices: tuple[int, ...]) -> LearningPath:
        steps = tuple(self.activities[i] for i in indices)
        after = dict(levels)
        for step in steps:
            for skill, level in step.teaches:
                after[skill] = max(after.get(skill, 0), level)
        cost = Fraction(sum(self._costs[i] for i in indices), self._cost_denominator)
        fee = Fraction(sum(self._fees[i] for i in indices), self._fee_denominator)
        hours = Fraction(sum(self._hours[i] for i in indices), self._hours_denominator)
        return LearningPath(
            employee=learner.id,
            steps=steps,
            total_cost=float(cost),
            total_hours=float(hours),
            fee_dkk=float(fee),
            cover_dkk=float(cost - fee),
            reaches=tuple((skill, after.get(skill, 0)) for skill, _ in learner.target),
            levels_after=tuple(sorted(after.items())),
        )

    def _closure(self, target: Levels, has_mentor: bool) -> _Closure:
        key = (target, has_mentor)
        if key not in self._closures:
            self._closures[key] = self._build_closure(target, has_mentor)
        return self._closures[key]

    def _build_closure(self, target: Levels, has_mentor: bool) -> _Closure:
        """Backward relevance closure: activities teaching a skill that the target or a relevant prerequisite needs."""
        usable = [i for i, a in enumerate(self.activities) if has_mentor or not a.needs_mentor]
        need = {skill: level for skill, level in target if level > 0}
        relevant: set[int] = set()
        changed = True
        while changed:
            changed = False
            for i in usable:
                if i in relevant:
                    continue
                activity = self.activities[i]
                if any(skill in need and level > 0 for skill, level in activity.teaches):
                    relevant.add(i)
                    changed = True
                    for skill, level in activity.prerequisites:
                        if level > need.get(skill, 0):
                            need[skill] = level
        skills = tuple(sorted(need))
        position = {skill: k for k, skill in enumerate(skills)}
        caps = tuple(need[skill] for skill in skills)
        target_levels = dict(target)
        target_vector = tuple(target_levels.get(skill, 0) for skill in skills)
        steps = []
        for i in sorted(relevant):
            activity = self.activities[i]
            teaches = tuple(
                (position[skill], min(level, caps[position[skill]]))
                for skill, level in activity.teaches
                if skill in position and level > 0
            )
            prerequisites = tuple((position[skill], level) for skill, level in activity.prerequisites if level > 0)
            steps.append(_Step(i, activity.id, self._objective[i], self._hours[i], prerequisites, teaches))
        cheapest = tuple(
            min((s.objective for s in steps if any(k == j and lv >= t for j, lv in s.teaches)), default=0)
            for k, t in enumerate(target_vector)
        )
        return _Closure(skills, caps, target_vector, tuple(steps), cheapest)


def _solve(closure: _Closure, start: tuple[int, ...]) -> tuple[int, ...] | tuple[str, ...]:
    """Activity indices of the best path, or the sorted target skills that cannot be reached."""
    blocked = _unreachable_skills(closure, start)
    if blocked:
        return blocked
    return _a_star(closure, start)


def _unreachable_skills(closure: _Closure, start: tuple[int, ...]) -> tuple[str, ...]:
    """Target skills below target even after taking every activity that ever becomes possible.

    Levels only rise and prerequisites are lower bounds, so taking every
    activity whose prerequisites are met, until nothing changes, reaches the
    highest levels any sequence can reach, all at once.
    """
    levels = list(start)
    changed = True
    while changed:
        changed = False
        for step in closure.steps:
            if all(levels[k] >= lv for k, lv in step.prerequisites):
                for k, lv in step.teaches:
                    if lv > levels[k]:
                        levels[k] = lv
                        changed = True
    return tuple(
        skill for skill, level, wanted in zip(closure.skills, levels, closure.target) if level < wanted
    )


def _a_star(closure: _Closure, start: tuple[int, ...]) -> tuple[int, ...]:
    target = closure.target
    cheapest = closure.cheapest
    unmet_start = [k for k, t in enumerate(target) if t > 0]

    def heuristic(state: tuple[int, ...]) -> int:
        return max((cheapest[k] for k in unmet_start if state[k] < target[k]), default=0)

    def is_goal(state: tuple[int, ...]) -> bool:
        return all(state[k] >= target[k] for k in unmet_start)

    # Heap entries: (f = g + h, hours, ids, g, state, indices). ids are unique per
    # path, so the comparison never reaches g or the state.
    heap: list = [(heuristic(start), 0, (), 0, start, ())]
    best: dict[tuple[int, ...], tuple[int, int, tuple[str, ...]]] = {start: (0, 0, ())}
    closed: set[tuple[int, ...]] = set()
    steps = closure.steps
    while heap:
        _, hours, ids, g, state, indices = heapq.heappop(heap)
        if state in closed:
            continue
        closed.add(state)
        if is_goal(state):
            return indices
        for step in steps:
            if any(state[k] < lv for k, lv in step.prerequisites):
                continue
            raised = None
            for k, lv in step.teaches:
                if lv > state[k]:
                    if raised is None:
                        raised = list(state)
                    raised[k] = lv
            if raised is None:
                continue
            successor = tuple(raised)
            if successor in closed:
                continue
            key = (g + step.objective, hours + step.hours, ids + (step.id,))
            known = best.get(successor)
            if known is not None and known <= key:
                continue
            best[successor] = key
            heapq.heappush(heap, (key[0] + heuristic(successor), key[1], key[2], key[0], successor, indices + (step.index,)))
    raise AssertionError("target reachable by the fixpoint but not found by the search")
