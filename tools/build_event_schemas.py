"""Builds the JSON Schema files of the event contract (docs/contracts/events.md).

The files are written twice, with the same text: into
``tillid/competence/events/schemas/``, shipped in the package, which the
project validates against and ``tillid schemas`` hands to producers; and into
``docs/contracts/schemas/``, next to the contract they are generated from, so
the repository's reference is complete without installing anything. Each
``<Type>.v1.json`` is self-contained (it repeats the envelope) so a producer
can validate a complete message with any draft 2020-12 validator and no
reference resolution. This module reads nothing but the repository's own code
(``tillid.competence.events.signing``); a unit test checks that both folders
equal its output. After changing it run, from the repository root::

    python -m tools.build_event_schemas          # both folders
    python -m tools.build_event_schemas DIR      # only DIR
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from tillid.competence.events.signing import SIGNATURE_FIELD, SIGNED_TYPES

DRAFT = "https://json-schema.org/draft/2020-12/schema"
ID_BASE = "urn:tillid:schema:events:"
REPOSITORY = Path(__file__).resolve().parent.parent
PACKAGE_SCHEMA_DIR = REPOSITORY / "tillid" / "competence" / "events" / "schemas"
CONTRACT_SCHEMA_DIR = REPOSITORY / "docs" / "contracts" / "schemas"
SCHEMA_DIRS = (PACKAGE_SCHEMA_DIR, CONTRACT_SCHEMA_DIR)

Schema = dict[str, Any]


# --- building blocks --------------------------------------------------------

def identifier(what: str) -> Schema:
    return {"type": "string", "minLength": 1, "description": what}


def text(what: str) -> Schema:
    return {"type": "string", "description": what}


def nullable(schema: Schema) -> Schema:
    """The same schema, also accepting null (how producers often spell 'not given')."""
    widened = dict(schema)
    widened["type"] = [schema["type"], "null"]
    if "enum" in widened:
        widened["enum"] = [*schema["enum"], None]
    return widened


def date(what: str) -> Schema:
    return {"type": "string", "format": "date", "description": f"{what} (ISO 8601 date, e.g. 2026-11-23)"}


def date_time(what: str) -> Schema:
    return {"type": "string", "format": "date-time",
            "description": f"{what} (ISO 8601 / RFC 3339 time with zone, e.g. 2026-11-23T10:00:00Z)"}


def level(what: str) -> Schema:
    return {"type": "integer", "minimum": 0, "maximum": 5,
            "description": f"{what}: 0 none, 1 under instruction, 2 independent with support, "
                           "3 independent, 4 experienced, 5 expert"}


def hours_per_week(what: str) -> Schema:
    """One person's hours in a week: at most the 168 hours a week has."""
    return {"type": "number", "minimum": 0, "maximum": 168, "description": f"{what} (hours per week, 0 to 168)"}


def workplace_hours_per_week(what: str) -> Schema:
    """A workplace's total for a task: many people's hours, so no weekly ceiling."""
    return {"type": "number", "minimum": 0, "description": f"{what} (hours per week at the workplace, 0 or more)"}


def money(what: str) -> Schema:
    return {"type": "number", "minimum": 0, "description": f"{what} (DKK)"}


def enum(what: str, *values: str) -> Schema:
    return {"type": "string", "enum": list(values), "description": what}


def boolean(what: str) -> Schema:
    return {"type": "boolean", "description": what}


def id_list(what: str, *, min_items: int = 0) -> Schema:
    schema: Schema = {"type": "array", "items": {"type": "string", "minLength": 1}, "description": what}
    if min_items:
        schema["minItems"] = min_items
    return schema


def skill_requirements(what: str) -> Schema:
    return {"type": "array", "description": what, "items": {
        "type": "object",
        "required": ["skill", "min_level"],
        "properties": {"skill": identifier("skill id (ESCO URI or local code)"),
                       "min_level": level("lowest level that suffices")},
    }}


def skill_targets(what: str) -> Schema:
    return {"type": "array", "description": what, "items": {
        "type": "object",
        "required": ["skill", "to_level"],
        "properties": {"skill": identifier("skill id (ESCO URI or local code)"),
                       "to_level": level("level reached")},
    }}


