"""The parts of a proposal a committee can keep or drop, and the effect of a chosen few.

Every proposal is the sum of its items (docs/proposals.md, "Items"): an item's
``effect`` has the proposal effect's keys, and the proposal's effect is
``combined`` from its items' effects. Combining adds numbers (sums of
hundredths are rounded to hundredths), adds mappings key by key, joins lists
in item order, and takes the highest level per skill under
``competence_gained`` (two people learning a skill to level 3 gain the
workplace level 3, not 6).

A LEON proposal also says what no committee decides: today's costs, and the
hours the tasks no longer need (``freed``, with ``freed_hours``). Those stay
the proposal's, outside the items, and the weekly difference is
``dkk_per_week = sum of the items' dkk_per_week + freed.dkk_per_week``; the
proposed cost and the uncovered hours follow from the items kept
(``leon_effect``).

An upskilling proposal also states the effect it assumed and where that
comes from (``ASSUMED_KEYS``: the mean expected effect of its paths, "målt
blandt N deltagere" or "katalogets løfte"). That describes the proposal as
drafted, does not add up, and stays the proposal's; each person's own figure
is in the explanation (``per_employee``).

When a committee keeps some items (an amendment), ``kept_effect`` gives the
effect of those alone, by the same functions the builders use, so a proposal
approved whole and one amended to all its items would have the same effect.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from tillid.competence.model import ProposalItem
from tillid.matching.proposals.common import round2

# Mappings of skill -> level: combined by the highest level, not added.
LEVEL_KEYS = frozenset({"competence_gained"})
# The parts of a LEON effect its items carry (they add up); the rest is the proposal's.
LEON_ITEM_KEYS = ("hours_moved", "reallocation_dkk_per_week", "coverage", "dkk_per_week", "hours_covered_more",
                  "moves", "training", "training_cost_dkk")
# What an upskilling proposal says about the effect it assumed: the proposal's, outside the items.
ASSUMED_KEYS = ("expected_effect", "effect_source_da", "effect_source_en")
COVERAGE_KEYS = ("hours_per_week", "dkk_per_week", "newly_covered_hours", "newly_covered_cost_dkk",
                 "no_longer_covered_hours", "no_longer_covered_cost_dkk")


def combined(effects: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The effects added up (see the module docstring for how each kind of value adds)."""
    total: dict[str, Any] = {}
    for effect in effects:
        for key, value in effect.items():
            total[key] = _add(key, total[key], value) if key in total else _copy(value)
    return total


def _add(key: str, a: Any, b: Any) -> Any:
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        if key in LEVEL_KEYS:
            return {k: max(a.get(k, 0), b.get(k, 0)) for k in sorted(set(a) | set(b))}
        merged = {k: _copy(v) for k, v in a.items()}
        for k, v in b.items():
            merged[k] = _add(k, merged[k], v) if k in merged else _copy(v)
        return merged
    if isinstance(a, list) and isinstance(b, list):
        return a + _copy(b)
    if isinstance(a, bool) or isinstance(b, bool):
        raise TypeError(f"{key}: a yes/no value does not add up")
    if isinstance(a, int) and isinstance(b, int):
        return a + b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return round2(a + b)
    raise TypeError(f"{key}: {type(a).__name__} and {type(b).__name__} do not add up")


def _copy(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_copy(v) for v in value]
    return value


def leon_item_effect(**parts: Any) -> dict[str, Any]:
    """A LEON item's effect: every key its items carry, zero where this item says nothing."""
    coverage = {k: 0.0 for k in COVERAGE_KEYS} | dict(parts.pop("coverage", {}))
    base: dict[str, Any] = {"hours_moved": 0.0, "reallocation_dkk_per_week": 0.0, "coverage": coverage,
                            "dkk_per_week": 0.0, "hours_covered_more": 0.0, "moves": [], "training": [],
                            "training_cost_dkk": 0.0}
    unknown = set(parts) - set(base)
    if unknown:
        raise ValueError(f"not a part of a LEON item's effect: {sorted(unknown)}")
    return base | parts


def leon_effect(items: Sequence[ProposalItem], *, current_cost: float, current_cost_within_demand: float,
                uncovered_today: float, freed: Mapping[str, Any], freed_hours: float) -> dict[str, Any]:
    """A LEON proposal's effect from its items and what is the proposal's own.

    ``uncovered_today`` is the demand today's staff do not cover within it; the items' coverage lowers it.
    The proposed cost is today's cost less the weekly difference.
    """
    parts = combined([leon_item_effect()] + [dict(i.effect) for i in items])
    dkk = round2(parts["dkk_per_week"] + freed["dkk_per_week"])
    today = round2(current_cost)  # the proposed cost from the rounded figure, so the two differ by exactly dkk
    training = parts["training"]
    return {
        "hours_moved": parts["hours_moved"],
        "reallocation_dkk_per_week": parts["reallocation_dkk_per_week"],
        "coverage": parts["coverage"],
        "freed": _copy(freed),
        "dkk_per_week": dkk,
        "hours_covered_more": parts["hours_covered_more"],
        "current_cost_per_week": today,
        "current_cost_within_demand_per_week": round2(current_cost_within_demand),
        "proposed_cost_per_week": round2(today - dkk),
        "uncovered_hours": max(0.0, round2(uncovered_today - parts["hours_covered_more"])),
        "moves": parts["moves"],
        "training": training,
        "training_cost_dkk": parts["training_cost_dkk"],
        "payback_weeks": min((u["payback_weeks"] for u in training), default=None),
        "freed_hours": round2(freed_hours),
    }


def assumed_effect(expected: float, source_da: str, source_en: str) -> dict[str, Any]:
    """The effect an upskilling proposal assumed and its source, as the proposal's own keys."""
    return dict(zip(ASSUMED_KEYS, (expected, source_da, source_en)))


def kept_effect(kind: str, effect: Mapping[str, Any], items: Sequence[ProposalItem],
                keep: Iterable[str]) -> dict[str, Any]:
    """The effect of a proposal cut down to the kept items (``effect`` is the whole proposal's)."""
    wanted = set(keep)
    kept = [i for i in items if i.item_id in wanted]
    if kind != "leon_allocation":
        return combined(dict(i.effect) for i in kept) | {k: effect[k] for k in ASSUMED_KEYS if k in effect}
    return leon_effect(kept, current_cost=effect["current_cost_per_week"],
                       current_cost_within_demand=effect["current_cost_within_demand_per_week"],
                       uncovered_today=round2(effect["uncovered_hours"] + effect["hours_covered_more"]),
                       freed=effect["freed"], freed_hours=effect.get("freed_hours", 0.0))
