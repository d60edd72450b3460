"""Every proposal is made of items a committee can keep or drop, and its effect is their sum (LEON: plus the
freed hours, which no committee decides); an amendment's effect is that of the kept items."""

import math
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.unit.matching.test_leon_split import instances_with_current, snapshot_of
from tests.unit.matching.test_leon_proposal import PROFESSIONS, medicine, propose, snapshot
from tillid.competence.model import ProposalItemKind
from tillid.matching.leon import solve
from tillid.matching.proposals.items import ASSUMED_KEYS, LEON_ITEM_KEYS, combined, kept_effect
from tillid.matching.proposals.leon import leon_proposal
from tillid.matching.proposals.rotation import rotation_proposals
from tillid.matching.proposals.snapshot import (ApplicantFacts, EmployeeFacts, RotationSnapshot, SlotFacts, TaskFacts,
                                                WorkplaceSnapshot)
from tillid.matching.proposals.upskilling import upskilling_proposal

ADDITIVE_LEON = ("hours_moved", "reallocation_dkk_per_week", "hours_covered_more", "training_cost_dkk")


def close(a, b, items):
    """Equal up to the rounding of each item to hundredths."""
    return math.isclose(a, b, abs_tol=1e-6 + 1e-9 * items)


def sum_of(items, *path):
    total = 0.0
    for item in items:
        value = item.effect
        for key in path:
            value = value[key]
        total += value
    return total


# --- combining ------------------------------------------------------------------------------

def test_numbers_add_mappings_add_by_key_lists_join_and_levels_take_the_highest():
    first = {"employees": 1, "fee_dkk": 0.1, "by_sector_pair": {"a->b": 1}, "moves": [1],
             "competence_gained": {"saar": 3, "medicin": 2}}
    second = {"employees": 1, "fee_dkk": 0.2, "by_sector_pair": {"a->b": 1, "b->c": 2}, "moves": [2],
              "competence_gained": {"saar": 2, "medicin": 4}}
    assert combined([first, second]) == {"employees": 2, "fee_dkk": 0.3, "by_sector_pair": {"a->b": 2, "b->c": 2},
                                         "moves": [1, 2], "competence_gained": {"medicin": 4, "saar": 3}}
    assert first["moves"] == [1] and first["by_sector_pair"] == {"a->b": 1}  # inputs untouched


def test_values_that_do_not_add_up_are_refused():
    with pytest.raises(TypeError):
        combined([{"x": "a"}, {"x": "b"}])
    with pytest.raises(TypeError):
        combined([{"x": True}, {"x": False}])


# --- LEON -----------------------------------------------------------------------------------

@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances_with_current())
def test_a_leon_proposal_is_the_sum_of_its_items_and_the_freed_hours(data):
    result = solve(data)
    draft = leon_proposal(snapshot_of(data), data, result)
    if draft is None:
        return
    effect, items, n = draft.effect, draft.items, len(draft.items)
    assert len({i.item_id for i in items}) == n
    assert {i.kind for i in items} <= {ProposalItemKind.MOVE, ProposalItemKind.UNLOCK}
    for item in items:
        assert tuple(item.effect) == LEON_ITEM_KEYS
    for key in ADDITIVE_LEON:
        assert close(effect[key], sum_of(items, key), n), key
    for key in effect["coverage"]:
        assert close(effect["coverage"][key], sum_of(items, "coverage", key), n), key
    assert close(effect["dkk_per_week"], sum_of(items, "dkk_per_week") + effect["freed"]["dkk_per_week"], n)
    assert effect["dkk_per_week"] == round(effect["current_cost_per_week"] - effect["proposed_cost_per_week"], 2)
    assert [m for i in items for m in i.effect["moves"]] == effect["moves"]
    # Every move the solver reports is one item, under an id made of what it moves.
    assert sorted(f"move:{m['task']}:{m['from_profession']}:{m['to_profession']}" for m in result["moves"]) == \
        sorted(i.item_id for i in items if i.effect["moves"])
    # Approving every item is approving the proposal.
    assert kept_effect(draft.kind, effect, items, [i.item_id for i in items]) == effect


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances_with_current(), st.randoms(use_true_random=False))
def test_an_amended_leon_proposal_is_the_allocation_of_the_kept_moves(data, rng):
    result = solve(data)
    draft = leon_proposal(snapshot_of(data), data, result)
    if draft is None or not draft.items:
        return
    kept = [i for i in draft.items if rng.random() < 0.5]
    effect = kept_effect(draft.kind, draft.effect, draft.items, [i.item_id for i in kept])
    n = len(kept)
    assert effect["moves"] == [m for i in kept for m in i.effect["moves"]]
    assert close(effect["hours_moved"], sum_of(kept, "hours_moved"), n)
    assert close(effect["dkk_per_week"], sum_of(kept, "dkk_per_week") + draft.effect["freed"]["dkk_per_week"], n)
    assert effect["freed"] == draft.effect["freed"]
    assert effect["current_cost_per_week"] == draft.effect["current_cost_per_week"]
    assert effect["proposed_cost_per_week"] == round(effect["current_cost_per_week"] - effect["dkk_per_week"], 2)
    dropped_coverage = sum_of([i for i in draft.items if i not in kept], "hours_covered_more")
    assert close(effect["uncovered_hours"], max(0.0, draft.effect["uncovered_hours"] + dropped_coverage), n + 1)


