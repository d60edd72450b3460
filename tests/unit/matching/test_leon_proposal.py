"""A LEON proposal says where each krone of its weekly difference comes from; freed hours are never a saving."""

from tillid.matching.leon import solve
from tillid.matching.proposals.leon import leon_instance, leon_proposal
from tillid.matching.proposals.snapshot import (
    EmployeeFacts,
    FreedHours,
    NeedElsewhere,
    ProfessionFacts,
    TaskFacts,
    WorkplaceSnapshot,
)

PROFESSIONS = {"sygeplejerske": ProfessionFacts("sygeplejerske", "Sygeplejerske", "Nurse", 345.0),
               "sosu-assistent": ProfessionFacts("sosu-assistent", "Social- og sundhedsassistent",
                                                 "Social and health care assistant", 285.0)}
BOTH = ("sygeplejerske", "sosu-assistent")


def snapshot(tasks, current, employees=None, freed=(), needed=()):
    staff = employees or (EmployeeFacts("n1", "sygeplejerske", 37.0, {}),
                          EmployeeFacts("a1", "sosu-assistent", 37.0, {}))
    return WorkplaceSnapshot(workplace_id="wp-1", name="Plejecenter Test", organisation_id="org-1",
                             committee_id="med-1", sector="municipality", professions=PROFESSIONS,
                             employees=tuple(staff), tasks=tuple(tasks), current=tuple(current), activities={},
                             freed=tuple(freed), needed_elsewhere=tuple(needed))


def medicine(hours):
    return TaskFacts("task-medicin", "Medicingivning", "Giving medicine", hours, {}, BOTH, {})


def propose(facts, change_penalty=0.0):
    instance = leon_instance(facts, change_penalty=change_penalty)
    return leon_proposal(facts, instance, solve(instance))


def test_hours_the_task_no_longer_needs_are_freed_hours_not_a_saving():
    """The issue's example: 10 h/week needed, a nurse reports 20; an assistant may do it. 600 DKK come from the
    move; the other 10 hours are freed by a digitalisation change, shown as hours and where they are needed."""
    facts = snapshot([medicine(10.0)], [("n1", "task-medicin", 20.0)],
                     freed=[FreedHours("chg-robot", "Dispensing robot", "task-medicin", 10.0)],
                     needed=[NeedElsewhere("wp-2", "Hjemmeplejen Nord", "task-medicin", 12.0)])
    draft = propose(facts)
    effect = draft.effect
    assert effect["reallocation_dkk_per_week"] == 600.0
    assert effect["moves"] == [{"task": "task-medicin", "from_profession": "sygeplejerske",
                                "to_profession": "sosu-assistent", "hours": 10.0, "saving_per_week": 600.0}]
    assert effect["coverage"]["hours_per_week"] == 0.0 and effect["coverage"]["dkk_per_week"] == 0.0
    freed = effect["freed"]
    assert (freed["hours_per_week"], freed["dkk_per_week"], freed["digitalisation_hours"]) == (10.0, 3450.0, 10.0)
    assert freed["tasks"][0]["reasons"] == [{"reason": "digitalisation", "hours": 10.0, "change_ids": ["chg-robot"]}]
    assert freed["tasks"][0]["professions"] == {"sygeplejerske": 10.0}
    assert [n["workplace_name"] for n in freed["tasks"][0]["needed_elsewhere"]] == ["Hjemmeplejen Nord"]
    assert effect["dkk_per_week"] == 4050.0 == effect["current_cost_per_week"] - effect["proposed_cost_per_week"]
    assert effect["dkk_per_week"] == (effect["reallocation_dkk_per_week"] + effect["coverage"]["dkk_per_week"]
                                      + freed["dkk_per_week"])
    assert effect["current_cost_within_demand_per_week"] == 3450.0
    assert draft.summary_da == ("Plejecenter Test: Flytter 10,0 timer/uge til billigere kvalificeret faggruppe "
                                "(1 flytning): sparer 600 kr./uge. 10,0 timer/uge frigøres (digitalisering) – "
                                "kompetencerne kan bruges i Hjemmeplejen Nord.")
    assert draft.summary_en == ("Plejecenter Test: Moves 10.0 hours/week to a cheaper qualified staff group "
                                "(1 move): saves DKK 600 a week. 10.0 hours/week are freed (digitalisation) – "
                                "the skills are needed at Hjemmeplejen Nord.")
    for text in (draft.summary_da, draft.summary_en):
        assert "4.050" not in text and "4,050" not in text


