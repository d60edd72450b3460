"""The rules of which events an hr: token may post (tillid/review/event_scope.py), without services."""

from __future__ import annotations

from tillid.competence.events import Keyer, validate
from tillid.review.event_scope import named_ids, refused_types, scope_problems
from tests.integration.store.scenario import event, organisation

SOURCE = "sd-loen"


def hr(*events: dict) -> list:
    return [validate({**e, "source": SOURCE}) for e in events]


def store() -> Keyer:
    """What the store knows: wp-a in org-a with e1, wp-b in org-b with e9 and slot s-b."""
    return Keyer(workplace_org={"wp-a": "org-a", "wp-b": "org-b"},
                 employee_workplace={"e1": "wp-a", "e9": "wp-b"}, slot_workplace={"s-b": "wp-b"})


def fields(events: list, organisations=("org-a",), keyer: Keyer | None = None) -> list[str]:
    return [p.field for p in scope_problems(events, SOURCE, organisations, keyer or store())]


def workplace(workplace_id: str, org: str, committee: str = "med-x") -> dict:
    return event("WorkplaceUpserted", workplace_id, workplace_id=workplace_id, name="W", sector="municipality",
                 organisation_id=org, organisation_name="O", committee_id=committee)


def employee_at(employee_id: str, workplace_id: str) -> dict:
    return event("EmployeeUpserted", f"{employee_id}@{workplace_id}", employee_id=employee_id,
                 profession_id="sosu_assistent", workplace_id=workplace_id, weekly_hours=37)


def about(type_: str, employee_id: str, **payload) -> dict:
    return event(type_, f"{type_}-{employee_id}", employee_id=employee_id, **payload)


def erased(employee_id: str) -> dict:
    return about("EmployeeErased", employee_id)


def assessed(employee_id: str) -> dict:
    return about("CompetenceAssessed", employee_id, skill="dk:x", level=2, assessed_on="2026-10-01",
                 evidence="manager")


def test_events_of_the_tokens_organisation_and_source_pass():
    assert fields(hr(assessed("e1"), workplace("wp-a", "org-a"), employee_at("e1", "wp-a"), erased("e1"))) == []


def test_another_source_is_refused_whatever_the_scope():
    events = [validate(assessed("e1"))]  # source "test"
    problems = scope_problems(events, SOURCE, ["*"], store())
    assert [p.field for p in problems] == ["0.source"] and "'sd-loen'" in problems[0].problem


def test_an_employee_of_another_organisation_is_refused_naming_it():
    problems = scope_problems(hr(assessed("e1"), erased("e9")), SOURCE, ["org-a"], store())
    assert [p.field for p in problems] == ["1.payload.employee_id"]
    assert "org-b" in problems[0].problem and "employee e9" in problems[0].problem


def test_moving_a_workplace_needs_the_old_and_the_new_organisation():
    assert fields(hr(workplace("wp-b", "org-b", committee="med-a"))) == ["0.payload.organisation_id",
                                                                        "0.payload.workplace_id"]
    assert fields(hr(workplace("wp-b", "org-a"))) == ["0.payload.workplace_id"]  # claiming it is not enough
    assert fields(hr(workplace("wp-a", "org-b")), ["org-b"]) == ["0.payload.workplace_id"]
    assert fields(hr(workplace("wp-b", "org-a")), ["org-a", "org-b"]) == []


def test_moving_an_employee_needs_the_old_and_the_new_organisation():
    assert fields(hr(employee_at("e1", "wp-b"))) == ["0.payload.workplace_id"]
    assert fields(hr(employee_at("e1", "wp-b")), ["org-b"]) == ["0.payload.employee_id"]
    assert fields(hr(employee_at("e1", "wp-b")), ["org-a", "org-b"]) == []
    assert fields(hr(employee_at("new", "wp-a"))) == []  # a new employee has no old organisation


