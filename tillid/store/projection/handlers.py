"""How each event type changes the store.

Every handler applies a run of events of one type with as few round trips as
it can, inside the batch's transaction: the frequent types with one set-based
statement per table, whose rows travel as one JSON parameter read by
``json_to_recordset`` (asyncpg would encode an array parameter element by
element in Python, the costliest part of a batch), the rare ones with
executemany. ``requires`` names the referents that must exist first (otherwise
the event is parked); ``provides`` names the referents it creates (releasing
parked events waiting for them). ``commutes`` marks the types whose effect does
not depend on their order among each other (below), so the projector may
gather a stretch of them into one run per type.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Awaitable, Callable, Mapping, Sequence

import asyncpg
import orjson

from tillid.store.projection.context import BatchContext, Ref

Payload = Mapping[str, Any]
Apply = Callable[[asyncpg.Connection, Sequence[Any], BatchContext], Awaitable[None]]


def _none(_: Payload) -> tuple[Ref, ...]:
    return ()


@dataclass(frozen=True)
class Projection:
    apply: Apply
    requires: Callable[[Payload], tuple[Ref, ...]] = _none
    provides: Callable[[Payload], tuple[Ref, ...]] = _none
    # True only where the type writes tables that no other commuting type reads or writes, and
    # provides no referent: then any order of a stretch of commuting events gives the same store.
    commutes: bool = False


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _datetime(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _skill_levels(items: Sequence[Mapping[str, Any]], level_key: str) -> str:
    return json.dumps({item["skill"]: item[level_key] for item in items}, sort_keys=True)


def _payloads(events: Sequence[Any]) -> list[Payload]:
    return [event.payload for event in events]


def _records(rows: Sequence[Mapping[str, Any]]) -> str:
    """Rows as one JSON parameter for ``json_to_recordset``; dates may stay ISO text, PostgreSQL casts them."""
    return orjson.dumps(rows).decode()


def _event_ids_by(events: Sequence[Any], field: str) -> dict[str, list[str]]:
    """The run's event ids by the value of one payload field: the causes to record per referent."""
    ids: dict[str, list[str]] = {}
    for event in events:
        ids.setdefault(event.payload[field], []).append(event.event_id)
    return ids


# --- org.structure ---------------------------------------------------------

async def _workplace_upserted(conn, events, ctx: BatchContext) -> None:
    rows = _payloads(events)
    await conn.executemany(
        """INSERT INTO organisations (organisation_id, name) VALUES ($1, $2)
           ON CONFLICT (organisation_id) DO UPDATE SET name = EXCLUDED.name""",
        [(p["organisation_id"], p["organisation_name"]) for p in rows])
    await conn.executemany(
        """INSERT INTO workplaces (workplace_id, name, sector, organisation_id, committee_id)
           VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (workplace_id) DO UPDATE SET name = EXCLUDED.name, sector = EXCLUDED.sector,
               organisation_id = EXCLUDED.organisation_id, committee_id = EXCLUDED.committee_id""",
        [(p["workplace_id"], p["name"], p["sector"], p["organisation_id"], p["committee_id"]) for p in rows])
    for event in events:
        ctx.touch_workplace(event.payload["workplace_id"], event.event_id)
    ctx.touch_rotation()


async def _profession_upserted(conn, events, ctx: BatchContext) -> None:
    await conn.executemany(
        """INSERT INTO professions (profession_id, title_da, title_en, hourly_cost_dkk) VALUES ($1, $2, $3, $4)
           ON CONFLICT (profession_id) DO UPDATE SET title_da = EXCLUDED.title_da,
               title_en = EXCLUDED.title_en, hourly_cost_dkk = EXCLUDED.hourly_cost_dkk""",
        [(p["profession_id"], p["title_da"], p["title_en"], float(p["hourly_cost_dkk"])) for p in _payloads(events)])
    ctx.touch_all_organisations()


# --- hr.employees ----------------------------------------------------------

