"""LEON allocation proposals: the solver's instance from a workplace snapshot, and the proposal from its result."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from tillid.competence.model import ProposalItem, ProposalItemKind
from tillid.matching.proposals.common import dkk_da, dkk_en, fingerprint, hours_da, hours_en, round2
from tillid.matching.proposals.items import combined, leon_effect, leon_item_effect
from tillid.matching.proposals.leon_split import CoverageChange, WeeklyDifference, weekly_difference
from tillid.matching.proposals.snapshot import FreedHours, ProposalDraft, TaskFacts, WorkplaceSnapshot

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
    split = weekly_difference(instance, result)
    moves = result.get("moves", [])
    unlocks = result.get("unlocks", [])
    items = leon_items(snapshot, instance, result, split)
    parts = combined([leon_item_effect()] + [dict(i.effect) for i in items])
    freed = _freed_effect(snapshot, split)
    freed["dkk_per_week"] = _freed_dkk_in_ore(result, split, parts["reallocation_dkk_per_week"],
                                              parts["coverage"]["dkk_per_week"])
    digitalisation = _freed_hours(snapshot)
    effect = leon_effect(items, current_cost=result.get("current_cost", result["total_cost"]),
                         current_cost_within_demand=result.get("current_cost_within_demand", result["total_cost"]),
                         uncovered_today=round2(result["uncovered_hours"] + parts["hours_covered_more"]),
                         freed=freed, freed_hours=sum(f["hours"] for f in digitalisation))
    coverage_gain = effect["hours_covered_more"]
    worth_it = ((effect["dkk_per_week"] >= MIN_SAVING_PER_WEEK and coverage_gain >= -1e-6) or coverage_gain > 0.5
                or unlocks or digitalisation)
    if not worth_it:
        return None
    changed = _changed_employees(instance["current"], result["assignments"])
    explanation = {
        "workplace": {"id": snapshot.workplace_id, "name": snapshot.name, "organisation": snapshot.organisation_id},
        "demand": [{"task": t.task_id, "name_da": t.name_da, "name_en": t.name_en, "hours": round2(t.hours)}
                   for t in snapshot.tasks],
        "eligibility": _eligibility(snapshot, instance),
        "assignments": result["assignments"],
        "uncovered": result["uncovered"],
        "moves": _readable_moves(snapshot, moves),
        "unlocks": unlocks,
        "freed_hours": digitalisation,
        "change_penalty_per_hour": instance["change_penalty_per_hour"],
        "source_events": list(snapshot.source_events),
    }
    da, en = _summaries(snapshot, effect, digitalisation)
    substance = {"assignments": [(a["employee"], a["task"], round(a["hours"], 2)) for a in result["assignments"]],
                 "uncovered": round(result["uncovered_hours"], 2),
                 "unlocks": [(u["activity"], u["employees"]) for u in unlocks],
                 "freed": [(f["change_id"], f["task"], f["hours"]) for f in digitalisation]}
    return ProposalDraft(kind="leon_allocation", committee_id=snapshot.committee_id, scope=snapshot.workplace_id,
                         employee_ids=tuple(changed), summary_da=da, summary_en=en, explanation=explanation,
                         effect=effect, fingerprint=fingerprint(substance), items=tuple(items))


# What an item id puts where a move has no profession on one side: hours nobody covers.
UNCOVERED = "uncovered"


def leon_items(snapshot: WorkplaceSnapshot, instance: dict[str, Any], result: dict[str, Any],
               split: WeeklyDifference) -> list[ProposalItem]:
    """The parts a committee can keep or drop: each move of hours between two professions on a task
    (``move:TASK:FROM:TO``), each profession's hours newly covered or no longer covered on a task (a move
    from or to nobody: ``move:TASK:uncovered:TO``, ``move:TASK:FROM:uncovered``), and each training that
    unlocks a cheaper allocation (``unlock:ACTIVITY``). Together they carry the whole weekly difference
    except the freed hours, which no committee decides (docs/proposals.md)."""
    deltas = _hours_changed(instance["current"], result["assignments"])
    profession_of = {e["id"]: e["profession"] for e in instance["employees"]}
    tasks = {t.task_id: t for t in snapshot.tasks}
    items = [_move_item(snapshot, tasks.get(task), task, source, target, hours, saving,
                        _people(deltas, profession_of, task, source, target))
             for (task, source, target), (hours, saving) in _moves_by_pair(result.get("moves", [])).items()]
    items += [_coverage_item(snapshot, tasks.get(c.task), c, _people(
                  deltas, profession_of, c.task, None if c.hours > 0 else c.profession,
                  c.profession if c.hours > 0 else None))
              for c in split.coverage.changes if round2(abs(c.hours)) > 0 or round2(c.cost) > 0]
    items += [_unlock_item(u) for u in result.get("unlocks", [])]
    return items


def _moves_by_pair(moves: list[dict]) -> dict[tuple[str, str, str], tuple[float, float]]:
    """Hours and saving per task and pair of professions (one entry per pair in the solver's answer)."""
    pairs: dict[tuple[str, str, str], tuple[float, float]] = {}
    for m in moves:
        key = (m["task"], m["from_profession"], m["to_profession"])
        hours, saving = pairs.get(key, (0.0, 0.0))
        pairs[key] = (hours + m["hours"], saving + m["saving_per_week"])
    return pairs


def _hours_changed(current: list[dict], assignments: list[dict]) -> dict[str, dict[str, float]]:
    """Task -> employee -> proposed minus today's hours."""
    delta: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for c in current:
        delta[c["task"]][c["employee"]] -= c["hours"]
    for a in assignments:
        delta[a["task"]][a["employee"]] += a["hours"]
    return delta


def _people(deltas: dict[str, dict[str, float]], profession_of: dict[str, str], task: str,
            losing: str | None, gaining: str | None) -> tuple[str, ...]:
    """The people of the losing profession with fewer hours on the task, and of the gaining one with more."""
    return tuple(sorted(e for e, d in deltas.get(task, {}).items()
                        if (d < -1e-6 and profession_of.get(e) == losing) or (d > 1e-6 and profession_of.get(e) == gaining)))


def _move_item(snapshot: WorkplaceSnapshot, facts: TaskFacts | None, task: str, source: str, target: str,
               hours: float, saving: float, people: tuple[str, ...]) -> ProposalItem:
    names = snapshot.professions
    move = {"task": task, "from_profession": source, "to_profession": target, "hours": round2(hours),
            "saving_per_week": round2(saving)}
    money_da = f"sparer {dkk_da(saving)}/uge" if saving >= 0 else f"koster {dkk_da(-saving)}/uge mere"
    money_en = f"saves {dkk_en(saving)} a week" if saving >= 0 else f"costs {dkk_en(-saving)} more a week"
    return ProposalItem(
        item_id=f"move:{task}:{source}:{target}", kind=ProposalItemKind.MOVE, employee_ids=people,
        summary_da=f"{facts.name_da if facts else task}: {hours_da(hours)} timer/uge fra "
                   f"{_title(names, source, 'da')} til {_title(names, target, 'da')}, {money_da}.",
        summary_en=f"{facts.name_en if facts else task}: {hours_en(hours)} hours/week from "
                   f"{_title(names, source, 'en')} to {_title(names, target, 'en')}, {money_en}.",
        effect=leon_item_effect(hours_moved=round2(hours), reallocation_dkk_per_week=round2(saving),
                                dkk_per_week=round2(saving), moves=[move]))


def _coverage_item(snapshot: WorkplaceSnapshot, facts: TaskFacts | None, change: CoverageChange,
                   people: tuple[str, ...]) -> ProposalItem:
    hours, cost = round2(abs(change.hours)), round2(change.cost)
    task_da = facts.name_da if facts else change.task
    task_en = facts.name_en if facts else change.task
    da, en = _title(snapshot.professions, change.profession, "da"), _title(snapshot.professions, change.profession, "en")
    if change.hours > 0:
        return ProposalItem(
            item_id=f"move:{change.task}:{UNCOVERED}:{change.profession}", kind=ProposalItemKind.MOVE,
            employee_ids=people,
            summary_da=f"{task_da}: {hours_da(hours)} timer/uge mere dækket af {da}, koster {dkk_da(cost)}/uge.",
            summary_en=f"{task_en}: {hours_en(hours)} more hours/week covered by {en}, costs {dkk_en(cost)} a week.",
            effect=leon_item_effect(coverage={"hours_per_week": hours, "dkk_per_week": -cost,
                                              "newly_covered_hours": hours, "newly_covered_cost_dkk": cost},
                                    dkk_per_week=-cost, hours_covered_more=hours))
    return ProposalItem(
        item_id=f"move:{change.task}:{change.profession}:{UNCOVERED}", kind=ProposalItemKind.MOVE,
        employee_ids=people,
        summary_da=f"{task_da}: {hours_da(hours)} timer/uge dækkes ikke længere af {da} (ingen kvalificeret "
                   f"til dem), {dkk_da(cost)}/uge lavere lønudgift.",
        summary_en=f"{task_en}: {hours_en(hours)} hours/week no longer covered by {en} (nobody qualified for "
                   f"them), {dkk_en(cost)} a week less in wages.",
        effect=leon_item_effect(coverage={"hours_per_week": -hours, "dkk_per_week": cost,
                                          "no_longer_covered_hours": hours, "no_longer_covered_cost_dkk": cost},
                                dkk_per_week=cost, hours_covered_more=-hours))


def _unlock_item(unlock: dict[str, Any]) -> ProposalItem:
    people = tuple(sorted(unlock["employees"]))
    return ProposalItem(
        item_id=f"unlock:{unlock['activity']}", kind=ProposalItemKind.UNLOCK, employee_ids=people,
        summary_da=f"Uddannelse ({unlock['activity']}) af {len(people)} medarbejder(e) for "
                   f"{dkk_da(unlock['training_cost'])} sparer {dkk_da(unlock['saving_per_week'])} om ugen; "
                   f"tilbagebetalt på {unlock['payback_weeks']} uger.",
        summary_en=f"Training ({unlock['activity']}) for {len(people)} employee(s) at "
                   f"{dkk_en(unlock['training_cost'])} saves {dkk_en(unlock['saving_per_week'])} a week; paid back "
                   f"in {unlock['payback_weeks']} weeks.",
        effect=leon_item_effect(training=[dict(unlock)], training_cost_dkk=round2(unlock["training_cost"])))


def _title(professions, profession_id: str, lang: str) -> str:
    facts = professions.get(profession_id)
    if facts is None:
        return profession_id
    return facts.title_da if lang == "da" else facts.title_en


def _freed_dkk_in_ore(result: dict[str, Any], split: WeeklyDifference, reallocation: float,
                      coverage_dkk: float) -> float:
    """The freed hours' DKK, rounded so that the rounded parts add up to the total.

    Rounding each part may leave a cent between their sum and the rounded difference of the two costs. When
    hours are freed, their DKK (which only completes the identity) takes that cent, so the total is exactly
    ``current_cost_per_week - proposed_cost_per_week``; otherwise it stays 0 and the total is the sum of the
    other parts.
    """
    if round2(split.freed_hours) <= 0:
        return round2(split.freed_dkk)
    exact = round2(round2(result.get("current_cost", result["total_cost"])) - round2(result["total_cost"]))
    return round2(exact - reallocation - coverage_dkk)


def _freed_effect(snapshot: WorkplaceSnapshot, split: WeeklyDifference) -> dict[str, Any]:
    """Hours people report beyond what the tasks now need: per task, why, whose, and where they are needed.

    A task's excess is put down to digitalisation up to the hours a change took from its demand here, the
    rest to a lower reported demand. Its DKK is only the part of the weekly difference: it is not a saving.
    """
    changes: dict[str, list[FreedHours]] = defaultdict(list)
    for change in snapshot.freed:
        changes[change.task_id].append(change)
    names = {t.task_id: t for t in snapshot.tasks}
    tasks, digitalised = [], 0.0
    for freed in split.freed:
        by_change = changes.get(freed.task, [])
        digital = min(freed.hours, sum(c.hours for c in by_change))
        digitalised += digital
        reasons: list[dict[str, Any]] = []
        if digital > 0.005:
            reasons.append({"reason": "digitalisation", "hours": round2(digital),
                            "change_ids": sorted({c.change_id for c in by_change})})
        if freed.hours - digital > 0.005:
            reasons.append({"reason": "demand", "hours": round2(freed.hours - digital)})
        facts = names.get(freed.task)
        tasks.append({"task": freed.task, "name_da": facts.name_da if facts else freed.task,
                      "name_en": facts.name_en if facts else freed.task, "hours": round2(freed.hours),
                      "reasons": reasons, "professions": {p: round2(h) for p, h in freed.by_profession.items()},
                      "needed_elsewhere": _needed_by(snapshot, set(freed.by_profession))[:10]})
    return {"hours_per_week": round2(split.freed_hours), "dkk_per_week": round2(split.freed_dkk),
            "digitalisation_hours": round2(digitalised), "demand_hours": round2(split.freed_hours - digitalised),
            "tasks": tasks}


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
    result = []
    for freed in snapshot.freed:
        people = sorted(by_task.get(freed.task_id, []))
        professions = {profession_of[p] for p in people if p in profession_of}
        slots = [{"slot": s.slot_id, "title": s.title, "host_workplace": s.host_workplace_id, "weeks": s.weeks}
                 for s in snapshot.open_slots
                 if any(all(skills_of[p].get(k, 0) >= v for k, v in s.requires.items()) for p in people
                        if p in skills_of)]
        result.append({"change_id": freed.change_id, "description": freed.description, "task": freed.task_id,
                       "hours": round2(freed.hours),
                       "people": [{"employee": p, "profession": profession_of.get(p)} for p in people],
                       "needed_elsewhere": _needed_by(snapshot, professions)[:10], "rotation_slots": slots[:10]})
    return result


def _needed_by(snapshot: WorkplaceSnapshot, professions: set[str]) -> list[dict]:
    """Uncovered task hours at the organisation's other workplaces that these professions may do (a task not
    known here is listed as it is), most hours first."""
    here = {t.task_id: t for t in snapshot.tasks}
    return [{"workplace": n.workplace_id, "workplace_name": n.workplace_name, "task": n.task_id,
             "uncovered_hours": round2(n.hours)}
            for n in snapshot.needed_elsewhere
            if n.task_id not in here or professions & set(here[n.task_id].allowed)]


# A line is written for at least this many hours/week (what one decimal shows).
SHOWN_HOURS = 0.05
PLACES_NAMED = 3


def _summaries(snapshot: WorkplaceSnapshot, effect: dict[str, Any], digitalisation: list[dict]) -> tuple[str, str]:
    """What the committee decides on first: the moves and their saving, then the hours newly covered and their
    cost, then the hours no longer needed, as hours and where they are needed (never as a saving)."""
    da, en = [], []
    coverage, freed = effect["coverage"], effect["freed"]
    decided = effect["reallocation_dkk_per_week"] + coverage["dkk_per_week"]
    if coverage["hours_per_week"] >= SHOWN_HOURS and decided < 0:
        da.append("Koster mere, dækker mere.")
        en.append("Costs more, covers more.")
    _moves_line(effect, da, en)
    _coverage_line(coverage, da, en)
    _freed_line(freed, digitalisation, da, en)
    unlocks = effect["training"]
    if unlocks:
        best = unlocks[0]
        da.append(f"Uddannelse ({best['activity']}) af {len(best['employees'])} medarbejder(e) sparer yderligere "
                  f"{dkk_da(best['saving_per_week'])} om ugen; tilbagebetalt på {best['payback_weeks']} uger.")
        en.append(f"Training ({best['activity']}) for {len(best['employees'])} employee(s) saves another "
                  f"{dkk_en(best['saving_per_week'])} a week; paid back in {best['payback_weeks']} weeks.")
    uncovered = effect["uncovered_hours"]
    if uncovered > 1e-6:
        da.append(f"{hours_da(uncovered)} timer/uge kan ikke dækkes af kvalificeret personale her.")
        en.append(f"{hours_en(uncovered)} hours/week cannot be covered by qualified staff here.")
    if not da:
        da.append("Opgavefordeling efter LEON-princippet.")
        en.append("Task allocation by the LEON principle.")
    return f"{snapshot.name}: " + " ".join(da), f"{snapshot.name}: " + " ".join(en)


def _moves_line(effect: dict[str, Any], da: list[str], en: list[str]) -> None:
    moves = effect["moves"]
    if not moves:
        return
    hours, saving, count = effect["hours_moved"], effect["reallocation_dkk_per_week"], len(moves)
    cheaper = all(m["saving_per_week"] >= 0 for m in moves)
    to_da = "til billigere kvalificeret faggruppe" if cheaper else "mellem kvalificerede faggrupper"
    to_en = "to a cheaper qualified staff group" if cheaper else "between qualified staff groups"
    money_da = f"sparer {dkk_da(saving)}/uge" if saving >= 0 else f"koster {dkk_da(-saving)}/uge mere"
    money_en = f"saves {dkk_en(saving)} a week" if saving >= 0 else f"costs {dkk_en(-saving)} more a week"
    da.append(f"Flytter {hours_da(hours)} timer/uge {to_da} ({count} flytning{'er' if count != 1 else ''}): "
              f"{money_da}.")
    en.append(f"Moves {hours_en(hours)} hours/week {to_en} ({count} move{'s' if count != 1 else ''}): {money_en}.")


def _coverage_line(coverage: dict[str, float], da: list[str], en: list[str]) -> None:
    hours, dkk = coverage["hours_per_week"], coverage["dkk_per_week"]
    if hours >= SHOWN_HOURS:
        money_da = f"koster {dkk_da(-dkk)}/uge" if dkk <= 0 else f"{dkk_da(dkk)}/uge lavere lønudgift"
        money_en = f"costs {dkk_en(-dkk)} a week" if dkk <= 0 else f"{dkk_en(dkk)} a week less in wages"
        da.append(f"Dækker {hours_da(hours)} timer/uge mere med kvalificeret personale: {money_da}.")
        en.append(f"Covers {hours_en(hours)} more hours/week with qualified staff: {money_en}.")
    elif hours <= -SHOWN_HOURS:
        da.append(f"Dækker {hours_da(-hours)} timer/uge mindre end i dag, der er ikke kvalificeret personale til dem: "
                  f"{dkk_da(dkk)}/uge lavere lønudgift.")
        en.append(f"Covers {hours_en(-hours)} hours/week less than today, there is no qualified staff for them: "
                  f"{dkk_en(dkk)} a week less in wages.")


REASON_DA = {"digitalisation": "digitalisering", "demand": "lavere indmeldt behov"}
REASON_EN = {"digitalisation": "digitalisation", "demand": "lower reported demand"}


def _freed_line(freed: dict[str, Any], digitalisation: list[dict], da: list[str], en: list[str]) -> None:
    """Hours no longer needed, as capacity: why, and where such competences are needed."""
    if freed["hours_per_week"] < SHOWN_HOURS:
        if digitalisation:
            total = sum(f["hours"] for f in digitalisation)
            da.append(f"Digitalisering frigør {hours_da(total)} timer/uge; forslaget viser, hvor kompetencerne "
                      f"bruges.")
            en.append(f"Digitalisation frees {hours_en(total)} hours/week; the proposal shows where the skills are "
                      f"needed.")
        return
    reasons = [r for r in ("digitalisation", "demand") if freed[f"{r}_hours"] >= 0.01]
    places = []
    for task in freed["tasks"]:
        for need in task["needed_elsewhere"]:
            if need["workplace_name"] not in places:
                places.append(need["workplace_name"])
    hours = freed["hours_per_week"]
    why_da = " og ".join(REASON_DA[r] for r in reasons)
    why_en = " and ".join(REASON_EN[r] for r in reasons)
    if places:
        where_da = "kompetencerne kan bruges i " + "; ".join(places[:PLACES_NAMED])
        where_en = "the skills are needed at " + "; ".join(places[:PLACES_NAMED])
    else:
        where_da, where_en = "tiden kan gå til kerneopgaverne", "the time can go to the core tasks"
    da.append(f"{hours_da(hours)} timer/uge frigøres ({why_da}) – {where_da}.")
    en.append(f"{hours_en(hours)} hours/week are freed ({why_en}) – {where_en}.")
