"""Task demand in event-time order: a DigitalisationChange scales the demand reported at or before it.

Kafka orders a partition, not topics among each other, so a change (``ops.digitalisation``) and the
``TaskDemandChanged`` (``ops.tasks``) it scales can be read in either order. The store keeps every
report of demand (``task_demand_reports``) and the factors of applied changes (``hours_factors``),
and ``settle`` derives from them what applying the events in ``occurred_at`` order leaves:

- the demand of a (workplace, task) is its latest report, scaled by every factor of a change that
  occurred at or after the report, in the changes' time order; a retirement at or after the latest
  report leaves no demand (a report after it is kept: nothing in the contract brings a retired task
  back, and the snapshots leave retired tasks out);
- a change freed, at each workplace it covers, the hours it took from the latest report at or before
  it (scaled by the changes between): as of that report, whichever later reports or changes come.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, Mapping, Sequence

import orjson

from tillid.store.projection.locks import lock_keys

Pair = tuple[str, str]  # (workplace_id, task_id)


@dataclass(frozen=True)
class Factor:
    """One hours_factor or retire_task effect of an applied change."""

    change_id: str
    effect_index: int
    organisation_id: str
    workplace_ids: tuple[str, ...] | None
    task_id: str
    retires: bool
    factor: float
    occurred_at: datetime

    @classmethod
    def of(cls, row: Mapping) -> Factor:
        ids = row["workplace_ids"]
        return cls(row["change_id"], row["effect_index"], row["organisation_id"],
                   None if ids is None else tuple(ids), row["task_id"], row["retires"], row["factor"],
                   row["occurred_at"])

    @property
    def order(self) -> tuple[datetime, str, int]:
        return self.occurred_at, self.change_id, self.effect_index

    def covers(self, workplace_id: str, organisation_id: str | None) -> bool:
        if self.workplace_ids is None:
            return organisation_id == self.organisation_id
        return workplace_id in self.workplace_ids


@dataclass(frozen=True)
class Settled:
    # (hours_per_week, reported_hours, reported_at), or None for no demand
    demand: tuple[float, float, datetime] | None
    freed: dict[str, float]  # change_id -> hours freed, only where positive


def _product(factors: Iterable[Factor]) -> float:
    product = 1.0
    for f in factors:
        product *= 0.0 if f.retires else f.factor
    return product


def settle(reports: Mapping[datetime, float], factors: Sequence[Factor]) -> Settled:
    """One pair's demand and freed hours from its reports (time -> hours; at least the latest and the
    latest at or before each change) and the factors that cover it.

    The arithmetic is always this, in this order, so the store ends bit for bit the same whichever
    order the events were read in."""
    factors = sorted(factors, key=lambda f: f.order)
    demand = None
    if reports:
        latest = max(reports)
        after = [f for f in factors if f.occurred_at >= latest]
        if not any(f.retires for f in after):
            demand = (reports[latest] * _product(after), reports[latest], latest)
    freed: dict[str, float] = {}
    for change_id, own in itertools.groupby(factors, key=lambda f: f.change_id):
        own = list(own)
        first = own[0]
        basis = max((at for at in reports if at <= first.occurred_at), default=None)
        if basis is None:
            continue
        before = reports[basis] * _product(f for f in factors if f.occurred_at >= basis and f.order < first.order)
        hours = before - before * _product(own)
        if hours > 0:
            freed[change_id] = hours
    return Settled(demand, freed)


async def lock_tasks(conn, tasks: Iterable[str], *, exclusive: bool) -> None:
    """Serialise reports of these tasks' demand with the changes that scale them, across concurrent
    transactions (lanes, workers): a report and a change applied at the same moment would each miss
    the other's uncommitted rows, and the factor would be lost. Reports share the lock, a change
    holds it alone; until the end of the transaction."""
    await lock_keys(conn, (f"demand-task:{task}" for task in tasks), shared=not exclusive)


async def report_demand(conn, reports: Sequence[tuple[str, str, float, datetime]]) -> None:
    """Record reports (workplace, task, hours, occurred_at) in the order read. Demand that no kept
    factor covers is written in the same statement; the rest is settled."""
    await lock_tasks(conn, {task for _, task, _, _ in reports}, exclusive=False)
    by_time: dict[tuple[str, str, datetime], float] = {}
    for workplace, task, hours, at in reports:
        by_time[(workplace, task, at)] = hours  # the same pair at the same time: the later read counts
    factors = await _factors(conn, {task for _, task, _ in by_time})
    covered = {}
    if factors:
        scaled = {f.task_id for f in factors}
        covering = await _covering(conn, {(w, t) for w, t, _ in by_time if t in scaled}, factors)
        covered = {pair: found for pair, found in covering.items() if found}
    latest: dict[Pair, datetime] = {}
    for workplace, task, at in by_time:
        if (workplace, task) not in covered and at >= latest.get((workplace, task), at):
            latest[(workplace, task)] = at
    await conn.execute(
        """WITH r AS (
               SELECT * FROM json_to_recordset($1::json)
                   AS r(workplace_id text, task_id text, reported_at timestamptz, hours_per_week float8, direct bool)),
           logged AS (
               INSERT INTO task_demand_reports (workplace_id, task_id, reported_at, hours_per_week)
               SELECT workplace_id, task_id, reported_at, hours_per_week FROM r
               ON CONFLICT (workplace_id, task_id, reported_at) DO UPDATE SET hours_per_week = EXCLUDED.hours_per_week)
           INSERT INTO task_demand (workplace_id, task_id, hours_per_week, reported_hours, reported_at)
           SELECT workplace_id, task_id, hours_per_week, hours_per_week, reported_at FROM r WHERE direct
           ON CONFLICT (workplace_id, task_id) DO UPDATE SET hours_per_week = EXCLUDED.hours_per_week,
               reported_hours = EXCLUDED.reported_hours, reported_at = EXCLUDED.reported_at
           WHERE task_demand.reported_at <= EXCLUDED.reported_at""",
        _json([{"workplace_id": workplace, "task_id": task, "reported_at": at, "hours_per_week": hours,
                "direct": latest.get((workplace, task)) == at} for (workplace, task, at), hours in by_time.items()]))
    await _settle(conn, covered)


async def settle_pairs(conn, pairs: Iterable[Pair]) -> None:
    """Write the demand and freed hours ``settle`` gives each pair from the store's reports and factors."""
    pairs = set(pairs)
    if pairs:
        await _settle(conn, await _covering(conn, pairs, await _factors(conn, {task for _, task in pairs})))


