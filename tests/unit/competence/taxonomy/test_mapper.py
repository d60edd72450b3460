import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tillid.competence.taxonomy import DEFAULT_THRESHOLD, MappedSkill, SkillMapper, default_mapper
from tillid.competence.taxonomy.catalogue import ESCO_PREFIX
from tillid.competence.taxonomy.mapper import NEAREST_SHARE, correct_words
from tillid.competence.taxonomy.evaluation import evaluate
from tillid.competence.taxonomy.text import normalise
from tillid.errors import InvalidInput

# Measured on tests/fixtures/skill_names_labelled.csv (docs/taxonomy.md): top-1
# 0.964 over all 248 names with an expected id and 0.925 over the 120 of them
# that are not a catalogue name once normalised; outcome 0.941; 21 of 25 names
# that should stay unmapped did. The floors leave a small margin so that a
# catalogue edit can move a name or two.
TOP1_FLOOR = 0.93
TOP1_SCORED_FLOOR = 0.90
OUTCOME_FLOOR = 0.90
UNMAPPED_KEPT_FLOOR = 0.80


@pytest.fixture(scope="module")
def evaluation(mapper, labelled):
    return evaluate(mapper.map_many(row.name for row in labelled), labelled)


def test_labelled_set_is_large_enough(labelled):
    assert len(labelled) >= 150
    assert sum(row.expected is None for row in labelled) >= 20


def test_top1_accuracy_on_the_labelled_names(evaluation):
    assert evaluation.top1_accuracy >= TOP1_FLOOR


def test_top1_accuracy_on_names_that_are_not_catalogue_names(mapper, labelled):
    scored = [row for row in labelled if normalise(row.name) not in mapper.exact_names_]
    assert len(scored) >= 100
    assert evaluate(mapper.map_many(row.name for row in scored), scored).top1_accuracy >= TOP1_SCORED_FLOOR


def test_names_that_should_stay_unmapped_mostly_do(evaluation):
    assert evaluation.unmapped_kept >= UNMAPPED_KEPT_FLOOR


def test_threshold_keeps_most_outcomes_right(evaluation):
    assert evaluation.outcome_accuracy >= OUTCOME_FLOOR
    assert evaluation.mapped_precision >= 0.93


@pytest.mark.parametrize("name, expected", [
    ("Sårpleje", "dk:saarbehandling"),
    ("med. adm.", "dk:medicinadministration"),
    ("medicingivning", "dk:medicinadministration"),
    ("SOSU-pleje", "dk:personlig-pleje"),
    ("KMD Nexus", "dk:omsorgsdokumentation"),
    ("Nexus dokumentation", "dk:omsorgsdokumentation"),
    ("FMK", "dk:digitalt-medicinmodul"),
])
def test_names_hr_systems_send(mapper, name, expected):
    assert mapper.map(name).skill == expected


def test_exact_ids_map_to_themselves(mapper, taxonomy):
    esco_uri = taxonomy.esco_skills[100].id
    for skill_id in ("dk:saarbehandling", "dk:validering-automatiske-afgoerelser", esco_uri):
        mapped = mapper.map(skill_id)
        assert (mapped.skill, mapped.confidence) == (skill_id, 1.0)
        assert mapped.label == taxonomy.label(skill_id, "da")
    assert mapper.map(" DK:Saarbehandling ").skill == "dk:saarbehandling"


def test_local_skills_carry_danish_labels_and_esco_skills_english(mapper, taxonomy):
    assert mapper.map("sårpleje").label == "sårbehandling"
    mapped = mapper.map("operate a forklift")
    assert mapped.skill.startswith(ESCO_PREFIX)
    assert mapped.label == taxonomy.get(mapped.skill).label_en


def test_esco_wording_of_a_linked_concept_maps_to_the_local_skill(mapper):
    assert mapper.map("administer prescribed medicines").skill == "dk:medicinadministration"


def test_below_threshold_goes_unmapped_with_a_candidate(mapper):
    mapped = mapper.map("Kranfører")
    assert mapped.confidence < DEFAULT_THRESHOLD
    assert mapped.skill is None and mapped.label is None
    assert mapped.candidate is not None and mapped.candidate_label


def test_empty_and_symbol_names_have_no_candidate(mapper):
    for name in ("", "   ", "???"):
        assert mapper.map(name) == MappedSkill(name, None, None, 0.0)


def test_non_text_is_invalid_input(mapper):
    with pytest.raises(InvalidInput):
        mapper.map(42)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=30))
def test_confidence_is_between_0_and_1_and_skill_only_above_threshold(text):
    mapped = default_mapper().map(text)
    assert 0.0 <= mapped.confidence <= 1.0
    assert (mapped.skill is not None) == (mapped.confidence >= DEFAULT_THRESHOLD)


def test_fast_path_scores_equal_the_vectorizer_and_cosine(mapper):
    matrix = mapper.index_.T.tocsr()
    for name in ("Sårbehandl.", "insulin giving", "Kørekort kategori C", "projekt ledelse"):
        expected = (mapper.vectorizer_.transform([normalise(name)]) @ matrix.T).toarray().ravel()
        np.testing.assert_allclose(mapper.scores(name), expected, atol=1e-12)


