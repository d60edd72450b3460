"""LEON task allocation: every task done at the lowest effective cost level.

Contract: docs/contracts/solvers.md, section ``leon``. Pure and deterministic.

- ``solve(instance: dict) -> dict``: the wire-format entry point of
  ``tillid solve leon``.
- ``parse_instance(dict) -> LeonInstance``, ``solve_instance(LeonInstance) ->
  LeonResult`` and ``result_to_dict(LeonResult) -> dict``: the typed steps, for
  callers (the streaming pipeline) that hold domain data already.

See docs/leon.md for the model, its exactness and the ``unlocks`` method.

May import (as all of ``tillid.matching``): ``tillid.competence``,
``tillid.errors`` and the rest of ``tillid.matching``. Pure.
"""

from __future__ import annotations

from tillid.matching.leon.model import (
    Activity,
    Assignment,
    ConditionalAuthorisation,
    CurrentHours,
    Employee,
    LeonInstance,
    LeonResult,
    Move,
    Profession,
    Task,
    UncoveredTask,
    Unlock,
)
from tillid.matching.leon.parse import parse_instance
from tillid.matching.leon.solver import solve_instance
from tillid.matching.leon.wire import result_to_dict

__all__ = [
    "Activity", "Assignment", "ConditionalAuthorisation", "CurrentHours", "Employee",
    "LeonInstance", "LeonResult", "Move", "Profession", "Task", "UncoveredTask", "Unlock",
    "parse_instance", "result_to_dict", "solve", "solve_instance",
]


def solve(instance: dict) -> dict:
    """Solve one LEON instance given in the contract's JSON form."""
    return result_to_dict(solve_instance(parse_instance(instance)))
