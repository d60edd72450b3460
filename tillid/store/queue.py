"""A committee's queue of proposals in the store: one row per proposal, totals and pages, computed in SQL.

The committee page, its agenda and its CSV read the queue through these functions: the totals are
sums over the proposals' ``effect`` in PostgreSQL, and a page of rows carries the few numbers a row
shows (never the explanation or the people), so a page costs the same whatever the queue's length.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

QUEUE_KINDS = ("leon_allocation", "upskilling_path", "rotation_placement")
QUEUE_STATUSES = ("pending", "amended", "approved", "rejected", "superseded", "withdrawn")
# newest: issued last first; oldest: waiting longest first; effect: the largest amount in kroner first
# (a LEON proposal's weekly difference, else an upskilling proposal's net cost, else its training cost).
QUEUE_SORTS = ("newest", "oldest", "effect")
_SUMMED = ("dkk_per_week", "hours_moved", "refund_dkk", "net_cost_dkk")
EFFECT_NUMBERS = ("dkk_per_week", "hours_moved", "training_cost_dkk", "refund_dkk", "net_cost_dkk", "placed")


def _number(key: str, alias: str = "p") -> str:
    """An effect's numeric field as float8, NULL when absent or not a number (no cast can fail)."""
    return (f"(CASE WHEN jsonb_typeof({alias}.effect -> '{key}') = 'number' "
            f"THEN ({alias}.effect ->> '{key}')::float8 END)")


def _training_cost(alias: str = "p") -> str:
    """Training cost: ``training_cost_dkk``, or ``training_cost`` in effects written before it."""
    return f"coalesce({_number('training_cost_dkk', alias)}, {_number('training_cost', alias)})"


_HEADLINE_DKK = f"abs(coalesce({_number('dkk_per_week')}, {_number('net_cost_dkk')}, {_training_cost()}, 0))"
_ORDER = {"newest": "p.created_at DESC, p.proposal_id DESC",
          "oldest": "p.created_at ASC, p.proposal_id ASC",
          "effect": f"{_HEADLINE_DKK} DESC, p.created_at DESC, p.proposal_id DESC"}
_WHERE = """p.committee_id = $1 AND p.status = $2 AND ($3::text IS NULL OR p.kind = $3)
            AND ($4::text IS NULL OR p.scope = $4)"""
_SCOPE = """LEFT JOIN workplaces w ON w.workplace_id = p.scope
            LEFT JOIN organisations o ON o.organisation_id = p.scope"""


@dataclass(frozen=True)
class QueueFilter:
    """Which of a committee's proposals the queue shows: a status (pending by default), a kind and a
    scope (a workplace, or for rotation an organisation) when chosen."""

    committee_id: str
    status: str = "pending"
    kind: str | None = None
    scope: str | None = None

    def arguments(self) -> tuple[str, str, str | None, str | None]:
        return self.committee_id, self.status, self.kind, self.scope


@dataclass(frozen=True)
class QueueTotals:
    """Sums over every proposal the filter selects (all pages): what a meeting decides on in all."""

    proposals: int
    dkk_per_week: float
    hours_moved: float
    training_cost_dkk: float
    refund_dkk: float
    net_cost_dkk: float
    people: int


@dataclass(frozen=True)
class QueueRow:
    """One proposal as a row of the queue: its numbers, never its people (``people`` is a count)."""

    proposal_id: str
    kind: str
    scope: str
    scope_label: str
    status: str
    created_at: datetime
    people: int
    items: int
    effect: dict[str, float] = field(default_factory=dict)


async def totals(conn, chosen: QueueFilter) -> QueueTotals:
    """Counts and sums of the chosen proposals, in one statement; people are counted once across proposals."""
    row = await conn.fetchrow(
        f"""WITH chosen AS (SELECT p.effect, p.employee_ids FROM proposals p WHERE {_WHERE})
            SELECT count(*) AS proposals,
                   {', '.join(f"coalesce(sum({_number(k, 'c')}), 0) AS {k}" for k in _SUMMED)},
                   coalesce(sum({_training_cost('c')}), 0) AS training_cost_dkk,
                   (SELECT count(DISTINCT person) FROM chosen q, unnest(q.employee_ids) AS person
                     WHERE person <> 'erased') AS people
            FROM chosen c""",
        *chosen.arguments())
    return QueueTotals(proposals=row["proposals"], dkk_per_week=row["dkk_per_week"],
                       hours_moved=row["hours_moved"], training_cost_dkk=row["training_cost_dkk"],
                       refund_dkk=row["refund_dkk"], net_cost_dkk=row["net_cost_dkk"], people=row["people"])


