"""The parts of a LEON proposal's weekly difference add up to it, on random instances and on the issue's example."""

import math
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.unit.matching.leon.builders import employee, instance, task
from tillid.matching.leon import solve
from tillid.matching.proposals.leon import leon_proposal
from tillid.matching.proposals.leon_split import weekly_difference
from tillid.matching.proposals.snapshot import EmployeeFacts, ProfessionFacts, TaskFacts, WorkplaceSnapshot

PROFESSIONS = ["laege", "sygeplejerske", "sosu_assistent", "sosu_hjaelper"]
SKILLS = ["medicin", "saar"]

quarter_hours = st.integers(0, 120).map(lambda q: q / 4)
fine_hours = st.integers(0, 30_000_000).map(lambda u: u / 1_000_000)
hours = st.one_of(quarter_hours, fine_hours)
levels = st.dictionaries(st.sampled_from(SKILLS), st.integers(0, 5), max_size=2)


@st.composite
def instances_with_current(draw):
    """Small instances where people often report more (or other) hours than the tasks need; few distinct
    costs, so professions of equal cost occur."""
    costs = {p: {"hourly_cost": draw(st.sampled_from([255.0, 285.0, 345.0, 345.5, 620.0]))} for p in PROFESSIONS}
    employees = [{"id": f"e{k}", "profession": draw(st.sampled_from(PROFESSIONS)),
                  "capacity_hours": draw(hours), "skills": draw(levels)}
                 for k in range(draw(st.integers(1, 7)))]
    tasks = [{"id": f"t{k}", "hours": draw(hours), "requires": draw(levels),
              "authorised": draw(st.lists(st.sampled_from(PROFESSIONS), unique=True, min_size=1, max_size=3))}
             for k in range(draw(st.integers(1, 4)))]
    current = [{"employee": e["id"], "task": t["id"], "hours": draw(hours)}
               for e in employees for t in tasks if draw(st.integers(0, 2)) == 0]
    return {"professions": costs, "employees": employees, "tasks": tasks, "current": current,
            "change_penalty_per_hour": draw(st.sampled_from([0.0, 15.0, 40.0]))}


def assert_close(a, b, scale):
    assert math.isclose(a, b, rel_tol=0, abs_tol=1e-6 * max(1.0, scale)), (a, b)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances_with_current())
def test_the_parts_add_up_to_the_weekly_difference(data):
    result = solve(data)
    split = weekly_difference(data, result)
    scale = result["current_cost"] + result["total_cost"]
    assert_close(split.total, result["current_cost"] - result["total_cost"], scale)
    assert_close(split.reallocation + split.coverage.dkk + split.freed_dkk, split.total, scale)
    assert split.reallocation == sum(m["saving_per_week"] for m in result["moves"])
    assert split.freed_dkk >= -1e-6 * max(1.0, scale)
    # The freed hours are exactly what people report beyond each task's demand.
    reported = {}
    for c in data["current"]:
        reported[c["task"]] = reported.get(c["task"], 0.0) + c["hours"]
    beyond = sum(max(0.0, reported.get(t["id"], 0.0) - t["hours"]) for t in data["tasks"])
    assert_close(split.freed_hours, beyond, beyond)
    # Net hours covered more: proposed covered hours minus today's hours within demand.
    covered_today = sum(min(t["hours"], reported.get(t["id"], 0.0)) for t in data["tasks"])
    covered_then = sum(t["hours"] for t in data["tasks"]) - result["uncovered_hours"]
    assert_close(split.coverage.hours, covered_then - covered_today, covered_then + covered_today)


