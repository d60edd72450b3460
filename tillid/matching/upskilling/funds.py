"""What the competence funds and job rotation refund on a learning path, and what the workplace pays in the end.

Rules (docs/upskilling.md, "Funds and net cost"), for one employee's path, step by step:

1. Job rotation: when a substitute is hired for the hours away on a course
   (every course step with cover costs; job rotation is for formal training,
   not e-learning or peer training), the job-rotation refund is
   ``hours × jobrotation rate``, at most the step's cover cost.
2. Each fund that pays for this employee, in fund id order: the workplace's
   sector is one of its ``sectors``; the activity's kind is in its ``kinds``
   (absent: all kinds); the employee's profession is in its ``professions``
   (absent: all). It refunds ``share`` of what is still unrefunded of the
   costs it ``covers`` (``fee``, ``cover``), at most the yearly cap per
   employee minus what the person already received from it this year
   (earlier steps of the path included), and at most the budget it has left
   (absent: no limit; a plan shares one budget over all its employees).
3. Net cost = fee + cover - job rotation - the funds' refunds (never below 0).

Money is computed in exact decimals (as the path search reads numbers) and reported rounded to øre.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Collection, Mapping, MutableMapping, Sequence

from tillid.competence.model import Fund
from tillid.matching.upskilling.paths import exact

SECTORS = ("municipality", "region", "state")
COVERS = ("fee", "cover")
JOBROTATION = "jobrotation"
DEFAULT_JOBROTATION_DKK_PER_HOUR = 189.51


@dataclass(frozen=True, slots=True)
class StepCost:
    """One step of a path as the funds see it."""

    activity_id: str
    kind: str
    fee_dkk: float
    hours: float
    cover_dkk: float


@dataclass(frozen=True, slots=True)
class Refund:
    source: str  # a fund id, or "jobrotation"
    name: str
    amount_dkk: float


@dataclass(frozen=True, slots=True)
class StepFunding:
    activity_id: str
    gross_dkk: float
    refunds: tuple[Refund, ...]
    net_dkk: float

    @property
    def refund_dkk(self) -> float:
        return round(sum(r.amount_dkk for r in self.refunds), 2)


@dataclass(frozen=True, slots=True)
class PathFunding:
    gross_dkk: float
    refund_dkk: float
    net_dkk: float
    refunds: tuple[Refund, ...]  # per source, summed over the steps, in source order
    steps: tuple[StepFunding, ...]


@dataclass(frozen=True, slots=True)
class FundingContext:
    """Who pays: the workplace's sector, the employee's profession, the funds and the job-rotation rate."""

    sector: str
    profession: str
    funds: tuple[Fund, ...]
    jobrotation_dkk_per_hour: float = DEFAULT_JOBROTATION_DKK_PER_HOUR
    substitute_hired: bool = True
    jobrotation_kinds: tuple[str, ...] = ("course",)


def fund_path(steps: Sequence[StepCost], context: FundingContext,
              received_this_year: Mapping[str, float] | None = None,
              budgets_left: MutableMapping[str, Fraction] | None = None) -> PathFunding:
    """Refunds and net cost of one employee's path.

    ``received_this_year``: per fund id, what this employee already received this year.
    ``budgets_left``: per fund id, what the fund has left, shared by the caller over several
    employees (updated in place); funds missing from it start from their ``budget_dkk``.
    """
    received = {fund_id: exact(amount) for fund_id, amount in (received_this_year or {}).items()}
    budgets = budgets_left if budgets_left is not None else {}
    names = {f.fund_id: f.name for f in context.funds} | {JOBROTATION: "Jobrotation"}
    funded_steps = []
    totals: dict[str, Fraction] = {}
    gross_total = Fraction(0)
    for step in steps:
        gross, refunds = _step_refunds(step, context, received, budgets)
        net = max(Fraction(0), gross - sum(amount for _, amount in refunds))
        for source, amount in refunds:
            totals[source] = totals.get(source, Fraction(0)) + amount
        gross_total += gross
        funded_steps.append(StepFunding(step.activity_id, _dkk(gross),
                                        tuple(Refund(s, names[s], _dkk(a)) for s, a in refunds), _dkk(net)))
    refund_total = sum(totals.values(), Fraction(0))
    return PathFunding(
        gross_dkk=_dkk(gross_total), refund_dkk=_dkk(refund_total),
        net_dkk=_dkk(max(Fraction(0), gross_total - refund_total)),
        refunds=tuple(Refund(s, names[s], _dkk(totals[s])) for s in sorted(totals)),
        steps=tuple(funded_steps))


def _step_refunds(step: StepCost, context: FundingContext, received: dict[str, Fraction],
                  budgets: MutableMapping[str, Fraction]) -> tuple[Fraction, list[tuple[str, Fraction]]]:
    """One step's gross cost and its refunds (job rotation, then the funds in id order), exactly; updates
    ``received`` and ``budgets``."""
    left = {"fee": exact(step.fee_dkk), "cover": exact(step.cover_dkk)}
    gross = left["fee"] + left["cover"]
    refunds: list[tuple[str, Fraction]] = []
    if context.substitute_hired and step.kind in context.jobrotation_kinds and left["cover"] > 0:
        rotation = min(left["cover"], exact(step.hours) * exact(context.jobrotation_dkk_per_hour))
        left["cover"] -= rotation
        refunds.append((JOBROTATION, rotation))
    for fund in sorted(context.funds, key=lambda f: f.fund_id):
        if not fund.pays_for(context.sector, context.profession, step.kind):
            continue
        amount = _fund_refund(fund, left, received, budgets)
        if amount > 0:
            refunds.append((fund.fund_id, amount))
    return gross, refunds


def _fund_refund(fund: Fund, left: dict[str, Fraction], received: dict[str, Fraction],
                 budgets: MutableMapping[str, Fraction]) -> Fraction:
    """One fund's refund on one step; takes it off ``left`` (fee first), ``received`` and ``budgets``."""
    covered = sum((left[c] for c in fund.covers if c in left), Fraction(0))
    amount = exact(fund.share) * covered
    amount = min(amount, max(Fraction(0), exact(fund.cap_dkk_per_employee_year) - received.get(fund.fund_id, 0)))
    if fund.budget_dkk is not None:
        budget = budgets.setdefault(fund.fund_id, exact(fund.budget_dkk))
        amount = min(amount, max(Fraction(0), budget))
        budgets[fund.fund_id] = budget - amount
    remaining = amount
    for part in ("fee", "cover"):
        if part in fund.covers:
            taken = min(left[part], remaining)
            left[part] -= taken
            remaining -= taken
    received[fund.fund_id] = received.get(fund.fund_id, Fraction(0)) + amount
    return amount