def test_links_established_earlier_in_the_request_count_in_order():
    keyer = Keyer()
    events = hr(workplace("wp-new", "org-a"), employee_at("e50", "wp-new"), assessed("e50"))
    assert fields(events, keyer=keyer) == []
    assert fields(hr(employee_at("e50", "wp-new"), workplace("wp-new", "org-a")), keyer=Keyer()) == \
        ["0.payload.workplace_id"]  # the workplace came after: not known yet
    # a workplace established for another organisation does not lend it to this token
    assert fields(hr(workplace("wp-new", "org-b"), employee_at("e50", "wp-new")), keyer=Keyer()) == \
        ["0.payload.organisation_id", "1.payload.workplace_id"]
    # moved in the request: the next event about the employee concerns the new organisation
    assert fields(hr(employee_at("e1", "wp-b"), assessed("e1")), ["org-a"]) == \
        ["0.payload.workplace_id", "1.payload.employee_id"]


def test_unknown_things_are_refused_unless_national():
    events = hr(assessed("ghost"), event("RotationSlotWithdrawn", "s", slot_id="no-such-slot"),
                event("TaskDemandChanged", "d", workplace_id="wp-ghost", task_id="t", hours_per_week=3))
    problems = scope_problems(events, SOURCE, ["org-a"], store())
    assert [p.field for p in problems] == ["0.payload.employee_id", "1.payload.slot_id", "2.payload.workplace_id"]
    assert all("not known" in p.problem for p in problems)
    assert fields(events, ["*"]) == []
    assert fields(hr(erased("e1"), assessed("e1"))) == ["1.payload.employee_id"]  # erased: link gone


def test_events_of_no_organisation_need_the_national_scope():
    national = hr(*organisation()[1:], event("LearningActivityWithdrawn", "la", activity_id="amu-1"))
    assert fields(national) == ["0.type", "1.type", "2.type", "3.type"]
    assert fields(national, ["*"]) == []


def test_slots_tasks_and_digitalisation_name_their_workplaces():
    slot = event("RotationSlotOffered", "s-b", slot_id="s-b", host_workplace_id="wp-a", title="T", teaches=[],
                 requires=[], weeks=4, capacity=1, starts_on="2027-01-01")
    assert fields(hr(slot)) == ["0.payload.slot_id"]  # org-b's slot moved to wp-a: both needed
    assert fields(hr(event("RotationSlotWithdrawn", "w", slot_id="s-b"))) == ["0.payload.slot_id"]
    assignment = event("TaskAssignmentReported", "a", workplace_id="wp-a", task_id="t", employee_id="e9",
                       hours_per_week=2)
    assert fields(hr(assignment)) == ["0.payload.employee_id"]
    change = event("DigitalisationChange", "c", change_id="c", organisation_id="org-a", description="d",
                   effective_on="2027-01-01", workplace_ids=["wp-a"],
                   effects=[{"kind": "new_task", "hours_per_week": {"wp-b": 3},
                             "task": {"task_id": "n", "name_da": "n", "name_en": "n", "required_skills": [],
                                      "authorised_professions": [], "administrative": False}}])
    problems = scope_problems(hr(change), SOURCE, ["org-a"], store())
    assert [p.field for p in problems] == ["0.payload.effects"] and "workplace wp-b" in problems[0].problem
    listed = event("DigitalisationChange", "c2", change_id="c2", organisation_id="org-a", description="d",
                   effective_on="2027-01-01", workplace_ids=["wp-a", "wp-b"], effects=[])
    assert fields(hr(listed)) == ["0.payload.workplace_ids"]
    rule = event("AuthorisationRuleChanged", "r", organisation_id="org-b", task_id="t", profession_id="p",
                 allowed=True, note="")
    assert fields(hr(rule)) == ["0.payload.organisation_id"]


def test_ranked_slots_of_other_organisations_are_the_employees_choice():
    interest = about("RotationInterestExpressed", "e1", ranked_slot_ids=["s-b"], available_from="2027-01-01",
                     max_weeks=4)
    assert fields(hr(interest)) == []


def test_tillids_own_types_are_refused_before_validation():
    decided = {"type": "ProposalDecided", "payload": "not even valid"}
    items = [organisation()[0], decided, {"type": "SuggestionAnswered"}, {"type": "ProposalIssued"}, "x"]
    assert [p.field for p in refused_types(items)] == ["1.type", "2.type", "3.type"]


def test_named_ids_are_what_the_store_is_asked_about():
    named = named_ids(hr(employee_at("e1", "wp-b"), event("RotationSlotWithdrawn", "w", slot_id="s-b")))
    assert (named.workplaces, named.employees, named.slots) == ({"wp-b"}, {"e1"}, {"s-b"})
