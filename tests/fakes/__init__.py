"""In-memory fakes of the store's repositories, for unit tests of the layers above it without services.

Each implements a protocol of ``tillid.store`` the way its PostgreSQL version does; where the two could
drift, a contract test runs the same tests on both (``tests/integration/store/test_scopes_contract.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import Callable, Iterable, Mapping, Sequence

from tillid.matching.proposals.snapshot import NeedElsewhere, ProposalDraft, RotationSnapshot, WorkplaceSnapshot
from tillid.store.rematching import LEON_ALLOCATION, ProposalScope, RematchStore
from tillid.store.scopes import MAX_CAUSES, STALE_CLAIM_SECONDS, UPSKILLING, Claim, ScopeKey, Waiting
from tillid.store.snapshots import RoundFacts, needs_shown_to


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class _DirtyScope:
    since: datetime
    event_ids: list[str]
    version: int = 1
    claimed_at: datetime | None = None


class InMemoryScopes:
    """``Scopes`` in a dict; ``clock`` stands for PostgreSQL's ``now()``."""

    def __init__(self, clock: Callable[[], datetime] = utc_now) -> None:
        self.clock = clock
        self.rows: dict[ScopeKey, _DirtyScope] = {}

    async def mark(self, causes: Mapping[ScopeKey, Iterable[str]]) -> dict[ScopeKey, int]:
        versions = {}
        for key, ids in sorted(causes.items()):
            new = sorted(ids)[:MAX_CAUSES]
            row = self.rows.get(key)
            if row is None:
                row = self.rows[key] = _DirtyScope(self.clock(), new)
            else:
                row.version += 1
                row.event_ids = (row.event_ids + new)[-MAX_CAUSES:]
            versions[key] = row.version
        return versions

    async def claim(self, *, upskilling: bool, older_than: float, limit: int) -> list[Claim]:
        now = self.clock()
        ripe = sorted((row.since, key) for key, row in self.rows.items()
                      if (key[0] == UPSKILLING) == upskilling and row.since < now - timedelta(seconds=older_than)
                      and self._unclaimed(row, now))[:limit]
        claims = []
        for _, key in ripe:
            row = self.rows[key]
            row.claimed_at = now
            claims.append(Claim(key[0], key[1], row.version, tuple(row.event_ids), row.since))
        return claims

    async def release(self, claims: Sequence[Claim]) -> None:
        for claim in claims:
            key = (claim.kind, claim.scope_id)
            row = self.rows.get(key)
            if row is not None and row.version == claim.version:
                del self.rows[key]
        for claim in claims:
            row = self.rows.get((claim.kind, claim.scope_id))
            if row is not None:
                row.claimed_at, row.since = None, self.clock()

    async def seconds_until_work(self, debounce: float) -> float | None:
        now = self.clock()
        due = [row.since + timedelta(seconds=0 if key[0] == UPSKILLING else debounce)
               for key, row in self.rows.items() if self._unclaimed(row, now)]
        return (min(due) - now).total_seconds() if due else None

    async def waiting(self, debounce: float, upskilling_patience: float) -> Waiting:
        now = self.clock()

        def any_ripe(upskilling: bool, seconds: float) -> bool:
            return any((key[0] == UPSKILLING) == upskilling and row.since < now - timedelta(seconds=seconds)
                       and self._unclaimed(row, now) for key, row in self.rows.items())

        return Waiting(any_ripe(False, debounce), any_ripe(True, upskilling_patience))

    @staticmethod
    def _unclaimed(row: _DirtyScope, now: datetime) -> bool:
        return row.claimed_at is None or row.claimed_at < now - timedelta(seconds=STALE_CLAIM_SECONDS)


