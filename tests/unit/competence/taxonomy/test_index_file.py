"""The fitted mapper written to and read from its index file (index_file.py)."""

from dataclasses import replace

import numpy as np
import pytest

from tillid.competence.taxonomy import SkillMapper, SkillTaxonomy, load_or_fit
from tillid.competence.taxonomy.index_file import INDEX_FILE_NAME, index_key, load_index, save_index

NAMES = ["Sårbehandl.", "manage staff of musci", "Kranfører", "Forklift driving", "adminsiter medication",
         "med. adm.", "SQL", "http://data.europa.eu/esco/skill/28cb374e-6261-4133-8371-f9a5470145da"]


@pytest.fixture(scope="module")
def small_taxonomy(taxonomy):
    """The local catalogue (unlinked from ESCO) and 300 ESCO skills: quick to fit."""
    local = [replace(skill, esco_uri=None) for skill in taxonomy.local_skills]
    return SkillTaxonomy(local, taxonomy.esco_skills[:300])


@pytest.fixture(scope="module")
def written(tmp_path_factory, small_taxonomy):
    directory = tmp_path_factory.mktemp("index")
    fitted = load_or_fit(small_taxonomy, directory, cache_size=0)
    return directory, fitted


def test_the_shipped_mapper_read_back_maps_and_scores_exactly_as_fitted(mapper, taxonomy, tmp_path):
    path = tmp_path / INDEX_FILE_NAME
    save_index(mapper, path, "k")
    loaded = SkillMapper(taxonomy, cache_size=0)
    assert load_index(loaded, path, "k")
    assert loaded.names_index_.vectorizer is None  # read, not fitted
    assert loaded.map_many(NAMES) == mapper.map_many(NAMES)
    for name in NAMES[:5]:
        np.testing.assert_array_equal(loaded.skill_scores(name), mapper.skill_scores(name))
    assert loaded.exact_names_ == mapper.exact_names_
    assert loaded.correction_ranks_ == mapper.correction_ranks_


def test_a_current_index_file_is_read_not_fitted(written, small_taxonomy):
    directory, fitted = written
    assert (directory / INDEX_FILE_NAME).is_file()
    assert fitted.names_index_.vectorizer is not None
    again = load_or_fit(small_taxonomy, directory, cache_size=0)
    assert again.names_index_.vectorizer is None
    assert again.map_many(NAMES) == fitted.map_many(NAMES)


def test_query_parameters_apply_to_a_read_index_without_a_rebuild(written, small_taxonomy):
    directory, fitted = written
    strict = load_or_fit(small_taxonomy, directory, threshold=0.99, cache_size=0)
    assert strict.names_index_.vectorizer is None
    assert strict.map("manage staff of musci").skill is None
    assert strict.map("manage staff of musci").candidate == fitted.map("manage staff of musci").candidate


def test_a_stale_index_file_is_fitted_again_and_replaced(written, small_taxonomy, tmp_path):
    directory, _ = written
    stale = tmp_path / INDEX_FILE_NAME
    stale.write_bytes((directory / INDEX_FILE_NAME).read_bytes())
    first = small_taxonomy.local_skills[0]
    changed = SkillTaxonomy([replace(first, synonyms_da=(*first.synonyms_da, "Helt ny betegnelse")),
                             *small_taxonomy.local_skills[1:]], small_taxonomy.esco_skills)
    assert index_key(changed, SkillMapper(changed)) != index_key(small_taxonomy, SkillMapper(small_taxonomy))
    rebuilt = load_or_fit(changed, tmp_path, cache_size=0)
    assert rebuilt.names_index_.vectorizer is not None
    assert rebuilt.map("Helt ny betegnelse").skill == first.id
    assert rebuilt.map("Helt ny betegnelse").confidence == 1.0
    assert load_or_fit(changed, tmp_path).names_index_.vectorizer is None  # the replaced file is current


def test_other_fitting_parameters_make_the_index_stale(small_taxonomy):
    assert (index_key(small_taxonomy, SkillMapper(small_taxonomy, max_df=0.05))
            != index_key(small_taxonomy, SkillMapper(small_taxonomy)))
    assert (index_key(small_taxonomy, SkillMapper(small_taxonomy, threshold=0.5))
            == index_key(small_taxonomy, SkillMapper(small_taxonomy)))


def test_an_unreadable_index_file_is_fitted_again(written, small_taxonomy, tmp_path):
    directory, fitted = written
    (tmp_path / INDEX_FILE_NAME).write_bytes((directory / INDEX_FILE_NAME).read_bytes()[:5000])
    rebuilt = load_or_fit(small_taxonomy, tmp_path, cache_size=0)
    assert rebuilt.names_index_.vectorizer is not None
    assert rebuilt.map_many(NAMES) == fitted.map_many(NAMES)
    assert load_or_fit(small_taxonomy, tmp_path).names_index_.vectorizer is None


def test_an_unwritable_directory_still_gives_a_fitted_mapper(written, small_taxonomy, tmp_path):
    _, fitted = written
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    mapper = load_or_fit(small_taxonomy, blocker / "index", cache_size=0)
    assert mapper.map_many(NAMES) == fitted.map_many(NAMES)
