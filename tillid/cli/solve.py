"""`tillid solve KIND`: the solvers of contracts/solvers.md, JSON in and JSON out."""

from __future__ import annotations

import argparse
import importlib

from tillid.cli.io import dump_json, read_json, write_text

# KIND -> module whose ``solve(instance: dict) -> dict`` implements it.
SOLVERS: dict[str, str] = {
    "leon": "tillid.matching.leon",
    "upskill": "tillid.matching.upskilling",
    "rotation": "tillid.matching.rotation",
}


def register(sub) -> argparse.ArgumentParser:
    parser = sub.add_parser("solve", help="run a matching solver on one JSON instance",
                            description="Read one JSON instance and write one JSON result "
                                        "(contracts/solvers.md).")
    parser.add_argument("kind", choices=sorted(SOLVERS), help="which solver")
    parser.add_argument("--input", metavar="FILE", help="instance file (default: standard input)")
    parser.add_argument("--output", metavar="FILE", help="result file (default: standard output)")
    return parser


def run(args: argparse.Namespace) -> int:
    solve = importlib.import_module(SOLVERS[args.kind]).solve
    instance = read_json(args.input)
    result = solve(instance)
    write_text(args.output, dump_json(result))
    return 0
