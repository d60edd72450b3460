"""The contract's eye-drops example, end to end: function, typed steps and CLI."""

import copy
import json

from tests.unit.matching.leon.contract_example import INSTANCE, RESULT
from tillid.cli import main
from tillid.matching.leon import parse_instance, result_to_dict, solve, solve_instance


def test_contract_example_gives_exactly_the_contract_result():
    assert solve(copy.deepcopy(INSTANCE)) == RESULT


def test_typed_steps_give_the_same_result():
    instance = parse_instance(INSTANCE)
    assert result_to_dict(solve_instance(instance)) == RESULT


def test_solve_does_not_modify_its_input():
    instance = copy.deepcopy(INSTANCE)
    solve(instance)
    assert instance == INSTANCE


def test_cli_reads_and_writes_files_byte_for_byte_deterministically(tmp_path, capsys):
    source = tmp_path / "instance.json"
    source.write_text(json.dumps(INSTANCE), encoding="utf-8")
    outputs = []
    for name in ("a.json", "b.json"):
        target = tmp_path / name
        assert main(["solve", "leon", "--input", str(source), "--output", str(target)]) == 0
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1]
    assert json.loads(outputs[0]) == RESULT


def test_cli_reads_standard_input(monkeypatch, capsys):
    import io
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(INSTANCE)))
    assert main(["solve", "leon"]) == 0
    assert json.loads(capsys.readouterr().out) == RESULT
