"""Proposal summaries name things by their labels, Danish in summary_da and English in summary_en, falling back
to the other language's label and then to the id (issue #19, item 6)."""

from __future__ import annotations

from tillid.competence.labels import Kind, Label, Labels, labels_of
from tillid.matching.proposals.leon import leon_instance, leon_items, leon_proposal
from tillid.matching.proposals.leon_split import weekly_difference
from tillid.matching.proposals.rotation import placement_reason, rotation_proposals
from tillid.matching.proposals.snapshot import (
    ActivityFacts,
    ApplicantFacts,
    EmployeeFacts,
    ProfessionFacts,
    RotationSnapshot,
    SlotFacts,
    TaskFacts,
    WorkplaceSnapshot,
)
from tillid.matching.leon import solve
from tillid.matching.proposals.upskilling import needs

PROFESSIONS = {"nurse": ProfessionFacts("nurse", "Sygeplejerske", "Nurse", 345.0),
               "assistant": ProfessionFacts("assistant", "Social- og sundhedsassistent", "", 285.0)}
SKILLS = labels_of(skill={"dk:digitalt-medicinmodul": Label("digitalt medicinmodul", "digital medicine module"),
                          "dk:kun-dansk": Label("kun dansk", "")})
ACTIVITY = ActivityFacts("la-ucsyd-elaering-digitalt-medicinmodul", "e_learning",
                         "E-læring: det digitale medicinmodul", {}, {}, 2.0, 800.0, "UC Syd")


def workplace(tasks, current=(), employees=None, labels=SKILLS) -> WorkplaceSnapshot:
    staff = employees or (EmployeeFacts("n1", "nurse", 37.0, {}), EmployeeFacts("a1", "assistant", 37.0, {}))
    return WorkplaceSnapshot(workplace_id="wp-1", name="Plejecenter Test", organisation_id="org-1",
                             committee_id="med-1", sector="municipality", professions=PROFESSIONS,
                             employees=tuple(staff), tasks=tuple(tasks), current=tuple(current),
                             activities={ACTIVITY.activity_id: ACTIVITY}, labels=labels)


def changed_task(added: dict[str, int]) -> TaskFacts:
    return TaskFacts("t-medicin", "Medicinadministration", "Medicine administration", 10.0, added,
                     ("assistant",), {}, added_requirements=added)


def change_need(snapshot: WorkplaceSnapshot):
    [need] = [n for n in needs(snapshot, None) if n.source == "change"]
    return need


def test_a_change_need_names_the_task_and_skills_by_their_labels_in_each_language():
    snapshot = workplace([changed_task({"dk:digitalt-medicinmodul": 2})], current=[("a1", "t-medicin", 10.0)])
    need = change_need(snapshot)
    assert need.description_da == ("En digitaliseringsændring betyder, at Medicinadministration nu kræver "
                                   "digitalt medicinmodul.")
    assert need.description_en == ("A digitalisation change means that Medicine administration now requires "
                                   "digital medicine module.")


def test_a_skill_without_an_english_label_has_its_danish_one_and_an_unknown_skill_its_id():
    snapshot = workplace([changed_task({"dk:kun-dansk": 2, "dk:ukendt": 2})], current=[("a1", "t-medicin", 10.0)])
    need = change_need(snapshot)
    assert need.description_da.endswith("nu kræver kun dansk, dk:ukendt.")
    assert need.description_en.endswith("now requires kun dansk, dk:ukendt.")


def test_without_labels_the_skill_ids_are_named():
    snapshot = workplace([changed_task({"dk:digitalt-medicinmodul": 2})], current=[("a1", "t-medicin", 10.0)],
                         labels=Labels())
    assert change_need(snapshot).description_da.endswith("nu kræver dk:digitalt-medicinmodul.")


def test_a_move_names_the_task_and_professions_with_the_other_language_where_one_is_missing():
    task = TaskFacts("t-medicin", "Medicingivning", "", 10.0, {}, ("nurse", "assistant"), {})
    snapshot = workplace([task], current=[("n1", "t-medicin", 10.0)])
    draft = leon_proposal(snapshot, leon_instance(snapshot, change_penalty=0.0),
                          solve(leon_instance(snapshot, change_penalty=0.0)))
    [move] = draft.items
    assert move.summary_da.startswith("Medicingivning: 10,0 timer/uge fra Sygeplejerske til "
                                      "Social- og sundhedsassistent, sparer 600 kr./uge")
    # No English task name or assistant title: the Danish ones, never the ids.
    assert move.summary_en.startswith("Medicingivning: 10.0 hours/week from Nurse to Social- og sundhedsassistent")
    assert "t-medicin" not in move.summary_en + move.summary_da


def unlock_items(snapshot: WorkplaceSnapshot, activity: str):
    instance = {"professions": {}, "employees": [], "tasks": [], "current": []}
    result = {"assignments": [], "moves": [], "total_cost": 0.0,
              "unlocks": [{"activity": activity, "employees": ["a1"], "training_cost": 1370.0,
                           "saving_per_week": 60.0, "payback_weeks": 22.8}]}
    return leon_items(snapshot, instance, result, weekly_difference(instance, result))


def test_training_that_unlocks_a_cheaper_allocation_is_named_by_the_activity_title():
    [item] = unlock_items(workplace([]), ACTIVITY.activity_id)
    assert item.summary_da.startswith("Uddannelse (E-læring: det digitale medicinmodul) af 1 medarbejder(e)")
    assert item.summary_en.startswith("Training (E-læring: det digitale medicinmodul) for 1 employee(s)")
    assert item.item_id == f"unlock:{ACTIVITY.activity_id}"


def test_training_in_an_activity_not_in_the_catalogue_is_named_by_its_id():
    [item] = unlock_items(workplace([]), "la-withdrawn")
    assert item.summary_da.startswith("Uddannelse (la-withdrawn)")


