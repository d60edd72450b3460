"""Mapping free-text competence names to skill ids.

``SkillMapper`` follows the scikit-learn estimator conventions: parameters in
``__init__``, ``fit(names, ids)`` learns the index, ``predict`` / ``map`` /
``map_many`` use it. The index is TF-IDF over character n-grams taken within
word boundaries (``char_wb``) of the normalised names (see ``text.normalise``),
and a name maps to the skill of its nearest indexed name by cosine similarity.

Why character n-grams: HR systems send names with typos, inflections,
compounds and abbreviations ("sårbeh.", "medicinhåndtering", "Insulingiving");
these share most of their 2-4 character pieces with the catalogue name even
when no whole word matches.

The single-name path does not call the vectorizer: it computes the query's
TF-IDF weights from the fitted vocabulary and idf directly and scores it
against an inverted index (the transposed, L2-normalised name matrix), which
takes a fraction of a millisecond where ``TfidfVectorizer.transform`` plus a
sparse product costs several. ``tests`` check both paths give the same scores.
"""

from __future__ import annotations

import functools
import math
from collections import Counter, OrderedDict
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from tillid.competence.taxonomy.catalogue import LOCAL_PREFIX, SkillTaxonomy, default_taxonomy
from tillid.competence.taxonomy.text import normalise
from tillid.errors import InvalidInput

# Chosen on tests/fixtures/skill_names_labelled.csv (docs/taxonomy.md, "Threshold").
DEFAULT_THRESHOLD = 0.5
# ESCO names score this fraction of their cosine, so that a local skill wins
# when a public-sector name is about as close to both (docs/taxonomy.md).
DEFAULT_ESCO_WEIGHT = 0.9
# confidence = best - DEFAULT_MARGIN_WEIGHT * second best (another skill): a name
# about as close to two skills is less certain than one close to a single skill.
DEFAULT_MARGIN_WEIGHT = 0.3
# n-grams found in more than this fraction of the indexed names (" s", "ng",
# "e ") are dropped from the vocabulary: they carry almost no weight (low idf)
# but made up most of the work of scoring a name.
DEFAULT_MAX_DF = 0.02


@dataclass(frozen=True)
class MappedSkill:
    """The result of mapping one name.

    ``skill`` is None when ``confidence`` is below the mapper's threshold: the
    assessment then waits in the unmapped queue for a person, who sees
    ``candidate`` (the best guess, whatever its confidence) to start from.
    ``label`` is the label of ``skill`` (Danish for local skills, the English
    preferred label for ESCO skills) and None when ``skill`` is None.
    """

    name: str
    skill: str | None
    label: str | None
    confidence: float
    candidate: str | None = None
    candidate_label: str | None = None

    def as_json(self) -> dict:
        """The wire form of contracts/cli.md (`tillid skills map`)."""
        return {"name": self.name, "skill": self.skill, "label": self.label,
                "confidence": round(self.confidence, 4)}


