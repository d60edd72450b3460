"""The `upskill` path solver: hand-made cases and exhaustive-search comparison."""

from __future__ import annotations

import copy
import json

from hypothesis import given, settings, strategies as st

from tillid.matching.upskilling import solve
from tillid.matching.upskilling.paths import relevant_activities

from .reference import brute_force, uniform_cost

CONTRACT_EXAMPLE = {
    "substitute_cost_per_hour": 300.0,
    "activities": [{"id": "a1", "kind": "course", "teaches": {"medicin": 3},
                    "prerequisites": {"medicin": 1}, "duration_hours": 14.0,
                    "cost_dkk": 3500.0},
                   {"id": "p1", "kind": "peer_training",
                    "teaches": {"medicin": 2}, "prerequisites": {},
                    "duration_hours": 6.0, "cost_dkk": 0.0}],
    "employees": [{"id": "e1", "skills": {"medicin": 0},
                   "target": {"medicin": 3},
                   "mentors": ["e5"]}],
}


def activity(id, teaches, prerequisites=None, hours=1.0, cost=0.0, kind="course"):
    return {"id": id, "kind": kind, "teaches": teaches, "prerequisites": prerequisites or {},
            "duration_hours": hours, "cost_dkk": cost}


def one_path(instance):
    result = solve(instance)
    assert result["unreachable"] == []
    [path] = result["paths"]
    return path


def test_contract_example():
    path = one_path(CONTRACT_EXAMPLE)
    assert path["employee"] == "e1"
    assert path["steps"] == ["p1", "a1"]
    assert path["total_cost"] == 9500.0
    assert path["total_hours"] == 20.0
    assert path["reaches"] == {"medicin": 3}


def test_peer_training_needs_a_mentor():
    instance = copy.deepcopy(CONTRACT_EXAMPLE)
    instance["employees"][0]["mentors"] = []
    result = solve(instance)
    assert result["paths"] == []
    assert result["unreachable"] == [{"employee": "e1", "skills": ["medicin"]}]


def test_prerequisites_are_levels_at_the_moment_the_activity_is_taken():
    # b needs x>=2, which only a teaches; the order must be a then b.
    instance = {"substitute_cost_per_hour": 0.0, "activities": [
        activity("b", {"y": 3}, {"x": 2}, cost=100.0),
        activity("a", {"x": 2}, cost=50.0),
        activity("c", {"y": 3}, cost=1000.0)],
        "employees": [{"id": "e", "skills": {}, "target": {"y": 3}}]}
    path = one_path(instance)
    assert path["steps"] == ["a", "b"]
    assert path["total_cost"] == 150.0


def test_several_activities_teach_the_same_skill_and_the_cheapest_combination_wins():
    instance = {"substitute_cost_per_hour": 100.0, "activities": [
        activity("long", {"s": 4}, hours=30.0, cost=0.0),          # 3000
        activity("short2", {"s": 2}, hours=2.0, cost=500.0),       # 700
        activity("short4", {"s": 4}, {"s": 2}, hours=5.0, cost=1000.0)],  # 1500
        "employees": [{"id": "e", "skills": {"s": 1}, "target": {"s": 4}}]}
    path = one_path(instance)
    assert path["steps"] == ["short2", "short4"]
    assert path["total_cost"] == 2200.0
    assert path["explanation"]["fee_dkk"] == 1500.0
    assert path["explanation"]["cover_dkk"] == 700.0


def test_cost_ties_are_broken_by_fewer_hours_then_by_ids():
    instance = {"substitute_cost_per_hour": 100.0, "activities": [
        activity("a", {"s": 3}, hours=2.0, cost=800.0),   # 1000, 2 h
        activity("z", {"s": 3}, hours=1.0, cost=900.0),   # 1000, 1 h
        activity("y", {"s": 3}, hours=1.0, cost=900.0)],  # 1000, 1 h, smaller id than z
        "employees": [{"id": "e", "target": {"s": 3}}]}
    assert one_path(instance)["steps"] == ["y"]


