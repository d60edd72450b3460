"""Seeded generator of LEON benchmark instances (contract format, realistic figures).

Professions and hourly costs follow docs/reference/public-sector-facts.md.
Tasks belong to an area (care, day care, hospital, social work, administration);
each is authorised for one to three professions of its area, requires one or
two of the area's skills at level 1-3, and about a third can be delegated to one
more profession after a named activity. Documentation and registration tasks
are open to most professions (the reverse LEON case). Employees carry their
area's skills at random levels and have completed some delegations.
"""

from __future__ import annotations

import random

PROFESSIONS = {
    "sosu_hjaelper": 255.0, "sosu_assistent": 285.0, "sygeplejerske": 345.0,
    "ergoterapeut": 335.0, "fysioterapeut": 335.0, "paedagogmedhjaelper": 245.0,
    "paedagog": 320.0, "hk_admin": 290.0, "akademiker": 410.0, "laege": 620.0,
    "laegesekretaer": 300.0, "socialraadgiver": 350.0,
}

AREAS = {
    "care": (["sosu_hjaelper", "sosu_assistent", "sygeplejerske", "ergoterapeut", "fysioterapeut"],
             ["medicin", "saarpleje", "forflytning", "demens", "hygiejne", "rehabilitering", "ernaering"]),
    "daycare": (["paedagogmedhjaelper", "paedagog"],
                ["sprog", "motorik", "inklusion", "foraeldresamarbejde"]),
    "hospital": (["sygeplejerske", "laege", "laegesekretaer", "sosu_assistent"],
                 ["medicin", "blodproever", "journalfoering", "diagnostik", "akut"]),
    "social": (["socialraadgiver", "akademiker", "hk_admin"],
               ["forvaltningsret", "sagsbehandling", "samtale", "journalfoering"]),
    "admin": (["hk_admin", "akademiker", "laegesekretaer"],
              ["journalfoering", "planlaegning", "oekonomi", "digital-forvaltning"]),
}

# Employees per profession, roughly as in a municipality plus a hospital.
WEIGHTS = {
    "sosu_hjaelper": 18, "sosu_assistent": 20, "sygeplejerske": 14, "ergoterapeut": 3,
    "fysioterapeut": 3, "paedagogmedhjaelper": 9, "paedagog": 12, "hk_admin": 8,
    "akademiker": 5, "laege": 3, "laegesekretaer": 3, "socialraadgiver": 4,
}


def generate(employees: int, tasks: int = 300, seed: int = 1, current: bool = False,
             activities: bool = False, penalty: float = 15.0, load: float = 0.7) -> dict:
    rng = random.Random(seed)
    area_names = sorted(AREAS)
    task_list = []
    delegations: list[str] = []
    for j in range(tasks):
        area = area_names[j % len(area_names)]
        professions, skills = AREAS[area]
        entry = {"id": f"t{j:04d}", "hours": 0.0,
                 "requires": {s: rng.randint(2, 4) for s in rng.sample(skills, rng.randint(1, 2))}}
        if j % 25 == 0:
            entry["authorised"] = sorted(PROFESSIONS)        # documentation, registration
            entry["requires"] = {"journalfoering": rng.randint(2, 3)}
        else:
            entry["authorised"] = sorted(rng.sample(professions, rng.randint(1, min(2, len(professions)))))
        # Delegation goes down the cost ladder where the area has a cheaper profession.
        cheapest = min(PROFESSIONS[p] for p in entry["authorised"])
        others = ([p for p in professions if PROFESSIONS[p] < cheapest]
                  or [p for p in professions if p not in entry["authorised"]])
        if others and rng.random() < 0.5:
            activity = f"delegation-{area}-{len(delegations) % 12:02d}"
            delegations.append(activity)
            entry["conditional"] = [{"profession": rng.choice(others), "requires_activity": activity}]
        task_list.append(entry)
    delegation_ids = sorted(set(delegations))

    names, weights = zip(*sorted(WEIGHTS.items()))
    open_after: dict[str, list[str]] = {}
    for entry in task_list:
        for rule in entry.get("conditional", []):
            open_after.setdefault(rule["profession"], []).append(rule["requires_activity"])
    open_after = {p: sorted(set(a)) for p, a in open_after.items()}
    areas_of = {p: [a for a in area_names if p in AREAS[a][0]] for p in PROFESSIONS}
    people = []
    for i in range(employees):
        profession = rng.choices(names, weights)[0]
        skills = {}
        for area in areas_of[profession]:
            for skill in AREAS[area][1]:
                skills[skill] = max(skills.get(skill, 0), rng.choice([0, 1, 2, 2, 3, 3, 3, 4, 4, 5]))
        skills["journalfoering"] = max(skills.get("journalfoering", 0), rng.randint(1, 4))
        completed = [a for a in open_after.get(profession, []) if rng.random() < 0.35]
        people.append({"id": f"e{i:06d}", "profession": profession,
                       "capacity_hours": rng.choice([37.0, 37.0, 37.0, 32.0, 30.0, 25.0]),
                       "skills": skills, "completed": completed})

    capacity = sum(p["capacity_hours"] for p in people)
    shares = [rng.uniform(0.5, 1.5) for _ in task_list]
    for entry, share in zip(task_list, shares):
        entry["hours"] = round(load * capacity * share / sum(shares) * 2) / 2   # half hours

    data = {"professions": {p: {"hourly_cost": c} for p, c in sorted(PROFESSIONS.items())},
            "employees": people, "tasks": task_list}
    if current:
        data["current"] = _current(rng, people, task_list)
        data["change_penalty_per_hour"] = penalty
    if activities:
        data["activities"] = [{"id": a, "cost_dkk": float(rng.choice([1200, 2400, 4800, 9600])),
                               "duration_hours": float(rng.choice([7, 14, 37]))} for a in delegation_ids]
    return data


def _current(rng: random.Random, people: list[dict], tasks: list[dict]) -> list[dict]:
    """A plausible present allocation: each employee on two or three tasks open to the profession."""
    open_to: dict[str, list[str]] = {}
    for entry in tasks:
        for profession in entry["authorised"]:
            open_to.setdefault(profession, []).append(entry["id"])
    rows = []
    for person in people:
        choices = open_to.get(person["profession"], [])
        picked = sorted(rng.sample(choices, min(len(choices), rng.randint(2, 3))))
        split = person["capacity_hours"] / max(1, len(picked))
        rows.extend({"employee": person["id"], "task": t, "hours": round(split * 2) / 2} for t in picked)
    return rows
