"""The learned effect of activities, its quality, and the fallback without history."""

from __future__ import annotations

import copy

from scipy.stats import spearmanr

from tillid.matching.upskilling import solve
from tillid.matching.upskilling.effect import ActivityProfile, EffectModel, synthetic_outcomes
from tillid.matching.upskilling.model import Activity

PLANTED = {f"provider-{i}": p for i, p in enumerate([0.35, 0.45, 0.55, 0.6, 0.7, 0.75, 0.85, 0.9])}


def test_planted_provider_ranking_is_recovered_and_quality_is_reported():
    model = EffectModel(random_state=1).fit(synthetic_outcomes(PLANTED, 3000, random_state=3))
    assert not model.fallback_
    effects = dict(model.provider_effects())
    providers = sorted(PLANTED)
    rho = spearmanr([PLANTED[p] for p in providers], [effects[p] for p in providers]).statistic
    assert rho >= 0.8
    assert model.quality_.auc > 0.6
    assert 0.0 < model.quality_.brier < 0.25
    assert abs(model.quality_.mean_predicted - model.quality_.observed_rate) < 0.05


def test_predictions_follow_the_provider_and_are_deterministic():
    history = synthetic_outcomes(PLANTED, 2000, random_state=5)
    model = EffectModel(random_state=0).fit(history)
    good = Activity("g", "course", (("s", 3),), (("s", 2),), 7.0, 1000.0, "provider-7")
    poor = Activity("p", "course", (("s", 3),), (("s", 2),), 7.0, 1000.0, "provider-0")
    probability = model.success_probability([good, poor])
    assert probability["g"] > probability["p"]
    assert probability == EffectModel(random_state=0).fit(history).success_probability([good, poor])
    assert model.predict_proba([ActivityProfile.of_activity(good)]).shape == (1, 2)


def test_too_little_history_falls_back_to_the_catalogue_promise_and_says_so():
    model = EffectModel(min_outcomes=200).fit(synthetic_outcomes(PLANTED, 40, random_state=1))
    assert model.fallback_
    assert model.note_ == "catalogue promise used: only 40 outcomes"
    activity = Activity("a", "course", (("s", 3),), (), 7.0, 1000.0, "provider-1")
    assert model.success_probability([activity]) == {}
    assert model.predict_proba([ActivityProfile.of_activity(activity)]).tolist() == [[0.0, 1.0]]


INSTANCE = {
    "substitute_cost_per_hour": 0.0,
    "activities": [
        {"id": "cheap", "kind": "course", "teaches": {"s": 3}, "duration_hours": 7.0, "cost_dkk": 1000.0,
         "provider": "weak"},
        {"id": "good", "kind": "course", "teaches": {"s": 3}, "duration_hours": 7.0, "cost_dkk": 1400.0,
         "provider": "strong"}],
    "employees": [{"id": "e1", "target": {"s": 3}}],
    "rank_by": "effect_per_krone",
}


def history(count):
    rows = []
    for i in range(count):
        activity = "cheap" if i % 2 else "good"
        delivered = (i % 10 < 3) if activity == "cheap" else (i % 10 != 0)
        rows.append({"activity": activity, "skill": "s", "level_before": 1, "level_after": 3 if delivered else 2})
    return rows


def test_solve_ranks_by_expected_effect_per_krone_from_history():
    instance = copy.deepcopy(INSTANCE)
    instance["history"] = history(400)
    result = solve(instance)
    assert result["effect"]["source"] == "measured effect"
    assert result["effect"]["quality"]["outcomes"] == 400
    [path] = result["paths"]
    assert path["steps"] == ["good"]
    assert path["explanation"]["steps"][0]["effect_source"] == "measured effect"


def test_solve_without_enough_history_uses_the_promise_and_says_so():
    instance = copy.deepcopy(INSTANCE)
    instance["history"] = history(30)
    result = solve(instance)
    assert result["effect"] == {"source": "catalogue promise", "note": "catalogue promise used: only 30 outcomes"}
    [path] = result["paths"]
    assert path["steps"] == ["cheap"]
    assert path["explanation"]["steps"][0]["effect_source"] == "catalogue promise"