def activity_refund(step: StepCost, context: FundingContext,
                    received_this_year: Mapping[str, float] | None = None) -> float:
    """What one step alone is refunded to someone who already received ``received_this_year`` (per fund id;
    absent: nothing) this year: what the path search subtracts from the step's cost. In a path, earlier
    steps on the same fund may use up part of its cap, so this is an upper bound of the step's refund there."""
    return fund_path([step], context, received_this_year).refund_dkk


class SearchRefunds:
    """Per activity, what it alone is refunded (``activity_refund``) to a person, by what the person already
    received this year; for one catalogue and one funding context (a profession at a workplace).

    A fund's cap changes a step's refund only when what the fund pays on the step alone, for someone who
    received nothing, exceeds the cap the person has left. So the refunds for nobody are computed once,
    exactly and per fund, and for a person only the steps where that happens are computed again: people
    whose caps are still far from reached get the same refunds, and can share one search.
    """

    def __init__(self, steps: Sequence[StepCost], context: FundingContext) -> None:
        self._steps = tuple(sorted(steps, key=lambda s: s.activity_id))
        self._context = context
        self._caps = {f.fund_id: exact(f.cap_dkk_per_employee_year) for f in context.funds}
        self._alone = [dict(_step_refunds(step, context, {}, {})[1]) for step in self._steps]
        self._memo: dict[tuple[tuple[str, Fraction], ...], dict[str, float]] = {}

    def for_received(self, received_this_year: Mapping[str, float]) -> dict[str, float]:
        """Per activity id with a refund, that refund (DKK, rounded to øre), in activity id order."""
        received = tuple(sorted((fund_id, exact(amount)) for fund_id, amount in received_this_year.items()
                                if fund_id in self._caps and amount > 0))
        if received not in self._memo:
            self._memo[received] = self._refunds(dict(received))
        return self._memo[received]

    def _refunds(self, received: dict[str, Fraction]) -> dict[str, float]:
        refunds = {}
        for step, alone in zip(self._steps, self._alone):
            if any(alone.get(fund_id, 0) > self._caps[fund_id] - amount for fund_id, amount in received.items()):
                total = sum((a for _, a in _step_refunds(step, self._context, dict(received), {})[1]), Fraction(0))
            else:
                total = sum(alone.values(), Fraction(0))
            if _dkk(total) > 0:
                refunds[step.activity_id] = _dkk(total)
        return refunds


def group_by_refunds(received: Mapping[str, Mapping[str, float]], relevant: Mapping[str, Collection[str]],
                     refunds: SearchRefunds) -> list[tuple[dict[str, float], list[str]]]:
    """Employees (the keys of ``received``: per person, what they received this year) grouped so that one
    search per group uses the right refunds for each: the refunds for nobody, with each person's own refund
    on the ``relevant`` activities (per person, those a path to their target can use) where it differs.
    Groups in order of their first employee, employees in the order given; people whose caps leave their
    relevant refunds unchanged are all in the group of those who received nothing."""
    base = refunds.for_received({})
    groups: dict[tuple[tuple[str, float], ...], list[str]] = {}
    for employee_id, amounts in received.items():
        own = refunds.for_received(amounts)
        changed = tuple(sorted((activity, own.get(activity, 0.0)) for activity in relevant[employee_id]
                               if own.get(activity, 0.0) != base.get(activity, 0.0)))
        groups.setdefault(changed, []).append(employee_id)
    return [({activity: amount for activity, amount in (base | dict(changed)).items() if amount > 0}, ids)
            for changed, ids in groups.items()]


def received_from(completed: Sequence[StepCost], context: FundingContext) -> dict[str, float]:
    """Per fund, what the activities someone completed this year were refunded (in completion order)."""
    paid = fund_path(completed, context)
    return {r.source: r.amount_dkk for r in paid.refunds if r.source != JOBROTATION}


def _dkk(amount: Fraction) -> float:
    return round(float(amount), 2)
