"""Accuracy floors of issue 18 on seeded samples small enough for a unit test.

Full figures (2,000 labels, seed 2026): docs/benchmarks.md, "Skill mapping";
`python -m bench.skills --accuracy`. On these 300 labels the mapper before
issue 18 (nearest name alone, threshold 0.5) mapped 0.62 right with the
labels held out and 0.86 of the typo'd ones with the labels indexed; every
floor below fails for it. With the labels held out, the mapper maps 0.817
right, and 0.847 of the typo'd labels; without the correction of typo'd
words (``correct_typos=False``) 0.800 and 0.813, which the typo floor fails.
"""

import random

import pytest

from tillid.competence.taxonomy import SkillMapper
from tillid.competence.taxonomy.evaluation import esco_label_sample, mapped_right, parse_labelled_names, with_typo

from .conftest import FIXTURES

SAMPLE_SIZE = 300
SAMPLE_SEED = 11  # neither the tuning seed (7) nor the reported one (2026)
HELD_OUT_FLOOR = 0.80
HELD_OUT_TYPO_FLOOR = 0.83
INDEXED_FLOOR = 0.85
INDEXED_TYPO_FLOOR = 0.90
DANISH_FLOOR = 0.95
DANISH_KINDS = ("da", "abbreviation", "ascii", "typo")


@pytest.fixture(scope="module")
def sample(taxonomy):
    return esco_label_sample(taxonomy, SAMPLE_SIZE, SAMPLE_SEED)


@pytest.fixture(scope="module")
def danish(labelled):
    hr = parse_labelled_names((FIXTURES / "skill_names_danish_hr.csv").read_text(encoding="utf-8"))
    return hr + tuple(row for row in labelled
                      if row.kind in DANISH_KINDS and row.expected and row.expected.startswith("dk:"))


def test_sample_is_seeded_and_half_typos(taxonomy, sample):
    again = esco_label_sample(taxonomy, SAMPLE_SIZE, SAMPLE_SEED)
    assert again.names == sample.names
    assert sum(row.kind == "typo" for row in sample.names) == SAMPLE_SIZE // 2
    typo_labels = [label for (_, label), row in zip(sample.labels, sample.names) if row.kind == "typo"]
    typo_names = [row.name for row in sample.names if row.kind == "typo"]
    assert all(name != label for name, label in zip(typo_names, typo_labels))


def test_held_out_taxonomy_lacks_exactly_the_sampled_labels(taxonomy, sample):
    sampled = set(sample.labels)
    kept = {(s.id, label) for s in sample.held_out.esco_skills for label in s.synonyms_en}
    every = {(s.id, label) for s in taxonomy.esco_skills for label in s.synonyms_en}
    assert kept == every - sampled


@pytest.mark.parametrize("text", ["wound care", "a", "sårpleje", "SQL"])
def test_with_typo_makes_one_edit(text):
    rng = random.Random(3)
    for _ in range(50):
        changed = with_typo(text, rng)
        assert changed != text or len(text) == 1
        assert abs(len(changed) - len(text)) <= 1


def test_esco_labels_the_mapper_never_saw_map_right(sample):
    mapper = SkillMapper.from_taxonomy(sample.held_out, cache_size=0)
    results = mapper.map_many(row.name for row in sample.names)
    assert mapped_right(results, sample.names) >= HELD_OUT_FLOOR
    assert mapped_right(results, sample.names, "typo") >= HELD_OUT_TYPO_FLOOR


def test_indexed_esco_labels_map_right_also_with_a_typo(mapper, sample):
    results = mapper.map_many(row.name for row in sample.names)
    assert mapped_right(results, sample.names) >= INDEXED_FLOOR
    assert mapped_right(results, sample.names, "typo") >= INDEXED_TYPO_FLOOR


def test_danish_hr_names_map_right(mapper, danish):
    assert len(danish) >= 300
    assert mapped_right(mapper.map_many(row.name for row in danish), danish) >= DANISH_FLOOR
