"""Upskilling: gap analysis, least-cost learning paths, mentors, funds and measured effect.

``solve(instance)`` is the `upskill` solver of docs/contracts/solvers.md (also what
``tillid solve upskill`` runs). The typed entry points below are what the
streaming pipeline calls: ``PathPlanner`` (paths), ``skill_gaps`` (gaps),
and, in their modules, ``funds.fund_path`` (refunds and net cost),
``effect_estimate.EffectEstimator`` (the measured effect of activities) and,
because they load scikit-learn, ``mentors.match_mentors`` (peer training) and
``effect.EffectModel`` (the effect model of ``history`` in a solver instance).

May import (as all of ``tillid.matching``): ``tillid.competence``,
``tillid.errors`` and the rest of ``tillid.matching``. Pure.
"""

from __future__ import annotations

from typing import Any

from tillid.errors import InvalidInstance
from tillid.matching.upskilling.explain import CATALOGUE_PROMISE, MEASURED, explain_path
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
DEFAULT_MIN_OUTCOMES = 200

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
    min_outcomes = instance.get("min_outcomes", DEFAULT_MIN_OUTCOMES)
    if type(min_outcomes) is not int or min_outcomes < 1:
        raise InvalidInstance("min_outcomes", "must be a positive integer")
    effect = dict(parsed.expected_effect)
    effect_report = None
    if parsed.history:
        # scikit-learn is imported only when there is history to learn from: its
        # import is start-up time a plain path query should not pay (docs/benchmarks.md,
        # "Figures that stood in the code").
        from tillid.matching.upskilling.effect import EffectModel, outcomes_of

        model = EffectModel(min_outcomes=min_outcomes).fit(outcomes_of(parsed))
        effect = {**model.success_probability(parsed.activities), **effect}
        effect_report = {"source": CATALOGUE_PROMISE if model.fallback_ else MEASURED, "note": model.note_}
        if model.quality_ is not None:
            effect_report["quality"] = {"held_out_auc": model.quality_.auc, "brier": model.quality_.brier,
                                        "outcomes": model.quality_.outcomes}
    planner = PathPlanner(
        parsed.activities,
        parsed.substitute_cost_per_hour,
        objective=RANK_BY[rank_by],
        success_probability=effect,
        refund_dkk=dict(parsed.refund_dkk),
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
    result: dict[str, Any] = {"paths": paths, "unreachable": unreachable}
    if effect_report is not None:
        result["effect"] = effect_report
    return result

