"""The read side of the review service: SQL on the store, rows turned into plain dicts.

Routers and pages call these; no SQL lives elsewhere in review/. Reads of a
person's data go through ``audit.audited`` in the same transaction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Sequence

from tillid.store import tallies

PROPOSAL_STATUSES = ("pending", "approved", "rejected", "amended", "superseded", "withdrawn")
DECIDABLE_STATUSES = ("pending",)
_PROPOSAL_COLUMNS = """p.proposal_id, p.kind, p.committee_id, p.scope, p.employee_ids, p.summary_da, p.summary_en,
    p.explanation, p.effect, p.supersedes, p.status, p.created_at, p.items, p.kept_items, p.proposed_effect"""


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


async def stats(conn) -> dict[str, Any]:
    """Counts of the pipeline's work: every event received is applied, parked (waiting for its
    referent), dropped by an erasure, a duplicate or dead-lettered, and ``events_received`` is their
    sum. The counts are kept as events are given their outcome (``tillid.store.tallies``), so this reads
    a few rows whatever the number of events; proposals are counted over an index by kind and status."""
    counted = tallies.totals(await tallies.read(conn))
    employees = await conn.fetchval("SELECT count(*) FROM employees")
    proposals = {status: 0 for status in PROPOSAL_STATUSES}
    for (_, status), count in (await proposal_counts(conn)).items():
        proposals[status] = proposals.get(status, 0) + count
    return {"events_received": sum(counted.values()),
            "events_applied": counted["applied"], "events_parked": counted["parked"],
            "events_dropped_by_erasure": counted["discarded"], "events_duplicate": counted["duplicate"],
            "events_deadlettered": counted["deadlettered"], "events_pending": counted["parked"],
            "employees": employees, "proposals": proposals}


async def proposal_counts(conn) -> dict[tuple[str, str], int]:
    """Proposals per (kind, status), over the index ``proposals_kind_status``."""
    rows = await conn.fetch("SELECT kind, status, count(*) AS n FROM proposals GROUP BY kind, status")
    return {(row["kind"], row["status"]): row["n"] for row in rows}


async def rematch_queue(conn) -> dict[str, int]:
    """Scopes waiting to be matched again, per kind (a row per scope: as many as workplaces at most)."""
    rows = await conn.fetch("SELECT scope_kind, count(*) AS n FROM dirty_scopes GROUP BY scope_kind")
    return {row["scope_kind"]: row["n"] for row in rows}


# --- proposals -------------------------------------------------------------------

def _proposal(row, decisions: Sequence[dict]) -> dict[str, Any]:
    return {"proposal_id": row["proposal_id"], "kind": row["kind"], "committee_id": row["committee_id"],
            "scope": row["scope"], "employee_ids": list(row["employee_ids"]), "summary_da": row["summary_da"],
            "summary_en": row["summary_en"], "explanation": _json(row["explanation"]),
            "effect": _json(row["effect"]), "supersedes": row["supersedes"], "status": row["status"],
            "created_at": row["created_at"], "decisions": list(decisions), "items": _json(row["items"]),
            "kept_items": _json(row["kept_items"]), "proposed_effect": _json(row["proposed_effect"])}


async def _decisions_of(conn, proposal_ids: list[str]) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {pid: [] for pid in proposal_ids}
    rows = await conn.fetch(
        """SELECT proposal_id, by, decision, comment, decided_at, decided_by_role, decided_by_holder, keep
           FROM decisions WHERE proposal_id = ANY($1::text[]) ORDER BY decided_at, event_id""", proposal_ids)
    for row in rows:
        found[row["proposal_id"]].append({"by": row["by"], "decision": row["decision"],
                                          "comment": row["comment"], "decided_at": row["decided_at"],
                                          "role": row["decided_by_role"], "holder": row["decided_by_holder"],
                                          "keep": _json(row["keep"])})
    return found


@dataclass(frozen=True)
class PageKey:
    """Where a page of proposals ends: the last one's (created_at, proposal_id); the next page starts after it."""

    created_at: datetime
    proposal_id: str


_FILTERS = """($1::text IS NULL OR p.committee_id = $1) AND ($2::text IS NULL OR p.status = $2)
              AND ($3::text IS NULL OR p.kind = $3)
              AND (NOT $4 OR EXISTS (SELECT 1 FROM decisions d WHERE d.proposal_id = p.proposal_id))"""


