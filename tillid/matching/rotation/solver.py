"""Solve a parsed rotation instance: matching, certificate, explanations, statistics."""

from __future__ import annotations

from tillid.matching.rotation.away_caps import match
from tillid.matching.rotation.certificate import find_blocking_pairs
from tillid.matching.rotation.explain import explain, statistics
from tillid.matching.rotation.market import Market, build_market, host_rankings_used
from tillid.matching.rotation.model import Placement, RotationInstance, RotationResult
from tillid.matching.rotation.suggest import suggestions_for_empty_rankings


def placements_of(market: Market, choice: list[int]) -> tuple[Placement, ...]:
    """Placements sorted by applicant id (the market indexes applicants in id order)."""
    return tuple(
        Placement(applicant=market.applicants[a].id, slot=market.slots[market.prefs[a][i]].id,
                  rank=market.pref_ranks[a][i])
        for a, i in enumerate(choice) if i >= 0
    )


def solve_instance(instance: RotationInstance) -> RotationResult:
    used = host_rankings_used(instance)
    market = build_market(instance, used)
    choice, method = match(market)
    placements = placements_of(market, choice)
    return RotationResult(
        placements=placements,
        unplaced=tuple(applicant.id for applicant, i in zip(market.applicants, choice) if i < 0),
        host_rankings_used=market.host_rankings_used,
        blocking_pairs=find_blocking_pairs(instance, used, {p.applicant: p.slot for p in placements},
                                           market.host_positions_by_slot_id()),
        stats=statistics(instance, placements, method),
        explanations=explain(instance, market, choice),
        suggestions=suggestions_for_empty_rankings(instance),
    )
