"""Reference for the end-to-end upskill benchmark: plain uniform-cost search, JSON in and out.

For each employee, Dijkstra's algorithm over the levels of the skills that matter,
written the obvious way with the standard library: the activities it may take
(peer training only with a mentor) that teach a skill the target, or the
prerequisite of such an activity, names; a state is the tuple of those skills'
levels; a path's key is (cost, hours, activity ids), as the contract breaks ties;
employees with the same levels, target and mentor flag share one search. No
explanations, floats rather than exact decimals. Bench-only code.

    python bench/upskill_reference.py INSTANCE.json RESULT.json
"""

from __future__ import annotations

import heapq
import json
import sys


def relevant(activities: list[dict], target: dict) -> list[dict]:
    wanted = {skill for skill, level in target.items() if level > 0}
    chosen: list[dict] = []
    remaining = list(activities)
    while True:
        more = [a for a in remaining if any(s in wanted and lv > 0 for s, lv in a["teaches"].items())]
        if not more:
            return chosen
        chosen += more
        remaining = [a for a in remaining if a not in more]
        wanted |= {s for a in more for s, lv in a.get("prerequisites", {}).items() if lv > 0}


def cheapest(activities: list[dict], rate: float, skills: dict, target: dict):
    """(cost, hours, ids) of the cheapest path, or None when the target is out of reach."""
    usable = relevant(activities, target)
    names = sorted(set(target) | {s for a in usable for s in a["teaches"]}
                   | {s for a in usable for s in a.get("prerequisites", {})})
    index = {name: i for i, name in enumerate(names)}
    steps = [([(index[s], lv) for s, lv in a.get("prerequisites", {}).items()],
              [(index[s], lv) for s, lv in a["teaches"].items()],
              a["cost_dkk"] + a["duration_hours"] * rate, a["duration_hours"], a["id"]) for a in usable]
    goal = [(index[s], lv) for s, lv in target.items()]
    start = tuple(skills.get(name, 0) for name in names)
    heap = [(0.0, 0.0, (), start)]
    done = set()
    while heap:
        cost, hours, ids, state = heapq.heappop(heap)
        if state in done:
            continue
        done.add(state)
        if all(state[i] >= lv for i, lv in goal):
            return cost, hours, ids
        for prerequisites, teaches, step_cost, step_hours, step_id in steps:
            if any(state[i] < lv for i, lv in prerequisites):
                continue
            after = list(state)
            for i, lv in teaches:
                after[i] = max(after[i], lv)
            after = tuple(after)
            if after != state and after not in done:
                heapq.heappush(heap, (cost + step_cost, hours + step_hours, ids + (step_id,), after))
    return None


def solve(data: dict) -> dict:
    rate = data["substitute_cost_per_hour"]
    paths, unreachable, seen = [], [], {}
    for employee in data["employees"]:
        mentor = bool(employee.get("mentors"))
        key = (json.dumps(employee.get("skills", {}), sort_keys=True), json.dumps(employee["target"], sort_keys=True),
               mentor)
        if key not in seen:
            activities = [a for a in data["activities"] if a["kind"] != "peer_training" or mentor]
            seen[key] = cheapest(activities, rate, employee.get("skills", {}), employee["target"])
        best = seen[key]
        if best is None:
            unreachable.append({"employee": employee["id"]})
        else:
            cost, hours, ids = best
            paths.append({"employee": employee["id"], "steps": list(ids), "total_cost": cost, "total_hours": hours})
    return {"paths": paths, "unreachable": unreachable}


def main(argv: list[str]) -> int:
    source, target = argv
    with open(source, encoding="utf-8") as handle:
        data = json.load(handle)
    with open(target, "w", encoding="utf-8") as handle:
        json.dump(solve(data), handle)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
