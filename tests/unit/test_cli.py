"""The `tillid` command offers every subcommand of contracts/cli.md, and refuses bad input in one line."""

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
