"""The debounced re-matcher: recompute proposals for dirty scopes and issue the ones that say something new.

Scopes are claimed with row locks (several workers share the work), solved
off the event loop, and released only if no new event touched them while
they were being solved. Solving calls the same ``solve`` functions as
`tillid solve` (docs/contracts/solvers.md).

A round has two parts. Allocations first: every ripe workplace, organisation
and rotation scope, oldest first, LEON solved and issued a few workplaces at
a time. Each solved workplace is then marked for upskilling (scope kind
``upskilling``), and those paths, the slower and less urgent part, are worked
out one workplace at a time for as long as no allocation scope is ripe: a new
event's LEON proposal waits behind at most one upskilling solve, and behind
none unless upskilling has waited for more than a few seconds.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Callable

import asyncpg
import orjson

from tillid.matching import leon, rotation, upskilling
from tillid.matching.proposals.leon import leon_instance, leon_proposal
from tillid.matching.proposals.rotation import rotation_instance, rotation_proposals
from tillid.matching.proposals.snapshot import ProposalDraft, RotationSnapshot, WorkplaceSnapshot
from tillid.matching.proposals.upskilling import mentors_for, needs, upskill_instances, upskilling_proposal
from tillid.errors import PoisonError
from tillid.matching.upskilling.funds import DEFAULT_JOBROTATION_DKK_PER_HOUR
from tillid.store import snapshots
from tillid.store.answers import DEFAULT_DECLINE_QUIET_DAYS
from tillid.store.effects import EffectCache
from tillid.store.db import retry_while_unavailable, transient_as_unavailable
from tillid.store.projection.projector import MAX_CAUSES, mark_dirty
from tillid.store.proposals import issue_proposal, withdraw_pending
from tillid.store.worker_rounds import RoundTimes
from tillid.streams.wakeup import Wakeup

log = logging.getLogger("tillid.rematcher")

CLAIM_LIMIT = 200
# Workplaces of a round allocated at once (each holds a database connection while it reads or writes).
ALLOCATION_CONCURRENCY = 3
STALE_CLAIM_SECONDS = 120
UPSKILLING = "upskilling"
# Upskilling waits while allocations are ripe, but not longer than this.
UPSKILLING_PATIENCE_SECONDS = 5.0
# With nothing ripe, the re-matcher looks again after this long (or when ingestion rings).
IDLE_SECONDS = 1.0
# While ingestion catches up on a backlog, rounds wait this long at most.
CATCH_UP_PATIENCE_SECONDS = 30.0
# After a round that found nothing to claim (another worker was quicker, or a row was locked).
EMPTY_ROUND_PAUSE_SECONDS = 0.05
# Causes kept per workplace for ``_upskill``'s check; forgetting older ones only costs a fresh snapshot.
_KEPT_CAUSES = 4 * MAX_CAUSES
# Not claimed, or claimed by a worker that has not finished within STALE_CLAIM_SECONDS ($2): gone.
_UNCLAIMED = "(claimed_at IS NULL OR claimed_at < now() - make_interval(secs => $2))"


@dataclass(frozen=True)
class Claim:
    kind: str
    scope_id: str
    version: int
    event_ids: tuple[str, ...]
    since: datetime


@dataclass(frozen=True)
class Round:
    scopes: int = 0
    issued: int = 0

    def __add__(self, other: Round) -> Round:
        return Round(self.scopes + other.scopes, self.issued + other.issued)


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
    def __init__(self, pool: asyncpg.Pool, debounce_seconds: float = 1.0,
                 on_published: Callable[[], None] = lambda: None, *,
                 decline_quiet_days: int = DEFAULT_DECLINE_QUIET_DAYS,
                 jobrotation_dkk_per_hour: float = DEFAULT_JOBROTATION_DKK_PER_HOUR) -> None:
        self.pool = pool
        self.debounce = debounce_seconds
        # How long a declined need stays out of upskilling proposals (TILLID_DECLINE_QUIET_DAYS).
        self.decline_quiet_days = decline_quiet_days
        self.jobrotation_dkk_per_hour = jobrotation_dkk_per_hour
        # The activities' measured effects, read again every few minutes (outcomes change slowly).
        self.effects = EffectCache()
        # Called after proposal events were written to the outbox, so the relay sends them at once.
        self.on_published = on_published
        # Per workplace and kind: the digest of the last solver input and its outcome. An event that
        # changes nothing the solver sees (a skill no task asks for) then costs a snapshot, not a solve.
        self._last: dict[tuple[str, str], tuple[bytes, object]] = {}
        # Per workplace: the snapshot and LEON result of its latest allocation, kept for its upskilling,
        # and the causes this worker has put into the workplace's upskilling mark (see ``_upskill``).
        self._allocated: dict[str, tuple[WorkplaceSnapshot, dict | None, tuple[str, ...]]] = {}
        # How long the rounds of ``run`` took; the worker writes it to the store for /metrics.
        self.round_times = RoundTimes()

    async def run(self, wakeup: Wakeup, catching_up: Callable[[], bool] = lambda: False) -> None:
        """Re-match for as long as the worker runs: a round as soon as there is work, otherwise sleep
        until the next scope ripens or ingestion rings.

        While ingestion is catching up (``catching_up``: more than a batch is waiting on the broker),
        rounds wait, for at most ``CATCH_UP_PATIENCE_SECONDS`` at a stretch: proposals computed from a
        store that is still filling are soon outdated, and ingestion needs the CPU. Under a steady
        stream the backlog is small and rounds run as soon as scopes ripen."""
        clock = asyncio.get_running_loop().time
        deferring_since: float | None = None
        while True:
            try:
                if not catching_up():
                    deferring_since = None
                else:
                    deferring_since = clock() if deferring_since is None else deferring_since
                    patience_left = deferring_since + CATCH_UP_PATIENCE_SECONDS - clock()
                    if patience_left > 0:
                        await wakeup.wait(min(patience_left, IDLE_SECONDS))
                        continue
                wait = await retry_while_unavailable(self.seconds_until_work)
                if wait is None or wait > 0:
                    await wakeup.wait(IDLE_SECONDS if wait is None else min(wait, IDLE_SECONDS))
                    continue
                started = clock()
                done = await retry_while_unavailable(self.round)
                self.round_times.observe(clock() - started)
                deferring_since = None
                if done.issued:
                    log.info("issued %d proposals", done.issued)
                if not done.scopes:
                    await asyncio.sleep(EMPTY_ROUND_PAUSE_SECONDS)
            except Exception:
                # Proposals are derived from the store and acknowledge no events: the dirty scopes stay
                # dirty, so the next round tries again, and ingestion goes on meanwhile.
                log.exception("re-matching failed; the scopes stay dirty and are tried again")
                await asyncio.sleep(IDLE_SECONDS)

    async def run_once(self) -> int:
        """One round; returns the proposals issued."""
        return (await self.round()).issued

    async def round(self) -> Round:
        """Allocations for every ripe scope, then upskilling paths until an allocation is ripe again."""
        async with transient_as_unavailable():
            allocations = await self._allocation_round()
            return allocations + await self._upskilling_round()

    async def seconds_until_work(self) -> float | None:
        """How long until the next round has something to do (0 or less: now); None when nothing is dirty."""
        async with transient_as_unavailable():
            async with self.pool.acquire() as conn:
                # Upskilling marks are due at once; allocation scopes once they have waited the debounce time.
                return await conn.fetchval(
                    f"""SELECT extract(epoch FROM min(since + make_interval(
                                   secs => CASE WHEN scope_kind = $3 THEN 0 ELSE $1::float8 END)) - now())::float8
                        FROM dirty_scopes WHERE {_UNCLAIMED}""",
                    self.debounce, STALE_CLAIM_SECONDS, UPSKILLING)

    async def _cached(self, kind: str, workplace: str, inputs, propose, arguments, nothing):
        """The outcome for ``inputs``, whether it is the one last issued for them, and their digest.

        Only what was issued is remembered (``_issued``, after the issue's transactions): when issuing
        fails (the database went away), the scope stays dirty, and the next round issues the outcome
        instead of taking it for the one already issued."""
        digest = _digest(inputs)
        last = self._last.get((kind, workplace))
        if last is not None and last[0] == digest:
            return last[1], True, digest
        return await _solved(propose, arguments, workplace, nothing), False, digest

    def _issued(self, kind: str, workplace: str, digest: bytes, outcome) -> None:
        self._last[(kind, workplace)] = (digest, outcome)

    async def _allocation_round(self) -> Round:
        claims = await self._claim()
        if not claims:
            return Round()
        workplaces = await self._workplaces_of(claims)
        async with self.pool.acquire() as conn:
            facts = await self._round_facts(conn)
        # A few workplaces at a time, in claim order: one's snapshot and issue wait on PostgreSQL while
        # another's solve has the CPU. Each workplace's own steps stay in order.
        gate = asyncio.Semaphore(ALLOCATION_CONCURRENCY)

        async def allocate(workplace: str, causes: tuple[str, ...]):
            async with gate:
                return await self._allocate(workplace, causes, facts)

        allocated = await asyncio.gather(*(allocate(w, causes) for w, causes in workplaces.items()))
        issued = sum(n for n, _ in allocated)
        marks = await self._mark_for_upskilling(workplaces)
        for (workplace, causes), (_, solved) in zip(workplaces.items(), allocated):
            kept = self._allocated.pop(workplace, None)
            if solved is not None:
                # Version 1: the mark is new, so it holds this round's causes only; otherwise it may still
                # hold causes this worker marked before (reflected in this newer snapshot too).
                marked = causes if marks[(UPSKILLING, workplace)] == 1 or kept is None else kept[2] + causes
                self._allocated[workplace] = (*solved, tuple(dict.fromkeys(marked))[-_KEPT_CAUSES:])
        if any(c.kind == "rotation" for c in claims):
            causes = tuple(e for c in claims if c.kind == "rotation" for e in c.event_ids)
            async with self.pool.acquire() as conn:
                snapshot = await snapshots.rotation_snapshot(conn, causes)
            drafts = await _solved(propose_rotation, (snapshot,), "rotation", [])
            issued += await self._issue(drafts)
            await self._withdraw_missing(drafts, await self._pending_rotation())
        await self._release(claims)
        return Round(len(claims), issued)

    async def _allocate(self, workplace: str, causes: tuple[str, ...], facts: snapshots.RoundFacts
                        ) -> tuple[int, tuple[WorkplaceSnapshot, dict | None] | None]:
        """The LEON proposal of one workplace, issued when it differs from the last one; returns the proposals
        issued, and the snapshot and LEON result (None if the workplace is gone)."""
        async with self.pool.acquire() as conn:
            snapshot = await snapshots.workplace_snapshot(conn, workplace, causes, facts,
                                                          decline_quiet_days=self.decline_quiet_days)
        if snapshot is None:
            return 0, None
        instance = leon_instance(snapshot)
        (drafts, result), unchanged, digest = await self._cached(
            "leon", workplace, _leon_inputs(snapshot, instance), propose_leon, (snapshot, instance), ([], None))
        if unchanged:
            return 0, (snapshot, result)
        issued = await self._issue(drafts)
        await self._withdraw_missing(drafts, [("leon_allocation", workplace, snapshot.committee_id)])
        self._issued("leon", workplace, digest, (drafts, result))
        return issued, (snapshot, result)

    async def _upskilling_round(self) -> Round:
        """Upskilling paths one workplace at a time while no allocation scope is ripe. While one is, a mark
        that has waited longer than ``UPSKILLING_PATIENCE_SECONDS`` still gets one turn, so upskilling
        progresses under any load."""
        done = Round()
        while True:
            allocation_ripe, upskilling_overdue = await self._waiting()
            if allocation_ripe and (done.scopes or not upskilling_overdue):
                return done
            claim = await self._claim_upskilling()
            if claim is None:
                return done
            issued = await self._upskill(claim)
            await self._release([claim])
            done += Round(1, issued)

    async def _upskill(self, claim: Claim) -> int:
        # The kept snapshot will do if every cause in the mark is one this worker marked: each was in the
        # store when this worker took a snapshot, and the kept one is its latest. A cause another worker
        # marked may be newer than it, whichever mark came first; and a mark's version tells nothing once
        # its row was worked out and deleted, since a new row starts again at version 1. A mark with no
        # causes tells nothing. A full mark (MAX_CAUSES) is trusted too, although it may have dropped an
        # older cause of another worker: under load nearly every mark is full (281 of 300 in a latency
        # run), and each would cost a fresh snapshot. What that leaves open needs two workers allocating
        # one workplace at once (one for its organisation's scope) and a mark of 20 causes right after.
        kept = self._allocated.pop(claim.scope_id, None)
        if kept is not None and claim.event_ids and set(claim.event_ids) <= set(kept[2]):
            allocated = kept[:2]
        else:  # not allocated here, or marked by another worker too: maybe not the latest snapshot
            allocated = await self._allocation_of(claim)
        if allocated is None:
            return 0
        snapshot, result = allocated
        drafts, unchanged, digest = await self._cached(
            "upskilling", snapshot.workplace_id, (replace(snapshot, source_events=()), result),
            propose_upskilling, (snapshot, result), [])
        if unchanged:
            return 0
        issued = await self._issue(drafts)
        await self._withdraw_missing(drafts, [("upskilling_path", snapshot.workplace_id, snapshot.committee_id)])
        self._issued("upskilling", snapshot.workplace_id, digest, drafts)
        return issued

    async def _allocation_of(self, claim: Claim) -> tuple[WorkplaceSnapshot, dict | None] | None:
        """The allocation a workplace's upskilling builds on when this process has not solved it itself (another
        worker did, or this one restarted). Solving it here issues nothing: that is the allocation round's part."""
        async with self.pool.acquire() as conn:
            snapshot = await snapshots.workplace_snapshot(conn, claim.scope_id, claim.event_ids,
                                                          await self._round_facts(conn),
                                                          decline_quiet_days=self.decline_quiet_days)
        if snapshot is None:
            return None
        instance = leon_instance(snapshot)
        last = self._last.get(("leon", claim.scope_id))
        if last is not None and last[0] == _digest(_leon_inputs(snapshot, instance)):
            return snapshot, last[1][1]
        _, result = await _solved(propose_leon, (snapshot, instance), claim.scope_id, ([], None))
        return snapshot, result

    async def _round_facts(self, conn) -> snapshots.RoundFacts:
        return await snapshots.RoundFacts.read(conn, self.effects, self.jobrotation_dkk_per_hour)

    async def _claim(self) -> list[Claim]:
        """Ripe allocation scopes (dirty for at least the debounce time), oldest first."""
        return await self._claim_scopes(upskilling=False, older_than=self.debounce, limit=CLAIM_LIMIT)

    async def _claim_upskilling(self) -> Claim | None:
        claims = await self._claim_scopes(upskilling=True, older_than=0, limit=1)
        return claims[0] if claims else None

    async def _claim_scopes(self, *, upskilling: bool, older_than: float, limit: int) -> list[Claim]:
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

    async def _waiting(self) -> tuple[bool, bool]:
        """Whether an allocation scope is ripe, and whether an upskilling mark is overdue."""
        async with self.pool.acquire() as conn:
            row = await conn.fetchrow(
                f"""SELECT EXISTS (SELECT 1 FROM dirty_scopes WHERE scope_kind <> $3
                            AND since < now() - make_interval(secs => $1) AND {_UNCLAIMED}),
                           EXISTS (SELECT 1 FROM dirty_scopes WHERE scope_kind = $3
                            AND since < now() - make_interval(secs => $4) AND {_UNCLAIMED})""",
                self.debounce, STALE_CLAIM_SECONDS, UPSKILLING, UPSKILLING_PATIENCE_SECONDS)
        return row[0], row[1]

    async def _workplaces_of(self, claims: list[Claim]) -> dict[str, tuple[str, ...]]:
        """The workplaces the claims concern, in the order of the claims, with their causes."""
        causes: dict[str, list[str]] = {}
        async with self.pool.acquire() as conn:
            for claim in claims:
                if claim.kind == "workplace":
                    targets = [claim.scope_id]
                elif claim.kind == "organisation":
                    targets = [r["workplace_id"] for r in await conn.fetch(
                        "SELECT workplace_id FROM workplaces WHERE organisation_id = $1 ORDER BY workplace_id",
                        claim.scope_id)]
                else:
                    continue
                for workplace in targets:
                    causes.setdefault(workplace, []).extend(claim.event_ids)
        return {w: tuple(dict.fromkeys(ids)) for w, ids in causes.items()}

    async def _mark_for_upskilling(self, workplaces: dict[str, tuple[str, ...]]) -> dict[tuple[str, str], int]:
        async with self.pool.acquire() as conn:
            return await mark_dirty(conn, {(UPSKILLING, w): ids for w, ids in workplaces.items()})

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
                        source_events=list(draft.explanation.get("source_events", [])),
                        items=[item.to_wire() for item in draft.items])
                issued += proposal_id is not None
        if issued:
            self.on_published()
        return issued

    async def _pending_rotation(self) -> list[tuple[str, str, str]]:
        async with self.pool.acquire() as conn:
            return [("rotation_placement", r["scope"], r["committee_id"]) for r in await conn.fetch(
                "SELECT scope, committee_id FROM proposals WHERE kind = 'rotation_placement' AND status = 'pending'")]

    async def _withdraw_missing(self, drafts: list[ProposalDraft], considered: list[tuple[str, str, str]]) -> None:
        """Pending proposals of a scope the new round has nothing to say about are withdrawn."""
        proposed = {(d.kind, d.scope, d.committee_id) for d in drafts}
        now = datetime.now(timezone.utc)
        withdrawn = []
        async with self.pool.acquire() as conn:
            for kind, scope, committee in considered:
                if (kind, scope, committee) not in proposed:
                    async with conn.transaction():
                        withdrawn += await withdraw_pending(
                            conn, kind=kind, scope=scope, committee_id=committee, at=now,
                            reason="the current facts give no change to propose")
        if withdrawn:
            self.on_published()

    async def _release(self, claims: list[Claim]) -> None:
        """Forget scopes no new event touched meanwhile; the others stay dirty for the next round."""
        async with self.pool.acquire() as conn:
            await conn.executemany(
                """DELETE FROM dirty_scopes WHERE scope_kind = $1 AND scope_id = $2 AND version = $3""",
                [(c.kind, c.scope_id, c.version) for c in claims])
            await conn.executemany(
                """UPDATE dirty_scopes SET claimed_at = NULL, since = now()
                   WHERE scope_kind = $1 AND scope_id = $2""", [(c.kind, c.scope_id) for c in claims])


def _leon_inputs(snapshot: WorkplaceSnapshot, instance: dict):
    """What the LEON proposal of a workplace depends on, for the cache."""
    return instance, snapshot.freed, snapshot.committee_id
