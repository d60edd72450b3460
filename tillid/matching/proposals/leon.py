"""LEON allocation proposals: the solver's instance from a workplace snapshot, and the proposal from its result."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from tillid.matching.proposals.common import dkk_da, dkk_en, fingerprint, hours_da, hours_en, round2
from tillid.matching.proposals.snapshot import ProposalDraft, WorkplaceSnapshot

# DKK per hour moved away from how the work is done today: a proposal must save
# more than the disruption it asks for, so a workplace is not reshuffled for a few kroner.
CHANGE_PENALTY_PER_HOUR = 15.0
MIN_SAVING_PER_WEEK = 1.0


def leon_instance(snapshot: WorkplaceSnapshot, change_penalty: float = CHANGE_PENALTY_PER_HOUR) -> dict[str, Any]:
    """The contract's `leon` instance for one workplace; tasks nobody may do are left out (and explained)."""
    known = snapshot.professions
    employees = [e for e in snapshot.employees if e.profession_id in known and e.weekly_hours > 0]
    tasks = []
    for task in snapshot.tasks:
        allowed = [p for p in task.allowed if p in known]
        conditional = [{"profession": p, "requires_activity": a}
                       for p, a in sorted(task.conditional.items()) if p in known]
        if task.hours <= 0 or not (allowed or conditional):
            continue
        tasks.append({"id": task.task_id, "hours": task.hours, "requires": dict(sorted(task.requires.items())),
                      "authorised": allowed, "conditional": conditional})
    task_ids = {t["id"] for t in tasks}
    employee_ids = {e.employee_id for e in employees}
    # Only whether a level reaches a task's minimum matters to the allocation: skills no task asks for are
    # left out and levels are capped at the highest minimum asked, so equivalent states give equal instances.
    ceiling: dict[str, int] = {}
    for t in tasks:
        for skill, level in t["requires"].items():
            ceiling[skill] = max(level, ceiling.get(skill, 0))
    activities = sorted({c["requires_activity"] for t in tasks for c in t["conditional"]})
    return {
        "professions": {p: {"hourly_cost": f.hourly_cost} for p, f in sorted(known.items())},
        "employees": [{"id": e.employee_id, "profession": e.profession_id, "capacity_hours": e.weekly_hours,
                       "skills": {k: min(v, ceiling[k]) for k, v in sorted(e.skills.items()) if k in ceiling},
                       "completed": sorted(e.completed)}
                      for e in employees],
        "tasks": tasks,
        "current": [{"employee": e, "task": t, "hours": h} for e, t, h in snapshot.current
                    if e in employee_ids and t in task_ids and h > 0],
        "change_penalty_per_hour": change_penalty,
        "activities": [{"id": a, "cost_dkk": snapshot.activities[a].cost_dkk,
                        "duration_hours": snapshot.activities[a].duration_hours}
                       for a in activities if a in snapshot.activities],
    }


