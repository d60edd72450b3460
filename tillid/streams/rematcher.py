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
none unless upskilling has waited for more than a few seconds. A round also
marks the workplaces whose pending LEON proposal names unstaffed hours
elsewhere that have changed (``_mark_where_needs_elsewhere_changed``).

Here are the scheduling and the caching; every read and write goes through
the repositories of ``RematchStore`` (tillid/store/scopes.py and
tillid/store/rematching.py), whose in-memory fakes (tests/fakes) let this
module be unit-tested without services.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Callable, Generic, TypeVar

import asyncpg
import orjson

from tillid.matching import leon, rotation, upskilling
from tillid.matching.proposals.leon import leon_instance, leon_proposal
from tillid.matching.proposals.rotation import rotation_instance, rotation_proposals
from tillid.matching.proposals.snapshot import ProposalDraft, RotationSnapshot, WorkplaceSnapshot
from tillid.matching.proposals.upskilling import mentors_for, needs, upskill_instances, upskilling_proposal
from tillid.errors import PoisonError
from tillid.matching.upskilling.funds import DEFAULT_JOBROTATION_DKK_PER_HOUR
from tillid.store.answers import DEFAULT_DECLINE_QUIET_DAYS
from tillid.store.effects import REFRESH_SECONDS as EFFECT_REFRESH_SECONDS
from tillid.store.db import retry_while_unavailable, transient_as_unavailable
from tillid.store.rematching import LEON_ALLOCATION, ProposalScope, RematchStore
from tillid.store.scopes import MAX_CAUSES, UPSKILLING, Claim
from tillid.store.snapshots import RoundFacts, needs_shown_to
from tillid.store.worker_rounds import RoundTimes
from tillid.streams.recent import Recent
from tillid.streams.wakeup import Wakeup

log = logging.getLogger("tillid.rematcher")

CLAIM_LIMIT = 200
# Workplaces of a round allocated at once (each holds a database connection while it reads or writes).
ALLOCATION_CONCURRENCY = 3
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
# Workplaces whose last issued outcome and kept allocation the re-matcher remembers (tillid/streams/recent.py):
# enough for the scopes of several rounds, so the worker's memory does not grow with the size of the sector.
REMEMBERED_WORKPLACES = 512

Outcome = TypeVar("Outcome")


@dataclass(frozen=True)
class LeonOutcome:
    """A workplace's LEON proposal (none or one) and the solver's result it was drafted from."""

    drafts: list[ProposalDraft]
    result: dict | None


@dataclass(frozen=True)
class Allocation:
    """A workplace as its latest allocation saw it, which its upskilling paths build on."""

    snapshot: WorkplaceSnapshot
    result: dict | None


@dataclass(frozen=True)
class Allocated:
    """What allocating a workplace gave: the proposals issued, and the allocation (None if the workplace is gone)."""

    issued: int
    allocation: Allocation | None


@dataclass(frozen=True)
class KeptAllocation:
    """An allocation this worker solved, the causes it put into the workplace's upskilling mark, and the
    version of the effect estimates its snapshot was read with."""

    allocation: Allocation
    marked: tuple[str, ...]
    effects_version: int = 0


@dataclass(frozen=True)
class Issued(Generic[Outcome]):
    """What was last issued for a workplace's proposals of one kind: the digest of the solver's input, and the outcome."""

    digest: bytes
    outcome: Outcome


@dataclass(frozen=True)
class Cached(Generic[Outcome]):
    """An outcome for some inputs, whether it is the one last issued for them, and their digest."""

    outcome: Outcome
    unchanged: bool
    digest: bytes


@dataclass(frozen=True)
class Round:
    scopes: int = 0
    issued: int = 0

    def __add__(self, other: Round) -> Round:
        return Round(self.scopes + other.scopes, self.issued + other.issued)


