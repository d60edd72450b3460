"""``unlocks``: who to train, the saving (confirmed by re-solving) and the payback."""

import copy

from tests.unit.matching.leon.builders import employee, instance, task
from tests.unit.matching.leon.contract_example import INSTANCE
from tillid.matching.leon import solve

DELEGATION = "delegation-oejendraaber"


def trained(data, activity, employees):
    data = copy.deepcopy(data)
    for entry in data["employees"]:
        if entry["id"] in employees:
            entry["completed"] = sorted(set(entry.get("completed") or []) | {activity})
    return data


def saving_of(data, activity, employees):
    return solve(data)["objective"] - solve(trained(data, activity, employees))["objective"]


def test_contract_unlock_is_confirmed_by_re_solving():
    (unlock,) = solve(INSTANCE)["unlocks"]
    assert saving_of(INSTANCE, unlock["activity"], unlock["employees"]) == unlock["saving_per_week"] == 780.0


def eye_drops(assistants, nurse_hours=37.0, task_hours=50.0):
    return instance(
        [employee("n1", "sygeplejerske", hours=nurse_hours, skills={"medicin": 4})] + assistants,
        [task("oejendraaber", task_hours, ["sygeplejerske"], requires={"medicin": 2},
              conditional=[("sosu_assistent", DELEGATION)])],
        activities=[(DELEGATION, 2400.0, 7.0)])


def test_one_of_two_interchangeable_candidates_suffices_and_the_larger_is_chosen():
    data = eye_drops([employee("a1", "sosu_assistent", hours=20.0, skills={"medicin": 3}),
                      employee("a2", "sosu_assistent", hours=30.0, skills={"medicin": 3})],
                     task_hours=25.0)
    (unlock,) = solve(data)["unlocks"]
    assert unlock["employees"] == ["a2"]
    assert unlock["saving_per_week"] == 25 * 60.0
    assert unlock["training_cost"] == 2400.0 + 7 * 285.0
    assert unlock["payback_weeks"] == round((2400.0 + 7 * 285.0) / 1500.0, 2)
    assert saving_of(data, DELEGATION, {"a2"}) == unlock["saving_per_week"]


def test_unlock_set_is_minimal_across_different_candidates():
    # a1 and a2 differ (skill levels) so they are separate classes; either can
    # take the 10 hours, training both saves nothing more.
    data = eye_drops([employee("a1", "sosu_assistent", hours=37.0, skills={"medicin": 3}),
                      employee("a2", "sosu_assistent", hours=37.0, skills={"medicin": 2})],
                     task_hours=10.0)
    (unlock,) = solve(data)["unlocks"]
    assert len(unlock["employees"]) == 1
    assert saving_of(data, DELEGATION, set(unlock["employees"])) == unlock["saving_per_week"] == 600.0


def test_several_candidates_are_named_when_the_saving_needs_them():
    data = eye_drops([employee("a1", "sosu_assistent", hours=20.0, skills={"medicin": 3}),
                      employee("a2", "sosu_assistent", hours=20.0, skills={"medicin": 2})],
                     task_hours=37.0)
    (unlock,) = solve(data)["unlocks"]
    assert unlock["employees"] == ["a1", "a2"]
    assert unlock["saving_per_week"] == 37 * 60.0
    assert unlock["training_cost"] == 2 * (2400.0 + 7 * 285.0)
    for one in ("a1", "a2"):
        assert saving_of(data, DELEGATION, {one}) < unlock["saving_per_week"]


def test_candidates_below_the_skill_level_or_already_trained_are_not_named():
    data = eye_drops([employee("a1", "sosu_assistent", skills={"medicin": 1}),
                      employee("a2", "sosu_assistent", skills={"medicin": 3}, completed=[DELEGATION])],
                     task_hours=40.0)
    assert solve(data)["unlocks"] == []


def test_training_that_would_not_lower_the_optimum_is_not_reported():
    # The helper is cheaper than the nurse, but the assistant (who could be
    # trained) is already cheaper than the nurse who does nothing here.
    data = instance([employee("n1", "sygeplejerske", skills={"medicin": 4}),
                     employee("a1", "sosu_assistent", skills={"medicin": 3}),
                     employee("a2", "sosu_assistent", skills={"medicin": 3})],
                    [task("oejendraaber", 30.0, ["sosu_assistent"], requires={"medicin": 2},
                          conditional=[("sygeplejerske", DELEGATION)])],
                    activities=[(DELEGATION, 2400.0, 7.0)])
    assert solve(data)["unlocks"] == []


def test_activities_missing_from_the_catalogue_are_not_costed_or_reported():
    data = copy.deepcopy(INSTANCE)
    data["activities"] = []
    assert solve(data)["unlocks"] == []


def test_unlocks_are_sorted_by_payback_and_each_is_confirmed():
    data = instance(
        [employee("n1", "sygeplejerske", skills={"medicin": 4, "saar": 4}),
         employee("a1", "sosu_assistent", skills={"medicin": 3, "saar": 3}),
         employee("h1", "sosu_hjaelper", skills={"medicin": 2, "saar": 2})],
        [task("oejendraaber", 20.0, ["sygeplejerske"], requires={"medicin": 2},
              conditional=[("sosu_hjaelper", "kursus-medicin")]),
         task("saar", 10.0, ["sygeplejerske"], requires={"saar": 2},
              conditional=[("sosu_assistent", "kursus-saar")])],
        activities=[("kursus-medicin", 3000.0, 14.0), ("kursus-saar", 500.0, 7.0)])
    result = solve(data)
    # Paybacks: (3000 + 14 x 255) / (20 x 90) = 3.65 and (500 + 7 x 285) / (10 x 60) = 4.16.
    assert [(u["activity"], u["payback_weeks"]) for u in result["unlocks"]] == [
        ("kursus-medicin", 3.65), ("kursus-saar", 4.16)]
    for unlock in result["unlocks"]:
        assert saving_of(data, unlock["activity"], unlock["employees"]) == unlock["saving_per_week"]
    medicin, saar = result["unlocks"]
    assert saar["saving_per_week"] == 10 * 60.0 and medicin["saving_per_week"] == 20 * 90.0
