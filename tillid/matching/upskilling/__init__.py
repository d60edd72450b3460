"""Upskilling: gap analysis, least-cost learning paths, mentors, funding and measured effect.

``solve(instance)`` is the `upskill` solver of contracts/solvers.md (also what
``tillid solve upskill`` runs). The typed entry points below are what the
streaming pipeline calls: ``PathPlanner`` (paths), ``skill_gaps`` (gaps),
``match_mentors`` (peer training), ``plan_funding`` (cover, budget, refunds,
spreading) and ``EffectModel`` (the learned effect of activities).
"""

from __future__ import annotations

from typing import Any

from tillid.errors import InvalidInstance
from tillid.matching.upskilling.explain import explain_path
from tillid.matching.upskilling.gaps import SkillGap, combine_targets, skill_gaps
from tillid.matching.upskilling.model import Activity, Learner, Need, UpskillInstance, parse_instance
from tillid.matching.upskilling.paths import (
    COST,
    EXPECTED_COST,
    LearningPath,
    PathPlanner,
    UnreachableTarget,
)

RANK_BY = {"cost": COST, "effect_per_krone": EXPECTED_COST}

__all__ = [
    "Activity",
    "Learner",
    "LearningPath",
    "Need",
    "PathPlanner",
    "SkillGap",
    "UnreachableTarget",
    "UpskillInstance",
    "combine_targets",
    "parse_instance",
    "skill_gaps",
    "solve",
]


def solve(instance: dict) -> dict:
    """The `upskill` solver: one path or one unreachable report per employee, in input order."""
    parsed = parse_instance(instance)
    rank_by = instance.get("rank_by", "cost")
    if rank_by not in RANK_BY:
        raise InvalidInstance("rank_by", f"must be one of {', '.join(RANK_BY)}")
    effect = dict(parsed.expected_effect)
    planner = PathPlanner(
        parsed.activities,
        parsed.substitute_cost_per_hour,
        objective=RANK_BY[rank_by],
        success_probability=effect,
    )
    paths: list[dict[str, Any]] = []
    unreachable: list[dict[str, Any]] = []
    for learner in parsed.employees:
        result = planner.plan(learner)
        if isinstance(result, UnreachableTarget):
            unreachable.append({"employee": result.employee, "skills": list(result.skills)})
            continue
        paths.append({
            "employee": result.employee,
            "steps": list(result.step_ids),
            "total_cost": result.total_cost,
            "total_hours": result.total_hours,
            "reaches": dict(result.reaches),
            "explanation": explain_path(learner, result, parsed.substitute_cost_per_hour, effect),
        })
    return {"paths": paths, "unreachable": unreachable}
