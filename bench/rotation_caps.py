"""How the away-cap procedure fares (docs/rotation.md, "How often each step decides").

Seeded random markets where the caps bind: two or more home workplaces with
small caps and full host rankings. For small markets every feasible matching is
enumerated (with the independent certificate as the test), so we know whether
a matching without blocking pairs exists; the solver is run with and without
its exhaustive step. For larger markets only the solver's own result is known.

    .venv/bin/python -m bench.rotation_caps [--small 2000] [--large 200] [--seed 1]
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
import time
from collections import Counter
from typing import Any

from tillid.matching.rotation import away_caps, find_blocking_pairs, parse_instance, solve


def crowded(rng: random.Random, applicants: int, slots: int, workplaces: int) -> dict[str, Any]:
    slot_ids = [f"s{i}" for i in range(slots)]
    applicant_ids = [f"e{i}" for i in range(applicants)]
    homes = [f"w{i}" for i in range(workplaces)]
    return {
        "slots": [{"id": s, "capacity": rng.randint(1, 2)} for s in slot_ids],
        "applicants": [{"id": a, "home_workplace": rng.choice(homes),
                        "ranking": rng.sample(slot_ids, rng.randint(1, min(slots, 4)))} for a in applicant_ids],
        "host_rankings": {s: rng.sample(applicant_ids, applicants) for s in slot_ids},
        "rules": {"max_away_per_workplace": {w: rng.randint(0, 3) for w in homes}},
    }


def stable_matching_exists(instance: dict[str, Any]) -> bool:
    parsed = parse_instance(instance)
    rankings = instance["host_rankings"]
    capacity = {s["id"]: s["capacity"] for s in instance["slots"]}
    caps = instance["rules"]["max_away_per_workplace"]
    applicants = instance["applicants"]
    for combo in itertools.product(*[[None, *a["ranking"]] for a in applicants]):
        load = Counter(s for s in combo if s is not None)
        away = Counter(a["home_workplace"] for a, s in zip(applicants, combo) if s is not None)
        if any(load[s] > capacity[s] for s in load) or any(away[w] > caps.get(w, away[w]) for w in away):
            continue
        matching = {a["id"]: s for a, s in zip(applicants, combo) if s is not None}
        if not find_blocking_pairs(parsed, rankings, matching):
            return True
    return False


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench.rotation_caps", description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=2000, help="small markets (3-7 applicants, 2-4 slots)")
    parser.add_argument("--large", type=int, default=200, help="larger markets (200 applicants, 40 slots)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)

    outcomes: Counter[tuple[str, str]] = Counter()
    for _ in range(args.small):
        instance = crowded(rng, rng.randint(3, 7), rng.randint(2, 4), 2)
        exists = stable_matching_exists(instance)
        saved = away_caps.EXHAUSTIVE_BUDGET
        away_caps.EXHAUSTIVE_BUDGET = 0
        try:
            heuristic = solve(instance)
        finally:
            away_caps.EXHAUSTIVE_BUDGET = saved
        full = solve(instance)
        step = heuristic["stats"]["method"] if not heuristic["blocking_pairs"] else (
            full["stats"]["method"] if not full["blocking_pairs"] else "none found")
        outcomes[("exists" if exists else "none exists", step)] += 1
    print(f"Small markets ({args.small}, seed {args.seed}): does a matching without blocking pairs exist, "
          "and which step found one")
    for (exists, step), count in sorted(outcomes.items()):
        print(f"  {exists:12} {step:40} {count:6}  ({100 * count / args.small:.1f} %)")

    large: Counter[str] = Counter()
    times = []
    for _ in range(args.large):
        instance = crowded(rng, 200, 40, 20)
        start = time.perf_counter()
        result = solve(instance)
        times.append(time.perf_counter() - start)
        large[f"{result['stats']['method']}, {'no blocking pair' if not result['blocking_pairs'] else 'blocking pairs left'}"] += 1
    print(f"Larger markets ({args.large} of 200 applicants x 40 slots, 20 workplaces): result, "
          f"median {sorted(times)[len(times) // 2] * 1000:.1f} ms, max {max(times) * 1000:.1f} ms")
    for outcome, count in sorted(large.items()):
        print(f"  {outcome:60} {count:6}  ({100 * count / args.large:.1f} %)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
