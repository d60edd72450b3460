"""Brute-force oracle for the rotation tests, written from the contract text alone.

It enumerates every feasible matching of a small wire instance and checks
blocking pairs by the contract's definition, quadratically and without using
any solver code.
"""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import strategies as st

SECTORS = ("municipality", "region", "state")


def pre_acceptable(instance: dict, applicant: dict, slot: dict) -> bool:
    """Acceptable apart from the host-ranking condition."""
    if slot["id"] not in applicant["ranking"]:
        return False
    if instance.get("rules", {}).get("cross_sector_only") and applicant["sector"] == slot["sector"]:
        return False
    skills = applicant.get("skills", {})
    return all(skills.get(skill, 0) >= level for skill, level in slot.get("requires", {}).items())


def acceptable(instance: dict, rankings: dict[str, list[str]], applicant: dict, slot: dict) -> bool:
    return pre_acceptable(instance, applicant, slot) and applicant["id"] in rankings[slot["id"]]


def away_cap(instance: dict, workplace: str) -> int | None:
    return instance.get("rules", {}).get("max_away_per_workplace", {}).get(workplace)


def feasible(instance: dict, rankings: dict[str, list[str]], matching: dict[str, str]) -> bool:
    slots = {s["id"]: s for s in instance["slots"]}
    applicants = {a["id"]: a for a in instance["applicants"]}
    for a, s in matching.items():
        if not acceptable(instance, rankings, applicants[a], slots[s]):
            return False
    for s in slots:
        if sum(1 for placed in matching.values() if placed == s) > slots[s]["capacity"]:
            return False
    for w in {a["home_workplace"] for a in instance["applicants"]}:
        cap = away_cap(instance, w)
        if cap is not None and sum(1 for a in matching if applicants[a]["home_workplace"] == w) > cap:
            return False
    return True


def blocking_pairs(instance: dict, rankings: dict[str, list[str]], matching: dict[str, str]) -> list[tuple[str, str]]:
    """The contract's definition, literally."""
    slots = {s["id"]: s for s in instance["slots"]}
    pairs = []
    for applicant in instance["applicants"]:
        a = applicant["id"]
        for s, slot in slots.items():
            if not acceptable(instance, rankings, applicant, slot) or matching.get(a) == s:
                continue
            ranking = applicant["ranking"]
            if a in matching and ranking.index(s) > ranking.index(matching[a]):
                continue
            held = [b for b, placed in matching.items() if placed == s]
            host = rankings[s]
            full = len(held) >= slot["capacity"]
            if full and not any(host.index(a) < host.index(b) for b in held):
                continue
            moved = {b: placed for b, placed in matching.items() if b != a}
            if full:
                lowest = max(held, key=host.index)
                del moved[lowest]
            moved[a] = s
            if feasible(instance, rankings, moved):
                pairs.append((a, s))
    return sorted(pairs)


def all_feasible_matchings(instance: dict, rankings: dict[str, list[str]]) -> list[dict[str, str]]:
    slots = {s["id"]: s for s in instance["slots"]}
    options = []
    for applicant in instance["applicants"]:
        mine = [s for s in applicant["ranking"] if acceptable(instance, rankings, applicant, slots[s])]
        options.append([None, *mine])
    found = []
    for combo in itertools.product(*options):
        matching = {a["id"]: s for a, s in zip(instance["applicants"], combo) if s is not None}
        if feasible(instance, rankings, matching):
            found.append(matching)
    return found


def as_matching(result: dict) -> dict[str, str]:
    return {p["applicant"]: p["slot"] for p in result["placements"]}


@st.composite
def small_instances(draw: Any, caps: bool = True, max_applicants: int = 5, max_slots: int = 3) -> dict:
    n_slots = draw(st.integers(1, max_slots))
    n_applicants = draw(st.integers(1, max_applicants))
    slot_ids = [f"s{i}" for i in range(n_slots)]
    applicant_ids = [f"e{i}" for i in range(n_applicants)]
    slots = []
    for slot_id in slot_ids:
        slots.append({
            "id": slot_id,
            "host_workplace": f"h{slot_id}",
            "sector": draw(st.sampled_from(SECTORS)),
            "capacity": draw(st.integers(0, 2)),
            "requires": draw(st.dictionaries(st.sampled_from(["medicin", "jura"]), st.integers(0, 2), max_size=1)),
            "teaches": draw(st.dictionaries(st.sampled_from(["medicin", "jura", "data"]), st.integers(1, 5), max_size=2)),
        })
    workplaces = ["w0", "w1", "w2"]
    applicants = []
    for applicant_id in applicant_ids:
        ranking = draw(st.permutations(slot_ids))
        length = draw(st.integers(0, n_slots))
        applicants.append({
            "id": applicant_id,
            "home_workplace": draw(st.sampled_from(workplaces)),
            "sector": draw(st.sampled_from(SECTORS)),
            "skills": draw(st.dictionaries(st.sampled_from(["medicin", "jura", "data"]), st.integers(0, 4), max_size=3)),
            "ranking": list(ranking[:length]),
        })
    host_rankings = {}
    for slot_id in slot_ids:
        if draw(st.booleans()):
            order = draw(st.permutations(applicant_ids))
            host_rankings[slot_id] = list(order[:draw(st.integers(0, n_applicants))])
    rules: dict[str, Any] = {"cross_sector_only": draw(st.booleans())}
    if caps:
        rules["max_away_per_workplace"] = draw(st.dictionaries(st.sampled_from(workplaces), st.integers(0, 2), max_size=3))
    return {"slots": slots, "applicants": applicants, "host_rankings": host_rankings, "rules": rules}


@st.composite
def crowded_instances(draw: Any) -> dict:
    """Small markets where away-caps bind: two home workplaces, full host rankings."""
    n_slots = draw(st.integers(2, 3))
    n_applicants = draw(st.integers(3, 6))
    slot_ids = [f"s{i}" for i in range(n_slots)]
    applicant_ids = [f"e{i}" for i in range(n_applicants)]
    applicants = []
    for applicant_id in applicant_ids:
        ranking = draw(st.permutations(slot_ids))
        applicants.append({"id": applicant_id, "home_workplace": draw(st.sampled_from(["w0", "w1"])),
                           "ranking": list(ranking[:draw(st.integers(1, n_slots))])})
    return {
        "slots": [{"id": s, "capacity": draw(st.integers(1, 2))} for s in slot_ids],
        "applicants": applicants,
        "host_rankings": {s: list(draw(st.permutations(applicant_ids))) for s in slot_ids},
        "rules": {"max_away_per_workplace": {"w0": draw(st.integers(0, 2)), "w1": draw(st.integers(1, 3))}},
    }
