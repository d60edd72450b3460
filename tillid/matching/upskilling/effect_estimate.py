"""The measured effect of learning activities, honestly estimated (issue #18.1).

Inputs are plain rows the store gathers (``tillid.store.effects``):

- ``Participation``: a passed completion of an activity, for one skill it
  teaches: the participant's level before (latest assessment on or before the
  completion), the promised level (the activity's ``to_level``), the
  profession, and whether an assessment at or above the promised level
  followed within ``WINDOW_DAYS`` (180) days of the completion.
- ``Comparison``: an assessment of a skill at some level, of an employee who
  completed nothing teaching that skill in the window that follows it, and the
  best level assessed in the ``WINDOW_DAYS`` days after it. These are the
  similar employees who did not take an activity: what would have happened anyway.

Definitions (docs/upskilling.md, "Measured effect"):

- ``reach`` of an activity: P(reaching the promised level within 180 days | took it).
  With ``n`` outcomes of which ``s`` reached it, the posterior mean under a
  Beta(k·p0, k·(1-p0)) prior, ``(s + k·p0) / (n + k)``. The prior is the
  catalogue's promise read as ``PROMISE`` (0.8) with strength ``PRIOR_STRENGTH``
  (10 pseudo-outcomes), so a handful of outcomes moves the estimate only a little.
  The prior centre of an activity's own outcomes is the posterior of the other
  activities of the same provider and kind (themselves shrunk toward the
  promise), so an activity with few outcomes leans on its provider and kind;
  with fewer than ``MIN_OWN_OUTCOMES`` own outcomes its source says so
  (``provider_kind``, N = the pool's participants). An activity whose provider
  and kind have no outcomes at all keeps the promise (``catalogue_promise``).
- ``baseline``: P(reaching that level within 180 days | did not take it), for
  the participants' own (skill, start level, profession), weighted by how many
  participants each stratum has; a stratum's baseline is shrunk toward 0 with a
  Beta(0.5, 4.5) prior (nobody reaches a higher level by itself, a priori).
- ``effect``: the share of participants the activity brings to the level who
  would not have reached it anyway, ``(reach - baseline) / (1 - baseline)``,
  floored at ``FLOOR`` so that expected costs stay finite. Without comparison
  data the baseline is 0 and the effect is the reach.

Everything here is deterministic: no randomness, ties broken by id.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

WINDOW_DAYS = 180
PROMISE = 0.8
PRIOR_STRENGTH = 10.0
MIN_OWN_OUTCOMES = 10
BASELINE_PRIOR = (0.5, 4.5)
FLOOR = 0.01

MEASURED = "measured"
POOLED = "provider_kind"
PROMISED = "catalogue_promise"


@dataclass(frozen=True, slots=True)
class Participation:
    """One passed completion, for one skill the activity teaches."""

    activity_id: str
    provider: str
    kind: str
    skill: str
    level_before: int
    promised_level: int
    profession: str
    completed_on: str
    reached: bool


@dataclass(frozen=True, slots=True)
class Comparison:
    """Assessments of people who took nothing teaching the skill, and the best level in the window after them.

    ``count`` such assessments with the same skill, level, profession and best level after (the store
    gathers them grouped)."""

    skill: str
    level: int
    profession: str
    best_level_after: int
    count: int = 1


@dataclass(frozen=True, slots=True)
class CatalogueEntry:
    activity_id: str
    provider: str
    kind: str


@dataclass(frozen=True, slots=True)
class EffectEstimate:
    """What Tillid assumes about one activity, and where the figure comes from."""

    activity_id: str
    effect: float
    reach: float
    baseline: float
    participants: int
    source: str  # measured | provider_kind | catalogue_promise

    @property
    def text_da(self) -> str:
        return effect_text(self, "da")

    @property
    def text_en(self) -> str:
        return effect_text(self, "en")


def effect_text(estimate: EffectEstimate, lang: str) -> str:
    """'målt blandt N deltagere' / 'katalogets løfte', the wording proposals and suggestions carry."""
    if estimate.source == MEASURED:
        return (f"målt blandt {estimate.participants} deltagere" if lang == "da"
                else f"measured among {estimate.participants} participants")
    if estimate.source == POOLED:
        return (f"målt blandt {estimate.participants} deltagere hos udbyderen i samme form" if lang == "da"
                else f"measured among {estimate.participants} participants of the provider in the same form")
    return "katalogets løfte" if lang == "da" else "the catalogue's promise"


def posterior_mean(successes: int, outcomes: int, prior_mean: float, strength: float) -> float:
    """Mean of the Beta posterior with prior Beta(strength·prior_mean, strength·(1-prior_mean))."""
    return (successes + strength * prior_mean) / (outcomes + strength)


@dataclass(frozen=True)
class EffectEstimator:
    """Per-activity effects from participations and comparisons (see the module docstring)."""

    promise: float = PROMISE
    prior_strength: float = PRIOR_STRENGTH
    min_own_outcomes: int = MIN_OWN_OUTCOMES
    floor: float = FLOOR

    def estimate(self, catalogue: Sequence[CatalogueEntry], participations: Sequence[Participation],
                 comparisons: Sequence[Comparison] = ()) -> dict[str, EffectEstimate]:
        baseline_of = BaselineTable.of(comparisons)
        by_activity: dict[str, list[Participation]] = defaultdict(list)
        by_group: dict[tuple[str, str], list[Participation]] = defaultdict(list)
        for p in participations:
            by_activity[p.activity_id].append(p)
            by_group[(p.provider, p.kind)].append(p)
        estimates = {}
        for entry in sorted(catalogue, key=lambda e: e.activity_id):
            own = by_activity.get(entry.activity_id, [])
            pool = by_group.get((entry.provider, entry.kind), [])
            estimates[entry.activity_id] = self._one(entry.activity_id, own, pool, baseline_of)
        return estimates

    def _one(self, activity_id: str, own: list[Participation], pool: list[Participation],
             baseline_of: "BaselineTable") -> EffectEstimate:
        """Own outcomes shrunk toward the provider and kind's others, which are shrunk toward the promise."""
        if not pool:
            return EffectEstimate(activity_id, self.promise, self.promise, 0.0, 0, PROMISED)
        own_reached = sum(p.reached for p in own)
        others = posterior_mean(sum(p.reached for p in pool) - own_reached, len(pool) - len(own),
                                self.promise, self.prior_strength)
        reach = posterior_mean(own_reached, len(own), others, self.prior_strength)
        measured = len(own) >= self.min_own_outcomes
        basis = own if measured else pool
        baseline = baseline_of.weighted(basis)
        effect = max(self.floor, (reach - baseline) / (1.0 - baseline)) if baseline < 1.0 else self.floor
        return EffectEstimate(activity_id, round(effect, 6), round(reach, 6), round(baseline, 6), len(basis),
                              MEASURED if measured else POOLED)

    def by_provider_and_kind(self, participations: Sequence[Participation],
                             comparisons: Sequence[Comparison] = ()) -> list["GroupEffect"]:
        """The effect of each provider's activities of each kind, pooled (the committee page's plot):
        the same prior, baseline and definition as per activity, sorted by kind, then provider."""
        baseline_of = BaselineTable.of(comparisons)
        groups: dict[tuple[str, str], list[Participation]] = defaultdict(list)
        for p in participations:
            groups[(p.kind, p.provider)].append(p)
        effects = []
        for (kind, provider), rows in sorted(groups.items()):
            reach = posterior_mean(sum(p.reached for p in rows), len(rows), self.promise, self.prior_strength)
            baseline = baseline_of.weighted(rows)
            effect = max(self.floor, (reach - baseline) / (1.0 - baseline)) if baseline < 1.0 else self.floor
            effects.append(GroupEffect(kind, provider, len(rows), round(effect, 6), round(reach, 6),
                                       round(baseline, 6)))
        return effects

    def predict(self, estimates: Mapping[str, EffectEstimate], rows: Iterable[Participation]) -> list[float]:
        """P(reach) for held-out participations: the activity's reach (the promise for unknown activities)."""
        return [estimates[p.activity_id].reach if p.activity_id in estimates else self.promise for p in rows]


