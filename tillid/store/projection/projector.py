"""Idempotent projection of events into PostgreSQL, one transaction per batch.

The processed event ids are recorded in the same transaction as their effect
(as pyeventsourcing's tracking records are), so a redelivered event changes
nothing. An event whose referent is not known yet is parked, and applied in
the transaction that brings the referent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Iterable, Mapping, Sequence

import asyncpg
import orjson

from tillid.competence.events.formats import parse_date_time
from tillid.store.projection.context import BatchContext, Ref, SkillResolver, resolve_ids_only
from tillid.store.projection.erasure import erased_among, erasure_key
from tillid.store.projection.handlers import PROJECTIONS, REFERENT_TABLES
from tillid.store.projection.locks import lock_keys
from tillid.store.tallies import set_outcome


@dataclass(frozen=True)
class BatchResult:
    applied: int = 0
    duplicates: int = 0
    parked: int = 0
    released: int = 0


class _Parked:
    """A parked event brought back: the same shape as a live envelope."""

    __slots__ = ("event_id", "type", "occurred_at", "payload", "raw")

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw
        self.event_id = raw["event_id"]
        self.type = raw["type"]
        self.occurred_at = parse_date_time(raw["occurred_at"])
        self.payload = raw["payload"]

    def to_dict(self) -> dict[str, Any]:
        return self.raw


class Projector:
    def __init__(self, resolve_skill: SkillResolver = resolve_ids_only) -> None:
        self.resolve_skill = resolve_skill
        self._key: bytes | None = None

    async def _erasure_key(self, conn) -> bytes:
        """Read once: the key is written by a migration and never changes."""
        if self._key is None:
            self._key = await erasure_key(conn)
        return self._key

    async def apply(self, conn: asyncpg.Connection, envelopes: Sequence[Any]) -> BatchResult:
        """Apply a batch of validated envelopes in one transaction."""
        async with conn.transaction():
            return await self.apply_in_transaction(conn, envelopes)

    async def apply_in_transaction(self, conn: asyncpg.Connection, envelopes: Sequence[Any]) -> BatchResult:
        """Apply within the caller's transaction. Types the store does not keep (the proposals the
        system itself publishes) are passed over."""
        envelopes = [e for e in envelopes if e.type in PROJECTIONS]
        ctx = BatchContext(resolve_skill=self.resolve_skill)
        fresh, duplicates = await self._claim(conn, envelopes, ctx)
        fresh = await _without_erased(conn, fresh, self._erasure_key, ctx)
        applied, parked = await self._apply_runs(conn, fresh, ctx)
        released = await self._release(conn, ctx)
        await _write_dirty_scopes(conn, ctx)
        await ctx.tally.write(conn)  # last: the rows it locks are held only until the commit
        return BatchResult(applied=applied, duplicates=duplicates, parked=parked, released=released)

    async def _claim(self, conn, envelopes: Sequence[Any], ctx: BatchContext) -> tuple[list[Any], int]:
        """Record the batch's event ids; return the events not seen before, in order (counted as
        applied until something else becomes of them) and how many were duplicates."""
        first: dict[str, Any] = {}
        for envelope in envelopes:
            first.setdefault(envelope.event_id, envelope)
        claimed = await _claim_ids(conn, first.values())
        fresh = [e for e in first.values() if e.event_id in claimed]
        ctx.tally.add_events((e.type for e in fresh), "applied")
        if len(fresh) < len(envelopes):
            ctx.tally.add_events((e.type for e in envelopes), "duplicate")
            ctx.tally.add_events((e.type for e in fresh), "duplicate", -1)
        return fresh, len(envelopes) - len(fresh)

    async def _apply_runs(self, conn, events: Sequence[Any], ctx: BatchContext) -> tuple[int, int]:
        """Apply events in order, grouping consecutive events of one type; park the unready."""
        events = gather_commuting(events)
        needs = [PROJECTIONS[e.type].requires(e.payload) for e in events]
        known = await _existing(conn, {ref for refs in needs for ref in refs})
        applied = parked = 0
        run: list[Any] = []
        to_park: list[tuple[Any, Ref]] = []
        for event, refs in zip(events, needs):
            missing = _first_missing(refs, known)
            if missing is not None:
                to_park.append((event, missing))
                continue
            if run and run[0].type != event.type:
                await _apply_run(conn, run, ctx)
                run = []
            run.append(event)
            provided = PROJECTIONS[event.type].provides(event.payload)
            if provided:
                known.update(provided)
                ctx.provided.extend(provided)
            applied += 1
        if run:
            await _apply_run(conn, run, ctx)
        if to_park and ctx.erased:
            # Waiting for something, about a person this batch has erased since: dropped, not parked.
            gone = [event for event, _ in to_park if event.payload.get("employee_id") in ctx.erased]
            to_park = [(event, ref) for event, ref in to_park if event.payload.get("employee_id") not in ctx.erased]
            await _discard(conn, gone, ctx)
        if to_park:
            arrived, to_park = await _recheck_under_lock(conn, to_park)
            if arrived:
                more_applied, more_parked = await self._apply_runs(conn, arrived, ctx)
                applied, parked = applied + more_applied, parked + more_parked
            if to_park:
                await _park(conn, to_park, ctx)
                parked += len(to_park)
        return applied, parked

    async def _release(self, conn, ctx: BatchContext) -> int:
        """Apply parked events whose referents this batch provided (and, in turn, theirs)."""
        released = 0
        while ctx.provided:
            refs, ctx.provided = ctx.provided, []
            await _lock_refs(conn, refs)
            rows = await conn.fetch(
                """DELETE FROM parked_events p USING unnest($1::text[], $2::text[]) AS r(kind, id)
                   WHERE p.waiting_kind = r.kind AND p.waiting_id = r.id
                   RETURNING p.event_id, p.envelope, p.parked_at""",
                [kind for kind, _ in refs], [ref_id for _, ref_id in refs])
            if not rows:
                continue
            ordered = sorted(rows, key=lambda row: (row["parked_at"], row["event_id"]))
            events = [_Parked(orjson.loads(row["envelope"])) for row in ordered]
            await set_outcome(conn, [e.event_id for e in events], "released", ctx.tally)
            applied, _ = await self._apply_runs(conn, events, ctx)
            released += applied
        return released


def gather_commuting(events: Sequence[Any]) -> list[Any]:
    """Each stretch of consecutive commuting events regrouped by type (stable within a type), so that
    it is applied in one run per type rather than one run per change of type. The store ends the same
    (``Projection.commutes``); parking is unaffected, as commuting types provide no referent."""
    result: list[Any] = []
    stretch: dict[str, list[Any]] = {}
    for event in events:
        if PROJECTIONS[event.type].commutes:
            stretch.setdefault(event.type, []).append(event)
            continue
        for run in stretch.values():
            result.extend(run)
        stretch = {}
        result.append(event)
    for run in stretch.values():
        result.extend(run)
    return result


def _first_missing(refs: tuple[Ref, ...], known: set[Ref]) -> Ref | None:
    for ref in refs:
        if ref not in known:
            return ref
    return None


async def _claim_ids(conn, events: Iterable[Any]) -> set[str]:
    """The ids of ``events`` (distinct) recorded as processed now: those not recorded before.

    Nearly every batch is new, so the ids are first copied in as they are, in a savepoint: half the
    server time of an insert that checks each row for a conflict (docs/benchmarks.md, "Stream
    ingest"). If any was recorded before (a redelivery, or another transaction that has just
    committed it), the savepoint is rolled back and the ids are inserted skipping those."""
    events = list(events)
    try:
        async with conn.transaction():
            await conn.copy_records_to_table("processed_events", columns=("event_id", "type", "outcome"),
                                             records=[(e.event_id, e.type, "applied") for e in events])
    except asyncpg.UniqueViolationError:
        rows = await conn.fetch(
            """INSERT INTO processed_events (event_id, type, outcome)
               SELECT event_id, type, 'applied' FROM json_to_recordset($1::json) AS r(event_id text, type text)
               ON CONFLICT (event_id) DO NOTHING RETURNING event_id""",
            orjson.dumps([{"event_id": e.event_id, "type": e.type} for e in events]).decode())
        return {row["event_id"] for row in rows}
    return {e.event_id for e in events}


async def _without_erased(conn, events: list[Any], key_of: Callable[[Any], Awaitable[bytes]],
                          ctx: BatchContext) -> list[Any]:
    """Drop events about people erased before them: by an earlier batch, or by an EmployeeErased earlier
    in this one (as if it had come in a batch of its own). They are recorded as discarded (dropped by an
    erasure); their content is not kept."""
    subjects = {e.payload.get("employee_id") for e in events if e.type != "EmployeeErased"} - {None}
    if not subjects:
        return events
    erased = await erased_among(conn, subjects, await key_of(conn))
    kept, dropped = [], []
    for event in events:
        if event.type == "EmployeeErased":
            erased.add(event.payload["employee_id"])
            kept.append(event)
        elif event.payload.get("employee_id") in erased:
            dropped.append(event)
        else:
            kept.append(event)
    await _discard(conn, dropped, ctx)
    return kept


async def _discard(conn, events: Sequence[Any], ctx: BatchContext) -> None:
    await set_outcome(conn, [e.event_id for e in events], "discarded", ctx.tally)


async def _apply_run(conn, run: list[Any], ctx: BatchContext) -> None:
    ctx.current = tuple(event.event_id for event in run)
    await PROJECTIONS[run[0].type].apply(conn, run, ctx)
    ctx.current = ()


async def _existing(conn, refs: Iterable[Ref]) -> set[Ref]:
    by_kind: dict[str, set[str]] = {}
    for kind, ref_id in refs:
        by_kind.setdefault(kind, set()).add(ref_id)
    found: set[Ref] = set()
    for kind, ids in by_kind.items():
        table, column = REFERENT_TABLES[kind]
        rows = await conn.fetch(f"SELECT {column} AS id FROM {table} WHERE {column} = ANY($1::text[])", list(ids))
        found.update((kind, row["id"]) for row in rows)
    return found


async def _lock_refs(conn, refs: Iterable[Ref]) -> None:
    """Serialise parking on a referent with releasing it, across concurrent batches.

    Without this, a batch could park an event for a workplace while another
    batch, not yet seeing that parked row, inserts the workplace and releases
    nothing: the event would wait forever. Locks are taken in one order.
    """
    await lock_keys(conn, (f"{kind}:{ref_id}" for kind, ref_id in refs))


async def _recheck_under_lock(conn, to_park: list[tuple[Any, Ref]]) -> tuple[list[Any], list[tuple[Any, Ref]]]:
    """Lock the missing referents, look again, and split into arrived meanwhile and still missing."""
    await _lock_refs(conn, [ref for _, ref in to_park])
    present = await _existing(conn, [ref for _, ref in to_park])
    arrived = [event for event, ref in to_park if ref in present]
    return arrived, [(event, ref) for event, ref in to_park if ref not in present]


async def _park(conn, events: list[tuple[Any, Ref]], ctx: BatchContext) -> None:
    """Park in order: parked_at is the clock at each row (not the transaction's start, which all rows of
    one batch share), so events parked together are released in the order they came."""
    await conn.executemany(
        """INSERT INTO parked_events (event_id, type, waiting_kind, waiting_id, employee_id, envelope, parked_at)
           VALUES ($1, $2, $3, $4, $5, $6::jsonb, clock_timestamp()) ON CONFLICT (event_id) DO NOTHING""",
        [(e.event_id, e.type, kind, ref_id, e.payload.get("employee_id"), json.dumps(e.to_dict()))
         for e, (kind, ref_id) in events])
    await set_outcome(conn, [e.event_id for e, _ in events], "parked", ctx.tally)


MAX_CAUSES = 20


async def _write_dirty_scopes(conn, ctx: BatchContext) -> None:
    """Mark touched scopes dirty, with the ids of the events that touched them (the latest few)."""
    causes: dict[tuple[str, str], set[str]] = {}

    def add(kind: str, scope_id: str, ids: set[str]) -> None:
        causes.setdefault((kind, scope_id), set()).update(ids)

    for workplace, ids in ctx.workplaces.items():
        add("workplace", workplace, ids)
    if ctx.employees:
        # A person's competences are also what the rotation placement of someone who wants to rotate reads.
        rows = await conn.fetch(
            """SELECT e.employee_id, e.workplace_id, i.employee_id IS NOT NULL AS rotating
               FROM employees e LEFT JOIN rotation_interests i USING (employee_id)
               WHERE e.employee_id = ANY($1::text[])""", list(ctx.employees))
        for row in rows:
            add("workplace", row["workplace_id"], ctx.employees[row["employee_id"]])
            if row["rotating"]:
                add("rotation", "all", ctx.employees[row["employee_id"]])
    for organisation, ids in ctx.organisations.items():
        add("organisation", organisation, ids)
    if ctx.all_organisations:
        for row in await conn.fetch("SELECT organisation_id FROM organisations"):
            add("organisation", row["organisation_id"], ctx.all_organisations)
    if ctx.rotation:
        add("rotation", "all", ctx.rotation)
    await mark_dirty(conn, causes)


async def mark_dirty(conn, causes: Mapping[tuple[str, str], Iterable[str]]) -> dict[tuple[str, str], int]:
    """Mark scopes (kind, id) dirty with the ids of events that touched them: a new cause bumps the
    version (a re-matcher holding the scope keeps it dirty) and the latest MAX_CAUSES ids are kept.
    Returns each scope's version now."""
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