def test_a_placement_names_the_host_sector_in_each_language():
    slot = SlotFacts("slot-1", "Udskrivning på sengeafsnit", "wp-h", "region", "org-2", 1, 8, {}, {})
    applicant = ApplicantFacts("e1", "wp-1", "municipality", "org-1", "med-1", "assistant", {}, ("slot-1",), 8)
    result = {"placements": [{"applicant": "e1", "slot": "slot-1", "rank": 1}], "explanations": [],
              "suggestions": [], "blocking_pairs": [], "stats": {}}
    [draft] = rotation_proposals(RotationSnapshot((slot,), (applicant,), {"wp-1": 1}), result)
    own = draft.explanation["per_employee"]["e1"]
    assert own["summary_da"] == "Rotationsforløb: Udskrivning på sengeafsnit (8 uger, region); dit 1. ønske."
    assert own["summary_en"].startswith("Rotation placement: Udskrivning på sengeafsnit (8 weeks, region)")
    municipal = SlotFacts("slot-1", "Borgerservice", "wp-k", "municipality", "org-1", 1, 8, {}, {})
    [draft] = rotation_proposals(RotationSnapshot((municipal,), (applicant,), {"wp-1": 1}), result)
    assert "(8 uger, kommune)" in draft.explanation["per_employee"]["e1"]["summary_da"]


def test_labels_fall_back_to_the_other_language_and_then_to_the_id():
    labels = labels_of(task={"t1": Label("Øjendråber", "Eye drops"), "t2": Label("", "Only English")},
                       fund={"fund-kommunal": Label("Den Kommunale Kompetencefond")})
    assert labels.name(Kind.TASK, "t1", "da") == "Øjendråber"
    assert labels.name(Kind.TASK, "t1", "en") == "Eye drops"
    assert labels.name(Kind.TASK, "t2", "da") == "Only English"
    assert labels.name(Kind.TASK, "t3", "en") == "t3"
    assert labels.any_name("fund-kommunal", "en") == "Den Kommunale Kompetencefond"
    assert labels.knows("t1") is Kind.TASK and labels.knows("nobody") is None
    merged = labels.merged(labels_of(task={"t3": Label("Sårpleje", "Wound care")}))
    assert merged.name(Kind.TASK, "t3", "en") == "Wound care" and merged.name(Kind.TASK, "t1", "da") == "Øjendråber"


def test_the_english_reason_is_that_of_the_need_the_path_answers():
    """A person with a changed task and a wish of their own: the path answers the change (it comes first), so
    the English reason and summary say the change, as the Danish ones do, not the wish."""
    from tillid.matching import upskilling
    from tillid.matching.proposals.upskilling import mentors_for, upskill_instances, upskilling_proposal

    course = ActivityFacts("la-medicin", "course", "Medicinkursus", {"dk:digitalt-medicinmodul": 3}, {}, 7.0,
                           2000.0, "Campus")
    snapshot = WorkplaceSnapshot(
        workplace_id="wp-1", name="Plejecenter Test", organisation_id="org-1", committee_id="med-1",
        sector="municipality", professions=PROFESSIONS,
        employees=(EmployeeFacts("a1", "assistant", 37.0, {"dk:digitalt-medicinmodul": 1},
                                 learning_interests=("dk:digitalt-medicinmodul",)),),
        tasks=(changed_task({"dk:digitalt-medicinmodul": 2}),), current=(("a1", "t-medicin", 10.0),),
        activities={"la-medicin": course}, labels=SKILLS)
    found = needs(snapshot, None)
    assert [n.source for n in found] == ["change", "interest"]
    results = [upskilling.solve(i) for i in upskill_instances(snapshot, found, mentors_for(snapshot, found))]
    own = upskilling_proposal(snapshot, results, found).explanation["per_employee"]["a1"]
    change = "A digitalisation change means that Medicine administration now requires digital medicine module."
    assert own["reason_en"] == change and own["summary_en"].endswith(change)
    assert own["summary_da"].endswith("nu kræver digitalt medicinmodul.")
    assert own["need"]["description_en"] == change
    assert own["need"]["description_da"].endswith("nu kræver digitalt medicinmodul.")


def test_why_a_person_was_placed_is_said_in_both_languages_with_slot_titles():
    slots = {"slot-1": SlotFacts("slot-1", "Udskrivning på sengeafsnit", "wp-h", "region", "org-2", 1, 8, {}, {}),
             "slot-2": SlotFacts("slot-2", "Borgerservice", "wp-k", "state", "org-3", 1, 8, {}, {})}
    first = {"applicant": "e1", "slot": "slot-1", "rank": 1, "choices_above": []}
    assert placement_reason(first, slots, "da") == "Placeret på Udskrivning på sengeafsnit, dit 1. ønske."
    assert placement_reason(first, slots, "en") == "Placed at Udskrivning på sengeafsnit, your first choice."
    second = {"applicant": "e1", "slot": "slot-1", "rank": 2,
              "choices_above": [{"slot": "slot-2", "rank": 1, "outcome": "full_with_higher_ranked"}]}
    assert placement_reason(second, slots, "da") == (
        "Placeret på Udskrivning på sengeafsnit, dit 2. ønske. Af den plads, du prioriterede højere: 1 fuld(e) "
        "med ansøgere, som værten prioriterede højere.")
    assert "slot-" not in placement_reason(second, slots, "en")
    nowhere = {"applicant": "e1", "slot": None, "rank": None,
               "choices_above": [{"slot": "slot-2", "rank": 1, "outcome": "not_acceptable"}]}
    assert placement_reason(nowhere, slots, "en") == "Not placed. Of the slot you ranked: 1 not open to you."
