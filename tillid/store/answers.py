"""What employees answer, as the store keeps it: declined needs and their quiet period, competence
disputes, and how often suggestions are accepted (docs/upskilling.md, "Declined suggestions").

A declined need is in force (left out of new upskilling proposals) from its decline for
TILLID_DECLINE_QUIET_DAYS, unless the person asked again (the button on /me, or the skill newly among
their learning interests) or a new assessment of the skill was applied after the decline. A dispute
is open (the disputed competence entry left out of matching) until an assessment of that skill is
applied after it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime
from typing import Any

from tillid.store.projection.projector import mark_dirty

DEFAULT_DECLINE_QUIET_DAYS = 180

# An assessment of the row's (employee_id, skill_id) applied after the given time of the row.
_ASSESSED_SINCE = """EXISTS (SELECT 1 FROM competence_assessments a JOIN processed_events p ON p.event_id = a.event_id
                             WHERE a.employee_id = {row}.employee_id AND a.skill_id = {row}.skill_id
                               AND p.processed_at > {row}.{since})"""
OPEN_DISPUTE = "NOT " + _ASSESSED_SINCE.format(row="d", since="disputed_at")
_DECLINE_IN_FORCE = f"""d.declined_at > now() - make_interval(days => $2) AND d.asked_again_at IS NULL
    AND NOT (NOT d.had_interest AND d.skill_id = ANY(coalesce(e.learning_interests, '{{}}')))
    AND NOT {_ASSESSED_SINCE.format(row="d", since="declined_at")}"""


async def quiet_needs(conn, employee_ids: list[str], quiet_days: int) -> dict[str, dict[str, int]]:
    """Per employee, the skills whose declined needs are in force, each with the highest target level
    declined: new proposals leave that skill out up to that level."""
    quiet: dict[str, dict[str, int]] = defaultdict(dict)
    if quiet_days <= 0 or not employee_ids:
        return quiet
    for r in await conn.fetch(
            f"""SELECT d.employee_id, d.skill_id, max(d.target_level) AS level
                FROM declined_needs d LEFT JOIN employees e ON e.employee_id = d.employee_id
                WHERE d.employee_id = ANY($1::text[]) AND {_DECLINE_IN_FORCE}
                GROUP BY d.employee_id, d.skill_id ORDER BY 1, 2""", employee_ids, quiet_days):
        quiet[r["employee_id"]][r["skill_id"]] = r["level"]
    return quiet


async def disputed_skills(conn, employee_ids: list[str]) -> dict[str, set[str]]:
    """Per employee, the skills with an open dispute."""
    disputed: dict[str, set[str]] = defaultdict(set)
    if not employee_ids:
        return disputed
    for r in await conn.fetch(f"""SELECT DISTINCT d.employee_id, d.skill_id FROM competence_disputes d
                                  WHERE d.employee_id = ANY($1::text[]) AND {OPEN_DISPUTE}""", employee_ids):
        disputed[r["employee_id"]].add(r["skill_id"])
    return disputed


async def has_open_dispute(conn, employee_id: str, skill_id: str) -> bool:
    return await conn.fetchval(f"""SELECT EXISTS (SELECT 1 FROM competence_disputes d WHERE d.employee_id = $1
                                   AND d.skill_id = $2 AND {OPEN_DISPUTE})""", employee_id, skill_id)


async def held_level(conn, employee_id: str, skill_id: str) -> int:
    """The level Tillid holds for a person's skill (0 when it holds none)."""
    level = await conn.fetchval("SELECT level FROM competences WHERE employee_id = $1 AND skill_id = $2",
                                employee_id, skill_id)
    return int(level or 0)


async def disputes_of(conn, employee_id: str) -> list[dict[str, Any]]:
    """A person's disputes, newest first, each open or resolved (by a new assessment)."""
    rows = await conn.fetch(
        f"""SELECT d.skill_id, d.level, d.comment, d.disputed_at, {OPEN_DISPUTE} AS open
            FROM competence_disputes d WHERE d.employee_id = $1 ORDER BY d.disputed_at DESC, d.skill_id""",
        employee_id)
    return [{"skill": r["skill_id"], "level": r["level"], "comment": r["comment"], "disputed_at": r["disputed_at"],
             "state": "open" if r["open"] else "resolved"} for r in rows]


