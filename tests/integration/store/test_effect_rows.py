"""The store gathers the effect estimator's rows by the same rules as the in-memory reading of the events."""

from collections import Counter

import pytest

from tests.integration.store.scenario import employee, envelopes, event, organisation
from tillid.store.effects import comparisons, participations
from tillid.store.projection.projector import Projector
from tools.effect_rows import rows_from_events

pytestmark = pytest.mark.services


def assessed(person: str, level: int, on: str, skill: str = "dk:saar") -> dict:
    return event("CompetenceAssessed", f"a-{person}-{skill}-{on}", employee_id=person, skill=skill, level=level,
                 assessed_on=on, evidence="manager")


def history() -> list[dict]:
    people = ["e1", "e2", "e3", "e4", "n1", "n2"]
    events = organisation() + [e for p in people for e in employee(p)] + [
        event("LearningActivityPublished", "la1", activity_id="la1", kind="course", title="Sår", provider="AMU Vest",
              teaches=[{"skill": "dk:saar", "to_level": 3}, {"skill": "dk:hygiejne", "to_level": 2}],
              prerequisites=[], duration_hours=14, cost_dkk=900)]
    for person, passed in (("e1", True), ("e2", True), ("e3", True), ("e4", False)):
        events.append(event("CourseCompleted", f"done-{person}", employee_id=person, activity_id="la1",
                            completed_on="2026-01-10", passed=passed))
    events += [assessed("e1", 1, "2025-12-01"), assessed("e1", 2, "2026-01-10"), assessed("e1", 3, "2026-03-01"),
               assessed("e2", 2, "2026-03-01"), assessed("e2", 3, "2026-08-01"),  # 203 days: too late
               assessed("e3", 1, "2026-02-01", "dk:hygiejne"), assessed("e3", 2, "2026-04-01", "dk:hygiejne"),
               assessed("e4", 1, "2026-01-01"), assessed("e4", 3, "2026-02-01"),  # not passed: a comparison
               assessed("n1", 1, "2026-01-01"), assessed("n1", 3, "2026-05-01"),  # rose without the course
               assessed("n2", 1, "2026-01-01"), assessed("n2", 2, "2026-09-01")]  # too late to count
    return events


async def test_participations_and_comparisons_follow_the_documented_rules(db):
    events = history()
    await Projector().apply(db, envelopes(events))
    expected = rows_from_events(events)
    stored = await participations(db)
    assert sorted(stored, key=repr) == sorted(expected.participations, key=repr)
    assert sum(p.reached for p in stored) == 2  # e1 in saar, e3 in hygiejne
    grouped = Counter()
    for c in expected.comparisons:
        grouped[(c.skill, c.level, c.profession, c.best_level_after)] += c.count
    assert {(c.skill, c.level, c.profession, c.best_level_after): c.count for c in await comparisons(db)} == grouped
    assert grouped[("dk:saar", 1, "sosu_assistent", 3)] == 2  # n1, and e4 whose course was not passed