def leon_proposal(snapshot: WorkplaceSnapshot, instance: dict[str, Any], result: dict[str, Any]) -> ProposalDraft | None:
    """The proposal for a workplace, or None when the allocation of today is already the best one."""
    saving = round2(result.get("current_cost", result["total_cost"]) - result["total_cost"])
    moves = result.get("moves", [])
    unlocks = result.get("unlocks", [])
    freed = _freed_hours(snapshot)
    demand = sum(t["hours"] for t in instance["tasks"])
    covered_today = _covered(instance)
    coverage_gain = round2((demand - result["uncovered_hours"]) - covered_today)
    worth_it = ((saving >= MIN_SAVING_PER_WEEK and coverage_gain >= -1e-6) or coverage_gain > 0.5
                or unlocks or freed)
    if not worth_it:
        return None
    changed = _changed_employees(instance["current"], result["assignments"])
    hours_moved = round2(sum(m["hours"] for m in moves))
    effect = {
        "hours_moved": hours_moved,
        "dkk_per_week": saving,
        "hours_covered_more": coverage_gain,
        "current_cost_per_week": round2(result.get("current_cost", result["total_cost"])),
        "proposed_cost_per_week": round2(result["total_cost"]),
        "uncovered_hours": round2(result["uncovered_hours"]),
        "moves": moves,
        "training": unlocks,
        "training_cost_dkk": round2(sum(u["training_cost"] for u in unlocks)),
        "payback_weeks": unlocks[0]["payback_weeks"] if unlocks else None,
        "freed_hours": round2(sum(f["hours"] for f in freed)),
    }
    explanation = {
        "workplace": {"id": snapshot.workplace_id, "name": snapshot.name, "organisation": snapshot.organisation_id},
        "demand": [{"task": t.task_id, "name_da": t.name_da, "name_en": t.name_en, "hours": round2(t.hours)}
                   for t in snapshot.tasks],
        "eligibility": _eligibility(snapshot, instance),
        "assignments": result["assignments"],
        "uncovered": result["uncovered"],
        "moves": _readable_moves(snapshot, moves),
        "unlocks": unlocks,
        "freed_hours": freed,
        "change_penalty_per_hour": instance["change_penalty_per_hour"],
        "source_events": list(snapshot.source_events),
    }
    da, en = _summaries(snapshot, saving, hours_moved, moves, unlocks, freed, result["uncovered_hours"],
                        coverage_gain)
    substance = {"assignments": [(a["employee"], a["task"], round(a["hours"], 2)) for a in result["assignments"]],
                 "uncovered": round(result["uncovered_hours"], 2),
                 "unlocks": [(u["activity"], u["employees"]) for u in unlocks],
                 "freed": [(f["change_id"], f["task"], f["hours"]) for f in freed]}
    return ProposalDraft(kind="leon_allocation", committee_id=snapshot.committee_id, scope=snapshot.workplace_id,
                         employee_ids=tuple(changed), summary_da=da, summary_en=en, explanation=explanation,
                         effect=effect, fingerprint=fingerprint(substance))


def _covered(instance: dict[str, Any]) -> float:
    """Hours covered today: current hours per task, at most the task's demand."""
    per_task: dict[str, float] = defaultdict(float)
    for c in instance["current"]:
        per_task[c["task"]] += c["hours"]
    return sum(min(t["hours"], per_task[t["id"]]) for t in instance["tasks"])


def _money_da(saving: float) -> str:
    return f"sparer {dkk_da(saving)} om ugen" if saving >= 0 else f"koster {dkk_da(-saving)} mere om ugen"


def _money_en(saving: float) -> str:
    return f"saves {dkk_en(saving)} a week" if saving >= 0 else f"costs {dkk_en(-saving)} more a week"


def _changed_employees(current: list[dict], assignments: list[dict]) -> list[str]:
    before: dict[tuple[str, str], float] = defaultdict(float)
    after: dict[tuple[str, str], float] = defaultdict(float)
    for c in current:
        before[(c["employee"], c["task"])] += c["hours"]
    for a in assignments:
        after[(a["employee"], a["task"])] += a["hours"]
    return sorted({e for (e, t) in set(before) | set(after) if abs(before[(e, t)] - after[(e, t)]) > 1e-6})


def _eligibility(snapshot: WorkplaceSnapshot, instance: dict[str, Any]) -> list[dict]:
    """Per task: who may do it and why (national baseline, local rule, course), and how many here qualify."""
    in_instance = {t["id"] for t in instance["tasks"]}
    facts = []
    for task in snapshot.tasks:
        qualified: dict[str, int] = defaultdict(int)
        for e in snapshot.employees:
            meets = all(e.skills.get(skill, 0) >= level for skill, level in task.requires.items())
            may = e.profession_id in task.allowed or task.conditional.get(e.profession_id) in e.completed
            if meets and may:
                qualified[e.profession_id] += 1
        facts.append({
            "task": task.task_id, "name_da": task.name_da, "name_en": task.name_en,
            "requires": dict(task.requires), "added_by_digitalisation": dict(task.added_requirements),
            "allowed": list(task.allowed), "after_course": dict(task.conditional),
            "local_rules": dict(task.rule_notes), "qualified_here": dict(sorted(qualified.items())),
            "nobody_may": task.task_id not in in_instance and task.hours > 0,
        })
    return facts


def _readable_moves(snapshot: WorkplaceSnapshot, moves: list[dict]) -> list[dict]:
    tasks = {t.task_id: t for t in snapshot.tasks}
    names = snapshot.professions
    readable = []
    for m in moves:
        task = tasks.get(m["task"])
        readable.append({**m, "task_da": task.name_da if task else m["task"],
                         "task_en": task.name_en if task else m["task"],
                         "from_da": names[m["from_profession"]].title_da, "from_en": names[m["from_profession"]].title_en,
                         "to_da": names[m["to_profession"]].title_da, "to_en": names[m["to_profession"]].title_en})
    return readable


