"""Upskilling proposals follow measured effect and net cost, and say so: refunds, net cost, effect sources."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tillid.competence.model import Fund
from tillid.matching import upskilling
from tillid.matching.proposals.snapshot import (ActivityFacts, EmployeeFacts, ProfessionFacts, TaskFacts,
                                                WorkplaceSnapshot)
from tillid.matching.proposals.upskilling import mentors_for, needs, upskill_instances, upskilling_proposal
from tillid.matching.upskilling.effect_estimate import MEASURED, PROMISED, EffectEstimate

KOMMUNAL = Fund("fund-kommunal", "Den Kommunale Kompetencefond", ("municipality",), ("fee",), 0.8, 30_000.0)
CHEAP = ActivityFacts("cheap", "course", "Billigt kursus", {"medicin": 3}, {}, 7.0, 2_000.0, "Campus")
DEAR = ActivityFacts("dear", "course", "Godt kursus", {"medicin": 3}, {}, 7.0, 4_000.0, "AMU Vest")


def snapshot(**changes) -> WorkplaceSnapshot:
    base = WorkplaceSnapshot(
        workplace_id="wp-a", name="Plejecenter A", organisation_id="org-a", committee_id="med-a",
        sector="municipality", professions={"sosu_assistent": ProfessionFacts("sosu_assistent", "SOSU-assistent",
                                                                               "Assistant", 285.0)},
        employees=(EmployeeFacts("e1", "sosu_assistent", 37.0, {"medicin": 1}, learning_interests=("medicin",)),),
        tasks=(TaskFacts("t1", "Medicin", "Medication", 10.0, {"medicin": 2}, ("sosu_assistent",), {}),),
        current=(), activities={"cheap": CHEAP, "dear": DEAR}, jobrotation_dkk_per_hour=0.0)
    return replace(base, **changes)


def propose(snap: WorkplaceSnapshot):
    found = needs(snap, None)
    results = [upskilling.solve(i) for i in upskill_instances(snap, found, mentors_for(snap, found))]
    return upskilling_proposal(snap, results, found)


MEASURED_EFFECTS = {"cheap": EffectEstimate("cheap", 0.2, 0.2, 0.0, 150, MEASURED),
                    "dear": EffectEstimate("dear", 0.8, 0.8, 0.0, 120, MEASURED)}


def test_without_effect_data_the_cheapest_path_and_the_catalogue_promise():
    draft = propose(snapshot())
    own = draft.explanation["per_employee"]["e1"]
    assert own["activities"] == ["cheap"]
    assert own["steps"][0]["effect_source"] == PROMISED
    assert "katalogets løfte" in own["summary_da"] and "katalogets løfte" in draft.summary_da


def test_measured_effect_picks_the_dearer_activity_that_works_and_names_its_source():
    draft = propose(snapshot(effects=MEASURED_EFFECTS))
    own = draft.explanation["per_employee"]["e1"]
    assert own["activities"] == ["dear"]
    assert own["expected_effect"] == 0.8
    assert own["steps"][0]["effect_source_da"] == "målt blandt 120 deltagere"
    assert "målt blandt 120 deltagere" in own["summary_da"]
    assert draft.effect["effect_source_da"] == "målt blandt 120 deltagere"
    assert draft.effect["expected_effect"] == 0.8


def test_refunds_and_net_cost_on_the_proposal_and_per_person():
    draft = propose(snapshot(funds=(KOMMUNAL,), jobrotation_dkk_per_hour=189.51))
    own = draft.explanation["per_employee"]["e1"]
    gross = 2_000.0 + 7.0 * 285.0
    fund, rotation = 0.8 * 2_000.0, 7.0 * 189.51
    assert own["gross_cost_dkk"] == gross
    assert {r["source"]: r["amount_dkk"] for r in own["refunds"]} == {"fund-kommunal": fund,
                                                                       "jobrotation": pytest.approx(rotation)}
    assert own["net_cost_dkk"] == pytest.approx(gross - fund - rotation, abs=0.01)
    assert own["steps"][0]["refund_dkk"] == own["refund_dkk"]
    assert draft.effect["refund_dkk"] == own["refund_dkk"]
    assert draft.effect["net_cost_dkk"] == own["net_cost_dkk"]
    assert "refusion" in own["summary_da"] and "betaler" in draft.summary_da


def test_paths_are_chosen_by_net_cost():
    # The state fund pays courses only: a refunded course beats cheaper e-learning it does not pay for.
    state = Fund("fund-statens", "Statens Kompetencefond", ("state",), ("fee",), 1.0, 25_000.0, kinds=("course",))
    e_learning = ActivityFacts("online", "e_learning", "E-læring", {"medicin": 3}, {}, 7.0, 1_500.0, "Campus")
    course = replace(DEAR, cost_dkk=3_000.0)
    activities = {"online": e_learning, "dear": course}
    gross_only = propose(snapshot(activities=activities, sector="state"))
    with_fund = propose(snapshot(activities=activities, sector="state", funds=(state,)))
    assert gross_only.explanation["per_employee"]["e1"]["activities"] == ["online"]
    assert with_fund.explanation["per_employee"]["e1"]["activities"] == ["dear"]
    assert with_fund.effect["net_cost_dkk"] == 7.0 * 285.0


def test_the_yearly_cap_counts_what_this_years_completions_were_refunded():
    big = ActivityFacts("big", "course", "Diplommodul", {"ledelse": 3}, {}, 0.0, 36_250.0, "UC Syd")
    snap = snapshot(funds=(KOMMUNAL,), activities={"cheap": CHEAP, "dear": DEAR, "big": big})
    assert propose(snap).explanation["per_employee"]["e1"]["refund_dkk"] == 1_600.0
    once = propose(replace(snap, completed_this_year={"e1": ("big",)}))
    assert once.explanation["per_employee"]["e1"]["refund_dkk"] == 30_000.0 - 0.8 * 36_250.0
    twice = propose(replace(snap, completed_this_year={"e1": ("big", "big")}))
    assert twice.explanation["per_employee"]["e1"]["refund_dkk"] == 0.0


def test_the_path_search_counts_the_yearly_cap_each_person_has_left():
    # With the municipal fund's refund the course is cheapest (10,000 - 8,000 = 2,000 net against 2,850 of
    # cover for the e-learning, which has no fee to refund); for someone who already received the fund's full
    # yearly cap the course costs 10,000 and the e-learning is the cheapest path.
    course = ActivityFacts("course", "course", "Kursus", {"medicin": 3}, {}, 0.0, 10_000.0, "AMU Vest")
    online = ActivityFacts("online", "e_learning", "E-læring", {"medicin": 3}, {}, 10.0, 0.0, "Campus")
    diploma = ActivityFacts("diploma", "course", "Diplommodul", {"ledelse": 3}, {}, 0.0, 37_500.0, "UC Syd")
    learner = EmployeeFacts("e1", "sosu_assistent", 37.0, {"medicin": 1}, learning_interests=("medicin",))
    colleague = replace(learner, employee_id="e2")
    snap = snapshot(funds=(KOMMUNAL,), employees=(learner, colleague),
                    activities={"course": course, "online": online, "diploma": diploma},
                    completed_this_year={"e1": ("diploma",)})
    per_employee = propose(snap).explanation["per_employee"]
    assert per_employee["e1"]["activities"] == ["online"]
    assert (per_employee["e1"]["refund_dkk"], per_employee["e1"]["net_cost_dkk"]) == (0.0, 10.0 * 285.0)
    assert per_employee["e2"]["activities"] == ["course"]
    assert (per_employee["e2"]["refund_dkk"], per_employee["e2"]["net_cost_dkk"]) == (8_000.0, 2_000.0)


def test_people_far_from_their_caps_share_one_search():
    # e2 and e3 received a course's refund; the cap they have left still covers every refund on what can teach
    # medicin. e5 received the full cap: a search of their own.
    colleagues = tuple(EmployeeFacts(f"e{i}", "sosu_assistent", 37.0, {"medicin": 1}, learning_interests=("medicin",))
                       for i in range(1, 6))
    big = ActivityFacts("big", "course", "Diplommodul", {"ledelse": 3}, {}, 0.0, 37_500.0, "UC Syd")
    snap = snapshot(funds=(KOMMUNAL,), employees=colleagues, activities={"cheap": CHEAP, "dear": DEAR, "big": big},
                    completed_this_year={"e2": ("cheap",), "e3": ("dear",), "e5": ("big",)})
    found = needs(snap, None)
    instances = upskill_instances(snap, found, mentors_for(snap, found))
    assert [sorted(e["id"] for e in i["employees"]) for i in instances] == [["e1", "e2", "e3", "e4"], ["e5"]]
    # e5's search sees no refund on what can teach medicin; "big" cannot, so it keeps the refund for nobody.
    assert [i["refund_dkk"] for i in instances] == [{"cheap": 1_600.0, "dear": 3_200.0, "big": 30_000.0},
                                                    {"big": 30_000.0}]
