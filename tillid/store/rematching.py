"""What the re-matcher reads and writes besides its queue (``tillid.store.scopes``): the snapshots it solves
and the proposals it issues or withdraws.

and, per organisation, the unstaffed hours it last compared. Each is a small protocol with a PostgreSQL implementation here; the in-memory fakes in ``tests/fakes``
let the re-matcher's scheduling and caching be unit-tested without services. ``RematchStore`` is the
three together, as the re-matcher takes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, Sequence

import asyncpg
import orjson

from tillid.matching.proposals.snapshot import NeedElsewhere, ProposalDraft, RotationSnapshot, WorkplaceSnapshot
from tillid.matching.upskilling.funds import DEFAULT_JOBROTATION_DKK_PER_HOUR
from tillid.store import snapshots
from tillid.store.effects import REFRESH_SECONDS as EFFECT_REFRESH_SECONDS
from tillid.store.effects import EffectCache
from tillid.store.proposals import issue_proposal, withdraw_pending
from tillid.store.scopes import PostgresScopes, Scopes

LEON_ALLOCATION = "leon_allocation"


@dataclass(frozen=True)
class ProposalScope:
    """Where a proposal belongs: its kind, scope (a workplace, a slot) and committee."""

    kind: str
    scope: str
    committee_id: str


class SnapshotSource(Protocol):
    async def round_facts(self) -> snapshots.RoundFacts:
        """What the snapshots of one round share, read afresh."""

    async def workplace(self, workplace_id: str, causes: tuple[str, ...], facts: snapshots.RoundFacts
                        ) -> WorkplaceSnapshot | None:
        """The workplace as its LEON and upskilling proposals see it; None if it is gone."""

    async def rotation(self, causes: tuple[str, ...]) -> RotationSnapshot:
        """The open rotation slots and who wants one."""

    async def workplaces_of(self, organisation: str) -> list[str]:
        """The organisation's workplaces, in id order."""

    async def open_hours(self, organisation: str, facts: snapshots.RoundFacts) -> tuple[NeedElsewhere, ...]:
        """The organisation's unstaffed task hours, most first, as the round's snapshots see them."""

    @property
    def effects_version(self) -> int:
        """Counts the refreshes that changed the effect estimates; a snapshot read under another version is
        not to be reused for upskilling."""

    async def refresh_effects(self) -> int:
        """When due, read the activities' measured effects afresh and mark the workplaces whose pending
        upskilling proposals a change concerns; returns how many were marked."""


class ProposalBook(Protocol):
    async def issue(self, drafts: Sequence[ProposalDraft], at: datetime) -> int:
        """Issue the drafts that say something new, each in its own transaction; returns how many."""

    async def withdraw(self, scopes: Sequence[ProposalScope], reason: str, at: datetime) -> int:
        """Withdraw the pending proposals of ``scopes``; returns how many."""

    async def pending_rotation(self) -> list[ProposalScope]:
        """Where rotation placements are pending."""

    async def pending_allocations_freeing_hours(self, organisation: str) -> list[str]:
        """The organisation's workplaces whose pending LEON allocation proposal frees hours, in id order: those
        name where the hours are needed elsewhere in the organisation (``needed_elsewhere``)."""


class OpenHoursSeen(Protocol):
    """Per organisation, its unstaffed hours as the re-matcher last compared them (``needed_elsewhere``)."""

    async def get(self, organisation: str) -> tuple[NeedElsewhere, ...] | None:
        """The hours last recorded; None if never."""

    async def record(self, organisation: str, open_hours: tuple[NeedElsewhere, ...]) -> None:
        """Remember ``open_hours`` as the organisation's latest."""


class PostgresSnapshots:
    def __init__(self, pool: asyncpg.Pool, *, decline_quiet_days: int,
                 jobrotation_dkk_per_hour: float = DEFAULT_JOBROTATION_DKK_PER_HOUR,
                 effect_refresh_seconds: float = EFFECT_REFRESH_SECONDS) -> None:
        self.pool = pool
        # How long a declined need stays out of upskilling proposals (TILLID_DECLINE_QUIET_DAYS).
        self.decline_quiet_days = decline_quiet_days
        self.jobrotation_dkk_per_hour = jobrotation_dkk_per_hour
        # The activities' measured effects, read again every few minutes (outcomes change slowly).
        self.effects = EffectCache(effect_refresh_seconds)

    async def round_facts(self) -> snapshots.RoundFacts:
        async with self.pool.acquire() as conn:
            return await snapshots.RoundFacts.read(conn, self.effects, self.jobrotation_dkk_per_hour)

    async def workplace(self, workplace_id: str, causes: tuple[str, ...], facts: snapshots.RoundFacts
                        ) -> WorkplaceSnapshot | None:
        async with self.pool.acquire() as conn:
            return await snapshots.workplace_snapshot(conn, workplace_id, causes, facts,
                                                      decline_quiet_days=self.decline_quiet_days)

    async def rotation(self, causes: tuple[str, ...]) -> RotationSnapshot:
        async with self.pool.acquire() as conn:
            return await snapshots.rotation_snapshot(conn, causes)

    async def workplaces_of(self, organisation: str) -> list[str]:
        async with self.pool.acquire() as conn:
            return [r["workplace_id"] for r in await conn.fetch(
                "SELECT workplace_id FROM workplaces WHERE organisation_id = $1 ORDER BY workplace_id", organisation)]

    async def open_hours(self, organisation: str, facts: snapshots.RoundFacts) -> tuple[NeedElsewhere, ...]:
        async with self.pool.acquire() as conn:
            return await facts.open_hours(conn, organisation)

    @property
    def effects_version(self) -> int:
        return self.effects.version

    async def refresh_effects(self) -> int:
        if not self.effects.due():
            return 0
        async with self.pool.acquire() as conn:
            return await self.effects.refresh(conn)


