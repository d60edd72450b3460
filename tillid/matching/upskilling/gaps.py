"""Gap analysis: which skills, at which levels, an employee lacks for a target.

A target is what a task requires, what a role or a rotation slot asks for, or
the union of several of these (the highest level asked for each skill).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

from tillid.matching.upskilling.model import Levels


@dataclass(frozen=True)
class SkillGap:
    skill: str
    current: int
    required: int

    @property
    def levels_missing(self) -> int:
        return self.required - self.current


def combine_targets(requirements: Iterable[Mapping[str, int]]) -> Levels:
    """One target from several requirement sets: for each skill the highest level asked."""
    combined: dict[str, int] = {}
    for requirement in requirements:
        for skill, level in requirement.items():
            combined[skill] = max(combined.get(skill, 0), level)
    return tuple(sorted(combined.items()))


def skill_gaps(levels: Mapping[str, int], target: Mapping[str, int]) -> tuple[SkillGap, ...]:
    """The skills of ``target`` whose current level (missing means 0) is below it, sorted by skill."""
    return tuple(
        SkillGap(skill, levels.get(skill, 0), required)
        for skill, required in sorted(target.items())
        if levels.get(skill, 0) < required
    )
