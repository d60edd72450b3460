"""`tillid demo-data`: write the demo organisation as JSON-lines events."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import IO

from tillid.errors import InvalidInput


def scale_factor(text: str) -> float:
    from tillid.competence.demo import validate_scale

    try:
        return validate_scale(float(text))
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a finite number above 0, got {text!r}") from None


def register(sub) -> argparse.ArgumentParser:
    parser = sub.add_parser(
        "demo-data", help="write the demo organisation as JSON-lines events",
        description="Write a realistic, fictional public-sector organisation as events, one JSON "
                    "envelope per line. The same seed and scale give byte-identical output.")
    parser.add_argument("--seed", type=int, default=42, help="random seed (default: 42)")
    parser.add_argument("--scale", type=scale_factor, default=1.0,
                        help="size factor: 1 is about 9,800 employees, 100 about 980,000 (default: 1)")
    parser.add_argument("--out", metavar="FILE|-", default="-", help="output file (default: standard output)")
    return parser


def write_events(stream: IO[str], seed: int, scale: float) -> int:
    """Write every event as one compact JSON line; return the number written."""
    from tillid.competence.demo import generate_events

    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    count = 0
    for event in generate_events(seed=seed, scale=scale):
        stream.write(dumps(event))
        stream.write("\n")
        count += 1
    return count


def run(args: argparse.Namespace) -> int:
    if args.out == "-":
        try:
            write_events(sys.stdout, args.seed, args.scale)
            sys.stdout.flush()
        except BrokenPipeError:
            # The reader stopped (e.g. `| head`); that is not an error of ours.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    try:
        with open(args.out, "w", encoding="utf-8", newline="\n") as out:
            write_events(out, args.seed, args.scale)
    except OSError as error:
        raise InvalidInput("--out", f"{args.out}: {error.strerror}") from None
    return 0
