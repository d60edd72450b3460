"""Mentor matching for peer training (sidemandsoplæring).

A mentor for a skill is a colleague at level 4 or more in it, with spare
capacity for trainees. Candidates at the trainee's own workplace come first;
among them, colleagues whose whole competence profile is closer to the
trainee's rank higher (scikit-learn nearest neighbours, cosine distance over
competence vectors), and a mentor with more spare capacity is cheaper to load.
The assignment of mentors to all requests at once is an optimal assignment
(scipy's ``linear_sum_assignment``) in which each mentor appears once per free
place, so no mentor is proposed for more trainees than they can take.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.neighbors import NearestNeighbors

from tillid.matching.upskilling.model import MAX_LEVEL, Levels

MENTOR_LEVEL = 4
_LOAD_WEIGHT = 0.1


@dataclass(frozen=True)
class Colleague:
    """A possible mentor. ``max_trainees`` places in all, ``current_trainees`` already taken."""

    id: str
    workplace: str
    skills: Levels
    max_trainees: int = 1
    current_trainees: int = 0

    @property
    def spare(self) -> int:
        return max(0, self.max_trainees - self.current_trainees)

    def level(self, skill: str) -> int:
        return dict(self.skills).get(skill, 0)


@dataclass(frozen=True)
class MentorRequest:
    """A trainee who needs a mentor in ``skill`` (a peer-training step of their path)."""

    trainee: str
    workplace: str
    skills: Levels
    skill: str


@dataclass(frozen=True)
class MentorCandidate:
    mentor: str
    same_workplace: bool
    similarity: float
    spare: int


@dataclass(frozen=True)
class MentorMatch:
    trainee: str
    skill: str
    mentor: str | None
    same_workplace: bool
    similarity: float
    reason: str


def competence_matrix(profiles: Sequence[Levels], skills: Sequence[str]) -> np.ndarray:
    """Rows of levels / 5 over ``skills`` (missing skills are 0)."""
    column = {skill: j for j, skill in enumerate(skills)}
    matrix = np.zeros((len(profiles), len(skills)))
    for i, profile in enumerate(profiles):
        for skill, level in profile:
            if skill in column:
                matrix[i, column[skill]] = level / MAX_LEVEL
    return matrix


def rank_mentors(request: MentorRequest, colleagues: Sequence[Colleague], *, min_level: int = MENTOR_LEVEL) -> tuple[MentorCandidate, ...]:
    """Eligible mentors for one request, best first: same workplace, then similarity, then spare places, then id."""
    eligible = sorted(
        (c for c in colleagues if c.id != request.trainee and c.level(request.skill) >= min_level and c.spare > 0),
        key=lambda c: c.id,
    )
    if not eligible:
        return ()
    similarity = _similarities(request, eligible)
    candidates = [
        MentorCandidate(c.id, c.workplace == request.workplace, s, c.spare) for c, s in zip(eligible, similarity)
    ]
    return tuple(sorted(candidates, key=lambda m: (not m.same_workplace, -m.similarity, -m.spare, m.mentor)))


def match_mentors(
    requests: Sequence[MentorRequest],
    colleagues: Sequence[Colleague],
    *,
    min_level: int = MENTOR_LEVEL,
) -> tuple[MentorMatch, ...]:
    """One mentor (or none) per request, respecting every mentor's spare places; sorted by trainee and skill.

    The assignment is lexicographic over all requests together: first as many
    requests with a mentor as possible, then as many at the trainee's own
    workplace as possible, then the least sum of (1 - similarity) plus a small
    cost that grows as a mentor's places fill up (so load spreads to mentors
    with more spare capacity). The weights below make it so: each request's
    similarity-and-load part is below 1 + _LOAD_WEIGHT.
    """
    ordered_requests = sorted(requests, key=lambda r: (r.trainee, r.skill, r.workplace))
    by_id = sorted(colleagues, key=lambda c: c.id)
    slots = [(c, place) for c in by_id for place in range(c.spare)]
    if not ordered_requests:
        return ()
    ranked = [
        {m.mentor: m for m in rank_mentors(r, by_id, min_level=min_level)} for r in ordered_requests
    ]
    per_request = 1.0 + _LOAD_WEIGHT
    other_workplace = per_request * len(ordered_requests) + 1.0
    no_mentor = (other_workplace + per_request) * len(ordered_requests) + 1.0
    forbidden = no_mentor * (len(ordered_requests) + 1)
    cost = np.full((len(ordered_requests), len(slots) + len(ordered_requests)), forbidden)
    for i, candidates in enumerate(ranked):
        for j, (colleague, place) in enumerate(slots):
            candidate = candidates.get(colleague.id)
            if candidate is None:
                continue
            load = (colleague.current_trainees + place + 1) / max(colleague.max_trainees, 1)
            elsewhere = 0.0 if candidate.same_workplace else other_workplace
            cost[i, j] = elsewhere + (1.0 - candidate.similarity) + _LOAD_WEIGHT * load
        cost[i, len(slots) + i] = no_mentor
    rows, columns = linear_sum_assignment(cost)
    matches = []
    for i, j in zip(rows, columns):
        request = ordered_requests[i]
        if j >= len(slots):
            matches.append(MentorMatch(request.trainee, request.skill, None, False, 0.0,
                                       f"no colleague at level {min_level}+ in {request.skill} has a free place"))
            continue
        candidate = ranked[i][slots[j][0].id]
        where = "same workplace" if candidate.same_workplace else "another workplace"
        matches.append(MentorMatch(
            request.trainee, request.skill, candidate.mentor, candidate.same_workplace, candidate.similarity,
            f"level {slots[j][0].level(request.skill)} in {request.skill}, {where}, "
            f"competence similarity {candidate.similarity:.2f}",
        ))
    return tuple(matches)


def _similarities(request: MentorRequest, eligible: Sequence[Colleague]) -> list[float]:
    """Cosine similarity of the trainee's competence vector to each eligible mentor's (nearest neighbours)."""
    skills = sorted({s for c in eligible for s, _ in c.skills} | {s for s, _ in request.skills})
    mentors = competence_matrix([c.skills for c in eligible], skills)
    trainee = competence_matrix([request.skills], skills)
    if not trainee.any():
        return [0.0] * len(eligible)
    search = NearestNeighbors(n_neighbors=len(eligible), metric="cosine", algorithm="brute").fit(mentors)
    distances, indices = search.kneighbors(trainee)
    similarity = [0.0] * len(eligible)
    for distance, index in zip(distances[0], indices[0]):
        similarity[index] = round(1.0 - float(distance), 9)
    return similarity
