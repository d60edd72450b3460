"""A small world for the review service tests: two committees, people, proposals, tokens."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from tillid.competence.events import validate
from tillid.store.projection.projector import Projector
from tillid.store.proposals import issue_proposal
from tests.integration.store.scenario import employee, event, organisation

ADMIN = "test-admin-token"
AT = datetime(2026, 11, 23, 10, tzinfo=timezone.utc)


def workplace_b() -> list[dict]:
    return [event("WorkplaceUpserted", "wp-b", workplace_id="wp-b", name="Akutmodtagelsen", sector="region",
                  organisation_id="org-b", organisation_name="Region B", committee_id="med-b")]


async def build(db) -> dict[str, str]:
    """Load the world into the store; returns the proposal ids by name."""
    events = organisation() + workplace_b() + employee("e1") + employee("e2") + employee("e9", workplace="wp-b")
    await Projector().apply(db, [validate(e) for e in events])
    ids = {}
    async with db.transaction():
        ids["upskill"] = await issue_proposal(
            db, kind="upskilling_path", committee_id="med-a", scope="wp-a", employee_ids=["e1", "e2"],
            summary_da="Opkvalificering i sårbehandling for 2 medarbejdere",
            summary_en="Wound care upskilling for 2 employees",
            explanation={"per_employee": {e: {"summary_da": f"Kursus i sårbehandling ({e})",
                                              "summary_en": f"Wound care course ({e})"} for e in ("e1", "e2")}},
            effect={"training_cost_dkk": 9000.0, "competence_gained": {"dk:saarbehandling": 3}},
            fingerprint="up-1", issued_at=AT)
        ids["leon"] = await issue_proposal(
            db, kind="leon_allocation", committee_id="med-a", scope="wp-a", employee_ids=["e1"],
            summary_da="Øjendråber flyttes til assistenter", summary_en="Eye drops move to assistants",
            explanation={"moves": [{"task": "oejendraaber", "hours": 10}]},
            effect={"hours_moved": 10.0, "reallocation_dkk_per_week": 600.0,
                    "coverage": {"hours_per_week": 0.0, "dkk_per_week": 0.0},
                    "freed": {"hours_per_week": 10.0, "dkk_per_week": 3450.0, "digitalisation_hours": 10.0,
                              "demand_hours": 0.0, "tasks": []},
                    "dkk_per_week": 4050.0}, fingerprint="leon-1",
            issued_at=AT + timedelta(hours=1))
        ids["other"] = await issue_proposal(
            db, kind="rotation_placement", committee_id="med-b", scope="wp-b", employee_ids=["e9"],
            summary_da="Rotation", summary_en="Rotation", explanation={}, effect={}, fingerprint="rot-1",
            issued_at=AT)
    return ids
