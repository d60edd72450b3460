"""What applying one batch of events touches: dirty scopes and released referents."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from tillid.store.tallies import Tally

# A referent an event needs or provides: (kind, id), e.g. ("employee", "e-123").
Ref = tuple[str, str]

# Maps a competence name or id to (skill id or None, confidence 0..1, best candidate or None).
SkillResolution = tuple[str | None, float, str | None]
SkillResolver = Callable[[str], SkillResolution]

SKILL_ID_PREFIXES = ("dk:", "http://", "https://")


def resolve_ids_only(name: str) -> SkillResolution:
    """Accepts skill ids as they are and holds free text for a person: the resolver without a taxonomy."""
    if name.startswith(SKILL_ID_PREFIXES):
        return name, 1.0, name
    return None, 0.0, None


def resolve_with_taxonomy(name: str) -> SkillResolution:
    """Ids as they are (local skills an organisation added count too); free text through the mapper."""
    if name.startswith(SKILL_ID_PREFIXES):
        return name, 1.0, name
    from tillid.competence.taxonomy import default_mapper

    mapped = default_mapper().map(name)
    return mapped.skill, mapped.confidence, mapped.candidate


@dataclass
class BatchContext:
    """Collected while a batch is applied; written once at the end of its transaction."""

    resolve_skill: SkillResolver
    workplaces: dict[str, set[str]] = field(default_factory=dict)
    organisations: dict[str, set[str]] = field(default_factory=dict)
    employees: dict[str, set[str]] = field(default_factory=dict)
    all_organisations: set[str] = field(default_factory=set)
    rotation: set[str] = field(default_factory=set)
    provided: list[Ref] = field(default_factory=list)
    # People erased by this batch: its events about them still waiting to be parked are dropped instead.
    erased: set[str] = field(default_factory=set)
    # The events being applied now: the causes recorded with the scopes they touch.
    current: tuple[str, ...] = ()
    # What became of the batch's events (and of parked ones it released or dropped), written at its end.
    tally: Tally = field(default_factory=Tally)

    # Each touch records its causes: the given event ids, else the whole run being applied.
    def touch_workplace(self, workplace_id: str, *event_ids: str) -> None:
        _add_causes(self.workplaces, workplace_id, event_ids or self.current)

    def touch_organisation(self, organisation_id: str, *event_ids: str) -> None:
        _add_causes(self.organisations, organisation_id, event_ids or self.current)

    def touch_employee(self, employee_id: str, *event_ids: str) -> None:
        _add_causes(self.employees, employee_id, event_ids or self.current)

    def touch_all_organisations(self) -> None:
        self.all_organisations.update(self.current)

    def touch_rotation(self) -> None:
        self.rotation.update(self.current)


def _add_causes(causes: dict[str, set[str]], key: str, event_ids: tuple[str, ...]) -> None:
    known = causes.get(key)
    if known is None:
        causes[key] = set(event_ids)
    else:
        known.update(event_ids)
