"""`tillid bench NAME [ARGS...]`: the benchmarks of docs/benchmarks.md (bench/ in a source checkout)."""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from tillid.errors import ConfigError, InvalidInput

BENCH_DIR = Path(__file__).resolve().parents[2] / "bench"


def available() -> list[str]:
    if not (BENCH_DIR / "__init__.py").exists():
        return []
    return sorted(p.stem for p in BENCH_DIR.glob("*.py")
                  if not p.stem.startswith("_") and "def main(" in p.read_text(encoding="utf-8"))


def register(sub) -> argparse.ArgumentParser:
    parser = sub.add_parser("bench", help="run a benchmark (see docs/benchmarks.md)",
                            description="Run one benchmark from bench/ with its own options "
                                        "(`tillid bench NAME --help`). Without NAME, list them.")
    parser.add_argument("name", nargs="?", help="benchmark name")
    parser.add_argument("args", nargs=argparse.REMAINDER, help="options passed to the benchmark")
    return parser


def run(args: argparse.Namespace) -> int:
    names = available()
    if not names:
        raise ConfigError("no benchmarks here: they live in bench/ of a source checkout")
    if args.name is None:
        print("\n".join(names))
        return 0
    if args.name not in names:
        raise InvalidInput("name", f"unknown benchmark {args.name!r}; choose one of {', '.join(names)}")
    sys.path.insert(0, str(BENCH_DIR.parent))
    module = importlib.import_module(f"bench.{args.name}")
    return module.main(list(args.args)) or 0