def test_hours_reported_beyond_a_lower_demand_are_freed_for_that_reason():
    facts = snapshot([medicine(10.0)], [("a1", "task-medicin", 16.0)])
    draft = propose(facts)
    assert draft.effect["reallocation_dkk_per_week"] == 0.0 and draft.effect["moves"] == []
    assert draft.effect["freed"]["tasks"][0]["reasons"] == [{"reason": "demand", "hours": 6.0}]
    assert draft.effect["dkk_per_week"] == draft.effect["freed"]["dkk_per_week"] == 6 * 285.0
    assert draft.summary_da == ("Plejecenter Test: 6,0 timer/uge frigøres (lavere indmeldt behov) – "
                                "tiden kan gå til kerneopgaverne.")
    assert "sparer" not in draft.summary_da and "saves" not in draft.summary_en


def test_covering_more_hours_at_a_higher_total_cost_costs_more_and_covers_more():
    """Today a nurse covers 8 of 20 hours; the proposal moves them to an assistant (saving 480) and covers the
    other 12 (costing 3,420): 2,940 more a week in all."""
    staff = (EmployeeFacts("n1", "sygeplejerske", 37.0, {}), EmployeeFacts("a1", "sosu-assistent", 20.0, {}))
    facts = snapshot([medicine(20.0)], [("n1", "task-medicin", 8.0)], employees=staff)
    draft = propose(facts)
    effect = draft.effect
    assert effect["reallocation_dkk_per_week"] == 480.0
    assert effect["coverage"] == {"hours_per_week": 12.0, "dkk_per_week": -3420.0, "newly_covered_hours": 12.0,
                                  "newly_covered_cost_dkk": 3420.0, "no_longer_covered_hours": 0.0,
                                  "no_longer_covered_cost_dkk": 0.0}
    assert effect["freed"]["hours_per_week"] == 0.0 and effect["freed"]["dkk_per_week"] == 0.0
    assert effect["dkk_per_week"] == -2940.0 == effect["current_cost_per_week"] - effect["proposed_cost_per_week"]
    assert draft.summary_da == ("Plejecenter Test: Koster mere, dækker mere. Flytter 8,0 timer/uge til billigere "
                                "kvalificeret faggruppe (1 flytning): sparer 480 kr./uge. Dækker 12,0 timer/uge mere "
                                "med kvalificeret personale: koster 3.420 kr./uge.")
    assert draft.summary_en == ("Plejecenter Test: Costs more, covers more. Moves 8.0 hours/week to a cheaper "
                                "qualified staff group (1 move): saves DKK 480 a week. Covers 12.0 more hours/week "
                                "with qualified staff: costs DKK 3,420 a week.")


def test_no_proposal_when_today_is_already_the_best_allocation():
    facts = snapshot([medicine(10.0)], [("a1", "task-medicin", 10.0)])
    assert propose(facts) is None


def test_the_unstaffed_hours_a_proposal_names_elsewhere_are_part_of_its_substance():
    """A proposal whose hours elsewhere changed is a new proposal (it supersedes the pending one), as a fresh
    system would draft it."""
    def drafted(needed):
        return propose(snapshot([medicine(10.0)], [("n1", "task-medicin", 20.0)],
                                freed=[FreedHours("chg-robot", "Dispensing robot", "task-medicin", 10.0)],
                                needed=needed))

    twelve = drafted([NeedElsewhere("wp-2", "Hjemmeplejen Nord", "task-medicin", 12.0)])
    fourteen = drafted([NeedElsewhere("wp-2", "Hjemmeplejen Nord", "task-medicin", 14.0)])
    assert twelve.fingerprint != fourteen.fingerprint
    assert drafted([NeedElsewhere("wp-2", "Hjemmeplejen Nord", "task-medicin", 12.0)]).fingerprint == twelve.fingerprint
