"""README.md stays true to the code: the configuration table, the quickstart, CI, the links."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import re
from pathlib import Path

import pytest

from tillid.cli import COMMANDS, build_parser
from tillid.config import ENVIRONMENT_VARIABLES, Settings

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def help_of(*command: str) -> str | None:
    """What `tillid COMMAND --help` prints, or None when the parser rejects the command."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        try:
            build_parser().parse_args([*command, "--help"])
        except SystemExit as stop:
            return out.getvalue() if stop.code == 0 else None
    return None


def section(text: str, title: str) -> str:
    """The body of the level-2 section ``title``, up to the next level-2 heading."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, f"no section '## {title}'"
    return match.group(1)


def table_rows(text: str) -> list[list[str]]:
    """Cells of every table row in ``text`` (header and separator rows excluded)."""
    rows = []
    for line in text.splitlines():
        if line.startswith("|") and not re.match(r"^\|[-| ]+\|$", line):
            rows.append([cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip())[1:-1]])
    return [row for row in rows if row[0] not in ("variable", "flag", "command")]


@pytest.fixture(scope="module")
def configuration_rows() -> dict[str, list[str]]:
    rows = [row for row in table_rows(section(README, "Configuration")) if row[0].startswith("`TILLID_")]
    names = [row[0].strip("`") for row in rows]
    assert len(names) == len(set(names)), "each variable once"
    return dict(zip(names, rows))


def test_configuration_table_lists_exactly_the_variables_read(configuration_rows):
    assert list(configuration_rows) == list(ENVIRONMENT_VARIABLES)


def test_configuration_table_gives_the_defaults_of_the_code(configuration_rows):
    defaults = {field.name: field.default for field in dataclasses.fields(Settings)}
    for name, (_, default_cell, meaning) in configuration_rows.items():
        default = defaults[name.removeprefix("TILLID_").lower()]
        if default is None:
            assert default_cell.startswith("unset"), name
        elif default == "":
            assert default_cell == "empty", name
        else:
            assert default_cell == f"`{default}`", name
        assert meaning


def test_configuration_table_meanings_agree_with_the_code(configuration_rows):
    for name, (_, _, meaning) in configuration_rows.items():
        assert meaning.startswith(ENVIRONMENT_VARIABLES[name]), name


def test_up_flags_are_the_parsers():
    documented = {row[0].strip("`").split()[0] for row in table_rows(section(README, "Configuration"))
                  if row[0].startswith("`--")}
    offered = set(re.findall(r"(--[a-z-]+)", help_of("up"))) - {"--help"}
    assert documented == offered


def test_quickstart_is_exactly_two_commands():
    blocks = re.findall(r"```(?:sh|bash)?\n(.*?)```", section(README, "Quickstart"), re.S)
    commands = [line.strip() for block in blocks for line in block.splitlines()
                if line.strip() and not line.strip().startswith("#")]
    assert commands == ["./run up", "./run test"]


def test_run_script_provides_both_commands():
    script = (ROOT / "run").read_text(encoding="utf-8")
    assert re.search(r"^\s*up\)", script, re.M) and re.search(r"^\s*test\)", script, re.M)


def test_ci_runs_the_readme_test_command():
    ci = [line.strip() for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()]
    calls = [line for line in ci if re.match(r"^(exec )?\./run test\b", line)]
    assert len(calls) == 1


def test_commands_table_covers_every_subcommand():
    rows = table_rows(section(README, "Commands"))
    documented = [re.match(r"`tillid ([a-z-]+)", row[0]).group(1) for row in rows]
    assert sorted(documented) == sorted(name.replace("_", "-") for name in COMMANDS)
    for row, name in zip(rows, documented):
        usage = help_of(*row[0].strip("`").split()[1:2])
        assert usage is not None, name
        for flag in re.findall(r"(--[a-z-]+)", row[0]):
            assert flag in (help_of(name) or "") + (help_of(name, "map") or ""), (name, flag)


def test_local_links_point_at_files_or_planned_docs():
    planned = {"docs/streams.md", "docs/api.md", "docs/pages.md"}  # being written alongside
    for target in re.findall(r"\]\(([^)#]+)\)", README):
        if "://" in target:
            continue
        assert (ROOT / target).exists() or target in planned, target


def test_screenshots_section_exists():
    assert section(README, "Screenshots").strip()
