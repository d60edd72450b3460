"""End to end: `tillid solve KIND --input F --output G` against a plain reference script, and start-up.

Each solver and its reference run as subprocesses on the same instance file,
JSON in and JSON out, interleaved (the order alternates between repeats) in the
same run, so that the load of a shared machine falls on both alike. Reported:
the median wall and CPU seconds of the repeats, their ratios tillid / reference,
and whether the two agree. The references are plain scripts in bench/:

- rotation: 20,000 applicants x 2,000 slots (bench/rotation.py's seeded market,
  a host ranking for every slot, so no ranking is computed) against
  bench/rotation_da_reference.py (deferred acceptance with the json module);
  same placements;
- upskill: 10,000 employees against a 40-activity catalogue (bench/upskill.py's
  batch) against bench/upskill_reference.py (uniform-cost search); same steps
  and costs;
- leon: 10,000 employees x 300 tasks (bench/leon_instances.py) against
  bench/leon_ortools_reference.py (OR-Tools min-cost flow); same optimum.

Then the start-up of `python -m tillid --help` and of the `tillid` entry point,
with `python -c pass` for scale (median of ``--help-repeat`` runs).

    .venv/bin/python -m bench.solve_cli [--solvers rotation,upskill,leon] [--repeat 5] [--help-repeat 10]
        [--baseline DIR]

With ``--baseline DIR`` the `tillid solve` of another checkout (an exported older commit)
runs in the same rotation, so before and after come from the same runs.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "solve_cli"
PYTHON = sys.executable
ENTRY_POINT = Path(PYTHON).parent / "tillid"
# The checkout's own code, also for the entry point (whose script directory is not the checkout).
ENV = {**os.environ, "PYTHONHASHSEED": "0",
       "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}


@dataclass(frozen=True)
class Case:
    solver: str
    description: str
    make: Callable[[], dict]
    reference: list[str]  # the command before INSTANCE RESULT
    agree: Callable[[dict, dict], bool]


def _rotation_instance() -> dict:
    from bench.rotation import make_instance

    return make_instance(20_000, 2_000, 10, seed=1)


def _upskill_instance() -> dict:
    from bench.upskill import SUBSTITUTE_RATE, catalogue, employees

    rng = random.Random(7)
    return {"substitute_cost_per_hour": SUBSTITUTE_RATE, "activities": catalogue(rng, 40, 2, 4),
            "employees": employees(rng, 10_000, 2, 4, targets=12)}


def _leon_instance() -> dict:
    from bench.leon_instances import generate

    return generate(10_000, 300, seed=1)


def _same_placements(ours: dict, reference: dict) -> bool:
    return ours["placements"] == reference["placements"] and ours["unplaced"] == reference["unplaced"]


def _same_paths(ours: dict, reference: dict) -> bool:
    mine = {path["employee"]: path for path in ours["paths"]}
    theirs = {path["employee"]: path for path in reference["paths"]}
    return mine.keys() == theirs.keys() and all(
        mine[e]["steps"] == theirs[e]["steps"] and math.isclose(mine[e]["total_cost"], theirs[e]["total_cost"],
                                                                rel_tol=1e-9)
        for e in mine)


def _same_optimum(ours: dict, reference: dict) -> bool:
    return (math.isclose(ours["uncovered_hours"], reference["uncovered_hours"], rel_tol=1e-9, abs_tol=1e-9)
            and math.isclose(ours["objective"], reference["objective"], rel_tol=1e-9))


CASES = {
    "rotation": Case("rotation", "20,000 applicants x 2,000 slots, host rankings given", _rotation_instance,
                     [PYTHON, "bench/rotation_da_reference.py"], _same_placements),
    "upskill": Case("upskill", "10,000 employees, 40 activities", _upskill_instance,
                    [PYTHON, "bench/upskill_reference.py"], _same_paths),
    "leon": Case("leon", "10,000 employees x 300 tasks", _leon_instance,
                 [PYTHON, "-m", "bench.leon_ortools_reference"], _same_optimum),
}


def run(command: list[str], env: dict[str, str] | None = None, cwd: Path = ROOT) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child) of one subprocess run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, env=env or ENV, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def baseline_env(baseline: Path) -> dict[str, str]:
    """The environment that runs `python -m tillid` (from ``baseline`` as the working directory)
    with the checkout ``baseline``'s code."""
    return {**ENV, "PYTHONPATH": str(baseline)}