class PostgresProposals:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def issue(self, drafts: Sequence[ProposalDraft], at: datetime) -> int:
        issued = 0
        async with self.pool.acquire() as conn:
            for draft in drafts:
                async with conn.transaction():
                    proposal_id = await issue_proposal(
                        conn, kind=draft.kind, committee_id=draft.committee_id, scope=draft.scope,
                        employee_ids=list(draft.employee_ids), summary_da=draft.summary_da,
                        summary_en=draft.summary_en, explanation=draft.explanation, effect=draft.effect,
                        fingerprint=draft.fingerprint, issued_at=at,
                        source_events=list(draft.explanation.get("source_events", [])),
                        items=[item.to_wire() for item in draft.items])
                issued += proposal_id is not None
        return issued

    async def withdraw(self, scopes: Sequence[ProposalScope], reason: str, at: datetime) -> int:
        withdrawn = 0
        async with self.pool.acquire() as conn:
            for scope in scopes:
                async with conn.transaction():
                    withdrawn += len(await withdraw_pending(conn, kind=scope.kind, scope=scope.scope,
                                                            committee_id=scope.committee_id, at=at, reason=reason))
        return withdrawn

    async def pending_rotation(self) -> list[ProposalScope]:
        async with self.pool.acquire() as conn:
            return [ProposalScope("rotation_placement", r["scope"], r["committee_id"]) for r in await conn.fetch(
                "SELECT scope, committee_id FROM proposals WHERE kind = 'rotation_placement' AND status = 'pending'")]

    async def pending_allocations_freeing_hours(self, organisation: str) -> list[str]:
        async with self.pool.acquire() as conn:
            return [r["scope"] for r in await conn.fetch(
                """SELECT DISTINCT p.scope FROM proposals p JOIN workplaces w ON w.workplace_id = p.scope
                   WHERE p.kind = $2 AND p.status = 'pending' AND w.organisation_id = $1
                     AND (jsonb_array_length(coalesce(p.effect->'freed'->'tasks', '[]')) > 0
                          OR jsonb_array_length(coalesce(p.explanation->'freed_hours', '[]')) > 0)
                   ORDER BY p.scope""",
                organisation, LEON_ALLOCATION)]


class PostgresOpenHoursSeen:
    """``OpenHoursSeen`` in the table ``open_hours_seen`` (migration 0013), so every worker compares with the
    latest any of them recorded, and a restarted one too."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def get(self, organisation: str) -> tuple[NeedElsewhere, ...] | None:
        async with self.pool.acquire() as conn:
            value = await conn.fetchval("SELECT open_hours FROM open_hours_seen WHERE organisation_id = $1",
                                        organisation)
        return None if value is None else tuple(NeedElsewhere(*need) for need in orjson.loads(value))

    async def record(self, organisation: str, open_hours: tuple[NeedElsewhere, ...]) -> None:
        value = orjson.dumps([[n.workplace_id, n.workplace_name, n.task_id, float(n.hours)] for n in open_hours])
        async with self.pool.acquire() as conn:
            await conn.execute(
                """INSERT INTO open_hours_seen (organisation_id, open_hours) VALUES ($1, $2::jsonb)
                   ON CONFLICT (organisation_id) DO UPDATE SET open_hours = EXCLUDED.open_hours, updated_at = now()""",
                organisation, value.decode())


@dataclass(frozen=True)
class RematchStore:
    """The repositories the re-matcher works on."""

    scopes: Scopes
    snapshots: SnapshotSource
    proposals: ProposalBook
    open_hours_seen: OpenHoursSeen

    @classmethod
    def on_postgres(cls, pool: asyncpg.Pool, *, decline_quiet_days: int,
                    jobrotation_dkk_per_hour: float = DEFAULT_JOBROTATION_DKK_PER_HOUR,
                    effect_refresh_seconds: float = EFFECT_REFRESH_SECONDS) -> RematchStore:
        return cls(PostgresScopes(pool),
                   PostgresSnapshots(pool, decline_quiet_days=decline_quiet_days,
                                     jobrotation_dkk_per_hour=jobrotation_dkk_per_hour,
                                     effect_refresh_seconds=effect_refresh_seconds),
                   PostgresProposals(pool), PostgresOpenHoursSeen(pool))
