"""Which events a token may post on ``POST /api/events`` (pure rules, no I/O).

- Types Tillid publishes itself (the output topics: proposals, decisions,
  suggestions, answers) are refused for every role, admin included: only the
  review service and the workers write them.
- An ``hr:SOURCE`` token is bound to organisations. Each event must carry
  ``source`` SOURCE and concern only those organisations: its
  ``organisation_id`` and the organisations of the workplaces, employees and
  rotation slots it names, as the store knows them or as an earlier event of
  the same request establishes them (the Keyer learns the links in order).
  Moving a workplace, an employee or a slot concerns the old organisation and
  the new one. Events of no organisation (professions, task definitions, the
  learning catalogue, funds, and any type not listed here) need ``["*"]``.
  Something whose organisation is not known at all is refused too: it could
  belong to anyone. The slots an employee ranks in a rotation interest are
  the employee's choices, not data about their hosts, and are not checked.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tillid.competence.events import OUTPUT_TOPICS, TOPIC_OF_TYPE, Envelope, Keyer

NATIONAL = "*"


@dataclass(frozen=True)
class ScopeProblem:
    """Why one event of a request is refused: ``field`` is ``INDEX`` or ``INDEX.path``."""

    field: str
    problem: str


@dataclass(frozen=True)
class Reference:
    """Something an event concerns, and its organisation (None: not known)."""

    field: str
    what: str
    organisation: str | None


@dataclass(frozen=True)
class NamedIds:
    """The workplaces, employees and slots a request names: what to look up in the store."""

    workplaces: frozenset[str]
    employees: frozenset[str]
    slots: frozenset[str]


def published_by_tillid(event_type: object) -> bool:
    return isinstance(event_type, str) and TOPIC_OF_TYPE.get(event_type) in OUTPUT_TOPICS


def refused_types(items: Sequence[object]) -> list[ScopeProblem]:
    """The items whose type Tillid publishes itself, whatever else is wrong with them."""
    return [ScopeProblem(f"{index}.type", f"{item['type']} is published by Tillid itself; "
                                          "no token may post it")
            for index, item in enumerate(items) if isinstance(item, dict) and published_by_tillid(item.get("type"))]


def named_ids(envelopes: Iterable[Envelope]) -> NamedIds:
    workplaces: set[str] = set()
    employees: set[str] = set()
    slots: set[str] = set()
    for envelope in envelopes:
        payload = envelope.payload
        workplaces.update(_workplaces_named(payload))
        for field, into in (("employee_id", employees), ("slot_id", slots)):
            if isinstance(payload.get(field), str):
                into.add(payload[field])
    return NamedIds(frozenset(workplaces), frozenset(employees), frozenset(slots))


def scope_problems(envelopes: Sequence[Envelope], source: str, organisations: Collection[str],
                   keyer: Keyer) -> list[ScopeProblem]:
    """Every reason an hr: token for ``source`` and ``organisations`` may not post these events.

    ``keyer`` is seeded with the store's links and learns those each event establishes, in order.
    """
    national = NATIONAL in organisations
    problems = []
    for index, envelope in enumerate(envelopes):
        if envelope.source != source:
            problems.append(ScopeProblem(f"{index}.source", f"must be {source!r}, the source of this token; "
                                                            f"got {envelope.source!r}"))
        references = concerned(envelope, keyer)
        keyer.key(envelope)  # learn the links this event establishes, for the events after it
        if national:
            continue
        if references is None:
            problems.append(ScopeProblem(f"{index}.type", f"{envelope.type} belongs to no organisation; "
                                                          'only a token with organisations ["*"] may post it'))
            continue
        problems += [ScopeProblem(f"{index}.{reference.field}", _outside(reference, organisations))
                     for reference in references if reference.organisation not in organisations]
    return problems


def concerned(envelope: Envelope, keyer: Keyer) -> list[Reference] | None:
    """What the event concerns, with organisations as known before it; None when it belongs to no organisation."""
    rule = _RULES.get(envelope.type)
    return None if rule is None else rule(envelope.payload, keyer)


def _outside(reference: Reference, organisations: Collection[str]) -> str:
    if reference.organisation is None:
        return (f"{reference.what} is not known (neither to the store nor from an earlier event of this request), "
                "so its organisation cannot be checked; send the events that establish it first, earlier in "
                "this request or in one the store has applied")
    return (f"{reference.what} belongs to organisation {reference.organisation}, outside this token's "
            f"organisations ({', '.join(sorted(organisations))})")


def _organisation(payload: Mapping[str, Any]) -> Reference:
    return Reference("payload.organisation_id", f"organisation {payload['organisation_id']}",
                     payload["organisation_id"])


def _workplace(field: str, workplace_id: str, keyer: Keyer) -> Reference:
    return Reference(field, f"workplace {workplace_id}", keyer.known_organisation_of_workplace(workplace_id))


def _employee(payload: Mapping[str, Any], keyer: Keyer) -> Reference:
    employee_id = payload["employee_id"]
    return Reference("payload.employee_id", f"employee {employee_id}",
                     keyer.known_organisation_of_employee(employee_id))


def _slot(payload: Mapping[str, Any], keyer: Keyer) -> Reference:
    workplace_id = keyer.slot_workplace.get(payload["slot_id"])
    organisation = None if workplace_id is None else keyer.known_organisation_of_workplace(workplace_id)
    return Reference("payload.slot_id", f"rotation slot {payload['slot_id']}", organisation)


def _workplace_upserted(payload: Mapping[str, Any], keyer: Keyer) -> list[Reference]:
    """The new organisation and, for a workplace the store or request knows, its current one."""
    references = [_organisation(payload)]
    if payload["workplace_id"] in keyer.workplace_org:
        references.append(_workplace("payload.workplace_id", payload["workplace_id"], keyer))
    return references


def _employee_upserted(payload: Mapping[str, Any], keyer: Keyer) -> list[Reference]:
    """The new workplace's organisation and, for a known employee, the current one."""
    references = [_workplace("payload.workplace_id", payload["workplace_id"], keyer)]
    if payload["employee_id"] in keyer.employee_workplace:
        references.append(_employee(payload, keyer))
    return references