async def _employee_upserted(conn, events, ctx: BatchContext) -> None:
    # The same person upserted twice in one run: the later upsert is the one that counts.
    latest = {e.payload["employee_id"]: e.payload for e in events}
    await _touch_workplaces_they_are_at(conn, events, ctx)
    await conn.execute(
        """INSERT INTO employees (employee_id, profession_id, workplace_id, weekly_hours, age_band,
                                  learning_interests, left_on)
           SELECT employee_id, profession_id, workplace_id, weekly_hours, age_band,
                  ARRAY(SELECT json_array_elements_text(coalesce(learning_interests, '[]'))), NULL
           FROM json_to_recordset($1::json) AS r(employee_id text, profession_id text, workplace_id text,
                                                weekly_hours float8, age_band text, learning_interests json)
           ON CONFLICT (employee_id) DO UPDATE SET profession_id = EXCLUDED.profession_id,
               workplace_id = EXCLUDED.workplace_id, weekly_hours = EXCLUDED.weekly_hours,
               age_band = EXCLUDED.age_band, learning_interests = EXCLUDED.learning_interests,
               left_on = NULL""",
        _records(list(latest.values())))
    for event in events:
        ctx.touch_workplace(event.payload["workplace_id"], event.event_id)


async def _touch_workplaces_they_are_at(conn, events, ctx: BatchContext) -> None:
    """The workplaces the run's employees are at before it applies (a move or a departure changes
    them too), each with the ids of the events about its people."""
    causes = _event_ids_by(events, "employee_id")
    for row in await conn.fetch("SELECT employee_id, workplace_id FROM employees WHERE employee_id = ANY($1::text[])",
                                list(causes)):
        ctx.touch_workplace(row["workplace_id"], *causes[row["employee_id"]])


async def _employee_left(conn, events, ctx: BatchContext) -> None:
    rows = _payloads(events)
    ids = [p["employee_id"] for p in rows]
    await _touch_workplaces_they_are_at(conn, events, ctx)
    await conn.executemany("UPDATE employees SET left_on = $2 WHERE employee_id = $1",
                           [(p["employee_id"], _date(p["left_on"])) for p in rows])
    await conn.execute("DELETE FROM task_assignments WHERE employee_id = ANY($1::text[])", ids)
    await conn.execute("DELETE FROM rotation_interests WHERE employee_id = ANY($1::text[])", ids)
    ctx.touch_rotation()


async def _employee_erased(conn, events, ctx: BatchContext) -> None:
    from tillid.store.projection.erasure import erase_employee

    for event in events:
        await erase_employee(conn, event.payload["employee_id"], event.occurred_at, ctx)


# --- hr.competences --------------------------------------------------------

async def _competence_assessed(conn, events, ctx: BatchContext) -> None:
    mapped, unmapped = [], []
    for event in events:
        p = event.payload
        skill, confidence, candidate = ctx.resolve_skill(p["skill"])
        if skill is None:
            unmapped.append((event.event_id, p["employee_id"], p["level"], _date(p["assessed_on"]), p["evidence"],
                             p["skill"], confidence, candidate))
        else:
            mapped.append({"event_id": event.event_id, "employee_id": p["employee_id"], "level": p["level"],
                           "assessed_on": p["assessed_on"], "evidence": p["evidence"], "skill_id": skill})
            ctx.touch_employee(p["employee_id"], event.event_id)
    if mapped:
        # Every assessment is logged; per (employee, skill) the one that applying them in order would
        # leave is upserted: the last of those with the latest date (a later date wins, an equal one
        # replaces), and never over a later date already held. The log needs no conflict check (which
        # would double its cost) nor a unique index: each event id is claimed once, in this transaction.
        await conn.execute(
            """WITH r AS (
                   SELECT * FROM ROWS FROM (json_to_recordset($1::json) AS (
                       event_id text, employee_id text, level smallint, assessed_on date, evidence text,
                       skill_id text)) WITH ORDINALITY AS r(event_id, employee_id, level, assessed_on, evidence,
                                                            skill_id, n)),
               logged AS (
                   INSERT INTO competence_assessments (event_id, employee_id, level, assessed_on, evidence, skill_id)
                   SELECT event_id, employee_id, level, assessed_on, evidence, skill_id FROM r)
               INSERT INTO competences (employee_id, level, assessed_on, evidence, skill_id)
               SELECT DISTINCT ON (employee_id, skill_id) employee_id, level, assessed_on, evidence, skill_id
               FROM r ORDER BY employee_id, skill_id, assessed_on DESC, n DESC
               ON CONFLICT (employee_id, skill_id) DO UPDATE SET level = EXCLUDED.level,
                   assessed_on = EXCLUDED.assessed_on, evidence = EXCLUDED.evidence
               WHERE competences.assessed_on <= EXCLUDED.assessed_on""", _records(mapped))
    if unmapped:
        await conn.executemany(
            """INSERT INTO unmapped_competences (event_id, employee_id, level, assessed_on, evidence,
                                                skill_text, confidence, best_skill)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (event_id) DO NOTHING""", unmapped)


