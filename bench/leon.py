"""Benchmark of `tillid solve leon`, JSON file in to JSON file out, against a plain
OR-Tools min-cost-flow script doing the same (bench/leon_ortools_reference.py).

Both run as subprocesses on the same instance files, interleaved, in the same
run; the table shows the best and the median wall time and CPU time of the
repeats, the ratio tillid / reference, and checks that both reach the same
optimum (uncovered hours and objective).

    .venv/bin/python -m bench.leon [--repeat 3] [--sizes 10000,50000] [--reference-max 10000]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.leon_instances import generate

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "leon"
PYTHON = sys.executable
TILLID = [PYTHON, "-m", "tillid", "solve", "leon"]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench.leon", description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sizes", default="10000,50000", help="employee counts (300 task types each)")
    parser.add_argument("--reference-max", type=int, default=10000,
                        help="run the reference script only up to this many employees")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)

    rows = []
    for size in [int(s) for s in args.sizes.split(",")]:
        for label, options in VARIANTS:
            if label != "plain" and size > args.reference_max:
                continue
            path = OUT / f"leon-{size}-{label}.json"
            if not path.exists():
                path.write_text(json.dumps(generate(size, 300, seed=args.seed, **options)), encoding="utf-8")
            rows.append(_measure(size, label, path, args.repeat,
                                 with_reference=size <= args.reference_max and label != "activities"))
    _print(rows)
    for size in [int(s) for s in args.sizes.split(",")]:
        path = OUT / f"leon-{size}-activities.json"
        if path.exists():
            print(_unlock_work(path))
    return 0 if all(row["same_optimum"] in (True, None) for row in rows) else 1


# plain: allocation only; current: with a current allocation and a change
# penalty of 15 DKK/h; activities: with the delegation catalogue, so `unlocks`
# is computed (at 50 % load, where some trainings pay); no-activities: the same
# instance without the catalogue, to show what `unlocks` adds.
VARIANTS = (
    ("plain", {}),
    ("current", {"current": True}),
    ("activities", {"activities": True, "load": 0.5}),
    ("no-activities", {"load": 0.5}),
)


def _measure(size: int, label: str, path: Path, repeat: int, with_reference: bool) -> dict:
    ours, theirs = [], []
    our_out, ref_out = OUT / f"{path.stem}.tillid.out.json", OUT / f"{path.stem}.reference.out.json"
    for _ in range(repeat):
        ours.append(_run(TILLID + ["--input", str(path), "--output", str(our_out)]))
        if with_reference:
            theirs.append(_run([PYTHON, "-m", "bench.leon_ortools_reference", str(path), str(ref_out)]))
    data = json.loads(path.read_text(encoding="utf-8"))
    result = json.loads(our_out.read_text(encoding="utf-8"))
    row = {"size": size, "label": label, "tasks": len(data["tasks"]), "ours": ours, "theirs": theirs,
           "mb": path.stat().st_size / 1e6, "uncovered": result["uncovered_hours"],
           "objective": result["objective"], "unlocks": len(result.get("unlocks") or []),
           "same_optimum": None, "pairs": None}
    if with_reference:
        reference = json.loads(ref_out.read_text(encoding="utf-8"))
        row["pairs"] = reference["eligible_pairs"]
        row["same_optimum"] = (math.isclose(reference["uncovered_hours"], result["uncovered_hours"], rel_tol=1e-9)
                               and math.isclose(reference["objective"], result["objective"], rel_tol=1e-9))
    return row


def _unlock_work(path: Path) -> str:
    """How many activities the residual test skipped and how many needed a solve."""
    from tillid.matching.leon import parse_instance
    from tillid.matching.leon.network import build_network, solve_flow
    from tillid.matching.leon.residual import residual_graph
    from tillid.matching.leon.unlocks import could_lower, newly_eligible

    network = build_network(parse_instance(json.loads(path.read_text(encoding="utf-8"))))
    base = solve_flow(network)
    residual = residual_graph(base, len(network.task_ids) + len(network.class_units) + 2)
    news = [newly_eligible(network, a) for a in range(len(network.activity_ids))]
    with_candidates = [new for new in news if len(new[0])]
    solved = [new for new in with_candidates if residual is None or could_lower(network, residual, new)]
    return (f"{path.name}: {len(news)} conditional activities, {len(with_candidates)} with candidates, "
            f"{len(with_candidates) - len(solved)} skipped by the residual test, {len(solved)} solved")


def _run(command: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child) for one subprocess run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, env={**os.environ, "PYTHONHASHSEED": "0"})
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _print(rows: list[dict]) -> None:
    print("| employees | variant | input MB | eligible pairs | tillid wall best / median (s) | tillid CPU best (s) "
          "| reference wall best / median (s) | reference CPU best (s) | ratio wall (best) | ratio CPU (best) "
          "| same optimum | unlocks |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        ours_wall = [w for w, _ in row["ours"]]
        ours_cpu = [c for _, c in row["ours"]]
        cells = [f"{row['size']:,}", row["label"], f"{row['mb']:.1f}", f"{row['pairs']:,}" if row["pairs"] else "-",
                 f"{min(ours_wall):.2f} / {statistics.median(ours_wall):.2f}", f"{min(ours_cpu):.2f}"]
        if row["theirs"]:
            ref_wall = [w for w, _ in row["theirs"]]
            ref_cpu = [c for _, c in row["theirs"]]
            cells += [f"{min(ref_wall):.2f} / {statistics.median(ref_wall):.2f}", f"{min(ref_cpu):.2f}",
                      f"{min(ours_wall) / min(ref_wall):.2f}", f"{min(ours_cpu) / min(ref_cpu):.2f}",
                      "yes" if row["same_optimum"] else "NO"]
        else:
            cells += ["-", "-", "-", "-", "-"]
        cells.append(str(row["unlocks"]) if row["label"] == "activities" else "-")
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
