"""Read the store into the snapshots the re-matcher proposes from (tillid.matching.proposals.snapshot)."""

from __future__ import annotations

import asyncio
import json
import math
from collections import defaultdict

from tillid.competence.model import AuthorisationRule, Fund, SkillRequirement, Task, effective_authorisation
from tillid.matching.upskilling.effect_estimate import EffectEstimate
from tillid.matching.upskilling.funds import DEFAULT_JOBROTATION_DKK_PER_HOUR
from tillid.matching.proposals.snapshot import (
    ActivityFacts,
    ApplicantFacts,
    EmployeeFacts,
    FreedHours,
    NeedElsewhere,
    ProfessionFacts,
    RotationSnapshot,
    SlotFacts,
    TaskFacts,
    WorkplaceSnapshot,
)
from tillid.store.answers import DEFAULT_DECLINE_QUIET_DAYS, OPEN_DISPUTE, disputed_skills, quiet_needs
from tillid.store.effects import EffectCache

# At most this share of a workplace's staff away on rotation at once (at least one person).
MAX_AWAY_SHARE = 0.05
# A snapshot names at most this many unstaffed task hours elsewhere in the organisation.
NEEDED_ELSEWHERE_SHOWN = 50


def _levels(value) -> dict[str, int]:
    data = json.loads(value) if isinstance(value, str) else value
    return {k: int(v) for k, v in sorted(data.items())}


async def professions(conn) -> dict[str, ProfessionFacts]:
    return {r["profession_id"]: ProfessionFacts(r["profession_id"], r["title_da"], r["title_en"],
                                                 r["hourly_cost_dkk"])
            for r in await conn.fetch("SELECT * FROM professions ORDER BY profession_id")}


async def activities(conn) -> dict[str, ActivityFacts]:
    return {r["activity_id"]: ActivityFacts(r["activity_id"], r["kind"], r["title"], _levels(r["teaches"]),
                                            _levels(r["prerequisites"]), r["duration_hours"], r["cost_dkk"],
                                            r["provider"])
            for r in await conn.fetch("SELECT * FROM learning_activities WHERE NOT withdrawn ORDER BY activity_id")}


async def funds(conn) -> tuple[Fund, ...]:
    """The published funds, with what each has left (the latest balance reported, or its budget)."""
    return tuple(Fund(r["fund_id"], r["name"], tuple(r["sectors"]), tuple(r["covers"]), r["share"],
                      r["cap_dkk_per_employee_year"], None if r["kinds"] is None else tuple(r["kinds"]),
                      r["remaining_dkk"], None if r["professions"] is None else tuple(r["professions"]))
                 for r in await conn.fetch("SELECT * FROM funds ORDER BY fund_id"))


async def completed_this_year(conn, employee_ids: list[str]) -> dict[str, tuple[str, ...]]:
    """Per employee, the activities passed since 1 January (what funds already refunded), oldest first."""
    completed: dict[str, list[str]] = defaultdict(list)
    for r in await conn.fetch("""SELECT employee_id, activity_id FROM course_completions
                                 WHERE passed AND employee_id = ANY($1::text[])
                                   AND completed_on >= date_trunc('year', current_date)::date
                                 ORDER BY employee_id, completed_on, activity_id, event_id""", employee_ids):
        completed[r["employee_id"]].append(r["activity_id"])
    return {employee: tuple(ids) for employee, ids in completed.items()}


async def skills_of(conn, employee_ids: list[str]) -> dict[str, dict[str, int]]:
    """The competences matching may use: an entry the person disputes is left out until it is assessed again."""
    skills: dict[str, dict[str, int]] = defaultdict(dict)
    for r in await conn.fetch(f"""SELECT c.employee_id, c.skill_id, c.level FROM competences c
                                  WHERE c.employee_id = ANY($1::text[]) AND NOT EXISTS (
                                      SELECT 1 FROM competence_disputes d WHERE d.employee_id = c.employee_id
                                      AND d.skill_id = c.skill_id AND {OPEN_DISPUTE})
                                  ORDER BY c.employee_id, c.skill_id""", employee_ids):
        skills[r["employee_id"]][r["skill_id"]] = r["level"]
    return skills


