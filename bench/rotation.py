"""Benchmark of the rotation solver (docs/benchmarks.md, "Rotation placement").

A seeded market of applicants x slots where every applicant ranks ``choices``
distinct slots and every host ranks all applicants who ranked its slot. Times
(best of ``--repeat``, in-process): parsing, solving (host rankings, market
arrays, deferred acceptance), certifying (the independent blocking-pair
check), the full ``solve_instance`` (with explanations and statistics) and
``result_to_dict``. Then, on sizes it can handle, the PyPI ``matching``
package's ``HospitalResident`` (build and solve) on the same instances, with a
check that the two matchings are identical, and the ratios.

    .venv/bin/python -m bench.rotation [--applicants 20000] [--slots 2000] [--choices 10]
        [--reference-sizes 1000,2000,5000] [--repeat 3] [--seed 1]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

from tillid.matching.rotation import find_blocking_pairs, parse_instance, result_to_dict, solve_instance
from tillid.matching.rotation.away_caps import match
from tillid.matching.rotation.market import build_market, host_rankings_used
from tillid.matching.rotation.solver import placements_of

T = TypeVar("T")
SECTORS = ("municipality", "region", "state")


SKILLS = ("medicin", "saarpleje", "dokumentation", "jura", "data", "paedagogik", "ledelse", "sektorovergange")


def make_instance(applicants: int, slots: int, choices: int, seed: int, away_cap: int | None = None,
                  engine_ranked: bool = False) -> dict[str, Any]:
    """Seeded market. With ``engine_ranked`` no host gives a ranking, and applicants have
    skills and slots requirements and teachings, so the engine ranks every slot."""
    rng = random.Random(seed)
    slot_ids = [f"s{i:05d}" for i in range(slots)]
    applicant_ids = [f"e{i:06d}" for i in range(applicants)]
    workplaces = [f"w{i:05d}" for i in range(max(1, applicants // 10))]
    slot_list = [{"id": s, "host_workplace": f"h{s}", "sector": SECTORS[1 + i % 2],
                  "capacity": rng.randint(1, 9)} for i, s in enumerate(slot_ids)]
    rankings = {a: rng.sample(slot_ids, min(choices, slots)) for a in applicant_ids}
    candidates: dict[str, list[str]] = {s: [] for s in slot_ids}
    for a in applicant_ids:
        for s in rankings[a]:
            candidates[s].append(a)
    host_rankings = {s: rng.sample(found, len(found)) for s, found in candidates.items()}
    instance: dict[str, Any] = {
        "slots": slot_list,
        "applicants": [{"id": a, "home_workplace": rng.choice(workplaces), "sector": "municipality",
                        "ranking": rankings[a]} for a in applicant_ids],
        "host_rankings": host_rankings,
        "rules": {"cross_sector_only": True},
    }
    if engine_ranked:
        instance["host_rankings"] = {}
        for slot in slot_list:
            slot["requires"] = {skill: rng.randint(1, 2) for skill in rng.sample(SKILLS, rng.randint(0, 1))}
            slot["teaches"] = {skill: rng.randint(2, 5) for skill in rng.sample(SKILLS, rng.randint(1, 2))}
        for applicant in instance["applicants"]:
            applicant["skills"] = {skill: rng.randint(0, 5) for skill in rng.sample(SKILLS, 3)}
    if away_cap is not None:
        instance["rules"]["max_away_per_workplace"] = {w: away_cap for w in workplaces}
    return instance


def best_of(repeat: int, run: Callable[[], T], clock: Callable[[], float] = time.process_time) -> tuple[float, T]:
    """Least time of ``repeat`` runs. CPU time of this process by default: the machine
    is shared, and the code is single-threaded, so CPU time is what a quiet machine
    would show as wall time."""
    times, result = [], None
    for _ in range(repeat):
        start = clock()
        result = run()
        times.append(clock() - start)
    return min(times), result  # type: ignore[return-value]


def measure_tillid(instance: dict[str, Any], repeat: int) -> dict[str, Any]:
    parse_s, parsed = best_of(repeat, lambda: parse_instance(instance))

    def solve() -> tuple:
        used = host_rankings_used(parsed)
        market = build_market(parsed, used)
        choice, method = match(market)
        return used, market, choice, method

    solve_s, (used, market, choice, method) = best_of(repeat, solve)
    placements = {p.applicant: p.slot for p in placements_of(market, choice)}
    certify_s, blocking = best_of(repeat, lambda: find_blocking_pairs(parsed, used, placements))

    def solve_and_certify() -> None:
        _, market, choice, _ = solve()
        find_blocking_pairs(parsed, used, {p.applicant: p.slot for p in placements_of(market, choice)})

    wall_s, _ = best_of(repeat, solve_and_certify, clock=time.perf_counter)
    full_s, result = best_of(repeat, lambda: solve_instance(parsed))
    to_dict_s, _ = best_of(repeat, lambda: result_to_dict(result))
    return {"parse": parse_s, "solve": solve_s, "certify": certify_s, "full": full_s, "to_dict": to_dict_s,
            "wall": wall_s,
            "placements": placements, "blocking": len(blocking), "method": method}


def measure_reference(instance: dict[str, Any]) -> dict[str, Any]:
    """The ``matching`` package (PyPI, HospitalResident), build and solve timed separately."""
    from matching.games import HospitalResident

    resident_prefs = {a["id"]: list(a["ranking"]) for a in instance["applicants"]}
    capacities = {s["id"]: s["capacity"] for s in instance["slots"]}
    hospital_prefs = dict(instance["host_rankings"])
    old_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old_limit, 20 * len(resident_prefs) + 10_000))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            start = time.process_time()
            game = HospitalResident.create_from_dictionaries(resident_prefs, hospital_prefs, capacities)
            build_s = time.process_time() - start
            start = time.process_time()
            matching = game.solve(optimal="resident")
            solve_s = time.process_time() - start
    finally:
        sys.setrecursionlimit(old_limit)
    placements = {resident.name: hospital.name for hospital, residents in matching.items() for resident in residents}
    return {"build": build_s, "solve": solve_s, "placements": placements}


def _row(cells: list[str], widths: list[int]) -> str:
    return "| " + " | ".join(cell.rjust(width) for cell, width in zip(cells, widths)) + " |"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench.rotation", description=__doc__.splitlines()[0])
    parser.add_argument("--applicants", type=int, default=20_000)
    parser.add_argument("--slots", type=int, default=2_000)
    parser.add_argument("--choices", type=int, default=10)
    parser.add_argument("--reference-sizes", default="1000,2000,5000",
                        help="applicant counts (slots = applicants / 10) to compare with the matching package; "
                             "empty to skip")
    parser.add_argument("--away-cap", type=int, default=3,
                        help="also time the main size with this max_away_per_workplace for every workplace")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    print(f"Rotation: {args.applicants} applicants x {args.slots} slots, {args.choices} choices each, "
          f"seed {args.seed}; CPU seconds, best of {args.repeat} (wall: solve+certify wall-clock)")
    widths = [26, 9, 9, 9, 13, 6, 10, 9, 8]
    print(_row(["case", "parse s", "solve s", "certify s", "solve+certify", "wall", "full s", "to_dict s",
                "placed"], widths))
    cases = [("no away-caps", None, False)]
    if args.away_cap is not None:
        cases.append((f"away-cap {args.away_cap} per workplace", args.away_cap, False))
    cases.append(("engine ranks every slot", None, True))
    for label, cap, engine_ranked in cases:
        instance = make_instance(args.applicants, args.slots, args.choices, args.seed, cap, engine_ranked)
        figures = measure_tillid(instance, args.repeat)
        print(_row([label, f"{figures['parse']:.3f}", f"{figures['solve']:.3f}", f"{figures['certify']:.3f}",
                    f"{figures['solve'] + figures['certify']:.3f}", f"{figures['wall']:.3f}", f"{figures['full']:.3f}",
                    f"{figures['to_dict']:.3f}", str(len(figures["placements"]))], widths))
        print(f"    method {figures['method']}, blocking pairs {figures['blocking']}")

    sizes = [int(size) for size in args.reference_sizes.split(",") if size.strip()]
    if sizes:
        print()
        print("Against the matching package (HospitalResident, resident-optimal), same instances, CPU seconds "
              "(reference: one run each):")
        widths = [10, 8, 13, 13, 13, 10, 16, 9]
        print(_row(["applicants", "slots", "ref build s", "ref solve s", "solve+certify", "identical",
                    "ratio build+solve", "ratio solve"], widths))
        for size in sizes:
            instance = make_instance(size, max(1, size // 10), args.choices, args.seed)
            ours = measure_tillid(instance, args.repeat)
            reference = measure_reference(instance)
            mine = ours["solve"] + ours["certify"]
            print(_row([str(size), str(max(1, size // 10)), f"{reference['build']:.3f}", f"{reference['solve']:.3f}",
                        f"{mine:.4f}", str(ours["placements"] == reference["placements"]),
                        f"{(reference['build'] + reference['solve']) / mine:.0f}x",
                        f"{reference['solve'] / mine:.1f}x"], widths))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