async def rows(conn, chosen: QueueFilter, *, sort: str = "newest", limit: int | None = None,
               offset: int = 0) -> list[QueueRow]:
    """The chosen proposals in ``sort`` order (ties broken by id, so pages neither repeat nor skip one);
    ``limit`` None gives them all (the CSV)."""
    if sort not in _ORDER:
        raise ValueError(f"sort: one of {', '.join(QUEUE_SORTS)}")
    numbers = ", ".join(f"{_number(k)} AS {k}" for k in EFFECT_NUMBERS if k != "training_cost_dkk")
    found = await conn.fetch(
        f"""SELECT p.proposal_id, p.kind, p.scope, coalesce(w.name, o.name, p.scope) AS scope_label, p.status,
                   p.created_at, cardinality(p.employee_ids) AS people, jsonb_array_length(p.items) AS items,
                   {numbers}, {_training_cost()} AS training_cost_dkk
            FROM proposals p {_SCOPE}
            WHERE {_WHERE}
            ORDER BY {_ORDER[sort]} LIMIT $5 OFFSET $6""",
        *chosen.arguments(), limit, offset)
    return [QueueRow(proposal_id=r["proposal_id"], kind=r["kind"], scope=r["scope"], scope_label=r["scope_label"],
                     status=r["status"], created_at=r["created_at"], people=r["people"], items=r["items"],
                     effect={k: r[k] for k in EFFECT_NUMBERS if r[k] is not None}) for r in found]


async def scopes_of_committee(conn, committee_id: str) -> list[tuple[str, str]]:
    """(scope id, label) a committee's proposals can have: its workplaces, then their organisations
    (a rotation proposal's scope), each by name."""
    found = await conn.fetch(
        """SELECT workplace_id AS scope, name AS label, 0 AS rank FROM workplaces WHERE committee_id = $1
           UNION
           SELECT DISTINCT o.organisation_id, o.name, 1 FROM organisations o
             JOIN workplaces w USING (organisation_id) WHERE w.committee_id = $1
           ORDER BY rank, label, scope""", committee_id)
    return [(r["scope"], r["label"]) for r in found]


async def documents(conn, chosen: QueueFilter, *, sort: str = "newest") -> list[dict[str, Any]]:
    """The chosen proposals with what the agenda prints: summaries, effect, items and people (no explanation)."""
    found = await conn.fetch(
        f"""SELECT p.proposal_id, p.kind, p.scope, coalesce(w.name, o.name, p.scope) AS scope_label, p.status,
                   p.created_at, p.employee_ids, p.summary_da, p.summary_en, p.effect, p.items
            FROM proposals p {_SCOPE}
            WHERE {_WHERE}
            ORDER BY {_ORDER[sort]}""", *chosen.arguments())
    return [{**dict(r), "employee_ids": list(r["employee_ids"]), "effect": _json(r["effect"]),
             "items": _json(r["items"])} for r in found]


@dataclass(frozen=True)
class DecisionEntry:
    """One decision of the committee's history with the proposal it concerns (by summary, not people)."""

    proposal_id: str
    kind: str
    summary_da: str
    summary_en: str
    items: int
    decision: str
    by: str
    role: str | None
    holder: str | None
    comment: str
    decided_at: datetime
    keep: list[str] | None


async def recent_decisions(conn, committee_id: str, limit: int) -> list[DecisionEntry]:
    """The committee's last ``limit`` decisions, newest first."""
    found = await conn.fetch(
        """SELECT p.proposal_id, p.kind, p.summary_da, p.summary_en, jsonb_array_length(p.items) AS items,
                  d.decision, d.by, d.decided_by_role, d.decided_by_holder, d.comment, d.decided_at, d.keep
           FROM decisions d JOIN proposals p USING (proposal_id)
           WHERE p.committee_id = $1 ORDER BY d.decided_at DESC, d.event_id DESC LIMIT $2""", committee_id, limit)
    return [DecisionEntry(proposal_id=r["proposal_id"], kind=r["kind"], summary_da=r["summary_da"],
                          summary_en=r["summary_en"], items=r["items"], decision=r["decision"], by=r["by"],
                          role=r["decided_by_role"], holder=r["decided_by_holder"], comment=r["comment"],
                          decided_at=r["decided_at"], keep=_json(r["keep"])) for r in found]


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


async def scope_label(conn, scope: str) -> str:
    """A proposal scope's name: the workplace's, else the organisation's, else the id itself."""
    return await conn.fetchval(
        """SELECT coalesce((SELECT name FROM workplaces WHERE workplace_id = $1),
                           (SELECT name FROM organisations WHERE organisation_id = $1), $1::text)""", scope)
