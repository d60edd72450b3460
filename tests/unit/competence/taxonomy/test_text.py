from hypothesis import given, settings
from hypothesis import strategies as st

from tillid.competence.taxonomy.text import fold, normalise


def test_danish_letters_fold_to_their_transliteration():
    assert fold("Sårpleje") == "saarpleje"
    assert fold("Øjendråber") == "oejendraaber"
    assert fold("Velfærdsteknologi") == "velfaerdsteknologi"


def test_abbreviation_dots_and_punctuation_are_removed():
    assert fold("med. adm.") == "med adm"
    assert fold("i.v. behandling") == "iv behandling"
    assert fold("SOSU-pleje (basis)") == "sosu pleje basis"
    assert fold("  Kateter_pleje  ") == "kateter pleje"


def test_normalise_adds_the_spelling_without_ring_and_stroke():
    assert normalise("Sårpleje") == "saarpleje sarpleje"
    assert normalise("sagsbehandling") == "sagsbehandling"


def test_case_and_surrounding_punctuation_do_not_matter():
    assert normalise("SÅRPLEJE.") == normalise("sårpleje") == normalise("  Sårpleje ")


danish_text = st.text(alphabet=st.sampled_from(list("abcdefghijklmnopqrstuvwxyzæøåÆØÅ .-/()0123456789")),
                      max_size=40)


@settings(max_examples=200)
@given(danish_text)
def test_fold_is_ascii_lower_case_and_idempotent(text):
    folded = fold(text)
    assert folded.isascii()
    assert folded == folded.lower()
    assert fold(folded) == folded


@settings(max_examples=200)
@given(danish_text)
def test_normalise_is_case_insensitive(text):
    assert normalise(text.upper()) == normalise(text.lower())