def test_order_of_independent_steps_is_the_smallest_id_tuple():
    instance = {"substitute_cost_per_hour": 0.0, "activities": [
        activity("m", {"a": 1}, cost=10.0), activity("k", {"b": 1}, cost=20.0)],
        "employees": [{"id": "e", "target": {"a": 1, "b": 1}}]}
    path = one_path(instance)
    assert path["steps"] == ["k", "m"]
    assert path["reaches"] == {"a": 1, "b": 1}


def test_decimal_costs_tie_exactly():
    # 0.1 + 0.2 == 0.3 as written, so the tie goes to hours and then ids.
    instance = {"substitute_cost_per_hour": 0.0, "activities": [
        activity("b1", {"x": 1}, hours=1.0, cost=0.1), activity("b2", {"y": 1}, hours=1.0, cost=0.2),
        activity("a", {"x": 1, "y": 1}, hours=2.0, cost=0.3)],
        "employees": [{"id": "e", "target": {"x": 1, "y": 1}}]}
    path = one_path(instance)
    assert path["steps"] == ["a"]
    assert path["total_cost"] == 0.3


def test_target_already_met_gives_an_empty_path():
    path = one_path({"substitute_cost_per_hour": 300.0, "activities": [],
                     "employees": [{"id": "e", "skills": {"s": 4}, "target": {"s": 3}}]})
    assert path["steps"] == [] and path["total_cost"] == 0.0 and path["total_hours"] == 0.0
    assert path["reaches"] == {"s": 4}


def test_unreachable_reports_only_the_skills_no_activity_can_reach():
    instance = {"substitute_cost_per_hour": 0.0, "activities": [
        activity("a", {"medicin": 3}), activity("b", {"ledelse": 2}, {"ledelse": 1})],
        "employees": [{"id": "e9", "target": {"medicin": 3, "ledelse": 2, "jura": 1}},
                      {"id": "e1", "target": {"medicin": 2}}]}
    result = solve(instance)
    assert result["unreachable"] == [{"employee": "e9", "skills": ["jura", "ledelse"]}]
    assert [p["employee"] for p in result["paths"]] == ["e1"]


def test_raising_beyond_the_target_is_reported_in_reaches():
    path = one_path({"substitute_cost_per_hour": 0.0, "activities": [activity("a", {"s": 5}, cost=1.0)],
                     "employees": [{"id": "e", "target": {"s": 2}}]})
    assert path["reaches"] == {"s": 5}


def test_employees_come_out_in_input_order_and_results_are_deterministic():
    instance = {"substitute_cost_per_hour": 10.0, "activities": [activity("a", {"s": 2}, cost=5.0)],
                "employees": [{"id": f"e{i}", "skills": {"s": i % 3}, "target": {"s": 2}} for i in (3, 1, 2, 10)]}
    first = solve(instance)
    assert [p["employee"] for p in first["paths"]] == ["e3", "e1", "e2", "e10"]
    assert json.dumps(first) == json.dumps(solve(copy.deepcopy(instance)))


def test_explanation_names_the_need_and_what_each_step_teaches():
    instance = copy.deepcopy(CONTRACT_EXAMPLE)
    instance["employees"][0]["need"] = {"source": "task", "id": "oejendraaber"}
    explanation = one_path(instance)["explanation"]
    assert explanation["need"]["source"] == "task" and explanation["need"]["id"] == "oejendraaber"
    assert explanation["gaps"] == [{"skill": "medicin", "current": 0, "target": 3}]
    assert [s["teaches"] for s in explanation["steps"]] == [
        [{"skill": "medicin", "from": 0, "to": 2}], [{"skill": "medicin", "from": 2, "to": 3}]]
    assert [s["cover_dkk"] for s in explanation["steps"]] == [1800.0, 4200.0]
    assert explanation["steps"][0]["mentors"] == ["e5"] and "mentors" not in explanation["steps"][1]


