"""An independent reference: the contract's model as two LPs solved by scipy's HiGHS."""

import numpy as np
from scipy.optimize import linprog


def eligible(employee, task):
    completed = set(employee.get("completed") or [])
    allowed = employee["profession"] in (task.get("authorised") or []) or any(
        rule["profession"] == employee["profession"] and rule["requires_activity"] in completed
        for rule in task.get("conditional") or [])
    skills = employee.get("skills") or {}
    return allowed and all(skills.get(skill, 0) >= level for skill, level in (task.get("requires") or {}).items())


def lp_optimum(data):
    """(uncovered hours, objective) of the lexicographic optimum, by two LP solves."""
    employees, tasks = data["employees"], data["tasks"]
    cost = {name: p["hourly_cost"] for name, p in data["professions"].items()}
    penalty = data.get("change_penalty_per_hour") or 0.0
    current = {(c["employee"], c["task"]): c["hours"] for c in data.get("current") or []}
    pairs = [(i, j) for i, e in enumerate(employees) for j, t in enumerate(tasks) if eligible(e, t)]
    held = [k for k, (i, j) in enumerate(pairs) if (employees[i]["id"], tasks[j]["id"]) in current]
    n_x, n_u, n_d = len(pairs), len(tasks), len(held)
    size = n_x + n_u + n_d
    equality = np.zeros((len(tasks), size))
    for k, (i, j) in enumerate(pairs):
        equality[j, k] = 1.0
    for j in range(n_u):
        equality[j, n_x + j] = 1.0
    hours = np.array([t["hours"] for t in tasks])
    rows, bounds_ub = [], []
    for i, e in enumerate(employees):
        row = np.zeros(size)
        for k, (a, _) in enumerate(pairs):
            if a == i:
                row[k] = 1.0
        rows.append(row)
        bounds_ub.append(e["capacity_hours"])
    for m, k in enumerate(held):
        i, j = pairs[k]
        c = current[employees[i]["id"], tasks[j]["id"]]
        for sign in (1.0, -1.0):       # d >= x - c and d >= c - x
            row = np.zeros(size)
            row[k], row[n_x + n_u + m] = sign, -1.0
            rows.append(row)
            bounds_ub.append(sign * c)
    first = np.zeros(size)
    first[n_x:n_x + n_u] = 1.0
    a_ub = np.array(rows) if rows else None
    b_ub = np.array(bounds_ub) if rows else None
    phase1 = linprog(first, A_ub=a_ub, b_ub=b_ub, A_eq=equality, b_eq=hours, method="highs")
    assert phase1.status == 0
    uncovered = phase1.fun
    objective = np.zeros(size)
    for k, (i, j) in enumerate(pairs):
        objective[k] = cost[employees[i]["profession"]] + (0.0 if k in held else penalty)
    objective[n_x + n_u:] = penalty
    eligible_pairs = {(employees[i]["id"], tasks[j]["id"]) for i, j in pairs}
    constant = sum(penalty * h for pair, h in current.items() if pair not in eligible_pairs)
    cap_row = first[None, :]
    a_ub2 = np.vstack([a_ub, cap_row]) if a_ub is not None else cap_row
    b_ub2 = np.append(b_ub, uncovered + 1e-7) if b_ub is not None else np.array([uncovered + 1e-7])
    phase2 = linprog(objective, A_ub=a_ub2, b_ub=b_ub2, A_eq=equality, b_eq=hours, method="highs")
    assert phase2.status == 0
    return uncovered, phase2.fun + constant
