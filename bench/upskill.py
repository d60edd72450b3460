"""Benchmark of the `upskill` solver (docs/benchmarks.md, section "Upskilling paths").

1. Batch: 10,000 employees against a 40-activity catalogue, the whole ``solve``.
2. One employee against a 2,000-activity catalogue, the whole ``solve``, next to
   an exact precedence integer program per employee solved with scipy's HiGHS
   ``milp`` in the same run; the optima are checked to be equal.

3. The effect model on a seeded synthetic history with planted provider
   effects: held-out AUC, Brier score, Spearman correlation of the recovered
   provider ranking with the planted one.

    .venv/bin/python -m bench.upskill [--employees 10000] [--single 25] [--seed 7] [--outcomes 3000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix
from scipy.stats import spearmanr

from tillid.matching.upskilling import PathPlanner, solve
from tillid.matching.upskilling.effect import ESTIMATORS, EffectModel, synthetic_outcomes
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


def relevant_activities(activities, learner) -> list:
    """The usable activities teaching a skill that the target, or a relevant activity's prerequisite, names.

    The same backward closure the solver uses, written out again here so the
    reference does not share code with what it checks. Other activities raise
    only skills nothing asks for, so leaving them out keeps the optimum.
    """
    remaining = [a for a in activities if learner.has_mentor or not a.needs_mentor]
    wanted = {skill for skill, level in learner.target if level > 0}
    chosen: list = []
    while True:
        more = [a for a in remaining if any(s in wanted and lv > 0 for s, lv in a.teaches)]
        if not more:
            return chosen
        chosen += more
        taken = {a.id for a in more}
        remaining = [a for a in remaining if a.id not in taken]
        wanted |= {s for a in more for s, lv in a.prerequisites if lv > 0}


def milp_precedence_cost(instance: dict) -> float | None:
    """The same least cost by a precedence integer program (HiGHS), or None.

    Binary x[a]: a is taken; binary z[a,b]: b is taken before a; continuous
    position p[a] in [0, n]. Each target (skill, level) not met at the start
    needs a taken activity teaching it; each prerequisite of a taken a not met
    at the start needs some z[a,b] with b teaching it; z[a,b] <= x[b] and
    p[b] + 1 <= p[a] when z[a,b] (big-M n). Sorting the taken activities by p
    gives a valid order, and every valid order gives a solution, so the optimum
    is the least path cost.
    """
    parsed = parse_instance(instance)
    [learner] = parsed.employees
    start = dict(learner.skills)
    usable = relevant_activities(parsed.activities, learner)
    if all(start.get(skill, 0) >= level for skill, level in learner.target):
        return 0.0
    n_a = len(usable)
    teaches = [dict(a.teaches) for a in usable]
    teachers = lambda skill, level: [b for b in range(n_a) if teaches[b].get(skill, 0) >= level]  # noqa: E731
    pairs: dict[tuple[int, int], int] = {}
    prerequisite_rows = []
    for a, activity in enumerate(usable):
        for skill, level in activity.prerequisites:
            if start.get(skill, 0) >= level:
                continue
            options = [b for b in teachers(skill, level) if b != a]
            for b in options:
                pairs.setdefault((a, b), len(pairs))
            prerequisite_rows.append((a, options))
    n = 2 * n_a + len(pairs)
    x = lambda a: a  # noqa: E731
    position = lambda a: n_a + a  # noqa: E731
    z = lambda a, b: 2 * n_a + pairs[(a, b)]  # noqa: E731
    cost = np.zeros(n)
    for a, activity in enumerate(usable):
        cost[x(a)] = activity.cost_dkk + activity.duration_hours * parsed.substitute_cost_per_hour
    rows, lower, upper = [], [], []
    for skill, level in learner.target:
        if start.get(skill, 0) < level:
            rows.append({x(b): 1.0 for b in teachers(skill, level)})
            lower.append(1)
            upper.append(np.inf)
    for a, options in prerequisite_rows:
        row = {z(a, b): 1.0 for b in options}
        row[x(a)] = -1.0
        rows.append(row)
        lower.append(0)
        upper.append(np.inf)
    for (a, b) in pairs:
        rows.append({z(a, b): 1.0, x(b): -1.0})
        lower.append(-np.inf)
        upper.append(0)
        rows.append({position(b): 1.0, position(a): -1.0, z(a, b): float(n_a)})
        lower.append(-np.inf)
        upper.append(n_a - 1.0)
    if not rows:
        return 0.0
    entries = [(r, c, v) for r, row in enumerate(rows) for c, v in row.items()]
    matrix = coo_matrix(([v for _, _, v in entries], ([r for r, _, _ in entries], [c for _, c, _ in entries])),
                        shape=(len(rows), n))
    integrality = np.ones(n)
    integrality[n_a:2 * n_a] = 0
    upper_bounds = np.ones(n)
    upper_bounds[n_a:2 * n_a] = n_a
    result = milp(cost, constraints=LinearConstraint(matrix.tocsr(), lower, upper),
                  integrality=integrality, bounds=Bounds(np.zeros(n), upper_bounds))
    return float(result.fun) if result.status == 0 else None


def timed(function, *args):
    began = time.perf_counter()
    value = function(*args)
    return time.perf_counter() - began, value


def batch(seed: int, count: int) -> tuple[float, dict]:
    rng = random.Random(seed)
    instance = {"substitute_cost_per_hour": SUBSTITUTE_RATE,
                "activities": catalogue(rng, 40, 2, 4),
                "employees": employees(rng, count, 2, 4, targets=12)}
    return timed(solve, instance)


def single(seed: int, runs: int) -> list[dict]:
    """Per employee against the 2,000-activity catalogue: times (s) and optima of both methods."""
    rng = random.Random(seed)
    activities = catalogue(rng, 2000, 12, 10)
    people = employees(rng, runs, 12, 10, targets=runs)
    rows = []
    for person in people:
        instance = {"substitute_cost_per_hour": SUBSTITUTE_RATE, "activities": activities, "employees": [person]}
        whole, result = timed(solve, instance)
        parsed = parse_instance(instance)
        planner = PathPlanner(parsed.activities, parsed.substitute_cost_per_hour)
        plan_only, _ = timed(planner.plan, parsed.employees[0])
        reference, reference_cost = timed(milp_precedence_cost, instance)
        rows.append({"whole": whole, "plan": plan_only, "milp": reference,
                     "cost": result["paths"][0]["total_cost"] if result["paths"] else None,
                     "milp_cost": reference_cost, "steps": len(result["paths"][0]["steps"]) if result["paths"] else 0})
    return rows


def effect_quality(seed: int, outcomes: int) -> list[tuple[str, float, float, float, float]]:
    """(estimator, held-out AUC, Brier, Spearman of provider ranking vs planted, fit seconds)."""
    planted = {f"provider-{i}": p for i, p in enumerate([0.35, 0.45, 0.55, 0.6, 0.7, 0.75, 0.85, 0.9])}
    history = synthetic_outcomes(planted, outcomes, random_state=seed)
    rows = []
    for estimator in ESTIMATORS:
        seconds, model = timed(EffectModel(estimator=estimator, random_state=seed).fit, history)
        effects = dict(model.provider_effects())
        providers = sorted(planted)
        rho = spearmanr([planted[p] for p in providers], [effects[p] for p in providers]).statistic
        rows.append((estimator, model.quality_.auc, model.quality_.brier, float(rho), seconds))
    return rows


def same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= 1e-6 * max(1.0, abs(b))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench.upskill")
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--single", type=int, default=25, help="employees timed against the 2,000-activity catalogue")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--outcomes", type=int, default=3000, help="synthetic history size for the effect model")
    args = parser.parse_args(argv)

    batch_seconds = []
    for repeat in range(3):
        seconds, result = batch(args.seed + repeat, args.employees)
        batch_seconds.append(seconds)
    print(f"batch: {args.employees} employees x 40 activities, whole solve, 3 seeds: "
          + ", ".join(f"{s:.3f} s" for s in batch_seconds)
          + f" (last: {len(result['paths'])} paths, {len(result['unreachable'])} unreachable)")

    rows = single(args.seed, args.single)
    agree = all(same(r["cost"], r["milp_cost"]) for r in rows)
    print(f"single: 1 employee x 2000 activities, {len(rows)} employees "
          f"({sum(r['cost'] is not None for r in rows)} reachable, path length "
          f"{min(r['steps'] for r in rows)}-{max(r['steps'] for r in rows)})")
    print(f"  {'method':<44}{'median ms':>10}{'max ms':>10}")
    for name, column in (("tillid solve() (parse + prepare + A*)", "whole"),
                         ("tillid PathPlanner.plan (prepared catalogue)", "plan"),
                         ("scipy HiGHS milp (parse + build + solve)", "milp")):
        values = [r[column] * 1000 for r in rows]
        print(f"  {name:<44}{statistics.median(values):>10.2f}{max(values):>10.2f}")
    ratio = statistics.median(r["milp"] for r in rows) / statistics.median(r["whole"] for r in rows)
    print(f"  ratio milp / solve() median: {ratio:.1f}x; same optimum in all {len(rows)}: {agree}")

    print(f"effect model: {args.outcomes} synthetic outcomes, 8 providers with planted effects")
    print(f"  {'estimator':<20}{'AUC':>8}{'Brier':>8}{'Spearman':>10}{'fit s':>8}")
    for estimator, auc, brier, rho, seconds in effect_quality(args.seed, args.outcomes):
        print(f"  {estimator:<20}{auc:>8.3f}{brier:>8.3f}{rho:>10.3f}{seconds:>8.2f}")
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