async def declined_needs_of(conn, employee_id: str, quiet_days: int) -> dict[str, list[dict[str, Any]]]:
    """Per declined suggestion of a person, its needs and whether each is still left out of proposals."""
    rows = await conn.fetch(
        f"""SELECT d.suggestion_id, d.skill_id, d.target_level, d.declined_at, d.asked_again_at,
                   ($2 > 0 AND {_DECLINE_IN_FORCE}) AS in_force
            FROM declined_needs d LEFT JOIN employees e ON e.employee_id = d.employee_id
            WHERE d.employee_id = $1 ORDER BY d.suggestion_id, d.skill_id""", employee_id, quiet_days)
    needs: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        needs[r["suggestion_id"]].append({"skill": r["skill_id"], "target": r["target_level"],
                                          "in_force": r["in_force"], "asked_again_at": r["asked_again_at"]})
    return needs


async def ask_again(conn, employee_id: str, suggestion_id: str, at: datetime) -> bool:
    """The person wants the needs of a suggestion they declined proposed again: the decline no longer
    holds, and their workplace is matched again. False when there was nothing of theirs to lift."""
    lifted = await conn.fetch(
        """UPDATE declined_needs SET asked_again_at = $3
           WHERE employee_id = $1 AND suggestion_id = $2 AND asked_again_at IS NULL RETURNING skill_id""",
        employee_id, suggestion_id, at)
    if not lifted:
        return False
    workplace = await conn.fetchval("SELECT workplace_id FROM employees WHERE employee_id = $1", employee_id)
    if workplace is not None:
        await mark_dirty(conn, {("workplace", workplace): ()})
    return True


async def acceptance_rates(conn, limit: int = 20) -> dict[str, list[dict[str, Any]]]:
    """How many answered upskilling suggestions were accepted, per learning activity and per provider
    (every workplace, like the effect plot). A suggestion counts once for each activity of its path and
    once for each provider."""
    per_activity = await conn.fetch(
        """WITH answered AS (
               SELECT s.suggestion_id, s.status = 'accepted' AS accepted, a.value AS activity_id
               FROM suggestions s CROSS JOIN LATERAL jsonb_array_elements_text(
                   CASE WHEN jsonb_typeof(s.explanation->'activities') = 'array'
                        THEN s.explanation->'activities' ELSE '[]' END) a
               WHERE s.kind = 'upskilling_path' AND s.status IN ('accepted', 'declined'))
           SELECT x.activity_id, la.title, la.provider, count(DISTINCT x.suggestion_id) AS answered,
                  count(DISTINCT x.suggestion_id) FILTER (WHERE x.accepted) AS accepted
           FROM answered x LEFT JOIN learning_activities la ON la.activity_id = x.activity_id
           GROUP BY x.activity_id, la.title, la.provider
           ORDER BY answered DESC, x.activity_id LIMIT $1""", limit)
    per_provider = await conn.fetch(
        """WITH answered AS (
               SELECT DISTINCT s.suggestion_id, s.status = 'accepted' AS accepted,
                      coalesce(la.provider, '') AS provider
               FROM suggestions s CROSS JOIN LATERAL jsonb_array_elements_text(
                   CASE WHEN jsonb_typeof(s.explanation->'activities') = 'array'
                        THEN s.explanation->'activities' ELSE '[]' END) a
               LEFT JOIN learning_activities la ON la.activity_id = a.value
               WHERE s.kind = 'upskilling_path' AND s.status IN ('accepted', 'declined'))
           SELECT provider, count(*) AS answered, count(*) FILTER (WHERE accepted) AS accepted
           FROM answered GROUP BY provider ORDER BY answered DESC, provider LIMIT $1""", limit)
    return {"activities": [dict(r) for r in per_activity], "providers": [dict(r) for r in per_provider]}


async def activities_named(conn, activity_ids: list[str]) -> dict[str, dict[str, Any]]:
    """Title, provider, kind and sessions of learning activities, by id (withdrawn ones too)."""
    rows = await conn.fetch("""SELECT activity_id, title, provider, kind, sessions FROM learning_activities
                               WHERE activity_id = ANY($1::text[])""", sorted(set(activity_ids)))
    return {r["activity_id"]: {"title": r["title"], "provider": r["provider"], "kind": r["kind"],
                               "sessions": json.loads(r["sessions"]) if isinstance(r["sessions"], str)
                               else list(r["sessions"])} for r in rows}
