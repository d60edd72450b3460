"""What people read instead of ids: the labels of skills, tasks, activities, professions, workplaces and funds.

Ids are for machines; a summary, an explanation or a page names things by
their labels in the reader's language (issue #19: "words, not ids"). The
store reads the labels (tillid.store.labels) and hands them to the proposal
builders with the snapshot and to the pages, so the pure layers never ask a
database.

A label missing in one language falls back to the other language's, and a
thing with no label at all to its id: a new id is still shown, never hidden.
Employee ids are pseudonymous and have no labels.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum

LANGUAGES = ("da", "en")


class Kind(str, Enum):
    """The kinds of things a person reads about, each with its own ids."""

    SKILL = "skill"
    TASK = "task"
    ACTIVITY = "activity"
    PROFESSION = "profession"
    WORKPLACE = "workplace"
    ORGANISATION = "organisation"
    FUND = "fund"
    SLOT = "slot"


@dataclass(frozen=True, slots=True)
class Label:
    """One thing's name in Danish and English; either may be empty (then the other one is used)."""

    da: str
    en: str = ""

    def in_language(self, lang: str) -> str:
        first, second = (self.en, self.da) if lang == "en" else (self.da, self.en)
        return first or second


@dataclass(frozen=True)
class Labels:
    """Labels by kind and id. ``name`` never fails: an unknown id is its own label."""

    by_kind: Mapping[Kind, Mapping[str, Label]] = field(default_factory=dict)

    def name(self, kind: Kind, thing_id: str, lang: str) -> str:
        """The label of ``thing_id`` in ``lang``, the other language's, or the id itself."""
        found = self.by_kind.get(kind, {}).get(thing_id)
        return (found.in_language(lang) if found is not None else "") or thing_id

    def names(self, kind: Kind, thing_ids: Iterable[str], lang: str) -> list[str]:
        return [self.name(kind, thing_id, lang) for thing_id in thing_ids]

    def knows(self, thing_id: str) -> Kind | None:
        """The kind of a known id (the first kind that has it), or None."""
        for kind in Kind:
            if thing_id in self.by_kind.get(kind, {}):
                return kind
        return None

    def any_name(self, thing_id: str, lang: str) -> str:
        """The label of an id of whatever kind it is: for explanations, whose keys do not say the kind."""
        kind = self.knows(thing_id)
        return thing_id if kind is None else self.name(kind, thing_id, lang)

    def merged(self, other: Labels) -> Labels:
        """These labels and ``other``'s (``other`` wins where both know an id)."""
        kinds = set(self.by_kind) | set(other.by_kind)
        return Labels({k: {**self.by_kind.get(k, {}), **other.by_kind.get(k, {})} for k in kinds})


NO_LABELS = Labels()


def labels_of(**kinds: Mapping[str, Label]) -> Labels:
    """``labels_of(task={"t1": Label("Øjendråber", "Eye drops")})``: Labels from keyword kinds."""
    return Labels({Kind(kind): dict(found) for kind, found in kinds.items()})
