"""Explanations for each applicant and the statistics of a matching.

For every slot an applicant ranked above its placement (all of them when it is
unplaced) the explanation says why it did not get it: the slot was full with
applicants its host ranked higher (a count, not who: an employee sees only
their own data), the pair was not acceptable (and which rule), the applicant's
home workplace had reached its away-cap, or -- only when no matching without
blocking pairs was found -- it could block.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from functools import cache
from operator import getitem, gt

from tillid.matching.rotation.acceptability import refusal
from tillid.matching.rotation.market import Market
from tillid.matching.rotation.model import (
    Applicant, ChoiceOutcome, Explanation, Placement, RotationInstance, RotationStats, Rules,
)

FULL = "full_with_higher_ranked"
NOT_ACCEPTABLE = "not_acceptable"
NO_CAPACITY = "no_capacity"
HOME_AT_CAP = "home_workplace_at_cap"
COULD_BLOCK = "could_block"
NEVER_FULL = sys.maxsize  # ``_Occupancy.full_below`` of a slot no host position finds full
NO_RANKING = ("Not placed: you ranked no slots. See your suggestions; you are placed only at slots "
              "you rank yourself.")


class _FullOutcomes(dict[int, ChoiceOutcome]):
    """Rank -> the outcome "full with higher-ranked applicants" of one slot chosen at that rank,
    each made the first time it is looked up."""

    def __init__(self, slot_id: str, places: int) -> None:
        super().__init__()
        self.slot_id = slot_id
        self.places = places

    def __missing__(self, rank: int) -> ChoiceOutcome:
        outcome = self[rank] = ChoiceOutcome(self.slot_id, rank, FULL, _full_detail(self.places),
                                             higher_ranked_placed=self.places)
        return outcome


class _Occupancy:
    """Per slot index: host positions of the applicants placed there and the lowest-ranked
    holder's (position, home workplace index); placed count per workplace index.

    ``full_below`` is, per slot, the host position above which an applicant finds the slot full
    with applicants its host ranked higher (``NEVER_FULL`` while it has free places, and for a
    slot without places). The outcome of such a choice depends only on the slot and the rank,
    so each is made once and shared by every applicant it concerns (outcomes are immutable)."""

    def __init__(self, market: Market, choice: Sequence[int]) -> None:
        self.held: list[list[int]] = [[] for _ in market.slots]
        self.lowest: list[tuple[int, int]] = [(-1, -1)] * len(market.slots)
        self.away = [0] * len(market.workplaces)
        for a, i in enumerate(choice):
            if i < 0:
                continue
            s = market.prefs[a][i]
            position = market.host_pos[a][i]
            self.held[s].append(position)
            if position > self.lowest[s][0]:
                self.lowest[s] = (position, market.home[a])
            if market.home[a] >= 0:
                self.away[market.home[a]] += 1
        self.full_below: list[int] = [
            self.lowest[s][0] if 0 < capacity <= len(self.held[s]) else NEVER_FULL
            for s, capacity in enumerate(market.capacity)]
        self.full_outcomes = [_FullOutcomes(slot.id, len(held)) for slot, held in zip(market.slots, self.held)]

    def full_outcome(self, s: int, rank: int) -> ChoiceOutcome:
        """The outcome "full with higher-ranked applicants" of slot ``s`` chosen at ``rank``."""
        return self.full_outcomes[s][rank]

    def all_full(self, slots: Sequence[int], positions: Sequence[int]) -> tuple[ChoiceOutcome, ...] | None:
        """The outcomes of ``slots``, ranked 1, 2, ... with the given host positions, when every
        one was full with applicants its host ranked higher (the common case), else None."""
        full_below = self.full_below
        if not all(map(gt, positions, map(full_below.__getitem__, slots))):
            return None
        return tuple(map(getitem, map(self.full_outcomes.__getitem__, slots), range(1, len(slots) + 1)))


def _ordinal(rank: int) -> str:
    words = {1: "first", 2: "second", 3: "third"}
    return f"{words[rank]} choice" if rank in words else f"choice {rank}"


def _outcomes(market: Market, a: int, choice: Sequence[int], rules: Rules,
              occupancy: _Occupancy) -> tuple[tuple[ChoiceOutcome, ...], bool]:
    """What became of each slot ``a`` ranked above its placement, walking its ranking and its
    acceptable choices (a subsequence of it, in the same order) side by side; and whether all
    those slots were full with applicants their hosts ranked higher (the common case)."""
    applicant = market.applicants[a]
    ranks = market.pref_ranks[a]
    above = applicant.ranking if choice[a] < 0 else applicant.ranking[:ranks[choice[a]] - 1]
    prefs = market.prefs[a]
    positions = market.host_pos[a]
    full_below = occupancy.full_below
    outcomes = []
    all_full = True
    j = 0
    for rank, slot_id in enumerate(above, start=1):
        if j < len(ranks) and ranks[j] == rank:
            s = prefs[j]
            position = positions[j]
            j += 1
            if position > full_below[s]:
                outcomes.append(occupancy.full_outcome(s, rank))
            else:
                outcomes.append(_open_outcome(market, a, choice, occupancy, s, slot_id, rank, position))
                all_full = False
        else:
            outcomes.append(ChoiceOutcome(slot_id, rank, NOT_ACCEPTABLE,
                                          _refusal_text(market, applicant, slot_id, rules)))
            all_full = False
    return tuple(outcomes), all_full


def _open_outcome(market: Market, a: int, choice: Sequence[int], occupancy: _Occupancy, s: int, slot_id: str,
                  rank: int, position: int) -> ChoiceOutcome:
    """The outcome of an acceptable slot that was not full with higher-ranked applicants."""
    if market.capacity[s] == 0:
        return ChoiceOutcome(slot_id, rank, NO_CAPACITY, "the slot has no places")
    held = occupancy.held[s]
    home = market.home[a]
    cap = market.away_cap[home] if home >= 0 else -1
    higher = sum(1 for other in held if other < position)
    swap_at_home = len(held) >= market.capacity[s] and occupancy.lowest[s][1] == home
    if choice[a] < 0 and cap >= 0 and not swap_at_home and occupancy.away[home] >= cap:
        return ChoiceOutcome(slot_id, rank, HOME_AT_CAP,
                             f"your home workplace {market.applicants[a].home_workplace} already has "
                             f"{cap} of at most {cap} away", higher_ranked_placed=higher)
    return ChoiceOutcome(slot_id, rank, COULD_BLOCK,
                         "you and this host could both do better; listed in blocking_pairs",
                         higher_ranked_placed=higher)


@cache
def _full_detail(places: int) -> str:
    if places == 1:
        return "its one place is taken by an applicant the host ranked higher"
    return f"all {places} places are taken by applicants the host ranked higher"


def _refusal_text(market: Market, applicant: Applicant, slot_id: str, rules: Rules) -> str:
    slot = market.slots[market.slot_index[slot_id]]
    return refusal(applicant, dict(applicant.skills), slot, rules) or "the host did not rank you"


def _summary(applicant: Applicant, slot_id: str | None, rank: int | None,
             outcomes: tuple[ChoiceOutcome, ...], all_full: bool) -> str:
    if slot_id is None and not applicant.ranking:
        return NO_RANKING
    if rank == 1:
        return f"Placed at {slot_id}, your first choice."
    if all_full:
        text = _all_full_text(rank, len(outcomes))
        return text if slot_id is None else "Placed at " + slot_id + text
    kinds = [outcome.outcome for outcome in outcomes]
    counts = {kind: kinds.count(kind) for kind in (FULL, NOT_ACCEPTABLE, NO_CAPACITY, HOME_AT_CAP, COULD_BLOCK)}
    text = _text_after_slot(rank, len(outcomes), _detail(counts))
    return text if slot_id is None else "Placed at " + slot_id + text


@cache
def _all_full_text(rank: int | None, above: int) -> str:
    """``_text_after_slot`` when all ``above`` slots were full: one text per (rank, count)."""
    return _text_after_slot(rank, above, _detail({FULL: above}))


def _detail(counts: dict[str, int]) -> str:
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
    return "; ".join(parts)


def _text_after_slot(rank: int | None, above: int, detail: str) -> str:
    """The summary of an applicant not placed (``rank`` None), or what follows "Placed at SLOT"."""
    ranked = "the slot you ranked" if above == 1 else f"the {above} slots you ranked"
    if rank is None:
        return f"Not placed. Of {ranked}: {detail}."
    return f", your {_ordinal(rank)}. Of {ranked} higher: {detail}."


def explain(instance: RotationInstance, market: Market, choice: Sequence[int]) -> tuple[Explanation, ...]:
    """One explanation per applicant, sorted by applicant id (the market's order)."""
    occupancy = _Occupancy(market, choice)
    rules = instance.rules
    slots, prefs_of, ranks_of, host_pos_of = market.slots, market.prefs, market.pref_ranks, market.host_pos
    all_full_of = occupancy.all_full
    explanations = []
    for a, applicant in enumerate(market.applicants):
        i = choice[a]
        prefs = prefs_of[a]
        if i < 0:
            slot_id = rank = None
            above, ranked_above = len(prefs), len(applicant.ranking)
        else:
            slot_id, rank = slots[prefs[i]].id, ranks_of[a][i]
            above, ranked_above = i, rank - 1
        if rank == 1:
            outcomes, all_full = (), True
        else:
            # All acceptable (then all full, mostly): the shared outcomes; else slot by slot.
            fast = all_full_of(prefs[:above], host_pos_of[a][:above]) if above == ranked_above > 0 else None
            outcomes, all_full = (fast, True) if fast is not None else _outcomes(market, a, choice, rules, occupancy)
        explanations.append(Explanation(applicant.id, slot_id, rank,
                                        _summary(applicant, slot_id, rank, outcomes, all_full), outcomes))
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