def record(description: str, required: dict[str, Schema], optional: dict[str, Schema] | None = None) -> Schema:
    """An object with the given required and optional fields; unknown fields are tolerated."""
    return {
        "type": "object",
        "description": description + " Unknown fields are tolerated (forward compatibility) and ignored.",
        "required": list(required),
        "properties": {**required, **(optional or {})},
    }


def proposal_item() -> Schema:
    return record("A part of a proposal a committee can keep or drop.", {
        "item_id": identifier("stable for the proposal, e.g. path:EMPLOYEE or move:TASK:FROM:TO"),
        "kind": enum("what the part is", "path", "move", "placement", "unlock"),
        "employee_ids": id_list("pseudonymous ids of the employees the part concerns"),
        "summary_da": text("summary in Danish"),
        "summary_en": text("summary in English"),
        "effect": {"type": "object", "description": "its part of the proposal's effect (the same keys)"},
    })


# --- payloads, in the order of docs/contracts/events.md --------------------

def task_defined() -> Schema:
    return record("A task with its required skills and the national baseline of authorised professions.", {
        "task_id": identifier("task id"),
        "name_da": text("name in Danish"),
        "name_en": text("name in English"),
        "required_skills": skill_requirements("skills the task requires"),
        "authorised_professions": id_list("profession ids allowed to do the task (national baseline)"),
        "administrative": boolean("true for administrative work"),
    })


def digitalisation_effect() -> Schema:
    return {"oneOf": [
        record("The task now takes this fraction of its hours.", {
            "kind": {"type": "string", "const": "hours_factor"},
            "task_id": identifier("task id"),
            "factor": {"type": "number", "exclusiveMinimum": 0,
                       "description": "new hours / old hours; greater than 0 (0 is retire_task), "
                                      "above 1 when the change adds work"},
        }),
        record("A new task appears, with its weekly hours per workplace.", {
            "kind": {"type": "string", "const": "new_task"},
            "task": {"$ref": "#/$defs/TaskDefined"},
            "hours_per_week": {"type": "object", "description": "workplace id -> hours per week",
                               "propertyNames": {"minLength": 1},
                               "additionalProperties": workplace_hours_per_week("hours at that workplace")},
        }),
        record("The task now also requires this skill.", {
            "kind": {"type": "string", "const": "requirement"},
            "task_id": identifier("task id"),
            "skill": identifier("skill id"),
            "min_level": level("lowest level that suffices"),
        }),
        record("The task is no longer done.", {
            "kind": {"type": "string", "const": "retire_task"},
            "task_id": identifier("task id"),
        }),
    ]}