def _slot_offered(payload: Mapping[str, Any], keyer: Keyer) -> list[Reference]:
    references = [_workplace("payload.host_workplace_id", payload["host_workplace_id"], keyer)]
    if payload["slot_id"] in keyer.slot_workplace:
        references.append(_slot(payload, keyer))
    return references


def _digitalisation(payload: Mapping[str, Any], keyer: Keyer) -> list[Reference]:
    """The organisation, and every workplace the change names (its list and the hours of new tasks)."""
    listed = [_workplace("payload.workplace_ids", w, keyer) for w in dict.fromkeys(payload.get("workplace_ids") or ())]
    with_hours = [_workplace("payload.effects", w, keyer) for w in sorted(_new_task_workplaces(payload))]
    return [_organisation(payload)] + listed + with_hours


def _new_task_workplaces(payload: Mapping[str, Any]) -> set[str]:
    return {workplace_id for effect in payload.get("effects") or ()
            if isinstance(effect, Mapping) and isinstance(effect.get("hours_per_week"), Mapping)
            for workplace_id in effect["hours_per_week"]}


def _workplaces_named(payload: Mapping[str, Any]) -> set[str]:
    named = {payload[field] for field in ("workplace_id", "host_workplace_id") if isinstance(payload.get(field), str)}
    named.update(w for w in payload.get("workplace_ids") or () if isinstance(w, str))
    return named | _new_task_workplaces(payload)


_RULES: dict[str, Callable[[Mapping[str, Any], Keyer], list[Reference]]] = {
    "WorkplaceUpserted": _workplace_upserted,
    "EmployeeUpserted": _employee_upserted,
    "EmployeeLeft": lambda p, k: [_employee(p, k)],
    "EmployeeErased": lambda p, k: [_employee(p, k)],
    "CompetenceAssessed": lambda p, k: [_employee(p, k)],
    "CourseCompleted": lambda p, k: [_employee(p, k)],
    "TaskDemandChanged": lambda p, k: [_workplace("payload.workplace_id", p["workplace_id"], k)],
    "TaskAssignmentReported": lambda p, k: [_workplace("payload.workplace_id", p["workplace_id"], k),
                                            _employee(p, k)],
    "AuthorisationRuleChanged": lambda p, k: [_organisation(p)],
    "DigitalisationChange": _digitalisation,
    "RotationSlotOffered": _slot_offered,
    "RotationSlotWithdrawn": lambda p, k: [_slot(p, k)],
    "RotationInterestExpressed": lambda p, k: [_employee(p, k)],
    "RotationInterestWithdrawn": lambda p, k: [_employee(p, k)],
}
