"""`tillid solve KIND`: the solvers of docs/contracts/solvers.md, JSON in and JSON out."""

from __future__ import annotations

import argparse
import gc
import importlib

from tillid.cli.io import dump_json_bytes, read_json, write_bytes

# KIND -> (module, its function from the instance dict to the result for orjson to write),
# imported only when run. ``solve`` returns plain JSON types; rotation's ``solve_for_orjson``
# leaves the items of its long lists typed, which orjson writes as the same text.
SOLVERS: dict[str, tuple[str, str]] = {
    "leon": ("tillid.matching.leon", "solve"),
    "upskill": ("tillid.matching.upskilling", "solve"),
    "rotation": ("tillid.matching.rotation", "solve_for_orjson"),
}


def register(sub) -> argparse.ArgumentParser:
    parser = sub.add_parser("solve", help="run a matching solver on one JSON instance",
                            description="Read one JSON instance and write one JSON result "
                                        "(docs/contracts/solvers.md).")
    parser.add_argument("kind", choices=sorted(SOLVERS), help="which solver")
    parser.add_argument("--input", metavar="FILE", help="instance file (default: standard input)")
    parser.add_argument("--output", metavar="FILE", help="result file (default: standard output)")
    return parser


def run(args: argparse.Namespace) -> int:
    module, function = SOLVERS[args.kind]
    solve = getattr(importlib.import_module(module), function)
    # One instance in, one result out, then the process ends: the millions of small objects
    # of a large instance are freed by reference counting, and the cyclic collector's passes
    # over them only cost time (docs/benchmarks.md, "Solvers from the command line").
    collecting = gc.isenabled()
    gc.disable()
    try:
        # The document goes straight to the solver, which may let it go once it has parsed it.
        write_bytes(args.output, dump_json_bytes(solve(read_json(args.input))))
    finally:
        if collecting:
            gc.enable()
    return 0
