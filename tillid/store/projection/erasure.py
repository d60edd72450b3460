"""EmployeeErased: remove a person's data from every table, keep anonymous aggregates and accountability.

After an erasure no table holds the employee id in clear text (docs/security.md, "Erasure and
retention"): the person's own rows are deleted; pending proposals that named them are withdrawn,
and their scopes matched again without them; every other mention (decided proposals, other
people's suggestions, decisions, the outbox) is rewritten to ``erased``; events parked for them
are dropped and counted so; audit rows about them stay, with the subject replaced by a keyed
one-way digest, so who read what about whom can still be answered for.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from typing import Iterable

from tillid.store.projection.context import BatchContext
from tillid.store.tallies import set_outcome

# (table, column) holding the employee id directly: every row of the person goes.
_PERSONAL_ROWS = (
    ("competences", "employee_id"),
    ("competence_assessments", "employee_id"),
    ("unmapped_competences", "employee_id"),
    ("course_completions", "employee_id"),
    ("task_assignments", "employee_id"),
    ("rotation_interests", "employee_id"),
    ("suggestions", "employee_id"),
    ("declined_needs", "employee_id"),
    ("competence_disputes", "employee_id"),
)

# What the id becomes where it is rewritten (explanations, summaries, comments, queued events).
ERASED = "erased"
# The prefix of an erased person's digest where a subject is kept (audit rows).
ERASED_SUBJECT_PREFIX = "erased:"
WITHDRAWN_REASON = "a person it named was erased"
# Put before the fingerprint of a proposal withdrawn by an erasure: the same substance, matched again
# without the person (a mentor replaced, say), is then proposed anew rather than taken as seen.
WITHDRAWN_FINGERPRINT_PREFIX = "withdrawn-at-erasure:"


async def erasure_key(conn) -> bytes:
    """The secret that keys erased people's digests (created by migration 0006, never changed)."""
    return bytes(await conn.fetchval("SELECT key FROM erasure_key"))


def subject_digest(key: bytes, employee_id: str) -> str:
    """The keyed one-way digest an erased person is remembered by: HMAC-SHA256 of the id.

    Without the key a guessed id cannot be tested against it; with the database and its key it
    can (docs/security.md)."""
    return hmac.new(key, employee_id.encode("utf-8"), hashlib.sha256).hexdigest()


def legacy_subject_digest(employee_id: str) -> str:
    """The unkeyed digest erasures before migration 0006 recorded; still recognised, never written."""
    return hashlib.sha256(f"tillid-erased:{employee_id}".encode("utf-8")).hexdigest()


def erased_subject(key: bytes, employee_id: str) -> str:
    """What an audit row's subject (and any actor or endpoint naming the person) becomes."""
    return ERASED_SUBJECT_PREFIX + subject_digest(key, employee_id)


async def erased_among(conn, employee_ids: Iterable[str], key: bytes | None = None) -> set[str]:
    """The ids among ``employee_ids`` of people erased before (by either form of digest)."""
    ids = set(employee_ids)
    if not ids:
        return set()
    key = key if key is not None else await erasure_key(conn)
    digests: dict[str, str] = {}
    for employee_id in ids:
        digests[subject_digest(key, employee_id)] = employee_id
        digests[legacy_subject_digest(employee_id)] = employee_id
    rows = await conn.fetch("SELECT subject_sha256 FROM erased_subjects WHERE subject_sha256 = ANY($1::text[])",
                            list(digests))
    return {digests[row["subject_sha256"]] for row in rows}


async def erase_employee(conn, employee_id: str, occurred_at: datetime, ctx: BatchContext) -> int:
    """Erase one person; returns the number of rows removed or rewritten."""
    ctx.erased.add(employee_id)
    key = await erasure_key(conn)
    person = await conn.fetchrow("SELECT workplace_id FROM employees WHERE employee_id = $1", employee_id)
    if person is not None:
        ctx.touch_workplace(person["workplace_id"])
        await _keep_aggregates(conn, employee_id)
    removed = 0
    for table, column in _PERSONAL_ROWS:
        removed += _count(await conn.execute(f"DELETE FROM {table} WHERE {column} = $1", employee_id))
    token = _token_pattern(employee_id)
    removed += await _drop_parked(conn, token, employee_id, ctx)
    removed += await _withdraw_pending_proposals(conn, token, employee_id, occurred_at, ctx)
    removed += await _rewrite_mentions(conn, token, employee_id, erased_subject(key, employee_id))
    removed += _count(await conn.execute("DELETE FROM employees WHERE employee_id = $1", employee_id))
    await conn.execute("INSERT INTO erasures (rows) VALUES ($1)", removed)
    await conn.execute("INSERT INTO erased_subjects (subject_sha256, kind) VALUES ($1, 'hmac') ON CONFLICT DO NOTHING",
                       subject_digest(key, employee_id))
    ctx.touch_rotation()
    return removed


def _count(status: str) -> int:
    return int(status.split()[-1])


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


async def _drop_parked(conn, token: str, employee_id: str, ctx: BatchContext) -> int:
    """Events parked for the person (or naming them) are dropped: their outcome becomes ``discarded``,
    so /api/stats counts them as dropped by an erasure rather than nowhere."""
    dropped = await conn.fetch(
        "DELETE FROM parked_events WHERE employee_id = $2 OR envelope::text ~ $1 RETURNING event_id",
        token, employee_id)
    await set_outcome(conn, [row["event_id"] for row in dropped], "discarded", ctx.tally)
    return len(dropped)


