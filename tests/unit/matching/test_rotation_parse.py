"""Rotation parsing: the quick reading of common applicants agrees with the checked one, refuses
what the checks refuse, and hands the solver rankings of the ids' own string objects."""

from __future__ import annotations

import random

import pytest

from tillid.errors import InvalidInstance
from tillid.matching.rotation import BlockingPair, find_blocking_pairs, parse_instance
from tillid.matching.rotation.market import build_market, host_rankings_used
from tillid.matching.rotation.parse import _checked_applicant, _plain_applicant
from tillid.matching.rotation.model import Rules


def _instance(applicant: dict, cross_sector_only: bool = False) -> dict:
    return {"slots": [{"id": "s1", "capacity": 1, "sector": "region"}, {"id": "s2", "capacity": 1, "sector": "state"}],
            "applicants": [applicant], "host_rankings": {}, "rules": {"cross_sector_only": cross_sector_only}}


SLOT_IDS = {"s1": "s1", "s2": "s2"}


@pytest.mark.parametrize("raw", [
    {"id": "e1", "ranking": ["s2", "s1"]},
    {"id": "e1", "ranking": None, "skills": None},
    {"id": "e1", "ranking": [], "skills": {}},
    {"id": "e1", "home_workplace": "w1", "sector": "municipality", "organisation": "o1",
     "skills": {"medicin": 2, "jura": 1.5}, "ranking": ["s1"]},
    {"id": "e1", "home_workplace": None, "sector": None, "organisation": None, "ranking": ["s2"]},
])
def test_the_quick_and_the_checked_reading_agree(raw):
    rules = Rules()
    plain = _plain_applicant(raw, rules, SLOT_IDS)
    assert plain is not None
    assert plain == _checked_applicant(raw, "applicants[0]", rules, SLOT_IDS)


@pytest.mark.parametrize("change, field, words", [
    ({"skills": 0}, "applicants[0].skills", "must be an object of skill levels"),
    ({"skills": []}, "applicants[0].skills", "must be an object of skill levels"),
    ({"skills": {"medicin": True}}, "applicants[0].skills.medicin", "non-negative number"),
    ({"skills": {"medicin": float("nan")}}, "applicants[0].skills.medicin", "non-negative number"),
    ({"skills": {"medicin": -1}}, "applicants[0].skills.medicin", "non-negative number"),
    ({"ranking": "s1"}, "applicants[0].ranking", "must be a list of slot ids"),
    ({"ranking": [["s1"]]}, "applicants[0].ranking[0]", "must be a slot id (string)"),
    ({"ranking": ["s1", 2]}, "applicants[0].ranking[1]", "must be a slot id (string)"),
    ({"id": ""}, "applicants[0].id", "non-empty string"),
    ({"id": 7}, "applicants[0].id", "non-empty string"),
    ({"home_workplace": ""}, "applicants[0].home_workplace", "non-empty string"),
    ({"organisation": 3}, "applicants[0].organisation", "non-empty string"),
    ({"sector": ["region"]}, "applicants[0].sector", "non-empty string"),
    # The ranking is checked before the other fields, as it always was.
    ({"ranking": ["s9"], "home_workplace": ""}, "applicants[0].ranking[0]", "unknown slot 's9'"),
])
def test_what_the_checks_refuse_the_quick_reading_does_not_accept(change, field, words):
    raw = {"id": "e1", "sector": "municipality", "ranking": ["s1"], **change}
    assert _plain_applicant(raw, Rules(), SLOT_IDS) is None
    with pytest.raises(InvalidInstance) as raised:
        parse_instance(_instance(raw))
    assert (raised.value.field, words in raised.value.problem) == (field, True)


def test_a_missing_sector_is_refused_only_under_cross_sector_only():
    raw = {"id": "e1", "ranking": ["s1"]}
    assert parse_instance(_instance(raw)).applicants[0].sector is None
    with pytest.raises(InvalidInstance) as raised:
        parse_instance(_instance(raw, cross_sector_only=True))
    assert raised.value.field == "applicants[0].sector"


def test_rankings_hold_the_ids_own_string_objects():
    """Equal text is not enough: the solver's lookups are fast when the ranking entries are the
    very objects of the ids (docs/benchmarks.md, "Solvers from the command line")."""
    data = {"slots": [{"id": "s1", "capacity": 1}, {"id": "s2", "capacity": 1}],
            "applicants": [{"id": "e1", "ranking": ["s2", "s1"]}, {"id": "e2", "ranking": None},
                           {"id": "e3", "ranking": ["s1"], "skills": None}],
            "host_rankings": {"s1": ["e3", "e1"]}}
    # Copies of the texts, so that no entry is the id's object by accident.
    for applicant in data["applicants"]:
        if applicant["ranking"]:
            applicant["ranking"] = ["".join(list(slot_id)) for slot_id in applicant["ranking"]]
    data["host_rankings"] = {"".join(list(k)): ["".join(list(a)) for a in v] for k, v in data["host_rankings"].items()}
    parsed = parse_instance(data)
    slot = {s.id: s.id for s in parsed.slots}
    applicant = {a.id: a.id for a in parsed.applicants}
    for a in parsed.applicants:
        assert all(entry is slot[entry] for entry in a.ranking)
    for slot_id, ranking in parsed.host_rankings:
        assert slot_id is slot[slot_id]
        assert all(entry is applicant[entry] for entry in ranking)


def test_the_certificate_finds_the_same_pairs_with_the_markets_host_positions():
    rng = random.Random(5)
    found = 0
    for _ in range(40):
        slots = [{"id": f"s{i}", "capacity": rng.randint(0, 2), "sector": rng.choice(["region", "state"])}
                 for i in range(5)]
        applicants = [{"id": f"e{i}", "home_workplace": f"w{i % 2}", "sector": "municipality",
                       "ranking": rng.sample([s["id"] for s in slots], 3)} for i in range(12)]
        host_rankings = {s["id"]: rng.sample([a["id"] for a in applicants], 8) for s in slots}
        parsed = parse_instance({"slots": slots, "applicants": applicants, "host_rankings": host_rankings,
                                 "rules": {"max_away_per_workplace": {"w0": 2}}})
        used = host_rankings_used(parsed)
        market = build_market(parsed, used)
        placements = {a["id"]: rng.choice(a["ranking"]) for a in applicants if rng.random() < 0.5}
        own = find_blocking_pairs(parsed, used, placements)
        assert find_blocking_pairs(parsed, used, placements, market.host_positions_by_slot_id()) == own
        found += len(own)
    assert found > 40  # the matchings are far from stable: many pairs to agree on


def test_the_certificate_takes_a_full_slot_without_a_host_ranking():
    """Placements from elsewhere may fill a slot the host rankings do not name: nobody is ranked
    above its holder, so only the other slot can be blocked."""
    parsed = parse_instance({"slots": [{"id": "s1", "capacity": 1}, {"id": "s2", "capacity": 1}],
                             "applicants": [{"id": "e1", "ranking": ["s1"]}, {"id": "e2", "ranking": ["s1", "s2"]}],
                             "host_rankings": {"s2": ["e2"]}})
    rankings = {"s2": ("e2",)}
    assert find_blocking_pairs(parsed, rankings, {"e1": "s1"}) == (BlockingPair("e2", "s2"),)
