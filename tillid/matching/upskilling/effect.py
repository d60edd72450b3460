"""The effect model of an `upskill` solver instance's ``history`` (what ``tillid solve upskill`` fits).

History: a ``LearningOutcome`` per entry of the instance's ``history`` (an
activity, a skill it teaches, the level before and the level assessed later,
as the caller of the solver gathered them); ``outcomes_of`` adds the kind,
provider and promised level from the instance's catalogue. An outcome is a
success when the level assessed afterwards is at least the level the activity
promised. The streaming pipeline does not use this model: the re-matcher and
the committee page use ``effect_estimate.EffectEstimator`` on the rows the
store gathers from the events (``tillid.store.effects``).

``EffectModel`` (scikit-learn conventions: ``fit``, ``predict_proba``,
``random_state``) learns the probability of success from the activity's kind
and provider, the promised level and how many levels it promises to add. Its
quality is measured on a held-out stratified split (ROC AUC and Brier score)
before it is refitted on all outcomes. With too little history (fewer than
``min_outcomes``, or only one kind of result) it does not guess: it falls back
to the catalogue's promise (probability 1 for every activity) and says so in
``note_``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder

from tillid.matching.upskilling.model import Activity, UpskillInstance

ESTIMATORS = ("logistic", "gradient_boosting")


@dataclass(frozen=True)
class LearningOutcome:
    """One completed activity and what a later assessment showed for one skill it teaches."""

    activity_id: str
    kind: str
    provider: str
    skill: str
    level_before: int
    promised_level: int
    level_after: int

    @property
    def delivered(self) -> bool:
        return self.level_after >= self.promised_level


@dataclass(frozen=True)
class ActivityProfile:
    """What the model knows about an activity when it predicts."""

    kind: str
    provider: str
    promised_level: int
    levels_added: int

    @classmethod
    def of_outcome(cls, outcome: LearningOutcome) -> "ActivityProfile":
        return cls(outcome.kind, outcome.provider, outcome.promised_level,
                   max(1, outcome.promised_level - outcome.level_before))

    @classmethod
    def of_activity(cls, activity: Activity) -> "ActivityProfile":
        """The activity's main promise: its highest taught level, above its prerequisite in that skill."""
        skill, promised = max(activity.teaches, key=lambda pair: (pair[1], pair[0]))
        before = dict(activity.prerequisites).get(skill, promised - 1)
        return cls(activity.kind, activity.provider, promised, max(1, promised - before))


@dataclass(frozen=True)
class ModelQuality:
    outcomes: int
    train: int
    test: int
    auc: float
    brier: float
    mean_predicted: float
    observed_rate: float


