"""From paths to a plan a workplace can carry out: cover, refunds, budget, spread over weeks.

- Hours away are costed at the substitute rate (the path's cover cost).
- The competence fund refunds a share of course fees, up to a cap per person
  per year (defaults 80 % and 25,000 DKK, from reference/public-sector-facts.md),
  while the fund has money left; all three are configurable.
- Each workplace has a budget for its own share (fees not refunded, plus
  cover). Paths are taken in the order given (the caller's priority, e.g.
  expected effect per krone); one that does not fit is deferred, and later,
  cheaper ones may still fit.
- A team does not lose more than ``max_away_per_team`` people in the same
  week: each path takes ``ceil(hours / max_hours_per_week)`` consecutive weeks
  and starts in the first week where the team has room for all of them.

Money is summed in exact decimals (the same reading of numbers as the path
search) and reported as floats.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Mapping, Sequence

from tillid.matching.upskilling.paths import exact

DEFAULT_REFUND_SHARE = 0.8
DEFAULT_REFUND_CAP_PER_PERSON_YEAR = 25_000.0


@dataclass(frozen=True)
class FundingRules:
    refund_share: float = DEFAULT_REFUND_SHARE
    cap_per_person_per_year: float = DEFAULT_REFUND_CAP_PER_PERSON_YEAR
    fund_remaining_dkk: float | None = None
    """Money left in the fund this year; None means it does not run out."""


@dataclass(frozen=True)
class SpreadRules:
    max_away_per_team: int = 1
    max_hours_per_week: float = 7.5
    horizon_weeks: int = 52


@dataclass(frozen=True)
class PlannedPath:
    """A path proposed for one employee (priority order is the order of the list given)."""

    employee: str
    workplace: str
    team: str
    fee_dkk: float
    hours: float
    substitute_cost_per_hour: float
    refunded_this_year_dkk: float = 0.0


@dataclass(frozen=True)
class ScheduledPath:
    employee: str
    workplace: str
    team: str
    fee_dkk: float
    cover_dkk: float
    refund_dkk: float
    workplace_cost_dkk: float
    start_week: int
    weeks: int


@dataclass(frozen=True)
class DeferredPath:
    employee: str
    reason: str


@dataclass(frozen=True)
class TrainingPlan:
    scheduled: tuple[ScheduledPath, ...]
    deferred: tuple[DeferredPath, ...]
    workplace_spend: tuple[tuple[str, float], ...]
    fund_used_dkk: float


def plan_funding(
    paths: Sequence[PlannedPath],
    budgets: Mapping[str, float],
    funding: FundingRules = FundingRules(),
    spread: SpreadRules = SpreadRules(),
) -> TrainingPlan:
    """Apply refunds, workplace budgets and team spreading to paths in priority order."""
    if spread.max_away_per_team < 1 or spread.max_hours_per_week <= 0 or spread.horizon_weeks < 1:
        raise ValueError("spread rules need at least one person, positive hours and one week")
    share = exact(funding.refund_share)
    cap = exact(funding.cap_per_person_per_year)
    fund_left = None if funding.fund_remaining_dkk is None else exact(funding.fund_remaining_dkk)
    budget_left = {workplace: exact(amount) for workplace, amount in budgets.items()}
    refunded: dict[str, Fraction] = {}
    spend: dict[str, Fraction] = {}
    away: dict[tuple[str, int], int] = {}
    fund_used = Fraction(0)
    scheduled: list[ScheduledPath] = []
    deferred: list[DeferredPath] = []
    for path in paths:
        fee = exact(path.fee_dkk)
        cover = exact(path.hours) * exact(path.substitute_cost_per_hour)
        already = refunded.get(path.employee, exact(path.refunded_this_year_dkk))
        refund = max(Fraction(0), min(fee * share, cap - already))
        if fund_left is not None:
            refund = min(refund, fund_left)
        own_cost = fee - refund + cover
        if path.workplace not in budget_left:
            deferred.append(DeferredPath(path.employee, f"no budget known for workplace {path.workplace}"))
            continue
        if own_cost > budget_left[path.workplace]:
            deferred.append(DeferredPath(
                path.employee,
                f"workplace {path.workplace} has {float(budget_left[path.workplace]):.2f} DKK left, "
                f"the path costs it {float(own_cost):.2f} DKK",
            ))
            continue
        weeks = max(1, math.ceil(exact(path.hours) / exact(spread.max_hours_per_week)))
        start = _first_free_week(away, path.team, weeks, spread)
        if start is None:
            deferred.append(DeferredPath(
                path.employee,
                f"team {path.team} already has {spread.max_away_per_team} away in every "
                f"{weeks}-week window of the next {spread.horizon_weeks} weeks",
            ))
            continue
        for week in range(start, start + weeks):
            away[(path.team, week)] = away.get((path.team, week), 0) + 1
        budget_left[path.workplace] -= own_cost
        spend[path.workplace] = spend.get(path.workplace, Fraction(0)) + own_cost
        refunded[path.employee] = already + refund
        fund_used += refund
        if fund_left is not None:
            fund_left -= refund
        scheduled.append(ScheduledPath(
            path.employee, path.workplace, path.team, float(fee), float(cover), float(refund),
            float(own_cost), start, weeks,
        ))
    return TrainingPlan(
        tuple(scheduled),
        tuple(deferred),
        tuple((workplace, float(amount)) for workplace, amount in sorted(spend.items())),
        float(fund_used),
    )


def _first_free_week(away: dict[tuple[str, int], int], team: str, weeks: int, spread: SpreadRules) -> int | None:
    for start in range(0, spread.horizon_weeks - weeks + 1):
        if all(away.get((team, week), 0) < spread.max_away_per_team for week in range(start, start + weeks)):
            return start
    return None
