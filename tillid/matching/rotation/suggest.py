"""Suggestions for an employee who asks "suggest to me" (an empty ranking).

Slots are scored by learning value (what the slot teaches that the employee
lacks, ``host_ranking.learning_value``) times reachability
``1 / (1 + missing)``, where ``missing`` is the total requirement level the
employee still lacks; a slot that is reachable today has reachability 1.
Slots the employee could never be placed at are left out: no places, same
sector under ``cross_sector_only``, or a host ranking that does not include the
employee. Ties are broken by fewer missing levels, then slot id.

Suggestions are shown to the employee to accept or edit; the solver never
places anyone at a slot they did not rank themselves.
"""

from __future__ import annotations

from operator import attrgetter

from tillid.matching.rotation.host_ranking import learning_value
from tillid.matching.rotation.model import Applicant, RotationInstance, SuggestedSlot, Suggestion

DEFAULT_LIMIT = 5


def suggest_slots(instance: RotationInstance, applicant: Applicant, limit: int = DEFAULT_LIMIT) -> Suggestion:
    skills = dict(applicant.skills)
    host_rankings = dict(instance.host_rankings)
    scored = []
    for slot in instance.slots:
        if slot.capacity == 0:
            continue
        if instance.rules.cross_sector_only and slot.sector == applicant.sector:
            continue
        if slot.id in host_rankings and applicant.id not in host_rankings[slot.id]:
            continue
        missing = tuple((skill, level - skills.get(skill, 0.0))
                        for skill, level in slot.requires if skills.get(skill, 0.0) < level)
        reachability = 1.0 / (1.0 + sum(gap for _, gap in missing))
        learning = learning_value(skills, slot.teaches)
        score = round(learning * reachability, 9)
        scored.append((-score, sum(gap for _, gap in missing), slot.id,
                       SuggestedSlot(slot=slot.id, learning_value=round(learning, 9),
                                     reachability=round(reachability, 9), score=score, missing=missing)))
    scored.sort(key=lambda item: item[:3])
    return Suggestion(applicant=applicant.id, slots=tuple(item[3] for item in scored[:limit]))


def suggestions_for_empty_rankings(instance: RotationInstance, limit: int = DEFAULT_LIMIT) -> tuple[Suggestion, ...]:
    """Suggestions for every applicant whose ranking is empty, sorted by applicant id."""
    asking = sorted((applicant for applicant in instance.applicants if not applicant.ranking), key=attrgetter("id"))
    return tuple(suggest_slots(instance, applicant, limit) for applicant in asking)
