"""Benchmark of the `upskill` solver (docs/benchmarks.md, section "Upskilling paths").

1. Batch: 10,000 employees against a 40-activity catalogue, the whole ``solve``.
2. One employee against a 2,000-activity catalogue, the whole ``solve``, next to
   an exact time-indexed integer program per employee solved with scipy's
   HiGHS ``milp`` in the same run; the optima are checked to be equal.

    .venv/bin/python -m bench.upskill [--employees 10000] [--single 25] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import lil_matrix

from tillid.matching.upskilling import solve
from tillid.matching.upskilling.model import parse_instance

KINDS = (("course", 0.5), ("e_learning", 0.3), ("peer_training", 0.2))
PROVIDERS = tuple(f"provider-{i}" for i in range(8))
SUBSTITUTE_RATE = 300.0


def catalogue(rng: random.Random, activities: int, domains: int, skills_per_domain: int) -> list[dict]:
    """A seeded catalogue: each activity teaches one or two skills of a domain, with level prerequisites."""
    items = []
    for i in range(activities):
        domain = rng.randrange(domains)
        skills = [f"d{domain}s{k}" for k in range(skills_per_domain)]
        main = rng.choice(skills)
        to_level = rng.randint(1, 5)
        teaches = {main: to_level}
        if rng.random() < 0.3:
            teaches[rng.choice(skills)] = max(teaches.get(main, 1), rng.randint(1, to_level))
        prerequisites = {}
        if to_level >= 2 and rng.random() < 0.7:
            prerequisites[main] = to_level - rng.randint(1, 2)
        if rng.random() < 0.3:
            other = rng.choice(skills)
            if other not in teaches:
                prerequisites[other] = rng.randint(1, 3)
        kind = rng.choices([k for k, _ in KINDS], [w for _, w in KINDS])[0]
        if kind == "course":
            hours, fee = rng.choice([7.0, 14.0, 22.5, 37.0]), float(rng.randrange(1500, 25000, 100))
        elif kind == "e_learning":
            hours, fee = float(rng.randint(1, 8)), float(rng.randrange(100, 1500, 50))
        else:
            hours, fee = float(rng.randint(2, 15)), 0.0
        items.append({"id": f"act{i:04d}", "kind": kind, "teaches": teaches,
                      "prerequisites": {s: lv for s, lv in prerequisites.items() if lv > 0},
                      "duration_hours": hours, "cost_dkk": fee, "provider": rng.choice(PROVIDERS)})
    return items


def employees(rng: random.Random, count: int, domains: int, skills_per_domain: int, targets: int) -> list[dict]:
    """Employees with levels 0-3 and one of a few targets (the requirements of a few tasks)."""
    target_pool = []
    for _ in range(targets):
        domain = rng.randrange(domains)
        chosen = rng.sample(range(skills_per_domain), rng.randint(1, 3))
        target_pool.append({f"d{domain}s{k}": rng.randint(2, 4) for k in chosen})
    people = []
    for i in range(count):
        target = rng.choice(target_pool)
        skills = {s: rng.choice([0, 0, 1, 1, 2, 3]) for s in target}
        people.append({"id": f"e{i:05d}", "skills": skills, "target": target,
                       "mentors": ["m1"] if rng.random() < 0.6 else []})
    return people


def milp_cost(instance: dict) -> float | None:
    """Least cost of the one employee's path by a time-indexed integer program (HiGHS), or None.

    Binary x[a,t]: activity a is step t (t = 1..T); binary y[k,l,t]: skill k is at
    least l after step t. At most one activity per step, each activity at most
    once; y[k,l,t] <= y[k,l,t-1] + sum of x[a,t] over activities teaching k to at
    least l; a prerequisite (k,l) of a needs y[k,l,t-1] >= x[a,t]; the target
    needs y[k,l,T] = 1. T is the number of (skill, threshold) pairs above the
    start, an upper bound on the length of an optimal path (each of its steps
    crosses a threshold, or it could be dropped).
    """
    parsed = parse_instance(instance)
    [learner] = parsed.employees
    start = dict(learner.skills)
    usable = [a for a in parsed.activities if learner.has_mentor or not a.needs_mentor]
    thresholds: dict[str, set[int]] = {}
    for skill, level in learner.target:
        thresholds.setdefault(skill, set()).add(level)
    for activity in usable:
        for skill, level in activity.prerequisites:
            thresholds.setdefault(skill, set()).add(level)
    pairs = sorted((skill, level) for skill, levels in thresholds.items() for level in levels
                   if level > start.get(skill, 0))
    open_pairs = {pair: i for i, pair in enumerate(pairs)}
    if all(start.get(skill, 0) >= level for skill, level in learner.target):
        return 0.0
    steps = len(pairs)
    n_a = len(usable)
    x_index = lambda a, t: a * steps + t  # noqa: E731
    y_base = n_a * steps
    y_index = lambda p, t: y_base + p * steps + t  # noqa: E731
    n = y_base + len(pairs) * steps
    cost = np.zeros(n)
    for a, activity in enumerate(usable):
        cost[[x_index(a, t) for t in range(steps)]] = activity.cost_dkk + activity.duration_hours * parsed.substitute_cost_per_hour
    rows, lower, upper = [], [], []

    def add(coefficients: dict[int, float], lo: float, hi: float) -> None:
        rows.append(coefficients)
        lower.append(lo)
        upper.append(hi)

    for t in range(steps):
        add({x_index(a, t): 1.0 for a in range(n_a)}, 0, 1)
    for a in range(n_a):
        add({x_index(a, t): 1.0 for t in range(steps)}, 0, 1)
    for (skill, level), p in open_pairs.items():
        teachers = [a for a, act in enumerate(usable) if dict(act.teaches).get(skill, 0) >= level]
        for t in range(steps):
            row = {y_index(p, t): 1.0}
            if t > 0:
                row[y_index(p, t - 1)] = -1.0
            for a in teachers:
                row[x_index(a, t)] = -1.0
            add(row, -np.inf, 0)
    for a, activity in enumerate(usable):
        for skill, level in activity.prerequisites:
            if (skill, level) not in open_pairs:
                continue
            p = open_pairs[(skill, level)]
            for t in range(steps):
                row = {x_index(a, t): 1.0}
                if t > 0:
                    row[y_index(p, t - 1)] = -1.0
                add(row, -np.inf, 0)
    lo_bounds, hi_bounds = np.zeros(n), np.ones(n)
    for skill, level in learner.target:
        if (skill, level) in open_pairs:
            lo_bounds[y_index(open_pairs[(skill, level)], steps - 1)] = 1.0
    matrix = lil_matrix((len(rows), n))
    for r, row in enumerate(rows):
        for c, v in row.items():
            matrix[r, c] = v
    result = milp(cost, constraints=LinearConstraint(matrix.tocsr(), lower, upper),
                  integrality=np.ones(n), bounds=Bounds(lo_bounds, hi_bounds))
    return float(result.fun) if result.status == 0 else None


def timed(function, *args):
    began = time.perf_counter()
    value = function(*args)
    return time.perf_counter() - began, value


def batch(seed: int, count: int) -> tuple[float, dict]:
    rng = random.Random(seed)
    instance = {"substitute_cost_per_hour": SUBSTITUTE_RATE,
                "activities": catalogue(rng, 40, 3, 5),
                "employees": employees(rng, count, 3, 5, targets=12)}
    return timed(solve, instance)


def single(seed: int, runs: int) -> list[tuple[float, float, float | None, float | None]]:
    """(solver seconds, MILP seconds, solver cost, MILP cost) per employee."""
    rng = random.Random(seed)
    activities = catalogue(rng, 2000, 12, 10)
    people = employees(rng, runs, 12, 10, targets=runs)
    rows = []
    for person in people:
        instance = {"substitute_cost_per_hour": SUBSTITUTE_RATE, "activities": activities, "employees": [person]}
        ours, result = timed(solve, instance)
        reference, reference_cost = timed(milp_cost, instance)
        cost = result["paths"][0]["total_cost"] if result["paths"] else None
        rows.append((ours, reference, cost, reference_cost))
    return rows


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench.upskill")
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--single", type=int, default=25, help="employees timed against the 2,000-activity catalogue")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    seconds, result = batch(args.seed, args.employees)
    print(f"batch: {args.employees} employees x 40 activities: {seconds:.3f} s "
          f"({len(result['paths'])} paths, {len(result['unreachable'])} unreachable)")

    rows = single(args.seed, args.single)
    agree = all((a is None and b is None) or (a is not None and b is not None and abs(a - b) <= 1e-6 * max(1.0, abs(b)))
                for _, _, a, b in rows)
    ours = statistics.median(r[0] for r in rows) * 1000
    reference = statistics.median(r[1] for r in rows) * 1000
    print(f"single: 1 employee x 2000 activities, {len(rows)} employees, median ms")
    print(f"  {'solver':<28}{'median ms':>10}{'max ms':>10}")
    print(f"  {'tillid A* (whole solve)':<28}{ours:>10.2f}{max(r[0] for r in rows) * 1000:>10.2f}")
    print(f"  {'scipy HiGHS milp':<28}{reference:>10.2f}{max(r[1] for r in rows) * 1000:>10.2f}")
    print(f"  ratio milp / tillid: {reference / ours:.1f}x; same optimum for all: {agree}")
    print(f"  reachable: {sum(r[2] is not None for r in rows)} of {len(rows)}; "
          f"mean path cost {statistics.mean(r[2] for r in rows if r[2] is not None):.0f} DKK")
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
