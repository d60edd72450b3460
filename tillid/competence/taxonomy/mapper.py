"""Mapping free-text competence names to skill ids.

``SkillMapper`` follows the scikit-learn estimator conventions: parameters in
``__init__``, ``fit(names, ids)`` learns the index, ``predict`` / ``map`` /
``map_many`` use it. The index is TF-IDF over character n-grams taken within
word boundaries (``char_wb``) of the normalised names (see ``text.normalise``),
and a name maps to the skill whose evidence is closest. Three signals are
summed per skill (docs/taxonomy.md, "Mapping method"):

- the cosine to its nearest indexed name (character n-grams: typos,
  inflections, compounds);
- the cosine to the skill's document, every name of the skill and its
  description in one text (character n-grams): an unseen wording of a skill
  usually shares its pieces with several of the skill's names at once;
- the cosine to the same document over whole words: word order and short
  words that character n-grams of a long name drown ("manage staff of music"
  vs "manage music staff"). A word no document holds is first replaced by
  the most frequent document word one edit away ("mangement" ->
  "management"), since whole words, unlike n-grams, do not survive a typo.

Why character n-grams: HR systems send names with typos, inflections,
compounds and abbreviations ("sårbeh.", "medicinhåndtering", "Insulingiving");
these share most of their 2-4 character pieces with the catalogue name even
when no whole word matches.

The single-name path does not call the vectorizer: it computes the query's
TF-IDF weights from the fitted vocabulary and idf directly and scores it
against an inverted index (the transposed, L2-normalised name matrix), which
takes a fraction of a millisecond where ``TfidfVectorizer.transform`` plus a
sparse product costs several. ``tests`` check both paths give the same scores.
The two document signals are computed only for the skills with the nearest
names (``candidate_count``), row-wise.
"""

from __future__ import annotations

import math
from collections import Counter, OrderedDict
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from tillid.competence.taxonomy.catalogue import LOCAL_PREFIX, SkillTaxonomy
from tillid.competence.taxonomy.text import normalise
from tillid.errors import InvalidInput

# Chosen on tests/fixtures/skill_names_labelled.csv and the ESCO label sample of
# tuning seed 7 (docs/taxonomy.md, "Threshold").
DEFAULT_THRESHOLD = 0.23
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
# Shares of the three similarities in a skill's score (they sum to 1, so the
# score stays a cosine-like 0..1): nearest name, skill document (character
# n-grams), skill document (words). Tuned on ESCO label sample seed 7.
DEFAULT_SIGNAL_WEIGHTS = (0.25, 5 / 12, 1 / 3)
# n-grams and words found in more than this fraction of the skill documents
# are dropped from the two document indexes (their posting lists would be most
# of the scoring work, as for max_df).
DEFAULT_DOCUMENT_MAX_DF = 0.5
# Skills with the nearest names that are scored in full (docs/taxonomy.md).
DEFAULT_CANDIDATE_COUNT = 50
# Names scoring below this share of the nearest name do not make their skill a candidate.
NEAREST_SHARE = 0.5


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
        """The wire form of docs/contracts/cli.md (`tillid skills map`)."""
        return {"name": self.name, "skill": self.skill, "label": self.label,
                "confidence": round(self.confidence, 4)}


