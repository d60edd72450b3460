"""needs(): what a person declined or disputes is left out of their targets (docs/upskilling.md,
"Declined suggestions"); a higher target than the one declined is a new need."""

from __future__ import annotations

from tillid.matching.proposals.snapshot import EmployeeFacts, ProfessionFacts, TaskFacts, WorkplaceSnapshot
from tillid.matching.proposals.upskilling import needs, open_target

PROFESSIONS = {"sosu_assistent": ProfessionFacts("sosu_assistent", "SOSU-assistent", "Assistant", 285.0)}
TASK = TaskFacts("t1", "Medicin", "Medication", 10.0, {"medicin": 2, "saar": 2}, ("sosu_assistent",), {})
CHANGED = TaskFacts("t2", "Sår", "Wounds", 10.0, {"saar": 4}, ("sosu_assistent",), {},
                    added_requirements={"saar": 4})


def workplace(*employees: EmployeeFacts, tasks=(TASK,), current=()) -> WorkplaceSnapshot:
    return WorkplaceSnapshot(workplace_id="wp-a", name="A", organisation_id="org-a", committee_id="med-a",
                             sector="municipality", professions=PROFESSIONS, employees=employees, tasks=tuple(tasks),
                             current=tuple(current), activities={})


def person(**answers) -> EmployeeFacts:
    return EmployeeFacts("e1", "sosu_assistent", 37.0, {"medicin": 1}, learning_interests=("medicin", "saar"),
                         **answers)


def targets(snapshot: WorkplaceSnapshot, leon_result=None) -> list[tuple[str, dict]]:
    return [(n.source, dict(n.target)) for n in needs(snapshot, leon_result)]


def test_open_target_leaves_out_declined_levels_and_disputed_skills():
    e = person(quiet={"medicin": 3}, disputed=("saar",))
    assert open_target(e, {"medicin": 3, "saar": 2, "ledelse": 1}) == {"ledelse": 1}
    assert open_target(e, {"medicin": 4}) == {"medicin": 4}  # a higher level is a new need
    assert open_target(person(), {"medicin": 3, "saar": 2}) == {"medicin": 3, "saar": 2}


def test_a_declined_wish_is_not_proposed_and_the_other_wish_stays():
    assert targets(workplace(person())) == [("interest", {"medicin": 3, "saar": 3})]
    assert targets(workplace(person(quiet={"medicin": 3}))) == [("interest", {"saar": 3})]
    assert targets(workplace(person(quiet={"medicin": 3, "saar": 3}))) == []
    assert targets(workplace(person(disputed=("medicin", "saar")))) == []


def test_an_uncovered_task_skips_the_person_whose_only_gap_was_declined():
    e = EmployeeFacts("e1", "sosu_assistent", 37.0, {"medicin": 1, "saar": 2})
    uncovered = {"uncovered": [{"task": "t1", "hours": 5.0}]}
    assert targets(workplace(e), uncovered) == [("task", {"medicin": 2, "saar": 2})]
    quiet = EmployeeFacts("e1", "sosu_assistent", 37.0, {"medicin": 1, "saar": 2}, quiet={"medicin": 2})
    assert targets(workplace(quiet), uncovered) == []


def test_a_raised_requirement_is_a_new_need_despite_a_lower_decline():
    e = EmployeeFacts("e1", "sosu_assistent", 37.0, {"saar": 2}, quiet={"saar": 3})
    found = targets(workplace(e, tasks=(CHANGED,), current=(("e1", "t2", 10.0),)))
    assert found == [("change", {"saar": 4})]
    declined_that_too = EmployeeFacts("e1", "sosu_assistent", 37.0, {"saar": 2}, quiet={"saar": 4})
    assert targets(workplace(declined_that_too, tasks=(CHANGED,), current=(("e1", "t2", 10.0),))) == []
