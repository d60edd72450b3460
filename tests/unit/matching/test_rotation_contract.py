"""Rotation solver: wire format, validation, determinism, host rankings, suggestions, explanations."""

from __future__ import annotations

import copy
import dataclasses
import json
import random

import pytest

from tillid.cli import main
from tillid.cli.io import dump_json_bytes
from tillid.errors import InvalidInstance
from tillid.matching.rotation import (
    Applicant, RotationInstance, feasibility_violations, parse_instance, result_to_dict, solve, solve_instance,
    suggest_slots,
)


def instance() -> dict:
    return {
        "slots": [
            {"id": "s1", "host_workplace": "w9", "sector": "region", "organisation": "region-midt",
             "capacity": 2, "requires": {"medicin": 2}, "teaches": {"sektorovergange": 3}},
            {"id": "s2", "host_workplace": "w8", "sector": "state", "organisation": "sst",
             "capacity": 1, "requires": {}, "teaches": {"jura": 3, "data": 2}},
            {"id": "s3", "host_workplace": "w7", "sector": "region", "organisation": "region-syd",
             "capacity": 1, "requires": {"medicin": 1}, "teaches": {"paedagogik": 2}},
        ],
        "applicants": [
            {"id": "e1", "home_workplace": "w1", "sector": "municipality", "organisation": "aarhus",
             "skills": {"medicin": 3}, "ranking": ["s1", "s2"]},
            {"id": "e2", "home_workplace": "w1", "sector": "municipality", "organisation": "aarhus",
             "skills": {"medicin": 2}, "ranking": ["s1"]},
            {"id": "e3", "home_workplace": "w2", "sector": "region", "organisation": "region-midt",
             "skills": {"medicin": 4}, "ranking": ["s3", "s1", "s2"]},
            {"id": "e4", "home_workplace": "w3", "sector": "state", "organisation": "sst",
             "skills": {"medicin": 3}, "ranking": ["s1"]},
            {"id": "e5", "home_workplace": "w3", "sector": "state", "organisation": "sst",
             "skills": {"medicin": 1, "jura": 1}, "ranking": []},
        ],
        "host_rankings": {"s1": ["e4", "e1", "e2", "e3"]},
        "rules": {"cross_sector_only": True, "max_away_per_workplace": {"w1": 2}},
    }


def test_result_has_the_contract_keys_sorted_lists_and_one_based_ranks():
    result = solve(instance())
    assert list(result)[:5] == ["placements", "unplaced", "host_rankings_used", "blocking_pairs", "stats"]
    assert result["placements"] == [
        {"applicant": "e1", "slot": "s1", "rank": 1},
        {"applicant": "e3", "slot": "s2", "rank": 3},
        {"applicant": "e4", "slot": "s1", "rank": 1},
    ]
    assert result["unplaced"] == ["e2", "e5"]
    assert result["blocking_pairs"] == []
    assert result["stats"]["placed"] == 3
    assert result["stats"]["first_choice"] == 2
    assert result["stats"]["by_sector_pair"] == {"municipality->region": 1, "region->state": 1, "state->region": 1}
    assert result["host_rankings_used"]["s1"] == ["e4", "e1", "e2", "e3"]
    assert result["host_rankings_used"]["s2"] == ["e1", "e3"]


def test_same_sector_and_unmet_requirements_are_explained():
    explanations = {e["applicant"]: e for e in solve(instance())["explanations"]}
    e3 = explanations["e3"]
    assert (e3["slot"], e3["rank"]) == ("s2", 3)
    assert [(c["slot"], c["outcome"]) for c in e3["choices_above"]] == [
        ("s3", "not_acceptable"), ("s1", "not_acceptable")]
    assert "same sector" in e3["choices_above"][0]["detail"]
    e2 = explanations["e2"]
    assert e2["slot"] is None
    assert e2["choices_above"] == [{"slot": "s1", "rank": 1, "outcome": "full_with_higher_ranked",
                                    "detail": "all 2 places are taken by applicants the host ranked higher",
                                    "higher_ranked_placed": 2}]


def test_away_cap_keeps_the_home_workplace_within_its_limit_and_is_explained():
    data = instance()
    data["slots"][0]["capacity"] = 3
    free = solve(data)
    assert {p["applicant"] for p in free["placements"] if p["slot"] == "s1"} == {"e1", "e2", "e4"}
    data["rules"]["max_away_per_workplace"] = {"w1": 1}
    capped = solve(data)
    away_from_w1 = [p for p in capped["placements"] if p["applicant"] in ("e1", "e2")]
    assert len(away_from_w1) == 1
    assert capped["blocking_pairs"] == []
    unplaced = next(e for e in capped["explanations"] if e["applicant"] in ("e1", "e2") and e["slot"] is None)
    assert unplaced["choices_above"][0]["outcome"] == "home_workplace_at_cap"