def measure(case: Case, repeat: int, baseline: Path | None = None) -> dict:
    """Runs of tillid and the reference (and of the baseline checkout's tillid, if given),
    interleaved: the order rotates from one repeat to the next."""
    OUT.mkdir(parents=True, exist_ok=True)
    source = OUT / f"{case.solver}.json"
    source.write_text(json.dumps(case.make()), encoding="utf-8")
    ours_out, reference_out = OUT / f"{case.solver}.tillid.out.json", OUT / f"{case.solver}.reference.out.json"
    baseline_out = OUT / f"{case.solver}.baseline.out.json"
    tillid = [PYTHON, "-m", "tillid", "solve", case.solver, "--input", str(source), "--output", str(ours_out)]
    reference = [*case.reference, str(source), str(reference_out)]
    commands = {"ours": (tillid, ENV, ROOT), "theirs": (reference, ENV, ROOT)}
    if baseline is not None:
        commands["baseline"] = ([PYTHON, "-m", "tillid", "solve", case.solver, "--input", str(source),
                                 "--output", str(baseline_out)], baseline_env(baseline), baseline.resolve())
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    order = list(commands)
    for index in range(repeat):
        for name in order[index % len(order):] + order[:index % len(order)]:
            runs[name].append(run(*commands[name]))
    agree = case.agree(json.loads(ours_out.read_text(encoding="utf-8")),
                       json.loads(reference_out.read_text(encoding="utf-8")))
    row = {"case": case, "ours": runs["ours"], "theirs": runs["theirs"], "agree": agree,
           "input_mb": source.stat().st_size / 1e6, "output_mb": ours_out.stat().st_size / 1e6}
    if baseline is not None:
        row["baseline"] = runs["baseline"]
        row["same_as_baseline"] = ours_out.read_bytes() == baseline_out.read_bytes()
    return row


def _median(runs: list[tuple[float, float]], which: int) -> float:
    return statistics.median(run[which] for run in runs)


def print_solvers(rows: list[dict], repeat: int) -> None:
    print(f"Solvers end to end, {repeat} runs each, interleaved; medians in seconds")
    print("| solver | instance | input / output MB | tillid wall | reference wall | ratio wall | tillid CPU "
          "| reference CPU | ratio CPU | agree |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        ours_wall, theirs_wall = _median(row["ours"], 0), _median(row["theirs"], 0)
        ours_cpu, theirs_cpu = _median(row["ours"], 1), _median(row["theirs"], 1)
        print(f"| {row['case'].solver} | {row['case'].description} | {row['input_mb']:.1f} / {row['output_mb']:.1f} "
              f"| {ours_wall:.3f} | {theirs_wall:.3f} | **{ours_wall / theirs_wall:.2f}** | {ours_cpu:.3f} "
              f"| {theirs_cpu:.3f} | {ours_cpu / theirs_cpu:.2f} | {'yes' if row['agree'] else 'NO'} |")
    baselines = [row for row in rows if "baseline" in row]
    if baselines:
        print("\nThe baseline checkout's tillid in the same runs (ratios to the same reference runs)")
        print("| solver | baseline wall | ratio wall | baseline CPU | ratio CPU | same bytes as tillid |")
        print("|---|---|---|---|---|---|")
    for row in baselines:
        wall, cpu = _median(row["baseline"], 0), _median(row["baseline"], 1)
        print(f"| {row['case'].solver} | {wall:.3f} | **{wall / _median(row['theirs'], 0):.2f}** | {cpu:.3f} "
              f"| {cpu / _median(row['theirs'], 1):.2f} | {'yes' if row['same_as_baseline'] else 'NO'} |")


def print_start_up(repeat: int) -> None:
    commands = [("python -m tillid --help", [PYTHON, "-m", "tillid", "--help"]),
                ("tillid --help (entry point)", [str(ENTRY_POINT), "--help"]),
                ("python -c pass", [PYTHON, "-c", "pass"])]
    print(f"\nStart-up, {repeat} runs each, interleaved; medians in seconds")
    print("| command | wall | CPU |")
    print("|---|---|---|")
    runs: dict[str, list[tuple[float, float]]] = {label: [] for label, _ in commands}
    for _ in range(repeat):
        for label, command in commands:
            if label.startswith("tillid") and not ENTRY_POINT.exists():
                continue
            runs[label].append(run(command))
    for label, measured in runs.items():
        if measured:
            print(f"| `{label}` | {_median(measured, 0):.3f} | {_median(measured, 1):.3f} |")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench.solve_cli", description=__doc__.splitlines()[0])
    parser.add_argument("--solvers", default="rotation,upskill,leon", help="comma-separated, of " + ", ".join(CASES))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--help-repeat", type=int, default=10)
    parser.add_argument("--baseline", type=Path, metavar="DIR",
                        help="another checkout (an exported commit, say) whose `tillid solve` runs interleaved "
                             "with this one's, for before/after figures from the same runs")
    args = parser.parse_args(argv)
    names = [name for name in args.solvers.split(",") if name]
    unknown = [name for name in names if name not in CASES]
    if unknown:
        parser.error(f"unknown solver(s): {', '.join(unknown)}")
    rows = [measure(CASES[name], args.repeat, args.baseline) for name in names]
    if rows:
        print_solvers(rows, args.repeat)
    if args.help_repeat:
        print_start_up(args.help_repeat)
    return 0 if all(row["agree"] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