class RoundFacts:
    """What the snapshots of one re-matching round share, each read once: the learning catalogue, the
    professions, the open slots, and each organisation's unstaffed hours (one aggregate over all its
    workplaces' assignments, the costliest read of a snapshot when repeated per workplace)."""

    def __init__(self, catalogue: dict[str, ActivityFacts], known_professions: dict[str, ProfessionFacts],
                 effects: dict[str, EffectEstimate] | None = None, known_funds: tuple[Fund, ...] = (),
                 jobrotation_dkk_per_hour: float = DEFAULT_JOBROTATION_DKK_PER_HOUR) -> None:
        self.catalogue = catalogue
        self.professions = known_professions
        self.effects = effects or {}
        self.funds = known_funds
        self.jobrotation_dkk_per_hour = jobrotation_dkk_per_hour
        self._open_hours: dict[str, tuple[NeedElsewhere, ...]] = {}
        self._slots: tuple[SlotFacts, ...] | None = None
        self._reading = asyncio.Lock()  # snapshots taken concurrently share one read

    @classmethod
    async def read(cls, conn, effects: EffectCache | None = None,
                   jobrotation_dkk_per_hour: float = DEFAULT_JOBROTATION_DKK_PER_HOUR) -> RoundFacts:
        """The round's shared facts; effect estimates from ``effects`` (read afresh without one)."""
        estimates = await (effects or EffectCache()).get(conn)
        return cls(await activities(conn), await professions(conn), estimates, await funds(conn),
                   jobrotation_dkk_per_hour)

    async def needed_elsewhere(self, conn, organisation: str, workplace_id: str) -> tuple[NeedElsewhere, ...]:
        """Task hours at the organisation's other workplaces that nobody is assigned to today, most first."""
        async with self._reading:
            if organisation not in self._open_hours:
                self._open_hours[organisation] = await _open_hours(conn, organisation)
        return tuple(n for n in self._open_hours[organisation]
                     if n.workplace_id != workplace_id)[:NEEDED_ELSEWHERE_SHOWN]

    async def open_slots(self, conn) -> tuple[SlotFacts, ...]:
        async with self._reading:
            if self._slots is None:
                self._slots = await open_slots(conn)
        return self._slots


