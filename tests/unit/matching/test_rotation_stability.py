"""Rotation solver against exhaustive enumeration of all feasible matchings (small instances)."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings

from tests.unit.matching.rotation_oracle import (
    all_feasible_matchings, as_matching, blocking_pairs, crowded_instances, feasible, pre_acceptable,
    small_instances,
)
from tillid.matching.rotation import away_caps, find_blocking_pairs, parse_instance, solve

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@pytest.fixture
def monkeypatch_budget(monkeypatch):
    """No exhaustive search: the exclusion and repair steps alone."""
    monkeypatch.setattr(away_caps, "EXHAUSTIVE_BUDGET", 0)


def _rankings(instance: dict, result: dict) -> dict[str, list[str]]:
    used = result["host_rankings_used"]
    assert sorted(used) == sorted(s["id"] for s in instance["slots"])
    for slot in instance["slots"]:
        if slot["id"] in instance["host_rankings"]:
            assert used[slot["id"]] == instance["host_rankings"][slot["id"]]
        else:
            expected = {a["id"] for a in instance["applicants"] if pre_acceptable(instance, a, slot)}
            assert sorted(used[slot["id"]]) == sorted(expected)
    return used


def _rank(instance: dict, applicant_id: str, matching: dict[str, str]) -> int:
    applicant = next(a for a in instance["applicants"] if a["id"] == applicant_id)
    slot = matching.get(applicant_id)
    return applicant["ranking"].index(slot) if slot is not None else len(applicant["ranking"])


@SETTINGS
@given(small_instances(caps=False))
def test_without_caps_the_result_is_the_applicant_optimal_stable_matching(instance):
    result = solve(instance)
    rankings = _rankings(instance, result)
    ours = as_matching(result)
    assert feasible(instance, rankings, ours)
    assert blocking_pairs(instance, rankings, ours) == []
    assert result["blocking_pairs"] == []
    stable = [m for m in all_feasible_matchings(instance, rankings) if not blocking_pairs(instance, rankings, m)]
    assert ours in stable
    for other in stable:
        for applicant in instance["applicants"]:
            assert _rank(instance, applicant["id"], ours) <= _rank(instance, applicant["id"], other)


def _assert_only_same_workplace_swaps(instance: dict, rankings: dict, ours: dict, reported: list) -> None:
    """Every remaining blocking pair: an unplaced applicant whose workplace is at its cap and
    a full slot whose lowest-ranked holder comes from the same workplace."""
    applicants = {a["id"]: a for a in instance["applicants"]}
    capacity = {s["id"]: s["capacity"] for s in instance["slots"]}
    for a, s in reported:
        assert a not in ours
        home = applicants[a]["home_workplace"]
        away = sum(1 for b in ours if applicants[b]["home_workplace"] == home)
        assert away == instance["rules"]["max_away_per_workplace"][home]
        held = [b for b, t in ours.items() if t == s]
        assert len(held) == capacity[s]
        assert applicants[max(held, key=rankings[s].index)]["home_workplace"] == home


def _check_capped(instance: dict) -> None:
    result = solve(instance)
    rankings = _rankings(instance, result)
    ours = as_matching(result)
    assert feasible(instance, rankings, ours)
    reported = [(b["applicant"], b["slot"]) for b in result["blocking_pairs"]]
    assert reported == blocking_pairs(instance, rankings, ours)
    _assert_only_same_workplace_swaps(instance, rankings, ours, reported)
    if any(not blocking_pairs(instance, rankings, m) for m in all_feasible_matchings(instance, rankings)):
        assert reported == []


@SETTINGS
@given(small_instances(caps=True))
def test_with_caps_the_result_is_feasible_and_has_no_blocking_pair_whenever_one_exists(instance):
    _check_capped(instance)


@SETTINGS
@given(crowded_instances())
def test_with_binding_caps_the_result_has_no_blocking_pair_whenever_one_exists(instance):
    _check_capped(instance)


@SETTINGS
@given(instance=crowded_instances())
def test_without_exhaustive_search_only_same_workplace_swaps_can_remain(instance, monkeypatch_budget):
    result = solve(instance)
    assert result["stats"]["method"] != "exhaustive_search"
    ours = as_matching(result)
    rankings = instance["host_rankings"]
    assert feasible(instance, rankings, ours)
    reported = [(b["applicant"], b["slot"]) for b in result["blocking_pairs"]]
    assert reported == blocking_pairs(instance, rankings, ours)
    _assert_only_same_workplace_swaps(instance, rankings, ours, reported)


@SETTINGS
@given(small_instances(caps=True, max_applicants=4))
def test_certificate_agrees_with_the_definition_on_every_feasible_matching(instance):
    parsed = parse_instance(instance)
    rankings = solve(instance)["host_rankings_used"]
    for matching in all_feasible_matchings(instance, rankings)[:60]:
        certified = [(b.applicant, b.slot) for b in find_blocking_pairs(parsed, rankings, matching)]
        assert certified == blocking_pairs(instance, rankings, matching)


def crossed_instance() -> dict:
    """Two applicants of one workplace with cap 1 and crossed preferences: no feasible
    matching is free of blocking pairs (docs/rotation.md)."""
    return {
        "slots": [{"id": "s1", "sector": "region", "capacity": 1},
                  {"id": "s2", "sector": "region", "capacity": 1}],
        "applicants": [{"id": "a", "home_workplace": "w", "sector": "municipality", "ranking": ["s1", "s2"]},
                       {"id": "b", "home_workplace": "w", "sector": "municipality", "ranking": ["s2", "s1"]}],
        "host_rankings": {"s1": ["b", "a"], "s2": ["a", "b"]},
        "rules": {"cross_sector_only": True, "max_away_per_workplace": {"w": 1}},
    }


def test_when_no_matching_without_blocking_pairs_exists_the_result_reports_its_pairs():
    instance = crossed_instance()
    rankings = instance["host_rankings"]
    matchings = all_feasible_matchings(instance, rankings)
    assert len(matchings) == 5
    assert all(blocking_pairs(instance, rankings, m) for m in matchings)
    result = solve(instance)
    ours = as_matching(result)
    assert feasible(instance, rankings, ours)
    assert len(result["placements"]) == 1
    assert [(b["applicant"], b["slot"]) for b in result["blocking_pairs"]] == blocking_pairs(instance, rankings, ours)
    assert result["blocking_pairs"]
    outcomes = {c["outcome"] for e in result["explanations"] for c in e["choices_above"]}
    assert "could_block" in outcomes


def _textbook_deferred_acceptance(prefs: dict[str, list[str]], host: dict[str, list[str]],
                                  capacity: dict[str, int]) -> dict[str, str]:
    """Gale and Shapley's round form: all free applicants propose at once, each slot keeps
    its best ``capacity`` among those it holds and new proposers, rejects the rest."""
    next_choice = {a: 0 for a in prefs}
    held: dict[str, list[str]] = {s: [] for s in capacity}
    free = sorted(prefs)
    while free:
        proposals: dict[str, list[str]] = {}
        for a in free:
            while next_choice[a] < len(prefs[a]) and a not in host[prefs[a][next_choice[a]]]:
                next_choice[a] += 1
            if next_choice[a] < len(prefs[a]):
                proposals.setdefault(prefs[a][next_choice[a]], []).append(a)
                next_choice[a] += 1
        free = []
        for s, new in proposals.items():
            pool = sorted(held[s] + new, key=host[s].index)
            held[s], rejected = pool[:capacity[s]], pool[capacity[s]:]
            free.extend(rejected)
        free.sort()
    return {a: s for s, members in held.items() for a in members}


def test_equals_textbook_deferred_acceptance_on_larger_random_instances():
    rng = random.Random(20261123)
    for _ in range(20):
        slots = [f"s{i:02d}" for i in range(12)]
        applicants = [f"e{i:03d}" for i in range(60)]
        capacity = {s: rng.randint(0, 5) for s in slots}
        prefs = {a: rng.sample(slots, rng.randint(0, 6)) for a in applicants}
        host = {s: rng.sample(applicants, rng.randint(20, 60)) for s in slots}
        instance = {
            "slots": [{"id": s, "capacity": capacity[s]} for s in slots],
            "applicants": [{"id": a, "home_workplace": "w", "ranking": prefs[a]} for a in applicants],
            "host_rankings": host,
        }
        assert as_matching(solve(instance)) == _textbook_deferred_acceptance(prefs, host, capacity)