def test_an_empty_ranking_is_never_placed_and_gets_suggestions():
    result = solve(instance())
    assert "e5" in result["unplaced"]
    (suggestion,) = result["suggestions"]
    assert suggestion["applicant"] == "e5"
    slots = [s["slot"] for s in suggestion["slots"]]
    # e5 works in the state: s2 (state) is the same sector, and s1's host ranking leaves e5 out.
    assert slots == ["s3"]
    assert suggestion["slots"][0]["missing"] == {}
    assert suggestion["slots"][0]["learning_value"] == pytest.approx(2 / 5)


def test_suggestions_rank_by_learning_value_and_reachability():
    data = instance()
    data["rules"]["cross_sector_only"] = False
    data["host_rankings"] = {}
    parsed = parse_instance(data)
    e5 = next(a for a in parsed.applicants if a.id == "e5")
    suggestion = suggest_slots(parsed, e5)
    # s2 teaches jura 3 (has 1) and data 2: (2 + 2) / 10 = 0.4, reachable; s3 teaches
    # paedagogik 2: 2 / 5 = 0.4, reachable (tie: by id); s1 teaches 3 / 5 = 0.6 but e5
    # lacks one level of medicin: 0.6 / (1 + 1) = 0.3.
    assert [(s.slot, s.score) for s in suggestion.slots] == [("s2", 0.4), ("s3", 0.4), ("s1", 0.3)]
    assert dict(suggestion.slots[2].missing) == {"medicin": 1.0}


def test_engine_ranks_a_slot_without_host_ranking_by_fit_and_learning_value_ties_by_id():
    data = {
        "slots": [{"id": "s", "sector": "region", "capacity": 1,
                   "requires": {"medicin": 2}, "teaches": {"data": 4}}],
        "applicants": [
            {"id": "c", "sector": "municipality", "skills": {"medicin": 2, "data": 4}, "ranking": ["s"]},
            {"id": "b", "sector": "municipality", "skills": {"medicin": 4}, "ranking": ["s"]},
            {"id": "a", "sector": "municipality", "skills": {"medicin": 4}, "ranking": ["s"]},
            {"id": "d", "sector": "municipality", "skills": {"medicin": 2}, "ranking": ["s"]},
            {"id": "x", "sector": "municipality", "skills": {"medicin": 1}, "ranking": ["s"]},
            {"id": "y", "sector": "region", "skills": {"medicin": 5}, "ranking": ["s"]},
        ],
        "rules": {"cross_sector_only": True},
    }
    result = solve(data)
    # a and b exceed the requirement and lack what the slot teaches (tie: by id); d only
    # meets it; c already knows what the slot teaches; x and y are not acceptable.
    assert result["host_rankings_used"] == {"s": ["a", "b", "d", "c"]}
    assert result["placements"] == [{"applicant": "a", "slot": "s", "rank": 1}]


def test_a_slot_with_no_capacity_places_nobody():
    data = instance()
    data["slots"][0]["capacity"] = 0
    result = solve(data)
    assert all(p["slot"] != "s1" for p in result["placements"])
    assert result["blocking_pairs"] == []
    e4 = next(e for e in result["explanations"] if e["applicant"] == "e4")
    assert e4["choices_above"][0]["outcome"] == "no_capacity"


def test_same_input_gives_the_same_bytes_and_input_order_does_not_matter():
    first = json.dumps(solve(instance()))
    assert json.dumps(solve(instance())) == first
    shuffled = instance()
    shuffled["slots"].reverse()
    shuffled["applicants"].reverse()
    shuffled["host_rankings"] = dict(reversed(list(shuffled["host_rankings"].items())))
    assert json.dumps(solve(shuffled)) == first


def test_typed_entry_points_compose_to_solve_and_are_immutable():
    parsed = parse_instance(instance())
    assert isinstance(parsed, RotationInstance)
    assert all(isinstance(a, Applicant) for a in parsed.applicants)
    with pytest.raises(dataclasses.FrozenInstanceError):
        parsed.applicants[0].ranking = ()  # type: ignore[misc]
    result = solve_instance(parsed)
    assert result_to_dict(result) == solve(instance())
    assert result.stats.method == "deferred_acceptance"


def test_solve_does_not_modify_its_input():
    data = instance()
    before = copy.deepcopy(data)
    solve(data)
    assert data == before


def _broken(change) -> dict:
    data = instance()
    change(data)
    return data


