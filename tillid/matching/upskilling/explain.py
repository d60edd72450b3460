"""Why a path: the need behind it, the gap, what each step teaches, fee and cover, expected effect."""

from __future__ import annotations

from typing import Any, Mapping

from tillid.matching.upskilling.gaps import skill_gaps
from tillid.matching.upskilling.model import Learner
from tillid.matching.upskilling.paths import LearningPath, exact

CATALOGUE_PROMISE = "catalogue promise"
MEASURED = "measured effect"


def explain_path(
    learner: Learner,
    path: LearningPath,
    substitute_cost_per_hour: float,
    success_probability: Mapping[str, float],
) -> dict[str, Any]:
    """A structured explanation of one path, for people and for the proposal's ``explanation``."""
    levels = dict(learner.skills)
    rate = exact(substitute_cost_per_hour)
    steps = []
    probability_all = 1.0
    for activity in path.steps:
        raised = []
        for skill, level in activity.teaches:
            before = levels.get(skill, 0)
            if level > before:
                raised.append({"skill": skill, "from": before, "to": level})
                levels[skill] = level
        fee = exact(activity.cost_dkk)
        cover = exact(activity.duration_hours) * rate
        probability = success_probability.get(activity.id)
        if probability is not None:
            probability_all *= probability
        step = {
            "activity": activity.id,
            "kind": activity.kind,
            "provider": activity.provider,
            "teaches": raised,
            "hours": activity.duration_hours,
            "fee_dkk": float(fee),
            "cover_dkk": float(cover),
            "cost_dkk": float(fee + cover),
            "expected_effect": probability if probability is not None else 1.0,
            "effect_source": MEASURED if probability is not None else CATALOGUE_PROMISE,
        }
        if activity.needs_mentor:
            step["mentors"] = list(learner.mentors)
        steps.append(step)
    need = learner.need
    return {
        "need": None if need is None else {"source": need.source, "id": need.id, "description": need.description},
        "gaps": [
            {"skill": gap.skill, "current": gap.current, "target": gap.required}
            for gap in skill_gaps(dict(learner.skills), dict(learner.target))
        ],
        "steps": steps,
        "fee_dkk": path.fee_dkk,
        "cover_dkk": path.cover_dkk,
        "expected_effect": probability_all,
    }