PAYLOADS: dict[str, tuple[str, Schema]] = {
    "WorkplaceUpserted": ("org.structure", record("A workplace and the organisation it belongs to.", {
        "workplace_id": identifier("workplace id"),
        "name": text("workplace name"),
        "sector": enum("sector of the organisation", "municipality", "region", "state"),
        "organisation_id": identifier("organisation id"),
        "organisation_name": text("organisation name"),
        "committee_id": identifier("the MED/SU committee reviewing this workplace"),
    })),
    "ProfessionUpserted": ("org.structure", record("A profession (staff group).", {
        "profession_id": identifier("profession id"),
        "title_da": text("title in Danish"),
        "title_en": text("title in English"),
        "hourly_cost_dkk": money("wage cost per productive hour"),
    })),
    "EmployeeUpserted": ("hr.employees", record("An employee, by pseudonymous id.", {
        "employee_id": identifier("pseudonymous id from the HR system"),
        "profession_id": identifier("profession id"),
        "workplace_id": identifier("workplace id"),
        "weekly_hours": hours_per_week("contracted hours"),
    }, {
        "age_band": nullable(enum("age band", "-29", "30-39", "40-49", "50-59", "60-")),
        "learning_interests": {"type": ["array", "null"], "items": {"type": "string", "minLength": 1},
                               "description": "skill ids the employee wants to learn"},
    })),
    "EmployeeLeft": ("hr.employees", record("An employee left.", {
        "employee_id": identifier("pseudonymous employee id"),
        "left_on": date("last day"),
    })),
    "EmployeeErased": ("hr.employees", record("Data subject erasure: remove personal data, keep anonymous aggregates.", {
        "employee_id": identifier("pseudonymous employee id"),
    })),
    "CompetenceAssessed": ("hr.competences", record("An assessment of one skill of one employee.", {
        "employee_id": identifier("pseudonymous employee id"),
        "skill": identifier("skill id or free-text name"),
        "level": level("assessed level"),
        "assessed_on": date("day of assessment"),
        "evidence": enum("what the assessment rests on", "self", "manager", "certificate", "course", "observed"),
    })),
    "CourseCompleted": ("hr.competences", record("An employee completed a learning activity.", {
        "employee_id": identifier("pseudonymous employee id"),
        "activity_id": identifier("learning activity id"),
        "completed_on": date("day of completion"),
        "passed": boolean("true when passed"),
    })),
    "TaskDefined": ("ops.tasks", task_defined()),
    "TaskDemandChanged": ("ops.tasks", record("Weekly hours of a task at a workplace.", {
        "workplace_id": identifier("workplace id"),
        "task_id": identifier("task id"),
        "hours_per_week": workplace_hours_per_week("hours of the task"),
    })),
    "TaskAssignmentReported": ("ops.tasks", record("How the work is done today; 0 hours removes the assignment.", {
        "workplace_id": identifier("workplace id"),
        "task_id": identifier("task id"),
        "employee_id": identifier("pseudonymous employee id"),
        "hours_per_week": hours_per_week("hours the employee spends on the task"),
    })),
    "AuthorisationRuleChanged": ("ops.tasks", record("A local rule on who may do a task (delegation, lokal instruks).", {
        "organisation_id": identifier("organisation id"),
        "task_id": identifier("task id"),
        "profession_id": identifier("profession id"),
        "allowed": boolean("false forbids the profession the task in this organisation"),
    }, {
        "requires_activity_id": nullable(identifier("allowed only after completing this learning activity")),
        "note": nullable(text("free text, e.g. the instruction it rests on")),
    })),
    "DigitalisationChange": ("ops.digitalisation", {
        **record("A digitalisation change and its effects on tasks.", {
            "change_id": identifier("change id"),
            "organisation_id": identifier("organisation id"),
            "description": text("what changes"),
            "effective_on": date("first day in effect"),
            "effects": {"type": "array", "items": digitalisation_effect(),
                        "description": "effects; each item is one of hours_factor, new_task, requirement, retire_task"},
        }, {
            "workplace_ids": nullable(id_list("workplaces affected (absent or null: all in the organisation)",
                                              min_items=1)),
        }),
        "$defs": {"TaskDefined": task_defined()},
    }),
    "LearningActivityPublished": ("learning.catalog", record("A course, e-learning or peer training.", {
        "activity_id": identifier("learning activity id"),
        "kind": enum("kind of activity", "course", "e_learning", "peer_training"),
        "title": text("title"),
        "teaches": skill_targets("skills and the level they are raised to"),
        "prerequisites": skill_requirements("skills needed before starting"),
        "duration_hours": {"type": "number", "minimum": 0, "description": "working hours away from tasks"},
        "cost_dkk": money("fee"),
        "provider": text("who offers it"),
    }, {
        "sessions": {"type": "array", "description": "when and where a course is held, when the catalogue "
                                                     "says (absent or empty: not given)", "items": record(
            "One session of the activity.", {"starts_on": date("first day")},
            {"place": nullable(text("where, e.g. a town or an address"))})},
    })),
    "LearningActivityWithdrawn": ("learning.catalog", record("A learning activity is no longer offered.", {
        "activity_id": identifier("learning activity id"),
    })),
    "FundPublished": ("learning.catalog", record(
        "A competence fund and what it pays for: a share of the costs it covers, up to a yearly cap per "
        "employee, while its budget lasts.", {
            "fund_id": identifier("fund id"),
            "name": text("name of the fund"),
            "sectors": {"type": "array", "minItems": 1, "uniqueItems": True, "description":
                        "sectors whose workplaces it pays for",
                        "items": {"type": "string", "enum": ["municipality", "region", "state"]}},
            "covers": {"type": "array", "minItems": 1, "uniqueItems": True, "description":
                       "costs it refunds a share of: the fee, and/or the cover (substitute) for the hours away",
                       "items": {"type": "string", "enum": ["fee", "cover"]}},
            "share": {"type": "number", "minimum": 0, "maximum": 1,
                      "description": "share of the covered costs it refunds (0 to 1)"},
            "cap_dkk_per_employee_year": money("most it refunds per employee per calendar year"),
        }, {
            "kinds": {"type": "array", "uniqueItems": True, "description":
                      "kinds of activity it pays for (absent: all)",
                      "items": {"type": "string", "enum": ["course", "e_learning", "peer_training"]}},
            "budget_dkk": money("what the fund has left (absent: no limit)"),
            "professions": id_list("profession ids it pays for (absent: all)"),
        })),
    "FundBalanceReported": ("learning.catalog", record("What a competence fund has left, as of a day.", {
        "fund_id": identifier("fund id"),
        "remaining_dkk": money("what is left"),
        "as_of": date("the day of the balance"),
    })),
    "RotationSlotOffered": ("rotation", record("A rotation placement offered by a host workplace.", {
        "slot_id": identifier("slot id"),
        "host_workplace_id": identifier("host workplace id"),
        "title": text("title"),
        "teaches": skill_targets("skills and the level the placement raises them to"),
        "requires": skill_requirements("skills needed to take the placement"),
        "weeks": {"type": "integer", "minimum": 1, "description": "length in weeks"},
        "capacity": {"type": "integer", "minimum": 1, "description": "number of people at a time"},
        "starts_on": date("first day"),
    })),
    "RotationSlotWithdrawn": ("rotation", record("A rotation slot is no longer offered.", {
        "slot_id": identifier("slot id"),
    })),
    "RotationInterestExpressed": ("rotation", record("An employee's interest in rotation.", {
        "employee_id": identifier("pseudonymous employee id"),
        "ranked_slot_ids": id_list("slot ids, best first; empty means 'suggest to me'"),
        "available_from": date("first day available"),
        "max_weeks": {"type": "integer", "minimum": 1, "description": "longest placement wanted, in weeks"},
    })),
    "RotationInterestWithdrawn": ("rotation", record("An employee withdraws their rotation interest.", {
        "employee_id": identifier("pseudonymous employee id"),
    })),
    "ProposalIssued": ("proposals", record("A proposal for the MED/SU committee.", {
        "proposal_id": identifier("proposal id"),
        "kind": enum("kind of proposal", "leon_allocation", "upskilling_path", "rotation_placement"),
        "committee_id": identifier("committee that reviews it"),
        "scope": identifier("workplace or organisation id"),
        "employee_ids": id_list("pseudonymous ids of the employees it concerns"),
        "summary_da": text("summary in Danish"),
        "summary_en": text("summary in English"),
        "explanation": {"type": "object", "description": "the facts and rules that led to it"},
        "effect": {"type": "object", "description": "hours moved, DKK per week, competence gained, cost: the sum "
                                                    "of its items' effects (docs/proposals.md)"},
        "supersedes": nullable(identifier("proposal id this one replaces")),
        "items": {"type": "array", "items": proposal_item(),
                  "description": "the parts a committee can keep or drop (an amendment keeps some)"},
    })),
    "ProposalWithdrawn": ("proposals", record("A proposal is withdrawn.", {
        "proposal_id": identifier("proposal id"),
        "reason": text("why"),
    })),
    "ProposalDecided": ("decisions", record("A decision on a proposal by the committee or the employee.", {
        "proposal_id": identifier("proposal id"),
        "by": enum("who decided", "committee", "employee"),
        "decision": enum("the decision", "approved", "rejected", "amended", "accepted", "declined"),
        "comment": nullable(text("comment (null or empty when none)")),
        "decided_at": date_time("when decided"),
    }, {
        "actor": record("Who decided for the committee: the token's role (admin or committee:ID) and its "
                        "holder; written by the review service, absent in older events.", {
                            "role": identifier("role of the token that decided, e.g. admin or committee:med-a"),
                        }, {
                            "holder": nullable(text("holder the token was issued to, e.g. a pseudonymous "
                                                    "staff number")),
                        }),
        "keep": {**id_list("with an amendment: the item ids of the proposal the committee keeps (absent in "
                           "older events and with other decisions)", min_items=1), "uniqueItems": True},
    })),
    "SuggestionIssued": ("suggestions", record("A suggestion to one employee, for notification systems.", {
        "suggestion_id": identifier("suggestion id"),
        "employee_id": identifier("pseudonymous employee id"),
        "kind": enum("kind of suggestion", "upskilling_path", "rotation_placement"),
        "proposal_id": identifier("proposal it belongs to"),
        "summary_da": text("summary in Danish"),
        "summary_en": text("summary in English"),
        "respond_by": nullable(date("answer wanted by")),
    })),
    "SuggestionAnswered": ("suggestions", record("An employee's answer to a suggestion.", {
        "suggestion_id": identifier("suggestion id"),
        "employee_id": identifier("pseudonymous employee id"),
        "response": enum("the answer", "accepted", "declined"),
        "comment": nullable(text("comment (null or empty when none)")),
        "answered_at": date_time("when answered"),
    }, {
        "reason": nullable(enum("why declined (only with response declined; absent or null: not said)",
                                "not_interested", "no_time", "already_have")),
    })),
    "CompetenceDisputed": ("feedback", record(
        "An employee says a competence Tillid holds about them is wrong; for HR systems to assess again. "
        "Tillid leaves the entry out of matching until a new CompetenceAssessed of the skill arrives.", {
            "employee_id": identifier("pseudonymous employee id"),
            "skill": identifier("skill id (ESCO URI or local code) of the disputed entry"),
            "level": level("the level Tillid holds for the skill, which the employee disputes (0: none held)"),
            "comment": text("the employee's own words (may be empty)"),
        })),
}


