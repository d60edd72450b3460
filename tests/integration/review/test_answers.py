"""What employees answer, on the pages and the API (issues #18.4, #19.7): titles, providers and course
sessions on /me, decline reasons, "ask again", competence disputes and their state, acceptance rates."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest

from tillid.competence.events import validate
from tillid.store import answers
from tillid.store.projection.projector import Projector
from tillid.store.proposals import issue_proposal
from tests.integration.review import world
from tests.integration.review.conftest import auth
from tests.integration.review.test_pages import csrf_of, sign_in
from tests.integration.store.scenario import event

pytestmark = pytest.mark.services

WISH = "dk:saarbehandling"


def catalogue() -> list[dict]:
    def activity(activity_id, title, provider, **extra):
        return event("LearningActivityPublished", f"answers-{activity_id}", activity_id=activity_id, kind="course",
                     title=title, teaches=[{"skill": WISH, "to_level": 3}], prerequisites=[], duration_hours=7.4,
                     cost_dkk=1200.0, provider=provider, **extra)

    return [activity("la-saar", "Sårpleje i praksis", "AMU Vest",
                     sessions=[{"starts_on": "2027-06-07", "place": None}, {"starts_on": "2027-03-01",
                                                                              "place": "Esbjerg"}]),
            activity("la-saar-2", "Sårpleje for viderekomne", "UC Syd")]


def path(employee_id: str, activities: list[str]) -> dict:
    return {"summary_da": f"Forslag til {employee_id}", "summary_en": f"Suggestion for {employee_id}",
            "need": {"source": "interest", "id": WISH, "description": "Dit eget ønske."},
            "gaps": [{"skill": WISH, "current": 0, "target": 3}],
            "steps": [{"activity": a, "kind": "course", "provider": "?", "hours": 7.4, "teaches": []}
                      for a in activities],
            "activities": activities, "fee_dkk": 1200.0, "cover_dkk": 2000.0}


@pytest.fixture
async def suggestions(client, db, proposals) -> dict[str, str]:
    """An approved upskilling proposal for e1 (two courses) and e2 (one); their suggestion ids."""
    await Projector().apply(db, [validate(e) for e in catalogue()])
    async with db.transaction():
        proposal_id = await issue_proposal(
            db, kind="upskilling_path", committee_id="med-a", scope="wp-a", employee_ids=["e1", "e2"],
            summary_da="Sårpleje", summary_en="Wound care",
            explanation={"per_employee": {"e1": path("e1", ["la-saar", "la-saar-2"]), "e2": path("e2", ["la-saar"])}},
            effect={}, fingerprint="answers-1", issued_at=world.AT + timedelta(days=1))
    answer = await client.post(f"/api/proposals/{proposal_id}/decision", json={"decision": "approved"},
                               headers=auth(world.ADMIN))
    assert answer.status_code == 200, answer.text
    rows = await db.fetch("SELECT employee_id, suggestion_id FROM suggestions WHERE proposal_id = $1", proposal_id)
    return {r["employee_id"]: r["suggestion_id"] for r in rows}


def without_tags(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


async def test_me_names_courses_and_sessions_and_takes_a_reason_and_a_dispute(client, tokens, suggestions, db):
    await sign_in(client, tokens["employee:e1"])
    page = await client.get("/me")
    assert page.status_code == 200
    html, text = page.text, without_tags(page.text)
    assert "Sårpleje i praksis (kursus, 7,40 timer) hos AMU Vest 01.03.2027, Esbjerg 07.06.2027" in text
    assert "Sårpleje for viderekomne (kursus, 7,40 timer) hos UC Syd" in text
    assert "la-saar" not in text  # titles, not ids
    assert "Jeg har allerede denne kompetence" in html and 'name="reason"' in html
    assert 'action="/me/competences/dispute"' in html and "Det er forkert" in html
    assert "<script>" not in html and "content-security-policy" in page.headers
    english = without_tags((await client.get("/me", params={"lang": "en"})).text)
    assert "Sårpleje i praksis (course, 7.40 hours) with AMU Vest" in english
    assert "I already have this competence" in english and "This is wrong" in english
    await client.get("/me", params={"lang": "da"})

    declined = await client.post(f"/me/suggestions/{suggestions['e1']}/response",
                                 data={"response": "declined", "reason": "already_have", "comment": "",
                                       "csrf": csrf_of(html)})
    assert declined.status_code == 303
    assert await db.fetchval("SELECT decline_reason FROM suggestions WHERE suggestion_id = $1",
                             suggestions["e1"]) == "already_have"
    feedback = [json.loads(r["value"]) for r in await db.fetch("SELECT value FROM outbox WHERE topic = 'feedback'")]
    assert [(e["payload"]["skill"], e["payload"]["level"]) for e in feedback] == [(WISH, 0)]
    text = without_tags((await client.get("/me")).text)
    assert "Begrundelse: Jeg har allerede denne kompetence" in text
    assert "Foreslås ikke igen før" in text and "Foreslå det igen" in text
    assert "gjort indsigelse, venter på HR" in text
    english = without_tags((await client.get("/me", params={"lang": "en"})).text)
    assert "Reason: I already have this competence" in english and "disputed, waiting for HR" in english
    assert "Suggest it to me again" in english
    await client.get("/me", params={"lang": "da"})

    held = "dk:oejendraabebehandling"  # e1 holds it at level 3
    assert (await client.post("/me/competences/dispute", data={"skill": held, "comment": "",
                                                               "csrf": csrf_of(html)})).status_code == 422
    assert (await client.post("/me/competences/dispute", data={"skill": "dk:not-held", "comment": "forkert",
                                                               "csrf": csrf_of(html)})).status_code == 422
    assert (await client.post("/me/competences/dispute", data={"skill": held, "comment": "Jeg er på niveau 4",
                                                               "csrf": "bad"})).status_code == 403
    disputed = await client.post("/me/competences/dispute", data={"skill": held, "comment": "Jeg er på niveau 4",
                                                                  "csrf": csrf_of(html)})
    assert disputed.status_code == 303
    assert "Din indsigelse er sendt til HR" in (await client.get(disputed.headers["location"])).text
    again = await client.post("/me/competences/dispute", data={"skill": held, "comment": "igen", "csrf": csrf_of(html)})
    assert again.status_code == 409
    assert [s["state"] for s in await answers.disputes_of(db, "e1")] == ["open", "open"]

    # HR assesses the skill again: that dispute is resolved, and the page says so.
    await Projector().apply(db, [validate(event("CompetenceAssessed", "answers-reassessed", employee_id="e1",
                                                skill=held, level=4, assessed_on="2026-12-01", evidence="manager"))])
    states = {d["skill"]: d["state"] for d in await answers.disputes_of(db, "e1")}
    assert states == {held: "resolved", WISH: "open"}
    assert "afklaret ved en ny vurdering" in without_tags((await client.get("/me")).text)

    asked = await client.post(f"/me/suggestions/{suggestions['e1']}/ask-again", data={"csrf": csrf_of(html)})
    assert asked.status_code == 303
    text = without_tags((await client.get(asked.headers["location"])).text)
    assert "Du har bedt om det igen." in text and "Foreslå det igen" not in text
    assert await db.fetchval("SELECT count(*) FROM audit_log WHERE subject = 'e1' AND action LIKE 'asked again%'") == 1


async def test_the_api_takes_an_optional_reason_and_names_a_bad_one(client, tokens, suggestions, db):
    e1, e2 = auth(tokens["employee:e1"]), auth(tokens["employee:e2"])
    unknown = await client.post(f"/api/suggestions/{suggestions['e2']}/response",
                                json={"response": "declined", "reason": "bored"}, headers=e2)
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["field"] == "reason"
    with_accept = await client.post(f"/api/suggestions/{suggestions['e2']}/response",
                                    json={"response": "accepted", "reason": "no_time"}, headers=e2)
    assert with_accept.status_code == 422 and with_accept.json()["detail"][0]["field"] == "reason"
    old = await client.post(f"/api/suggestions/{suggestions['e1']}/response",
                            json={"response": "declined", "comment": "Ikke nu"}, headers=e1)
    assert old.status_code == 200 and old.json()["reason"] is None
    said = await client.post(f"/api/suggestions/{suggestions['e2']}/response",
                             json={"response": "declined", "comment": None, "reason": "no_time"}, headers=e2)
    assert said.status_code == 200 and said.json()["reason"] == "no_time"
    answered = [json.loads(r["value"]) for r in await db.fetch(
        "SELECT value FROM outbox WHERE value->>'type' = 'SuggestionAnswered' ORDER BY id")]
    assert ["reason" in e["payload"] for e in answered] == [False, True]
    assert not await db.fetchval("SELECT count(*) FROM outbox WHERE topic = 'feedback'")


async def test_the_committee_sees_acceptance_per_activity_and_provider(client, tokens, suggestions, db):
    await client.post(f"/api/suggestions/{suggestions['e1']}/response", json={"response": "accepted"},
                      headers=auth(tokens["employee:e1"]))
    await client.post(f"/api/suggestions/{suggestions['e2']}/response",
                      json={"response": "declined", "reason": "not_interested"}, headers=auth(tokens["employee:e2"]))
    rates = await answers.acceptance_rates(db)
    assert [(a["activity_id"], a["title"], a["provider"], a["accepted"], a["answered"]) for a in rates["activities"]] \
        == [("la-saar", "Sårpleje i praksis", "AMU Vest", 1, 2),
            ("la-saar-2", "Sårpleje for viderekomne", "UC Syd", 1, 1)]
    assert [(p["provider"], p["accepted"], p["answered"]) for p in rates["providers"]] \
        == [("AMU Vest", 1, 2), ("UC Syd", 1, 1)]
    await sign_in(client, tokens["committee:med-a"])
    text = without_tags((await client.get("/committee/med-a")).text)
    assert "Sådan modtages forslagene" in text
    assert "Sårpleje i praksis AMU Vest 1 af 2 taget imod" in text and "UC Syd 1 af 1 taget imod" in text
    english = without_tags((await client.get("/committee/med-a", params={"lang": "en"})).text)
    assert "Sårpleje i praksis AMU Vest 1 of 2 accepted" in english


async def test_erasure_removes_declines_and_disputes(client, tokens, suggestions, db):
    await client.post(f"/api/suggestions/{suggestions['e1']}/response",
                      json={"response": "declined", "reason": "already_have"}, headers=auth(tokens["employee:e1"]))
    await client.post(f"/api/suggestions/{suggestions['e2']}/response",
                      json={"response": "declined", "reason": "already_have", "comment": "e1 kan bekræfte det"},
                      headers=auth(tokens["employee:e2"]))
    assert await db.fetchval("SELECT count(*) FROM declined_needs WHERE employee_id = 'e1'") == 1
    assert await db.fetchval("SELECT count(*) FROM competence_disputes WHERE employee_id = 'e1'") == 1
    await Projector().apply(db, [validate(event("EmployeeErased", "answers-erase-e1", employee_id="e1"))])
    assert await db.fetchval("SELECT count(*) FROM declined_needs WHERE employee_id = 'e1'") == 0
    assert await db.fetchval("SELECT count(*) FROM competence_disputes WHERE employee_id = 'e1'") == 0
    # e2's own dispute stays, without e1's id in their words.
    kept = await db.fetchval("SELECT comment FROM competence_disputes WHERE employee_id = 'e2'")
    assert kept.endswith(": erased kan bekræfte det")