def test_effect_per_krone_prefers_the_activity_that_delivers():
    instance = {"substitute_cost_per_hour": 0.0, "activities": [
        activity("cheap", {"s": 3}, cost=1000.0), activity("good", {"s": 3}, cost=1500.0)],
        "employees": [{"id": "e", "target": {"s": 3}}],
        "expected_effect": {"cheap": 0.4, "good": 0.9}}
    assert one_path(instance)["steps"] == ["cheap"]
    instance["rank_by"] = "effect_per_krone"
    path = one_path(instance)
    assert path["steps"] == ["good"]
    assert path["total_cost"] == 1500.0
    assert path["explanation"]["expected_effect"] == 0.9


# ---- exhaustive-search comparison -------------------------------------------------------

SKILLS = ("a", "b", "c")


@st.composite
def small_instances(draw):
    n = draw(st.integers(2, 6))
    activities = []
    for i in range(n):
        teaches = draw(st.dictionaries(st.sampled_from(SKILLS), st.integers(1, 4), min_size=1, max_size=2))
        prerequisites = draw(st.dictionaries(st.sampled_from(SKILLS), st.integers(0, 2), max_size=2))
        activities.append({
            "id": draw(st.sampled_from(["p", "q", "r", "s", "t", "u"])) + str(i),
            "kind": draw(st.sampled_from(["course", "e_learning", "peer_training"])),
            "teaches": teaches,
            "prerequisites": prerequisites,
            # Few distinct values so that ties in cost and hours are common.
            "duration_hours": draw(st.sampled_from([0.5, 1.0, 2.0])),
            "cost_dkk": draw(st.sampled_from([0.0, 50.0, 100.0, 0.1, 0.2, 0.3, 50.0, 100.0])),
        })
    employees = []
    for i in range(draw(st.integers(1, 3))):
        employees.append({
            "id": f"e{i}",
            "skills": draw(st.dictionaries(st.sampled_from(SKILLS), st.integers(0, 3), max_size=3)),
            "target": draw(st.dictionaries(st.sampled_from(SKILLS), st.integers(1, 3), min_size=1, max_size=2)),
            "mentors": draw(st.sampled_from([[], ["m1"], ["m1", "m2"]])),
        })
    rate = draw(st.sampled_from([0.0, 50.0, 100.0, 50.0, 0.1]))
    return {"substitute_cost_per_hour": rate, "activities": activities, "employees": employees}


@settings(max_examples=150, deadline=None)
@given(small_instances())
def test_paths_equal_exhaustive_search(instance):
    result = solve(instance)
    paths = {p["employee"]: p for p in result["paths"]}
    blocked = {u["employee"]: u["skills"] for u in result["unreachable"]}
    for employee in instance["employees"]:
        best, unreachable_skills = brute_force(instance, employee, max_length=len(instance["activities"]))
        if best is None:
            assert blocked[employee["id"]] == unreachable_skills
            assert unreachable_skills, "a target no list reaches has at least one blocking skill"
            continue
        path = paths[employee["id"]]
        cost, hours, ids = best
        assert tuple(path["steps"]) == ids
        assert path["total_cost"] == float(cost)
        assert path["total_hours"] == float(hours)


def test_relevant_activities_follow_prerequisites_back_from_the_target():
    catalogue = {"basics": ((("a", 1),), ()), "middle": ((("b", 2),), (("a", 1),)),
                 "target": ((("c", 3),), (("b", 2),)), "other": ((("d", 3),), ()),
                 "other-first": ((("e", 1),), ()), "zero": ((("b", 0),), ())}
    assert relevant_activities(catalogue, (("c", 3),)) == {"basics", "middle", "target"}
    assert relevant_activities(catalogue, (("a", 2), ("d", 1))) == {"basics", "other"}


@settings(max_examples=150, deadline=None)
@given(small_instances())
def test_refunds_on_activities_a_target_cannot_use_change_nothing(instance):
    """Why learners may share a search whose refunds differ from theirs outside their relevant activities."""
    catalogue = {a["id"]: (tuple(sorted(a["teaches"].items())), tuple(sorted(a["prerequisites"].items())))
                 for a in instance["activities"]}
    for employee in instance["employees"]:
        alone = {**instance, "employees": [employee]}
        relevant = relevant_activities(catalogue, tuple(sorted(employee["target"].items())))
        free = {a["id"]: a["cost_dkk"] + a["duration_hours"] * instance["substitute_cost_per_hour"]
                for a in instance["activities"] if a["id"] not in relevant}
        assert solve({**alone, "refund_dkk": free}) == solve(alone)


