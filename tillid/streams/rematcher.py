"""The debounced re-matcher: recompute proposals for dirty scopes and issue the ones that say something new.

Scopes are claimed with row locks (several workers share the work), solved
off the event loop, and released only if no new event touched them while
they were being solved. Solving calls the same ``solve`` functions as
`tillid solve` (contracts/solvers.md).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from dataclasses import dataclass, replace
from datetime import datetime, timezone

import asyncpg
import orjson

from tillid.matching import leon, rotation, upskilling
from tillid.matching.proposals.leon import leon_instance, leon_proposal
from tillid.matching.proposals.rotation import rotation_instance, rotation_proposals
from tillid.matching.proposals.snapshot import ProposalDraft, RotationSnapshot, WorkplaceSnapshot
from tillid.matching.proposals.upskilling import mentors_for, needs, upskill_instances, upskilling_proposal
from tillid.errors import PoisonError
from tillid.store import snapshots
from tillid.store.db import transient_as_unavailable
from tillid.store.proposals import issue_proposal, withdraw_pending

log = logging.getLogger("tillid.rematcher")

CLAIM_LIMIT = 200
# Upskilling paths are slower and less urgent than allocations: a round spends at most this much
# on them, so a new event's LEON proposal never waits long behind a round of upskilling.
UPSKILLING_BUDGET_SECONDS = 0.25
STALE_CLAIM_SECONDS = 120


@dataclass(frozen=True)
class Claim:
    kind: str
    scope_id: str
    version: int
    event_ids: tuple[str, ...]


def propose_leon(snapshot: WorkplaceSnapshot, instance: dict) -> tuple[list[ProposalDraft], dict | None]:
    """The LEON allocation proposal for one workplace from its instance, and the solver's result (pure)."""
    if not (instance["tasks"] and instance["employees"]):
        return [], None
    result = leon.solve(instance)
    draft = leon_proposal(snapshot, instance, result)
    return ([draft] if draft is not None else []), result


def propose_upskilling(snapshot: WorkplaceSnapshot, leon_result: dict | None) -> list[ProposalDraft]:
    """Upskilling paths for the needs at one workplace (pure)."""
    found = needs(snapshot, leon_result)
    if not found:
        return []
    mentors = mentors_for(snapshot, found)
    results = [upskilling.solve(i) for i in upskill_instances(snapshot, found, mentors)]
    draft = upskilling_proposal(snapshot, results, found)
    return [draft] if draft is not None else []


def propose_rotation(snapshot: RotationSnapshot) -> list[ProposalDraft]:
    if not snapshot.slots or not snapshot.applicants:
        return []
    instance = rotation_instance(snapshot)
    return rotation_proposals(snapshot, rotation.solve(instance))


async def _solved(propose, arguments, scope: str, nothing):
    """Solve off the event loop. A scope whose data the solver rejects is logged and passed over,
    so one workplace's odd data never stops proposals for the others."""
    try:
        return await asyncio.to_thread(propose, *arguments)
    except PoisonError as error:
        log.error("no proposals for %s: %s", scope, error.reason)
        return nothing


def _digest(inputs) -> bytes:
    """What the solver would see, as a digest for the cache. Only compared within this process, so it
    may differ from ``proposals.common.fingerprint`` (stored with proposals): orjson writes the snapshots' dataclasses
    several times faster than the standard library."""
    text = orjson.dumps(inputs, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS, default=str)
    return hashlib.sha256(text).digest()


