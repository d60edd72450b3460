"""people_named: every person a proposal names, on proposals the real builders and solvers make.

``employee_ids`` is not enough: a LEON proposal's unlock trains people whose hours do not change, an
upskilling proposal names mentors and the learners no path reaches, a rotation proposal the unplaced
and the blocking pairs. Whoever reads the proposal reads about all of them (the audit log's subjects).
"""

from __future__ import annotations

from dataclasses import asdict

from tillid.matching import leon, rotation, upskilling
from tillid.matching.proposals.leon import leon_instance, leon_proposal
from tillid.matching.proposals.people import people_named
from tillid.matching.proposals.rotation import rotation_instance, rotation_proposals
from tillid.matching.proposals.snapshot import (ActivityFacts, ApplicantFacts, EmployeeFacts, ProfessionFacts,
                                                RotationSnapshot, SlotFacts, TaskFacts, WorkplaceSnapshot)
from tillid.matching.proposals.upskilling import mentors_for, needs, upskill_instances, upskilling_proposal

PROFESSIONS = {"sygeplejerske": ProfessionFacts("sygeplejerske", "Sygeplejerske", "Nurse", 345.0),
               "sosu_assistent": ProfessionFacts("sosu_assistent", "SOSU-assistent", "Assistant", 285.0)}


def workplace(employees, tasks, current=(), activities=()) -> WorkplaceSnapshot:
    return WorkplaceSnapshot(workplace_id="wp-a", name="Plejecenter A", organisation_id="org-a",
                             committee_id="med-a", sector="municipality", professions=PROFESSIONS,
                             employees=tuple(employees), tasks=tuple(tasks), current=tuple(current),
                             activities={a.activity_id: a for a in activities})


def as_proposal(draft) -> dict:
    """The draft as the store and the API serve it."""
    return {"proposal_id": "p", **asdict(draft)}


def test_a_leon_proposal_names_the_people_an_unlock_would_train():
    snapshot = workplace(
        employees=[EmployeeFacts("e1", "sygeplejerske", 37.0, {"medicin": 4}),
                   EmployeeFacts("e2", "sosu_assistent", 37.0, {"medicin": 3}, completed=("delegation",)),
                   EmployeeFacts("e3", "sosu_assistent", 30.0, {"medicin": 2})],
        tasks=[TaskFacts("oejendraaber", "Øjendråber", "Eye drops", 50.0, {"medicin": 2}, ("sygeplejerske",),
                         {"sosu_assistent": "delegation"})],
        current=[("e1", "oejendraaber", 37.0), ("e2", "oejendraaber", 13.0)],
        activities=[ActivityFacts("delegation", "course", "Delegation", {}, {}, 7.0, 2400.0, "AMU")])
    instance = leon_instance(snapshot, change_penalty=0.0)
    draft = leon_proposal(snapshot, instance, leon.solve(instance))

    assert draft is not None and "e3" not in draft.employee_ids
    assert draft.explanation["unlocks"][0]["employees"] == ["e3"]
    assert people_named(as_proposal(draft)) == ("e1", "e2", "e3")


def test_an_upskilling_proposal_names_mentors_and_the_unreachable():
    snapshot = workplace(
        employees=[EmployeeFacts("e1", "sosu_assistent", 37.0, {"medicin": 0}, learning_interests=("medicin",)),
                   EmployeeFacts("m1", "sosu_assistent", 37.0, {"medicin": 5}),
                   EmployeeFacts("x1", "sosu_assistent", 37.0, {}, learning_interests=("ledelse",))],
        tasks=[TaskFacts("t1", "Medicin", "Medication", 10.0, {"medicin": 2, "ledelse": 1}, ("sosu_assistent",), {})],
        activities=[ActivityFacts("peer", "peer_training", "Sidemandsoplæring", {"medicin": 3}, {}, 6.0, 0.0, "lokal"),
                    ActivityFacts("kursus", "course", "Medicinkursus", {"medicin": 3}, {}, 14.0, 5000.0, "AMU")])
    found = needs(snapshot, None)
    results = [upskilling.solve(i) for i in upskill_instances(snapshot, found, mentors_for(snapshot, found))]
    draft = upskilling_proposal(snapshot, results, found)

    assert draft is not None and draft.employee_ids == ("e1",)
    assert draft.explanation["per_employee"]["e1"]["steps"][0]["mentors"] == ["m1"]
    assert draft.explanation["unreachable"][0]["employee"] == "x1"
    assert people_named(as_proposal(draft)) == ("e1", "m1", "x1")


def test_a_rotation_proposal_names_the_unplaced():
    slot = SlotFacts("s1", "Akutmodtagelsen", "wp-r", "region", "region-midt", 1, 6, {}, {"sektorovergange": 3})
    applicants = [ApplicantFacts(e, "wp-a", "municipality", "org-a", "med-a", "sosu_assistent", {"medicin": level},
                                 ("s1",), 8) for e, level in (("a1", 3), ("a2", 2))]
    snapshot = RotationSnapshot(slots=(slot,), applicants=tuple(applicants), max_away_per_workplace={})
    [draft] = rotation_proposals(snapshot, rotation.solve(rotation_instance(snapshot)))

    unplaced = draft.explanation["unplaced"]
    assert unplaced and not set(unplaced) & set(draft.employee_ids)
    assert people_named(as_proposal(draft)) == tuple(sorted({*draft.employee_ids, *unplaced}))


def test_blocking_pairs_freed_hours_and_items_are_read_by_their_keys():
    proposal = {
        "proposal_id": "p", "employee_ids": ["a1"],
        "explanation": {"per_employee": {"a1": {"why": {"applicant": "a1", "choices_above": []}}},
                        "blocking_pairs": [{"applicant": "b1", "slot": "s1"}],
                        "freed_hours": [{"task": "t", "people": [{"employee": "f1", "profession": "sosu"}]}],
                        "stats": {"unplaced": 3}},
        "effect": {"employees": 4, "training": [{"activity": "x", "employees": ["t1", "erased"]}]},
        "items": [{"item_id": "i1", "employee_ids": ["i9"]}],
        "decisions": [{"by": "employee", "comment": "ok"}],
    }
    assert people_named(proposal) == ("a1", "b1", "f1", "i9", "t1")