def propose_leon(snapshot: WorkplaceSnapshot, instance: dict) -> LeonOutcome:
    """The LEON allocation proposal for one workplace from its instance, and the solver's result (pure)."""
    if not (instance["tasks"] and instance["employees"]):
        return LeonOutcome([], None)
    result = leon.solve(instance)
    draft = leon_proposal(snapshot, instance, result)
    return LeonOutcome([draft] if draft is not None else [], result)


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
    def __init__(self, store: asyncpg.Pool | RematchStore, debounce_seconds: float = 1.0,
                 on_published: Callable[[], None] = lambda: None, *,
                 decline_quiet_days: int = DEFAULT_DECLINE_QUIET_DAYS,
                 jobrotation_dkk_per_hour: float = DEFAULT_JOBROTATION_DKK_PER_HOUR,
                 effect_refresh_seconds: float = EFFECT_REFRESH_SECONDS) -> None:
        """``store``: the repositories to work on, or a pool to work on them in PostgreSQL (the worker's case).
        ``decline_quiet_days`` (TILLID_DECLINE_QUIET_DAYS), ``jobrotation_dkk_per_hour`` and
        ``effect_refresh_seconds`` (TILLID_EFFECT_REFRESH_SECONDS) are what the PostgreSQL snapshots are read
        with; repositories given are taken as they are."""
        self.store = store if isinstance(store, RematchStore) else RematchStore.on_postgres(
            store, decline_quiet_days=decline_quiet_days, jobrotation_dkk_per_hour=jobrotation_dkk_per_hour,
            effect_refresh_seconds=effect_refresh_seconds)
        self.debounce = debounce_seconds
        # Called after proposal events were written to the outbox, so the relay sends them at once.
        self.on_published = on_published
        # Per workplace and kind: the digest of the last solver input and its outcome. An event that
        # changes nothing the solver sees (a skill no task asks for) then costs a snapshot, not a solve.
        self._last: Recent[tuple[str, str], Issued] = Recent(2 * REMEMBERED_WORKPLACES)
        # Per workplace: its latest allocation, kept for its upskilling (see ``_upskill``).
        self._allocated: Recent[str, KeptAllocation] = Recent(REMEMBERED_WORKPLACES)
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
                # Before looking for work: a refresh of the effect estimates may mark some (and must, also
                # when nothing else is dirty, so the proposals come to depend on the events alone).
                await retry_while_unavailable(self.refresh_effects)
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

    async def refresh_effects(self) -> int:
        """Refresh the effect estimates when due; returns how many workplaces it marked for upskilling."""
        async with transient_as_unavailable():
            marked = await self.store.snapshots.refresh_effects()
        if marked:
            log.info("the measured effects changed: %d workplaces marked for upskilling again", marked)
        return marked

    async def seconds_until_work(self) -> float | None:
        """How long until the next round has something to do (0 or less: now); None when nothing is dirty."""
        async with transient_as_unavailable():
            # Upskilling marks are due at once; allocation scopes once they have waited the debounce time.
            return await self.store.scopes.seconds_until_work(self.debounce)

    async def _cached(self, kind: str, workplace: str, inputs, propose, arguments, nothing) -> Cached:
        """The outcome for ``inputs``, whether it is the one last issued for them, and their digest.

        Only what was issued is remembered (``_issued``, after the issue's transactions): when issuing
        fails (the database went away), the scope stays dirty, and the next round issues the outcome
        instead of taking it for the one already issued."""
        digest = _digest(inputs)
        last = self._last.get((kind, workplace))
        if last is not None and last.digest == digest:
            return Cached(last.outcome, True, digest)
        return Cached(await _solved(propose, arguments, workplace, nothing), False, digest)

    def _issued(self, kind: str, workplace: str, digest: bytes, outcome) -> None:
        self._last[(kind, workplace)] = Issued(digest, outcome)

    async def _allocation_round(self) -> Round:
        claims = await self._claim()
        if not claims:
            return Round()
        workplaces = await self._workplaces_of(claims)
        facts = await self.store.snapshots.round_facts()
        effects_version = self.store.snapshots.effects_version
        # A few workplaces at a time, in claim order: one's snapshot and issue wait on PostgreSQL while
        # another's solve has the CPU. Each workplace's own steps stay in order.
        gate = asyncio.Semaphore(ALLOCATION_CONCURRENCY)

        async def allocate(workplace: str, causes: tuple[str, ...]) -> Allocated:
            async with gate:
                return await self._allocate(workplace, causes, facts)

        allocated = await asyncio.gather(*(allocate(w, causes) for w, causes in workplaces.items()))
        issued = sum(a.issued for a in allocated)
        solved = {w: a.allocation for w, a in zip(workplaces, allocated) if a.allocation is not None}
        await self._mark_where_needs_elsewhere_changed(solved, workplaces, facts)
        marks = await self._mark_for_upskilling(workplaces)
        for workplace, causes in workplaces.items():
            kept = self._allocated.pop(workplace, None)
            if workplace in solved:
                # Version 1: the mark is new, so it holds this round's causes only; otherwise it may still
                # hold causes this worker marked before (reflected in this newer snapshot too).
                marked = causes if marks[(UPSKILLING, workplace)] == 1 or kept is None else kept.marked + causes
                self._allocated[workplace] = KeptAllocation(
                    solved[workplace], tuple(dict.fromkeys(marked))[-_KEPT_CAUSES:], effects_version)
        if any(c.kind == "rotation" for c in claims):
            causes = tuple(e for c in claims if c.kind == "rotation" for e in c.event_ids)
            snapshot = await self.store.snapshots.rotation(causes)
            drafts = await _solved(propose_rotation, (snapshot,), "rotation", [])
            issued += await self._issue(drafts)
            await self._withdraw_missing(drafts, await self.store.proposals.pending_rotation())
        await self.store.scopes.release(claims)
        return Round(len(claims), issued)

    async def _allocate(self, workplace: str, causes: tuple[str, ...], facts: RoundFacts) -> Allocated:
        """The LEON proposal of one workplace, issued when it differs from the last one."""
        snapshot = await self.store.snapshots.workplace(workplace, causes, facts)
        if snapshot is None:
            return Allocated(0, None)
        instance = leon_instance(snapshot)
        cached = await self._cached(
            "leon", workplace, _leon_inputs(snapshot, instance), propose_leon, (snapshot, instance),
            LeonOutcome([], None))
        allocation = Allocation(snapshot, cached.outcome.result)
        if cached.unchanged:
            return Allocated(0, allocation)
        drafts = cached.outcome.drafts
        issued = await self._issue(drafts)
        await self._withdraw_missing(drafts, [ProposalScope(LEON_ALLOCATION, workplace, snapshot.committee_id)])
        self._issued("leon", workplace, cached.digest, cached.outcome)
        return Allocated(issued, allocation)

    async def _mark_where_needs_elsewhere_changed(self, solved: dict[str, Allocation],
                                                  causes: dict[str, tuple[str, ...]], facts: RoundFacts) -> None:
        """Mark the workplaces whose pending LEON proposal would now name other unstaffed hours elsewhere.

        A LEON proposal names the organisation's unstaffed hours at other workplaces (``needed_elsewhere``),
        but an event changes only its own workplace's hours. So each round compares the hours of every
        organisation it allocated in with those last recorded (by any worker), and marks only the other
        workplaces with a pending proposal that frees hours (the proposals that name where they are needed)
        whose share of them (``needs_shown_to``) changed, with this round's causes. The pending proposals then depend only on the events, not on which rounds ran in
        between. Marks come before the record: a round that fails between them marks again next time."""
        organisations: dict[str, list[str]] = {}
        for workplace, allocation in solved.items():
            organisations.setdefault(allocation.snapshot.organisation_id, []).append(workplace)
        for organisation, here in sorted(organisations.items()):
            open_hours = await self.store.snapshots.open_hours(organisation, facts)
            before = await self.store.open_hours_seen.get(organisation)
            if before == open_hours:
                continue
            earlier = before or ()
            stale = [w for w in await self.store.proposals.pending_allocations_freeing_hours(organisation)
                     if w not in solved and needs_shown_to(w, earlier) != needs_shown_to(w, open_hours)]
            if stale:
                why = tuple(dict.fromkeys(e for w in here for e in causes[w]))
                await self.store.scopes.mark({("workplace", w): why for w in stale})
                log.info("unstaffed hours in %s changed: %d workplaces marked", organisation, len(stale))
            await self.store.open_hours_seen.record(organisation, open_hours)

    async def _upskilling_round(self) -> Round:
        """Upskilling paths one workplace at a time while no allocation scope is ripe. While one is, a mark
        that has waited longer than ``UPSKILLING_PATIENCE_SECONDS`` still gets one turn, so upskilling
        progresses under any load."""
        done = Round()
        while True:
            waiting = await self.store.scopes.waiting(self.debounce, UPSKILLING_PATIENCE_SECONDS)
            if waiting.allocation_ripe and (done.scopes or not waiting.upskilling_overdue):
                return done
            claim = await self._claim_upskilling()
            if claim is None:
                return done
            issued = await self._upskill(claim)
            await self.store.scopes.release([claim])
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
        # Nor will it do once the effect estimates changed since it was read: a refresh's mark adds no cause,
        # and the paths must be chosen with the estimates that mark was for.
        kept = self._allocated.pop(claim.scope_id, None)
        if (kept is not None and kept.effects_version == self.store.snapshots.effects_version
                and claim.event_ids and set(claim.event_ids) <= set(kept.marked)):
            allocation: Allocation | None = kept.allocation
        else:  # not allocated here, or marked by another worker too: maybe not the latest snapshot
            allocation = await self._allocation_of(claim)
        if allocation is None:
            return 0
        snapshot, result = allocation.snapshot, allocation.result
        cached = await self._cached("upskilling", snapshot.workplace_id, _upskilling_inputs(snapshot, result),
                                    propose_upskilling, (snapshot, result), [])
        if cached.unchanged:
            return 0
        issued = await self._issue(cached.outcome)
        await self._withdraw_missing(cached.outcome, [ProposalScope("upskilling_path", snapshot.workplace_id,
                                                                    snapshot.committee_id)])
        self._issued("upskilling", snapshot.workplace_id, cached.digest, cached.outcome)
        return issued

    async def _allocation_of(self, claim: Claim) -> Allocation | None:
        """The allocation a workplace's upskilling builds on when this process has not solved it itself (another
        worker did, or this one restarted). Solving it here issues nothing: that is the allocation round's part."""
        snapshot = await self.store.snapshots.workplace(claim.scope_id, claim.event_ids,
                                                        await self.store.snapshots.round_facts())
        if snapshot is None:
            return None
        instance = leon_instance(snapshot)
        last = self._last.get(("leon", claim.scope_id))
        if last is not None and last.digest == _digest(_leon_inputs(snapshot, instance)):
            return Allocation(snapshot, last.outcome.result)
        outcome = await _solved(propose_leon, (snapshot, instance), claim.scope_id, LeonOutcome([], None))
        return Allocation(snapshot, outcome.result)

    async def _claim(self) -> list[Claim]:
        """Ripe allocation scopes (dirty for at least the debounce time), oldest first."""
        return await self.store.scopes.claim(upskilling=False, older_than=self.debounce, limit=CLAIM_LIMIT)

    async def _claim_upskilling(self) -> Claim | None:
        claims = await self.store.scopes.claim(upskilling=True, older_than=0, limit=1)
        return claims[0] if claims else None

    async def _workplaces_of(self, claims: list[Claim]) -> dict[str, tuple[str, ...]]:
        """The workplaces the claims concern, in the order of the claims, with their causes."""
        causes: dict[str, list[str]] = {}
        for claim in claims:
            if claim.kind == "workplace":
                targets = [claim.scope_id]
            elif claim.kind == "organisation":
                targets = await self.store.snapshots.workplaces_of(claim.scope_id)
            else:
                continue
            for workplace in targets:
                causes.setdefault(workplace, []).extend(claim.event_ids)
        return {w: tuple(dict.fromkeys(ids)) for w, ids in causes.items()}

    async def _mark_for_upskilling(self, workplaces: dict[str, tuple[str, ...]]) -> dict[tuple[str, str], int]:
        return await self.store.scopes.mark({(UPSKILLING, w): ids for w, ids in workplaces.items()})

    async def _issue(self, drafts: list[ProposalDraft]) -> int:
        if not drafts:
            return 0
        issued = await self.store.proposals.issue(drafts, datetime.now(timezone.utc))
        if issued:
            self.on_published()
        return issued

    async def _withdraw_missing(self, drafts: list[ProposalDraft], considered: list[ProposalScope]) -> None:
        """Pending proposals of a scope the new round has nothing to say about are withdrawn."""
        proposed = {ProposalScope(d.kind, d.scope, d.committee_id) for d in drafts}
        missing = [scope for scope in considered if scope not in proposed]
        if not missing:
            return
        withdrawn = await self.store.proposals.withdraw(missing, "the current facts give no change to propose",
                                                        datetime.now(timezone.utc))
        if withdrawn:
            self.on_published()


def _leon_inputs(snapshot: WorkplaceSnapshot, instance: dict):
    """What the LEON proposal of a workplace depends on, for the cache: the instance, and what the proposal
    names besides (hours freed here, unstaffed hours elsewhere) and whom it goes to."""
    return instance, snapshot.freed, snapshot.needed_elsewhere, snapshot.committee_id


def _upskilling_inputs(snapshot: WorkplaceSnapshot, result: dict | None):
    """What the upskilling proposal of a workplace depends on, for the cache: all but the causes, and the hours
    needed elsewhere (only its LEON proposal names them; a change there re-allocates the workplace)."""
    return replace(snapshot, source_events=(), needed_elsewhere=()), result
