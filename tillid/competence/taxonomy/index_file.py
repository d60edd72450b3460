"""The fitted skill mapper on disk, so that a process starts without fitting it.

Fitting the three TF-IDF indexes over the shipped taxonomy takes seconds
(docs/benchmarks.md, "Skill mapping"); a worker would pay that at every
start. ``load_or_fit`` reads the fitted index from one ``.npz`` file (plain
arrays, no pickle) and fits and writes it only when the file is missing,
unreadable or stale.

*Stale* is decided by a key stored in the file: a SHA-256 of everything the
fit depends on, the training names and ids, the descriptions, the fitting
parameters, the source of the mapping code and the scikit-learn version. A new
ESCO file, a catalogue edit, another ``max_df`` or a code change each give a
new key, and the index is rebuilt. Query-time parameters (threshold, weights,
cache) are not part of the file, so changing them costs no rebuild.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
import zipfile
from pathlib import Path
from typing import Mapping

import numpy as np
import sklearn
from scipy import sparse

from tillid.competence.taxonomy import mapper as mapper_module
from tillid.competence.taxonomy import text as text_module
from tillid.competence.taxonomy.catalogue import SkillTaxonomy, default_taxonomy
from tillid.competence.taxonomy.mapper import SkillMapper, _InvertedIndex

log = logging.getLogger(__name__)

INDEX_FILE_NAME = "skill-index.npz"
# Bumped when the layout of the file changes.
FORMAT_VERSION = "1"
# The parameters the fitted arrays depend on; the others apply at query time.
FIT_PARAMETERS = ("ngram_range", "max_df", "document_max_df")
_SEPARATOR = "\n"  # never inside a normalised name, an n-gram, a word or a skill id
_INDEXES = ("names", "documents", "words")


def index_key(taxonomy: SkillTaxonomy, mapper: SkillMapper) -> str:
    """The SHA-256 (hex) of everything ``mapper.fit`` on ``taxonomy`` depends on."""
    digest = hashlib.sha256()

    def add(text: str | bytes) -> None:
        encoded = text if isinstance(text, bytes) else text.encode("utf-8")
        digest.update(len(encoded).to_bytes(8, "little"))
        digest.update(encoded)

    add(FORMAT_VERSION)
    add(sklearn.__version__)
    for module in (mapper_module, text_module):
        add(Path(module.__file__).read_bytes())
    for parameter in FIT_PARAMETERS:
        add(f"{parameter}={getattr(mapper, parameter)!r}")
    names, ids = taxonomy.training_pairs()
    for name, skill_id in zip(names, ids):
        add(name)
        add(skill_id)
    add("descriptions")
    for skill_id, description in taxonomy.descriptions():
        add(skill_id)
        add(description)
    return digest.hexdigest()


def save_index(mapper: SkillMapper, path: Path, key: str) -> None:
    """Write the fitted arrays of ``mapper`` to ``path`` atomically (a temporary file, then a rename)."""
    arrays: dict[str, np.ndarray] = {
        "key": np.array(key),
        "skills": _joined(mapper.skills_),
        "row_skill": mapper.row_skill_,
        "exact_names": _joined(mapper.exact_names_),
        "exact_skills": np.fromiter(mapper.exact_names_.values(), dtype=np.int64, count=len(mapper.exact_names_)),
        "words": _joined(mapper.correction_ranks_),
        "correction_ranks": np.fromiter(mapper.correction_ranks_.values(), dtype=np.int64,
                                        count=len(mapper.correction_ranks_)),
    }
    for prefix, index in zip(_INDEXES, _indexes(mapper)):
        arrays.update(_index_arrays(prefix, index))
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            np.savez(file, **arrays)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def load_index(mapper: SkillMapper, path: Path, key: str) -> bool:
    """Give the unfitted ``mapper`` the arrays in ``path``; False (mapper untouched) if missing, unreadable or stale."""
    try:
        with np.load(path, allow_pickle=False) as data:
            if str(data["key"]) != key:
                return False
            fitted = _fitted_state(data, mapper)
    except FileNotFoundError:
        return False
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as error:
        log.warning("skill index %s is unreadable (%s); fitting it again", path, error)
        return False
    mapper.use_fitted(**fitted)
    return True


def load_or_fit(taxonomy: SkillTaxonomy, directory: Path, **params) -> SkillMapper:
    """The mapper over ``taxonomy``, read from ``directory`` when it holds a current index, else fitted and saved.

    A directory that cannot be written is no error: the fitted mapper is
    returned all the same, and the next start fits again.
    """
    mapper = SkillMapper(taxonomy, **params)
    path = Path(directory) / INDEX_FILE_NAME
    key = index_key(taxonomy, mapper)
    if load_index(mapper, path, key):
        return mapper
    names, ids = taxonomy.training_pairs()
    mapper.fit(names, ids, taxonomy.descriptions())
    try:
        save_index(mapper, path, key)
    except OSError as error:
        log.warning("cannot write the skill index to %s (%s); the next start fits it again", path, error)
    return mapper


_default: SkillMapper | None = None
_default_lock = threading.Lock()


def default_mapper(index_directory: Path | None = None) -> SkillMapper:
    """The mapper over the shipped taxonomy, built once per process.

    The first call builds it: through ``load_or_fit`` when
    ``index_directory`` is given (the worker passes its data directory), else
    by fitting in memory. Later calls return the same mapper whatever they
    pass. Fitting takes seconds and reading the file a fraction of one
    (docs/benchmarks.md, "Skill mapping").
    """
    global _default
    with _default_lock:
        if _default is None:
            taxonomy = default_taxonomy()
            _default = (load_or_fit(taxonomy, index_directory) if index_directory is not None
                        else SkillMapper.from_taxonomy(taxonomy))
        return _default


def _indexes(mapper: SkillMapper) -> tuple[_InvertedIndex, ...]:
    return mapper.names_index_, mapper.documents_index_, mapper.words_index_


def _joined(texts) -> np.ndarray:
    texts = list(texts)
    if any(_SEPARATOR in text for text in texts):
        raise ValueError("a text of the skill index holds a line break")
    return np.array(_SEPARATOR.join(texts))


def _split(array: np.ndarray) -> list[str]:
    text = str(array)
    return text.split(_SEPARATOR) if text else []


def _index_arrays(prefix: str, index: _InvertedIndex) -> dict[str, np.ndarray]:
    postings = index.index is not None
    matrix = index.index if postings else index.matrix
    terms = [""] * len(index.vocabulary)
    for term, feature in index.vocabulary.items():
        terms[feature] = term
    analyzer = index.analyzer_params
    return {
        f"{prefix}_postings": np.array(postings),
        f"{prefix}_data": matrix.data,
        f"{prefix}_indices": matrix.indices,
        f"{prefix}_indptr": matrix.indptr,
        f"{prefix}_shape": np.array(matrix.shape, dtype=np.int64),
        f"{prefix}_idf": index.idf,
        f"{prefix}_terms": _joined(terms),
        f"{prefix}_analyzer": np.array(str(analyzer["analyzer"])),
        f"{prefix}_ngram_range": np.array(analyzer.get("ngram_range", (1, 1)), dtype=np.int64),
        f"{prefix}_token_pattern": np.array(str(analyzer.get("token_pattern", ""))),
    }


def _read_index(data: Mapping[str, np.ndarray], prefix: str) -> _InvertedIndex:
    matrix = sparse.csr_matrix((data[f"{prefix}_data"], data[f"{prefix}_indices"], data[f"{prefix}_indptr"]),
                               shape=tuple(int(n) for n in data[f"{prefix}_shape"]))
    postings = bool(data[f"{prefix}_postings"])
    analyzer = {"analyzer": str(data[f"{prefix}_analyzer"])}
    if analyzer["analyzer"] == "word":
        analyzer["token_pattern"] = str(data[f"{prefix}_token_pattern"])
    else:
        analyzer["ngram_range"] = tuple(int(n) for n in data[f"{prefix}_ngram_range"])
    vocabulary = {term: feature for feature, term in enumerate(_split(data[f"{prefix}_terms"]))}
    return _InvertedIndex(matrix=None if postings else matrix, index=matrix if postings else None,
                          vocabulary=vocabulary, idf=data[f"{prefix}_idf"], analyzer_params=analyzer)


def _fitted_state(data: Mapping[str, np.ndarray], mapper: SkillMapper) -> dict[str, object]:
    names_index, documents_index, words_index = (_read_index(data, prefix) for prefix in _INDEXES)
    exact_names = _split(data["exact_names"])
    words = _split(data["words"])
    if names_index.analyzer_params.get("ngram_range") != tuple(mapper.ngram_range):
        raise ValueError("the n-gram range differs from the mapper's")
    return {
        "skills": tuple(_split(data["skills"])),
        "row_skill": data["row_skill"],
        "names_index": names_index,
        "documents_index": documents_index,
        "words_index": words_index,
        "exact_names": dict(zip(exact_names, (int(k) for k in data["exact_skills"]), strict=True)),
        "correction_ranks": dict(zip(words, (int(n) for n in data["correction_ranks"]), strict=True)),
    }
