"""Hand-made instances whose optimum is known by reasoning."""

from fractions import Fraction

import pytest

from tests.unit.matching.leon.builders import employee, hours_of, instance, task
from tillid.matching.leon import solve


def test_the_cheapest_authorised_profession_does_the_task():
    result = solve(instance(
        [employee("n1", "sygeplejerske"), employee("a1", "sosu_assistent")],
        [task("insulin", 30.0, ["sygeplejerske", "sosu_assistent"])]))
    assert hours_of(result) == {("a1", "insulin"): 30.0}
    assert result["total_cost"] == 30 * 285.0 == result["objective"]
    assert "current_cost" not in result and "moves" not in result and "unlocks" not in result


def test_skill_requirements_exclude_employees_below_the_level_and_without_the_skill():
    result = solve(instance(
        [employee("a1", "sosu_assistent", skills={"saar": 2}), employee("a2", "sosu_assistent"),
         employee("n1", "sygeplejerske", skills={"saar": 4})],
        [task("saarpleje", 20.0, ["sygeplejerske", "sosu_assistent"], requires={"saar": 3})]))
    assert hours_of(result) == {("n1", "saarpleje"): 20.0}


def test_infeasible_coverage_is_reported_as_uncovered_hours():
    result = solve(instance(
        [employee("n1", "sygeplejerske", hours=37.0), employee("h1", "sosu_hjaelper")],
        [task("kateter", 50.0, ["sygeplejerske"]), task("rengoering", 10.0, ["sosu_hjaelper"])]))
    assert result["status"] == "optimal"
    assert result["uncovered_hours"] == 13.0
    assert result["uncovered"] == [{"task": "kateter", "hours": 13.0}]
    assert result["total_cost"] == 37 * 345.0 + 10 * 255.0


def test_coverage_comes_before_cost():
    # The cheap assistant could take all of 'medicin', but then 'saar' (only
    # the assistant may do it) would go uncovered: coverage wins.
    result = solve(instance(
        [employee("a1", "sosu_assistent", hours=10.0), employee("n1", "sygeplejerske", hours=10.0)],
        [task("medicin", 10.0, ["sygeplejerske", "sosu_assistent"]),
         task("saar", 10.0, ["sosu_assistent"])]))
    assert result["uncovered_hours"] == 0.0
    assert hours_of(result) == {("a1", "saar"): 10.0, ("n1", "medicin"): 10.0}


CURRENT = [("n1", "medicin", 20.0)]


def penalty_case(penalty):
    return instance(
        [employee("n1", "sygeplejerske"), employee("a1", "sosu_assistent")],
        [task("medicin", 20.0, ["sygeplejerske", "sosu_assistent"])],
        current=CURRENT, penalty=penalty)


def test_change_penalty_keeps_the_current_allocation_when_the_saving_is_smaller():
    # Moving one hour saves 345 - 285 = 60 but costs 2 x 40 of penalty.
    result = solve(penalty_case(40.0))
    assert hours_of(result) == {("n1", "medicin"): 20.0}
    assert result["moves"] == []
    assert result["objective"] == result["total_cost"] == result["current_cost"] == 20 * 345.0


def test_change_penalty_smaller_than_the_saving_lets_the_task_move():
    result = solve(penalty_case(25.0))
    assert hours_of(result) == {("a1", "medicin"): 20.0}
    assert result["total_cost"] == 20 * 285.0
    assert result["objective"] == 20 * 285.0 + 25.0 * (20 + 20)
    assert result["moves"] == [{"task": "medicin", "from_profession": "sygeplejerske",
                                "to_profession": "sosu_assistent", "hours": 20.0,
                                "saving_per_week": 1200.0}]


def test_penalty_applies_to_a_current_pair_that_is_no_longer_eligible():
    data = instance([employee("n1", "sygeplejerske"), employee("a1", "sosu_assistent")],
                    [task("medicin", 10.0, ["sosu_assistent"])],
                    current=[("n1", "medicin", 10.0)], penalty=5.0)
    result = solve(data)
    assert hours_of(result) == {("a1", "medicin"): 10.0}
    assert result["objective"] == 10 * 285.0 + 5.0 * 20
    assert result["current_cost"] == 10 * 345.0


