"""Validation of `upskill` instances and the `tillid solve upskill` command."""

from __future__ import annotations

import copy
import json

import pytest

from tillid.cli import main
from tillid.errors import InvalidInstance
from tillid.matching.upskilling import solve

from .test_paths import CONTRACT_EXAMPLE


def broken(mutate):
    instance = copy.deepcopy(CONTRACT_EXAMPLE)
    mutate(instance)
    return instance


@pytest.mark.parametrize(("mutate", "field"), [
    (lambda i: i["activities"][1].update(duration_hours=-1.0), "activities[1].duration_hours"),
    (lambda i: i["activities"][0].update(cost_dkk="3500"), "activities[0].cost_dkk"),
    (lambda i: i["activities"][0].update(kind="webinar"), "activities[0].kind"),
    (lambda i: i["activities"][0]["teaches"].update(medicin=6), "activities[0].teaches.medicin"),
    (lambda i: i["activities"][0]["prerequisites"].update(medicin=1.5), "activities[0].prerequisites.medicin"),
    (lambda i: i["activities"][1].update(id="a1"), "activities[1].id"),
    (lambda i: i["employees"].append(copy.deepcopy(i["employees"][0])), "employees[1].id"),
    (lambda i: i["employees"][0]["skills"].update(medicin=-1), "employees[0].skills.medicin"),
    (lambda i: i["employees"][0].pop("target"), "employees[0].target"),
    (lambda i: i["employees"][0].update(mentors="e5"), "employees[0].mentors"),
    (lambda i: i.pop("substitute_cost_per_hour"), "substitute_cost_per_hour"),
    (lambda i: i.update(substitute_cost_per_hour=float("nan")), "substitute_cost_per_hour"),
    (lambda i: i.update(activities={}), "activities"),
    (lambda i: i["employees"][0].update(need={"source": "whim"}), "employees[0].need.source"),
    (lambda i: i.update(expected_effect={"a1": 1.5}), "expected_effect.a1"),
    (lambda i: i.update(rank_by="luck"), "rank_by"),
])
def test_invalid_instances_name_the_field(mutate, field):
    with pytest.raises(InvalidInstance) as caught:
        solve(broken(mutate))
    assert caught.value.field == field


def test_cli_solves_from_file_to_file(tmp_path, capsys):
    source, target = tmp_path / "in.json", tmp_path / "out.json"
    source.write_text(json.dumps(CONTRACT_EXAMPLE))
    assert main(["solve", "upskill", "--input", str(source), "--output", str(target)]) == 0
    result = json.loads(target.read_text())
    assert result["paths"][0]["steps"] == ["p1", "a1"]
    assert result["unreachable"] == []


def test_cli_rejects_a_malformed_instance_with_status_2_and_writes_nothing(tmp_path, capsys):
    source, target = tmp_path / "in.json", tmp_path / "out.json"
    source.write_text(json.dumps(broken(lambda i: i["activities"][1].update(duration_hours=-1.0))))
    assert main(["solve", "upskill", "--input", str(source), "--output", str(target)]) == 2
    err = capsys.readouterr().err
    assert "activities[1].duration_hours" in err and len(err.strip().splitlines()) == 1
    assert not target.exists()
