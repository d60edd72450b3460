"""Explanations for each applicant and the statistics of a matching.

For every slot an applicant ranked above its placement (all of them when it is
unplaced) the explanation says why it did not get it: the slot was full with
applicants its host ranked higher (a count, not who: an employee sees only
their own data), the pair was not acceptable (and which rule), the applicant's
home workplace had reached its away-cap, or -- only when no matching without
blocking pairs was found -- it could block.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from tillid.matching.rotation.acceptability import refusal
from tillid.matching.rotation.model import (
    Applicant, ChoiceOutcome, Explanation, Placement, RotationInstance, RotationStats,
)

FULL = "full_with_higher_ranked"
NOT_ACCEPTABLE = "not_acceptable"
NO_CAPACITY = "no_capacity"
HOME_AT_CAP = "home_workplace_at_cap"
COULD_BLOCK = "could_block"


class _Occupancy:
    def __init__(self, instance: RotationInstance, host_rankings: Mapping[str, Sequence[str]],
                 placements: Sequence[Placement]) -> None:
        self.slots = {slot.id: slot for slot in instance.slots}
        self.positions = {slot_id: {a: pos for pos, a in enumerate(ranking)} for slot_id, ranking in host_rankings.items()}
        # Per slot, (host position, home workplace) of each applicant placed there.
        self.held: dict[str, list[tuple[int, str | None]]] = {slot.id: [] for slot in instance.slots}
        self.away: dict[str, int] = {}
        homes = {a.id: a.home_workplace for a in instance.applicants}
        for placement in placements:
            home = homes[placement.applicant]
            self.held[placement.slot].append((self.positions[placement.slot][placement.applicant], home))
            if home is not None:
                self.away[home] = self.away.get(home, 0) + 1


def _ordinal(rank: int) -> str:
    words = {1: "first", 2: "second", 3: "third"}
    return f"{words[rank]} choice" if rank in words else f"choice {rank}"


def _outcomes(applicant: Applicant, current: Placement | None, instance: RotationInstance,
              occupancy: _Occupancy) -> tuple[ChoiceOutcome, ...]:
    slots = occupancy.slots
    skills = dict(applicant.skills)
    cap = instance.rules.away_cap(applicant.home_workplace)
    outcomes = []
    for rank, slot_id in enumerate(applicant.ranking, start=1):
        if current is not None and slot_id == current.slot:
            break
        slot = slots[slot_id]
        reason = refusal(applicant, skills, slot, instance.rules)
        position = occupancy.positions[slot_id].get(applicant.id)
        if reason is None and position is None:
            reason = "the host did not rank you"
        if reason is not None:
            outcomes.append(ChoiceOutcome(slot_id, rank, NOT_ACCEPTABLE, reason))
            continue
        if slot.capacity == 0:
            outcomes.append(ChoiceOutcome(slot_id, rank, NO_CAPACITY, "the slot has no places"))
            continue
        held = occupancy.held[slot_id]
        higher = sum(1 for other, _ in held if other < position)
        full = len(held) >= slot.capacity
        if full and higher == len(held):
            outcomes.append(ChoiceOutcome(slot_id, rank, FULL,
                                          f"all {len(held)} places taken by applicants the host ranked higher",
                                          higher_ranked_placed=higher))
            continue
        swap_at_home = full and max(held)[1] == applicant.home_workplace
        if (current is None and cap is not None and not swap_at_home
                and occupancy.away.get(applicant.home_workplace, 0) >= cap):
            outcomes.append(ChoiceOutcome(slot_id, rank, HOME_AT_CAP,
                                          f"your home workplace {applicant.home_workplace} already has "
                                          f"{cap} of at most {cap} away", higher_ranked_placed=higher))
            continue
        outcomes.append(ChoiceOutcome(slot_id, rank, COULD_BLOCK,
                                      "you and this host could both do better; listed in blocking_pairs",
                                      higher_ranked_placed=higher))
    return tuple(outcomes)


def _summary(applicant: Applicant, current: Placement | None, outcomes: tuple[ChoiceOutcome, ...]) -> str:
    if current is None and not applicant.ranking:
        return ("Not placed: you ranked no slots. See your suggestions; you are placed only at slots "
                "you rank yourself.")
    counts: dict[str, int] = {}
    for outcome in outcomes:
        counts[outcome.outcome] = counts.get(outcome.outcome, 0) + 1
    parts = []
    if counts.get(FULL):
        parts.append(f"{counts[FULL]} full with applicants their hosts ranked higher")
    if counts.get(NOT_ACCEPTABLE):
        parts.append(f"{counts[NOT_ACCEPTABLE]} not open to you")
    if counts.get(NO_CAPACITY):
        parts.append(f"{counts[NO_CAPACITY]} without places")
    if counts.get(HOME_AT_CAP):
        parts.append(f"{counts[HOME_AT_CAP]} out of reach because your home workplace is at its away-cap")
    if counts.get(COULD_BLOCK):
        parts.append(f"{counts[COULD_BLOCK]} that could still take you (see blocking_pairs)")
    detail = "; ".join(parts)
    if current is None:
        return f"Not placed. Of the {len(outcomes)} slots you ranked: {detail}."
    if current.rank == 1:
        return f"Placed at {current.slot}, your first choice."
    return (f"Placed at {current.slot}, your {_ordinal(current.rank)}. "
            f"Of the {len(outcomes)} slots you ranked higher: {detail}.")


def explain(instance: RotationInstance, host_rankings: Mapping[str, Sequence[str]],
            placements: Sequence[Placement]) -> tuple[Explanation, ...]:
    """One explanation per applicant, sorted by applicant id."""
    occupancy = _Occupancy(instance, host_rankings, placements)
    by_applicant = {placement.applicant: placement for placement in placements}
    explanations = []
    for applicant in sorted(instance.applicants, key=lambda a: a.id):
        current = by_applicant.get(applicant.id)
        outcomes = _outcomes(applicant, current, instance, occupancy)
        explanations.append(Explanation(
            applicant=applicant.id,
            slot=None if current is None else current.slot,
            rank=None if current is None else current.rank,
            summary=_summary(applicant, current, outcomes),
            choices_above=outcomes,
        ))
    return tuple(explanations)


def statistics(instance: RotationInstance, placements: Sequence[Placement], method: str) -> RotationStats:
    sector_of_applicant = {a.id: a.sector or "unknown" for a in instance.applicants}
    sector_of_slot = {s.id: s.sector or "unknown" for s in instance.slots}
    by_rank: dict[int, int] = {}
    by_pair: dict[str, int] = {}
    for placement in placements:
        by_rank[placement.rank] = by_rank.get(placement.rank, 0) + 1
        key = f"{sector_of_applicant[placement.applicant]}->{sector_of_slot[placement.slot]}"
        by_pair[key] = by_pair.get(key, 0) + 1
    return RotationStats(
        applicants=len(instance.applicants),
        placed=len(placements),
        unplaced=len(instance.applicants) - len(placements),
        first_choice=by_rank.get(1, 0),
        by_rank=tuple(sorted(by_rank.items())),
        by_sector_pair=tuple(sorted(by_pair.items())),
        capacity=sum(slot.capacity for slot in instance.slots),
        method=method,
    )