class _InvertedIndex:
    """TF-IDF rows (sublinear tf, L2-normalised) with scoring paths that skip the vectorizer.

    ``scores_of(text, rows)`` scores the given rows of ``matrix`` only.
    ``scores(text)`` computes the query's weights from the fitted vocabulary
    and idf and accumulates them over ``index``, the transposed matrix (one
    row of postings per feature), with one ``np.bincount``; it equals
    ``vectorizer.transform([text]) @ matrix.T`` (tests check it). An index
    keeps only the form it is scored through: ``index`` (postings) or
    ``matrix`` (rows). ``vectorizer`` is None for an index read from a file
    (index_file.py): the analyzer is rebuilt from ``analyzer_params`` alone.
    """

    def __init__(self, *, matrix, index, vocabulary: Mapping[str, int], idf: np.ndarray,
                 analyzer_params: Mapping[str, object], vectorizer: TfidfVectorizer | None = None) -> None:
        self.matrix = matrix
        self.index = index
        self.vocabulary = vocabulary
        self.idf = idf
        self.analyzer_params = dict(analyzer_params)
        self.analyzer = _vectorizer(self.analyzer_params).build_analyzer()
        self.vectorizer = vectorizer
        self.n_rows = matrix.shape[0] if matrix is not None else index.shape[1]

    @classmethod
    def fit(cls, texts: Sequence[str], *, postings: bool, max_df: float | int,
            **analyzer_params) -> "_InvertedIndex":
        vectorizer = _vectorizer(analyzer_params, max_df=max_df)
        matrix = vectorizer.fit_transform(texts).tocsr()
        index = None
        if postings:
            index = matrix.T.tocsr()
            index.sort_indices()
            matrix = None
        return cls(matrix=matrix, index=index, vocabulary=dict(vectorizer.vocabulary_),
                   idf=vectorizer.idf_.copy(), analyzer_params=analyzer_params, vectorizer=vectorizer)

    def grams(self, text: str) -> Counter[str]:
        """The n-grams (or words) of ``text`` with their counts, as this index's analyzer takes them."""
        return Counter(self.analyzer(text))

    def query_vector(self, text: str, grams: Counter[str] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(feature indices, L2-normalised TF-IDF weights); ``grams``: ``self.grams(text)`` if already taken."""
        counts = grams if grams is not None else self.grams(text)
        features = []
        weights = []
        vocabulary = self.vocabulary
        idf = self.idf
        for gram, count in counts.items():
            feature = vocabulary.get(gram)
            if feature is not None:
                features.append(feature)
                weights.append((1.0 + math.log(count)) * idf[feature])
        if not features:
            return np.empty(0, dtype=np.int64), np.empty(0)
        weight_array = np.array(weights)
        return np.array(features, dtype=np.int64), weight_array / np.sqrt(weight_array @ weight_array)

    def scores_of(self, text: str, rows: np.ndarray, grams: Counter[str] | None = None) -> np.ndarray:
        """The cosine of ``text`` to the given rows only (row-major: the work is the rows' lengths)."""
        features, weights = self.query_vector(text, grams)
        if features.size == 0:
            return np.zeros(rows.size)
        query = np.zeros(len(self.idf))
        query[features] = weights
        indptr = self.matrix.indptr
        starts = indptr[rows]
        lengths = indptr[rows + 1] - starts
        positions = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
        return np.bincount(np.repeat(np.arange(rows.size), lengths),
                           weights=self.matrix.data[positions] * query[self.matrix.indices[positions]],
                           minlength=rows.size)

    def scores(self, text: str, grams: Counter[str] | None = None) -> np.ndarray:
        features, weights = self.query_vector(text, grams)
        if features.size == 0:
            return np.zeros(self.n_rows)
        indptr = self.index.indptr
        starts = indptr[features]
        lengths = indptr[features + 1] - starts
        positions = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
        return np.bincount(self.index.indices[positions],
                           weights=self.index.data[positions] * np.repeat(weights, lengths),
                           minlength=self.n_rows)


def _vectorizer(analyzer_params: Mapping[str, object], **params) -> TfidfVectorizer:
    return TfidfVectorizer(lowercase=False, sublinear_tf=True, dtype=np.float64, **analyzer_params, **params)


class SkillMapper:
    """Nearest-skill mapping over TF-IDF character n-grams of names and skill documents, plus words.

    Parameters
    ----------
    taxonomy:
        Supplies labels and the set of known ids (exact ids map to
        themselves). Without one, the first name fitted for an id is its label
        and only fitted ids are known.
    threshold:
        Confidence below which ``map`` returns ``skill=None``.
    esco_weight:
        Factor on the score of skills whose id is not a local ``dk:`` id.
    margin_weight:
        confidence = best - margin_weight * second best (distinct skill),
        clipped to 0..1; 0 makes the confidence the plain score.
    ngram_range:
        Character n-gram lengths (``char_wb``).
    max_df:
        Drop n-grams found in more than this fraction (float) or number (int)
        of indexed names, as ``TfidfVectorizer(max_df=...)``.
    document_max_df:
        ``max_df`` of the two skill-document indexes (n-grams and words).
    candidate_count:
        How many skills (those with the nearest names) get the two document
        signals computed; the others cannot win.
    signal_weights:
        (nearest name, skill document by character n-grams, skill document by
        words): the shares of the three cosines in a skill's score.
    language:
        "da" or "en": which label of a local skill ``label`` carries.
    correct_typos:
        Before the word signal, replace each word no skill document holds by
        the most frequent document word one edit away (``correct_words``).
    cache_size:
        How many mapped names to remember (HR systems send the same names
        again and again); 0 turns the cache off. The cache is not guarded
        for threads: share a mapper between threads only with cache_size=0.
    """

    def __init__(self, taxonomy: SkillTaxonomy | None = None, *, threshold: float = DEFAULT_THRESHOLD,
                 esco_weight: float = DEFAULT_ESCO_WEIGHT, margin_weight: float = DEFAULT_MARGIN_WEIGHT,
                 ngram_range: tuple[int, int] = (2, 4), max_df: float | int = DEFAULT_MAX_DF,
                 signal_weights: tuple[float, float, float] = DEFAULT_SIGNAL_WEIGHTS,
                 document_max_df: float | int = DEFAULT_DOCUMENT_MAX_DF,
                 candidate_count: int = DEFAULT_CANDIDATE_COUNT, language: str = "da",
                 correct_typos: bool = True, cache_size: int = 4096) -> None:
        self.taxonomy = taxonomy
        self.threshold = threshold
        self.esco_weight = esco_weight
        self.margin_weight = margin_weight
        self.ngram_range = ngram_range
        self.max_df = max_df
        self.signal_weights = signal_weights
        self.document_max_df = document_max_df
        self.candidate_count = candidate_count
        self.language = language
        self.correct_typos = correct_typos
        self.cache_size = cache_size

    @classmethod
    def from_taxonomy(cls, taxonomy: SkillTaxonomy, **params) -> "SkillMapper":
        """A mapper fitted on every label and synonym of ``taxonomy``, and the ESCO descriptions."""
        names, ids = taxonomy.training_pairs()
        return cls(taxonomy, **params).fit(names, ids, taxonomy.descriptions())

    # -- fitting -----------------------------------------------------------

    def fit(self, names: Sequence[str], ids: Sequence[str],
            descriptions: Iterable[tuple[str, str]] = ()) -> "SkillMapper":
        """Index ``names`` (``ids[i]`` is the skill of ``names[i]``).

        ``descriptions``: (id, text) pairs added to the skill documents only
        (a description is no name: it never maps a name exactly).
        """
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
        # Skills in order of first appearance (local skills first), rows grouped by skill.
        skills = tuple(dict.fromkeys(skill_id for _, skill_id in rows))
        position = {skill_id: k for k, skill_id in enumerate(skills)}
        ordered = sorted(rows, key=lambda row: position[row[1]])
        texts = [text for text, _ in ordered]
        try:
            names_index = _InvertedIndex.fit(texts, postings=True, max_df=self.max_df,
                                             analyzer="char_wb", ngram_range=self.ngram_range)
        except ValueError as error:  # e.g. max_df pruned every n-gram
            raise InvalidInput("names", str(error)) from None
        documents = _documents(skills, ordered, descriptions, position)
        max_df = self.document_max_df if len(documents) > 2 else 1.0
        skills_of_text: dict[str, set[int]] = {}
        for text, skill_id in ordered:
            skills_of_text.setdefault(text, set()).add(position[skill_id])
        exact_names = {text: found.pop() for text, found in
                       ((text, _local_or_only(skills, found)) for text, found in skills_of_text.items())
                       if len(found) == 1}
        self.use_fitted(
            skills=skills,
            row_skill=np.array([position[skill_id] for _, skill_id in ordered], dtype=np.int64),
            names_index=names_index,
            documents_index=_InvertedIndex.fit(documents, postings=False, max_df=max_df,
                                               analyzer="char_wb", ngram_range=self.ngram_range),
            words_index=_InvertedIndex.fit(documents, postings=False, max_df=max_df,
                                           analyzer="word", token_pattern=r"\w+"),
            exact_names=exact_names,
            correction_ranks=_correction_ranks(documents))
        self.labels_ = self._labels(names, ids)
        self.known_ids_ = frozenset(self.labels_) if self.taxonomy is None else None
        return self

    def use_fitted(self, *, skills: tuple[str, ...], row_skill: np.ndarray, names_index: _InvertedIndex,
                   documents_index: _InvertedIndex, words_index: _InvertedIndex, exact_names: Mapping[str, int],
                   correction_ranks: Mapping[str, int]) -> "SkillMapper":
        """Take the fitted state ``fit`` computes, or ``index_file`` read back (then labels come from the taxonomy)."""
        self.skills_ = skills
        self.row_skill_ = row_skill
        self.n_rows_ = len(row_skill)
        self.names_index_ = names_index
        self.documents_index_ = documents_index
        self.words_index_ = words_index
        self.exact_names_ = exact_names
        self.correction_ranks_ = correction_ranks
        self.skill_weights_ = np.array(
            [1.0 if skill_id.startswith(LOCAL_PREFIX) else self.esco_weight for skill_id in skills])
        self.labels_: Mapping[str, str] = {}
        self.known_ids_ = None
        self._cache: OrderedDict[str, tuple[int, float]] = OrderedDict()
        return self

    def sharing_index(self, **params) -> "SkillMapper":
        """A mapper with other query-time parameters (threshold, weights, ...) over this fitted index.

        Parameters of the fit itself (``ngram_range``, ``max_df``,
        ``document_max_df``) cannot change without a new ``fit``.
        """
        changed = sorted(p for p in ("ngram_range", "max_df", "document_max_df") if p in params)
        if changed:
            raise InvalidInput(changed[0], "changes the fit: fit a new mapper instead")
        current = {name: getattr(self, name) for name in (
            "threshold", "esco_weight", "margin_weight", "ngram_range", "max_df", "signal_weights",
            "document_max_df", "candidate_count", "language", "correct_typos", "cache_size")}
        mapper = SkillMapper(self.taxonomy, **{**current, **params})
        mapper.use_fitted(skills=self.skills_, row_skill=self.row_skill_, names_index=self.names_index_,
                          documents_index=self.documents_index_, words_index=self.words_index_,
                          exact_names=self.exact_names_, correction_ranks=self.correction_ranks_)
        mapper.labels_ = self.labels_
        mapper.known_ids_ = self.known_ids_
        return mapper

    # The name index under the names earlier versions exposed (bench, tests).
    @property
    def vectorizer_(self) -> TfidfVectorizer | None:
        return self.names_index_.vectorizer

    @property
    def index_(self):
        """The inverted name index: one row of postings per n-gram."""
        return self.names_index_.index

    @property
    def vocabulary_(self) -> Mapping[str, int]:
        return self.names_index_.vocabulary

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
        """(feature indices, L2-normalised TF-IDF weights) of one name in the name index."""
        return self.names_index_.query_vector(normalise(name))

    def scores(self, name: str) -> np.ndarray:
        """Cosine similarity of ``name`` to every indexed name (rows grouped by skill)."""
        return self.names_index_.scores(normalise(name))

    def candidates(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """(skill positions, weighted scores) of the skills worth scoring in full.

        The ``candidate_count`` skills with the nearest names; the two document
        signals are computed for them alone, since their long posting lists
        would otherwise be most of the work (on the tuning sample, ranking
        every skill instead changed the share right by 0.001). No candidates
        when no n-gram of the name is indexed.
        """
        text = normalise(name)
        grams = self.names_index_.grams(text)  # the document index takes the same n-grams
        skills, nearest = self._nearest_skills(self.names_index_.scores(text, grams))
        if skills.size == 0:
            return skills, nearest
        if self.documents_index_.analyzer_params != self.names_index_.analyzer_params:
            grams = None
        words = correct_words(text, self.correction_ranks_) if self.correct_typos else text
        name_weight, document_weight, word_weight = self.signal_weights
        combined = (name_weight * nearest + document_weight * self.documents_index_.scores_of(text, skills, grams)
                    + word_weight * self.words_index_.scores_of(words, skills))
        return skills, combined * self.skill_weights_[skills]

    def _nearest_skills(self, row_scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The ``candidate_count`` skills with the best name scores, in skill order, and those scores.

        Taken from the best rows (a skill's best row is its score), which is
        faster than a maximum per skill over all rows; only rows
        scoring at least ``NEAREST_SHARE`` of the best row are considered.
        """
        best_rows = np.flatnonzero(row_scores >= NEAREST_SHARE * row_scores.max())
        rows = 8 * self.candidate_count
        if best_rows.size > rows:
            best_rows = best_rows[np.argpartition(-row_scores[best_rows], rows - 1)[:rows]]
        best_rows = best_rows[row_scores[best_rows] > 0.0]
        best_rows = best_rows[np.lexsort((best_rows, -row_scores[best_rows]))]
        skills, first = np.unique(self.row_skill_[best_rows], return_index=True)
        keep = np.sort(np.argsort(first, kind="stable")[:self.candidate_count])
        return skills[keep], row_scores[best_rows[first[keep]]]

    def skill_scores(self, name: str) -> np.ndarray:
        """The weighted score of ``name`` for every skill (order of ``skills_``; 0 outside the candidates)."""
        skills, combined = self.candidates(name)
        scores = np.zeros(len(self.skills_))
        scores[skills] = combined
        return scores

    def _best(self, name: str) -> tuple[int, float]:
        """(skill position, confidence) of the best match; (-1, 0.0) when nothing matches.

        ``np.argmax`` returns the first of equal scores and the candidates are
        in skill order, so ties go to the earlier skill (local skills come
        first) and the result is deterministic.
        """
        skills, scores = self.candidates(name)
        if skills.size == 0:
            return -1, 0.0
        top = int(np.argmax(scores))
        best = float(scores[top])
        if best <= 0.0:
            return -1, 0.0
        second = 0.0
        if self.margin_weight and scores.size > 1:
            scores[top] = 0.0
            second = float(scores.max())
        confidence = min(1.0, max(0.0, best - self.margin_weight * second))
        return int(skills[top]), confidence

    def _best_or_exact(self, name: str) -> tuple[int, float]:
        """A name that is, once normalised, an indexed name of exactly one skill maps with confidence 1.

        So does a name of one local skill that some ESCO skill also carries
        (local before ESCO).
        """
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


def _local_or_only(skills: Sequence[str], found: set[int]) -> set[int]:
    """The skills an exact name maps to: the local one when the name is also an ESCO skill's."""
    local = {k for k in found if skills[k].startswith(LOCAL_PREFIX)}
    return local if local else found


def _documents(skills: Sequence[str], rows: Sequence[tuple[str, str]], descriptions: Iterable[tuple[str, str]],
               position: Mapping[str, int]) -> list[str]:
    """One text per skill: its normalised names, then its descriptions."""
    parts: list[list[str]] = [[] for _ in skills]
    for text, skill_id in rows:
        parts[position[skill_id]].append(text)
    for skill_id, description in descriptions:
        text = normalise(description)
        if text and skill_id in position:
            parts[position[skill_id]].append(text)
    return [" ".join(texts) for texts in parts]


_LETTERS = "abcdefghijklmnopqrstuvwxyz"
# Words shorter than this are never corrected: too many short words are one edit apart.
MIN_CORRECTED_LENGTH = 4


def _correction_ranks(documents: Sequence[str]) -> dict[str, int]:
    """Every document word with its rank as a correction: the number of skill documents holding it."""
    ranks: Counter[str] = Counter()
    for document in documents:
        ranks.update(set(document.split()))
    return dict(ranks)


def _one_edit(word: str) -> set[str]:
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return ({left + right[1:] for left, right in splits if right}
            | {left + right[1] + right[0] + right[2:] for left, right in splits if len(right) > 1}
            | {left + letter + right[1:] for left, right in splits if right for letter in _LETTERS}
            | {left + letter + right for left, right in splits for letter in _LETTERS})


def correct_words(text: str, ranks: Mapping[str, int]) -> str:
    """``text`` with each word no skill document holds replaced by the best-ranked word one edit away.

    ``ranks``: the known words, each with its rank (the mapper's: how many
    skill documents hold it); ties go to the word that sorts last.

    A word the index has never seen contributes nothing to the word signal and
    few n-grams to the others; when it is one typo from a known word
    ("mangement"), that word is what was meant far more often than not.
    Words with no known neighbour stay as they are.
    """
    words = text.split(" ")
    changed = False
    for k, word in enumerate(words):
        if len(word) < MIN_CORRECTED_LENGTH or word in ranks or not word.isalpha():
            continue
        known = [(ranks[edit], edit) for edit in _one_edit(word) if edit in ranks]
        if known:
            words[k] = max(known)[1]
            changed = True
    return " ".join(words) if changed else text
