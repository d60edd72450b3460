"""EmployeeErased: remove a person's data from every table, keep anonymous aggregates."""

from __future__ import annotations

import hashlib

from tillid.store.projection.context import BatchContext

# (table, column) holding the employee id directly: every row of the person goes.
_PERSONAL_ROWS = (
    ("competences", "employee_id"),
    ("competence_assessments", "employee_id"),
    ("unmapped_competences", "employee_id"),
    ("course_completions", "employee_id"),
    ("task_assignments", "employee_id"),
    ("rotation_interests", "employee_id"),
    ("suggestions", "employee_id"),
    ("audit_log", "subject"),
    ("parked_events", "employee_id"),
)

ERASED = "erased"


def subject_digest(employee_id: str) -> str:
    """The one-way digest an erased person is remembered by (never the id itself)."""
    return hashlib.sha256(f"tillid-erased:{employee_id}".encode("utf-8")).hexdigest()


async def erase_employee(conn, employee_id: str, ctx: BatchContext) -> int:
    """Erase one person; returns the number of rows removed or rewritten."""
    person = await conn.fetchrow("SELECT workplace_id FROM employees WHERE employee_id = $1", employee_id)
    if person is not None:
        ctx.touch_workplace(person["workplace_id"])
        await _keep_aggregates(conn, employee_id)
    removed = 0
    for table, column in _PERSONAL_ROWS:
        status = await conn.execute(f"DELETE FROM {table} WHERE {column} = $1", employee_id)
        removed += int(status.split()[-1])
    removed += await _remove_mentions(conn, employee_id)
    status = await conn.execute("DELETE FROM employees WHERE employee_id = $1", employee_id)
    removed += int(status.split()[-1])
    await conn.execute("INSERT INTO erasures (rows) VALUES ($1)", removed)
    await conn.execute("INSERT INTO erased_subjects VALUES ($1) ON CONFLICT DO NOTHING", subject_digest(employee_id))
    ctx.touch_rotation()
    return removed


async def _keep_aggregates(conn, employee_id: str) -> None:
    await conn.execute(
        """INSERT INTO erased_aggregates (profession_id, workplace_id, age_band, completions, passed, rotations, people)
           SELECT e.profession_id, e.workplace_id, coalesce(e.age_band, 'unknown'),
                  (SELECT count(*) FROM course_completions c WHERE c.employee_id = e.employee_id),
                  (SELECT count(*) FROM course_completions c WHERE c.employee_id = e.employee_id AND c.passed),
                  (SELECT count(*) FROM suggestions s WHERE s.employee_id = e.employee_id
                       AND s.kind = 'rotation_placement' AND s.status = 'accepted'),
                  1
           FROM employees e WHERE e.employee_id = $1
           ON CONFLICT (profession_id, workplace_id, age_band) DO UPDATE SET
               completions = erased_aggregates.completions + EXCLUDED.completions,
               passed = erased_aggregates.passed + EXCLUDED.passed,
               rotations = erased_aggregates.rotations + EXCLUDED.rotations,
               people = erased_aggregates.people + 1""", employee_id)


async def _remove_mentions(conn, employee_id: str) -> int:
    """Rewrite proposals, decisions, the audit trail, tokens (and their holders), outbox and dead letters
    that mention the person.

    The id is matched as a whole token, so erasing ``e-1`` leaves ``e-12`` alone.
    """
    token = _token_pattern(employee_id)
    count = 0
    for sql in (
        f"""UPDATE proposals SET employee_ids = array_replace(employee_ids, $2, '{ERASED}'),
                explanation = regexp_replace(explanation::text, $1, '{ERASED}', 'g')::jsonb,
                effect = regexp_replace(effect::text, $1, '{ERASED}', 'g')::jsonb,
                summary_da = regexp_replace(summary_da, $1, '{ERASED}', 'g'),
                summary_en = regexp_replace(summary_en, $1, '{ERASED}', 'g')
            WHERE $2 = ANY(employee_ids) OR explanation::text ~ $1 OR effect::text ~ $1
                  OR summary_da ~ $1 OR summary_en ~ $1""",
        f"""UPDATE decisions SET comment = regexp_replace(comment, $1, '{ERASED}', 'g'),
                decided_by_holder = regexp_replace(decided_by_holder, $1, '{ERASED}', 'g')
            WHERE (comment ~ $1 OR decided_by_holder ~ $1) AND $2 <> ''""",
        f"""UPDATE audit_log SET actor = regexp_replace(actor, $1, '{ERASED}', 'g'),
                holder = regexp_replace(holder, $1, '{ERASED}', 'g'),
                purpose = regexp_replace(purpose, $1, '{ERASED}', 'g')
            WHERE (actor ~ $1 OR holder ~ $1 OR purpose ~ $1) AND $2 <> ''""",
        "DELETE FROM api_tokens WHERE role = 'employee:' || $2 OR (role ~ $1 AND $2 <> '')",
        f"""UPDATE outbox SET value = regexp_replace(value::text, $1, '{ERASED}', 'g')::jsonb,
                key = regexp_replace(key, $1, '{ERASED}', 'g') WHERE (value::text ~ $1 OR key ~ $1) AND $2 <> ''""",
        f"UPDATE api_tokens SET holder = regexp_replace(holder, $1, '{ERASED}', 'g') WHERE holder ~ $1 AND $2 <> ''",
        "DELETE FROM deadletters WHERE (encode(coalesce(raw, ''::bytea), 'escape') ~ $1 OR reason ~ $1) AND $2 <> ''",
        "DELETE FROM parked_events WHERE employee_id = $2 OR envelope::text ~ $1",
    ):
        status = await conn.execute(sql, token, employee_id)
        count += int(status.split()[-1])
    return count


def _token_pattern(text: str) -> str:
    """A PostgreSQL regular expression matching ``text`` not embedded in a longer id."""
    escaped = "".join(f"\\{c}" if not c.isalnum() else c for c in text)
    edge = "[[:alnum:]_.:-]"
    return f"(?<!{edge}){escaped}(?!{edge})"