class EffectModel:
    """Probability that an activity raises the level as promised, learned from outcomes."""

    def __init__(self, *, estimator: str = "logistic", min_outcomes: int = 200, test_size: float = 0.25,
                 random_state: int = 0) -> None:
        if estimator not in ESTIMATORS:
            raise ValueError(f"estimator must be one of {ESTIMATORS}")
        self.estimator = estimator
        self.min_outcomes = min_outcomes
        self.test_size = test_size
        self.random_state = random_state

    def fit(self, outcomes: Sequence[LearningOutcome]) -> "EffectModel":
        self.n_outcomes_ = len(outcomes)
        labels = np.array([o.delivered for o in outcomes], dtype=int)
        self.quality_: ModelQuality | None = None
        self.pipeline_: Pipeline | None = None
        self.profiles_ = [ActivityProfile.of_outcome(o) for o in outcomes]
        if len(outcomes) < self.min_outcomes or len(set(labels.tolist())) < 2:
            self.fallback_ = True
            self.note_ = f"catalogue promise used: only {len(outcomes)} outcomes" + (
                "" if len(outcomes) < self.min_outcomes else " and all with the same result")
            return self
        features = _features(self.profiles_)
        train_x, test_x, train_y, test_y = train_test_split(
            features, labels, test_size=self.test_size, random_state=self.random_state, stratify=labels)
        held_out = self._pipeline().fit(train_x, train_y)
        predicted = held_out.predict_proba(test_x)[:, 1]
        self.quality_ = ModelQuality(
            outcomes=len(outcomes), train=len(train_y), test=len(test_y),
            auc=float(roc_auc_score(test_y, predicted)) if len(set(test_y.tolist())) > 1 else float("nan"),
            brier=float(brier_score_loss(test_y, predicted)),
            mean_predicted=float(predicted.mean()), observed_rate=float(test_y.mean()),
        )
        self.pipeline_ = self._pipeline().fit(features, labels)
        self.fallback_ = False
        self.note_ = (f"measured effect from {len(outcomes)} outcomes "
                      f"(held-out AUC {self.quality_.auc:.3f}, Brier {self.quality_.brier:.3f})")
        return self

    def predict_proba(self, profiles: Sequence[ActivityProfile]) -> np.ndarray:
        """Columns: probability of not delivering, of delivering (the catalogue promise when falling back)."""
        if self.pipeline_ is None:
            return np.tile([0.0, 1.0], (len(profiles), 1))
        return self.pipeline_.predict_proba(_features(profiles))

    def success_probability(self, activities: Sequence[Activity]) -> dict[str, float]:
        """Per activity id, for ``PathPlanner(objective="expected_cost")``; empty when falling back."""
        if self.pipeline_ is None or not activities:
            return {}
        probabilities = self.predict_proba([ActivityProfile.of_activity(a) for a in activities])[:, 1]
        # A floor keeps expected cost finite; rounding keeps results stable across platforms.
        return {a.id: round(max(float(p), 1e-3), 9) for a, p in zip(activities, probabilities)}

    def provider_effects(self) -> tuple[tuple[str, float], ...]:
        """Each provider's effect: mean predicted success over the history with the provider swapped in.

        Sorted best first (then by provider). A partial-dependence average, so the
        ranking is not confounded by which kinds and levels each provider teaches.
        """
        if self.pipeline_ is None:
            return ()
        providers = sorted({p.provider for p in self.profiles_})
        effects = []
        for provider in providers:
            swapped = [ActivityProfile(p.kind, provider, p.promised_level, p.levels_added) for p in self.profiles_]
            effects.append((provider, float(self.predict_proba(swapped)[:, 1].mean())))
        return tuple(sorted(effects, key=lambda pair: (-pair[1], pair[0])))

    def _pipeline(self) -> Pipeline:
        encode = ColumnTransformer(
            [("categories", OneHotEncoder(handle_unknown="ignore"), [0, 1])],
            remainder="passthrough",
        )
        if self.estimator == "logistic":
            classifier = LogisticRegression(max_iter=1000, random_state=self.random_state)
        else:
            classifier = HistGradientBoostingClassifier(max_iter=200, random_state=self.random_state)
        return Pipeline([("encode", encode), ("classify", classifier)])


def _features(profiles: Sequence[ActivityProfile]) -> np.ndarray:
    return np.array(
        [[p.kind, p.provider, p.promised_level, p.levels_added] for p in profiles], dtype=object)


def synthetic_outcomes(
    provider_effect: Mapping[str, float],
    count: int,
    *,
    random_state: int = 0,
    kinds: Sequence[str] = ("course", "e_learning", "peer_training"),
) -> tuple[LearningOutcome, ...]:
    """A seeded history with a planted probability of delivering per provider.

    Success probability: the provider's planted probability, shifted on the
    log-odds scale by the kind (e-learning a little less, peer training a little
    more) and lowered for promises of two levels at once. Failures end one level
    short of the promise, or where they started.
    """
    rng = np.random.default_rng(random_state)
    providers = sorted(provider_effect)
    kind_shift = {"course": 0.0, "e_learning": -0.3, "peer_training": 0.3}
    outcomes = []
    for i in range(count):
        provider = providers[rng.integers(len(providers))]
        kind = kinds[rng.integers(len(kinds))]
        before = int(rng.integers(0, 4))
        added = int(rng.integers(1, 3)) if before <= 3 else 1
        promised = min(5, before + added)
        base = min(max(provider_effect[provider], 1e-6), 1 - 1e-6)
        logit = np.log(base / (1 - base)) + kind_shift.get(kind, 0.0) - 0.4 * (promised - before - 1)
        delivered = rng.random() < 1.0 / (1.0 + np.exp(-logit))
        after = promised if delivered else max(before, promised - 1 - int(rng.integers(0, 2)))
        outcomes.append(LearningOutcome(f"{provider}-{kind}-{promised}", kind, provider, f"skill{i % 7}",
                                        before, promised, after))
    return tuple(outcomes)


def outcomes_of(instance: UpskillInstance) -> tuple[LearningOutcome, ...]:
    """Learning outcomes from an instance's history, with kind, provider and promise from the catalogue."""
    catalogue = {a.id: a for a in instance.activities}
    return tuple(
        LearningOutcome(o.activity_id, catalogue[o.activity_id].kind, catalogue[o.activity_id].provider, o.skill,
                        o.level_before, dict(catalogue[o.activity_id].teaches)[o.skill], o.level_after)
        for o in instance.history
    )
