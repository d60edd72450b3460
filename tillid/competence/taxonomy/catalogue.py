"""The skill taxonomy: the local public-sector catalogue on top of ESCO.

Skill ids are either local ids (``dk:`` + ASCII slug, from
``data/local_skills.csv``) or ESCO concept URIs (from ``data/esco_skills.csv.gz``,
ESCO (c) European Union, CC BY 4.0, see ``data/ATTRIBUTION.md``).

Parsing is pure (text in, immutable ``SkillTaxonomy`` out); only
``load_taxonomy`` reads the files shipped with the package.
"""

from __future__ import annotations

import csv
import functools
import gzip
import io
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Iterable, Mapping

from tillid.errors import InvalidInput

LOCAL_PREFIX = "dk:"
ESCO_PREFIX = "http://data.europa.eu/esco/skill/"
_SLUG = re.compile(r"^dk:[a-z0-9]+(-[a-z0-9]+)*$")
_LOCAL_COLUMNS = ("id", "domain", "label_da", "label_en", "synonyms_da", "synonyms_en", "esco_uri")
_ESCO_COLUMNS = ("uri", "preferred_label", "alt_labels", "description")
DOMAINS = ("administration", "care", "casework", "digital", "health", "leadership",
           "medicine", "pedagogy")


@dataclass(frozen=True)
class Skill:
    """One skill of the taxonomy.

    ``label_da`` is None for ESCO skills (only the English ESCO labels ship);
    ``synonyms`` holds the names HR systems use for it (ESCO: alternative labels).
    """

    id: str
    label_en: str
    label_da: str | None = None
    synonyms_da: tuple[str, ...] = ()
    synonyms_en: tuple[str, ...] = ()
    domain: str = "esco"
    esco_uri: str | None = None
    description: str = ""

    @property
    def is_local(self) -> bool:
        return self.id.startswith(LOCAL_PREFIX)

    def label(self, language: str = "da") -> str:
        """The label in ``language`` ("da" or "en"); English where no Danish label exists."""
        if language == "da" and self.label_da:
            return self.label_da
        return self.label_en

    @property
    def names(self) -> tuple[str, ...]:
        """Every name this skill is known by: labels first, then synonyms, no repeats."""
        names = [n for n in (self.label_da, self.label_en, *self.synonyms_da, *self.synonyms_en) if n]
        return tuple(dict.fromkeys(names))


