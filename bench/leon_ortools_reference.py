"""Reference for the LEON benchmark: a plain OR-Tools min-cost-flow script, JSON in and out.

The same model as the contract (max flow of min cost; the change penalty as two
parallel arcs), written the obvious way: eligibility by a Python loop over
employees x tasks, hours and costs scaled by 100 (the benchmark instances use
half hours and whole kroner). Bench-only code.

    python -m bench.leon_ortools_reference INSTANCE.json RESULT.json
"""

from __future__ import annotations

import json
import sys

from ortools.graph.python import min_cost_flow

SCALE = 100


def solve(data: dict) -> dict:
    cost = {name: round(p["hourly_cost"] * SCALE) for name, p in data["professions"].items()}
    penalty = round((data.get("change_penalty_per_hour") or 0.0) * SCALE)
    employees, tasks = data["employees"], data["tasks"]
    current = {(c["employee"], c["task"]): round(c["hours"] * SCALE) for c in data.get("current") or []}
    m, n = len(tasks), len(employees)
    source, sink = 0, m + n + 1
    flow = min_cost_flow.SimpleMinCostFlow()
    total = 0
    for j, task in enumerate(tasks):
        units = round(task["hours"] * SCALE)
        total += units
        flow.add_arc_with_capacity_and_unit_cost(source, 1 + j, units, 0)
    pair_arcs = []
    eligible = set()
    for i, employee in enumerate(employees):
        profession = employee["profession"]
        skills = employee.get("skills") or {}
        completed = set(employee.get("completed") or [])
        for j, task in enumerate(tasks):
            allowed = profession in task["authorised"] or any(
                rule["profession"] == profession and rule["requires_activity"] in completed
                for rule in task.get("conditional") or [])
            if not allowed or any(skills.get(s, 0) < level for s, level in task["requires"].items()):
                continue
            eligible.add((employee["id"], task["id"]))
            held = current.get((employee["id"], task["id"]), 0)
            capacity = round(task["hours"] * SCALE)
            if held:
                arc = flow.add_arc_with_capacity_and_unit_cost(1 + j, 1 + m + i, held, cost[profession] - penalty)
                pair_arcs.append((arc, i, j, cost[profession] - penalty))
            arc = flow.add_arc_with_capacity_and_unit_cost(1 + j, 1 + m + i, capacity, cost[profession] + penalty)
            pair_arcs.append((arc, i, j, cost[profession] + penalty))
        flow.add_arc_with_capacity_and_unit_cost(1 + m + i, sink, round(employee["capacity_hours"] * SCALE), 0)
    flow.set_node_supply(source, total)
    flow.set_node_supply(sink, -total)
    if flow.solve_max_flow_with_min_cost() != flow.OPTIMAL:
        raise SystemExit("no optimum")
    hours: dict[tuple[int, int], int] = {}
    objective = penalty * sum(current.values())
    wage = 0
    for arc, i, j, unit_cost in pair_arcs:
        units = flow.flow(arc)
        if units:
            hours[i, j] = hours.get((i, j), 0) + units
            objective += units * unit_cost
            wage += units * cost[employees[i]["profession"]]
    assignments = [{"employee": employees[i]["id"], "task": tasks[j]["id"], "hours": units / SCALE}
                   for (i, j), units in sorted(hours.items())]
    return {"uncovered_hours": (total - flow.maximum_flow()) / SCALE,
            "total_cost": wage / SCALE**2, "objective": objective / SCALE**2,
            "eligible_pairs": len(eligible), "assignments": assignments}


def main(argv: list[str]) -> int:
    source, target = argv
    with open(source, encoding="utf-8") as handle:
        data = json.load(handle)
    with open(target, "w", encoding="utf-8") as handle:
        json.dump(solve(data), handle)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
