"""Least-cost ordered learning paths (exact A* over skill-level states).

The problem (docs/contracts/solvers.md, `upskill`): find the ordered list of
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

import numpy as np

from tillid.matching.upskilling.model import MAX_LEVEL, Activity, Learner, Levels

COST = "cost"
EXPECTED_COST = "expected_cost"
OBJECTIVES = (COST, EXPECTED_COST)


def decimal_parts(value: float | int) -> tuple[int, int]:
    """(n, e) with ``value == n / 10**e``, reading a float as the shortest decimal that gives it back."""
    if isinstance(value, int):
        return value, 0
    if value.is_integer():
        return int(value), 0
    mantissa, _, exponent = repr(value).partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = int(whole + fraction)
    places = len(fraction) - int(exponent or 0)
    return (digits * 10 ** -places, 0) if places < 0 else (digits, places)


def exact(value: float | int) -> Fraction:
    """The decimal a JSON number was written as, exactly."""
    digits, places = decimal_parts(value)
    return Fraction(digits, 10**places)


def relevant_activities(catalogue: Mapping[str, tuple[Levels, Levels]], target: Levels) -> frozenset[str]:
    """Ids of the activities (``catalogue``: id -> (teaches, prerequisites)) that a path to ``target`` can
    use: those teaching a skill the target needs, or in turn a prerequisite of one of them. The planner's
    closure before mentors and dominance are considered, so a superset of what its search sees."""
    teachers: dict[str, list[str]] = {}
    for activity_id, (teaches, _) in catalogue.items():
        for skill, level in teaches:
            if level > 0:
                teachers.setdefault(skill, []).append(activity_id)
    queue = sorted({skill for skill, level in target if level > 0})
    seen = set(queue)
    relevant: set[str] = set()
    while queue:
        for activity_id in teachers.get(queue.pop(), ()):
            if activity_id in relevant:
                continue
            relevant.add(activity_id)
            for skill, level in catalogue[activity_id][1]:
                if level > 0 and skill not in seen:
                    seen.add(skill)
                    queue.append(skill)
    return frozenset(relevant)


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
    """The part of the catalogue that can matter for one target (and mentor availability).

    ``skills`` are the state skills (target skills and prerequisites of relevant
    activities), ``caps`` the highest level of each that anything asks for
    (levels above a cap are equivalent to the cap). ``remaining[k][l]`` is a
    lower bound on the cost of bringing target skill k from level l to its
    target (None: impossible), from a relaxation that treats prerequisites on
    other skills as met. ``shared[k][l]`` is the same with every activity's
    cost split evenly (rounded down) over the target skills it teaches, so the
    bounds of different skills may be added (cost partitioning).
    """

    skills: tuple[str, ...]
    caps: tuple[int, ...]
    target: tuple[int, ...]
    steps: tuple[_Step, ...]
    remaining: tuple[tuple[int | None, ...], ...]
    shared: tuple[tuple[int | None, ...], ...]

    def start(self, levels: Mapping[str, int]) -> tuple[int, ...]:
        return tuple(min(levels.get(skill, 0), cap) for skill, cap in zip(self.skills, self.caps))


class PathPlanner:
    """Plans least-cost paths for many employees against one catalogue.

    Prepare once per catalogue, then call ``plan`` per employee. Results are
    cached by (target, mentor available, levels of the skills that matter), so a
    batch where many employees share a situation is solved once per situation.

    ``objective`` is ``"cost"`` (the contract) or ``"expected_cost"``: each
    activity's cost divided by the probability that it delivers the promised
    level (``success_probability``, default 1), i.e. ranking by expected effect
    per krone. ``refund_dkk`` (per activity, what funds and job rotation pay
    back) turns each cost into the net cost the workplace pays before that.
    Reported costs are always the real, gross costs.
    """

    def __init__(
        self,
        activities: Sequence[Activity],
        substitute_cost_per_hour: float,
        *,
        objective: str = COST,
        success_probability: Mapping[str, float] | None = None,
        refund_dkk: Mapping[str, float] | None = None,
    ) -> None:
        if objective not in OBJECTIVES:
            raise ValueError(f"objective must be one of {OBJECTIVES}")
        self.activities = tuple(sorted(activities, key=lambda a: a.id))
        self.substitute_cost_per_hour = substitute_cost_per_hour
        rate, rate_places = decimal_parts(substitute_cost_per_hour)
        fees = [decimal_parts(a.cost_dkk) for a in self.activities]
        hours = [decimal_parts(a.duration_hours) for a in self.activities]
        money_places = max([0] + [p for _, p in fees] + [p + rate_places for _, p in hours])
        hour_places = max([0] + [p for _, p in hours])
        self._money_scale = 10**money_places
        self._hours_scale = 10**hour_places
        self._fees = [n * 10 ** (money_places - p) for n, p in fees]
        self._costs = [
            fee + n * rate * 10 ** (money_places - p - rate_places) for fee, (n, p) in zip(self._fees, hours)
        ]
        self._hours = [n * 10 ** (hour_places - p) for n, p in hours]
        if objective == EXPECTED_COST or refund_dkk:
            probability = (success_probability or {}) if objective == EXPECTED_COST else {}
            refund = refund_dkk or {}
            expected = [
                max(Fraction(0), Fraction(c) - exact(refund.get(a.id, 0.0)) * self._money_scale)
                / exact(probability.get(a.id, 1.0))
                for c, a in zip(self._costs, self.activities)
            ]
            denominator = math.lcm(1, *(f.denominator for f in expected))
            self._objective = [f.numerator * (denominator // f.denominator) for f in expected]
        else:
            self._objective = self._costs
        self._teachers: dict[str, list[int]] = {}
        for i, activity in enumerate(self.activities):
            for skill, level in activity.teaches:
                if level > 0:
                    self._teachers.setdefault(skill, []).append(i)
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
        cost = sum(self._costs[i] for i in indices)
        fee = sum(self._fees[i] for i in indices)
        hours = sum(self._hours[i] for i in indices)
        return LearningPath(
            employee=learner.id,
            steps=steps,
            total_cost=cost / self._money_scale,
            total_hours=hours / self._hours_scale,
            fee_dkk=fee / self._money_scale,
            cover_dkk=(cost - fee) / self._money_scale,
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
        need = {skill: level for skill, level in target if level > 0}
        queue = sorted(need)
        queued = set(queue)
        relevant: set[int] = set()
        while queue:
            for i in self._teachers.get(queue.pop(), ()):
                activity = self.activities[i]
                if i in relevant or (activity.needs_mentor and not has_mentor):
                    continue
                relevant.add(i)
                for skill, level in activity.prerequisites:
                    if level > 0:
                        need[skill] = max(need.get(skill, 0), level)
                        if skill not in queued:
                            queued.add(skill)
                            queue.append(skill)
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
        steps = _undominated(steps, len(skills))
        remaining = tuple(
            _remaining_costs(steps, [step.objective for step in steps], k, t) for k, t in enumerate(target_vector))
        targets_taught = [sum(1 for k, _ in step.teaches if target_vector[k] > 0) for step in steps]
        shares = [step.objective // max(n, 1) for step, n in zip(steps, targets_taught)]
        shared = tuple(_remaining_costs(steps, shares, k, t) for k, t in enumerate(target_vector))
        return _Closure(skills, caps, target_vector, tuple(steps), remaining, shared)


def _undominated(steps: list[_Step], width: int) -> list[_Step]:
    """Drop every activity that another one dominates.

    b dominates a when b's prerequisites are no higher, b teaches every state
    skill at least as far, and b comes first by (objective, hours, id). Putting
    b in a's place in a path (and dropping steps that then raise nothing) gives
    a path that is as cheap or cheaper and earlier in the tie-break, so a is
    never in the best path.
    """
    if len(steps) < 2:
        return steps
    order = sorted(range(len(steps)), key=lambda i: (steps[i].objective, steps[i].hours, steps[i].id))
    rank = np.empty(len(steps), dtype=np.int64)
    rank[order] = np.arange(len(steps))
    prerequisites = np.zeros((len(steps), width), dtype=np.int8)
    teaches = np.zeros((len(steps), width), dtype=np.int8)
    for i, step in enumerate(steps):
        for k, level in step.prerequisites:
            prerequisites[i, k] = level
        for k, level in step.teaches:
            teaches[i, k] = level
    dominated = np.zeros(len(steps), dtype=bool)
    chunk = max(1, 2_000_000 // (len(steps) * max(width, 1)))
    for begin in range(0, len(steps), chunk):
        block = slice(begin, begin + chunk)
        lower_or_equal = (prerequisites[:, None, :] <= prerequisites[None, block, :]).all(axis=2)
        at_least = (teaches[:, None, :] >= teaches[None, block, :]).all(axis=2)
        earlier = rank[:, None] < rank[None, block]
        dominated[block] = (lower_or_equal & at_least & earlier).any(axis=0)
    return [step for step, gone in zip(steps, dominated) if not gone]


def _remaining_costs(steps: Sequence[_Step], costs: Sequence[int], skill: int, target: int) -> tuple[int | None, ...]:
    """Least cost to lift ``skill`` from each level to ``target`` when other skills' prerequisites are ignored.

    A lower bound on the true remaining cost, and consistent: taking an
    activity that lifts the skill from l to l' costs at least
    remaining[l] - remaining[l'].
    """
    remaining: list[int | None] = [0] * (MAX_LEVEL + 1)
    for level in range(min(target, MAX_LEVEL + 1) - 1, -1, -1):
        best = None
        for step, cost in zip(steps, costs):
            lifts_to = max((lv for k, lv in step.teaches if k == skill), default=0)
            if lifts_to <= level or any(k == skill and lv > level for k, lv in step.prerequisites):
                continue
            after = remaining[min(lifts_to, target)] if lifts_to < target else 0
            if after is not None and (best is None or cost + after < best):
                best = cost + after
        remaining[level] = best
    return tuple(remaining)


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
    targeted = [(k, t, closure.remaining[k], closure.shared[k]) for k, t in enumerate(target) if t > 0]

    def heuristic(state: tuple[int, ...]) -> int | None:
        """max(largest single-skill bound, sum of cost-partitioned bounds): both consistent, so the max is."""
        largest = 0
        total = 0
        for k, wanted, remaining, shared in targeted:
            if state[k] < wanted:
                cost = remaining[state[k]]
                if cost is None:
                    return None
                if cost > largest:
                    largest = cost
                total += shared[state[k]]
        return largest if largest > total else total

    # Heap entries: (f = g + h, hours, ids, g, state, indices). ids are unique per
    # path, so the comparison never reaches g or the state.
    heap: list = [(heuristic(start), 0, (), 0, start, ())]
    best: dict[tuple[int, ...], tuple[int, int, tuple[str, ...]]] = {start: (0, 0, ())}
    closed: set[tuple[int, ...]] = set()
    steps = closure.steps
    while heap:
        f, hours, ids, g, state, indices = heapq.heappop(heap)
        if state in closed:
            continue
        closed.add(state)
        if f == g and all(state[k] >= wanted for k, wanted, _, _ in targeted):
            return indices
        for step in steps:
            raised = None
            for k, lv in step.teaches:
                if lv > state[k]:
                    if raised is None:
                        raised = list(state)
                    raised[k] = lv
            if raised is None:
                continue
            if any(state[k] < lv for k, lv in step.prerequisites):
                continue
            successor = tuple(raised)
            if successor in closed:
                continue
            key = (g + step.objective, hours + step.hours, ids + (step.id,))
            known = best.get(successor)
            if known is not None and known <= key:
                continue
            h = heuristic(successor)
            if h is None:
                continue
            best[successor] = key
            heapq.heappush(heap, (key[0] + h, key[1], key[2], key[0], successor, indices + (step.index,)))
    raise AssertionError("target reachable by the fixpoint but not found by the search")
