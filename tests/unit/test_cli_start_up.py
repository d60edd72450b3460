"""What `tillid` loads: nothing heavy for `--help`, and scikit-learn for a rotation only when a
host ranking must be computed. Each case runs in a fresh interpreter, which then reports the
libraries in ``sys.modules``; together they keep the start-up fast without timing it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HEAVY = ("sklearn", "numpy", "scipy", "ortools", "faust", "aiokafka", "asyncpg", "fastapi", "uvicorn",
         "matplotlib", "jsonschema", "asyncio")


def loaded_after(code: str) -> list[str]:
    """The libraries of HEAVY that a fresh interpreter has loaded after running ``code``."""
    report = (f"\nimport sys, json\n"
              f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({list(HEAVY)!r}))))")
    result = subprocess.run([sys.executable, "-c", code + report], capture_output=True, text=True, timeout=120,
                            stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_importing_the_cli_and_building_every_parser_loads_nothing_heavy():
    assert loaded_after("import tillid.cli\ntillid.cli.build_parser()") == []


def test_tillid_help_loads_nothing_heavy():
    code = ("import contextlib, io, tillid.cli\n"
            "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
            "    tillid.cli.main(['--help'])")
    assert loaded_after(code) == []


def test_every_subcommand_help_loads_nothing_heavy():
    code = ("import contextlib, io, tillid.cli\n"
            "for name in ['up', 'worker', 'api', 'migrate', 'publish', 'schemas', 'solve', 'skills', 'demo-data', "
            "'bench']:\n"
            "    with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
            "        tillid.cli.main([name, '--help'])")
    assert loaded_after(code) == []


def _solve_rotation(tmp_path: Path, instance: dict) -> list[str]:
    source, target = tmp_path / "instance.json", tmp_path / "result.json"
    source.write_text(json.dumps(instance), encoding="utf-8")
    code = (f"import tillid.cli\n"
            f"assert tillid.cli.main(['solve', 'rotation', '--input', {str(source)!r}, '--output', {str(target)!r}]) == 0")
    loaded = loaded_after(code)
    assert json.loads(target.read_text(encoding="utf-8"))["placements"]
    return loaded


def _rotation(host_rankings: dict) -> dict:
    return {"slots": [{"id": "s1", "capacity": 1, "requires": {"medicin": 1}},
                      {"id": "s2", "capacity": 1, "teaches": {"jura": 2}}],
            "applicants": [{"id": "a", "skills": {"medicin": 2}, "ranking": ["s1", "s2"]},
                           {"id": "b", "skills": {"medicin": 3}, "ranking": ["s1", "s2"]}],
            "host_rankings": host_rankings}


def test_solve_rotation_with_every_host_ranking_given_loads_no_scikit_learn(tmp_path):
    assert _solve_rotation(tmp_path, _rotation({"s1": ["b", "a"], "s2": ["a", "b"]})) == []


def test_solve_rotation_loads_scikit_learn_to_rank_a_slot_without_host_ranking(tmp_path):
    assert "sklearn" in _solve_rotation(tmp_path, _rotation({"s1": ["b", "a"]}))
