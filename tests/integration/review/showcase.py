"""Realistic data for the browser tests and the screenshots: the demo organisation and a committee's queue.

The demo generator's Søndermark Kommune (scale 0.1) gives the store real
workplaces, people, a learning catalogue and learning history; on top of it
the MED committee for elder care gets proposals of every kind, shaped as the
matching engine explains them, and some earlier decisions.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from tillid.competence.demo import generate_events
from tillid.competence.events import new_envelope, validate
from tillid.store.projection.projector import Projector
from tillid.store.proposals import issue_proposal, record_and_publish

COMMITTEE = "med-soendermark-aeldre"
CARE_HOME = "wp-soendermark-plejecenter-egebo"
HOME_CARE = "wp-soendermark-hjemmeplejen-nord"
NOW = datetime(2026, 11, 23, 9, tzinfo=timezone.utc)
BATCH = 2000


async def load_demo(conn, scale: float = 0.1) -> None:
    events = [validate(e) for e in generate_events(seed=42, scale=scale)]
    for start in range(0, len(events), BATCH):
        await Projector().apply(conn, events[start:start + BATCH])


async def _staff(conn, workplace: str, profession: str, count: int) -> list[str]:
    rows = await conn.fetch("""SELECT employee_id FROM employees WHERE workplace_id = $1 AND profession_id = $2
                               AND left_on IS NULL ORDER BY employee_id LIMIT $3""", workplace, profession, count)
    return [r["employee_id"] for r in rows]


def _step(activity: dict, skill: str, before: int, hourly_cover: float, effect: float) -> dict:
    cover = activity["duration_hours"] * hourly_cover
    return {"activity": activity["activity_id"], "title": activity["title"], "kind": activity["kind"],
            "provider": activity["provider"], "teaches": [{"skill": skill, "from": before,
                                                           "to": activity["teaches"][skill]}],
            "hours": activity["duration_hours"], "fee_dkk": activity["cost_dkk"], "cover_dkk": cover,
            "cost_dkk": activity["cost_dkk"] + cover, "expected_effect": effect, "effect_source": "measured effect"}


async def _activity(conn, activity_id: str) -> dict:
    row = await conn.fetchrow("SELECT activity_id, title, kind, provider, duration_hours, cost_dkk, teaches "
                              "FROM learning_activities WHERE activity_id = $1", activity_id)
    return {**dict(row), "teaches": json.loads(row["teaches"])}


def _decision(proposal_id: str, decision: str, comment: str, at: datetime) -> dict:
    stamp = at.isoformat().replace("+00:00", "Z")
    return new_envelope("ProposalDecided", {"proposal_id": proposal_id, "by": "committee", "decision": decision,
                                            "comment": comment, "decided_at": stamp},
                        source="tillid-review", occurred_at=stamp, event_id_name=f"showcase/{proposal_id}/{decision}")


async def build(conn) -> dict:
    """Load everything; returns the ids the browser tests use."""
    await load_demo(conn)
    assistants = await _staff(conn, CARE_HOME, "sosu_assistent", 6)
    helpers = await _staff(conn, HOME_CARE, "sosu_hjaelper", 4)
    nurses = await _staff(conn, CARE_HOME, "sygeplejerske", 2)
    course = await _activity(conn, "la-amuvest-kursus-medicinadministration")
    peer = await _activity(conn, "la-amuvest-sidemand-medicinadministration")
    ids: dict = {"assistants": assistants, "helpers": helpers}

    async with conn.transaction():
        # Decided earlier: an upskilling path for two helpers (approved) and a LEON change (rejected).
        per_helper = {}
        for index, employee_id in enumerate(helpers[:2]):
            step = _step(course if index == 0 else peer, "dk:medicinadministration", 1, 255.0,
                         0.82 if index == 0 else 0.74)
            if index == 1:
                step["mentors"] = [assistants[0]]
            per_helper[employee_id] = {
                "summary_da": f"{step['title']} hos {step['provider']}, {step['hours']:.0f} timer i arbejdstiden",
                "summary_en": f"{step['title']} with {step['provider']}, {step['hours']:.0f} hours in working time",
                "need": {"source": "task", "id": "medicindispensering",
                         "description": "Medicindispensering i Hjemmeplejen Nord mangler kvalificerede hænder "
                                        "på aften- og weekendvagter"},
                "gaps": [{"skill": "dk:medicinadministration", "current": 1, "target": 3}],
                "steps": [step], "fee_dkk": step["fee_dkk"], "cover_dkk": step["cover_dkk"],
                "expected_effect": step["expected_effect"]}
        ids["approved_upskill"] = await issue_proposal(
            conn, kind="upskilling_path", committee_id=COMMITTEE, scope=HOME_CARE, employee_ids=helpers[:2],
            summary_da="Medicinhåndtering for 2 social- og sundhedshjælpere i Hjemmeplejen Nord",
            summary_en="Medicine handling for 2 social and healthcare helpers in Hjemmeplejen Nord",
            explanation={"per_employee": per_helper},
            effect={"training_cost_dkk": 14605.0, "competence_gained": {"dk:medicinadministration": 3},
                    "dkk_per_week": 410.0, "payback_weeks": 35.6},
            fingerprint="showcase-upskill-helpers", issued_at=NOW - timedelta(days=9))
        await record_and_publish(conn, _decision(ids["approved_upskill"], "approved",
                                                 "Godkendt. Kurset lægges uden for ferieperioden.",
                                                 NOW - timedelta(days=7)), key="kommune-soendermark")
        rejected = await issue_proposal(
            conn, kind="leon_allocation", committee_id=COMMITTEE, scope=HOME_CARE, employee_ids=[],
            summary_da="Dokumentation af medicinafstemning flyttes fra sygeplejersker til assistenter",
            summary_en="Medicine reconciliation records move from nurses to assistants",
            explanation={"moves": [{"task": "medicinafstemning", "from_profession": "sygeplejerske",
                                    "to_profession": "sosu_assistent", "hours": 6.0}]},
            effect={"hours_moved": 6.0, "dkk_per_week": 360.0}, fingerprint="showcase-leon-rejected",
            issued_at=NOW - timedelta(days=12))
        await record_and_publish(conn, _decision(rejected, "rejected",
                                                 "Afvist: lokal instruks for medicinafstemning er under revision.",
                                                 NOW - timedelta(days=10)), key="kommune-soendermark")

        # An earlier rotation, approved and accepted by both: it shows in the development spread.
        rotated = await issue_proposal(
            conn, kind="rotation_placement", committee_id=COMMITTEE, scope=HOME_CARE, employee_ids=helpers[2:4],
            summary_da="Rotation: 8 uger i Medicinsk afdeling M1, Regionshospitalet Strandby",
            summary_en="Rotation: 8 weeks in medical ward M1, Regionshospitalet Strandby",
            explanation={"slot": "rs-vestkyst-m1-001", "host": "Medicinsk afdeling M1", "sector": "region"},
            effect={"competence_gained": {"dk:sektorovergange": 3}, "weeks_away": 8},
            fingerprint="showcase-rotation-done", issued_at=NOW - timedelta(days=40))
        await record_and_publish(conn, _decision(rotated, "approved", "", NOW - timedelta(days=38)),
                                 key="kommune-soendermark")
        for row in await conn.fetch("SELECT suggestion_id, employee_id FROM suggestions WHERE proposal_id = $1",
                                    rotated):
            stamp = (NOW - timedelta(days=35)).isoformat().replace("+00:00", "Z")
            await record_and_publish(conn, new_envelope(
                "SuggestionAnswered", {"suggestion_id": row["suggestion_id"], "employee_id": row["employee_id"],
                                       "response": "accepted", "comment": "", "answered_at": stamp},
                source="tillid-review", occurred_at=stamp, event_id_name=f"showcase/{row['suggestion_id']}"),
                key="kommune-soendermark")

        # Pending: a LEON allocation, an upskilling path and a rotation placement.
        ids["upskill"] = await issue_proposal(
            conn, kind="upskilling_path", committee_id=COMMITTEE, scope=CARE_HOME, employee_ids=assistants[1:3],
            summary_da="Sårbehandling på niveau 3 for 2 social- og sundhedsassistenter på Plejecenter Egebo",
            summary_en="Wound care to level 3 for 2 social and healthcare assistants at Plejecenter Egebo",
            explanation={"need": {"source": "task", "id": "saarbehandling",
                                  "description": "18 timers sårbehandling om ugen dækkes i dag af sygeplejersker"},
                         "per_employee": {e: {"gaps": [{"skill": "dk:saarbehandling", "current": 2, "target": 3}]}
                                          for e in assistants[1:3]}},
            effect={"training_cost_dkk": 11820.0, "competence_gained": {"dk:saarbehandling": 3},
                    "dkk_per_week": 720.0, "payback_weeks": 16.4},
            fingerprint="showcase-upskill-wounds", issued_at=NOW - timedelta(days=2))
        ids["rotation"] = await issue_proposal(
            conn, kind="rotation_placement", committee_id=COMMITTEE, scope=CARE_HOME, employee_ids=assistants[3:4],
            summary_da="Rotation: 12 uger i Akutmodtagelsen, Regionshospitalet Strandby",
            summary_en="Rotation: 12 weeks in the emergency department, Regionshospitalet Strandby",
            explanation={"slot": "rs-vestkyst-akut-001", "host": "Akutmodtagelsen, Regionshospitalet Strandby",
                         "sector": "region", "rank": 1, "teaches": [{"skill": "dk:sektorovergange", "to": 3}],
                         "rules": ["cross_sector_only", "max_away_per_workplace: 2"]},
            effect={"competence_gained": {"dk:sektorovergange": 3, "dk:akut-observation": 2}, "weeks_away": 12},
            fingerprint="showcase-rotation", issued_at=NOW - timedelta(days=1))
        ids["leon"] = await issue_proposal(
            conn, kind="leon_allocation", committee_id=COMMITTEE, scope=CARE_HOME,
            employee_ids=nurses[:1] + assistants[:3],
            summary_da="Øjendrypning og medicindispensering: 24 timer om ugen flyttes fra sygeplejersker "
                       "til social- og sundhedsassistenter",
            summary_en="Eye drops and medicine dispensing: 24 hours a week move from nurses to social and "
                       "healthcare assistants",
            explanation={"moves": [{"task": "oejendrypning", "from_profession": "sygeplejerske",
                                    "to_profession": "sosu_assistent", "hours": 10.0, "saving_per_week": 600.0},
                                   {"task": "medicindispensering", "from_profession": "sygeplejerske",
                                    "to_profession": "sosu_assistent", "hours": 14.0, "saving_per_week": 840.0}],
                         "unlocks": [{"activity": "la-amuvest-sidemand-oejendrypning", "employees": assistants[:3],
                                      "training_cost": 8790.0, "saving_per_week": 1440.0, "payback_weeks": 6.1}],
                         "rules": ["Lokal instruks: social- og sundhedsassistenter må give øjendråber efter "
                                   "sidemandsoplæring"]},
            effect={"hours_moved": 24.0, "dkk_per_week": 1440.0, "training_cost_dkk": 8790.0,
                    "payback_weeks": 6.1, "competence_gained": {"dk:oejendrypning": 3}},
            fingerprint="showcase-leon", issued_at=NOW)
    suggestions = await conn.fetch("SELECT suggestion_id, employee_id FROM suggestions WHERE status = 'open' "
                                   "ORDER BY employee_id")
    ids["employee"] = suggestions[0]["employee_id"]
    ids["suggestion"] = suggestions[0]["suggestion_id"]
    return ids
