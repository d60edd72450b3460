"""What applying one batch of events touches: dirty scopes and released referents."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

# A referent an event needs or provides: (kind, id), e.g. ("employee", "e-123").
Ref = tuple[str, str]

# Maps a competence name or id to (skill id or None, confidence 0..1).
SkillResolver = Callable[[str], tuple[str | None, float]]


def resolve_ids_only(name: str) -> tuple[str | None, float]:
    """The resolver used without a taxonomy: accepts ids, holds free text for a person."""
    if name.startswith(("dk:", "http://", "https://")):
        return name, 1.0
    return None, 0.0


@dataclass
class BatchContext:
    """Collected while a batch is applied; written once at the end of its transaction."""

    resolve_skill: SkillResolver
    workplaces: set[str] = field(default_factory=set)
    organisations: set[str] = field(default_factory=set)
    employees: set[str] = field(default_factory=set)
    all_organisations: bool = False
    rotation: bool = False
    provided: list[Ref] = field(default_factory=list)

    def touch_workplace(self, workplace_id: str) -> None:
        self.workplaces.add(workplace_id)

    def touch_organisation(self, organisation_id: str) -> None:
        self.organisations.add(organisation_id)

    def touch_employee(self, employee_id: str) -> None:
        self.employees.add(employee_id)
