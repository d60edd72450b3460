"""A small, realistic world as events, for store and pipeline tests."""

from __future__ import annotations

from tillid.competence.events import new_envelope, validate

AT = "2026-11-23T10:00:00Z"


def event(type_: str, id_name: str, **payload) -> dict:
    return new_envelope(type_, payload, source="test", occurred_at=AT, event_id_name=f"test/{id_name}")


def envelopes(events: list[dict]):
    return [validate(e) for e in events]


def organisation(org: str = "org-a", workplace: str = "wp-a", committee: str = "med-a") -> list[dict]:
    return [
        event("WorkplaceUpserted", f"{workplace}", workplace_id=workplace, name="Plejecenter A",
              sector="municipality", organisation_id=org, organisation_name="Kommune A", committee_id=committee),
        event("ProfessionUpserted", "p-nurse", profession_id="sygeplejerske", title_da="Sygeplejerske",
              title_en="Nurse", hourly_cost_dkk=345.0),
        event("ProfessionUpserted", "p-assistant", profession_id="sosu_assistent",
              title_da="Social- og sundhedsassistent", title_en="Social and health care assistant",
              hourly_cost_dkk=285.0),
        event("TaskDefined", "t-eye", task_id="oejendraaber", name_da="Øjendråber", name_en="Eye drops",
              required_skills=[{"skill": "dk:oejendraabebehandling", "min_level": 2}],
              authorised_professions=["sygeplejerske"], administrative=False),
    ]


def employee(employee_id: str, profession: str = "sosu_assistent", workplace: str = "wp-a") -> list[dict]:
    return [
        event("EmployeeUpserted", f"emp-{employee_id}", employee_id=employee_id, profession_id=profession,
              workplace_id=workplace, weekly_hours=37, age_band="40-49",
              learning_interests=["dk:saarbehandling"]),
        event("CompetenceAssessed", f"comp-{employee_id}", employee_id=employee_id,
              skill="dk:oejendraabebehandling", level=3, assessed_on="2026-10-01", evidence="manager"),
    ]


def everything_about(employee_id: str, workplace: str = "wp-a") -> list[dict]:
    """Every kind of record the store keeps about one person."""
    return employee(employee_id, workplace=workplace) + [
        event("CompetenceAssessed", f"free-{employee_id}", employee_id=employee_id, skill="noget helt ukendt xyz",
              level=2, assessed_on="2026-10-02", evidence="self"),
        event("CourseCompleted", f"course-{employee_id}", employee_id=employee_id, activity_id="amu-medicin",
              completed_on="2026-09-01", passed=True),
        event("TaskDemandChanged", f"demand-{workplace}", workplace_id=workplace, task_id="oejendraaber",
              hours_per_week=20),
        event("TaskAssignmentReported", f"assign-{employee_id}", workplace_id=workplace, task_id="oejendraaber",
              employee_id=employee_id, hours_per_week=10),
        event("RotationInterestExpressed", f"interest-{employee_id}", employee_id=employee_id,
              ranked_slot_ids=[], available_from="2027-01-01", max_weeks=8),
    ]


async def fresh_schema(db) -> None:
    """Empty the store and migrate it again, as the same store: its erasure key is kept (a new store
    would draw a new one, and erased people's digests would differ)."""
    from tillid.store.db import migrate

    key = await db.fetchval("SELECT key FROM erasure_key")
    await db.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    await migrate(db)
    await db.execute("UPDATE erasure_key SET key = $1", key)