async def _course_completed(conn, events, ctx: BatchContext) -> None:
    await conn.execute(
        """INSERT INTO course_completions (event_id, employee_id, activity_id, completed_on, passed)
           SELECT * FROM json_to_recordset($1::json) AS r(event_id text, employee_id text, activity_id text,
                                                         completed_on date, passed boolean)
           ON CONFLICT (event_id) DO NOTHING""",
        _records([{"event_id": e.event_id, "employee_id": e.payload["employee_id"],
                   "activity_id": e.payload["activity_id"], "completed_on": e.payload["completed_on"],
                   "passed": bool(e.payload["passed"])} for e in events]))
    completions = _event_ids_by(events, "employee_id")
    for row in await conn.fetch(
            """SELECT e.employee_id, w.organisation_id FROM employees e JOIN workplaces w USING (workplace_id)
               WHERE e.employee_id = ANY($1::text[])""", list(completions)):
        ctx.touch_organisation(row["organisation_id"], *completions[row["employee_id"]])


# --- ops.tasks -------------------------------------------------------------

def _task_row(p: Payload) -> tuple:
    required = json.dumps([{"skill": r["skill"], "min_level": r["min_level"]} for r in p["required_skills"]])
    return (p["task_id"], p["name_da"], p["name_en"], required, list(p["authorised_professions"]),
            bool(p["administrative"]))


_UPSERT_TASK = """INSERT INTO tasks (task_id, name_da, name_en, required_skills, authorised_professions, administrative)
    VALUES ($1, $2, $3, $4::jsonb, $5, $6)
    ON CONFLICT (task_id) DO UPDATE SET name_da = EXCLUDED.name_da, name_en = EXCLUDED.name_en,
        required_skills = EXCLUDED.required_skills, authorised_professions = EXCLUDED.authorised_professions,
        administrative = EXCLUDED.administrative"""


async def _task_defined(conn, events, ctx: BatchContext) -> None:
    rows = _payloads(events)
    await conn.executemany(_UPSERT_TASK, [_task_row(p) for p in rows])
    tasks = [p["task_id"] for p in rows]
    for row in await conn.fetch("SELECT DISTINCT workplace_id FROM task_demand WHERE task_id = ANY($1::text[])",
                                tasks):
        ctx.touch_workplace(row["workplace_id"])


async def _task_demand_changed(conn, events, ctx: BatchContext) -> None:
    from tillid.store.projection.demand import report_demand

    await report_demand(conn, [(e.payload["workplace_id"], e.payload["task_id"], float(e.payload["hours_per_week"]),
                                e.occurred_at) for e in events])
    for event in events:
        ctx.touch_workplace(event.payload["workplace_id"], event.event_id)


