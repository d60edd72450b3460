"""Skill taxonomy (local public-sector catalogue on top of ESCO) and free-text skill mapping.

- ``default_taxonomy()``: the shipped catalogue and ESCO skills, parsed once.
- ``default_mapper()``: a ``SkillMapper`` fitted on them, built once per process.
- ``SkillMapper(...).fit(names, ids)`` / ``.map(name)`` / ``.map_many(names)``.

See docs/taxonomy.md.
"""

from tillid.competence.taxonomy.catalogue import (
    ESCO_PREFIX,
    LOCAL_PREFIX,
    Skill,
    SkillTaxonomy,
    default_taxonomy,
    load_taxonomy,
)
from tillid.competence.taxonomy.mapper import DEFAULT_THRESHOLD, MappedSkill, SkillMapper, default_mapper

__all__ = [
    "DEFAULT_THRESHOLD",
    "ESCO_PREFIX",
    "LOCAL_PREFIX",
    "MappedSkill",
    "Skill",
    "SkillMapper",
    "SkillTaxonomy",
    "default_mapper",
    "default_taxonomy",
    "load_taxonomy",
]