async def workplace_snapshot(conn, workplace_id: str, source_events: tuple[str, ...] = (),
                             facts: RoundFacts | None = None, *,
                             decline_quiet_days: int = DEFAULT_DECLINE_QUIET_DAYS) -> WorkplaceSnapshot | None:
    facts = facts if facts is not None else await RoundFacts.read(conn)
    place = await conn.fetchrow("SELECT * FROM workplaces WHERE workplace_id = $1", workplace_id)
    if place is None:
        return None
    organisation = place["organisation_id"]
    staff = await conn.fetch("""SELECT * FROM employees WHERE workplace_id = $1 AND left_on IS NULL
                                ORDER BY employee_id""", workplace_id)
    ids = [r["employee_id"] for r in staff]
    skills = await skills_of(conn, ids)
    completed: dict[str, list[str]] = defaultdict(list)
    for r in await conn.fetch("""SELECT DISTINCT employee_id, activity_id FROM course_completions
                                 WHERE passed AND employee_id = ANY($1::text[]) ORDER BY 1, 2""", ids):
        completed[r["employee_id"]].append(r["activity_id"])
    quiet = await quiet_needs(conn, ids, decline_quiet_days)
    disputed = await disputed_skills(conn, ids)
    this_year = await completed_this_year(conn, ids)
    employees = tuple(EmployeeFacts(r["employee_id"], r["profession_id"], r["weekly_hours"],
                                    skills.get(r["employee_id"], {}), tuple(completed.get(r["employee_id"], [])),
                                    tuple(r["learning_interests"]), r["age_band"],
                                    quiet=dict(quiet.get(r["employee_id"], {})),
                                    disputed=tuple(sorted(disputed.get(r["employee_id"], ()))))
                      for r in staff)
    tasks = await _tasks(conn, workplace_id, organisation)
    current = tuple((r["employee_id"], r["task_id"], r["hours_per_week"]) for r in await conn.fetch(
        """SELECT a.employee_id, a.task_id, a.hours_per_week FROM task_assignments a
           JOIN employees e USING (employee_id)
           WHERE a.workplace_id = $1 AND e.left_on IS NULL ORDER BY 1, 2""", workplace_id))
    freed = tuple(FreedHours(r["change_id"], r["description"], r["task_id"], r["hours"]) for r in await conn.fetch(
        """SELECT f.change_id, c.description, f.task_id, f.hours FROM freed_hours f
           JOIN digitalisation_changes c USING (change_id) WHERE f.workplace_id = $1
           ORDER BY f.change_id, f.task_id""", workplace_id))
    needed, slots = ((), ())
    if freed or _reported_beyond_demand(tasks, current):
        needed = await facts.needed_elsewhere(conn, organisation, workplace_id)
        slots = await facts.open_slots(conn)
    return WorkplaceSnapshot(
        workplace_id=workplace_id, name=place["name"], organisation_id=organisation,
        committee_id=place["committee_id"], sector=place["sector"],
        professions=facts.professions,
        employees=employees, tasks=tasks, current=current,
        activities=facts.catalogue,
        freed=freed, needed_elsewhere=needed, open_slots=slots, source_events=tuple(source_events),
        effects=facts.effects, funds=facts.funds, jobrotation_dkk_per_hour=facts.jobrotation_dkk_per_hour,
        completed_this_year=this_year)


def _reported_beyond_demand(tasks: tuple[TaskFacts, ...], current: tuple[tuple[str, str, float], ...]) -> bool:
    """Whether people report more hours on some task than it needs: a LEON proposal then says where such
    competences are needed (as for hours a digitalisation change freed)."""
    reported: dict[str, float] = defaultdict(float)
    for _, task, hours in current:
        reported[task] += hours
    return any(reported[t.task_id] > t.hours for t in tasks)


async def _tasks(conn, workplace_id: str, organisation: str) -> tuple[TaskFacts, ...]:
    rows = await conn.fetch(
        """SELECT t.*, d.hours_per_week FROM task_demand d JOIN tasks t USING (task_id)
           WHERE d.workplace_id = $1 AND d.hours_per_week > 0
             AND NOT EXISTS (SELECT 1 FROM retired_tasks r WHERE r.organisation_id = $2 AND r.task_id = t.task_id)
           ORDER BY t.task_id""", workplace_id, organisation)
    task_ids = [r["task_id"] for r in rows]
    rules: dict[str, list[AuthorisationRule]] = defaultdict(list)
    for r in await conn.fetch("""SELECT * FROM authorisation_rules WHERE organisation_id = $1
                                 AND task_id = ANY($2::text[]) ORDER BY task_id, profession_id""",
                              organisation, task_ids):
        rules[r["task_id"]].append(AuthorisationRule(organisation, r["task_id"], r["profession_id"], r["allowed"],
                                                     r["requires_activity_id"], r["note"]))
    added: dict[str, dict[str, int]] = defaultdict(dict)
    for r in await conn.fetch("""SELECT task_id, skill_id, min_level FROM local_requirements
                                 WHERE organisation_id = $1 AND task_id = ANY($2::text[])""", organisation, task_ids):
        added[r["task_id"]][r["skill_id"]] = r["min_level"]
    tasks = []
    for r in rows:
        required = json.loads(r["required_skills"]) if isinstance(r["required_skills"], str) else r["required_skills"]
        task = Task(r["task_id"], r["name_da"], r["name_en"],
                    tuple(SkillRequirement(x["skill"], x["min_level"]) for x in required),
                    tuple(r["authorised_professions"]), r["administrative"])
        authorisation = effective_authorisation(task, rules[r["task_id"]])
        requires = {x["skill"]: x["min_level"] for x in required}
        for skill, level in added[r["task_id"]].items():
            requires[skill] = max(level, requires.get(skill, 0))
        tasks.append(TaskFacts(
            task_id=task.task_id, name_da=task.name_da, name_en=task.name_en, hours=r["hours_per_week"],
            requires=dict(sorted(requires.items())), allowed=tuple(authorisation.allowed),
            conditional=dict(authorisation.conditional), added_requirements=dict(added[r["task_id"]]),
            rule_notes={rule.profession_id: rule.note or "" for rule in rules[r["task_id"]]},
            administrative=task.administrative))
    return tuple(tasks)


