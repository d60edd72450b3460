"""``LeonResult`` -> the contract's JSON-ready dict (key order fixed, floats only)."""

from __future__ import annotations

from tillid.matching.leon.model import LeonResult


def result_to_dict(result: LeonResult) -> dict:
    out: dict = {
        "status": result.status,
        "uncovered_hours": result.uncovered_hours,
        "total_cost": result.total_cost,
        "objective": result.objective,
        "assignments": [{"employee": a.employee, "task": a.task, "hours": a.hours}
                        for a in result.assignments],
        "uncovered": [{"task": u.task, "hours": u.hours} for u in result.uncovered],
    }
    if result.current_cost is not None:
        out["current_cost"] = result.current_cost
        out["current_cost_within_demand"] = result.current_cost_within_demand
        out["moves"] = [{"task": m.task, "from_profession": m.from_profession,
                         "to_profession": m.to_profession, "hours": m.hours,
                         "saving_per_week": m.saving_per_week} for m in result.moves or ()]
    if result.unlocks is not None:
        out["unlocks"] = [{"activity": u.activity, "employees": list(u.employees),
                           "training_cost": u.training_cost, "saving_per_week": u.saving_per_week,
                           "payback_weeks": u.payback_weeks} for u in result.unlocks]
    return out