class SkillMapper:
    """Nearest-neighbour skill mapping over TF-IDF character n-grams.

    Parameters
    ----------
    taxonomy:
        Supplies labels and the set of known ids (exact ids map to
        themselves). Without one, the first name fitted for an id is its label
        and only fitted ids are known.
    threshold:
        Confidence below which ``map`` returns ``skill=None``.
    esco_weight:
        Factor on the similarity of names whose id is not a local ``dk:`` id.
    margin_weight:
        confidence = best - margin_weight * second best (distinct skill),
        clipped to 0..1; 0 makes the confidence the plain cosine similarity.
    ngram_range:
        Character n-gram lengths (``char_wb``).
    max_df:
        Drop n-grams found in more than this fraction (float) or number (int)
        of indexed names, as ``TfidfVectorizer(max_df=...)``.
    language:
        "da" or "en": which label of a local skill ``label`` carries.
    cache_size:
        How many mapped names to remember (HR systems send the same names
        again and again); 0 turns the cache off. The cache is not guarded
        for threads: share a mapper between threads only with cache_size=0.
    """

    def __init__(self, taxonomy: SkillTaxonomy | None = None, *, threshold: float = DEFAULT_THRESHOLD,
                 esco_weight: float = DEFAULT_ESCO_WEIGHT, margin_weight: float = DEFAULT_MARGIN_WEIGHT,
                 ngram_range: tuple[int, int] = (2, 4), max_df: float | int = DEFAULT_MAX_DF, language: str = "da",
                 cache_size: int = 4096) -> None:
        self.taxonomy = taxonomy
        self.threshold = threshold
        self.esco_weight = esco_weight
        self.margin_weight = margin_weight
        self.ngram_range = ngram_range
        self.max_df = max_df
        self.language = language
        self.cache_size = cache_size

    @classmethod
    def from_taxonomy(cls, taxonomy: SkillTaxonomy, **params) -> "SkillMapper":
        """A mapper fitted on every label and synonym of ``taxonomy``."""
        names, ids = taxonomy.training_pairs()
        return cls(taxonomy, **params).fit(names, ids)

    # -- fitting -----------------------------------------------------------

    def fit(self, names: Sequence[str], ids: Sequence[str]) -> "SkillMapper":
        if len(names) != len(ids):
            raise InvalidInput("names", f"{len(names)} names but {len(ids)} ids")
        if not names:
            raise InvalidInput("names", "cannot fit on no names")
        if self.taxonomy is not None:
            unknown = sorted({i for i in ids if not self.taxonomy.is_known(i)})
            if unknown:
                raise InvalidInput("ids", f"not in the taxonomy: {', '.join(unknown[:5])}")
        rows: dict[tuple[str, str], None] = {}
        for name, skill_id in zip(names, ids):
            text = normalise(name)
            if text:
                rows.setdefault((text, skill_id), None)
        texts = [text for text, _ in rows]
        row_ids = [skill_id for _, skill_id in rows]

        self.vectorizer_ = TfidfVectorizer(analyzer="char_wb", ngram_range=self.ngram_range,
                                           lowercase=False, sublinear_tf=True, max_df=self.max_df,
                                           dtype=np.float64)
        try:
            matrix = self.vectorizer_.fit_transform(texts).tocsr()
        except ValueError as error:  # e.g. max_df pruned every n-gram
            raise InvalidInput("names", str(error)) from None
        weights = np.array([1.0 if i.startswith(LOCAL_PREFIX) else self.esco_weight for i in row_ids])
        matrix = matrix.multiply(weights[:, None]).tocsr()
        self.index_ = matrix.T.tocsr()  # inverted index: one row per n-gram
        self.index_.sort_indices()
        self.vocabulary_: Mapping[str, int] = dict(self.vectorizer_.vocabulary_)
        self.idf_ = self.vectorizer_.idf_.copy()
        self.analyzer_ = self.vectorizer_.build_analyzer()

        self.skills_ = tuple(dict.fromkeys(row_ids))
        position = {skill_id: k for k, skill_id in enumerate(self.skills_)}
        self.row_skill_ = np.array([position[i] for i in row_ids], dtype=np.int64)
        self.n_rows_ = len(texts)
        skills_of_text: dict[str, set[int]] = {}
        for text, skill_id in rows:
            skills_of_text.setdefault(text, set()).add(position[skill_id])
        self.exact_names_: Mapping[str, int] = {
            text: next(iter(found)) for text, found in skills_of_text.items() if len(found) == 1}
        self.labels_ = self._labels(names, ids)
        self.known_ids_ = frozenset(self.labels_) if self.taxonomy is None else None
        self._cache: OrderedDict[str, tuple[int, float]] = OrderedDict()
        return self

    def _labels(self, names: Sequence[str], ids: Sequence[str]) -> Mapping[str, str]:
        if self.taxonomy is not None:
            return {}
        labels: dict[str, str] = {}
        for name, skill_id in zip(names, ids):
            labels.setdefault(skill_id, name)
        return labels

    # -- lookup --------------------------------------------------------------

    def is_known(self, skill_id: str) -> bool:
        if self.taxonomy is not None:
            return self.taxonomy.is_known(skill_id)
        return skill_id in self.known_ids_

    def label(self, skill_id: str) -> str:
        if self.taxonomy is not None:
            return self.taxonomy.label(skill_id, self.language)
        return self.labels_[skill_id]

    def query_vector(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """(feature indices, L2-normalised TF-IDF weights) of one name, as the vectorizer computes them."""
        counts = Counter(self.analyzer_(normalise(name)))
        features = []
        weights = []
        vocabulary = self.vocabulary_
        idf = self.idf_
        for gram, count in counts.items():
            feature = vocabulary.get(gram)
            if feature is not None:
                features.append(feature)
                weights.append((1.0 + math.log(count)) * idf[feature])
        if not features:
            return np.empty(0, dtype=np.int64), np.empty(0)
        weight_array = np.array(weights)
        return np.array(features, dtype=np.int64), weight_array / np.sqrt(weight_array @ weight_array)

    def scores(self, name: str) -> np.ndarray:
        """Weighted cosine similarity of ``name`` to every indexed name."""
        features, weights = self.query_vector(name)
        if features.size == 0:
            return np.zeros(self.n_rows_)
        indptr = self.index_.indptr
        starts = indptr[features]
        lengths = indptr[features + 1] - starts
        positions = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
        return np.bincount(self.index_.indices[positions],
                           weights=self.index_.data[positions] * np.repeat(weights, lengths),
                           minlength=self.n_rows_)

    def _best(self, name: str) -> tuple[int, float]:
        """(skill position, confidence) of the best match; (-1, 0.0) when nothing matches.

        ``np.argmax`` returns the first of equal scores, so ties go to the
        earlier indexed name (local skills come first) and the result is
        deterministic.
        """
        scores = self.scores(name)
        best_row = int(np.argmax(scores))
        best = float(scores[best_row])
        if best <= 0.0:
            return -1, 0.0
        best_skill = int(self.row_skill_[best_row])
        second = 0.0
        if self.margin_weight:
            scores[self.row_skill_ == best_skill] = 0.0
            second = float(scores.max())
        confidence = min(1.0, max(0.0, best - self.margin_weight * second))
        return best_skill, confidence

    def _best_or_exact(self, name: str) -> tuple[int, float]:
        """A name that is, once normalised, an indexed name of exactly one skill maps with confidence 1."""
        exact = self.exact_names_.get(normalise(name))
        return (exact, 1.0) if exact is not None else self._best(name)

    def _cached_best(self, text: str) -> tuple[int, float]:
        if self.cache_size <= 0:
            return self._best_or_exact(text)
        hit = self._cache.get(text)
        if hit is not None:
            self._cache.move_to_end(text)
            return hit
        result = self._best_or_exact(text)
        self._cache[text] = result
        if len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        return result

    def map(self, name: str) -> MappedSkill:
        """Map one competence name (or an exact skill id) to a skill."""
        if not isinstance(name, str):
            raise InvalidInput("skill", f"a skill name must be text, not {type(name).__name__}")
        exact = self._exact_id(name)
        if exact is not None:
            label = self.label(exact)
            return MappedSkill(name, exact, label, 1.0, exact, label)
        position, confidence = self._cached_best(name)
        if position < 0:
            return MappedSkill(name, None, None, 0.0)
        candidate = self.skills_[position]
        candidate_label = self.label(candidate)
        if confidence < self.threshold:
            return MappedSkill(name, None, None, confidence, candidate, candidate_label)
        return MappedSkill(name, candidate, candidate_label, confidence, candidate, candidate_label)

    def _exact_id(self, name: str) -> str | None:
        stripped = name.strip()
        if stripped.lower().startswith(LOCAL_PREFIX):
            stripped = stripped.lower()
        return stripped if stripped and self.is_known(stripped) else None

    def map_many(self, names: Iterable[str]) -> tuple[MappedSkill, ...]:
        return tuple(self.map(name) for name in names)

    def predict(self, names: Iterable[str]) -> list[str | None]:
        """Skill ids (None below the threshold), scikit-learn style."""
        return [mapped.skill for mapped in self.map_many(names)]


@functools.lru_cache(maxsize=1)
def default_mapper() -> SkillMapper:
    """The mapper over the shipped taxonomy, built once per process.

    Building takes about 5 s on two shared cores and holds about 46 MiB
    (docs/benchmarks.md, "Skill mapping").
    """
    return SkillMapper.from_taxonomy(default_taxonomy())
