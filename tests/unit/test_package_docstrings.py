"""Every package of ``tillid`` is a regular package whose docstring says what lives there and what it may import.

The "May import" paragraph of each package below a top-level subpackage names
exactly the layers tests/unit/test_layering.py allows that subpackage, so the
docstrings cannot drift from the rules the imports are checked against.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.unit.test_layering import ALLOWED, PACKAGE

# Tillid's top level and its command: the rules do not cover them (the command may import everything).
WITHOUT_RULE = ("", "cli")


def packages(root: Path) -> list[Path]:
    """Every folder under ``root`` (itself included) that holds Python modules."""
    return sorted({path.parent for path in root.rglob("*.py") if "__pycache__" not in path.parts})


def docstring(package: Path) -> str:
    init = package / "__init__.py"
    if not init.exists():
        return ""
    return ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""


def may_import(text: str) -> set[str] | None:
    """The Tillid modules the "May import" paragraph names, or None without one."""
    paragraph = next((p for p in re.split(r"\n\s*\n", text) if p.lstrip().startswith("May import")), None)
    if paragraph is None:
        return None
    return set(re.findall(r"``tillid\.(\w+)``", paragraph))


def name(package: Path) -> str:
    return ".".join(package.relative_to(PACKAGE.parent).parts)


def top_level(package: Path) -> str:
    parts = package.relative_to(PACKAGE).parts
    return parts[0] if parts else ""


@pytest.mark.parametrize("package", packages(PACKAGE), ids=name)
def test_every_package_has_an_init_with_a_docstring_that_says_more_than_its_name(package):
    assert (package / "__init__.py").exists(), f"{name(package)} is a namespace package: add an __init__.py"
    text = docstring(package).strip()
    assert text and text.lower() != package.name.lower(), f"{name(package)}: say what lives there"


@pytest.mark.parametrize("package", [p for p in packages(PACKAGE) if top_level(p) not in WITHOUT_RULE], ids=name)
def test_may_import_names_exactly_the_layers_of_its_rule(package):
    layer = top_level(package)
    named = may_import(docstring(package))
    assert named is not None, f"{name(package)}: its docstring has no 'May import' paragraph"
    assert named - {layer} == ALLOWED[layer]


def test_the_command_says_what_it_may_import():
    assert may_import(docstring(PACKAGE / "cli")) is not None


def test_the_checks_find_a_namespace_package_and_a_bare_docstring(tmp_path):
    """The checks can fail: a folder of modules without __init__.py, and a docstring that is only the name."""
    (tmp_path / "store" / "projection").mkdir(parents=True)
    (tmp_path / "store" / "__init__.py").write_text('"""store"""\n')
    (tmp_path / "store" / "projection" / "handlers.py").write_text("")
    found = packages(tmp_path)
    assert found == [tmp_path / "store", tmp_path / "store" / "projection"]
    assert not (found[1] / "__init__.py").exists()
    assert docstring(found[0]) == "store"
    assert may_import("What lives here.\n\nMay import: ``tillid.errors`` and ``tillid.config``.") == {"errors", "config"}
    assert may_import("What lives here, and tillid.errors.") is None