def test_moves_and_newly_covered_hours_are_items_of_their_own():
    """A nurse covers 10 of 16 hours of medicine today; the assistant, cheaper, may do it all: 10 hours move to
    the assistant, and 6 more hours are covered, by the assistant, at 285 kr. an hour."""
    staff = (EmployeeFacts("n1", "sygeplejerske", 37.0, {}), EmployeeFacts("a1", "sosu-assistent", 37.0, {}))
    facts = snapshot([medicine(16.0)], [("n1", "task-medicin", 10.0)], employees=staff)
    draft = propose(facts)
    by_id = {i.item_id: i for i in draft.items}
    assert sorted(by_id) == ["move:task-medicin:sygeplejerske:sosu-assistent",
                             "move:task-medicin:uncovered:sosu-assistent"]
    move = by_id["move:task-medicin:sygeplejerske:sosu-assistent"]
    assert move.employee_ids == ("a1", "n1")
    assert (move.effect["hours_moved"], move.effect["dkk_per_week"]) == (10.0, 600.0)
    assert move.summary_da == ("Medicingivning: 10,0 timer/uge fra Sygeplejerske til Social- og sundhedsassistent, "
                               "sparer 600 kr./uge.")
    covered = by_id["move:task-medicin:uncovered:sosu-assistent"]
    assert covered.employee_ids == ("a1",)
    assert covered.effect["coverage"]["newly_covered_hours"] == 6.0
    assert covered.effect["dkk_per_week"] == -6 * 285.0 and covered.effect["hours_moved"] == 0.0
    assert draft.effect["dkk_per_week"] == 600.0 - 6 * 285.0
    assert covered.summary_en == ("Giving medicine: 6.0 more hours/week covered by Social and health care "
                                  "assistant, costs DKK 1,710 a week.")
    only_the_move = kept_effect(draft.kind, draft.effect, draft.items, [move.item_id])
    assert only_the_move["dkk_per_week"] == 600.0 and only_the_move["hours_covered_more"] == 0.0
    assert only_the_move["uncovered_hours"] == 6.0 and only_the_move["moves"] == draft.effect["moves"]


def test_a_training_that_unlocks_a_cheaper_allocation_is_an_item():
    from tillid.matching.proposals.snapshot import ActivityFacts

    task = TaskFacts("task-saar", "Sårpleje", "Wound care", 10.0, {}, ("sygeplejerske",),
                     {"sosu-assistent": "kursus-saar"})
    staff = (EmployeeFacts("n1", "sygeplejerske", 37.0, {}), EmployeeFacts("a1", "sosu-assistent", 37.0, {}))
    facts = WorkplaceSnapshot(
        workplace_id="wp-1", name="Plejecenter Test", organisation_id="org-1", committee_id="med-1",
        sector="municipality", professions=PROFESSIONS, employees=staff, tasks=(task,),
        current=(("n1", "task-saar", 10.0),),
        activities={"kursus-saar": ActivityFacts("kursus-saar", "course", "Sårkursus", {}, {}, 7.0, 1000.0, "x")})
    draft = propose(facts)
    unlock = next(i for i in draft.items if i.kind is ProposalItemKind.UNLOCK)
    assert unlock.item_id == "unlock:kursus-saar" and unlock.employee_ids == ("a1",)
    assert unlock.effect["training"] == draft.effect["training"]
    assert unlock.effect["training_cost_dkk"] == draft.effect["training_cost_dkk"] > 0
    assert unlock.effect["dkk_per_week"] == 0.0  # a saving only if the training is done: not in the difference
    assert kept_effect(draft.kind, draft.effect, draft.items, [])["payback_weeks"] is None


# --- upskilling -----------------------------------------------------------------------------

SKILLS = ["saar", "medicin", "it"]
money = st.integers(0, 2_000_000).map(lambda ore: ore / 100)


@st.composite
def upskilling_results(draw):
    people = draw(st.lists(st.sampled_from([f"e{k}" for k in range(12)]), unique=True, min_size=1, max_size=8))
    paths = []
    for person in people:
        fee, cover = draw(money), draw(money)
        gaps = [{"skill": s, "current": 0, "target": draw(st.integers(1, 5))}
                for s in draw(st.lists(st.sampled_from(SKILLS), unique=True, max_size=3))]
        paths.append({"employee": person, "steps": ["act-1"], "total_cost": round(fee + cover, 2),
                      "total_hours": draw(st.integers(1, 400)) / 4, "reaches": {},
                      "explanation": {"need": None, "gaps": gaps, "steps": [], "fee_dkk": fee, "cover_dkk": cover}})
    return [{"paths": paths, "unreachable": []}]