class SkillTaxonomy:
    """Local catalogue plus ESCO; lookup by local id or ESCO URI."""

    def __init__(self, local: Iterable[Skill], esco: Iterable[Skill] = ()) -> None:
        self._local = tuple(local)
        self._esco = tuple(esco)
        by_id: dict[str, Skill] = {}
        for skill in (*self._local, *self._esco):
            if skill.id in by_id:
                raise InvalidInput(skill.id, "skill id appears twice in the taxonomy")
            by_id[skill.id] = skill
        self._by_id: Mapping[str, Skill] = MappingProxyType(by_id)
        linked: dict[str, str] = {}
        for skill in self._local:
            if skill.esco_uri:
                if skill.esco_uri not in by_id:
                    raise InvalidInput(f"{skill.id}.esco_uri", f"{skill.esco_uri} is not an ESCO skill of the shipped file")
                linked.setdefault(skill.esco_uri, skill.id)
        self._local_for_esco: Mapping[str, str] = MappingProxyType(linked)

    @property
    def local_skills(self) -> tuple[Skill, ...]:
        return self._local

    @property
    def esco_skills(self) -> tuple[Skill, ...]:
        return self._esco

    def __len__(self) -> int:
        return len(self._by_id)

    def is_known(self, skill_id: str) -> bool:
        return skill_id in self._by_id

    def get(self, skill_id: str) -> Skill:
        """The skill with this id; ``InvalidInput`` for an unknown id."""
        try:
            return self._by_id[skill_id]
        except KeyError:
            raise InvalidInput("skill", f"unknown skill id {skill_id!r}") from None

    def find(self, skill_id: str) -> Skill | None:
        return self._by_id.get(skill_id)

    def label(self, skill_id: str, language: str = "da") -> str:
        return self.get(skill_id).label(language)

    def local_for_esco(self, uri: str) -> str | None:
        """The local skill that names this ESCO concept, if one does."""
        return self._local_for_esco.get(uri)

    def training_pairs(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(names, ids) to fit a ``SkillMapper`` on: every label and synonym.

        ESCO labels of a concept that a local skill links to are attributed to
        the local skill, so "administer medication" maps to
        ``dk:medicinadministration``, the id the rest of the system uses.
        """
        names: list[str] = []
        ids: list[str] = []
        for skill in self._local:
            for name in (*skill.names, skill.id[len(LOCAL_PREFIX):].replace("-", " ")):
                names.append(name)
                ids.append(skill.id)
        for skill in self._esco:
            target = self._local_for_esco.get(skill.id, skill.id)
            for name in skill.names:
                names.append(name)
                ids.append(target)
        return tuple(names), tuple(ids)

    def descriptions(self) -> tuple[tuple[str, str], ...]:
        """(id, description) of every ESCO skill that has one, under the id ``training_pairs`` uses.

        The mapper adds them to the skill documents: a description shares its
        words with wordings of the skill that no label spells out.
        """
        return tuple((self._local_for_esco.get(skill.id, skill.id), skill.description)
                     for skill in self._esco if skill.description)


def _split_names(cell: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(n.strip() for n in cell.split("|") if n.strip()))


def _check_columns(reader: csv.DictReader, expected: tuple[str, ...], source: str) -> None:
    if tuple(reader.fieldnames or ()) != expected:
        raise InvalidInput(source, f"columns must be {', '.join(expected)}; found {reader.fieldnames}")


def parse_local_catalogue(text: str, source: str = "local_skills.csv") -> tuple[Skill, ...]:
    """Parse the local catalogue CSV; every problem names its line and column."""
    reader = csv.DictReader(io.StringIO(text))
    _check_columns(reader, _LOCAL_COLUMNS, source)
    skills = []
    for line, row in enumerate(reader, start=2):
        where = f"{source}:{line}"
        if None in row or any(value is None for value in row.values()):
            raise InvalidInput(where, f"expected {len(_LOCAL_COLUMNS)} columns")
        skill_id = row["id"].strip()
        if not _SLUG.match(skill_id):
            raise InvalidInput(f"{where}.id", f"{skill_id!r} is not dk: followed by an ASCII slug")
        if row["domain"] not in DOMAINS:
            raise InvalidInput(f"{where}.domain", f"{row['domain']!r} is not one of {', '.join(DOMAINS)}")
        for column in ("label_da", "label_en"):
            if not row[column].strip():
                raise InvalidInput(f"{where}.{column}", "must not be empty")
        esco_uri = row["esco_uri"].strip() or None
        if esco_uri is not None and not esco_uri.startswith(ESCO_PREFIX):
            raise InvalidInput(f"{where}.esco_uri", f"{esco_uri!r} is not an ESCO skill URI")
        skills.append(Skill(
            id=skill_id,
            label_da=row["label_da"].strip(),
            label_en=row["label_en"].strip(),
            synonyms_da=_split_names(row["synonyms_da"]),
            synonyms_en=_split_names(row["synonyms_en"]),
            domain=row["domain"],
            esco_uri=esco_uri,
        ))
    return tuple(skills)


def parse_esco_skills(text: str, source: str = "esco_skills.csv") -> tuple[Skill, ...]:
    """Parse the shipped ESCO file (uri, preferred_label, alt_labels, description)."""
    reader = csv.DictReader(io.StringIO(text))
    _check_columns(reader, _ESCO_COLUMNS, source)
    skills = []
    for line, row in enumerate(reader, start=2):
        uri = (row["uri"] or "").strip()
        label = (row["preferred_label"] or "").strip()
        if not uri.startswith(ESCO_PREFIX) or not label:
            raise InvalidInput(f"{source}:{line}", "needs an ESCO skill URI and a preferred label")
        skills.append(Skill(
            id=uri,
            label_en=label,
            synonyms_en=_split_names(row["alt_labels"] or ""),
            esco_uri=uri,
            description=row["description"] or "",
        ))
    return tuple(skills)


def _data_file(name: str) -> bytes:
    return resources.files("tillid.competence.taxonomy").joinpath("data", name).read_bytes()


def _read(path: Path | None, packaged: str) -> bytes:
    if path is None:
        return _data_file(packaged)
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise InvalidInput(str(path), error.strerror or "cannot be read") from None


def load_taxonomy(local_path: Path | None = None, esco_path: Path | None = None) -> SkillTaxonomy:
    """The taxonomy from the shipped files, or from other files of the same format."""
    local_text = _read(local_path, "local_skills.csv").decode("utf-8")
    esco_bytes = _read(esco_path, "esco_skills.csv.gz")
    esco_text = gzip.decompress(esco_bytes).decode("utf-8") if esco_bytes[:2] == b"\x1f\x8b" else esco_bytes.decode("utf-8")
    return SkillTaxonomy(parse_local_catalogue(local_text), parse_esco_skills(esco_text))


@functools.lru_cache(maxsize=1)
def default_taxonomy() -> SkillTaxonomy:
    """The shipped taxonomy, parsed once per process."""
    return load_taxonomy()