async def proposals(conn, *, committee: str | None = None, status: str | None = None, kind: str | None = None,
                    decided: bool = False, limit: int = 200, after: PageKey | None = None) -> list[dict[str, Any]]:
    """Proposals newest first (ties by id, descending), filtered; ``decided`` keeps only those with at least
    one decision; ``after`` starts after that proposal (a keyset, so proposals issued meanwhile, being newer,
    neither repeat nor shift what follows)."""
    rows = await conn.fetch(
        f"""SELECT {_PROPOSAL_COLUMNS} FROM proposals p
            WHERE {_FILTERS}
              AND ($6::timestamptz IS NULL OR (p.created_at, p.proposal_id) < ($6::timestamptz, $7::text))
            ORDER BY p.created_at DESC, p.proposal_id DESC LIMIT $5""", committee, status, kind, decided, limit,
        after.created_at if after else None, after.proposal_id if after else None)
    decisions = await _decisions_of(conn, [row["proposal_id"] for row in rows])
    return [_proposal(row, decisions[row["proposal_id"]]) for row in rows]


async def proposal_count(conn, *, committee: str | None = None, status: str | None = None,
                         kind: str | None = None, decided: bool = False) -> int:
    """How many proposals match the filters of ``proposals``."""
    return await conn.fetchval(f"SELECT count(*) FROM proposals p WHERE {_FILTERS}", committee, status, kind, decided)


async def proposal(conn, proposal_id: str, *, for_update: bool = False) -> dict[str, Any] | None:
    lock = " FOR UPDATE" if for_update else ""
    row = await conn.fetchrow(f"SELECT {_PROPOSAL_COLUMNS} FROM proposals p WHERE p.proposal_id = $1{lock}",
                              proposal_id)
    if row is None:
        return None
    return _proposal(row, (await _decisions_of(conn, [proposal_id]))[proposal_id])


async def professions_of(conn, employee_ids: Sequence[str]) -> dict[str, dict[str, str]]:
    """Profession of each (pseudonymous) employee id: all a committee sees about a person in a proposal."""
    rows = await conn.fetch(
        """SELECT e.employee_id, p.profession_id, p.title_da, p.title_en FROM employees e
           JOIN professions p USING (profession_id) WHERE e.employee_id = ANY($1::text[])""", list(employee_ids))
    return {row["employee_id"]: {"profession_id": row["profession_id"], "title_da": row["title_da"],
                                 "title_en": row["title_en"]} for row in rows}


async def committee_of_workplace_scope(conn, scope: str) -> str | None:
    return await conn.fetchval("SELECT committee_id FROM workplaces WHERE workplace_id = $1", scope)


async def committee_exists(conn, committee_id: str) -> bool:
    return bool(await conn.fetchval(
        """SELECT EXISTS (SELECT 1 FROM workplaces WHERE committee_id = $1)
                  OR EXISTS (SELECT 1 FROM proposals WHERE committee_id = $1)""", committee_id))


# --- employees and suggestions -----------------------------------------------------

async def employee_committee(conn, employee_id: str) -> tuple[bool, str | None]:
    """(exists, committee of the employee's workplace)."""
    row = await conn.fetchrow(
        """SELECT w.committee_id FROM employees e LEFT JOIN workplaces w USING (workplace_id)
           WHERE e.employee_id = $1""", employee_id)
    return (row is not None, row["committee_id"] if row is not None else None)


def _suggestion(row) -> dict[str, Any]:
    return {"suggestion_id": row["suggestion_id"], "employee_id": row["employee_id"], "kind": row["kind"],
            "proposal_id": row["proposal_id"], "summary_da": row["summary_da"], "summary_en": row["summary_en"],
            "explanation": _json(row["explanation"]), "respond_by": row["respond_by"], "status": row["status"],
            "comment": row["response_comment"], "reason": row["decline_reason"], "answered_at": row["answered_at"],
            "created_at": row["created_at"]}


async def suggestions_of(conn, employee_id: str, *, open_only: bool = False) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        """SELECT * FROM suggestions WHERE employee_id = $1 AND (NOT $2 OR status = 'open')
           ORDER BY created_at DESC, suggestion_id""", employee_id, open_only)
    return [_suggestion(row) for row in rows]


async def suggestion(conn, suggestion_id: str, *, for_update: bool = False) -> dict[str, Any] | None:
    lock = " FOR UPDATE" if for_update else ""
    row = await conn.fetchrow(f"SELECT * FROM suggestions WHERE suggestion_id = $1{lock}", suggestion_id)
    return None if row is None else _suggestion(row)