async def _open_hours(conn, organisation: str) -> tuple[NeedElsewhere, ...]:
    rows = await conn.fetch(
        """SELECT d.workplace_id, w.name, d.task_id, d.hours_per_week - coalesce(a.hours, 0) AS open_hours
           FROM task_demand d JOIN workplaces w USING (workplace_id)
           LEFT JOIN (SELECT workplace_id, task_id, sum(hours_per_week) AS hours FROM task_assignments
                      WHERE workplace_id IN (SELECT workplace_id FROM workplaces WHERE organisation_id = $1)
                      GROUP BY workplace_id, task_id) a USING (workplace_id, task_id)
           WHERE w.organisation_id = $1 AND d.hours_per_week - coalesce(a.hours, 0) > 0.5
             AND NOT EXISTS (SELECT 1 FROM retired_tasks r WHERE r.organisation_id = $1 AND r.task_id = d.task_id)
           ORDER BY open_hours DESC, d.workplace_id, d.task_id""", organisation)
    return tuple(NeedElsewhere(r["workplace_id"], r["name"], r["task_id"], r["open_hours"]) for r in rows)


async def open_slots(conn) -> tuple[SlotFacts, ...]:
    return tuple(SlotFacts(r["slot_id"], r["title"], r["host_workplace_id"], r["sector"], r["organisation_id"],
                           r["capacity"], r["weeks"], _levels(r["requires"]), _levels(r["teaches"]))
                 for r in await conn.fetch(
                     """SELECT s.*, w.sector, w.organisation_id FROM rotation_slots s
                        JOIN workplaces w ON w.workplace_id = s.host_workplace_id
                        WHERE NOT s.withdrawn AND s.capacity > 0 ORDER BY s.slot_id"""))


async def rotation_snapshot(conn, source_events: tuple[str, ...] = ()) -> RotationSnapshot:
    slots = await open_slots(conn)
    rows = await conn.fetch(
        """SELECT i.employee_id, i.ranked_slot_ids, i.max_weeks, e.workplace_id, e.profession_id,
                  w.sector, w.organisation_id, w.committee_id
           FROM rotation_interests i JOIN employees e USING (employee_id)
           JOIN workplaces w ON w.workplace_id = e.workplace_id
           WHERE e.left_on IS NULL ORDER BY i.employee_id""")
    skills = await skills_of(conn, [r["employee_id"] for r in rows])
    applicants = tuple(ApplicantFacts(r["employee_id"], r["workplace_id"], r["sector"], r["organisation_id"],
                                      r["committee_id"], r["profession_id"], skills.get(r["employee_id"], {}),
                                      tuple(r["ranked_slot_ids"]), r["max_weeks"]) for r in rows)
    homes = sorted({a.home_workplace_id for a in applicants})
    caps = {r["workplace_id"]: max(1, math.floor(r["staff"] * MAX_AWAY_SHARE)) for r in await conn.fetch(
        """SELECT workplace_id, count(*) AS staff FROM employees WHERE workplace_id = ANY($1::text[])
           AND left_on IS NULL GROUP BY workplace_id""", homes)}
    return RotationSnapshot(slots=slots, applicants=applicants, max_away_per_workplace=caps,
                            source_events=tuple(source_events))
