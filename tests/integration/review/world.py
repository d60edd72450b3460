"""A small world for the review service tests: two committees, people, proposals, tokens."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from tillid.competence.events import validate
from tillid.competence.model import ProposalItem, ProposalItemKind
from tillid.matching.proposals.items import combined, leon_effect, leon_item_effect
from tillid.store.projection.projector import Projector
from tillid.store.proposals import issue_proposal
from tests.integration.store.scenario import employee, event, organisation

ADMIN = "test-admin-token"


def _path(employee_id: str) -> ProposalItem:
    return ProposalItem(f"path:{employee_id}", ProposalItemKind.PATH, (employee_id,), f"Kursus i sårbehandling "
                        f"({employee_id})", f"Wound care course ({employee_id})",
                        {"employees": 1, "training_hours": 15.0, "fee_dkk": 3000.0, "cover_dkk": 1500.0,
                         "training_cost_dkk": 4500.0, "competence_gained": {"dk:saarbehandling": 3}})


def _move(task: str, hours: float, saving: float) -> ProposalItem:
    move = {"task": task, "from_profession": "sygeplejerske", "to_profession": "sosu-assistent", "hours": hours,
            "saving_per_week": saving}
    return ProposalItem(f"move:{task}:sygeplejerske:sosu-assistent", ProposalItemKind.MOVE, ("e1",),
                        f"{task}: {hours} timer", f"{task}: {hours} hours",
                        leon_item_effect(hours_moved=hours, reallocation_dkk_per_week=saving, dkk_per_week=saving,
                                         moves=[move]))


UPSKILL_ITEMS = (_path("e1"), _path("e2"))
LEON_ITEMS = (_move("oejendraaber", 6.0, 360.0), _move("medicin", 4.0, 240.0))
FREED = {"hours_per_week": 10.0, "dkk_per_week": 3450.0, "digitalisation_hours": 10.0, "demand_hours": 0.0,
         "tasks": []}
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
            effect=combined(i.effect for i in UPSKILL_ITEMS), fingerprint="up-1", issued_at=AT,
            items=[i.to_wire() for i in UPSKILL_ITEMS])
        ids["leon"] = await issue_proposal(
            db, kind="leon_allocation", committee_id="med-a", scope="wp-a", employee_ids=["e1"],
            summary_da="Øjendråber flyttes til assistenter", summary_en="Eye drops move to assistants",
            explanation={"moves": [{"task": "oejendraaber", "hours": 10}]},
            effect=leon_effect(LEON_ITEMS, current_cost=20000.0, current_cost_within_demand=16550.0,
                               uncovered_today=0.0, freed=FREED, freed_hours=10.0),
            fingerprint="leon-1", issued_at=AT + timedelta(hours=1), items=[i.to_wire() for i in LEON_ITEMS])
        ids["other"] = await issue_proposal(
            db, kind="rotation_placement", committee_id="med-b", scope="wp-b", employee_ids=["e9"],
            summary_da="Rotation", summary_en="Rotation", explanation={}, effect={}, fingerprint="rot-1",
            issued_at=AT)
    return ids
