"""Accuracy of the skill mapper on ESCO alternative labels and on Danish HR names (issue 18).

- ESCO: ``esco_label_sample`` draws (skill, alternative label) pairs from the
  shipped file, every second one with one typo. *Held out*: the mapper is
  fitted without the sampled labels, so it has to find the skill from its
  other labels and description (the issue's figure); *indexed*: fitted on
  everything, so untouched labels are dictionary hits and only typos count.
- Danish: tests/fixtures/skill_names_danish_hr.csv plus the Danish rows
  (da, abbreviation, ascii, typo) of tests/fixtures/skill_names_labelled.csv.
- Unmapped queue: precision and recall on tests/fixtures/skill_names_labelled.csv.

"right" = mapped to the expected id at the mapper's threshold (unmapped is
wrong). "before" is the mapper as it was before issue 18: the nearest name
alone (signal_weights (1, 0, 0)) at threshold 0.5; "three signals" the
first version of issue 18, without the correction of typo'd words
(correct_typos=False); "after" the current defaults. "reference" is a plain
``TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True)``
over the whole source text of each skill (tools/data/esco, labels and full
description, held-out labels cut out), top-1 without a threshold.
"""

from __future__ import annotations

import csv
import gzip
from pathlib import Path
from typing import Callable, Sequence

from sklearn.feature_extraction.text import TfidfVectorizer

from tillid.competence.taxonomy.catalogue import SkillTaxonomy
from tillid.competence.taxonomy.evaluation import (
    LabelledName,
    esco_label_sample,
    evaluate,
    mapped_right,
    parse_labelled_names,
)
from tillid.competence.taxonomy.mapper import SkillMapper
from tillid.competence.taxonomy.text import normalise

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
ESCO_SOURCE = ROOT / "tools" / "data" / "esco" / "skills_en.csv.gz"
DANISH_KINDS = ("da", "abbreviation", "ascii", "typo")
BEFORE = {"signal_weights": (1.0, 0.0, 0.0), "threshold": 0.5, "correct_typos": False}
MAPPERS = {"before": BEFORE, "three signals": {"correct_typos": False}, "after": {}}


def danish_names() -> tuple[LabelledName, ...]:
    hr = parse_labelled_names((FIXTURES / "skill_names_danish_hr.csv").read_text(encoding="utf-8"))
    labelled = parse_labelled_names((FIXTURES / "skill_names_labelled.csv").read_text(encoding="utf-8"))
    return hr + tuple(row for row in labelled
                      if row.kind in DANISH_KINDS and row.expected and row.expected.startswith("dk:"))


def _reference_top1(taxonomy: SkillTaxonomy, names: Sequence[LabelledName], held: Sequence[tuple[str, str]]) -> float:
    with gzip.open(ESCO_SOURCE, "rt", encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        texts = dict(reader)
    for uri, label in held:
        texts[uri] = texts[uri].replace(label, " ", 1)
    uris = list(texts)
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True)
    matrix = vectorizer.fit_transform(normalise(texts[uri]) for uri in uris)
    right = 0
    for start in range(0, len(names), 200):
        chunk = names[start:start + 200]
        best = (vectorizer.transform([normalise(row.name) for row in chunk]) @ matrix.T).toarray().argmax(axis=1)
        right += sum((taxonomy.local_for_esco(uris[b]) or uris[b]) == row.expected for b, row in zip(best, chunk))
    return right / len(names)


def _esco_row(label: str, mapper: SkillMapper, names: Sequence[LabelledName]) -> str:
    results = mapper.map_many(row.name for row in names)
    top1 = sum(r.candidate == row.expected for r, row in zip(results, names)) / len(names)
    return (f"| {label} | {mapped_right(results, names):.3f} | {mapped_right(results, names, 'clean'):.3f} "
            f"| {mapped_right(results, names, 'typo'):.3f} | {top1:.3f} |")


def _fitted(taxonomy: SkillTaxonomy) -> dict[str, SkillMapper]:
    """The mappers of ``MAPPERS``, sharing one fit (they differ only in query-time parameters)."""
    fitted = SkillMapper.from_taxonomy(taxonomy, cache_size=0)
    return {name: fitted.sharing_index(**params) for name, params in MAPPERS.items()}


def report(taxonomy: SkillTaxonomy, size: int, seed: int, print_line: Callable[[str], None] = print) -> None:
    sample = esco_label_sample(taxonomy, size, seed)
    full = _fitted(taxonomy)
    held = _fitted(sample.held_out)
    print_line(f"ESCO alternative labels: {len(sample.names)} drawn with seed {seed}, every second with one typo")
    print_line("")
    print_line("| mapper | right at threshold | without typo | with typo | top-1 |")
    print_line("|---|---|---|---|---|")
    for name in MAPPERS:
        print_line(_esco_row(f"{name}, labels held out", held[name], sample.names))
    for name in MAPPERS:
        print_line(_esco_row(f"{name}, labels indexed", full[name], sample.names))
    reference = _reference_top1(taxonomy, sample.names, sample.labels)
    print_line(f"| reference TF-IDF over the source text, labels held out | - | - | - | {reference:.3f} |")
    print_line("")
    danish = danish_names()
    labelled = parse_labelled_names((FIXTURES / "skill_names_labelled.csv").read_text(encoding="utf-8"))
    print_line(f"Danish HR names: {len(danish)}; unmapped queue on the {len(labelled)} labelled names")
    print_line("")
    print_line("| mapper | Danish right at threshold | Danish, not catalogue names | queue precision | queue recall "
               "| should-be-unmapped kept | outcome accuracy |")
    print_line("|---|---|---|---|---|---|---|")
    for name in MAPPERS:
        mapper = full[name]
        results = mapper.map_many(row.name for row in danish)
        unseen = [(r, row) for r, row in zip(results, danish) if normalise(row.name) not in mapper.exact_names_]
        queue = evaluate(mapper.map_many(row.name for row in labelled), labelled)
        print_line(f"| {name} (threshold {mapper.threshold}) | {mapped_right(results, danish):.3f} "
                   f"| {mapped_right([r for r, _ in unseen], [l for _, l in unseen]):.3f} ({len(unseen)}) "
                   f"| {queue.queue_precision:.3f} | {queue.queue_recall:.3f} | {queue.unmapped_kept:.2f} "
                   f"| {queue.outcome_accuracy:.3f} |")
