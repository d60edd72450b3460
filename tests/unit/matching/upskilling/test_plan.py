"""Substitute cover, competence-fund refunds, workplace budgets and team spreading."""

from __future__ import annotations

import pytest

from tillid.matching.upskilling import FundingRules, PlannedPath, SpreadRules, plan_funding


def path(employee, fee, hours, workplace="wp1", team="t1", refunded=0.0):
    return PlannedPath(employee, workplace, team, fee, hours, 300.0, refunded)


def test_cover_is_costed_at_the_substitute_rate_and_fees_are_refunded_80_percent():
    plan = plan_funding([path("e1", 10_000.0, 14.0)], {"wp1": 100_000.0}, spread=SpreadRules(max_hours_per_week=37.0))
    [scheduled] = plan.scheduled
    assert scheduled.cover_dkk == 4200.0
    assert scheduled.refund_dkk == 8000.0
    assert scheduled.workplace_cost_dkk == 10_000.0 - 8000.0 + 4200.0
    assert plan.fund_used_dkk == 8000.0 and plan.workplace_spend == (("wp1", 6200.0),)


def test_refund_is_capped_per_person_per_year_including_earlier_refunds():
    plan = plan_funding([path("e1", 30_000.0, 0.0, refunded=5_000.0), path("e1", 10_000.0, 0.0)],
                        {"wp1": 1e6}, spread=SpreadRules(max_away_per_team=5))
    assert [s.refund_dkk for s in plan.scheduled] == [20_000.0, 0.0]


def test_refunds_stop_when_the_fund_runs_out_and_rules_are_configurable():
    rules = FundingRules(refund_share=0.5, cap_per_person_per_year=1e6, fund_remaining_dkk=7_000.0)
    plan = plan_funding([path("e1", 10_000.0, 0.0), path("e2", 10_000.0, 0.0)], {"wp1": 1e6}, rules,
                        SpreadRules(max_away_per_team=5))
    assert [s.refund_dkk for s in plan.scheduled] == [5_000.0, 2_000.0]
    assert plan.fund_used_dkk == 7_000.0


def test_paths_beyond_the_workplace_budget_are_deferred_in_priority_order():
    plan = plan_funding([path("e1", 0.0, 10.0), path("e2", 0.0, 20.0), path("e3", 0.0, 5.0)],
                        {"wp1": 5_000.0}, spread=SpreadRules(max_away_per_team=5, max_hours_per_week=37.0))
    assert [s.employee for s in plan.scheduled] == ["e1", "e3"]
    assert [d.employee for d in plan.deferred] == ["e2"] and "left" in plan.deferred[0].reason


def test_a_team_is_not_emptied_in_the_same_weeks():
    paths = [path(f"e{i}", 0.0, 15.0, team="ward") for i in range(3)] + [path("x", 0.0, 15.0, team="other")]
    plan = plan_funding(paths, {"wp1": 1e6}, spread=SpreadRules(max_away_per_team=1, max_hours_per_week=7.5))
    weeks = {s.employee: (s.start_week, s.weeks) for s in plan.scheduled}
    assert weeks == {"e0": (0, 2), "e1": (2, 2), "e2": (4, 2), "x": (0, 2)}


def test_spread_rules_are_checked():
    with pytest.raises(ValueError):
        plan_funding([], {}, spread=SpreadRules(max_away_per_team=0))
