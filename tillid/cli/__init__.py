"""The `tillid` command: one module per subcommand, each with ``register`` and ``run`` (docs/contracts/cli.md).

May import: every other part of Tillid (it is the top, so tests/unit/test_layering.py
gives it no rule). A subcommand imports its heavy libraries inside ``run``, so
``tillid --help`` and the light commands start fast (tests/unit/test_cli_start_up.py).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from tillid.errors import ConfigError, PoisonError, TillidError

# Each name is a module in this package with register(subparsers) -> parser
# and run(args) -> exit code.
COMMANDS = [
    "up",
    "worker",
    "api",
    "migrate",
    "backup",
    "restore",
    "publish",
    "schemas",
    "solve",
    "skills",
    "demo_data",
    "bench",
]


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        print(f"{self.prog}: {message}", file=sys.stderr)
        raise SystemExit(2)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser of every subcommand; only of the one ``argv`` starts with, when it names one.

    A subcommand's module imports only what registering it needs and its ``run`` imports the
    rest, so `tillid --help` stays fast; and running one subcommand imports no other's module.
    """
    parser = _Parser(prog="tillid", description="Tillid: competence development and rotation matching.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for name in _modules_to_register(argv):
        module = importlib.import_module(f"tillid.cli.{name}")
        command = module.register(sub)
        command.set_defaults(run=module.run)
    return parser


def _modules_to_register(argv: Sequence[str] | None) -> list[str]:
    named = argv[0].replace("-", "_") if argv else None
    return [named] if named in COMMANDS else COMMANDS


def main(argv: list[str] | None = None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    args = build_parser(argv).parse_args(argv)
    try:
        return args.run(args) or 0
    except PoisonError as error:
        print(f"tillid {args.command}: {error.reason}", file=sys.stderr)
        return 2
    except ConfigError as error:
        print(f"tillid {args.command}: configuration: {error.reason}", file=sys.stderr)
        return 2
    except TillidError as error:
        print(f"tillid {args.command}: {error.reason}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