class FakeSnapshots:
    """``SnapshotSource`` over snapshots a test sets up (``workplaces``) and organisations' unstaffed hours
    (``open_hours_of``). Like the store's, a snapshot names the other workplaces' hours when it has freed
    hours. Every read is recorded in ``reads``, and ``on_read`` runs at each (an event arriving meanwhile)."""

    def __init__(self, workplaces: Iterable[WorkplaceSnapshot] = ()) -> None:
        self.workplaces: dict[str, WorkplaceSnapshot] = {w.workplace_id: w for w in workplaces}
        self.open_hours_of: dict[str, tuple[NeedElsewhere, ...]] = {}
        self.reads: list[str] = []
        self.on_read: Callable[[str], None] = lambda workplace_id: None

    effects_version = 0  # the fakes' snapshots carry no measured effects

    async def refresh_effects(self) -> int:
        return 0

    async def round_facts(self) -> RoundFacts:
        return RoundFacts({}, {})

    async def workplace(self, workplace_id: str, causes: tuple[str, ...], facts: RoundFacts
                        ) -> WorkplaceSnapshot | None:
        self.reads.append(workplace_id)
        self.on_read(workplace_id)
        snapshot = self.workplaces.get(workplace_id)
        if snapshot is None:
            return None
        needed = (needs_shown_to(workplace_id, self.open_hours_of.get(snapshot.organisation_id, ()))
                  if snapshot.freed else ())
        return replace(snapshot, source_events=tuple(causes), needed_elsewhere=needed)

    async def rotation(self, causes: tuple[str, ...]) -> RotationSnapshot:
        return RotationSnapshot(slots=(), applicants=(), max_away_per_workplace={}, source_events=tuple(causes))

    async def workplaces_of(self, organisation: str) -> list[str]:
        return sorted(w for w, s in self.workplaces.items() if s.organisation_id == organisation)

    async def open_hours(self, organisation: str, facts: RoundFacts) -> tuple[NeedElsewhere, ...]:
        return self.open_hours_of.get(organisation, ())


@dataclass(frozen=True)
class _Proposal:
    scope: ProposalScope
    draft: ProposalDraft
    status: str = "pending"


class InMemoryProposals:
    """``ProposalBook`` as ``issue_proposal`` keeps it: nothing is issued twice for the same substance
    (fingerprint) while pending or decided; a new substance supersedes the pending one. ``fail_next`` makes
    the next ``issue`` raise (the database went away)."""

    def __init__(self) -> None:
        self.proposals: list[_Proposal] = []
        self.fail_next: Exception | None = None

    async def issue(self, drafts: Sequence[ProposalDraft], at: datetime) -> int:
        if self.fail_next is not None:
            error, self.fail_next = self.fail_next, None
            raise error
        issued = 0
        for draft in drafts:
            scope = ProposalScope(draft.kind, draft.scope, draft.committee_id)
            mine = [p for p in self.proposals if p.scope == scope]
            if any(p.draft.fingerprint == draft.fingerprint and p.status not in ("superseded", "withdrawn")
                   for p in mine):
                continue
            self._set_status(scope, "pending", "superseded")
            self.proposals.append(_Proposal(scope, draft))
            issued += 1
        return issued

    async def withdraw(self, scopes: Sequence[ProposalScope], reason: str, at: datetime) -> int:
        return sum(self._set_status(scope, "pending", "withdrawn") for scope in scopes)

    async def pending_rotation(self) -> list[ProposalScope]:
        return [p.scope for p in self.proposals if p.status == "pending" and p.scope.kind == "rotation_placement"]

    async def pending_allocations_freeing_hours(self, organisation: str) -> list[str]:
        return sorted({p.scope.scope for p in self.proposals if p.status == "pending" and p.scope.kind == LEON_ALLOCATION
                       and p.draft.explanation["workplace"]["organisation"] == organisation
                       and (p.draft.effect["freed"]["tasks"] or p.draft.explanation["freed_hours"])})

    def pending(self) -> list[ProposalDraft]:
        return [p.draft for p in self.proposals if p.status == "pending"]

    def _set_status(self, scope: ProposalScope, old: str, new: str) -> int:
        changed = 0
        for index, proposal in enumerate(self.proposals):
            if proposal.scope == scope and proposal.status == old:
                self.proposals[index] = replace(proposal, status=new)
                changed += 1
        return changed


class InMemoryOpenHoursSeen:
    def __init__(self) -> None:
        self.seen: dict[str, tuple[NeedElsewhere, ...]] = {}

    async def get(self, organisation: str) -> tuple[NeedElsewhere, ...] | None:
        return self.seen.get(organisation)

    async def record(self, organisation: str, open_hours: tuple[NeedElsewhere, ...]) -> None:
        self.seen[organisation] = open_hours


def in_memory_store(workplaces: Iterable[WorkplaceSnapshot] = (),
                    clock: Callable[[], datetime] = utc_now) -> RematchStore:
    return RematchStore(InMemoryScopes(clock), FakeSnapshots(workplaces), InMemoryProposals(),
                        InMemoryOpenHoursSeen())