@st.composite
def medium_instances(draw):
    skills = ("a", "b", "c", "d")
    activities = []
    for i in range(draw(st.integers(6, 14))):
        to_level = draw(st.integers(1, 5))
        main = draw(st.sampled_from(skills))
        teaches = {main: to_level}
        teaches.update(draw(st.dictionaries(st.sampled_from(skills), st.integers(1, 5), max_size=1)))
        prerequisites = draw(st.dictionaries(st.sampled_from(skills), st.integers(0, 4), max_size=2))
        activities.append({
            "id": f"{draw(st.sampled_from('xyz'))}{i:02d}",
            "kind": draw(st.sampled_from(["course", "e_learning", "peer_training"])),
            "teaches": teaches, "prerequisites": prerequisites,
            "duration_hours": draw(st.sampled_from([1.0, 2.0, 7.5])),
            "cost_dkk": draw(st.sampled_from([0.0, 100.0, 250.0, 1000.0])),
        })
    employees = [{"id": f"e{i}",
                  "skills": draw(st.dictionaries(st.sampled_from(skills), st.integers(0, 2), max_size=4)),
                  "target": draw(st.dictionaries(st.sampled_from(skills), st.integers(1, 5), min_size=1, max_size=3)),
                  "mentors": draw(st.sampled_from([[], ["m"]]))} for i in range(3)]
    return {"substitute_cost_per_hour": draw(st.sampled_from([0.0, 100.0, 150.0])),
            "activities": activities, "employees": employees}


@settings(max_examples=40, deadline=None)
@given(medium_instances())
def test_paths_equal_plain_dijkstra_on_larger_catalogues(instance):
    result = solve(instance)
    paths = {p["employee"]: p for p in result["paths"]}
    for employee in instance["employees"]:
        best = uniform_cost(instance, employee)
        if best is None:
            assert employee["id"] not in paths
            continue
        cost, hours, ids = best
        path = paths[employee["id"]]
        assert (tuple(path["steps"]), path["total_cost"], path["total_hours"]) == (ids, float(cost), float(hours))


def test_expected_net_cost_prefers_a_dearer_activity_that_works():
    from tillid.matching.upskilling import solve

    instance = {
        "substitute_cost_per_hour": 0.0,
        "activities": [{"id": "cheap", "teaches": {"s": 3}, "duration_hours": 7.0, "cost_dkk": 2_000.0},
                       {"id": "dear", "teaches": {"s": 3}, "duration_hours": 7.0, "cost_dkk": 3_000.0}],
        "employees": [{"id": "e", "skills": {"s": 1}, "target": {"s": 3}}],
    }
    assert solve(instance)["paths"][0]["steps"] == ["cheap"]
    measured = {**instance, "rank_by": "effect_per_krone", "expected_effect": {"cheap": 0.25, "dear": 0.75}}
    assert solve(measured)["paths"][0]["steps"] == ["dear"]
    refunded = {**measured, "refund_dkk": {"cheap": 1_800.0, "dear": 0.0}}
    (path,) = solve(refunded)["paths"]
    assert path["steps"] == ["cheap"] and path["total_cost"] == 2_000.0


def test_refunds_must_name_activities_and_be_non_negative():
    import pytest

    from tillid.errors import InvalidInstance
    from tillid.matching.upskilling import solve

    instance = {"substitute_cost_per_hour": 0.0, "employees": [],
                "activities": [{"id": "a", "teaches": {"s": 3}, "duration_hours": 7.0, "cost_dkk": 2_000.0}]}
    with pytest.raises(InvalidInstance, match="refund_dkk.b"):
        solve({**instance, "refund_dkk": {"b": 1.0}})
    with pytest.raises(InvalidInstance, match="refund_dkk.a"):
        solve({**instance, "refund_dkk": {"a": -1.0}})