async def _withdraw_pending_proposals(conn, token: str, employee_id: str, occurred_at: datetime,
                                      ctx: BatchContext) -> int:
    """Pending proposals naming the person anywhere are withdrawn (ProposalWithdrawn in the outbox) and
    their scopes marked dirty, so the re-matcher proposes again without them. Their text is rewritten
    with every other mention, below."""
    from tillid.store.proposals import queue_withdrawal

    rows = await conn.fetch(
        f"""UPDATE proposals SET status = 'withdrawn', fingerprint = '{WITHDRAWN_FINGERPRINT_PREFIX}' || fingerprint
            WHERE status = 'pending' AND ($2 = ANY(employee_ids) OR explanation::text ~ $1 OR effect::text ~ $1
                                          OR summary_da ~ $1 OR summary_en ~ $1)
            RETURNING proposal_id, kind, scope, committee_id""", token, employee_id)
    for row in rows:
        await queue_withdrawal(conn, row["proposal_id"], row["committee_id"], WITHDRAWN_REASON, occurred_at)
        if row["kind"] == "rotation_placement":
            ctx.touch_rotation()
        else:  # LEON allocations and upskilling paths are scoped by workplace
            ctx.touch_workplace(row["scope"])
    return len(rows)


# Tables whose rows stay after an erasure but may mention the person anywhere in their text and JSON
# columns, with what the id becomes there. Their columns are read from the catalogue at each erasure,
# so a column added later (a token's holder, say) is rewritten too.
_MENTIONING_TABLES: tuple[tuple[str, str | None], ...] = (
    ("proposals", ERASED), ("decisions", ERASED), ("suggestions", ERASED),
    ("competence_disputes", ERASED),  # another person's comment may name them
    ("audit_log", None),  # None: the person's keyed digest, so the trail stays accountable
)


async def _rewrite_mentions(conn, token: str, employee_id: str, subject: str) -> int:
    """Rewrite every remaining mention of the person: proposals (any status; they also leave
    ``employee_ids``), decisions, other people's suggestions, the audit trail (subject, actor, holder,
    endpoint... → ``erased:<digest>``), the outbox and tokens' holders; delete their tokens, the queued events about them
    and the dead letters naming them.

    The id is matched as a whole token, so erasing ``e-1`` leaves ``e-12`` alone.
    """
    count = _count(await conn.execute(
        "UPDATE proposals SET employee_ids = array_remove(employee_ids, $1) WHERE $1 = ANY(employee_ids)",
        employee_id))
    for table, replacement in _MENTIONING_TABLES:
        count += await _rewrite_columns(conn, table, token, replacement or subject)
    for sql in (
        "DELETE FROM api_tokens WHERE role = 'employee:' || $2 OR (role ~ $1 AND $2 <> '')",
        f"UPDATE api_tokens SET holder = regexp_replace(holder, $1, '{ERASED}', 'g') WHERE holder ~ $1 AND $2 <> ''",
        # Events about the person are not sent (any more); other events naming them go out rewritten.
        "DELETE FROM outbox WHERE (key = $2 OR value #>> '{payload,employee_id}' = $2) AND $1 <> ''",
        f"""UPDATE outbox SET value = regexp_replace(value::text, $1, '{ERASED}', 'g')::jsonb,
                key = regexp_replace(key, $1, '{ERASED}', 'g') WHERE (value::text ~ $1 OR key ~ $1) AND $2 <> ''""",
        "DELETE FROM deadletters WHERE (encode(coalesce(raw, ''::bytea), 'escape') ~ $1 OR reason ~ $1) AND $2 <> ''",
    ):
        count += _count(await conn.execute(sql, token, employee_id))
    return count


async def _rewrite_columns(conn, table: str, token: str, replacement: str) -> int:
    """Replace the id by ``replacement`` in every text and JSON column of ``table`` except its keys and
    references (``*_id``), in the rows that mention it; returns the rows rewritten."""
    columns = await conn.fetch(
        r"""SELECT column_name, data_type FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = $1 AND data_type IN ('text', 'jsonb', 'json')
              AND column_name NOT LIKE '%\_id' ORDER BY ordinal_position""", table)
    if not columns:
        return 0
    names = [(f'"{c["column_name"]}"', c["data_type"]) for c in columns]
    sets = ", ".join(f"{name} = regexp_replace({name}::text, $1, $2, 'g')::{kind}" for name, kind in names)
    mentions = " OR ".join(f"{name}::text ~ $1" for name, _ in names)
    return _count(await conn.execute(f"UPDATE {table} SET {sets} WHERE {mentions}", token, replacement))


def _token_pattern(text: str) -> str:
    """A PostgreSQL regular expression matching ``text`` not embedded in a longer id."""
    escaped = "".join(f"\\{c}" if not c.isalnum() else c for c in text)
    # A colon may come before the id (``employee:e-1``, a role naming the person), not after it.
    before, after = "[[:alnum:]_.-]", "[[:alnum:]_.:-]"
    return f"(?<!{before}){escaped}(?!{after})"