async def _task_assignment_reported(conn, events, ctx: BatchContext) -> None:
    # The same assignment reported twice in one run: the later report is the one that counts.
    last: dict[tuple, Payload] = {}
    for event in events:
        p = event.payload
        ctx.touch_workplace(p["workplace_id"], event.event_id)
        last[(p["workplace_id"], p["task_id"], p["employee_id"])] = p
    keep = [p for p in last.values() if float(p["hours_per_week"]) > 0]
    drop = [p for p in last.values() if float(p["hours_per_week"]) <= 0]
    if keep:
        # Someone who has left does no task, whichever topic was read first (as for rotation interests).
        await conn.execute(
            """INSERT INTO task_assignments (workplace_id, task_id, employee_id, hours_per_week)
               SELECT * FROM json_to_recordset($1::json) AS r(workplace_id text, task_id text, employee_id text,
                                                             hours_per_week float8)
               WHERE NOT EXISTS (SELECT 1 FROM employees e WHERE e.employee_id = r.employee_id
                                                            AND e.left_on IS NOT NULL)
               ON CONFLICT (workplace_id, task_id, employee_id)
               DO UPDATE SET hours_per_week = EXCLUDED.hours_per_week""", _records(keep))
    if drop:
        # By key, row by row: the planner, guessing a hundred rows from a JSON set, scans the table.
        await conn.executemany(
            "DELETE FROM task_assignments WHERE workplace_id = $1 AND task_id = $2 AND employee_id = $3",
            [(p["workplace_id"], p["task_id"], p["employee_id"]) for p in drop])


async def _authorisation_rule_changed(conn, events, ctx: BatchContext) -> None:
    rows = _payloads(events)
    await conn.executemany(
        """INSERT INTO authorisation_rules (organisation_id, task_id, profession_id, allowed,
                                           requires_activity_id, note)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (organisation_id, task_id, profession_id) DO UPDATE SET allowed = EXCLUDED.allowed,
               requires_activity_id = EXCLUDED.requires_activity_id, note = EXCLUDED.note""",
        [(p["organisation_id"], p["task_id"], p["profession_id"], bool(p["allowed"]),
          p.get("requires_activity_id"), p.get("note") or "") for p in rows])
    for event in events:
        ctx.touch_organisation(event.payload["organisation_id"], event.event_id)


# --- ops.digitalisation ----------------------------------------------------

async def _digitalisation_change(conn, events, ctx: BatchContext) -> None:
    from tillid.store.projection.digitalisation import apply_digitalisation_change

    for event in events:
        await apply_digitalisation_change(conn, event, ctx)


# --- learning.catalog ------------------------------------------------------

async def _activity_published(conn, events, ctx: BatchContext) -> None:
    await conn.executemany(
        """INSERT INTO learning_activities (activity_id, kind, title, teaches, prerequisites, duration_hours,
                                           cost_dkk, provider, withdrawn, sessions)
           VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7, $8, false, $9::jsonb)
           ON CONFLICT (activity_id) DO UPDATE SET kind = EXCLUDED.kind, title = EXCLUDED.title,
               teaches = EXCLUDED.teaches, prerequisites = EXCLUDED.prerequisites,
               duration_hours = EXCLUDED.duration_hours, cost_dkk = EXCLUDED.cost_dkk,
               provider = EXCLUDED.provider, withdrawn = false, sessions = EXCLUDED.sessions""",
        [(p["activity_id"], p["kind"], p["title"], _skill_levels(p["teaches"], "to_level"),
          _skill_levels(p["prerequisites"], "min_level"), float(p["duration_hours"]), float(p["cost_dkk"]),
          p["provider"], _sessions(p.get("sessions"))) for p in _payloads(events)])
    ctx.touch_all_organisations()


def _sessions(sessions: Sequence[Mapping[str, Any]] | None) -> str:
    """A course's sessions as stored: the earliest first, each with its place (null when not given)."""
    rows = [{"starts_on": item["starts_on"], "place": item.get("place")} for item in sessions or ()]
    return json.dumps(sorted(rows, key=lambda row: (row["starts_on"], row["place"] or "")))


async def _activity_withdrawn(conn, events, ctx: BatchContext) -> None:
    await conn.executemany("UPDATE learning_activities SET withdrawn = true WHERE activity_id = $1",
                           [(p["activity_id"],) for p in _payloads(events)])
    ctx.touch_all_organisations()


