"""The committee queue's query string, its pages, its rows in words and its CSV.

The routes in ``tillid.review.pages`` read the queue from ``tillid.store.queue``; this module turns
the GET parameters into a filter (refusing a bad one by name), and rows into what a page or a CSV shows.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlencode

from tillid.review.i18n import Texts
from tillid.review.pages.present import effect_items
from tillid.review.pages.session import PageError
from tillid.store.queue import QUEUE_KINDS, QUEUE_SORTS, QUEUE_STATUSES, QueueFilter, QueueRow

PAGE_SIZE = 50
MAX_SCOPE = 200
CSV_COLUMNS = ("proposal_id", "kind", "workplace", "dkk_per_week", "hours_moved", "training_cost_dkk",
               "refund_dkk", "net_cost_dkk", "people", "created_at", "status")


@dataclass(frozen=True)
class QueueRequest:
    """What the queue's form asked for: the filter, the order and the page (1-based)."""

    chosen: QueueFilter
    sort: str
    page: int

    def query(self, **changed: str | int) -> str:
        """The query string of this request with ``changed`` parameters; defaults and empty ones left out."""
        values: dict[str, str | int] = {"kind": self.chosen.kind or "", "workplace": self.chosen.scope or "",
                                        "status": self.chosen.status, "sort": self.sort, "page": self.page}
        values.update(changed)
        defaults = {"status": "pending", "sort": "newest", "page": 1}
        return urlencode({k: v for k, v in values.items() if v != "" and defaults.get(k) != v})


def queue_request(committee_id: str, kind: str, workplace: str, status: str, sort: str, page: str) -> QueueRequest:
    """The queue's GET parameters checked; a bad one is refused (422) by its name."""
    if kind and kind not in QUEUE_KINDS:
        raise PageError(422, "error_invalid", "kind")
    if status and status not in QUEUE_STATUSES:
        raise PageError(422, "error_invalid", "status")
    if sort and sort not in QUEUE_SORTS:
        raise PageError(422, "error_invalid", "sort")
    if len(workplace) > MAX_SCOPE:
        raise PageError(422, "error_invalid", "workplace")
    if page and not (page.isdigit() and 1 <= int(page) <= 100_000):
        raise PageError(422, "error_invalid", "page")
    return QueueRequest(QueueFilter(committee_id, status=status or "pending", kind=kind or None,
                                    scope=workplace or None), sort=sort or "newest", page=int(page or 1))


def page_count(proposals: int) -> int:
    return max(1, math.ceil(proposals / PAGE_SIZE))


def headline(t: Texts, row: QueueRow) -> str:
    """A row's effect in a few words: the weekly difference and hours moved of a LEON proposal, the net
    (and gross) cost of an upskilling proposal, the placements of a rotation proposal."""
    effect = row.effect
    if row.kind == "leon_allocation" and "dkk_per_week" in effect:
        return t.fmt("queue_headline_leon", dkk=t.dkk(effect["dkk_per_week"]),
                     hours=t.number(effect.get("hours_moved", 0.0), 1))
    if row.kind == "upskilling_path" and "net_cost_dkk" in effect:
        return t.fmt("queue_headline_upskilling", net=t.dkk(effect["net_cost_dkk"]),
                     gross=t.dkk(effect.get("training_cost_dkk", 0.0)))
    if "training_cost_dkk" in effect:
        return t.fmt("queue_headline_cost", gross=t.dkk(effect["training_cost_dkk"]))
    if "placed" in effect:
        return t.fmt("queue_headline_placed", placed=t.number(effect["placed"]))
    return "–"


def effect_figures(t: Texts, proposal: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The effect's (label, value) pairs for a proposal's page and the agenda. A proposal with parts lists
    its moves and trainings as those parts, so the effect's raw lists of them (``moves``, ``training``)
    are left out rather than printed a second time as data."""
    effect = proposal.get("effect") or {}
    if proposal.get("items"):
        effect = {k: v for k, v in effect.items() if not _list_of_records(v)}
    return effect_items(t, effect)


def _list_of_records(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, Mapping) for v in value)


def age_days(created_at: datetime, now: datetime | None = None) -> int:
    """Whole days since the proposal was issued."""
    now = now or datetime.now(timezone.utc)
    return max(0, (now - created_at).days)


def queue_csv(rows: list[QueueRow]) -> str:
    """One line per proposal, numbers with a decimal point, the workplace by its name."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow([row.proposal_id, row.kind, row.scope_label, *(_figure(row.effect.get(k)) for k in (
            "dkk_per_week", "hours_moved", "training_cost_dkk", "refund_dkk", "net_cost_dkk")),
                         row.people, row.created_at.isoformat(), row.status])
    return out.getvalue()


def _figure(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def csv_filename(committee_id: str, today: str) -> str:
    """A file name safe in a Content-Disposition header: the committee id with only [A-Za-z0-9._-] kept."""
    return f"tillid-queue-{re.sub(r'[^A-Za-z0-9._-]', '_', committee_id)}-{today}.csv"
