"""Reading and writing JSON for CLI commands: one readable line on bad input."""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path
from typing import Any, Iterator

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
    text = read_text(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        where = path if path and path != "-" else "standard input"
        raise InvalidInput("", f"{where} is not valid JSON ({error.msg} at line {error.lineno} column {error.colno})") from None


def dump_json(value: Any) -> str:
    """Deterministic JSON text: insertion order kept, no platform-dependent spacing."""
    return json.dumps(value, ensure_ascii=False, indent=1) + "\n"


def write_text(path: str | None, text: str) -> None:
    if path is None or path == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    Path(path).write_text(text, encoding="utf-8")
