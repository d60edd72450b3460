"""Event payloads (wire records) to domain types: the edge between JSON and typed data.

``to_domain`` takes an Envelope that has passed validation, so every required
field is present and well-typed; it converts dates, enums, lists and numbers
and ignores unknown payload fields.

=========================== =============================
event type                  domain object
=========================== =============================
WorkplaceUpserted           Workplace
ProfessionUpserted          Profession
EmployeeUpserted            Employee
EmployeeLeft                EmployeeLeft
EmployeeErased              EmployeeErased
CompetenceAssessed          Competence
CourseCompleted             CourseCompleted
TaskDefined                 Task
TaskDemandChanged           TaskDemand
TaskAssignmentReported      TaskAssignment
AuthorisationRuleChanged    AuthorisationRule
DigitalisationChange        DigitalisationChange
LearningActivityPublished   LearningActivity
LearningActivityWithdrawn   LearningActivityWithdrawn
FundPublished               Fund
FundBalanceReported         FundBalance
RotationSlotOffered         RotationSlot
RotationSlotWithdrawn       RotationSlotWithdrawn
RotationInterestExpressed   RotationInterest
RotationInterestWithdrawn   RotationInterestWithdrawn
ProposalIssued              Proposal (status pending)
ProposalWithdrawn           ProposalWithdrawn
ProposalDecided             Decision
SuggestionIssued            Suggestion
SuggestionAnswered          SuggestionAnswer
CompetenceDisputed          CompetenceDispute
=========================== =============================
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from tillid.competence import model as m
from tillid.competence.events.envelope import Envelope
from tillid.competence.events.formats import parse_date, parse_date_time

Payload = Mapping[str, Any]


def to_domain(envelope: Envelope) -> Any:
    """The domain object an event announces (see the table in the module docstring)."""
    return _CONVERTERS[envelope.type](envelope.payload)


def _date(text: str) -> dt.date:
    value = parse_date(text)
    if value is None:
        raise ValueError(f"not a date: {text!r} (validate the event first)")
    return value


def _date_time(text: str) -> dt.datetime:
    value = parse_date_time(text)
    if value is None:
        raise ValueError(f"not a time with zone: {text!r} (validate the event first)")
    return value


def _optional_date(text: str | None) -> dt.date | None:
    return None if text is None else _date(text)


def requirements(items: Any) -> tuple[m.SkillRequirement, ...]:
    return tuple(m.SkillRequirement(item["skill"], int(item["min_level"])) for item in items)


def targets(items: Any) -> tuple[m.SkillTarget, ...]:
    return tuple(m.SkillTarget(item["skill"], int(item["to_level"])) for item in items)


def workplace(p: Payload) -> m.Workplace:
    return m.Workplace(p["workplace_id"], p["name"], p["organisation_id"], p["organisation_name"],
                       m.Sector(p["sector"]), p["committee_id"])


def profession(p: Payload) -> m.Profession:
    return m.Profession(p["profession_id"], p["title_da"], p["title_en"], float(p["hourly_cost_dkk"]))


def employee(p: Payload) -> m.Employee:
    age_band = p.get("age_band")
    return m.Employee(
        employee_id=p["employee_id"],
        profession_id=p["profession_id"],
        workplace_id=p["workplace_id"],
        weekly_hours=float(p["weekly_hours"]),
        age_band=None if age_band is None else m.AgeBand(age_band),
        learning_interests=tuple(p.get("learning_interests") or ()),
    )


def competence(p: Payload) -> m.Competence:
    return m.Competence(p["employee_id"], p["skill"], int(p["level"]), _date(p["assessed_on"]),
                        m.Evidence(p["evidence"]))


def task(p: Payload) -> m.Task:
    return m.Task(p["task_id"], p["name_da"], p["name_en"], requirements(p["required_skills"]),
                  tuple(p["authorised_professions"]), bool(p["administrative"]))


def authorisation_rule(p: Payload) -> m.AuthorisationRule:
    return m.AuthorisationRule(p["organisation_id"], p["task_id"], p["profession_id"], bool(p["allowed"]),
                               p.get("requires_activity_id") or None, p.get("note"))


def digitalisation_effect(item: Payload) -> m.DigitalisationEffect:
    kind = item["kind"]
    if kind == "hours_factor":
        return m.HoursFactor(item["task_id"], float(item["factor"]))
    if kind == "new_task":
        hours = tuple(sorted((workplace_id, float(value)) for workplace_id, value in item["hours_per_week"].items()))
        return m.NewTask(task(item["task"]), hours)
    if kind == "requirement":
        return m.RequirementAdded(item["task_id"], m.SkillRequirement(item["skill"], int(item["min_level"])))
    if kind == "retire_task":
        return m.TaskRetired(item["task_id"])
    raise ValueError(f"unknown digitalisation effect kind {kind!r} (validate the event first)")


def digitalisation_change(p: Payload) -> m.DigitalisationChange:
    workplace_ids = p.get("workplace_ids")
    return m.DigitalisationChange(
        change_id=p["change_id"],
        organisation_id=p["organisation_id"],
        workplace_ids=None if workplace_ids is None else tuple(workplace_ids),
        description=p["description"],
        effective_on=_date(p["effective_on"]),
        effects=tuple(digitalisation_effect(item) for item in p["effects"]),
    )


def learning_activity(p: Payload) -> m.LearningActivity:
    return m.LearningActivity(p["activity_id"], m.ActivityKind(p["kind"]), p["title"], targets(p["teaches"]),
                              requirements(p["prerequisites"]), float(p["duration_hours"]), float(p["cost_dkk"]),
                              p["provider"], tuple(m.CourseSession(_date(x["starts_on"]), x.get("place"))
                                                   for x in p.get("sessions") or ()))


def rotation_slot(p: Payload) -> m.RotationSlot:
    return m.RotationSlot(p["slot_id"], p["host_workplace_id"], p["title"], targets(p["teaches"]),
                          requirements(p["requires"]), int(p["weeks"]), int(p["capacity"]), _date(p["starts_on"]))


def rotation_interest(p: Payload) -> m.RotationInterest:
    return m.RotationInterest(p["employee_id"], tuple(p["ranked_slot_ids"]), _date(p["available_from"]),
                              int(p["max_weeks"]))


def fund(p: Payload) -> m.Fund:
    def optional(key: str) -> tuple[str, ...] | None:
        return None if p.get(key) is None else tuple(p[key])

    return m.Fund(p["fund_id"], p["name"], tuple(p["sectors"]), tuple(p["covers"]), float(p["share"]),
                  float(p["cap_dkk_per_employee_year"]), optional("kinds"),
                  None if p.get("budget_dkk") is None else float(p["budget_dkk"]), optional("professions"))


def proposal(p: Payload) -> m.Proposal:
    return m.Proposal(
        proposal_id=p["proposal_id"],
        kind=m.ProposalKind(p["kind"]),
        committee_id=p["committee_id"],
        scope=p["scope"],
        employee_ids=tuple(p["employee_ids"]),
        summary_da=p["summary_da"],
        summary_en=p["summary_en"],
        explanation=p["explanation"],
        effect=p["effect"],
        supersedes=p["supersedes"],
        items=tuple(proposal_item(i) for i in p.get("items") or ()),
    )


def proposal_item(i: Payload) -> m.ProposalItem:
    return m.ProposalItem(i["item_id"], m.ProposalItemKind(i["kind"]), tuple(i["employee_ids"]), i["summary_da"],
                          i["summary_en"], i["effect"])


def decision(p: Payload) -> m.Decision:
    keep = p.get("keep")
    return m.Decision(p["proposal_id"], m.DecidedBy(p["by"]), m.DecisionOutcome(p["decision"]), p["comment"],
                      _date_time(p["decided_at"]), tuple(keep) if keep is not None else None)


def suggestion(p: Payload) -> m.Suggestion:
    return m.Suggestion(p["suggestion_id"], p["employee_id"], m.SuggestionKind(p["kind"]), p["proposal_id"],
                        p["summary_da"], p["summary_en"], _optional_date(p["respond_by"]))


def suggestion_answer(p: Payload) -> m.SuggestionAnswer:
    return m.SuggestionAnswer(p["suggestion_id"], p["employee_id"], m.SuggestionResponse(p["response"]),
                              p["comment"], _date_time(p["answered_at"]),
                              m.DeclineReason(p["reason"]) if p.get("reason") else None)


_CONVERTERS: dict[str, Callable[[Payload], Any]] = {
    "WorkplaceUpserted": workplace,
    "ProfessionUpserted": profession,
    "EmployeeUpserted": employee,
    "EmployeeLeft": lambda p: m.EmployeeLeft(p["employee_id"], _date(p["left_on"])),
    "EmployeeErased": lambda p: m.EmployeeErased(p["employee_id"]),
    "CompetenceAssessed": competence,
    "CourseCompleted": lambda p: m.CourseCompleted(p["employee_id"], p["activity_id"], _date(p["completed_on"]),
                                                   bool(p["passed"])),
    "TaskDefined": task,
    "TaskDemandChanged": lambda p: m.TaskDemand(p["workplace_id"], p["task_id"], float(p["hours_per_week"])),
    "TaskAssignmentReported": lambda p: m.TaskAssignment(p["workplace_id"], p["task_id"], p["employee_id"],
                                                         float(p["hours_per_week"])),
    "AuthorisationRuleChanged": authorisation_rule,
    "DigitalisationChange": digitalisation_change,
    "LearningActivityPublished": learning_activity,
    "LearningActivityWithdrawn": lambda p: m.LearningActivityWithdrawn(p["activity_id"]),
    "FundPublished": fund,
    "FundBalanceReported": lambda p: m.FundBalance(p["fund_id"], float(p["remaining_dkk"]), _date(p["as_of"])),
    "RotationSlotOffered": rotation_slot,
    "RotationSlotWithdrawn": lambda p: m.RotationSlotWithdrawn(p["slot_id"]),
    "RotationInterestExpressed": rotation_interest,
    "RotationInterestWithdrawn": lambda p: m.RotationInterestWithdrawn(p["employee_id"]),
    "ProposalIssued": proposal,
    "ProposalWithdrawn": lambda p: m.ProposalWithdrawn(p["proposal_id"], p["reason"]),
    "ProposalDecided": decision,
    "SuggestionIssued": suggestion,
    "SuggestionAnswered": suggestion_answer,
    "CompetenceDisputed": lambda p: m.CompetenceDispute(p["employee_id"], p["skill"], int(p["level"]), p["comment"]),
}
