"""``RotationResult`` -> the wire dict of docs/contracts/solvers.md (`rotation`), plus extras.

Contract keys first (``placements``, ``unplaced``, ``host_rankings_used``,
``blocking_pairs``, ``stats``); then ``explanations`` and ``suggestions``.
"""

from __future__ import annotations

from collections.abc import Sequence
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
    return _wire(result,
                 placements=[{"applicant": p.applicant, "slot": p.slot, "rank": p.rank} for p in result.placements],
                 blocking_pairs=[{"applicant": b.applicant, "slot": b.slot} for b in result.blocking_pairs],
                 explanations=[_explanation(e) for e in result.explanations])


def result_for_orjson(result: RotationResult) -> dict[str, Any]:
    """The document of ``result_to_dict`` for orjson to write, without the dicts of its long lists.

    Placements, blocking pairs and explanations stay typed: orjson writes a dataclass as an
    object of its fields in their order, which are the wire keys in the wire order, so the text
    is the same (tests/unit/matching/test_rotation_contract.py compares the bytes). What the
    command line writes; everything else takes ``result_to_dict``.
    """
    return _wire(result, placements=result.placements, blocking_pairs=result.blocking_pairs,
                 explanations=result.explanations)


def _wire(result: RotationResult, placements: Sequence[Any], blocking_pairs: Sequence[Any],
          explanations: Sequence[Any]) -> dict[str, Any]:
    stats = result.stats
    return {
        "placements": placements,
        "unplaced": list(result.unplaced),
        "host_rankings_used": {slot_id: list(ranking) for slot_id, ranking in result.host_rankings_used},
        "blocking_pairs": blocking_pairs,
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
        "explanations": explanations,
        "suggestions": [_suggestion(s) for s in result.suggestions],
    }
