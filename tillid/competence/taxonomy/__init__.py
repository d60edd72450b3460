"""Skill taxonomy (local public-sector catalogue on top of ESCO) and free-text skill mapping.

- ``default_taxonomy()``: the shipped catalogue and ESCO skills, parsed once.
- ``default_mapper(index_directory)``: a ``SkillMapper`` fitted on them, built once per process
  (read from the index file in ``index_directory`` when it is current, see ``index_file``).
- ``SkillMapper(...).fit(names, ids)`` / ``.map(name)`` / ``.map_many(names)``.

See docs/taxonomy.md.

May import (as all of ``tillid.competence``): ``tillid.errors``. Pure; the
catalogue and the ESCO skills are data files in ``data/``.
"""

from tillid.competence.taxonomy.catalogue import (
    ESCO_PREFIX,
    LOCAL_PREFIX,
    Skill,
    SkillTaxonomy,
    default_taxonomy,
    load_taxonomy,
)
from tillid.competence.taxonomy.index_file import default_mapper, load_or_fit
from tillid.competence.taxonomy.mapper import DEFAULT_THRESHOLD, MappedSkill, SkillMapper

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
    "load_or_fit",
    "load_taxonomy",
]