async def _fund_published(conn, events, ctx: BatchContext) -> None:
    """A fund's rules, restated in full; its budget (``budget_dkk``, absent: no limit) replaces any balance."""
    await conn.executemany(
        """INSERT INTO funds (fund_id, name, sectors, covers, share, cap_dkk_per_employee_year, kinds,
                              professions, remaining_dkk, balance_as_of)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL)
           ON CONFLICT (fund_id) DO UPDATE SET name = EXCLUDED.name, sectors = EXCLUDED.sectors,
               covers = EXCLUDED.covers, share = EXCLUDED.share,
               cap_dkk_per_employee_year = EXCLUDED.cap_dkk_per_employee_year, kinds = EXCLUDED.kinds,
               professions = EXCLUDED.professions, remaining_dkk = EXCLUDED.remaining_dkk, balance_as_of = NULL""",
        [(p["fund_id"], p["name"], list(p["sectors"]), list(p["covers"]), float(p["share"]),
          float(p["cap_dkk_per_employee_year"]), p.get("kinds"), p.get("professions"),
          None if p.get("budget_dkk") is None else float(p["budget_dkk"])) for p in _payloads(events)])
    ctx.touch_all_organisations()


async def _fund_balance_reported(conn, events, ctx: BatchContext) -> None:
    """What a fund has left, as of a day; an older report than the one applied changes nothing."""
    await conn.executemany(
        """UPDATE funds SET remaining_dkk = $2, balance_as_of = $3
           WHERE fund_id = $1 AND (balance_as_of IS NULL OR balance_as_of <= $3)""",
        [(p["fund_id"], float(p["remaining_dkk"]), _date(p["as_of"])) for p in _payloads(events)])
    ctx.touch_all_organisations()


# --- rotation --------------------------------------------------------------

async def _slot_offered(conn, events, ctx: BatchContext) -> None:
    await conn.executemany(
        """INSERT INTO rotation_slots (slot_id, host_workplace_id, title, teaches, requires, weeks, capacity,
                                      starts_on, withdrawn)
           VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7, $8, false)
           ON CONFLICT (slot_id) DO UPDATE SET host_workplace_id = EXCLUDED.host_workplace_id,
               title = EXCLUDED.title, teaches = EXCLUDED.teaches, requires = EXCLUDED.requires,
               weeks = EXCLUDED.weeks, capacity = EXCLUDED.capacity, starts_on = EXCLUDED.starts_on,
               withdrawn = false""",
        [(p["slot_id"], p["host_workplace_id"], p["title"], _skill_levels(p["teaches"], "to_level"),
          _skill_levels(p["requires"], "min_level"), int(p["weeks"]), int(p["capacity"]),
          _date(p["starts_on"])) for p in _payloads(events)])
    ctx.touch_rotation()


async def _slot_withdrawn(conn, events, ctx: BatchContext) -> None:
    await conn.executemany("UPDATE rotation_slots SET withdrawn = true WHERE slot_id = $1",
                           [(p["slot_id"],) for p in _payloads(events)])
    ctx.touch_rotation()


async def _interest_expressed(conn, events, ctx: BatchContext) -> None:
    # Someone who has left is not placed anywhere, whichever topic was read first.
    await conn.executemany(
        """INSERT INTO rotation_interests (employee_id, ranked_slot_ids, available_from, max_weeks)
           SELECT $1, $2, $3, $4 WHERE NOT EXISTS (
               SELECT 1 FROM employees WHERE employee_id = $1 AND left_on IS NOT NULL)
           ON CONFLICT (employee_id) DO UPDATE SET ranked_slot_ids = EXCLUDED.ranked_slot_ids,
               available_from = EXCLUDED.available_from, max_weeks = EXCLUDED.max_weeks""",
        [(p["employee_id"], list(p["ranked_slot_ids"]), _date(p["available_from"]), int(p["max_weeks"]))
         for p in _payloads(events)])
    ctx.touch_rotation()


