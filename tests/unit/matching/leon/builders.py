"""Small instance builders for the LEON tests."""

COSTS = {"sygeplejerske": 345.0, "sosu_assistent": 285.0, "sosu_hjaelper": 255.0,
         "hk_admin": 290.0, "socialraadgiver": 350.0, "laege": 620.0}


def employee(id, profession, hours=37.0, skills=None, completed=None):
    entry = {"id": id, "profession": profession, "capacity_hours": hours, "skills": skills or {}}
    if completed is not None:
        entry["completed"] = completed
    return entry


def task(id, hours, authorised, requires=None, conditional=None):
    entry = {"id": id, "hours": hours, "requires": requires or {}, "authorised": authorised}
    if conditional is not None:
        entry["conditional"] = [{"profession": p, "requires_activity": a} for p, a in conditional]
    return entry


def instance(employees, tasks, current=None, penalty=None, activities=None, professions=None):
    used = professions or {name: {"hourly_cost": cost} for name, cost in COSTS.items()}
    data = {"professions": used, "employees": employees, "tasks": tasks}
    if current is not None:
        data["current"] = [{"employee": e, "task": t, "hours": h} for e, t, h in current]
    if penalty is not None:
        data["change_penalty_per_hour"] = penalty
    if activities is not None:
        data["activities"] = [{"id": a, "cost_dkk": c, "duration_hours": d} for a, c, d in activities]
    return data


def hours_of(result):
    return {(a["employee"], a["task"]): a["hours"] for a in result["assignments"]}
