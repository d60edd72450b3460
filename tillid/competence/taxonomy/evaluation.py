"""Measuring a ``SkillMapper`` on labelled names (tests/fixtures/skill_names_labelled.csv).

A labelled name has the skill id it should map to, or None when it should stay
unmapped (nonsense, too vague, or out of scope). The mapper's best candidate is
*right* when it equals the expected id; for a name that should stay unmapped no
candidate is right. The threshold then decides which best candidates to trust:

- top-1 accuracy: right best candidates among names with an expected id
  (the threshold plays no part);
- mapped precision: right skills among the names mapped above the threshold;
- queue precision: names sent to the unmapped queue whose best candidate was
  not right (the queue held what it should);
- queue recall: names whose best candidate was not right that went to the queue
  (wrong guesses that were caught);
- outcome accuracy: names that ended right (mapped to the expected id, or
  unmapped when they should be).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Sequence

from tillid.competence.taxonomy.mapper import MappedSkill


@dataclass(frozen=True)
class LabelledName:
    name: str
    expected: str | None
    kind: str = ""


@dataclass(frozen=True)
class Evaluation:
    names: int
    with_expected: int
    top1_accuracy: float
    mapped_precision: float
    queue_precision: float
    queue_recall: float
    outcome_accuracy: float
    unmapped_kept: float  # names expected unmapped that stayed unmapped

    def as_row(self) -> dict[str, float]:
        return {key: round(value, 4) if isinstance(value, float) else value
                for key, value in self.__dict__.items()}


def parse_labelled_names(text: str) -> tuple[LabelledName, ...]:
    """Rows of ``name,expected,kind``; an empty ``expected`` means "should stay unmapped"."""
    reader = csv.DictReader(io.StringIO(text))
    return tuple(LabelledName(row["name"], row["expected"] or None, row.get("kind") or "")
                 for row in reader)


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 1.0


def evaluate(results: Sequence[MappedSkill], labelled: Sequence[LabelledName]) -> Evaluation:
    """Score mapping results against their labels (same order)."""
    if len(results) != len(labelled):
        raise ValueError(f"{len(results)} results for {len(labelled)} labelled names")
    expected_ids = [row for row in zip(results, labelled) if row[1].expected is not None]
    right_candidate = [r.candidate == l.expected and l.expected is not None for r, l in zip(results, labelled)]
    mapped = [(r, l) for r, l in zip(results, labelled) if r.skill is not None]
    queued = [ok for ok, r in zip(right_candidate, results) if r.skill is None]
    wrong_guesses = [r for ok, r in zip(right_candidate, results) if not ok]
    should_stay = [r for r, l in zip(results, labelled) if l.expected is None]
    outcome_right = sum(1 for r, l in zip(results, labelled) if r.skill == l.expected)
    return Evaluation(
        names=len(labelled),
        with_expected=len(expected_ids),
        top1_accuracy=_ratio(sum(1 for r, l in expected_ids if r.candidate == l.expected), len(expected_ids)),
        mapped_precision=_ratio(sum(1 for r, l in mapped if r.skill == l.expected), len(mapped)),
        queue_precision=_ratio(sum(1 for ok in queued if not ok), len(queued)),
        queue_recall=_ratio(sum(1 for r in wrong_guesses if r.skill is None), len(wrong_guesses)),
        outcome_accuracy=_ratio(outcome_right, len(labelled)),
        unmapped_kept=_ratio(sum(1 for r in should_stay if r.skill is None), len(should_stay)),
    )