def _freed_hours(snapshot: WorkplaceSnapshot) -> list[dict]:
    """Hours a digitalisation change took away here, who did them, and where such people are needed."""
    if not snapshot.freed:
        return []
    by_task: dict[str, list[str]] = defaultdict(list)
    for employee, task, hours in snapshot.current:
        if hours > 0:
            by_task[task].append(employee)
    profession_of = {e.employee_id: e.profession_id for e in snapshot.employees}
    skills_of = {e.employee_id: e.skills for e in snapshot.employees}
    tasks_elsewhere = {t.task_id: t for t in snapshot.tasks}
    result = []
    for freed in snapshot.freed:
        people = sorted(by_task.get(freed.task_id, []))
        professions = {profession_of[p] for p in people if p in profession_of}
        needed = [{"workplace": n.workplace_id, "workplace_name": n.workplace_name, "task": n.task_id,
                   "uncovered_hours": round2(n.hours)}
                  for n in snapshot.needed_elsewhere
                  if n.task_id not in tasks_elsewhere or professions & set(tasks_elsewhere[n.task_id].allowed)]
        slots = [{"slot": s.slot_id, "title": s.title, "host_workplace": s.host_workplace_id, "weeks": s.weeks}
                 for s in snapshot.open_slots
                 if any(all(skills_of[p].get(k, 0) >= v for k, v in s.requires.items()) for p in people
                        if p in skills_of)]
        result.append({"change_id": freed.change_id, "description": freed.description, "task": freed.task_id,
                       "hours": round2(freed.hours),
                       "people": [{"employee": p, "profession": profession_of.get(p)} for p in people],
                       "needed_elsewhere": needed[:10], "rotation_slots": slots[:10]})
    return result


def _summaries(snapshot, saving, hours_moved, moves, unlocks, freed, uncovered, coverage_gain) -> tuple[str, str]:
    da, en = [], []
    if coverage_gain > 0.5:
        da.append(f"Dækker {hours_da(coverage_gain)} flere timer/uge med kvalificeret personale; {_money_da(saving)}.")
        en.append(f"Covers {hours_en(coverage_gain)} more hours/week with qualified staff; {_money_en(saving)}.")
    elif moves:
        da.append(f"Flyt {hours_da(hours_moved)} timer/uge til den faggruppe, der kan løse opgaven billigst "
                  f"({len(moves)} flytning{'er' if len(moves) != 1 else ''}); {_money_da(saving)}.")
        en.append(f"Move {hours_en(hours_moved)} hours/week to the staff group that can do the work at the "
                  f"lowest cost ({len(moves)} move{'s' if len(moves) != 1 else ''}); {_money_en(saving)}.")
    elif saving >= MIN_SAVING_PER_WEEK:
        da.append(f"Ny fordeling af opgaverne {_money_da(saving)}.")
        en.append(f"A new allocation of the tasks {_money_en(saving)}.")
    if unlocks:
        best = unlocks[0]
        da.append(f"Uddannelse ({best['activity']}) af {len(best['employees'])} medarbejder(e) sparer yderligere "
                  f"{dkk_da(best['saving_per_week'])} om ugen; tilbagebetalt på {best['payback_weeks']} uger.")
        en.append(f"Training ({best['activity']}) for {len(best['employees'])} employee(s) saves another "
                  f"{dkk_en(best['saving_per_week'])} a week; paid back in {best['payback_weeks']} weeks.")
    if freed:
        total = sum(f["hours"] for f in freed)
        da.append(f"Digitalisering frigør {hours_da(total)} timer/uge; forslaget viser, hvor kompetencerne bruges.")
        en.append(f"Digitalisation frees {hours_en(total)} hours/week; the proposal shows where the skills are needed.")
    if uncovered > 1e-6:
        da.append(f"{hours_da(uncovered)} timer/uge kan ikke dækkes af kvalificeret personale her.")
        en.append(f"{hours_en(uncovered)} hours/week cannot be covered by qualified staff here.")
    if not da:
        da.append("Opgavefordeling efter LEON-princippet.")
        en.append("Task allocation by the LEON principle.")
    return f"{snapshot.name}: " + " ".join(da), f"{snapshot.name}: " + " ".join(en)