async def _interest_withdrawn(conn, events, ctx: BatchContext) -> None:
    await conn.execute("DELETE FROM rotation_interests WHERE employee_id = ANY($1::text[])",
                       [p["employee_id"] for p in _payloads(events)])
    ctx.touch_rotation()


# --- decisions and suggestions ---------------------------------------------

async def _proposal_decided(conn, events, ctx: BatchContext) -> None:
    from tillid.store.proposals import record_decision

    for event in events:
        await record_decision(conn, event.event_id, event.payload)


async def _suggestion_answered(conn, events, ctx: BatchContext) -> None:
    rows = _payloads(events)
    await conn.executemany(
        """UPDATE suggestions SET status = $3, response_comment = $4, answered_at = $5, decline_reason = $6
           WHERE suggestion_id = $1 AND employee_id = $2""",
        [(p["suggestion_id"], p["employee_id"], p["response"], p.get("comment") or "",
          _datetime(p["answered_at"]), p.get("reason") if p["response"] == "declined" else None) for p in rows])
    declined = [event for event in events if event.payload["response"] == "declined"]
    if declined:
        await _remember_declined_needs(conn, declined)
        # A pending proposal may still name the person for the need they just declined.
        for event in declined:
            ctx.touch_employee(event.payload["employee_id"], event.event_id)


async def _remember_declined_needs(conn, events) -> None:
    """The skill gaps of each declined upskilling suggestion, which new proposals then leave out for a
    while (docs/upskilling.md, "Declined suggestions")."""
    await conn.executemany(
        """INSERT INTO declined_needs (suggestion_id, employee_id, skill_id, target_level, declined_at,
                                      had_interest)
           SELECT s.suggestion_id, s.employee_id, g.value->>'skill', (g.value->>'target')::smallint, $3,
                  coalesce((g.value->>'skill') = ANY(e.learning_interests), false)
           FROM suggestions s
           CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(s.explanation->'gaps') = 'array'
                                                         THEN s.explanation->'gaps' ELSE '[]' END) g
           LEFT JOIN employees e ON e.employee_id = s.employee_id
           WHERE s.suggestion_id = $1 AND s.employee_id = $2 AND s.kind = 'upskilling_path'
             AND jsonb_typeof(g.value) = 'object' AND (g.value->>'skill') IS NOT NULL
             AND (g.value->>'target') ~ '^[0-5]$'
           ON CONFLICT (suggestion_id, skill_id) DO NOTHING""",
        [(e.payload["suggestion_id"], e.payload["employee_id"], _datetime(e.payload["answered_at"]))
         for e in events])


async def _competence_disputed(conn, events, ctx: BatchContext) -> None:
    await conn.executemany(
        """INSERT INTO competence_disputes (event_id, employee_id, skill_id, level, comment, disputed_at)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (event_id) DO NOTHING""",
        [(e.event_id, e.payload["employee_id"], e.payload["skill"], int(e.payload["level"]),
          e.payload.get("comment") or "", e.occurred_at) for e in events])
    for event in events:
        ctx.touch_employee(event.payload["employee_id"], event.event_id)


def _refs(*pairs: tuple[str, str]) -> Callable[[Payload], tuple[Ref, ...]]:
    """requires/provides from (kind, payload field) pairs; absent optional fields are skipped.
    One pair, the usual case, gets a function of its own: this runs for every event ingested."""
    if len(pairs) == 1:
        ((kind, name),) = pairs

        def one_ref(payload: Payload) -> tuple[Ref, ...]:
            value = payload.get(name)
            return ((kind, value),) if value else ()
        return one_ref

    def refs(payload: Payload) -> tuple[Ref, ...]:
        return tuple([(kind, value) for kind, name in pairs if (value := payload.get(name))])
    return refs


def _new_tasks(payload: Payload) -> tuple[Ref, ...]:
    return tuple(("task", effect["task"]["task_id"]) for effect in payload["effects"] if effect["kind"] == "new_task")


