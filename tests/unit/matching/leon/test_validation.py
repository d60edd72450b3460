"""Malformed instances: exit 2, one line on standard error naming the field, no output."""

import copy
import json

import pytest

from tests.unit.matching.leon.contract_example import INSTANCE
from tillid.cli import main
from tillid.errors import InvalidInstance
from tillid.matching.leon import parse_instance


def broken(change):
    instance = copy.deepcopy(INSTANCE)
    change(instance)
    return instance


CASES = [
    ("employees[0].profession", lambda d: d["employees"][0].update(profession="jurist")),
    ("tasks[0].authorised[0]", lambda d: d["tasks"][0].update(authorised=["laege"])),
    ("tasks[0].conditional[0].profession",
     lambda d: d["tasks"][0]["conditional"][0].update(profession="hjaelper")),
    ("tasks[0].hours", lambda d: d["tasks"][0].update(hours=-1.0)),
    ("employees[2].capacity_hours", lambda d: d["employees"][2].update(capacity_hours=-0.5)),
    ("current[1].hours", lambda d: d["current"][1].update(hours=-3)),
    ("professions.sygeplejerske.hourly_cost",
     lambda d: d["professions"]["sygeplejerske"].update(hourly_cost=-345.0)),
    ("change_penalty_per_hour", lambda d: d.update(change_penalty_per_hour=-1)),
    ("tasks[0].authorised", lambda d: d["tasks"][0].update(authorised=[], conditional=[])),
    ("employees[1].id", lambda d: d["employees"][1].update(id="e1")),
    ("tasks[1].id", lambda d: d["tasks"].append(dict(d["tasks"][0]))),
    ("activities[1].id", lambda d: d["activities"].append(dict(d["activities"][0]))),
    ("current[2]", lambda d: d["current"].append(dict(d["current"][0]))),
    ("current[0].employee", lambda d: d["current"][0].update(employee="e9")),
    ("current[0].task", lambda d: d["current"][0].update(task="vask")),
    ("tasks[0].hours", lambda d: d["tasks"][0].update(hours="50")),
    ("tasks[0].hours", lambda d: d["tasks"][0].update(hours=True)),
    ("tasks[0].hours", lambda d: d["tasks"][0].pop("hours")),
    ("employees[0].skills.medicin", lambda d: d["employees"][0]["skills"].update(medicin=7)),
    ("employees[1].completed[0]", lambda d: d["employees"][1].update(completed=[3])),
    ("employees", lambda d: d.update(employees={"e1": {}})),
    ("employees[0]", lambda d: d["employees"].__setitem__(0, "e1")),
    ("activities[0].cost_dkk", lambda d: d["activities"][0].update(cost_dkk=-2400.0)),
]


@pytest.mark.parametrize(("field", "change"), CASES, ids=[c[0] + str(i) for i, c in enumerate(CASES)])
def test_parse_names_the_offending_field(field, change):
    with pytest.raises(InvalidInstance) as caught:
        parse_instance(broken(change))
    assert caught.value.field == field


@pytest.mark.parametrize(("field", "change"), CASES[:12], ids=[c[0] + str(i) for i, c in enumerate(CASES[:12])])
def test_cli_exits_2_with_one_line_naming_the_field(field, change, tmp_path, capsys):
    source, target = tmp_path / "in.json", tmp_path / "out.json"
    source.write_text(json.dumps(broken(change)), encoding="utf-8")
    assert main(["solve", "leon", "--input", str(source), "--output", str(target)]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and field in lines[0]
    assert captured.out == "" and not target.exists()


def test_an_instance_that_is_not_an_object_is_refused():
    with pytest.raises(InvalidInstance):
        parse_instance([INSTANCE])


def test_optional_parts_may_be_absent():
    instance = {key: INSTANCE[key] for key in ("professions", "employees", "tasks")}
    parsed = parse_instance(instance)
    assert parsed.current is None and parsed.activities is None
    assert parsed.change_penalty_per_hour == 0.0


def test_a_conditional_activity_missing_from_activities_is_allowed():
    instance = broken(lambda d: d.update(activities=[]))
    assert parse_instance(instance).activities == ()


def test_unknown_keys_are_ignored():
    instance = broken(lambda d: d.update(comment="x") or d["employees"][0].update(workplace="w1"))
    assert len(parse_instance(instance).employees) == 3