@pytest.mark.parametrize("change, field, words", [
    (lambda d: d["applicants"][3]["ranking"].append("s99"), "applicants[3].ranking[1]", "unknown slot 's99'"),
    (lambda d: d["applicants"][0]["ranking"].append("s1"), "applicants[0].ranking[2]", "duplicate slot 's1'"),
    (lambda d: d["slots"][1].update(capacity=-1), "slots[1].capacity", "must not be negative"),
    (lambda d: d["slots"][1].update(capacity=1.5), "slots[1].capacity", "must be an integer"),
    (lambda d: d["slots"][2].update(id="s1"), "slots[2].id", "duplicate id 's1'"),
    (lambda d: d["applicants"][4].update(id="e1"), "applicants[4].id", "duplicate id 'e1'"),
    (lambda d: d["host_rankings"].update(s9=["e1"]), "host_rankings.s9", "unknown slot 's9'"),
    (lambda d: d["host_rankings"]["s1"].append("e77"), "host_rankings.s1[4]", "unknown applicant 'e77'"),
    (lambda d: d["host_rankings"]["s1"].append("e1"), "host_rankings.s1[4]", "duplicate applicant 'e1'"),
    (lambda d: d["rules"]["max_away_per_workplace"].update(w1=-2), "rules.max_away_per_workplace.w1",
     "must not be negative"),
    (lambda d: d["applicants"][0]["skills"].update(medicin="high"), "applicants[0].skills.medicin",
     "non-negative number"),
    (lambda d: d["applicants"][1].pop("sector"), "applicants[1].sector", "cross_sector_only"),
    (lambda d: d.pop("slots"), "slots", "missing"),
    (lambda d: d["slots"].append("s4"), "slots[3]", "must be an object"),
])
def test_malformed_instances_name_the_field(change, field, words):
    with pytest.raises(InvalidInstance) as raised:
        solve(_broken(change))
    assert raised.value.field == field
    assert words in raised.value.problem


def test_cli_solves_from_file_to_file(tmp_path):
    source = tmp_path / "instance.json"
    target = tmp_path / "result.json"
    source.write_text(json.dumps(instance()), encoding="utf-8")
    assert main(["solve", "rotation", "--input", str(source), "--output", str(target)]) == 0
    assert json.loads(target.read_text(encoding="utf-8")) == solve(instance())


def test_cli_exits_2_with_one_line_naming_the_field(tmp_path, capsys):
    source = tmp_path / "instance.json"
    target = tmp_path / "result.json"
    source.write_text(json.dumps(_broken(lambda d: d["applicants"][3]["ranking"].append("s99"))), encoding="utf-8")
    assert main(["solve", "rotation", "--input", str(source), "--output", str(target)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "tillid solve: applicants[3].ranking[1]: unknown slot 's99'\n"
    assert not target.exists()


def test_feasibility_violations_name_capacity_cap_and_unacceptable_pairs():
    parsed = parse_instance(instance())
    used = solve(instance())["host_rankings_used"]
    assert feasibility_violations(parsed, used, {"e1": "s1", "e4": "s1"}) == ()
    assert feasibility_violations(parsed, used, {"e1": "s1", "e2": "s1", "e4": "s1"}) == (
        "s1: 3 placed, capacity 2",)
    assert feasibility_violations(parsed, used, {"e3": "s1"}) == ("e3 -> s1: not an acceptable pair",)
    capped = instance()
    capped["rules"]["max_away_per_workplace"] = {"w1": 1}
    assert feasibility_violations(parse_instance(capped), used, {"e1": "s1", "e2": "s1"}) == (
        "w1: 2 away, max_away_per_workplace 1",)


def test_capped_result_does_not_depend_on_input_order():
    data = instance()
    data["rules"]["max_away_per_workplace"] = {"w1": 1, "w3": 1}
    data["slots"][0]["capacity"] = 3
    first = json.dumps(solve(data))
    data["applicants"].reverse()
    data["slots"].reverse()
    assert json.dumps(solve(data)) == first


def _seeded_market(seed: int) -> dict:
    """A small market where slots fill up, some pairs are not acceptable and one workplace is capped."""
    rng = random.Random(seed)
    slots = [{"id": f"s{i}", "sector": rng.choice(["region", "state"]), "capacity": rng.randint(0, 2),
              "requires": {"medicin": rng.randint(0, 2)}} for i in range(6)]
    applicants = [{"id": f"e{i:02d}", "home_workplace": f"w{i % 3}", "sector": rng.choice(["municipality", "region"]),
                   "skills": {"medicin": rng.randint(0, 3)}, "ranking": rng.sample([s["id"] for s in slots], 4)}
                  for i in range(20)]
    host_rankings = {s["id"]: rng.sample([a["id"] for a in applicants], 12) for s in slots[:4]}
    return {"slots": slots, "applicants": applicants, "host_rankings": host_rankings,
            "rules": {"cross_sector_only": True, "max_away_per_workplace": {"w0": 1}}}


@pytest.mark.parametrize("data", [instance(), _seeded_market(1), _seeded_market(2)])
def test_cli_writes_the_text_of_result_to_dict(tmp_path, data):
    """`tillid solve rotation` writes the result from the typed objects (``result_for_orjson``):
    byte for byte the text of ``result_to_dict``'s dicts, so the wire keys and their order hold."""
    source, target = tmp_path / "instance.json", tmp_path / "result.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    assert main(["solve", "rotation", "--input", str(source), "--output", str(target)]) == 0
    expected = solve(data)
    assert any(e["choices_above"] for e in expected["explanations"])
    assert target.read_bytes() == dump_json_bytes(expected)
    assert json.loads(target.read_text(encoding="utf-8")) == expected
