"""Parked events keep their order: a later event about the same thing never overtakes a parked one."""

import pytest

from tillid.store.projection.projector import Projector

from tests.integration.store.scenario import employee, envelopes, event, organisation

pytestmark = pytest.mark.services


async def test_events_parked_in_one_batch_are_released_in_the_order_they_came(db):
    projector = Projector()
    changes = [event("TaskDemandChanged", f"demand-{hours}", workplace_id="wp-a", task_id="t-late",
                     hours_per_week=hours) for hours in range(1, 21)]
    await projector.apply(db, envelopes(organisation() + changes))
    assert await db.fetchval("SELECT count(*) FROM parked_events") == 20
    await projector.apply(db, envelopes([event(
        "TaskDefined", "t-late", task_id="t-late", name_da="Sen", name_en="Late", required_skills=[],
        authorised_professions=["sygeplejerske"], administrative=False)]))
    assert await db.fetchval("SELECT hours_per_week FROM task_demand WHERE task_id = 't-late'") == 20


async def test_interest_withdrawn_while_the_interest_waits_for_its_employee_stays_withdrawn(db):
    projector = Projector()
    await projector.apply(db, envelopes(organisation()))
    await projector.apply(db, envelopes([
        event("RotationInterestExpressed", "interest", employee_id="e-late", ranked_slot_ids=[],
              available_from="2027-01-01", max_weeks=8)]))
    await projector.apply(db, envelopes([event("RotationInterestWithdrawn", "withdrawn", employee_id="e-late")]))
    await projector.apply(db, envelopes(employee("e-late")))
    assert await db.fetchval("SELECT count(*) FROM rotation_interests") == 0
    assert await db.fetchval("SELECT count(*) FROM parked_events") == 0


async def test_slot_withdrawn_while_the_offer_waits_for_its_workplace_stays_withdrawn(db):
    projector = Projector()
    await projector.apply(db, envelopes([
        event("RotationSlotOffered", "slot", slot_id="s-1", host_workplace_id="wp-a", title="Akut",
              teaches=[{"skill": "dk:akut-sygepleje", "to_level": 3}], requires=[], weeks=8, capacity=1,
              starts_on="2027-03-01")]))
    await projector.apply(db, envelopes([event("RotationSlotWithdrawn", "slot-withdrawn", slot_id="s-1")]))
    await projector.apply(db, envelopes(organisation()))
    assert await db.fetchval("SELECT withdrawn FROM rotation_slots WHERE slot_id = 's-1'") is True
    assert await db.fetchval("SELECT count(*) FROM parked_events") == 0
