"""Reading and writing JSON for CLI commands: one readable line on bad input."""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path
from typing import Any, Iterator

import orjson

from tillid.errors import InvalidInput


@contextlib.contextmanager
def readable(path: str) -> Iterator[None]:
    """Turn the ways a named file cannot be read into one readable InvalidInput."""
    try:
        yield
    except FileNotFoundError:
        raise InvalidInput("", f"{path}: no such file") from None
    except IsADirectoryError:
        raise InvalidInput("", f"{path}: is a directory") from None
    except UnicodeDecodeError:
        raise InvalidInput("", f"{path}: not UTF-8 text") from None


def read_text(path: str | None) -> str:
    if path is None or path == "-":
        return sys.stdin.read()
    with readable(path):
        return Path(path).read_text(encoding="utf-8")


def read_json(path: str | None) -> Any:
    """The JSON document in ``path`` (standard input for None or "-").

    orjson parses; when it refuses, the json module takes over, so a malformed document is named
    as before (message, line, column) and what orjson refuses but json accepts (NaN, Infinity)
    is read as before. One difference remains: orjson reads an integer beyond 64 bits as a float
    (no solver has a use for one, and orjson could not write it back)."""
    if path is None or path == "-":
        data: str | bytes = sys.stdin.read()
    else:
        with readable(path):
            data = Path(path).read_bytes()
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        pass
    if isinstance(data, bytes):
        with readable(path or "-"):
            data = data.decode("utf-8")
    try:
        return json.loads(data)
    except json.JSONDecodeError as error:
        where = path if path and path != "-" else "standard input"
        raise InvalidInput("", f"{where} is not valid JSON ({error.msg} at line {error.lineno} column {error.colno})") from None


def dump_json(value: Any) -> str:
    """Deterministic JSON text: insertion order kept, no platform-dependent spacing."""
    return json.dumps(value, ensure_ascii=False, indent=1) + "\n"


def dump_json_bytes(value: Any) -> bytes:
    """Deterministic JSON as UTF-8 (orjson): insertion order kept, compact (no spaces, no line
    breaks), one final newline. A result can be large, and indentation would make it larger and
    slower to write (docs/benchmarks.md, "Solvers from the command line"). Floats are the
    shortest text that reads back to the same number, as ``json.dumps``
    writes them, except below 1e-4, which orjson writes without an exponent (0.00001, not 1e-05).
    """
    return orjson.dumps(value, option=orjson.OPT_APPEND_NEWLINE)


def write_bytes(path: str | None, data: bytes) -> None:
    if path is None or path == "-":
        sys.stdout.flush()
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is None:  # a text-only stream put in place of standard output (tests)
            sys.stdout.write(data.decode("utf-8"))
            sys.stdout.flush()
            return
        buffer.write(data)
        buffer.flush()
        return
    Path(path).write_bytes(data)


def write_text(path: str | None, text: str) -> None:
    if path is None or path == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    Path(path).write_text(text, encoding="utf-8")