async def _factors(conn, tasks: Iterable[str]) -> list[Factor]:
    return [Factor.of(row) for row in await conn.fetch("SELECT * FROM hours_factors WHERE task_id = ANY($1::text[])",
                                                       sorted(tasks))]


async def _covering(conn, pairs: Iterable[Pair], factors: Sequence[Factor]) -> dict[Pair, list[Factor]]:
    """Each pair with the factors that cover it (its workplace's organisation as the store has it now)."""
    by_task: dict[str, list[Factor]] = defaultdict(list)
    for f in factors:
        by_task[f.task_id].append(f)
    pairs = sorted(pairs)
    organisation_of: dict[str, str] = {}
    if any(f.workplace_ids is None for f in factors):
        organisation_of = {r["workplace_id"]: r["organisation_id"] for r in await conn.fetch(
            "SELECT workplace_id, organisation_id FROM workplaces WHERE workplace_id = ANY($1::text[])",
            sorted({workplace for workplace, _ in pairs}))}
    return {(w, t): [f for f in by_task[t] if f.covers(w, organisation_of.get(w))] for w, t in pairs}


async def _settle(conn, covering: Mapping[Pair, Sequence[Factor]]) -> None:
    if not covering:
        return
    wanted = []
    for (workplace, task), factors in covering.items():
        for until in [None] + sorted({f.occurred_at for f in factors}):
            wanted.append({"workplace_id": workplace, "task_id": task, "until": until})
    reports: dict[Pair, dict[datetime, float]] = defaultdict(dict)
    for row in await conn.fetch(
            """SELECT p.workplace_id, p.task_id, r.reported_at, r.hours_per_week
               FROM json_to_recordset($1::json) AS p(workplace_id text, task_id text, until timestamptz)
               CROSS JOIN LATERAL (
                   SELECT reported_at, hours_per_week FROM task_demand_reports r
                   WHERE r.workplace_id = p.workplace_id AND r.task_id = p.task_id
                     AND (p.until IS NULL OR r.reported_at <= p.until)
                   ORDER BY r.reported_at DESC LIMIT 1) r""", _json(wanted)):
        reports[(row["workplace_id"], row["task_id"])][row["reported_at"]] = row["hours_per_week"]

    demand, no_demand, freed, not_freed = [], [], [], []
    for (workplace, task), factors in covering.items():
        settled = settle(reports[(workplace, task)], factors)
        pair = {"workplace_id": workplace, "task_id": task}
        if settled.demand is None:
            no_demand.append(pair)
        else:
            hours, reported_hours, reported_at = settled.demand
            demand.append({**pair, "hours_per_week": hours, "reported_hours": reported_hours,
                           "reported_at": reported_at})
        for change_id in sorted({f.change_id for f in factors}):
            if change_id in settled.freed:
                freed.append({**pair, "change_id": change_id, "hours": settled.freed[change_id]})
            else:
                not_freed.append({**pair, "change_id": change_id})
    # Each statement's delete and upsert touch disjoint keys.
    await conn.execute(
        """WITH gone AS (
               DELETE FROM task_demand d USING json_to_recordset($1::json) AS r(workplace_id text, task_id text)
               WHERE d.workplace_id = r.workplace_id AND d.task_id = r.task_id)
           INSERT INTO task_demand (workplace_id, task_id, hours_per_week, reported_hours, reported_at)
           SELECT * FROM json_to_recordset($2::json) AS r(workplace_id text, task_id text, hours_per_week float8,
                                                         reported_hours float8, reported_at timestamptz)
           ON CONFLICT (workplace_id, task_id) DO UPDATE SET hours_per_week = EXCLUDED.hours_per_week,
               reported_hours = EXCLUDED.reported_hours, reported_at = EXCLUDED.reported_at""",
        _json(no_demand), _json(demand))
    await conn.execute(
        """WITH gone AS (
               DELETE FROM freed_hours f
               USING json_to_recordset($1::json) AS r(change_id text, workplace_id text, task_id text)
               WHERE f.change_id = r.change_id AND f.workplace_id = r.workplace_id AND f.task_id = r.task_id)
           INSERT INTO freed_hours (change_id, workplace_id, task_id, hours)
           SELECT * FROM json_to_recordset($2::json) AS r(change_id text, workplace_id text, task_id text,
                                                         hours float8)
           ON CONFLICT (change_id, workplace_id, task_id) DO UPDATE SET hours = EXCLUDED.hours""",
        _json(not_freed), _json(freed))


def _json(rows: list[dict]) -> str:
    return orjson.dumps(rows).decode()
