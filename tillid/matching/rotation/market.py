"""The instance as integer-indexed arrays, the form the matching algorithms run on.

Applicants and slots are indexed in id order, so results do not depend on the
order of the input lists. Only acceptable pairs enter the preference lists:
a slot the applicant ranked, whose requirements it meets, whose host ranks it
(given ranking) or that the engine ranked for it (computed ranking), and in
another sector when ``cross_sector_only``.
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import attrgetter

from tillid.matching.rotation.acceptability import meets_requirements, refusal
from tillid.matching.rotation.host_ranking import rank_applicants
from tillid.matching.rotation.model import Applicant, RotationInstance, Slot


@dataclass(frozen=True)
class Market:
    applicants: tuple[Applicant, ...]  # sorted by id
    slots: tuple[Slot, ...]  # sorted by id
    # Per applicant, its acceptable slots best first, with the 1-based rank of
    # each in the applicant's own ranking and the applicant's 0-based position
    # in that slot's host ranking.
    prefs: tuple[tuple[int, ...], ...]
    pref_ranks: tuple[tuple[int, ...], ...]
    host_pos: tuple[tuple[int, ...], ...]
    capacity: tuple[int, ...]
    ranking_length: tuple[int, ...]  # length of the host ranking used per slot
    home: tuple[int, ...]  # workplace index per applicant, -1 when it has none
    workplaces: tuple[str, ...]
    away_cap: tuple[int, ...]  # per workplace; -1 means no limit
    host_rankings_used: tuple[tuple[str, tuple[str, ...]], ...]  # sorted by slot id
    slot_index: dict[str, int]
    # Per slot, applicant id -> 0-based position in the host ranking used.
    host_positions: tuple[dict[str, int], ...]

    def host_positions_by_slot_id(self) -> dict[str, dict[str, int]]:
        """``host_positions`` keyed by slot id, what the certificate takes (``positions``)."""
        return {slot.id: positions for slot, positions in zip(self.slots, self.host_positions)}

    @property
    def has_away_caps(self) -> bool:
        return any(cap >= 0 for cap in self.away_cap)


def host_rankings_used(instance: RotationInstance) -> dict[str, tuple[str, ...]]:
    """Given host rankings as they are; computed ones for every other slot."""
    given = dict(instance.host_rankings)
    if all(slot.id in given for slot in instance.slots):
        return {slot_id: given[slot_id] for slot_id in sorted(given)}
    skills = {applicant.id: dict(applicant.skills) for applicant in instance.applicants}
    slots = {slot.id: slot for slot in instance.slots}
    candidates: dict[str, list[Applicant]] = {slot.id: [] for slot in instance.slots if slot.id not in given}
    for applicant in sorted(instance.applicants, key=lambda a: a.id):
        for slot_id in applicant.ranking:
            if slot_id in candidates and refusal(applicant, skills[applicant.id], slots[slot_id], instance.rules) is None:
                candidates[slot_id].append(applicant)
    computed = rank_applicants([(slots[slot_id], tuple(found)) for slot_id, found in sorted(candidates.items())])
    return {slot.id: given.get(slot.id, computed.get(slot.id, ())) for slot in sorted(instance.slots, key=lambda s: s.id)}


class _Acceptability:
    """An applicant's acceptable slots in its order of preference, with ranks and host positions.

    Most applicants find every slot they ranked acceptable; that case is recognised with set
    operations on whole rankings, and only the others are filtered slot by slot."""

    def __init__(self, instance: RotationInstance, slots: tuple[Slot, ...], slot_index: dict[str, int],
                 positions: list[dict[str, int]]) -> None:
        self.slot_index = slot_index
        self.positions = positions
        self.cross_sector_only = instance.rules.cross_sector_only
        self.slot_requires = [slot.requires for slot in slots]
        self.with_requirements = {s for s, slot in enumerate(slots) if slot.requires}
        self.in_sector: dict[str | None, set[int]] = {}
        for s, slot in enumerate(slots):
            self.in_sector.setdefault(slot.sector, set()).add(s)
        self._ranks: dict[int, tuple[int, ...]] = {}

    def preferences(self, applicant: Applicant) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
        applicant_id = applicant.id
        positions = self.positions
        slots = tuple(map(self.slot_index.__getitem__, applicant.ranking))
        same_sector = self.in_sector.get(applicant.sector, ()) if self.cross_sector_only else ()
        if self.with_requirements.isdisjoint(slots) and (not same_sector or same_sector.isdisjoint(slots)):
            try:
                return slots, self._all_ranks(len(slots)), tuple([positions[s][applicant_id] for s in slots])
            except KeyError:  # a host that does not rank the applicant
                pass
        skills = dict(applicant.skills)
        where = [positions[s].get(applicant_id) for s in slots]
        kept = [j for j, s in enumerate(slots)
                if where[j] is not None and s not in same_sector
                and (not self.slot_requires[s] or meets_requirements(skills, self.slot_requires[s]))]
        return (tuple(slots[j] for j in kept), tuple(j + 1 for j in kept),
                tuple(where[j] for j in kept))  # type: ignore[misc]

    def _all_ranks(self, length: int) -> tuple[int, ...]:
        ranks = self._ranks.get(length)
        if ranks is None:
            ranks = self._ranks[length] = tuple(range(1, length + 1))
        return ranks


def build_market(instance: RotationInstance, used: dict[str, tuple[str, ...]] | None = None) -> Market:
    if used is None:
        used = host_rankings_used(instance)
    applicants = tuple(sorted(instance.applicants, key=attrgetter("id")))
    slots = tuple(sorted(instance.slots, key=attrgetter("id")))
    slot_index = {slot.id: index for index, slot in enumerate(slots)}
    positions = [dict(zip(used[slot.id], range(len(used[slot.id])))) for slot in slots]
    workplaces = tuple(sorted({a.home_workplace for a in applicants if a.home_workplace is not None}))
    workplace_index = {workplace: index for index, workplace in enumerate(workplaces)}
    acceptable = _Acceptability(instance, slots, slot_index, positions)
    prefs, pref_ranks, host_pos = [], [], []
    for applicant in applicants:
        mine, ranks, pos = acceptable.preferences(applicant)
        prefs.append(mine)
        pref_ranks.append(ranks)
        host_pos.append(pos)

    away_cap = tuple(-1 if (cap := instance.rules.away_cap(w)) is None else cap for w in workplaces)
    return Market(
        applicants=applicants,
        slots=slots,
        prefs=tuple(prefs),
        pref_ranks=tuple(pref_ranks),
        host_pos=tuple(host_pos),
        capacity=tuple(slot.capacity for slot in slots),
        ranking_length=tuple(len(used[slot.id]) for slot in slots),
        home=tuple(-1 if a.home_workplace is None else workplace_index[a.home_workplace] for a in applicants),
        workplaces=workplaces,
        away_cap=away_cap,
        host_rankings_used=tuple((slot.id, used[slot.id]) for slot in slots),
        slot_index=slot_index,
        host_positions=tuple(positions),
    )
