"""Cross-sector rotation placement (docs/contracts/solvers.md, `rotation`); see docs/rotation.md.

``solve(instance_dict) -> result_dict`` is the wire entry point;
``tillid solve rotation`` writes ``solve_for_orjson``, the same text. The streaming pipeline uses the typed steps:
``parse_instance`` -> ``solve_instance`` -> ``result_to_dict``, and
``suggest_slots`` for an employee who asks for suggestions.

May import (as all of ``tillid.matching``): ``tillid.competence``,
``tillid.errors`` and the rest of ``tillid.matching``. Pure.
"""

from __future__ import annotations

from typing import Any

from tillid.matching.rotation.certificate import feasibility_violations, find_blocking_pairs
from tillid.matching.rotation.model import (
    Applicant, BlockingPair, ChoiceOutcome, Explanation, Placement, RotationInstance, RotationResult,
    RotationStats, Rules, Slot, SuggestedSlot, Suggestion,
)
from tillid.matching.rotation.parse import parse_instance
from tillid.matching.rotation.result import result_for_orjson, result_to_dict
from tillid.matching.rotation.solver import solve_instance
from tillid.matching.rotation.suggest import suggest_slots

__all__ = [
    "Applicant", "BlockingPair", "ChoiceOutcome", "Explanation", "Placement", "RotationInstance",
    "RotationResult", "RotationStats", "Rules", "Slot", "SuggestedSlot", "Suggestion",
    "feasibility_violations", "find_blocking_pairs", "parse_instance", "result_for_orjson", "result_to_dict",
    "solve", "solve_for_orjson", "solve_instance", "suggest_slots",
]


def solve(instance: dict[str, Any]) -> dict[str, Any]:
    """Solve one wire instance; raises ``InvalidInstance`` naming the field when it is malformed."""
    return result_to_dict(solve_instance(parse_instance(instance)))


def solve_for_orjson(instance: dict[str, Any]) -> dict[str, Any]:
    """``solve`` for orjson to write (``result.result_for_orjson``): the same text, less work.

    The document is let go once parsed: when the caller keeps no reference either (the command
    line does not), its memory is freed and reused by the solve instead of new pages."""
    parsed = parse_instance(instance)
    del instance
    return result_for_orjson(solve_instance(parsed))