async def employee(conn, employee_id: str) -> dict[str, Any] | None:
    row = await conn.fetchrow(
        """SELECT e.employee_id, e.weekly_hours, e.age_band, e.learning_interests, e.left_on,
                  e.profession_id, p.title_da, p.title_en, e.workplace_id, w.name AS workplace_name,
                  w.committee_id, w.sector
           FROM employees e LEFT JOIN professions p USING (profession_id)
                            LEFT JOIN workplaces w USING (workplace_id)
           WHERE e.employee_id = $1""", employee_id)
    if row is None:
        return None
    competences = await conn.fetch(
        """SELECT skill_id, level, assessed_on, evidence FROM competences WHERE employee_id = $1
           ORDER BY skill_id""", employee_id)
    return {
        "employee_id": row["employee_id"],
        "profession": {"profession_id": row["profession_id"], "title_da": row["title_da"],
                       "title_en": row["title_en"]},
        "workplace": {"workplace_id": row["workplace_id"], "name": row["workplace_name"],
                      "committee_id": row["committee_id"], "sector": row["sector"]},
        "weekly_hours": row["weekly_hours"],
        "age_band": row["age_band"],
        "left_on": row["left_on"],
        "learning_interests": list(row["learning_interests"]),
        "competences": [{"skill": c["skill_id"], "level": c["level"], "assessed_on": c["assessed_on"],
                         "evidence": c["evidence"]} for c in competences],
        "open_suggestions": await suggestions_of(conn, employee_id, open_only=True),
    }


async def held_data(conn, employee_id: str) -> dict[str, Any]:
    """Everything else the store holds about a person, for the /me page."""
    completions = await conn.fetch(
        """SELECT c.activity_id, a.title, c.completed_on, c.passed FROM course_completions c
           LEFT JOIN learning_activities a USING (activity_id) WHERE c.employee_id = $1
           ORDER BY c.completed_on DESC, c.activity_id""", employee_id)
    assignments = await conn.fetch(
        """SELECT a.task_id, t.name_da, t.name_en, a.hours_per_week FROM task_assignments a
           LEFT JOIN tasks t USING (task_id) WHERE a.employee_id = $1 ORDER BY a.task_id""", employee_id)
    return {"completions": [dict(r) for r in completions], "assignments": [dict(r) for r in assignments],
            "rotation_interest": await rotation_interest(conn, employee_id)}


async def rotation_interest(conn, employee_id: str) -> dict[str, Any] | None:
    row = await conn.fetchrow(
        "SELECT ranked_slot_ids, available_from, max_weeks FROM rotation_interests WHERE employee_id = $1",
        employee_id)
    if row is None:
        return None
    return {"ranked_slot_ids": list(row["ranked_slot_ids"]), "available_from": row["available_from"],
            "max_weeks": row["max_weeks"]}


async def open_rotation_slots(conn, exclude_workplace: str | None) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        """SELECT s.slot_id, s.title, s.weeks, s.starts_on, s.capacity, w.name AS host_name, w.sector
           FROM rotation_slots s LEFT JOIN workplaces w ON w.workplace_id = s.host_workplace_id
           WHERE NOT s.withdrawn AND ($1::text IS NULL OR s.host_workplace_id <> $1)
           ORDER BY s.starts_on, s.slot_id LIMIT 200""", exclude_workplace)
    return [dict(r) for r in rows]


# --- audit ------------------------------------------------------------------------

async def audit_entries(conn, *, subject: str | None, actor: str | None, limit: int,
                        holder: str | None = None) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        """SELECT at, actor, holder, subject, action, endpoint, purpose FROM audit_log
           WHERE ($1::text IS NULL OR subject = $1) AND ($2::text IS NULL OR actor = $2)
             AND ($4::text IS NULL OR holder = $4)
           ORDER BY at DESC, id DESC LIMIT $3""", subject, actor, limit, holder)
    return [dict(r) for r in rows]


# --- message keys -------------------------------------------------------------------

async def key_of_employee(conn, employee_id: str) -> str:
    """The Kafka key of an event about an employee: organisation, else workplace, else the id (events.md)."""
    row = await conn.fetchrow(
        """SELECT e.workplace_id, w.organisation_id FROM employees e LEFT JOIN workplaces w USING (workplace_id)
           WHERE e.employee_id = $1""", employee_id)
    if row is None:
        return employee_id
    return row["organisation_id"] or row["workplace_id"]


async def key_of_scope(conn, scope: str) -> str:
    """The key of a proposal's events: the organisation of its workplace scope, else the scope itself."""
    organisation = await conn.fetchval("SELECT organisation_id FROM workplaces WHERE workplace_id = $1", scope)
    return organisation or scope


# --- pages ------------------------------------------------------------------------

async def workplaces_of_committee(conn, committee_id: str) -> list[dict[str, Any]]:
    rows = await conn.fetch("""SELECT workplace_id, name, sector FROM workplaces WHERE committee_id = $1
                               ORDER BY name, workplace_id""", committee_id)
    return [dict(r) for r in rows]


async def committees(conn) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        """SELECT c.committee_id, count(DISTINCT w.workplace_id) AS workplaces,
                  (SELECT count(*) FROM proposals p WHERE p.committee_id = c.committee_id
                       AND p.status = 'pending') AS pending
           FROM (SELECT committee_id FROM workplaces UNION SELECT committee_id FROM proposals) c
           LEFT JOIN workplaces w USING (committee_id) GROUP BY c.committee_id ORDER BY c.committee_id""")
    return [dict(r) for r in rows]
