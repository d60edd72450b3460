"""Which (applicant, slot) pairs are acceptable, and why not when they are not.

The host-ranking part of acceptability is applied where the ranking used is
known (``market.build_market``); here are the applicant-and-slot facts:
requirements met, and different sectors when ``cross_sector_only``.
"""

from __future__ import annotations

from collections.abc import Mapping

from tillid.matching.rotation.model import Applicant, Levels, Rules, Slot


def _fmt(level: float) -> str:
    return f"{level:g}"


def meets_requirements(skills: Mapping[str, float], requires: Levels) -> bool:
    for skill, minimum in requires:
        if skills.get(skill, 0.0) < minimum:
            return False
    return True


def unmet_requirement(skills: Mapping[str, float], slot: Slot) -> str | None:
    """The first requirement of ``slot`` that ``skills`` does not meet, as text, or None."""
    for skill, minimum in slot.requires:
        level = skills.get(skill, 0.0)
        if level < minimum:
            return f"requires {skill} {_fmt(minimum)} (you have {_fmt(level)})"
    return None


def refusal(applicant: Applicant, skills: Mapping[str, float], slot: Slot, rules: Rules) -> str | None:
    """Why ``applicant`` cannot be placed at ``slot`` regardless of the host's ranking, or None."""
    if rules.cross_sector_only and applicant.sector == slot.sector:
        return f"same sector ({slot.sector}) and only cross-sector placements are allowed"
    return unmet_requirement(skills, slot)