def snapshot_of(data):
    professions = {p: ProfessionFacts(p, p, p, v["hourly_cost"]) for p, v in data["professions"].items()}
    return WorkplaceSnapshot(
        workplace_id="wp", name="wp", organisation_id="org", committee_id="med", sector="municipality",
        professions=professions, activities={},
        employees=tuple(EmployeeFacts(e["id"], e["profession"], e["capacity_hours"], e["skills"])
                        for e in data["employees"]),
        tasks=tuple(TaskFacts(t["id"], t["id"], t["id"], t["hours"], t["requires"], tuple(t["authorised"]), {})
                    for t in data["tasks"]),
        current=tuple((c["employee"], c["task"], c["hours"]) for c in data["current"]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances_with_current())
def test_a_proposals_effect_is_the_sum_of_its_parts_in_ore(data):
    result = solve(data)
    draft = leon_proposal(snapshot_of(data), data, result)
    if draft is None:
        return
    effect = draft.effect
    parts = effect["reallocation_dkk_per_week"] + effect["coverage"]["dkk_per_week"] + effect["freed"]["dkk_per_week"]
    assert effect["dkk_per_week"] == round(parts, 2)
    assert abs(effect["dkk_per_week"] - (effect["current_cost_per_week"] - effect["proposed_cost_per_week"])) <= 0.0101
    # The sum of the move items' savings, each in øre (the proposal is the sum of its items).
    assert effect["reallocation_dkk_per_week"] == round(sum(round(m["saving_per_week"], 2) for m in result["moves"]), 2)
    freed = effect["freed"]
    assert freed["dkk_per_week"] >= 0 and (freed["dkk_per_week"] > 0 or freed["hours_per_week"] == 0)
    savings = {effect["reallocation_dkk_per_week"]} | {u["saving_per_week"] for u in effect["training"]}
    for said in re.findall(r"saves (?:another )?DKK ([\d,.]+)", draft.summary_en):
        assert float(said.replace(",", "")) in savings, draft.summary_en


def test_hours_a_task_no_longer_needs_are_freed_not_a_move():
    """The issue's example: 10 h/week needed, a nurse reports 20 today; an assistant may do it."""
    data = instance([employee("n1", "sygeplejerske"), employee("a1", "sosu_assistent")],
                    [task("medicin", 10.0, ["sygeplejerske", "sosu_assistent"])],
                    current=[("n1", "medicin", 20.0)])
    result = solve(data)
    assert (result["current_cost"], result["current_cost_within_demand"], result["total_cost"]) == (6900.0, 3450.0,
                                                                                                     2850.0)
    assert result["moves"] == [{"task": "medicin", "from_profession": "sygeplejerske",
                                "to_profession": "sosu_assistent", "hours": 10.0, "saving_per_week": 600.0}]
    split = weekly_difference(data, result)
    assert (split.total, split.reallocation, split.coverage.dkk, split.freed_dkk) == (4050.0, 600.0, 0.0, 3450.0)
    assert [(f.task, f.hours, dict(f.by_profession)) for f in split.freed] == [
        ("medicin", 10.0, {"sygeplejerske": 10.0})]


def test_moves_compare_with_todays_hours_within_demand():
    """A doctor and a nurse report 10 h each on a 10 h task: the doctor's hours are the ones not needed, so the
    nurse's hours are what moves to the assistant (saving 60/h), not the doctor's (335/h)."""
    data = instance([employee("d1", "laege"), employee("n1", "sygeplejerske"),
                     employee("a1", "sosu_assistent", hours=5.0)],
                    [task("medicin", 10.0, ["laege", "sygeplejerske", "sosu_assistent"])],
                    current=[("d1", "medicin", 10.0), ("n1", "medicin", 10.0)])
    result = solve(data)
    assert result["moves"] == [{"task": "medicin", "from_profession": "sygeplejerske",
                                "to_profession": "sosu_assistent", "hours": 5.0, "saving_per_week": 300.0}]
    assert result["current_cost_within_demand"] == 10 * 345.0
    split = weekly_difference(data, result)
    assert (split.reallocation, split.coverage.dkk, split.freed_dkk) == (300.0, 0.0, 6200.0)


def test_covering_more_hours_costs_what_the_new_hours_cost():
    """Today 8 of 20 hours are covered by a nurse; the proposal gives them to an assistant and covers 12 more."""
    data = instance([employee("n1", "sygeplejerske"), employee("a1", "sosu_assistent", hours=20.0)],
                    [task("medicin", 20.0, ["sygeplejerske", "sosu_assistent"])],
                    current=[("n1", "medicin", 8.0)])
    result = solve(data)
    split = weekly_difference(data, result)
    assert split.reallocation == 8 * 60.0
    assert (split.coverage.newly_covered_hours, split.coverage.newly_covered_cost) == (12.0, 12 * 285.0)
    assert split.coverage.dkk == -12 * 285.0
    assert split.freed == () and split.freed_dkk == 0.0
    assert split.total == 8 * 345.0 - 20 * 285.0 == split.reallocation + split.coverage.dkk


def test_hours_no_longer_covered_are_the_cheapest_lost():
    """Two people report on a task only one profession may now do, and nobody of it is here."""
    data = instance([employee("n1", "sygeplejerske"), employee("a1", "sosu_assistent")],
                    [task("medicin", 10.0, ["laege"])],
                    current=[("n1", "medicin", 4.0), ("a1", "medicin", 6.0)])
    result = solve(data)
    split = weekly_difference(data, result)
    assert result["moves"] == [] and result["uncovered_hours"] == 10.0
    assert (split.coverage.no_longer_covered_hours, split.coverage.no_longer_covered_cost) == (10.0,
                                                                                             4 * 345.0 + 6 * 285.0)
    assert split.coverage.hours == -10.0
    assert split.total == split.coverage.dkk