PROJECTIONS: dict[str, Projection] = {
    "WorkplaceUpserted": Projection(_workplace_upserted, provides=_refs(("workplace", "workplace_id"),
                                                                        ("organisation", "organisation_id"))),
    "ProfessionUpserted": Projection(_profession_upserted, provides=_refs(("profession", "profession_id"))),
    "EmployeeUpserted": Projection(_employee_upserted,
                                   requires=_refs(("workplace", "workplace_id"), ("profession", "profession_id")),
                                   provides=_refs(("employee", "employee_id"))),
    "EmployeeLeft": Projection(_employee_left, requires=_refs(("employee", "employee_id"))),
    "EmployeeErased": Projection(_employee_erased),
    # The four commuting types write competence_assessments/competences/unmapped_competences,
    # course_completions, task_demand/task_demand_reports/freed_hours and task_assignments
    # respectively, and read none of those.
    "CompetenceAssessed": Projection(_competence_assessed, requires=_refs(("employee", "employee_id")),
                                     commutes=True),
    "CourseCompleted": Projection(_course_completed, requires=_refs(("employee", "employee_id")), commutes=True),
    "TaskDefined": Projection(_task_defined, provides=_refs(("task", "task_id"))),
    "TaskDemandChanged": Projection(_task_demand_changed,
                                    requires=_refs(("workplace", "workplace_id"), ("task", "task_id")),
                                    commutes=True),
    "TaskAssignmentReported": Projection(_task_assignment_reported,
                                         requires=_refs(("workplace", "workplace_id"), ("task", "task_id"),
                                                        ("employee", "employee_id")),
                                         commutes=True),
    "AuthorisationRuleChanged": Projection(_authorisation_rule_changed),
    # Provides the tasks its new_task effects define: demand for one may be waiting for it.
    "DigitalisationChange": Projection(_digitalisation_change, requires=_refs(("organisation", "organisation_id")),
                                       provides=_new_tasks),
    "LearningActivityPublished": Projection(_activity_published),
    "LearningActivityWithdrawn": Projection(_activity_withdrawn),
    "FundPublished": Projection(_fund_published, provides=_refs(("fund", "fund_id"))),
    "FundBalanceReported": Projection(_fund_balance_reported, requires=_refs(("fund", "fund_id"))),
    "RotationSlotOffered": Projection(_slot_offered, requires=_refs(("workplace", "host_workplace_id")),
                                      provides=_refs(("slot", "slot_id"))),
    # Requires the slot: otherwise it would overtake an offer parked for its host workplace.
    "RotationSlotWithdrawn": Projection(_slot_withdrawn, requires=_refs(("slot", "slot_id"))),
    "RotationInterestExpressed": Projection(_interest_expressed, requires=_refs(("employee", "employee_id"))),
    # Requires the employee like the interest it withdraws: otherwise it would overtake an interest
    # parked for an employee not yet known, and the interest would come back when released.
    "RotationInterestWithdrawn": Projection(_interest_withdrawn, requires=_refs(("employee", "employee_id"))),
    "ProposalDecided": Projection(_proposal_decided, requires=_refs(("proposal", "proposal_id"))),
    "SuggestionAnswered": Projection(_suggestion_answered, requires=_refs(("suggestion", "suggestion_id"))),
    "CompetenceDisputed": Projection(_competence_disputed, requires=_refs(("employee", "employee_id"))),
}

# Where each kind of referent lives, for the existence check before applying.
REFERENT_TABLES: dict[str, tuple[str, str]] = {
    "organisation": ("organisations", "organisation_id"),
    "workplace": ("workplaces", "workplace_id"),
    "profession": ("professions", "profession_id"),
    "employee": ("employees", "employee_id"),
    "task": ("tasks", "task_id"),
    "proposal": ("proposals", "proposal_id"),
    "suggestion": ("suggestions", "suggestion_id"),
    "slot": ("rotation_slots", "slot_id"),
    "fund": ("funds", "fund_id"),
}