class Rematcher:
    def __init__(self, pool: asyncpg.Pool, debounce_seconds: float = 1.0) -> None:
        self.pool = pool
        self.debounce = debounce_seconds
        # Per workplace and kind: the digest of the last solver input and its outcome. An event that
        # changes nothing the solver sees (a skill no task asks for) then costs a snapshot, not a solve.
        self._last: dict[tuple[str, str], tuple[bytes, object]] = {}

    async def _cached(self, kind: str, workplace: str, inputs, propose, arguments, nothing):
        digest = _digest(inputs)
        last = self._last.get((kind, workplace))
        if last is not None and last[0] == digest:
            return last[1], True
        outcome = await _solved(propose, arguments, workplace, nothing)
        self._last[(kind, workplace)] = (digest, outcome)
        return outcome, False

    async def run_once(self) -> int:
        """Handle every dirty scope that has been quiet for the debounce time; returns proposals issued."""
        async with transient_as_unavailable():
            return await self._run_once()

    async def _run_once(self) -> int:
        claims = await self._claim()
        if not claims:
            return 0
        issued = 0
        workplaces = await self._workplaces_of(claims)
        catalogue, professions = await self._catalogue()
        # LEON first for every scope: it is quick, and allocations are what committees wait for;
        # the slower upskilling paths follow.
        solved = []
        for workplace, claim_causes in sorted(workplaces.items()):
            async with self.pool.acquire() as conn:
                snapshot = await snapshots.workplace_snapshot(conn, workplace, claim_causes, catalogue, professions)
            if snapshot is None:
                continue
            instance = leon_instance(snapshot)
            (drafts, result), unchanged = await self._cached(
                "leon", workplace, (instance, snapshot.freed, snapshot.committee_id),
                propose_leon, (snapshot, instance), ([], None))
            if not unchanged:
                issued += await self._issue(drafts)
                await self._withdraw_missing(drafts, [("leon_allocation", workplace, snapshot.committee_id)])
            solved.append((snapshot, result))
        deferred: set[str] = set()
        budget_ends = time.monotonic() + UPSKILLING_BUDGET_SECONDS
        for index, (snapshot, result) in enumerate(solved):
            if index > 0 and time.monotonic() > budget_ends:  # at least one per round: progress
                deferred.add(snapshot.workplace_id)
                continue
            drafts, unchanged = await self._cached(
                "upskilling", snapshot.workplace_id, (replace(snapshot, source_events=()), result),
                propose_upskilling, (snapshot, result), [])
            if not unchanged:
                issued += await self._issue(drafts)
                await self._withdraw_missing(drafts, [("upskilling_path", snapshot.workplace_id,
                                                       snapshot.committee_id)])
        if any(c.kind == "rotation" for c in claims):
            causes = tuple(e for c in claims if c.kind == "rotation" for e in c.event_ids)
            async with self.pool.acquire() as conn:
                snapshot = await snapshots.rotation_snapshot(conn, causes)
            drafts = await _solved(propose_rotation, (snapshot,), "rotation", [])
            issued += await self._issue(drafts)
            await self._withdraw_missing(drafts, await self._pending_rotation())
        await self._release(claims)
        await self._defer(deferred, workplaces)
        return issued

    async def _claim(self) -> list[Claim]:
        async with self.pool.acquire() as conn:
            rows = await conn.fetch(
                """UPDATE dirty_scopes d SET claimed_at = now() FROM (
                       SELECT scope_kind, scope_id FROM dirty_scopes
                       WHERE since < now() - make_interval(secs => $1)
                         AND (claimed_at IS NULL OR claimed_at < now() - make_interval(secs => $2))
                       ORDER BY since LIMIT $3 FOR UPDATE SKIP LOCKED) c
                   WHERE d.scope_kind = c.scope_kind AND d.scope_id = c.scope_id
                   RETURNING d.scope_kind, d.scope_id, d.version, d.event_ids""",
                self.debounce, STALE_CLAIM_SECONDS, CLAIM_LIMIT)
        return [Claim(r["scope_kind"], r["scope_id"], r["version"], tuple(r["event_ids"])) for r in rows]

    async def _workplaces_of(self, claims: list[Claim]) -> dict[str, tuple[str, ...]]:
        causes: dict[str, list[str]] = {}
        async with self.pool.acquire() as conn:
            for claim in claims:
                if claim.kind == "workplace":
                    targets = [claim.scope_id]
                elif claim.kind == "organisation":
                    targets = [r["workplace_id"] for r in await conn.fetch(
                        "SELECT workplace_id FROM workplaces WHERE organisation_id = $1", claim.scope_id)]
                else:
                    continue
                for workplace in targets:
                    causes.setdefault(workplace, []).extend(claim.event_ids)
        return {w: tuple(dict.fromkeys(ids)) for w, ids in causes.items()}

    async def _catalogue(self):
        async with self.pool.acquire() as conn:
            return await snapshots.activities(conn), await snapshots.professions(conn)

    async def _issue(self, drafts: list[ProposalDraft]) -> int:
        issued = 0
        now = datetime.now(timezone.utc)
        async with self.pool.acquire() as conn:
            for draft in drafts:
                async with conn.transaction():
                    proposal_id = await issue_proposal(
                        conn, kind=draft.kind, committee_id=draft.committee_id, scope=draft.scope,
                        employee_ids=list(draft.employee_ids), summary_da=draft.summary_da,
                        summary_en=draft.summary_en, explanation=draft.explanation, effect=draft.effect,
                        fingerprint=draft.fingerprint, issued_at=now,
                        source_events=list(draft.explanation.get("source_events", [])))
                issued += proposal_id is not None
        return issued

    async def _pending_rotation(self) -> list[tuple[str, str, str]]:
        async with self.pool.acquire() as conn:
            return [("rotation_placement", r["scope"], r["committee_id"]) for r in await conn.fetch(
                "SELECT scope, committee_id FROM proposals WHERE kind = 'rotation_placement' AND status = 'pending'")]

    async def _withdraw_missing(self, drafts: list[ProposalDraft], considered: list[tuple[str, str, str]]) -> None:
        """Pending proposals of a scope the new round has nothing to say about are withdrawn."""
        proposed = {(d.kind, d.scope, d.committee_id) for d in drafts}
        now = datetime.now(timezone.utc)
        async with self.pool.acquire() as conn:
            for kind, scope, committee in considered:
                if (kind, scope, committee) not in proposed:
                    async with conn.transaction():
                        await withdraw_pending(conn, kind=kind, scope=scope, committee_id=committee, at=now,
                                               reason="the current facts give no change to propose")

    async def _defer(self, deferred: set[str], workplaces: dict[str, tuple[str, ...]]) -> None:
        """Workplaces whose upskilling waits for the next round stay dirty, first in the queue."""
        if deferred:
            async with self.pool.acquire() as conn:
                await conn.executemany(
                    """INSERT INTO dirty_scopes (scope_kind, scope_id, since, event_ids)
                       VALUES ('workplace', $1, now() - interval '1 hour', $2)
                       ON CONFLICT (scope_kind, scope_id) DO UPDATE SET since = EXCLUDED.since, claimed_at = NULL""",
                    [(w, list(workplaces.get(w, ()))[:20]) for w in sorted(deferred)])

    async def _release(self, claims: list[Claim]) -> None:
        """Forget scopes no new event touched meanwhile; the others stay dirty for the next round."""
        async with self.pool.acquire() as conn:
            await conn.executemany(
                """DELETE FROM dirty_scopes WHERE scope_kind = $1 AND scope_id = $2 AND version = $3""",
                [(c.kind, c.scope_id, c.version) for c in claims])
            await conn.executemany(
                """UPDATE dirty_scopes SET claimed_at = NULL, since = now()
                   WHERE scope_kind = $1 AND scope_id = $2""", [(c.kind, c.scope_id) for c in claims])