@dataclass(frozen=True, slots=True)
class GroupEffect:
    kind: str
    provider: str
    participants: int
    effect: float
    reach: float
    baseline: float


@dataclass(frozen=True)
class BaselineTable:
    """P(reaching a level within the window without an activity), by (skill, start level, profession)."""

    counts: Mapping[tuple[str, int, str], tuple[int, dict[int, int]]]

    @classmethod
    def of(cls, comparisons: Iterable[Comparison]) -> "BaselineTable":
        table: dict[tuple[str, int, str], tuple[int, dict[int, int]]] = {}
        for c in comparisons:
            total, reached = table.get((c.skill, c.level, c.profession), (0, {}))
            reached[c.best_level_after] = reached.get(c.best_level_after, 0) + c.count
            table[(c.skill, c.level, c.profession)] = (total + c.count, reached)
        return cls(table)

    def rate(self, skill: str, level: int, profession: str, target: int) -> float:
        if level >= target:
            return 1.0
        total, reached = self.counts.get((skill, level, profession), (0, {}))
        hits = sum(n for after, n in reached.items() if after >= target)
        a, b = BASELINE_PRIOR
        return (hits + a) / (total + a + b) if total else 0.0

    def weighted(self, rows: Sequence[Participation]) -> float:
        """The participants' baseline: each stratum's rate, weighted by its participants."""
        if not rows:
            return 0.0
        return sum(self.rate(p.skill, p.level_before, p.profession, p.promised_level) for p in rows) / len(rows)


@dataclass(frozen=True)
class HeldOutQuality:
    train: int
    test: int
    auc: float
    brier: float
    observed_rate: float
    mean_predicted: float


def held_out_quality(participations: Sequence[Participation], comparisons: Sequence[Comparison] = (),
                     estimator: EffectEstimator = EffectEstimator(), test_share: float = 0.25) -> HeldOutQuality:
    """Fit on the earliest completions, score the latest ``test_share`` (a time split): ROC AUC and Brier."""
    from sklearn.metrics import brier_score_loss, roc_auc_score

    ordered = sorted(participations, key=lambda p: (p.completed_on, p.activity_id, p.skill))
    cut = int(len(ordered) * (1 - test_share))
    train, test = ordered[:cut], ordered[cut:]
    if not train or not test:
        raise ValueError("need participations on both sides of the time split")
    catalogue = sorted({CatalogueEntry(p.activity_id, p.provider, p.kind) for p in ordered},
                       key=lambda e: e.activity_id)
    estimates = estimator.estimate(catalogue, train, comparisons)
    predicted = estimator.predict(estimates, test)
    labels = [int(p.reached) for p in test]
    auc = float(roc_auc_score(labels, predicted)) if len(set(labels)) > 1 else float("nan")
    return HeldOutQuality(len(train), len(test), auc, float(brier_score_loss(labels, predicted)),
                          sum(labels) / len(labels), sum(predicted) / len(predicted))
