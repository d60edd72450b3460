"""Learning outcomes from the event history: a completed activity, and what a later assessment showed.

For every passed CourseCompleted and every skill the activity teaches, the
level before is the latest assessment of that skill on or before the
completion (0 if none), and the level after is the first assessment after it
within ``window_days``. Completions without a later assessment say nothing
yet and are left out.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from datetime import date
from typing import Any, Iterable, Mapping

from tillid.matching.upskilling.effect import LearningOutcome

WINDOW_DAYS = 365


def outcomes_from_events(events: Iterable[Mapping[str, Any]], window_days: int = WINDOW_DAYS
                         ) -> tuple[LearningOutcome, ...]:
    """Outcomes from event envelopes (dicts with ``type`` and ``payload``), in any order."""
    activities: dict[str, tuple[str, str, dict[str, int]]] = {}
    assessments: dict[tuple[str, str], list[tuple[date, int]]] = defaultdict(list)
    completions: list[tuple[str, str, date]] = []
    for event in events:
        payload, kind = event["payload"], event["type"]
        if kind == "LearningActivityPublished":
            activities[payload["activity_id"]] = (payload["kind"], payload["provider"],
                                                  {t["skill"]: int(t["to_level"]) for t in payload["teaches"]})
        elif kind == "CompetenceAssessed":
            assessments[(payload["employee_id"], payload["skill"])].append(
                (date.fromisoformat(payload["assessed_on"]), int(payload["level"])))
        elif kind == "CourseCompleted" and payload["passed"]:
            completions.append((payload["employee_id"], payload["activity_id"],
                                date.fromisoformat(payload["completed_on"])))
    for history in assessments.values():
        history.sort()
    outcomes = []
    for employee, activity_id, completed_on in sorted(completions):
        if activity_id not in activities:
            continue
        kind, provider, teaches = activities[activity_id]
        for skill, promised in sorted(teaches.items()):
            history = assessments.get((employee, skill), [])
            at = bisect.bisect_right(history, (completed_on, 99))
            before = history[at - 1][1] if at > 0 else 0
            later = [level for day, level in history[at:] if (day - completed_on).days <= window_days]
            if later:
                outcomes.append(LearningOutcome(activity_id, kind, provider, skill, before, promised, later[0]))
    return tuple(outcomes)
