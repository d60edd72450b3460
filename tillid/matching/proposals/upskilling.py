"""Upskilling proposals: each employee's needs at a workplace, the solver's instances, and the proposal."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Mapping

from tillid.competence.labels import Kind
from tillid.competence.model import ProposalItem, ProposalItemKind
from tillid.matching.proposals.common import dkk_da, dkk_en, fingerprint, hours_da, hours_en, round2
from tillid.matching.proposals.items import assumed_effect, combined
from tillid.matching.proposals.snapshot import EmployeeFacts, ProposalDraft, WorkplaceSnapshot
from tillid.matching.upskilling.effect_estimate import PROMISE, PROMISED, EffectEstimate, effect_text
from tillid.matching.upskilling.funds import FundingContext, PathFunding, SearchRefunds, StepCost, fund_path, \
    group_by_refunds, received_from
from tillid.matching.upskilling.paths import relevant_activities

INTEREST_LEVEL = 3
MENTOR_PLACES = 2
MAX_COVERAGE_TRAINEES_PER_TASK = 3
# A committee reads one proposal per workplace: own wishes fill it up to this many people a round.
MAX_INTEREST_PATHS = 10


@dataclass(frozen=True)
class Need:
    employee_id: str
    source: str  # task | change | interest (the solver's need sources)
    need_id: str
    description_da: str
    description_en: str
    target: tuple[tuple[str, int], ...]


def needs(snapshot: WorkplaceSnapshot, leon_result: dict[str, Any] | None) -> list[Need]:
    """Why people here should learn something: new requirements, uncovered tasks, their own interests."""
    found: list[Need] = []
    tasks = {t.task_id: t for t in snapshot.tasks}
    doing: dict[str, set[str]] = defaultdict(set)
    for employee, task, hours in snapshot.current:
        if hours > 0:
            doing[employee].add(task)
    for e in snapshot.employees:
        for task_id in sorted(doing.get(e.employee_id, ())):
            task = tasks.get(task_id)
            if task is None or not task.added_requirements:
                continue
            missing = {s: lvl for s, lvl in open_target(e, task.added_requirements).items()
                       if e.skills.get(s, 0) < lvl}
            if missing:
                found.append(Need(e.employee_id, "change", task_id,
                                  f"En digitaliseringsændring betyder, at {task.name_da or task_id} nu kræver "
                                  f"{_skills(snapshot, missing, 'da')}.",
                                  f"A digitalisation change means that {task.name_en or task.name_da or task_id} "
                                  f"now requires {_skills(snapshot, missing, 'en')}.",
                                  tuple(sorted(open_target(e, task.requires).items()))))
    uncovered = {u["task"]: u["hours"] for u in (leon_result or {}).get("uncovered", [])}
    for task_id, hours in sorted(uncovered.items()):
        task = tasks.get(task_id)
        if task is None:
            continue
        candidates = [e for e in snapshot.employees
                      if e.profession_id in task.allowed and any(e.skills.get(s, 0) < lvl
                                                                  for s, lvl in open_target(e, task.requires).items())]
        candidates.sort(key=lambda e: (_gap(e, open_target(e, task.requires)), e.employee_id))
        for e in candidates[:MAX_COVERAGE_TRAINEES_PER_TASK]:
            found.append(Need(e.employee_id, "task", task_id,
                              f"{task.name_da or task_id}: {hours_da(hours)} timer om ugen mangler "
                              f"kvalificerede hænder.",
                              f"{task.name_en or task.name_da or task_id}: {hours_en(hours)} hours a week lack "
                              f"qualified staff.",
                              tuple(sorted(open_target(e, task.requires).items()))))
    # Own wishes count where the work here needs the skill: development that serves real tasks.
    needed_here = {skill for t in snapshot.tasks for skill in t.requires}
    wishes = []
    for e in snapshot.employees:
        wanted = {s: lvl for s, lvl in open_target(e, {s: INTEREST_LEVEL for s in e.learning_interests}).items()
                  if s in needed_here and e.skills.get(s, 0) < lvl}
        if wanted:
            wishes.append(Need(e.employee_id, "interest", ",".join(sorted(wanted)),
                               "Dit eget ønske om at lære noget, arbejdet her har brug for.",
                               "Your own wish to learn something the work here needs.",
                               tuple(sorted(wanted.items()))))
    skills = {e.employee_id: e.skills for e in snapshot.employees}
    wishes.sort(key=lambda n: (sum(lvl - skills[n.employee_id].get(s, 0) for s, lvl in n.target), n.employee_id))
    return found + wishes[:MAX_INTEREST_PATHS]


def _skills(snapshot: WorkplaceSnapshot, levels: Mapping[str, int], lang: str) -> str:
    """The skills by their labels in ``lang``, in the order of their ids (the same order in both languages)."""
    return ", ".join(snapshot.labels.names(Kind.SKILL, sorted(levels), lang))


def open_target(e: EmployeeFacts, target: Mapping[str, int]) -> dict[str, int]:
    """``target`` without what this person's answers rule out: a skill whose entry they dispute, and a
    (skill, level) they declined within the quiet period (a higher level than the one declined is a new
    need and stays)."""
    return {skill: level for skill, level in target.items()
            if skill not in e.disputed and e.quiet.get(skill, -1) < level}


def _gap(e: EmployeeFacts, requires) -> int:
    return sum(max(0, lvl - e.skills.get(s, 0)) for s, lvl in requires.items())


def upskill_instances(snapshot: WorkplaceSnapshot, found: list[Need],
                      mentors: dict[str, list[str]]) -> list[dict[str, Any]]:
    """One instance per profession (substitute cover costs that profession's hourly wage), one need per learner."""
    by_id = {e.employee_id: e for e in snapshot.employees}
    chosen: dict[str, Need] = {}
    priority = {"change": 0, "task": 1, "interest": 2}
    for need in found:
        current = chosen.get(need.employee_id)
        if current is None or priority[need.source] < priority[current.source]:
            chosen[need.employee_id] = need
    groups: dict[str, list[Need]] = defaultdict(list)
    for employee_id, need in sorted(chosen.items()):
        groups[by_id[employee_id].profession_id].append(need)
    catalogue = [{"id": a.activity_id, "kind": a.kind, "teaches": dict(a.teaches),
                  "prerequisites": dict(a.prerequisites), "duration_hours": a.duration_hours,
                  "cost_dkk": a.cost_dkk, "provider": a.provider}
                 for a in sorted(snapshot.activities.values(), key=lambda a: a.activity_id)]
    instances = []
    for profession, group, refunds in _search_groups(snapshot, groups):
        instance: dict[str, Any] = {
            "substitute_cost_per_hour": snapshot.professions[profession].hourly_cost,
            "activities": catalogue,
            "employees": [{"id": n.employee_id, "skills": dict(sorted(by_id[n.employee_id].skills.items())),
                           "target": dict(n.target), "mentors": mentors.get(n.employee_id, []),
                           "need": {"source": n.source, "id": n.need_id, "description": n.description_da}}
                          for n in group],
        }
        if snapshot.effects:
            # Ranked by expected net cost: each step's net cost divided by its estimated effect.
            instance["rank_by"] = "effect_per_krone"
            instance["expected_effect"] = {a["id"]: effect_of(snapshot, a["id"]).effect for a in catalogue}
        if refunds:
            instance["refund_dkk"] = refunds
        instances.append(instance)
    return instances


def effect_of(snapshot: WorkplaceSnapshot, activity_id: str) -> EffectEstimate:
    """The estimated effect of an activity; the catalogue's promise for one the estimates do not know yet."""
    known = snapshot.effects.get(activity_id)
    return known if known is not None else EffectEstimate(activity_id, PROMISE, PROMISE, 0.0, 0, PROMISED)


def funding_context(snapshot: WorkplaceSnapshot, profession: str) -> FundingContext:
    return FundingContext(snapshot.sector, profession, tuple(snapshot.funds), snapshot.jobrotation_dkk_per_hour)


def _search_groups(snapshot: WorkplaceSnapshot,
                   groups: Mapping[str, list[Need]]) -> list[tuple[str, list[Need], dict[str, float]]]:
    """Per profession, its learners grouped by the refunds the search subtracts for them (per activity, what
    funds and job rotation refund on it alone, counting what the person already received this year): one
    search per group, so a workplace where nobody is near a fund's yearly cap is planned once per profession."""
    catalogue = {a.activity_id: (tuple(a.teaches.items()), tuple(a.prerequisites.items()))
                 for a in snapshot.activities.values()}
    searches = []
    for profession, everyone in sorted(groups.items()):
        if profession not in snapshot.professions:
            continue
        rate = snapshot.professions[profession].hourly_cost
        refunds = SearchRefunds([StepCost(a.activity_id, a.kind, a.cost_dkk, a.duration_hours,
                                          a.duration_hours * rate) for a in snapshot.activities.values()],
                                funding_context(snapshot, profession))
        received = {n.employee_id: _received_this_year(snapshot, n.employee_id, profession) for n in everyone}
        relevant = {n.employee_id: relevant_activities(catalogue, n.target) for n in everyone}
        by_id = {n.employee_id: n for n in everyone}
        searches.extend((profession, [by_id[i] for i in ids], own)
                        for own, ids in group_by_refunds(received, relevant, refunds))
    return searches


def _received_this_year(snapshot: WorkplaceSnapshot, employee_id: str, profession: str | None) -> dict[str, float]:
    """Per fund, what the activities this person passed this year were refunded (what counts on its cap; the
    same as ``_path_funding`` counts)."""
    context = funding_context(snapshot, profession or "")
    rate = snapshot.professions[profession].hourly_cost if profession in snapshot.professions else 0.0
    done = [StepCost(a.activity_id, a.kind, a.cost_dkk, a.duration_hours, a.duration_hours * rate)
            for a in (snapshot.activities.get(i) for i in snapshot.completed_this_year.get(employee_id, ()))
            if a is not None]
    return received_from(done, context)


def upskilling_proposal(snapshot: WorkplaceSnapshot, results: list[dict[str, Any]],
                        found: list[Need] = ()) -> ProposalDraft | None:
    paths = sorted((p for r in results for p in r["paths"] if p["steps"]), key=lambda p: p["employee"])
    unreachable = sorted((u for r in results for u in r["unreachable"]), key=lambda u: u["employee"])
    if not paths:
        return None
    professions = {e.employee_id: e.profession_id for e in snapshot.employees}
    people_per_skill: dict[str, int] = defaultdict(int)
    for p in paths:
        for gap in p["explanation"]["gaps"]:
            people_per_skill[gap["skill"]] += 1
    # A person may have several needs; the path answers one of them (its explanation's need), so its English.
    english = {(n.employee_id, n.source, n.need_id): n.description_en for n in found}
    per_employee = {}
    budgets_left: dict = {}  # one budget per fund, shared by everyone in the proposal, in employee order
    fundings: list[PathFunding] = []
    assumed: list[tuple[float, list[EffectEstimate]]] = []
    for p in paths:
        steps_da = ", ".join(_title(snapshot, a) for a in p["steps"])
        steps = steps_da
        need = p["explanation"].get("need") or {}
        need_en = english.get((p["employee"], need.get("source"), need.get("id")), "")
        profession = professions.get(p["employee"])
        funding = _path_funding(snapshot, p, profession, budgets_left)
        estimates = [effect_of(snapshot, a) for a in p["steps"]]
        probability = _product(e.effect for e in estimates)
        fundings.append(funding)
        assumed.append((probability, estimates))
        source_da, source_en = _sources_text(estimates, "da"), _sources_text(estimates, "en")
        per_employee[p["employee"]] = {
            **p["explanation"],
            "need": _need_in_both_languages(need, need_en),
            "steps": _annotated_steps(p["explanation"]["steps"], funding, estimates),
            "activities": p["steps"], "total_cost": p["total_cost"], "total_hours": p["total_hours"],
            "reaches": p["reaches"],
            "profession": profession,
            "gross_cost_dkk": funding.gross_dkk, "refund_dkk": funding.refund_dkk,
            "net_cost_dkk": funding.net_dkk,
            "refunds": [{"source": r.source, "name": r.name, "amount_dkk": r.amount_dkk} for r in funding.refunds],
            "expected_effect": round(probability, 4), "effect_source_da": source_da, "effect_source_en": source_en,
            "expected_net_cost_dkk": round2(sum(f.net_dkk / e.effect for f, e in zip(funding.steps, estimates))),
            "summary_da": f"Forslag: {steps_da} ({hours_da(p['total_hours'])} timer, {dkk_da(p['total_cost'])} "
                          f"inkl. vikardækning; refusion {dkk_da(funding.refund_dkk)}, netto "
                          f"{dkk_da(funding.net_dkk)}). Forventet effekt {_percent(probability)} "
                          f"({source_da}). {need.get('description', '')}",
            "summary_en": f"Suggested: {steps} ({hours_en(p['total_hours'])} hours, {dkk_en(p['total_cost'])} "
                          f"including cover; refunds {dkk_en(funding.refund_dkk)}, net {dkk_en(funding.net_dkk)}). "
                          f"Expected effect {_percent(probability)} ({source_en}). "
                          f"{need_en}",
            "reason_en": need_en,
        }
    items = [_path_item(p, per_employee[p["employee"]]) for p in paths]
    all_estimates = [e for _, estimates in assumed for e in estimates]
    effect = combined(dict(i.effect) for i in items) | assumed_effect(
        round(sum(probability for probability, _ in assumed) / len(assumed), 4),
        _sources_text(all_estimates, "da"), _sources_text(all_estimates, "en"))
    hours, fee, cover = effect["training_hours"], effect["fee_dkk"], effect["cover_dkk"]
    refund, net, mean_effect = effect["refund_dkk"], effect["net_cost_dkk"], effect["expected_effect"]
    explanation = {"workplace": {"id": snapshot.workplace_id, "name": snapshot.name},
                   "people_per_skill": dict(sorted(people_per_skill.items())),
                   "per_employee": per_employee, "unreachable": unreachable,
                   "source_events": list(snapshot.source_events)}
    summary_da = (f"{snapshot.name}: opkvalificering af {len(paths)} medarbejder(e), {hours_da(hours)} timer i alt, "
                  f"{dkk_da(fee)} i gebyrer og {dkk_da(cover)} i vikardækning; fonde og jobrotation refunderer "
                  f"{dkk_da(refund)}, så arbejdspladsen betaler {dkk_da(net)} netto. Forventet effekt "
                  f"{_percent(mean_effect)} ({effect['effect_source_da']}).")
    summary_en = (f"{snapshot.name}: upskilling for {len(paths)} employee(s), {hours_en(hours)} hours in all, "
                  f"{dkk_en(fee)} in fees and {dkk_en(cover)} in substitute cover; funds and job rotation refund "
                  f"{dkk_en(refund)}, so the workplace pays {dkk_en(net)} net. Expected effect "
                  f"{_percent(mean_effect)} ({effect['effect_source_en']}).")
    return ProposalDraft(kind="upskilling_path", committee_id=snapshot.committee_id, scope=snapshot.workplace_id,
                         employee_ids=tuple(p["employee"] for p in paths), summary_da=summary_da,
                         summary_en=summary_en, explanation=explanation, effect=effect,
                         fingerprint=fingerprint([(p["employee"], p["steps"]) for p in paths]), items=tuple(items))


def _need_in_both_languages(need: Mapping[str, Any], english: str) -> dict[str, Any] | None:
    """The need a path answers with its description in Danish and English (the solver echoes the Danish one)."""
    if not need:
        return None
    return {"source": need.get("source"), "id": need.get("id"), "description_da": need.get("description", ""),
            "description_en": english or need.get("description", "")}


def _path_item(path: dict[str, Any], own: dict[str, Any]) -> ProposalItem:
    """One person's path (``path:EMPLOYEE``): its hours, fees, cover, refunds, net cost and the levels it reaches."""
    fee, cover = round2(path["explanation"]["fee_dkk"]), round2(path["explanation"]["cover_dkk"])
    gained: dict[str, int] = {}
    for gap in path["explanation"]["gaps"]:
        gained[gap["skill"]] = max(gained.get(gap["skill"], 0), gap["target"])
    return ProposalItem(
        item_id=f"path:{path['employee']}", kind=ProposalItemKind.PATH, employee_ids=(path["employee"],),
        summary_da=own["summary_da"], summary_en=own["summary_en"],
        effect={"employees": 1, "training_hours": round2(path["total_hours"]), "fee_dkk": fee, "cover_dkk": cover,
                "training_cost_dkk": round2(fee + cover), "competence_gained": dict(sorted(gained.items())),
                "refund_dkk": own["refund_dkk"], "net_cost_dkk": own["net_cost_dkk"],
                "refunds": {r["source"]: r["amount_dkk"] for r in own["refunds"]}})


def _path_funding(snapshot: WorkplaceSnapshot, path: dict[str, Any], profession: str | None,
                  budgets_left: dict) -> PathFunding:
    """Gross cost, each fund's and job rotation's refund, and net cost of one employee's path: the funds'
    yearly caps count what this year's completed activities were refunded already."""
    context = funding_context(snapshot, profession or "")
    rate = snapshot.professions[profession].hourly_cost if profession in snapshot.professions else 0.0
    done = [StepCost(a.activity_id, a.kind, a.cost_dkk, a.duration_hours, a.duration_hours * rate)
            for a in (snapshot.activities.get(i) for i in snapshot.completed_this_year.get(path["employee"], ()))
            if a is not None]
    steps = [StepCost(s["activity"], s["kind"], s["fee_dkk"], s["hours"], s["cover_dkk"])
             for s in path["explanation"]["steps"]]
    return fund_path(steps, context, received_from(done, context), budgets_left)


def _annotated_steps(steps: list[dict[str, Any]], funding: PathFunding,
                     estimates: list[EffectEstimate]) -> list[dict[str, Any]]:
    """Each step with the effect assumed and where it comes from, and its refunds and net cost."""
    return [{**step, "expected_effect": estimate.effect, "effect_source": estimate.source,
             "effect_participants": estimate.participants, "effect_source_da": estimate.text_da,
             "effect_source_en": estimate.text_en, "refund_dkk": paid.refund_dkk, "net_cost_dkk": paid.net_dkk,
             "refunds": [{"source": r.source, "name": r.name, "amount_dkk": r.amount_dkk} for r in paid.refunds]}
            for step, paid, estimate in zip(steps, funding.steps, estimates)]


def _sources_text(estimates: list[EffectEstimate], lang: str) -> str:
    """Where the assumed effects come from: 'målt blandt N deltagere', 'katalogets løfte', or both."""
    if len({e.activity_id for e in estimates}) == 1:
        return effect_text(estimates[0], lang)
    measured = {e.activity_id: e.participants for e in estimates if e.source != PROMISED}
    parts = []
    if measured:
        n = sum(measured.values())
        parts.append(f"målt blandt {n} deltagere" if lang == "da" else f"measured among {n} participants")
    if any(e.source == PROMISED for e in estimates) or not estimates:
        parts.append(effect_text(EffectEstimate("", PROMISE, PROMISE, 0.0, 0, PROMISED), lang))
    return (" og " if lang == "da" else " and ").join(parts)


def _product(values) -> float:
    result = 1.0
    for value in values:
        result *= value
    return result


def _percent(probability: float) -> str:
    return f"{round(100 * probability)} %"


def _title(snapshot: WorkplaceSnapshot, activity_id: str) -> str:
    activity = snapshot.activities.get(activity_id)
    return activity.title if activity is not None else activity_id


def mentors_for(snapshot: WorkplaceSnapshot, found: list[Need]) -> dict[str, list[str]]:
    """Colleagues at level 4+ matched to trainees, never more trainees per mentor than their places."""
    from tillid.matching.upskilling.mentors import Colleague, MentorRequest, match_mentors

    by_id = {e.employee_id: e for e in snapshot.employees}
    requests = [MentorRequest(n.employee_id, snapshot.workplace_id, tuple(sorted(by_id[n.employee_id].skills.items())),
                              skill)
                for n in found for skill, level in n.target if by_id[n.employee_id].skills.get(skill, 0) < level]
    colleagues = [Colleague(e.employee_id, snapshot.workplace_id, tuple(sorted(e.skills.items())),
                            max_trainees=MENTOR_PLACES)
                  for e in snapshot.employees if any(level >= 4 for level in e.skills.values())]
    if not requests or not colleagues:
        return {}
    mentors: dict[str, set[str]] = defaultdict(set)
    for match in match_mentors(requests, colleagues):
        if match.mentor is not None and match.mentor != match.trainee:
            mentors[match.trainee].add(match.mentor)
    return {trainee: sorted(ids) for trainee, ids in mentors.items()}
