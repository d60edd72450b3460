"""The `tillid` command offers every subcommand of docs/contracts/cli.md, and refuses bad input in one line."""

import pytest

from tillid.cli import build_parser, main

CONTRACT_COMMANDS = {"up", "worker", "api", "migrate", "publish", "demo-data", "solve", "skills", "schemas", "bench"}


def test_every_contract_subcommand_exists_and_has_help(capsys):
    subparsers = next(a for a in build_parser()._actions if a.dest == "command")
    assert CONTRACT_COMMANDS <= set(subparsers.choices)
    for name in CONTRACT_COMMANDS:
        with pytest.raises(SystemExit) as exit_:
            main([name, "--help"])
        assert exit_.value.code == 0
        assert "usage:" in capsys.readouterr().out


def test_bench_lists_benchmarks_and_rejects_unknown_ones(capsys):
    assert main(["bench"]) == 0
    listed = capsys.readouterr().out.split()
    assert {"leon", "rotation", "upskill"} <= set(listed)
    assert main(["bench", "no-such-benchmark"]) == 2
    error = capsys.readouterr().err.strip().splitlines()
    assert len(error) == 1 and "no-such-benchmark" in error[0]


def test_unknown_subcommand_is_one_line_and_exit_2(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["frobnicate"])
    assert exit_.value.code == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_solver_results_are_written_by_orjson_compactly():
    """The text `tillid solve` writes (docs/benchmarks.md says why orjson): keys in insertion order,
    no spaces, UTF-8 as is, floats as json.dumps writes them except below 1e-4 (0.00001, not 1e-05)."""
    from tillid.cli.io import dump_json_bytes

    value = {"b": [1, 2.5, None], "a": {"x": 1e-05, "y": 1e16, "z": 0.1 + 0.2}, "t": "æøå \"q\"\n"}
    assert dump_json_bytes(value) == (
        '{"b":[1,2.5,null],"a":{"x":0.00001,"y":1e+16,"z":0.30000000000000004},"t":"æøå \\"q\\"\\n"}\n'
    ).encode("utf-8")
