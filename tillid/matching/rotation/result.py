"""``RotationResult`` -> the wire dict of contracts/solvers.md (`rotation`), plus extras.

Contract keys first (``placements``, ``unplaced``, ``host_rankings_used``,
``blocking_pairs``, ``stats``); then ``explanations`` and ``suggestions``.
"""

from __future__ import annotations

from typing import Any

from tillid.matching.rotation.model import Explanation, RotationResult, Suggestion


def _explanation(explanation: Explanation) -> dict[str, Any]:
    return {
        "applicant": explanation.applicant,
        "slot": explanation.slot,
        "rank": explanation.rank,
        "summary": explanation.summary,
        "choices_above": [
            {"slot": c.slot, "rank": c.rank, "outcome": c.outcome, "detail": c.detail,
             "higher_ranked_placed": c.higher_ranked_placed}
            for c in explanation.choices_above
        ],
    }


def _suggestion(suggestion: Suggestion) -> dict[str, Any]:
    return {
        "applicant": suggestion.applicant,
        "slots": [
            {"slot": s.slot, "score": s.score, "learning_value": s.learning_value,
             "reachability": s.reachability, "missing": dict(s.missing)}
            for s in suggestion.slots
        ],
    }


def result_to_dict(result: RotationResult) -> dict[str, Any]:
    stats = result.stats
    return {
        "placements": [{"applicant": p.applicant, "slot": p.slot, "rank": p.rank} for p in result.placements],
        "unplaced": list(result.unplaced),
        "host_rankings_used": {slot_id: list(ranking) for slot_id, ranking in result.host_rankings_used},
        "blocking_pairs": [{"applicant": b.applicant, "slot": b.slot} for b in result.blocking_pairs],
        "stats": {
            "placed": stats.placed,
            "first_choice": stats.first_choice,
            "unplaced": stats.unplaced,
            "applicants": stats.applicants,
            "capacity": stats.capacity,
            "by_rank": {str(rank): count for rank, count in stats.by_rank},
            "by_sector_pair": dict(stats.by_sector_pair),
            "method": stats.method,
        },
        "explanations": [_explanation(e) for e in result.explanations],
        "suggestions": [_suggestion(s) for s in result.suggestions],
    }
