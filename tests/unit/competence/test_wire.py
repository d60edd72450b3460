"""wire.to_domain: payloads become typed, immutable domain objects."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from tests.unit.competence.events_fixture import valid_event, valid_events
from tillid.competence import model as m
from tillid.competence.events import validate
from tillid.competence.wire import to_domain

EXPECTED_TYPES = {
    "WorkplaceUpserted": m.Workplace, "ProfessionUpserted": m.Profession, "EmployeeUpserted": m.Employee,
    "EmployeeLeft": m.EmployeeLeft, "EmployeeErased": m.EmployeeErased, "CompetenceAssessed": m.Competence,
    "CourseCompleted": m.CourseCompleted, "TaskDefined": m.Task, "TaskDemandChanged": m.TaskDemand,
    "TaskAssignmentReported": m.TaskAssignment, "AuthorisationRuleChanged": m.AuthorisationRule,
    "DigitalisationChange": m.DigitalisationChange, "LearningActivityPublished": m.LearningActivity,
    "LearningActivityWithdrawn": m.LearningActivityWithdrawn, "FundPublished": m.Fund,
    "FundBalanceReported": m.FundBalance, "RotationSlotOffered": m.RotationSlot,
    "RotationSlotWithdrawn": m.RotationSlotWithdrawn, "RotationInterestExpressed": m.RotationInterest,
    "RotationInterestWithdrawn": m.RotationInterestWithdrawn, "ProposalIssued": m.Proposal,
    "ProposalWithdrawn": m.ProposalWithdrawn, "ProposalDecided": m.Decision, "SuggestionIssued": m.Suggestion,
    "SuggestionAnswered": m.SuggestionAnswer, "CompetenceDisputed": m.CompetenceDispute,
}


def domain(event_type, change=None):
    event = valid_event(event_type)
    if change:
        change(event["payload"])
    return to_domain(validate(event))


@pytest.mark.parametrize("event", valid_events(), ids=lambda event: event["type"])
def test_every_type_maps_to_a_frozen_domain_object(event):
    value = to_domain(validate(event))
    assert type(value) is EXPECTED_TYPES[event["type"]]
    field = dataclasses.fields(value)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(value, field, "x")


def test_workplace_and_its_organisation():
    value = domain("WorkplaceUpserted")
    assert value.sector is m.Sector.MUNICIPALITY
    assert value.committee_id == "med-aarhus-sundhed-omsorg"
    assert value.organisation == m.Organisation("org-aarhus-kommune", "Aarhus Kommune", m.Sector.MUNICIPALITY)


def test_employee_optional_fields():
    value = domain("EmployeeUpserted")
    assert value.age_band is m.AgeBand.FROM_40_TO_49
    assert value.learning_interests == ("esco:wound-care", "local:medicine-dispensing")
    assert value.weekly_hours == 32.0
    bare = domain("EmployeeUpserted", lambda p: (p.pop("age_band"), p.pop("learning_interests")))
    assert bare.age_band is None and bare.learning_interests == ()


def test_competence_dates_and_enums():
    value = domain("CompetenceAssessed")
    assert value.assessed_on == dt.date(2026, 11, 20)
    assert value.evidence is m.Evidence.MANAGER
    assert value.skill_level == m.SkillLevel("esco:wound-care", 3)


def test_task_requirements_become_tuples_of_requirements():
    value = domain("TaskDefined")
    assert value.required_skills == (m.SkillRequirement("local:medicine-dispensing", 3),
                                     m.SkillRequirement("esco:pharmacology-basics", 2))
    assert value.authorised_professions == ("sygeplejerske", "sosu-assistent")
    assert value.administrative is False


def test_digitalisation_effects_map_to_their_types():
    value = domain("DigitalisationChange")
    assert value.effective_on == dt.date(2027, 2, 1)
    hours, new, requirement, retired = value.effects
    assert hours == m.HoursFactor("task-medicine-dispensing", 0.6)
    assert isinstance(new, m.NewTask) and new.task.task_id == "task-robot-supervision"
    assert new.hours_at("wp-aarhus-hjemmepleje-syd") == 6.0 and new.hours_at("elsewhere") == 0.0
    assert requirement == m.RequirementAdded("task-medicine-dispensing",
                                             m.SkillRequirement("esco:digital-documentation", 2))
    assert retired == m.TaskRetired("task-paper-medicine-list")


def test_digitalisation_change_scope():
    scoped = domain("DigitalisationChange")
    everywhere = domain("DigitalisationChange", lambda p: p.pop("workplace_ids"))
    wp = lambda wid, org: m.Workplace(wid, "n", org, "o", m.Sector.MUNICIPALITY, "c")  # noqa: E731
    assert scoped.applies_to(wp("wp-aarhus-hjemmepleje-syd", "org-aarhus-kommune"))
    assert not scoped.applies_to(wp("wp-other", "org-aarhus-kommune"))
    assert everywhere.workplace_ids is None
    assert everywhere.applies_to(wp("wp-other", "org-aarhus-kommune"))
    assert not everywhere.applies_to(wp("wp-other", "org-odense"))


def test_learning_activity_and_rotation():
    activity = domain("LearningActivityPublished")
    assert activity.kind is m.ActivityKind.COURSE
    assert activity.teaches == (m.SkillTarget("local:medicine-dispensing", 3),)
    assert activity.cost_dkk == 1800.0
    slot = domain("RotationSlotOffered")
    assert (slot.weeks, slot.capacity, slot.starts_on) == (8, 2, dt.date(2027, 1, 11))
    interest = domain("RotationInterestExpressed")
    assert not interest.open_to_suggestions
    assert domain("RotationInterestExpressed", lambda p: p.update(ranked_slot_ids=[])).open_to_suggestions


def test_proposal_decision_suggestion():
    proposal = domain("ProposalIssued")
    assert proposal.status is m.ProposalStatus.PENDING
    assert proposal.kind is m.ProposalKind.LEON_ALLOCATION
    assert proposal.effect["hours_moved"] == 6
    with pytest.raises(TypeError):
        proposal.effect["hours_moved"] = 7  # type: ignore[index]
    (item,) = proposal.items
    assert (item.item_id, item.kind, item.employee_ids) == (
        "move:task-medicine-dispensing:sygeplejerske:sosu-assistent", m.ProposalItemKind.MOVE, ("emp-7f3a9c",))
    assert item.to_wire()["effect"] == {"hours_moved": 6, "dkk_per_week": 420.0, "cost_dkk": 0}
    decision = domain("ProposalDecided")
    assert decision.by is m.DecidedBy.COMMITTEE and decision.decision is m.DecisionOutcome.APPROVED
    assert decision.keep is None
    amended = domain("ProposalDecided", lambda p: p.update(decision="amended", keep=[item.item_id]))
    assert amended.keep == (item.item_id,)
    assert decision.decided_at == dt.datetime(2026, 11, 23, 13, 30, tzinfo=dt.timezone.utc)
    suggestion = domain("SuggestionIssued")
    assert suggestion.respond_by == dt.date(2026, 12, 14)
    assert domain("SuggestionIssued", lambda p: p.update(respond_by=None)).respond_by is None
    answer = domain("SuggestionAnswered")
    assert answer.response is m.SuggestionResponse.ACCEPTED and answer.comment is None


def test_unknown_payload_fields_are_ignored_by_the_mapping():
    value = domain("TaskDemandChanged", lambda p: p.update(source_system_ref="x-17"))
    assert value == m.TaskDemand("wp-aarhus-hjemmepleje-syd", "task-medicine-dispensing", 46.5)


def test_domain_types_reject_impossible_values():
    with pytest.raises(ValueError, match="level"):
        m.SkillRequirement("s", 6)
    with pytest.raises(ValueError, match="hours_per_week"):
        m.TaskDemand("wp", "t", -1)
    with pytest.raises(ValueError, match="factor"):
        m.HoursFactor("t", 0)


def test_a_decline_reason_and_course_sessions_are_typed_and_optional():
    assert domain("SuggestionAnswered").reason is None
    declined = domain("SuggestionAnswered", lambda p: p.update(response="declined", reason="no_time"))
    assert declined.reason is m.DeclineReason.NO_TIME
    assert domain("LearningActivityPublished").sessions == ()
    held = domain("LearningActivityPublished", lambda p: p.update(
        sessions=[{"starts_on": "2027-03-01", "place": "Vejle"}, {"starts_on": "2027-06-07"}]))
    assert held.sessions == (m.CourseSession(dt.date(2027, 3, 1), "Vejle"), m.CourseSession(dt.date(2027, 6, 7)))


def test_a_dispute_names_the_entry_and_the_persons_words():
    value = domain("CompetenceDisputed")
    assert (value.employee_id, value.skill, value.level) == ("emp-7f3a9c", "esco:wound-care", 3)
    assert value.comment.startswith("Jeg har")
