"""The stability certificate: feasibility and blocking pairs of a matching.

Deliberately independent of the solver: it works on the typed instance, the
host rankings used and the placements by id, and recomputes acceptability
itself. The one thing it may take from the solver is the host positions (the
host rankings as dicts, which the market has built already). It runs in time
linear in the size of the instance: the host rankings once, then for each
applicant the part of its ranking above its placement (all of it when
unplaced), with O(1 + number of requirements) work per entry.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping, Sequence

from tillid.matching.rotation.model import Applicant, BlockingPair, RotationInstance, Slot


def _acceptable(applicant: Applicant, skills: Mapping[str, float], slot: Slot,
                host_positions: Mapping[str, int], cross_sector_only: bool) -> bool:
    if applicant.id not in host_positions:
        return False
    if cross_sector_only and applicant.sector == slot.sector:
        return False
    return all(skills.get(skill, 0.0) >= minimum for skill, minimum in slot.requires)


# Host positions per slot id: applicant id -> 0-based position in the host ranking.
Positions = Mapping[str, Mapping[str, int]]


def host_positions(host_rankings: Mapping[str, Sequence[str]], slot_ids: Iterable[str]) -> dict[str, dict[str, int]]:
    positions = {}
    for slot_id in slot_ids:
        ranking = host_rankings.get(slot_id, ())
        positions[slot_id] = dict(zip(ranking, range(len(ranking))))
    return positions


class _View:
    """Loads, lowest-ranked holders and away counts of one matching."""

    def __init__(self, instance: RotationInstance, host_rankings: Mapping[str, Sequence[str]],
                 placements: Mapping[str, str], positions: Positions | None) -> None:
        self.slots = {slot.id: slot for slot in instance.slots}
        self.applicants = {applicant.id: applicant for applicant in instance.applicants}
        self.positions = host_positions(host_rankings, self.slots) if positions is None else positions
        self.placements = placements
        self.load: dict[str, int] = {slot_id: 0 for slot_id in self.slots}
        self.worst: dict[str, str] = {}
        self.away: dict[str, int] = {}
        for applicant_id, slot_id in placements.items():
            if slot_id not in self.slots or applicant_id not in self.applicants:
                continue
            self.load[slot_id] += 1
            position = self.positions[slot_id].get(applicant_id, len(self.positions[slot_id]))
            held = self.worst.get(slot_id)
            if held is None or position > self.positions[slot_id].get(held, len(self.positions[slot_id])):
                self.worst[slot_id] = applicant_id
            home = self.applicants[applicant_id].home_workplace
            if home is not None:
                self.away[home] = self.away.get(home, 0) + 1


def feasibility_violations(instance: RotationInstance, host_rankings: Mapping[str, Sequence[str]],
                           placements: Mapping[str, str]) -> tuple[str, ...]:
    """Why ``placements`` is not a feasible matching (empty when it is)."""
    view = _View(instance, host_rankings, placements, None)
    problems = []
    for applicant_id, slot_id in sorted(placements.items()):
        if applicant_id not in view.applicants or slot_id not in view.slots:
            problems.append(f"{applicant_id} -> {slot_id}: unknown applicant or slot")
            continue
        applicant = view.applicants[applicant_id]
        if slot_id not in applicant.ranking or not _acceptable(
                applicant, dict(applicant.skills), view.slots[slot_id], view.positions[slot_id],
                instance.rules.cross_sector_only):
            problems.append(f"{applicant_id} -> {slot_id}: not an acceptable pair")
    for slot_id, load in sorted(view.load.items()):
        if load > view.slots[slot_id].capacity:
            problems.append(f"{slot_id}: {load} placed, capacity {view.slots[slot_id].capacity}")
    for workplace, away in sorted(view.away.items()):
        cap = instance.rules.away_cap(workplace)
        if cap is not None and away > cap:
            problems.append(f"{workplace}: {away} away, max_away_per_workplace {cap}")
    return tuple(problems)


def find_blocking_pairs(instance: RotationInstance, host_rankings: Mapping[str, Sequence[str]],
                        placements: Mapping[str, str], positions: Positions | None = None) -> tuple[BlockingPair, ...]:
    """Every blocking pair of the contract: acceptable (a, s), a unplaced or ranking s above
    its placement, s with free capacity or ranking a above its lowest-ranked placed
    applicant, and the matching with a moved to s (s's lowest released when s was
    full) still within the away-caps. Sorted by applicant, then slot.

    ``positions``, when the caller has them, are ``host_positions(host_rankings, slot ids)``
    (the solver's market holds them); they are a function of the host rankings alone.
    Cheap tests first: the slot side (one lookup per slot in what it would take), then
    sector and requirements."""
    view = _View(instance, host_rankings, placements, positions)
    rules = instance.rules
    cross_sector_only = rules.cross_sector_only
    slots = view.slots
    positions = view.positions
    # Per slot, the applicants it would take: those its host ranks when it has a free place
    # (the keys of its positions), those ranked above its lowest-ranked holder when it is full
    # (none without places).
    would_take: dict[str, Container[str]] = {}
    full: dict[str, bool] = {}
    for slot_id, slot in slots.items():
        ranked = positions[slot_id]
        full[slot_id] = view.load[slot_id] >= slot.capacity
        if not full[slot_id]:
            would_take[slot_id] = ranked
        elif slot_id in view.worst:
            above_worst = ranked.get(view.worst[slot_id], len(ranked))
            would_take[slot_id] = set(host_rankings.get(slot_id, ())[:above_worst])
        else:
            would_take[slot_id] = ()
    pairs = []
    for applicant in instance.applicants:
        applicant_id = applicant.id
        current = placements.get(applicant_id)
        skills = None
        for slot_id in applicant.ranking:
            if slot_id == current:
                break
            if applicant_id not in would_take[slot_id]:
                continue
            slot = slots[slot_id]
            if cross_sector_only and applicant.sector == slot.sector:
                continue
            if skills is None:
                skills = dict(applicant.skills)
            if not all(skills.get(skill, 0.0) >= minimum for skill, minimum in slot.requires):
                continue
            if current is None:
                cap = rules.away_cap(applicant.home_workplace)
                if cap is not None:
                    home = applicant.home_workplace
                    released_same_home = full[slot_id] and view.applicants[view.worst[slot_id]].home_workplace == home
                    if view.away.get(home, 0) + 1 - released_same_home > cap:
                        continue
            pairs.append(BlockingPair(applicant=applicant_id, slot=slot_id))
    return tuple(sorted(pairs, key=lambda pair: (pair.applicant, pair.slot)))
