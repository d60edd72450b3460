"""The effect estimator: shrinkage toward the promise, pooling by provider and kind, the counterfactual."""

import math

import pytest

from tillid.matching.upskilling.effect_estimate import (
    MEASURED,
    POOLED,
    PROMISE,
    PROMISED,
    CatalogueEntry,
    Comparison,
    EffectEstimator,
    held_out_quality,
)
from tillid.matching.upskilling.effect_estimate import Participation as P


def took(activity, reached, *, n, provider="P", kind="course", skill="s", before=1, to=3, profession="ssa",
         day="2025-01-01"):
    return [P(activity, provider, kind, skill, before, to, profession, day, i < reached) for i in range(n)]


def anyway(reached, *, n, skill="s", level=1, after_hit=3, profession="ssa"):
    return [Comparison(skill, level, profession, after_hit, reached), Comparison(skill, level, profession, level,
                                                                                 n - reached)]


def test_without_outcomes_the_catalogue_promise_is_assumed():
    (estimate,) = EffectEstimator().estimate([CatalogueEntry("a", "P", "course")], []).values()
    assert (estimate.effect, estimate.source, estimate.participants) == (PROMISE, PROMISED, 0)
    assert estimate.text_da == "katalogets løfte"


def test_few_failures_stay_near_the_promise_and_never_reach_zero():
    estimate = EffectEstimator().estimate([CatalogueEntry("a", "P", "course")], took("a", 0, n=3))["a"]
    assert 0.55 < estimate.reach < PROMISE
    assert estimate.source == POOLED


def test_many_outcomes_move_the_estimate_to_what_was_measured():
    estimate = EffectEstimator().estimate([CatalogueEntry("a", "P", "course")], took("a", 30, n=200))["a"]
    assert estimate.reach == pytest.approx((30 + 8) / 210, abs=1e-6)
    assert (estimate.source, estimate.participants) == (MEASURED, 200)
    assert estimate.text_da == "målt blandt 200 deltagere"


def test_an_activity_with_few_outcomes_leans_on_its_provider_and_kind():
    catalogue = [CatalogueEntry("a", "P", "course"), CatalogueEntry("b", "P", "course"),
                 CatalogueEntry("c", "Q", "course")]
    estimates = EffectEstimator().estimate(catalogue, took("a", 20, n=100) + took("c", 95, n=100, provider="Q"))
    assert estimates["b"].source == POOLED
    assert estimates["b"].reach == pytest.approx((20 + 8) / 110, abs=1e-6)
    assert estimates["b"].effect < estimates["c"].effect


def test_what_would_have_happened_anyway_is_not_counted_as_effect():
    catalogue = [CatalogueEntry("popular", "P", "course"), CatalogueEntry("useful", "Q", "course")]
    participations = (took("popular", 160, n=200, skill="easy") + took("useful", 120, n=200, skill="hard",
                                                                        provider="Q"))
    comparisons = anyway(700, n=1000, skill="easy") + anyway(100, n=1000, skill="hard")
    estimates = EffectEstimator().estimate(catalogue, participations, comparisons)
    assert estimates["popular"].reach > estimates["useful"].reach
    assert estimates["popular"].baseline == pytest.approx(0.7, abs=0.01)
    assert estimates["popular"].effect < estimates["useful"].effect
    assert estimates["useful"].effect == pytest.approx((0.6 - 0.1) / 0.9, abs=0.02)


def test_comparisons_count_only_for_the_same_profession_skill_and_start_level():
    catalogue = [CatalogueEntry("a", "P", "course")]
    participations = took("a", 100, n=200, profession="ssa")
    other = EffectEstimator().estimate(catalogue, participations, anyway(900, n=1000, profession="sosu"))["a"]
    same = EffectEstimator().estimate(catalogue, participations, anyway(900, n=1000, profession="ssa"))["a"]
    assert other.baseline == 0.0 and other.effect == other.reach
    assert same.effect < other.effect


def test_the_effect_never_falls_to_zero():
    catalogue = [CatalogueEntry("a", "P", "course")]
    estimate = EffectEstimator().estimate(catalogue, took("a", 10, n=200), anyway(990, n=1000))["a"]
    assert estimate.effect == 0.01


def test_held_out_quality_splits_by_time_and_tells_good_from_bad_activities():
    participations = []
    for month in range(1, 13):
        day = f"2025-{month:02d}-01"
        participations += took("good", 9, n=10, day=day) + took("bad", 2, n=10, day=day, provider="Q")
    quality = held_out_quality(participations)
    assert (quality.train, quality.test) == (180, 60)
    assert quality.auc > 0.8
    assert quality.brier < 0.2
    assert not math.isnan(quality.auc)
