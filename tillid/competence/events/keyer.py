"""The Kafka message key of an event: the organisation id, so one organisation's events stay in order.

docs/contracts/events.md: "The message key is the organisation id (or the
workplace id where no organisation applies)". Most events name a workplace or an
employee, not an organisation; the Keyer learns the links from the events it sees (and from
maps a worker seeds it with from the store) and resolves

    employee -> workplace -> organisation

The rule per type (first that applies):

======================================  =============================================================
type                                    key
======================================  =============================================================
WorkplaceUpserted                       organisation_id
AuthorisationRuleChanged,               organisation_id
DigitalisationChange
EmployeeUpserted, TaskDemandChanged,    organisation of workplace_id, else workplace_id
TaskAssignmentReported
RotationSlotOffered                     organisation of host_workplace_id, else host_workplace_id
RotationSlotWithdrawn                   key of the slot's RotationSlotOffered, else slot_id
EmployeeLeft, EmployeeErased,           organisation of the employee's workplace, else that workplace,
CompetenceAssessed, CourseCompleted,    else employee_id
RotationInterestExpressed,
RotationInterestWithdrawn,
SuggestionIssued, SuggestionAnswered,
CompetenceDisputed
ProposalIssued                          organisation of scope when scope is a known workplace, else scope
ProposalWithdrawn, ProposalDecided      key of the proposal's ProposalIssued, else proposal_id
ProfessionUpserted                      profession_id (national, no organisation applies)
TaskDefined                             task_id (national baseline)
LearningActivityPublished / Withdrawn   activity_id (national catalogue)
FundPublished, FundBalanceReported      fund_id (national funds)
======================================  =============================================================

Links are learnt before the key is computed, so an EmployeeUpserted that
moves an employee is keyed by the new workplace's organisation. An
EmployeeErased drops the employee's link after keying it (no personal data
kept longer than needed). A key can change once a link becomes known (an
employee event seen before its workplace's WorkplaceUpserted is keyed by the
workplace id); publish organisation structure first to avoid that.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from tillid.competence.events.envelope import Envelope


class Keyer:
    """Computes message keys; stateful only in the links it has learnt (no I/O)."""

    def __init__(self, workplace_org: Mapping[str, str] | None = None,
                 employee_workplace: Mapping[str, str] | None = None,
                 slot_workplace: Mapping[str, str] | None = None,
                 proposal_key: Mapping[str, str] | None = None) -> None:
        self.workplace_org: dict[str, str] = dict(workplace_org or {})
        self.employee_workplace: dict[str, str] = dict(employee_workplace or {})
        self.slot_workplace: dict[str, str] = dict(slot_workplace or {})
        self.proposal_key: dict[str, str] = dict(proposal_key or {})
        self._rules: dict[str, Callable[[Mapping[str, Any]], str]] = {
            "WorkplaceUpserted": self._workplace_upserted,
            "ProfessionUpserted": lambda p: p["profession_id"],
            "EmployeeUpserted": self._employee_upserted,
            "EmployeeLeft": self._of_employee,
            "EmployeeErased": self._employee_erased,
            "CompetenceAssessed": self._of_employee,
            "CourseCompleted": self._of_employee,
            "TaskDefined": lambda p: p["task_id"],
            "TaskDemandChanged": lambda p: self.of_workplace(p["workplace_id"]),
            "TaskAssignmentReported": lambda p: self.of_workplace(p["workplace_id"]),
            "AuthorisationRuleChanged": lambda p: p["organisation_id"],
            "DigitalisationChange": lambda p: p["organisation_id"],
            "LearningActivityPublished": lambda p: p["activity_id"],
            "LearningActivityWithdrawn": lambda p: p["activity_id"],
            "FundPublished": lambda p: p["fund_id"],
            "FundBalanceReported": lambda p: p["fund_id"],
            "RotationSlotOffered": self._slot_offered,
            "RotationSlotWithdrawn": self._slot_withdrawn,
            "RotationInterestExpressed": self._of_employee,
            "RotationInterestWithdrawn": self._of_employee,
            "ProposalIssued": self._proposal_issued,
            "ProposalWithdrawn": self._of_proposal,
            "ProposalDecided": self._of_proposal,
            "SuggestionIssued": self._of_employee,
            "SuggestionAnswered": self._of_employee,
            "CompetenceDisputed": self._of_employee,
        }

    def key(self, envelope: Envelope) -> str:
        """The message key of a validated event (learning any link it announces)."""
        return self._rules[envelope.type](envelope.payload)

    def of_workplace(self, workplace_id: str) -> str:
        return self.workplace_org.get(workplace_id, workplace_id)

    def of_employee(self, employee_id: str) -> str:
        workplace_id = self.employee_workplace.get(employee_id)
        return employee_id if workplace_id is None else self.of_workplace(workplace_id)

    def known_organisation_of_workplace(self, workplace_id: str) -> str | None:
        """The workplace's organisation, or None where ``key`` would fall back to an id."""
        return self.workplace_org.get(workplace_id)

    def known_organisation_of_employee(self, employee_id: str) -> str | None:
        workplace_id = self.employee_workplace.get(employee_id)
        return None if workplace_id is None else self.workplace_org.get(workplace_id)

    def _of_employee(self, payload: Mapping[str, Any]) -> str:
        return self.of_employee(payload["employee_id"])

    def _workplace_upserted(self, payload: Mapping[str, Any]) -> str:
        self.workplace_org[payload["workplace_id"]] = payload["organisation_id"]
        return payload["organisation_id"]

    def _employee_upserted(self, payload: Mapping[str, Any]) -> str:
        self.employee_workplace[payload["employee_id"]] = payload["workplace_id"]
        return self.of_workplace(payload["workplace_id"])

    def _employee_erased(self, payload: Mapping[str, Any]) -> str:
        key = self.of_employee(payload["employee_id"])
        self.employee_workplace.pop(payload["employee_id"], None)
        return key

    def _slot_offered(self, payload: Mapping[str, Any]) -> str:
        self.slot_workplace[payload["slot_id"]] = payload["host_workplace_id"]
        return self.of_workplace(payload["host_workplace_id"])

    def _slot_withdrawn(self, payload: Mapping[str, Any]) -> str:
        workplace_id = self.slot_workplace.get(payload["slot_id"])
        return payload["slot_id"] if workplace_id is None else self.of_workplace(workplace_id)

    def _proposal_issued(self, payload: Mapping[str, Any]) -> str:
        key = self.of_workplace(payload["scope"])
        self.proposal_key[payload["proposal_id"]] = key
        return key

    def _of_proposal(self, payload: Mapping[str, Any]) -> str:
        return self.proposal_key.get(payload["proposal_id"], payload["proposal_id"])
