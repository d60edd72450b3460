"""Where each krone of a LEON proposal's weekly difference comes from.

The difference is ``current_cost - total_cost`` of the ``leon`` result: the wage
cost of every hour people report today minus that of the proposed allocation.
It splits exactly into three parts (docs/contracts/solvers.md, docs/proposals.md):

- **freed** = ``current_cost - current_cost_within_demand``: the cost of the
  hours people report beyond what each task now needs (taken off the most
  expensive profession first). It is not money saved: nobody is dismissed, the
  time goes to other work. It is shown as hours, its DKK only as this part.
- **reallocation** = the sum of the moves' ``saving_per_week``: the same hours
  of a task done by another qualified profession (negative if more expensive).
- **coverage** = the cost of hours that today's staff cover and the proposal
  does not, minus the cost of hours the proposal newly covers; negative when
  more is covered (covering costs money).

Per task and profession, with ``a`` today's hours within demand and ``b`` the
proposed hours, the solver's ``moves`` match the professions that lose hours
(most expensive first) to those that gain (cheapest first); what no loser is
matched to is newly covered (so the most expensive gains), what no gainer is
matched to is no longer covered (the cheapest losses). So
``current_cost_within_demand - total_cost = reallocation + coverage``, and
``current_cost - total_cost = reallocation + coverage + freed``. Coverage is
computed here from ``a`` and ``b`` alone, independently of the moves, and
``tests/unit/matching/test_leon_split.py`` checks the identity on random
instances.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Mapping

# Hours are compared in micro-hours, the LEON solver's finest precision, so sums of
# fractional hours do not leave specks of 1e-12 hours behind.
MICRO = 1_000_000


@dataclass(frozen=True)
class FreedTask:
    """Hours people report on a task beyond what it now needs, and whose they are."""

    task: str
    hours: float
    by_profession: Mapping[str, float]


@dataclass(frozen=True)
class CoverageChange:
    """Hours of one task that one profession newly covers (``hours`` > 0) or no longer covers (< 0), and
    their wage cost (always >= 0): the coverage part of the weekly difference, cell by cell."""

    task: str
    profession: str
    hours: float
    cost: float


@dataclass(frozen=True)
class Coverage:
    newly_covered_hours: float
    newly_covered_cost: float
    no_longer_covered_hours: float
    no_longer_covered_cost: float
    changes: tuple[CoverageChange, ...] = ()

    @property
    def hours(self) -> float:
        """Net hours covered more than today (negative: fewer)."""
        return self.newly_covered_hours - self.no_longer_covered_hours

    @property
    def dkk(self) -> float:
        """The part of the weekly difference: negative when covering more costs money."""
        return self.no_longer_covered_cost - self.newly_covered_cost


@dataclass(frozen=True)
class WeeklyDifference:
    total: float              # current_cost - total_cost
    reallocation: float       # the moves' summed saving
    coverage: Coverage
    freed_dkk: float          # current_cost - current_cost_within_demand (not a saving)
    freed: tuple[FreedTask, ...]

    @property
    def freed_hours(self) -> float:
        return sum(f.hours for f in self.freed)


def weekly_difference(instance: Mapping[str, Any], result: Mapping[str, Any]) -> WeeklyDifference:
    """The parts of ``current_cost - total_cost`` of a ``leon`` instance solved with ``current``."""
    cost = {p: float(v["hourly_cost"]) for p, v in instance["professions"].items()}
    profession_of = {e["id"]: e["profession"] for e in instance["employees"]}
    demand = {t["id"]: _units(t["hours"]) for t in instance["tasks"]}
    reported: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for c in instance.get("current") or ():
        reported[c["task"]][profession_of[c["employee"]]] += _units(c["hours"])
    proposed: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for a in result["assignments"]:
        proposed[a["task"]][profession_of[a["employee"]]] += _units(a["hours"])

    freed, within = [], {}
    for task in sorted(reported):
        kept, taken = _within_demand(reported[task], demand[task], cost)
        within[task] = kept
        if taken:
            freed.append(FreedTask(task, sum(taken.values()) / MICRO,
                                   {p: units / MICRO for p, units in sorted(taken.items())}))
    coverage = _coverage(within, proposed, cost)
    current_cost = result.get("current_cost", result["total_cost"])
    return WeeklyDifference(
        total=current_cost - result["total_cost"],
        reallocation=sum(m["saving_per_week"] for m in result.get("moves") or ()),
        coverage=coverage,
        freed_dkk=current_cost - result.get("current_cost_within_demand", current_cost),
        freed=tuple(freed))


def _units(hours: float) -> int:
    return round(float(hours) * MICRO)


def _within_demand(reported: Mapping[str, int], demand: int,
                   cost: Mapping[str, float]) -> tuple[dict[str, int], dict[str, int]]:
    """Today's hours of one task per profession up to its demand, and the excess taken off (most expensive first)."""
    excess = sum(reported.values()) - demand
    kept, taken = dict(reported), {}
    for p in sorted(kept, key=lambda p: (-cost[p], p)):
        if excess <= 0:
            break
        take = min(excess, kept[p])
        if take > 0:
            kept[p] -= take
            taken[p] = take
            excess -= take
    return kept, taken


def _coverage(within: Mapping[str, Mapping[str, int]], proposed: Mapping[str, Mapping[str, int]],
              cost: Mapping[str, float]) -> Coverage:
    newly = newly_cost = lost = lost_cost = 0.0
    changes: list[CoverageChange] = []
    for task in sorted(set(within) | set(proposed)):
        today, then = within.get(task, {}), proposed.get(task, {})
        change = {p: then.get(p, 0) - today.get(p, 0) for p in set(today) | set(then)}
        net = sum(change.values())
        if net > 0:   # the gains no loss is matched to: the most expensive gains
            for p, units in _take(net, {p: d for p, d in change.items() if d > 0}, cost, dearest_first=True):
                hours, dkk = units / MICRO, units * cost[p] / MICRO
                newly, newly_cost = newly + hours, newly_cost + dkk
                changes.append(CoverageChange(task, p, hours, dkk))
        elif net < 0:  # the losses no gain is matched to: the cheapest losses
            for p, units in _take(-net, {p: -d for p, d in change.items() if d < 0}, cost, dearest_first=False):
                hours, dkk = units / MICRO, units * cost[p] / MICRO
                lost, lost_cost = lost + hours, lost_cost + dkk
                changes.append(CoverageChange(task, p, -hours, dkk))
    return Coverage(newly, newly_cost, lost, lost_cost, tuple(changes))


def _take(units: int, available: Mapping[str, int], cost: Mapping[str, float],
          dearest_first: bool) -> list[tuple[str, int]]:
    """Which professions' units ``units`` are taken from, by profession cost (equal costs by id)."""
    taken, left = [], units
    for p in sorted(available, key=lambda p: (-cost[p] if dearest_first else cost[p], p)):
        take = min(left, available[p])
        if take > 0:
            taken.append((p, take))
        left -= take
    return taken
