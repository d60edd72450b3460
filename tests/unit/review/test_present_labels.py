"""What the pages write for ids and field names: labels in the page's language (issue #19, item 6)."""

from __future__ import annotations

from tillid.competence.labels import Label, labels_of
from tillid.review.i18n import Texts
from tillid.review.pages import present

LABELS = labels_of(
    task={"t-medicin": Label("Medicinadministration", "Medicine administration")},
    profession={"sygeplejerske": Label("Sygeplejerske", "Nurse"),
                "sosu_assistent": Label("Social- og sundhedsassistent", "Social and health care assistant")},
    activity={"la-ucsyd-elaering-digitalt-medicinmodul": Label("E-læring: det digitale medicinmodul")},
    fund={"fund-kommunal": Label("Den Kommunale Kompetencefond")},
    skill={"dk:digitalt-medicinmodul": Label("digitalt medicinmodul", "digital medicine module"),
           "dk:forvaltningsret": Label("forvaltningsret", "administrative law")})


def texts(lang: str) -> Texts:
    return Texts(lang).with_labels(LABELS)


def effect(lang: str, **values) -> dict[str, str]:
    return dict(present.effect_items(texts(lang), values))


def test_refunds_name_the_fund_and_job_rotation():
    shown = effect("da", refunds={"fund-kommunal": 9520.0, "jobrotation": 2805.0})
    assert shown["Refusion pr. fond"] == "Den Kommunale Kompetencefond: 9.520 kr., jobrotation: 2.805 kr."


def test_moves_and_training_are_sentences_with_labels_not_objects_with_ids():
    move = {"task": "t-medicin", "from_profession": "sygeplejerske", "to_profession": "sosu_assistent",
            "hours": 6.0, "saving_per_week": 360.0}
    unlock = {"activity": "la-ucsyd-elaering-digitalt-medicinmodul", "employees": ["e1", "e2"],
              "training_cost": 1370.0, "saving_per_week": 60.0, "payback_weeks": 22.8}
    da = effect("da", moves=[move], training=[unlock])
    assert "Medicinadministration: 6,0 timer/uge fra Sygeplejerske til Social- og sundhedsassistent" in \
        da["flytninger"]
    assert da["uddannelse"].startswith("E-læring: det digitale medicinmodul: 2 medarbejder(e) for 1.370 kr.")
    en = effect("en", moves=[move])
    assert "Medicine administration: 6.0 hours/week from Nurse to Social and health care assistant" in en["moves"]


def test_a_field_the_pages_do_not_know_is_not_written_out_in_english_on_the_danish_page():
    da = effect("da", training_hours=40.8, weeks_away=8, by_sector_pair={"municipality->region": 1})
    assert set(da) == {"uddannelsestimer", "Uger væk fra arbejdspladsen", "efter sektorer (hjem → vært)"}
    assert da["efter sektorer (hjem → vært)"] == "kommune → region: 1"


def test_an_explanation_shows_this_languages_texts_and_labels_its_ids():
    explanation = {"task": "t-medicin", "name_da": "Medicinadministration", "name_en": "Medicine administration",
                   "qualified_here": {"sygeplejerske": 2}, "why": {"summary": "placed at first choice"},
                   "need": {"source": "interest", "id": "dk:digitalt-medicinmodul,dk:forvaltningsret"}}
    da = dict(present.tree_entries(texts("da"), explanation))
    assert set(da) == {"opgave", "navn", "kvalificerede her", "behov"}  # no English name, no English solver text
    assert present.scalar(texts("da"), da["opgave"]) == "Medicinadministration"
    assert dict(present.tree_entries(texts("da"), da["kvalificerede her"])) == {"Sygeplejerske": 2}
    need = dict(present.tree_entries(texts("da"), da["behov"]))
    assert present.scalar(texts("da"), need["id"]) == "digitalt medicinmodul, forvaltningsret"
    assert present.scalar(texts("da"), need["kilde"]) == "eget ønske"
    en = dict(present.tree_entries(texts("en"), explanation))
    assert en["name"] == "Medicine administration" and "reasons" in en  # the solver's English text, in English


def test_an_unknown_id_is_shown_as_it_is():
    assert present.scalar(texts("da"), "t-unknown") == "t-unknown"
    assert present.name_of(texts("en"), "e-000042") == "e-000042"  # pseudonymous employee ids stay


def test_a_reason_names_the_need_once_in_the_readers_language():
    explanation = {"need": {"source": "change", "description": "Medicinadministration nu kræver digitalt "
                                                                 "medicinmodul."},
                   "reason_en": "Medicine administration now requires digital medicine module."}
    english = present.plain_reason(texts("en"), explanation)
    assert english["own"] == explanation["reason_en"] and english["need"] is None
    danish = present.plain_reason(texts("da"), explanation)
    assert danish["own"] is None and danish["need"] == "Behov: Medicinadministration nu kræver digitalt medicinmodul."