def test_document_scores_of_candidate_rows_equal_the_vectorizer_and_cosine(mapper):
    rows = np.array([0, 5, 17, 400, len(mapper.skills_) - 1])
    for index in (mapper.documents_index_, mapper.words_index_):
        for name in ("Sårbehandl.", "manage staff of music", "Kørekort kategori C"):
            text = normalise(name)
            expected = (index.vectorizer.transform([text]) @ index.matrix[rows].T).toarray().ravel()
            np.testing.assert_allclose(index.scores_of(text, rows), expected, atol=1e-12)


def test_candidates_are_the_skills_with_the_nearest_names(mapper):
    name = "manage staff of music"
    skills, _ = mapper.candidates(name)
    row_scores = mapper.scores(name)
    nearest = np.zeros(len(mapper.skills_))
    np.maximum.at(nearest, mapper.row_skill_, row_scores)
    close = np.flatnonzero(nearest >= NEAREST_SHARE * nearest.max())
    assert 0 < len(skills) == min(len(close), mapper.candidate_count)
    assert list(skills) == sorted(skills)
    outside = np.setdiff1d(np.arange(len(nearest)), skills)
    assert nearest[skills].min() >= nearest[outside].max() - 1e-12


def test_default_mapper_is_built_once(mapper):
    assert default_mapper() is mapper


def test_map_many_and_predict_agree_with_map(mapper, labelled):
    names = [row.name for row in labelled[:20]]
    assert mapper.map_many(names) == tuple(mapper.map(n) for n in names)
    assert mapper.predict(names) == [mapper.map(n).skill for n in names]


def test_cli_wire_form_has_exactly_the_contract_keys():
    mapped = MappedSkill("x", "dk:a", "a", 0.123456, "dk:a", "a")
    assert mapped.as_json() == {"name": "x", "skill": "dk:a", "label": "a", "confidence": 0.1235}


# A small mapper fitted without a taxonomy: labels are the first name per id.
NAMES = ["wound care", "sårpleje", "wound care", "blood sampling", "blodprøver", "leadership"]
IDS = ["dk:wound", "dk:wound", ESCO_PREFIX + "wound", "dk:blood", "dk:blood", ESCO_PREFIX + "lead"]


def small_mapper(**params):
    return SkillMapper(threshold=0.3, max_df=1.0, **params).fit(NAMES, IDS)


def test_fit_without_taxonomy_uses_first_names_as_labels():
    mapper = small_mapper()
    assert mapper.map("blodprove").skill == "dk:blood"
    assert mapper.map("blodprove").label == "blood sampling"
    assert mapper.map("dk:blood").confidence == 1.0
    assert not mapper.is_known("dk:other")


def test_local_skill_wins_over_esco_with_the_same_name():
    assert small_mapper().map("wound-care").skill == "dk:wound"
    assert small_mapper(esco_weight=1.0, margin_weight=0.0).map("wound care").skill == "dk:wound"


def test_fitting_is_deterministic_and_the_cache_changes_nothing():
    queries = ["wound", "blod prøve", "leader ship", "sårpleje", "xyz"]
    first = small_mapper().map_many(queries)
    assert small_mapper(cache_size=0).map_many(queries) == first
    assert small_mapper(cache_size=2).map_many(queries + queries) == first + first


def test_fit_rejects_mismatched_input(taxonomy):
    with pytest.raises(InvalidInput):
        SkillMapper().fit(["a", "b"], ["dk:a"])
    with pytest.raises(InvalidInput):
        SkillMapper().fit([], [])
    with pytest.raises(InvalidInput):
        SkillMapper(taxonomy).fit(["sårpleje"], ["dk:not-in-the-catalogue"])
    with pytest.raises(InvalidInput):
        SkillMapper(max_df=1).fit(["ab", "ab"], ["dk:a", "dk:b"])


FREQUENCIES = {"management": 40, "manager": 9, "medication": 12, "staff": 30, "stuff": 2, "care": 50}


@pytest.mark.parametrize("text, corrected", [
    ("staff mangement", "staff management"),   # a letter missing
    ("medicatoin", "medication"),              # two letters swapped
    ("stafg", "staff"),                        # the most frequent of the words one edit away
    ("mangement of qzxwv", "management of qzxwv"),  # no known word one edit away: kept
    ("cre", "cre"),                            # shorter than MIN_CORRECTED_LENGTH
])
def test_correct_words_replaces_unknown_words_by_the_best_ranked_one_edit_away(text, corrected):
    assert correct_words(text, FREQUENCIES) == corrected


def test_typo_correction_lifts_a_typo_d_name_over_the_threshold(mapper):
    without = mapper.sharing_index(correct_typos=False, cache_size=0)
    name = "adminsiter medicatoin"
    assert without.map(name).skill is None
    assert mapper.map(name).skill is not None
    assert mapper.map(name).confidence > without.map(name).confidence + 0.1


def test_a_mapper_sharing_the_index_keeps_it_and_takes_only_query_parameters(mapper):
    strict = mapper.sharing_index(threshold=0.99)
    assert strict.names_index_ is mapper.names_index_ and strict.esco_weight == mapper.esco_weight
    assert strict.map("Sårbehandl.").skill is None
    assert strict.map("Sårbehandl.").candidate == mapper.map("Sårbehandl.").candidate
    with pytest.raises(InvalidInput, match="max_df"):
        mapper.sharing_index(max_df=0.5)
