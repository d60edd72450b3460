"""The effect estimator's rows from an event history, in memory (the store gathers the same rows in SQL).

Not part of the product (the worker and the review service read the rows from
``tillid.store.effects``): it is the reading of the events where there is no
database, for ``tools/effect_quality.py`` (the held-out AUC and Brier in
docs/upskilling.md), the test that the estimator recovers the demo data's
planted effects, and the integration test that the store's SQL follows the
same rules. The rules are those of ``tillid.store.effects``:

- a ``Participation`` per passed ``CourseCompleted`` and skill the activity
  teaches: the level before is the latest assessment on or before the
  completion (0 if none); reached = some assessment within ``WINDOW_DAYS``
  after the completion is at or above the promised level;
- a ``Comparison`` per assessment of an employee who completed nothing
  teaching that skill in the ``WINDOW_DAYS`` after it: the best level
  assessed in that window (the level itself if nothing was assessed).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable, Mapping

from tillid.matching.upskilling.effect_estimate import (
    WINDOW_DAYS,
    CatalogueEntry,
    Comparison,
    Participation,
)


@dataclass(frozen=True)
class EffectRows:
    catalogue: tuple[CatalogueEntry, ...]
    participations: tuple[Participation, ...]
    comparisons: tuple[Comparison, ...]


def rows_from_events(events: Iterable[Mapping[str, Any]], window_days: int = WINDOW_DAYS) -> EffectRows:
    """Rows from event envelopes (dicts with ``type`` and ``payload``), in any order."""
    activities: dict[str, tuple[str, str, dict[str, int]]] = {}
    professions: dict[str, str] = {}
    assessments: dict[tuple[str, str], list[tuple[date, int]]] = defaultdict(list)
    completions: list[tuple[str, str, date]] = []
    for event in events:
        payload, kind = event["payload"], event["type"]
        if kind == "LearningActivityPublished":
            activities[payload["activity_id"]] = (payload["provider"], payload["kind"],
                                                  {t["skill"]: int(t["to_level"]) for t in payload["teaches"]})
        elif kind == "EmployeeUpserted":
            professions[payload["employee_id"]] = payload["profession_id"]
        elif kind == "CompetenceAssessed":
            assessments[(payload["employee_id"], payload["skill"])].append(
                (date.fromisoformat(payload["assessed_on"]), int(payload["level"])))
        elif kind == "CourseCompleted" and payload["passed"]:
            completions.append((payload["employee_id"], payload["activity_id"],
                                date.fromisoformat(payload["completed_on"])))
    for history in assessments.values():
        history.sort()
    taken: dict[tuple[str, str], list[date]] = defaultdict(list)
    participations = []
    for employee, activity_id, completed_on in sorted(completions):
        if activity_id not in activities:
            continue
        provider, kind, teaches = activities[activity_id]
        for skill, promised in sorted(teaches.items()):
            taken[(employee, skill)].append(completed_on)
            history = assessments.get((employee, skill), [])
            earlier = [level for day, level in history if day <= completed_on]
            before = earlier[-1] if earlier else 0
            reached = any(completed_on < day <= _plus(completed_on, window_days) and level >= promised
                          for day, level in history)
            participations.append(Participation(activity_id, provider, kind, skill, before, promised,
                                                professions.get(employee, ""), completed_on.isoformat(), reached))
    comparisons = []
    for (employee, skill), history in sorted(assessments.items()):
        for day, level in history:
            end = _plus(day, window_days)
            if any(day <= completed <= end for completed in taken.get((employee, skill), ())):
                continue
            best = max([level] + [later for when, later in history if day < when <= end])
            comparisons.append(Comparison(skill, level, professions.get(employee, ""), best))
    catalogue = tuple(CatalogueEntry(a, provider, kind) for a, (provider, kind, _) in sorted(activities.items()))
    return EffectRows(catalogue, tuple(participations), tuple(comparisons))


def _plus(day: date, days: int) -> date:
    return date.fromordinal(day.toordinal() + days)
