"""Exhaustive-search reference for the `upskill` contract, for small catalogues only."""

from __future__ import annotations

from fractions import Fraction
from itertools import permutations


def _exact(value) -> Fraction:
    return Fraction(repr(value)) if isinstance(value, float) else Fraction(value)


def brute_force(instance: dict, employee: dict, max_length: int):
    """Best (cost, hours, ids) over every ordered list of distinct activities, literally as the contract says.

    Returns (best key or None, the target skills that no list brings to their level).
    """
    rate = _exact(instance["substitute_cost_per_hour"])
    activities = [a for a in instance["activities"]
                  if a["kind"] != "peer_training" or employee.get("mentors")]
    best = None
    highest: dict[str, int] = {}
    for length in range(0, min(max_length, len(activities)) + 1):
        for sequence in permutations(activities, length):
            levels = dict(employee.get("skills", {}))
            feasible = True
            for activity in sequence:
                if any(levels.get(s, 0) < lv for s, lv in activity.get("prerequisites", {}).items()):
                    feasible = False
                    break
                for s, lv in activity["teaches"].items():
                    levels[s] = max(levels.get(s, 0), lv)
            if not feasible:
                continue
            for s, lv in levels.items():
                highest[s] = max(highest.get(s, 0), lv)
            if any(levels.get(s, 0) < lv for s, lv in employee["target"].items()):
                continue
            cost = sum((_exact(a["cost_dkk"]) + _exact(a["duration_hours"]) * rate for a in sequence), Fraction(0))
            hours = sum((_exact(a["duration_hours"]) for a in sequence), Fraction(0))
            key = (cost, hours, tuple(a["id"] for a in sequence))
            if best is None or key < best:
                best = key
    blocked = sorted(s for s, lv in employee["target"].items() if highest.get(s, employee.get("skills", {}).get(s, 0)) < lv)
    return best, blocked
