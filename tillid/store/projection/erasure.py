"""EmployeeErased: remove a person's data from every table, keep anonymous aggregates."""

from __future__ import annotations

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
    ctx.rotation = True
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
    """Rewrite proposals, decisions, tokens, outbox and dead letters that mention the person."""
    pattern = f"%{_like_escape(employee_id)}%"
    count = 0
    for sql in (
        f"""UPDATE proposals SET employee_ids = array_replace(employee_ids, $1, '{ERASED}'),
                explanation = replace(explanation::text, $1, '{ERASED}')::jsonb,
                effect = replace(effect::text, $1, '{ERASED}')::jsonb,
                summary_da = replace(summary_da, $1, '{ERASED}'),
                summary_en = replace(summary_en, $1, '{ERASED}')
            WHERE $1 = ANY(employee_ids) OR explanation::text LIKE $2 OR effect::text LIKE $2
                  OR summary_da LIKE $2 OR summary_en LIKE $2""",
        f"UPDATE decisions SET comment = replace(comment, $1, '{ERASED}') WHERE comment LIKE $2",
        f"UPDATE audit_log SET actor = replace(actor, $1, '{ERASED}'), purpose = replace(purpose, $1, '{ERASED}') "
        "WHERE actor LIKE $2 OR purpose LIKE $2",
        "DELETE FROM api_tokens WHERE role = 'employee:' || $1 OR role LIKE $2",
        f"UPDATE outbox SET value = replace(value::text, $1, '{ERASED}')::jsonb, "
        f"key = replace(key, $1, '{ERASED}') WHERE value::text LIKE $2 OR key LIKE $2",
        "DELETE FROM deadletters WHERE position(convert_to($1, 'UTF8') in coalesce(raw, ''::bytea)) > 0 "
        "OR reason LIKE $2",
        "DELETE FROM parked_events WHERE employee_id = $1 OR envelope::text LIKE $2",
    ):
        status = await conn.execute(sql, employee_id, pattern)
        count += int(status.split()[-1])
    return count


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
