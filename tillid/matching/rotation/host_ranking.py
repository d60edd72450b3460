"""Rank a slot's acceptable applicants when its host gave no ranking.

Score of applicant ``a`` for slot ``s`` (each part in [0, 1]):

- fit = (similarity + margin) / 2, where similarity is the cosine similarity
  of ``a``'s skill levels and ``s``'s required levels (scikit-learn,
  ``DictVectorizer`` + ``paired_cosine_distances``), and margin is the mean
  over required skills of ``min(level - required, 5) / 5`` (how far the
  applicant exceeds the requirement; acceptable applicants meet it).
- learning value = the sum over taught skills of ``max(0, taught - level)``
  divided by ``5 * number of taught skills`` (what the slot teaches that the
  applicant lacks).
- score = (fit + learning value) / 2.

Applicants are ordered by score, highest first (rounded to 9 decimals so that
floating-point noise cannot reorder them), ties broken by applicant id.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from tillid.matching.rotation.model import Applicant, Levels, Slot

_MAX_LEVEL = 5.0


def learning_value(skills: Mapping[str, float], teaches: Levels) -> float:
    """Share in [0, 1] of what ``teaches`` offers above the current ``skills``."""
    if not teaches:
        return 0.0
    gained = sum(max(0.0, level - skills.get(skill, 0.0)) for skill, level in teaches)
    return gained / (_MAX_LEVEL * len(teaches))


def requirement_margin(skills: Mapping[str, float], requires: Levels) -> float:
    if not requires:
        return 0.0
    total = sum(min(max(0.0, skills.get(skill, 0.0) - level), _MAX_LEVEL) for skill, level in requires)
    return total / (_MAX_LEVEL * len(requires))


def requirement_similarity(pairs: Sequence[tuple[Applicant, Slot]]) -> list[float]:
    """Cosine similarity of each applicant's skills to its slot's requirements.

    Each distinct applicant and slot is vectorised once; the pairs index the rows."""
    if not pairs:
        return []
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.metrics.pairwise import paired_cosine_distances

    applicant_row: dict[str, int] = {}
    slot_row: dict[str, int] = {}
    applicant_skills: list[dict[str, float]] = []
    slot_requires: list[dict[str, float]] = []
    for applicant, slot in pairs:
        if applicant.id not in applicant_row:
            applicant_row[applicant.id] = len(applicant_skills)
            applicant_skills.append(dict(applicant.skills))
        if slot.id not in slot_row:
            slot_row[slot.id] = len(slot_requires)
            slot_requires.append(dict(slot.requires))
    vectorizer = DictVectorizer(sparse=True, sort=True).fit(applicant_skills + slot_requires)
    if not vectorizer.feature_names_:
        return [0.0] * len(pairs)
    applicants = vectorizer.transform(applicant_skills)[[applicant_row[a.id] for a, _ in pairs]]
    requirements = vectorizer.transform(slot_requires)[[slot_row[s.id] for _, s in pairs]]
    return (1.0 - paired_cosine_distances(applicants, requirements)).tolist()


def rank_applicants(slots_and_candidates: Sequence[tuple[Slot, Sequence[Applicant]]]) -> dict[str, tuple[str, ...]]:
    """For each slot, its candidates ordered best first by fit and learning value."""
    pairs = [(applicant, slot) for slot, candidates in slots_and_candidates for applicant in candidates]
    similarities = iter(requirement_similarity(pairs))
    rankings: dict[str, tuple[str, ...]] = {}
    skills_of: dict[str, dict[str, float]] = {}
    for slot, candidates in slots_and_candidates:
        scored = []
        for applicant in candidates:
            skills = skills_of.get(applicant.id)
            if skills is None:
                skills = skills_of[applicant.id] = dict(applicant.skills)
            fit = (next(similarities) + requirement_margin(skills, slot.requires)) / 2.0
            score = (fit + learning_value(skills, slot.teaches)) / 2.0
            scored.append((-round(score, 9), applicant.id))
        scored.sort()
        rankings[slot.id] = tuple(applicant_id for _, applicant_id in scored)
    return rankings
