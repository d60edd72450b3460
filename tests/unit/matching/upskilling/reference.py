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


def uniform_cost(instance: dict, employee: dict):
    """Best (cost, hours, ids) by plain Dijkstra over the levels of every skill, without pruning or heuristic.

    Only steps that raise some level are taken (with positive hours per activity
    no best list contains another kind). Returns None when the target is not
    reachable. For catalogues too large for ``brute_force``.
    """
    import heapq

    rate = _exact(instance["substitute_cost_per_hour"])
    activities = [a for a in instance["activities"]
                  if a["kind"] != "peer_training" or employee.get("mentors")]
    skills = sorted({s for a in activities for s in a["teaches"]} | set(employee["target"])
                    | {s for a in activities for s in a.get("prerequisites", {})})
    start = tuple(employee.get("skills", {}).get(s, 0) for s in skills)
    target = [(skills.index(s), lv) for s, lv in employee["target"].items()]
    heap = [(Fraction(0), Fraction(0), (), start)]
    done = set()
    while heap:
        cost, hours, ids, state = heapq.heappop(heap)
        if state in done:
            continue
        done.add(state)
        if all(state[k] >= lv for k, lv in target):
            return cost, hours, ids
        for a in activities:
            if any(state[skills.index(s)] < lv for s, lv in a.get("prerequisites", {}).items()):
                continue
            after = list(state)
            for s, lv in a["teaches"].items():
                after[skills.index(s)] = max(after[skills.index(s)], lv)
            after = tuple(after)
            if after == state or after in done:
                continue
            heapq.heappush(heap, (cost + _exact(a["cost_dkk"]) + _exact(a["duration_hours"]) * rate,
                                  hours + _exact(a["duration_hours"]), ids + (a["id"],), after))
    return None
