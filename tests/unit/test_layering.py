"""The layers import one way (docs/contracts and the README's "Layout").

Every import in ``tillid/`` (module level and inside functions) is read with
``ast``; a subpackage may use only the project's subpackages its rule lists,
and the pure layers import no I/O library.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "tillid"
IO_LIBRARIES = frozenset({"faust", "aiokafka", "kafka", "asyncpg", "fastapi", "starlette", "uvicorn"})

# subpackage -> the project's subpackages (besides itself) it may import
ALLOWED: dict[str, frozenset[str]] = {
    "competence": frozenset({"errors"}),
    "matching": frozenset({"competence", "errors"}),
    "store": frozenset({"competence", "matching", "errors", "config"}),
    "streams": frozenset({"competence", "matching", "store", "runtime", "errors", "config", "kafka_security"}),
    "review": frozenset({"competence", "matching", "store", "runtime", "errors", "config", "kafka_security"}),
    "runtime": frozenset({"errors", "config"}),
}
PURE = ("competence", "matching")


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, absolute dotted name) of every import in one file, relative imports resolved."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    package = parts[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - node.level + 1]
                module = ".".join(base + ((node.module,) if node.module else ()))
            else:
                module = node.module or ""
            found.append((node.lineno, module))
    return found


def violations(subpackage: str) -> list[str]:
    allowed = ALLOWED[subpackage] | {subpackage}
    problems = []
    for path in sorted((PACKAGE / subpackage).rglob("*.py")):
        for line, module in imported_modules(path):
            top = module.split(".")
            where = f"{path.relative_to(PACKAGE.parent)}:{line} imports {module}"
            if top[0] == "tillid" and len(top) > 1 and top[1] not in allowed:
                problems.append(where)
            if subpackage in PURE and top[0] in IO_LIBRARIES:
                problems.append(where + " (an I/O library in a pure layer)")
    return problems


@pytest.mark.parametrize("subpackage", sorted(ALLOWED))
def test_subpackage_imports_only_the_layers_below_it(subpackage):
    assert violations(subpackage) == []


def test_every_subpackage_has_a_rule():
    subpackages = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert subpackages - {"cli"} <= set(ALLOWED), "a new subpackage needs a layering rule here"


def test_the_check_finds_a_forbidden_import(tmp_path, monkeypatch):
    """The rule itself can fail: a matching module importing the store is reported."""
    fake = tmp_path / "tillid"
    (fake / "matching").mkdir(parents=True)
    (fake / "matching" / "bad.py").write_text("def f():\n    from tillid.store import db\n    import asyncpg\n")
    monkeypatch.setattr(__import__(__name__, fromlist=["PACKAGE"]), "PACKAGE", fake)
    found = violations("matching")
    assert len(found) == 2 and "tillid.store" in found[0] and "I/O library" in found[1]