# --- documents ---------------------------------------------------------------

def envelope_properties(type_schema: Schema, version_schema: Schema, payload_schema: Schema) -> dict[str, Schema]:
    return {
        "event_id": identifier("unique id; a second event with the same id is ignored"),
        "type": type_schema,
        "schema_version": version_schema,
        "occurred_at": date_time("when it happened"),
        "source": identifier("the producing system"),
        "payload": payload_schema,
    }


ENVELOPE_REQUIRED = ["event_id", "type", "schema_version", "occurred_at", "source", "payload"]


def signature() -> Schema:
    return {"type": "string",
            "description": "HMAC-SHA256 (64 hex digits) of the review service over the event without this field "
                           "(canonical JSON: keys sorted, no whitespace), keyed with TILLID_EVENT_SIGNING_KEY; "
                           f"the worker dead-letters {' and '.join(sorted(SIGNED_TYPES))} without a valid one"}


def envelope_document() -> Schema:
    return {
        "$schema": DRAFT,
        "$id": f"{ID_BASE}Envelope.v1",
        "title": "Tillid event envelope",
        "description": "Every message value is one such object; the payload is validated by the schema of its type. "
                       "Unknown envelope fields are tolerated and ignored.",
        "type": "object",
        "required": ENVELOPE_REQUIRED,
        "properties": {**envelope_properties(
            identifier("event type, e.g. CompetenceAssessed"),
            {"type": "integer", "enum": [1], "description": "supported schema versions: 1"},
            {"type": "object", "description": "the event's fields"},
        ), SIGNATURE_FIELD: signature()},
    }