def workplace():
    return WorkplaceSnapshot(workplace_id="wp-1", name="Plejecenter Test", organisation_id="org-1",
                             committee_id="med-1", sector="municipality", professions=PROFESSIONS, employees=(),
                             tasks=(), current=(), activities={})


@settings(max_examples=100, deadline=None)
@given(upskilling_results())
def test_an_upskilling_proposal_is_the_sum_of_its_paths(results):
    draft = upskilling_proposal(workplace(), results)
    paths = results[0]["paths"]
    items, effect, n = draft.items, draft.effect, len(draft.items)
    assert sorted(i.item_id for i in items) == sorted(f"path:{p['employee']}" for p in paths)
    assert all(i.kind is ProposalItemKind.PATH and i.employee_ids == (i.item_id[5:],) for i in items)
    assert effect["employees"] == len(paths) == sum_of(items, "employees")
    for key in ("training_hours", "fee_dkk", "cover_dkk", "training_cost_dkk", "refund_dkk", "net_cost_dkk"):
        assert close(effect[key], sum_of(items, key), n), key
    assert close(effect["fee_dkk"], sum(p["explanation"]["fee_dkk"] for p in paths), n)
    highest = {}
    for p in paths:
        for gap in p["explanation"]["gaps"]:
            highest[gap["skill"]] = max(highest.get(gap["skill"], 0), gap["target"])
    assert effect["competence_gained"] == highest
    assert kept_effect(draft.kind, effect, items, [i.item_id for i in items]) == effect
    first = items[0]
    # the effect assumed and its source describe the proposal as drafted: kept with any part of it
    assumed = {k: effect[k] for k in ASSUMED_KEYS}
    assert kept_effect(draft.kind, effect, items, [first.item_id]) == dict(first.effect) | assumed


# --- rotation -------------------------------------------------------------------------------

SLOTS = tuple(SlotFacts(f"slot-{k}", f"Plads {k}", f"host-{k}", sector, "org-h", 2, weeks, {}, {SKILLS[k % 3]: 1 + k % 4})
              for k, (sector, weeks) in enumerate([("region", 4), ("municipality", 6), ("state", 8), ("region", 2)]))


@st.composite
def rotation_rounds(draw):
    people = [f"a{k}" for k in range(draw(st.integers(1, 9)))]
    applicants = tuple(ApplicantFacts(p, f"home-{p}", draw(st.sampled_from(["region", "municipality"])), "org-1",
                                      draw(st.sampled_from(["med-1", "med-2"])), "sygeplejerske", {}, (), 8)
                       for p in people)
    placements, suggestions = [], []
    for p in people:
        fate = draw(st.sampled_from(["placed", "suggested", "nothing"]))
        if fate == "placed":
            placements.append({"applicant": p, "slot": draw(st.sampled_from(SLOTS)).slot_id, "rank": 1})
        elif fate == "suggested":
            suggestions.append({"applicant": p, "slots": [{"slot": "slot-0"}, {"slot": "slot-2"}]})
    result = {"placements": placements, "suggestions": suggestions, "explanations": [], "blocking_pairs": [],
              "stats": {}}
    return RotationSnapshot(slots=SLOTS, applicants=applicants, max_away_per_workplace={}), result


@settings(max_examples=100, deadline=None)
@given(rotation_rounds())
def test_a_rotation_proposal_is_the_sum_of_its_placements(round_):
    snapshot_, result = round_
    placed = {p["applicant"]: p["slot"] for p in result["placements"]}
    slots = {s.slot_id: s for s in SLOTS}
    home = {a.employee_id: a.sector for a in snapshot_.applicants}
    for draft in rotation_proposals(snapshot_, result):
        items, effect = draft.items, draft.effect
        assert sorted(i.employee_ids[0] for i in items) == sorted(draft.employee_ids)
        for item in items:
            person = item.employee_ids[0]
            slot = placed.get(person, "suggested")
            assert item.item_id == f"placement:{slot}:{person}" and item.kind is ProposalItemKind.PLACEMENT
        assert effect["placed"] == sum_of(items, "placed") == sum(1 for e in draft.employee_ids if e in placed)
        assert effect["suggested"] == sum_of(items, "suggested")
        assert effect["weeks_away"] == sum(slots[placed[e]].weeks for e in draft.employee_ids if e in placed)
        assert effect["by_sector_pair"] == dict(Counter(f"{home[e]}->{slots[placed[e]].sector}"
                                                        for e in draft.employee_ids if e in placed))
        gained = {}
        for e in draft.employee_ids:
            if e in placed:
                for skill, level in slots[placed[e]].teaches.items():
                    gained[skill] = max(level, gained.get(skill, 0))
        assert effect["competence_gained"] == gained
        assert kept_effect(draft.kind, effect, items, [i.item_id for i in items]) == effect
