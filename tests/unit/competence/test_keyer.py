"""Keyer: the organisation id as message key, learnt from the events seen or seeded."""

from __future__ import annotations

import datetime as dt

from tests.unit.competence.events_fixture import valid_event, valid_events
from tillid.competence.events import EVENT_TYPES, Keyer, new_envelope, validate

AT = dt.datetime(2026, 11, 23, 10, tzinfo=dt.timezone.utc)


def event(event_type, **payload):
    return validate(new_envelope(event_type, payload, source="test", occurred_at=AT))


def workplace(workplace_id, organisation_id):
    return event("WorkplaceUpserted", workplace_id=workplace_id, name="n", sector="region",
                 organisation_id=organisation_id, organisation_name="o", committee_id="c")


def employee(employee_id, workplace_id):
    return event("EmployeeUpserted", employee_id=employee_id, profession_id="p", workplace_id=workplace_id,
                 weekly_hours=37)


def assessed(employee_id):
    return event("CompetenceAssessed", employee_id=employee_id, skill="s", level=3, assessed_on="2026-11-01",
                 evidence="self")


def test_every_event_type_has_a_key_rule():
    keyer = Keyer()
    keys = {envelope["type"]: keyer.key(validate(envelope)) for envelope in valid_events()}
    assert set(keys) == set(EVENT_TYPES)
    assert all(isinstance(key, str) and key for key in keys.values())


def test_organisation_id_where_the_payload_names_it():
    keyer = Keyer()
    assert keyer.key(workplace("wp-1", "org-a")) == "org-a"
    assert keyer.key(validate(valid_event("AuthorisationRuleChanged"))) == "org-aarhus-kommune"
    assert keyer.key(validate(valid_event("DigitalisationChange"))) == "org-aarhus-kommune"


def test_employee_events_follow_employee_to_workplace_to_organisation():
    keyer = Keyer()
    assert keyer.key(assessed("e1")) == "e1"  # nothing known yet: the employee id
    assert keyer.key(employee("e1", "wp-1")) == "wp-1"  # workplace known, organisation not
    assert keyer.key(assessed("e1")) == "wp-1"
    keyer.key(workplace("wp-1", "org-a"))
    assert keyer.key(assessed("e1")) == "org-a"
    assert keyer.key(event("EmployeeLeft", employee_id="e1", left_on="2026-12-01")) == "org-a"
    assert keyer.key(event("RotationInterestWithdrawn", employee_id="e1")) == "org-a"


def test_an_employee_moving_is_keyed_by_the_new_organisation():
    keyer = Keyer(workplace_org={"wp-1": "org-a", "wp-2": "org-b"})
    keyer.key(employee("e1", "wp-1"))
    assert keyer.key(employee("e1", "wp-2")) == "org-b"
    assert keyer.key(assessed("e1")) == "org-b"


def test_erasure_is_keyed_then_forgets_the_employee():
    keyer = Keyer(workplace_org={"wp-1": "org-a"}, employee_workplace={"e1": "wp-1"})
    assert keyer.key(event("EmployeeErased", employee_id="e1")) == "org-a"
    assert "e1" not in keyer.employee_workplace
    assert keyer.key(assessed("e1")) == "e1"


def test_seeded_maps_are_used_and_not_shared():
    seed = {"wp-1": "org-a"}
    keyer = Keyer(workplace_org=seed, employee_workplace={"e1": "wp-1"})
    assert keyer.key(assessed("e1")) == "org-a"
    keyer.key(workplace("wp-9", "org-z"))
    assert "wp-9" not in seed


def test_workplace_events_and_rotation_slots():
    keyer = Keyer(workplace_org={"wp-1": "org-a"})
    assert keyer.key(event("TaskDemandChanged", workplace_id="wp-1", task_id="t", hours_per_week=3)) == "org-a"
    assert keyer.key(event("TaskDemandChanged", workplace_id="wp-x", task_id="t", hours_per_week=3)) == "wp-x"
    offered = event("RotationSlotOffered", slot_id="s1", host_workplace_id="wp-1", title="t", teaches=[],
                    requires=[], weeks=4, capacity=1, starts_on="2027-01-04")
    assert keyer.key(offered) == "org-a"
    assert keyer.key(event("RotationSlotWithdrawn", slot_id="s1")) == "org-a"
    assert keyer.key(event("RotationSlotWithdrawn", slot_id="s-unknown")) == "s-unknown"


def test_national_records_are_keyed_by_their_own_id():
    keyer = Keyer()
    assert keyer.key(validate(valid_event("ProfessionUpserted"))) == "sosu-assistent"
    assert keyer.key(validate(valid_event("TaskDefined"))) == "task-medicine-dispensing"
    assert keyer.key(validate(valid_event("LearningActivityPublished"))) == "act-medicine-handling"
    assert keyer.key(validate(valid_event("LearningActivityWithdrawn"))) == "act-old-course"


def test_proposal_events_share_the_key_of_the_proposal():
    keyer = Keyer(workplace_org={"wp-aarhus-hjemmepleje-syd": "org-aarhus-kommune"})
    assert keyer.key(validate(valid_event("ProposalIssued"))) == "org-aarhus-kommune"
    assert keyer.key(validate(valid_event("ProposalDecided"))) == "org-aarhus-kommune"
    assert keyer.key(event("ProposalWithdrawn", proposal_id="prop-0001", reason="r")) == "org-aarhus-kommune"
    assert keyer.key(event("ProposalWithdrawn", proposal_id="prop-unknown", reason="r")) == "prop-unknown"


def test_organisation_scoped_proposal_is_keyed_by_the_organisation():
    keyer = Keyer()
    issued = valid_event("ProposalIssued")
    issued["payload"]["scope"] = "org-b"
    assert keyer.key(validate(issued)) == "org-b"
