"""Typed, immutable data of the rotation solver (docs/contracts/solvers.md, `rotation`).

Wire dicts are parsed into these types once (``parse.parse_instance``); every
algorithm in this package works on them. Mappings are stored as tuples of
``(key, value)`` pairs sorted by key so that the types stay hashable and
iteration order never depends on the input's dict order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

Levels = tuple[tuple[str, float], ...]


@dataclass(frozen=True, slots=True)
class Slot:
    id: str
    capacity: int
    host_workplace: str | None = None
    sector: str | None = None
    organisation: str | None = None
    requires: Levels = ()
    teaches: Levels = ()


@dataclass(frozen=True, slots=True)
class Applicant:
    id: str
    home_workplace: str | None = None
    sector: str | None = None
    organisation: str | None = None
    skills: Levels = ()
    ranking: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rules:
    cross_sector_only: bool = False
    # None: no away-caps at all (the uncapped, textbook case).
    max_away_per_workplace: tuple[tuple[str, int], ...] | None = None

    @cached_property
    def _caps(self) -> dict[str, int]:
        return dict(self.max_away_per_workplace or ())

    def away_cap(self, workplace: str | None) -> int | None:
        """The most applicants of ``workplace`` that may be placed at once (None: no limit)."""
        if workplace is None:
            return None
        return self._caps.get(workplace)


@dataclass(frozen=True)
class RotationInstance:
    slots: tuple[Slot, ...]
    applicants: tuple[Applicant, ...]
    # slot id -> the host's ranking, best first; only slots whose host gave one.
    host_rankings: tuple[tuple[str, tuple[str, ...]], ...] = ()
    rules: Rules = field(default_factory=Rules)


@dataclass(frozen=True)
class Placement:
    applicant: str
    slot: str
    rank: int  # 1-based position of the slot in the applicant's ranking


@dataclass(frozen=True)
class BlockingPair:
    applicant: str
    slot: str


@dataclass(frozen=True)
class ChoiceOutcome:
    """Why an applicant did not get one slot it ranked above its placement."""

    slot: str
    rank: int
    # "full_with_higher_ranked", "not_acceptable", "home_workplace_at_cap" or
    # "could_block" (only when no feasible matching without blocking pairs was found).
    outcome: str
    detail: str
    higher_ranked_placed: int = 0


@dataclass(frozen=True)
class Explanation:
    applicant: str
    slot: str | None
    rank: int | None
    summary: str
    choices_above: tuple[ChoiceOutcome, ...]


@dataclass(frozen=True)
class SuggestedSlot:
    slot: str
    learning_value: float
    reachability: float
    score: float
    missing: Levels  # requirement levels the applicant still lacks


@dataclass(frozen=True)
class Suggestion:
    applicant: str
    slots: tuple[SuggestedSlot, ...]


@dataclass(frozen=True)
class RotationStats:
    applicants: int
    placed: int
    unplaced: int
    first_choice: int
    by_rank: tuple[tuple[int, int], ...]
    by_sector_pair: tuple[tuple[str, int], ...]
    capacity: int
    method: str


@dataclass(frozen=True)
class RotationResult:
    placements: tuple[Placement, ...]
    unplaced: tuple[str, ...]
    host_rankings_used: tuple[tuple[str, tuple[str, ...]], ...]
    blocking_pairs: tuple[BlockingPair, ...]
    stats: RotationStats
    explanations: tuple[Explanation, ...]
    suggestions: tuple[Suggestion, ...]
