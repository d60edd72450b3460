"""Texts, presentation and roles of the review service (no services needed)."""

import re

import pytest

from tillid.errors import InvalidInput
from tillid.review.auth import Principal, parse_role, token_digest
from tillid.review.i18n import Texts, choose, keys
from tillid.review.pages import present


def test_every_text_exists_in_both_languages_with_the_same_placeholders():
    assert keys("da") == keys("en")
    da, en = Texts("da"), Texts("en")
    for key in keys("da"):
        assert set(re.findall(r"{(\w+)}", da[key])) == set(re.findall(r"{(\w+)}", en[key])), key


def test_language_choice_query_then_cookie_then_danish():
    assert choose("en", "da") == "en"
    assert choose(None, "en") == "en"
    assert choose("fr", None) == "da"
    assert choose(None, None) == "da"


def test_numbers_as_each_language_writes_them():
    assert Texts("da").number(12345.67, 1) == "12.345,7"
    assert Texts("en").number(12345.67, 1) == "12,345.7"
    assert Texts("da").dkk(1440) == "1.440 kr."
    assert Texts("en").dkk(1440) == "DKK 1,440"


def test_effect_items_known_keys_first_with_units():
    effect = {"zeta": 1, "payback_weeks": 6.1, "dkk_per_week": 1440.0, "hours_moved": 24.0,
              "competence_gained": {"dk:saar": 3}}
    assert present.effect_items(Texts("da"), effect) == [
        ("Timer flyttet pr. uge", "24,0 timer"), ("Forskel i lønudgift pr. uge i alt", "1.440 kr."),
        ("Tilbagebetalingstid", "6,1 uger"), ("Kompetencer opnået", "dk:saar → niveau 3"), ("zeta", "1")]


def test_leon_effect_leads_with_moves_then_coverage_then_freed_hours_as_hours():
    """Issue #21: the committee page shows the parts of the weekly difference in that order; freed hours are
    hours, never a saving, and the total comes after its parts."""
    effect = {"dkk_per_week": 1630.0, "freed": {"hours_per_week": 10.0, "dkk_per_week": 3450.0,
                                                "digitalisation_hours": 10.0, "demand_hours": 0.0, "tasks": []},
              "coverage": {"hours_per_week": 12.0, "dkk_per_week": -3420.0}, "reallocation_dkk_per_week": 1600.0,
              "hours_moved": 10.0}
    assert present.effect_items(Texts("da"), effect) == [
        ("Timer flyttet pr. uge", "10,0 timer"), ("Besparelse ved flytninger pr. uge", "1.600 kr."),
        ("Flere timer dækket pr. uge", "12,0 timer mere, koster 3.420 kr."),
        ("Timer der ikke længere er brug for",
         "10,0 timer (digitalisering) – ikke en besparelse: tiden kan bruges andre steder"),
        ("Forskel i lønudgift pr. uge i alt", "1.630 kr.")]
    english = dict(present.effect_items(Texts("en"), effect))
    assert english["More hours covered per week"] == "12.0 hours more, costs DKK 3,420"
    assert english["Hours no longer needed"] == (
        "10.0 hours (digitalisation) – not a saving: the time can be used elsewhere")


def test_plain_reason_of_an_upskilling_explanation():
    explanation = {"need": {"description": "Sårpleje om aftenen"},
                   "gaps": [{"skill": "dk:saar", "current": 1, "target": 3}],
                   "steps": [{"activity": "a1", "title": "Sårkursus", "kind": "course", "hours": 14.0,
                              "provider": "AMU Vest", "mentors": ["e5"]}],
                   "fee_dkk": 3500.0, "cover_dkk": 4200.0, "expected_effect": 0.8}
    reason = present.plain_reason(Texts("en"), explanation)
    assert reason["need"] == "Need: Sårpleje om aftenen"
    assert reason["gaps"] == ["dk:saar: from level 1 to 3"]
    assert reason["steps"] == ["Sårkursus (course, 14 hours) with AMU Vest with e5 as trainer"]
    assert reason["cost"] == "Your workplace pays: DKK 3,500 in fees and DKK 4,200 for cover while you learn."
    assert reason["rest"] == {"expected_effect": 0.8}


def test_audit_actions_in_the_readers_language():
    assert present.audit_action(Texts("da"), "decided proposal p1: approved") == "besluttede et forslag om dig"
    assert present.audit_action(Texts("en"), "something new") == "something new"


@pytest.mark.parametrize("role, principal", [
    ("admin", Principal("admin")), ("committee:med-a", Principal("committee", "med-a")),
    ("employee:e-1:x", Principal("employee", "e-1:x")), ("hr:sd-loen", Principal("hr", "sd-loen"))])
def test_roles_parse(role, principal):
    assert parse_role(role) == principal
    assert parse_role(role).role == role


@pytest.mark.parametrize("role", ["", "root", "admin:x", "committee:", "hr", "employee:a b", "committee:x\n",
                                  "committee:" + "x" * 201, 7])
def test_bad_roles_name_the_field(role):
    with pytest.raises(InvalidInput) as raised:
        parse_role(role)
    assert raised.value.field == "role"


def test_token_digest_is_sha256_hex():
    assert token_digest("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_skill_names_from_the_taxonomy_in_the_readers_language():
    assert present.skill_label(Texts("da"), "dk:saarbehandling") == "sårbehandling"
    assert present.skill_label(Texts("en"), "dk:saarbehandling") == "wound care"
    assert present.skill_label(Texts("en"), "dk:no-such-skill") == "dk:no-such-skill"


def test_plain_reason_names_refunds_net_cost_and_where_the_effect_comes_from():
    explanation = {"steps": [{"activity": "a1", "title": "Sårkursus", "kind": "course", "hours": 14.0,
                              "provider": "AMU Vest", "expected_effect": 0.62,
                              "effect_source_da": "målt blandt 40 deltagere",
                              "effect_source_en": "measured among 40 participants"}],
                   "fee_dkk": 3500.0, "cover_dkk": 4200.0, "refund_dkk": 5453.14, "net_cost_dkk": 2246.86,
                   "refunds": [{"source": "fund-kommunal", "amount_dkk": 2800.0}], "expected_effect": 0.62,
                   "effect_source_da": "målt blandt 40 deltagere", "effect_source_en": "measured among 40 participants"}
    reason = present.plain_reason(Texts("da"), explanation)
    assert "refunderer 5.453 kr." in reason["cost"] and "betaler 2.247 kr. netto" in reason["cost"]
    assert "62 % (målt blandt 40 deltagere)" in reason["cost"]
    assert "målt blandt 40 deltagere" in reason["steps"][0]
    assert reason["rest"] == {}


def test_effect_items_show_refunds_net_cost_and_the_readers_effect_source():
    effect = {"training_cost_dkk": 7700.0, "refund_dkk": 5453.14, "net_cost_dkk": 2246.86,
              "refunds": {"fund-kommunal": 2800.0, "jobrotation": 2653.14}, "expected_effect": 0.62,
              "effect_source_da": "katalogets løfte", "effect_source_en": "the catalogue's promise"}
    items = dict(present.effect_items(Texts("en"), effect))
    assert items["Net cost to the workplace"] == "DKK 2,247"
    assert items["Refunds per fund"] == "fund-kommunal: DKK 2,800, job rotation: DKK 2,653"
    assert items["Expected effect"] == "62 %"
    assert items["Effect based on"] == "the catalogue's promise"
    assert "katalogets løfte" not in items.values()
