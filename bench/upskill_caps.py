"""How many path searches the funds' yearly caps cost a workplace (docs/upskilling.md, "Funds and net cost").

A seeded 50-person workplace (two professions, a 120-activity catalogue, the
municipal and the state fund) is planned as the re-matcher does it
(``upskill_instances``, ``solve`` on each instance, ``upskilling_proposal``),
with nobody, some and everyone having received refunds this year. Prints the
number of searches (instances) and the median time of a planning round;
needs and mentors are worked out once, outside the timing.

    .venv/bin/python -m bench.upskill_caps [--repeat 15] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from dataclasses import replace

from bench.upskill import catalogue
from tillid.competence.model import Fund
from tillid.matching import upskilling
from tillid.matching.proposals.snapshot import (ActivityFacts, EmployeeFacts, ProfessionFacts, TaskFacts,
                                                WorkplaceSnapshot)
from tillid.matching.proposals.upskilling import mentors_for, needs, upskill_instances, upskilling_proposal

FUNDS = (Fund("fund-kommunal", "Den Kommunale Kompetencefond", ("municipality",), ("fee",), 0.8, 30_000.0,
              budget_dkk=1_800_000.0),
         Fund("fund-statens", "Statens Kompetencefond", ("municipality",), ("fee",), 1.0, 25_000.0,
              kinds=("course",)))


def workplace(seed: int) -> WorkplaceSnapshot:
    rng = random.Random(seed)
    activities = {a["id"]: ActivityFacts(a["id"], a["kind"], a["id"], a["teaches"], a["prerequisites"],
                                         a["duration_hours"], a["cost_dkk"], a["provider"])
                  for a in catalogue(rng, 120, 3, 5)}
    skills = [f"d{d}s{k}" for d in range(3) for k in range(5)]
    tasks = tuple(TaskFacts(f"t{i}", f"T{i}", f"T{i}", 10.0, {s: 3 for s in rng.sample(skills, 2)},
                            ("ssa", "syg"), {}) for i in range(6))
    people = tuple(EmployeeFacts(f"e{i:03d}", rng.choice(["ssa", "syg"]), 37.0,
                                 {s: rng.choice([0, 1, 1, 2]) for s in skills},
                                 learning_interests=tuple(rng.sample(skills, 3)))
                   for i in range(50))
    professions = {"ssa": ProfessionFacts("ssa", "SOSU-assistent", "Assistant", 285.0),
                   "syg": ProfessionFacts("syg", "Sygeplejerske", "Nurse", 345.0)}
    return WorkplaceSnapshot("wp", "Plejecenter", "org", "med", "municipality", professions, people, tasks,
                             tuple((e.employee_id, "t0", 1.0) for e in people), activities, funds=FUNDS,
                             jobrotation_dkk_per_hour=189.51)


def scenarios(snapshot: WorkplaceSnapshot) -> list[tuple[str, WorkplaceSnapshot]]:
    """Nobody, 10 people with one course, 10 near or at the municipal cap, all 50 near it (7 situations)."""
    courses = sorted((a for a in snapshot.activities.values() if a.kind == "course" and a.cost_dkk > 0),
                     key=lambda a: (-a.cost_dkk, a.activity_id))
    people = snapshot.employees
    return [
        ("nobody received anything", snapshot),
        ("10 of 50 received one course", replace(snapshot, completed_this_year={
            e.employee_id: (courses[-1 - i].activity_id,) for i, e in enumerate(people[:10])})),
        ("10 of 50 near or at the cap", replace(snapshot, completed_this_year={
            e.employee_id: tuple(a.activity_id for a in courses[i:i + 3]) for i, e in enumerate(people[:10])})),
        ("all 50 near the cap", replace(snapshot, completed_this_year={
            e.employee_id: tuple(a.activity_id for a in courses[i % 7:i % 7 + 2]) for i, e in enumerate(people)})),
    ]


def planning_round(snapshot: WorkplaceSnapshot, found, mentors) -> int:
    instances = upskill_instances(snapshot, found, mentors)
    upskilling_proposal(snapshot, [upskilling.solve(i) for i in instances], found)
    return len(instances)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench.upskill_caps")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    print("| situation | searches | median ms |\n|---|---|---|")
    for name, snapshot in scenarios(workplace(args.seed)):
        found = needs(snapshot, None)
        mentors = mentors_for(snapshot, found)
        times, searches = [], 0
        for _ in range(args.repeat):
            start = time.perf_counter()
            searches = planning_round(snapshot, found, mentors)
            times.append(time.perf_counter() - start)
        print(f"| {name} | {searches} | {1000 * statistics.median(times):.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
