"""The re-match queue: scopes marked dirty by events, claimed and released by re-matchers (table ``dirty_scopes``).

A scope is (kind, id): a workplace, an organisation, the rotation (``rotation``, ``all``), or a
workplace's upskilling paths (``upskilling``). Marking it records the ids of the events that touched it
(the latest ``MAX_CAUSES``) and bumps its version; a re-matcher claims ripe scopes, solves them, and
releases them: a scope whose version is still the one claimed is forgotten, one marked again meanwhile
stays dirty for the next round. Claims are exclusive (rows locked, ``SKIP LOCKED``), and a claim older
than ``STALE_CLAIM_SECONDS`` counts as gone (its worker died).

``Scopes`` is what the re-matcher needs; ``PostgresScopes`` implements it on the store, and the
in-memory fake in ``tests/fakes`` implements it for unit tests (``tests/integration/store/test_scopes_contract.py``
runs the same tests on both).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, Mapping, Protocol, Sequence

import asyncpg
import orjson

# Causes kept per scope: the latest ids of the events that marked it.
MAX_CAUSES = 20
STALE_CLAIM_SECONDS = 120
# The kind of a workplace's upskilling mark, worked out after its allocation.
UPSKILLING = "upskilling"
# Not claimed, or claimed by a worker that has not finished within STALE_CLAIM_SECONDS ($2): gone.
_UNCLAIMED = "(claimed_at IS NULL OR claimed_at < now() - make_interval(secs => $2))"

# A scope as (kind, id), e.g. ("workplace", "w-1").
ScopeKey = tuple[str, str]


@dataclass(frozen=True)
class Claim:
    """A dirty scope a re-matcher holds: the version it claimed and the causes it saw."""

    kind: str
    scope_id: str
    version: int
    event_ids: tuple[str, ...]
    since: datetime


@dataclass(frozen=True)
class Waiting:
    """What waits besides the work in hand: a ripe allocation scope, an overdue upskilling mark."""

    allocation_ripe: bool
    upskilling_overdue: bool


class Scopes(Protocol):
    async def mark(self, causes: Mapping[ScopeKey, Iterable[str]]) -> dict[ScopeKey, int]:
        """Mark scopes dirty with the ids of the events that touched them; returns each one's version now."""

    async def claim(self, *, upskilling: bool, older_than: float, limit: int) -> list[Claim]:
        """Claim up to ``limit`` scopes dirty for more than ``older_than`` seconds that nobody holds (upskilling
        marks, or every other kind), oldest first."""

    async def release(self, claims: Sequence[Claim]) -> None:
        """Forget claimed scopes no new cause touched since; the others stay dirty, ripening afresh."""

    async def seconds_until_work(self, debounce: float) -> float | None:
        """How long until a scope nobody holds is ripe (0 or less: now), allocation scopes after ``debounce``
        and upskilling marks at once; None when nothing is dirty."""

    async def waiting(self, debounce: float, upskilling_patience: float) -> Waiting:
        """Whether an allocation scope is ripe, and an upskilling mark has waited ``upskilling_patience``."""


async def mark_dirty(conn, causes: Mapping[ScopeKey, Iterable[str]]) -> dict[ScopeKey, int]:
    """Mark scopes (kind, id) dirty with the ids of events that touched them: a new cause bumps the
    version (a re-matcher holding the scope keeps it dirty) and the latest MAX_CAUSES ids are kept.
    Returns each scope's version now. In the caller's transaction (the projector marks with its batch)."""
    if not causes:
        return {}
    rows = await conn.fetch(
        """INSERT INTO dirty_scopes (scope_kind, scope_id, event_ids)
           SELECT scope_kind, scope_id, ARRAY(SELECT json_array_elements_text(event_ids))
           FROM json_to_recordset($1::json) AS r(scope_kind text, scope_id text, event_ids json)
           ORDER BY scope_kind, scope_id
           ON CONFLICT (scope_kind, scope_id) DO UPDATE SET version = dirty_scopes.version + 1,
               event_ids = (dirty_scopes.event_ids || EXCLUDED.event_ids)[
                   greatest(1, cardinality(dirty_scopes.event_ids || EXCLUDED.event_ids) - $2 + 1):]
           RETURNING scope_kind, scope_id, version""",
        orjson.dumps([{"scope_kind": kind, "scope_id": scope_id, "event_ids": sorted(ids)[:MAX_CAUSES]}
                      for (kind, scope_id), ids in sorted(causes.items())]).decode(), MAX_CAUSES)
    return {(r["scope_kind"], r["scope_id"]): r["version"] for r in rows}


class PostgresScopes:
    """``Scopes`` on the ``dirty_scopes`` table, shared by every worker."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def mark(self, causes: Mapping[ScopeKey, Iterable[str]]) -> dict[ScopeKey, int]:
        async with self.pool.acquire() as conn:
            return await mark_dirty(conn, causes)

    async def claim(self, *, upskilling: bool, older_than: float, limit: int) -> list[Claim]:
        async with self.pool.acquire() as conn:
            rows = await conn.fetch(
                f"""UPDATE dirty_scopes d SET claimed_at = now() FROM (
                        SELECT scope_kind, scope_id FROM dirty_scopes
                        WHERE (scope_kind = $4) = $5 AND since < now() - make_interval(secs => $1) AND {_UNCLAIMED}
                        ORDER BY since, scope_kind, scope_id LIMIT $3 FOR UPDATE SKIP LOCKED) c
                    WHERE d.scope_kind = c.scope_kind AND d.scope_id = c.scope_id
                    RETURNING d.scope_kind, d.scope_id, d.version, d.event_ids, d.since""",
                older_than, STALE_CLAIM_SECONDS, limit, UPSKILLING, upskilling)
        claims = [Claim(r["scope_kind"], r["scope_id"], r["version"], tuple(r["event_ids"]), r["since"]) for r in rows]
        return sorted(claims, key=lambda c: (c.since, c.kind, c.scope_id))

    async def release(self, claims: Sequence[Claim]) -> None:
        async with self.pool.acquire() as conn:
            await conn.executemany(
                """DELETE FROM dirty_scopes WHERE scope_kind = $1 AND scope_id = $2 AND version = $3""",
                [(c.kind, c.scope_id, c.version) for c in claims])
            await conn.executemany(
                """UPDATE dirty_scopes SET claimed_at = NULL, since = now()
                   WHERE scope_kind = $1 AND scope_id = $2""", [(c.kind, c.scope_id) for c in claims])

    async def seconds_until_work(self, debounce: float) -> float | None:
        async with self.pool.acquire() as conn:
            return await conn.fetchval(
                f"""SELECT extract(epoch FROM min(since + make_interval(
                               secs => CASE WHEN scope_kind = $3 THEN 0 ELSE $1::float8 END)) - now())::float8
                    FROM dirty_scopes WHERE {_UNCLAIMED}""",
                debounce, STALE_CLAIM_SECONDS, UPSKILLING)

    async def waiting(self, debounce: float, upskilling_patience: float) -> Waiting:
        async with self.pool.acquire() as conn:
            row = await conn.fetchrow(
                f"""SELECT EXISTS (SELECT 1 FROM dirty_scopes WHERE scope_kind <> $3
                            AND since < now() - make_interval(secs => $1) AND {_UNCLAIMED}),
                           EXISTS (SELECT 1 FROM dirty_scopes WHERE scope_kind = $3
                            AND since < now() - make_interval(secs => $4) AND {_UNCLAIMED})""",
                debounce, STALE_CLAIM_SECONDS, UPSKILLING, upskilling_patience)
        return Waiting(row[0], row[1])