def event_document(event_type: str, topic: str, payload: Schema) -> Schema:
    payload = dict(payload)
    defs = payload.pop("$defs", None)
    document: Schema = {
        "$schema": DRAFT,
        "$id": f"{ID_BASE}{event_type}.v1",
        "title": f"{event_type} (schema version 1)",
        "description": f"A complete {event_type} event as published on topic '{topic}'.",
        "x-topic": topic,
        "type": "object",
        "required": ENVELOPE_REQUIRED,
        "properties": envelope_properties(
            {"type": "string", "const": event_type},
            {"type": "integer", "const": 1},
            payload,
        ),
    }
    if event_type in SIGNED_TYPES:
        document["properties"][SIGNATURE_FIELD] = signature()
    if defs:
        document["$defs"] = defs
    return document


def build() -> dict[str, Schema]:
    """File name -> schema document, the envelope first, then the types in contract order."""
    documents = {"Envelope.v1.json": envelope_document()}
    for event_type, (topic, payload) in PAYLOADS.items():
        documents[f"{event_type}.v1.json"] = event_document(event_type, topic, payload)
    return documents


def render(document: Schema) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def write(target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for name, document in build().items():
        (target / name).write_text(render(document), encoding="utf-8")
    print(f"wrote {len(PAYLOADS) + 1} schema files to {target}")


def main(argv: list[str]) -> int:
    for target in [Path(argv[0])] if argv else SCHEMA_DIRS:
        write(target)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