def test_reverse_case_administration_moves_from_nurses_and_caseworkers_to_admin_staff():
    skilled = {"journal": 3}
    data = instance(
        [employee("n1", "sygeplejerske", skills=skilled), employee("s1", "socialraadgiver", skills=skilled),
         employee("k1", "hk_admin", hours=15.0, skills=skilled)],
        [task("registrering", 20.0, ["sygeplejerske", "socialraadgiver", "hk_admin"],
              requires={"journal": 2}),
         task("sygepleje", 30.0, ["sygeplejerske"]),
         task("sagsbehandling", 30.0, ["socialraadgiver"])],
        current=[("n1", "registrering", 7.0), ("s1", "registrering", 13.0),
                 ("n1", "sygepleje", 30.0), ("s1", "sagsbehandling", 30.0)])
    result = solve(data)
    # Admin staff take what their 15 hours allow; the remaining 5 hours go to
    # the cheaper of the two specialists (nurse 345 < caseworker 350).
    assert hours_of(result) == {("k1", "registrering"): 15.0, ("n1", "registrering"): 5.0,
                                ("n1", "sygepleje"): 30.0, ("s1", "sagsbehandling"): 30.0}
    assert result["moves"] == [
        {"task": "registrering", "from_profession": "socialraadgiver", "to_profession": "hk_admin",
         "hours": 13.0, "saving_per_week": 13 * 60.0},
        {"task": "registrering", "from_profession": "sygeplejerske", "to_profession": "hk_admin",
         "hours": 2.0, "saving_per_week": 2 * 55.0},
    ]
    assert result["current_cost"] - result["total_cost"] == 13 * 60.0 + 2 * 55.0


def test_fractional_hours_give_the_exact_optimum():
    data = instance([employee("a1", "sosu_assistent", hours=12.345678),
                     employee("n1", "sygeplejerske", hours=37.5)],
                    [task("medicin", 20.125001, ["sygeplejerske", "sosu_assistent"])],
                    professions={"sosu_assistent": {"hourly_cost": 285.37},
                                 "sygeplejerske": {"hourly_cost": 345.01}})
    result = solve(data)
    assistant, nurse = Fraction("12.345678"), Fraction("20.125001") - Fraction("12.345678")
    exact = assistant * Fraction("285.37") + nurse * Fraction("345.01")
    assert hours_of(result) == {("a1", "medicin"): 12.345678, ("n1", "medicin"): float(nurse)}
    assert result["total_cost"] == float(exact)


def test_interchangeable_employees_share_the_work_within_their_capacities():
    data = instance([employee(f"h{k}", "sosu_hjaelper", hours=float(10 + k)) for k in range(4)],
                    [task("rengoering", 40.0, ["sosu_hjaelper"]), task("vask", 5.5, ["sosu_hjaelper"])])
    result = solve(data)
    per_employee = {}
    for (e, _), h in hours_of(result).items():
        per_employee[e] = per_employee.get(e, 0.0) + h
    assert all(per_employee[f"h{k}"] <= 10 + k for k in range(4) if f"h{k}" in per_employee)
    assert sum(per_employee.values()) == 45.5
    assert result["uncovered_hours"] == 0.0


@pytest.mark.parametrize("order", [None, [2, 0, 1], [1, 2, 0]])
def test_optimum_does_not_depend_on_input_order(order):
    employees = [employee("n1", "sygeplejerske"), employee("a1", "sosu_assistent", hours=20.0),
                 employee("h1", "sosu_hjaelper", hours=15.0)]
    tasks = [task("medicin", 30.0, ["sygeplejerske", "sosu_assistent"]),
             task("pleje", 30.0, ["sygeplejerske", "sosu_assistent", "sosu_hjaelper"])]
    if order:
        employees = [employees[k] for k in order]
    result = solve(instance(employees, tasks))
    # Helper 15 h of pleje; assistant 20 h of medicin; nurse covers the rest.
    assert result["total_cost"] == 15 * 255.0 + 20 * 285.0 + 25 * 345.0
