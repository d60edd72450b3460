"""Property: on random small instances the optimum equals an independent LP solve (HiGHS)."""

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.unit.matching.leon.reference import eligible, lp_optimum
from tillid.matching.leon import solve

PROFESSIONS = ["sygeplejerske", "sosu_assistent", "sosu_hjaelper"]
SKILLS = ["medicin", "saar"]
ACTIVITIES = ["delegation-a", "delegation-b"]

quarter_hours = st.integers(0, 160).map(lambda q: q / 4)
fine_hours = st.integers(0, 40_000_000).map(lambda u: u / 1_000_000)
hours = st.one_of(quarter_hours, fine_hours)
levels = st.dictionaries(st.sampled_from(SKILLS), st.integers(0, 5), max_size=2)


@st.composite
def instances(draw):
    costs = {p: {"hourly_cost": draw(st.integers(20000, 40000)) / 100} for p in PROFESSIONS}
    employees = [{"id": f"e{k}", "profession": draw(st.sampled_from(PROFESSIONS)),
                  "capacity_hours": draw(hours), "skills": draw(levels),
                  "completed": draw(st.lists(st.sampled_from(ACTIVITIES), unique=True, max_size=1))}
                 for k in range(draw(st.integers(1, 6)))]
    tasks = []
    for k in range(draw(st.integers(1, 4))):
        authorised = draw(st.lists(st.sampled_from(PROFESSIONS), unique=True, max_size=2))
        conditional = [{"profession": p, "requires_activity": draw(st.sampled_from(ACTIVITIES))}
                       for p in draw(st.lists(st.sampled_from(PROFESSIONS), unique=True, max_size=2))]
        if not authorised and not conditional:
            authorised = [PROFESSIONS[0]]
        tasks.append({"id": f"t{k}", "hours": draw(hours), "requires": draw(levels),
                      "authorised": authorised, "conditional": conditional})
    data = {"professions": costs, "employees": employees, "tasks": tasks}
    if draw(st.booleans()):
        data["current"] = [{"employee": e["id"], "task": t["id"], "hours": draw(quarter_hours)}
                           for e in employees for t in tasks if draw(st.integers(0, 3)) == 0]
        data["change_penalty_per_hour"] = draw(st.sampled_from([0.0, 10.0, 25.5, 80.0]))
    if draw(st.booleans()):
        data["activities"] = [{"id": a, "cost_dkk": 1000.0, "duration_hours": 7.0} for a in ACTIVITIES]
    return data


def close(a, b):
    return math.isclose(a, b, rel_tol=1e-7, abs_tol=1e-4)


def check_feasible(data, result):
    employees = {e["id"]: e for e in data["employees"]}
    tasks = {t["id"]: t for t in data["tasks"]}
    load, done = {}, {}
    for a in result["assignments"]:
        assert a["hours"] > 0 and eligible(employees[a["employee"]], tasks[a["task"]])
        load[a["employee"]] = load.get(a["employee"], 0.0) + a["hours"]
        done[a["task"]] = done.get(a["task"], 0.0) + a["hours"]
    for e, h in load.items():
        assert h <= employees[e]["capacity_hours"] + 1e-9
    uncovered = {u["task"]: u["hours"] for u in result["uncovered"]}
    for t, task in tasks.items():
        assert close(done.get(t, 0.0) + uncovered.get(t, 0.0), task["hours"])
    wage = sum(a["hours"] * data["professions"][employees[a["employee"]]["profession"]]["hourly_cost"]
               for a in result["assignments"])
    assert close(wage, result["total_cost"])


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_optimum_matches_independent_lp(data):
    result = solve(data)
    check_feasible(data, result)
    uncovered, objective = lp_optimum(data)
    assert close(result["uncovered_hours"], uncovered)
    assert close(result["objective"], objective)


def with_training(data, activity, employees):
    trained = {**data, "employees": [
        {**e, "completed": sorted(set(e.get("completed") or []) | {activity})} if e["id"] in employees else e
        for e in data["employees"]]}
    return trained


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_every_reported_unlock_saving_is_confirmed_by_re_solving(data):
    data = {**data, "activities": [{"id": a, "cost_dkk": 1000.0, "duration_hours": 7.0} for a in ACTIVITIES]}
    result = solve(data)
    for unlock in result["unlocks"]:
        assert unlock["saving_per_week"] > 0
        again = solve(with_training(data, unlock["activity"], set(unlock["employees"])))
        assert again["uncovered_hours"] <= result["uncovered_hours"] + 1e-9
        assert close(result["objective"] - again["objective"], unlock["saving_per_week"])
    paybacks = [u["payback_weeks"] for u in result["unlocks"]]
    assert paybacks == sorted(paybacks)
