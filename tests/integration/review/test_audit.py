"""Every read of personal data is audited, fail-closed, in the read's transaction; decisions say who decided.

The proposals here name people the way the builders do (tillid/matching/proposals): beside
``employee_ids``, mentors of a peer-training step, learners no path reaches, unplaced rotation
applicants and blocking pairs. Each of them is a subject of every read of the proposal.
"""

from __future__ import annotations

import json

import pytest

from tillid.competence.events import validate
from tillid.review import actions
from tillid.review.audit import audited
from tillid.review.auth import Principal
from tillid.store.proposals import issue_proposal
from tests.integration.review import world
from tests.integration.review.conftest import auth
from tests.integration.review.test_pages import csrf_of, sign_in
from tests.services import SIGNING_KEY

pytestmark = pytest.mark.services

# Named in the proposals below only inside explanation or effect, never in employee_ids.
HIDDEN = {"m5": "mentor", "x4": "unreachable learner", "u7": "unplaced applicant", "b3": "blocking pair",
          "t8": "trained by an unlock"}


@pytest.fixture
async def crowded(db, proposals) -> dict[str, str]:
    """The world's proposals, and two more for committee med-a that name people outside employee_ids."""
    async with db.transaction():
        upskill = await issue_proposal(
            db, kind="upskilling_path", committee_id="med-a", scope="wp-a", employee_ids=["e2"],
            summary_da="Sidemandsoplæring", summary_en="Peer training",
            explanation={"per_employee": {"e2": {"steps": [{"activity": "peer", "kind": "peer_training",
                                                            "mentors": ["m5"]}],
                                                 "summary_en": "Peer training with a mentor"}},
                         "unreachable": [{"employee": "x4", "skills": ["ledelse"]}]},
            effect={"employees": 1, "training_cost_dkk": 1800.0}, fingerprint="up-mentor",
            issued_at=world.AT)
        rotation = await issue_proposal(
            db, kind="rotation_placement", committee_id="med-a", scope="org-a", employee_ids=["e1"],
            summary_da="Rotation", summary_en="Rotation",
            explanation={"per_employee": {"e1": {"slot": "s1", "rank": 1, "why": {"applicant": "e1"}}},
                         "unplaced": ["u7"], "blocking_pairs": [{"applicant": "b3", "slot": "s1"}],
                         "stats": {"placed": 1, "unplaced": 1}},
            effect={"placed": 1, "training": [{"activity": "delegation", "employees": ["t8"]}]},
            fingerprint="rot-a", issued_at=world.AT)
    return {**proposals, "mentored": upskill, "rotation": rotation}


async def audit_rows(db, where: str = "TRUE", *args) -> list[dict]:
    rows = await db.fetch(f"SELECT actor, holder, subject, action, endpoint, purpose FROM audit_log WHERE {where} "
                          "ORDER BY id", *args)
    return [dict(r) for r in rows]


async def refuse_audit_writes(db) -> None:
    """Every insert into audit_log fails, as when its disk is full or a privilege is missing."""
    await db.execute("""CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS
                        $$ BEGIN RAISE EXCEPTION 'audit disk full'; END $$""")
    await db.execute("CREATE TRIGGER refuse BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse()")


# --- proposals -------------------------------------------------------------------------

async def test_listing_proposals_audits_every_person_named_once_per_read(client, tokens, crowded, db):
    answer = await client.get("/api/proposals", headers=auth(tokens["committee:med-a"]))
    assert answer.status_code == 200 and len(answer.json()) == 4

    rows = await audit_rows(db)
    assert sorted(r["subject"] for r in rows) == sorted({"e1", "e2", *HIDDEN})  # one row per person
    assert {(r["actor"], r["endpoint"], r["purpose"]) for r in rows} == {
        ("committee:med-a", "GET /api/proposals", "committee review")}
    action = {r["subject"]: r["action"] for r in rows}
    assert action["m5"] == f"listed proposals {crowded['mentored']}"
    assert action["b3"] == action["u7"] == action["t8"] == f"listed proposals {crowded['rotation']}"
    # e1 is named by three of the listed proposals: the row says which
    assert set(action["e1"].removeprefix("listed proposals ").split(", ")) == {
        crowded["upskill"], crowded["leon"], crowded["rotation"]}


async def test_listing_audits_only_the_proposals_listed(client, tokens, crowded, db):
    answer = await client.get("/api/proposals", params={"kind": "upskilling_path"},
                              headers=auth(tokens["admin"]))
    assert {p["proposal_id"] for p in answer.json()} == {crowded["upskill"], crowded["mentored"]}
    assert {r["subject"] for r in await audit_rows(db)} == {"e1", "e2", "m5", "x4"}
    assert {r["actor"] for r in await audit_rows(db)} == {"admin"}


async def test_reading_one_proposal_audits_every_person_it_names(client, tokens, crowded, db):
    answer = await client.get(f"/api/proposals/{crowded['rotation']}", headers=auth(tokens["committee:med-a"]))
    assert answer.status_code == 200
    assert answer.json()["explanation"]["blocking_pairs"] == [{"applicant": "b3", "slot": "s1"}]
    rows = await audit_rows(db)
    assert sorted(r["subject"] for r in rows) == ["b3", "e1", "t8", "u7"]
    assert {(r["action"], r["endpoint"]) for r in rows} == {
        (f"read proposal {crowded['rotation']}", "GET /api/proposals/{proposal_id}")}


async def test_a_refused_or_missing_proposal_audits_nobody(client, tokens, crowded, db):
    assert (await client.get(f"/api/proposals/{crowded['rotation']}",
                             headers=auth(tokens["committee:med-b"]))).status_code == 404
    assert (await client.get("/api/proposals/nope", headers=auth(tokens["admin"]))).status_code == 404
    assert await audit_rows(db) == []


async def test_the_queue_audits_nobody_and_the_proposal_page_every_person_it_names(client, tokens, crowded, db):
    await sign_in(client, tokens["committee:med-a"])
    queue = await client.get("/committee/med-a")
    assert queue.status_code == 200 and "u7" not in queue.text and "<code>e1</code>" not in queue.text
    assert await audit_rows(db) == []  # the rows count people, they name nobody
    page = await client.get(f"/committee/med-a/proposals/{crowded['rotation']}")
    assert page.status_code == 200 and "u7" in page.text  # the explanation shows the unplaced applicant
    rows = await audit_rows(db)
    assert sorted(r["subject"] for r in rows) == ["b3", "e1", "t8", "u7"]
    assert {r["endpoint"] for r in rows} == {"GET /committee/{committee_id}/proposals/{proposal_id}"}
    assert {r["action"] for r in rows} == {f"viewed on proposal page {crowded['rotation']}"}


async def test_the_agenda_audits_the_people_it_shows(client, tokens, crowded, db):
    """The agenda prints summaries, effects and items, not explanations: the people those name are audited."""
    await sign_in(client, tokens["committee:med-a"])
    agenda = await client.get("/committee/med-a/agenda")
    assert agenda.status_code == 200
    rows = await audit_rows(db)
    assert sorted({r["subject"] for r in rows}) == ["e1", "e2", "t8"]
    assert {r["endpoint"] for r in rows} == {"GET /committee/{committee_id}/agenda"}
    assert all(r["action"].startswith("viewed in committee agenda ") for r in rows)


async def test_an_audit_that_cannot_be_written_refuses_every_proposal_read(client, tokens, crowded, db):
    await refuse_audit_writes(db)
    committee = auth(tokens["committee:med-a"])
    for path in ("/api/proposals", f"/api/proposals/{crowded['rotation']}", f"/api/proposals/{crowded['upskill']}"):
        answer = await client.get(path, headers=committee)
        assert answer.status_code == 503, path
        assert "audit" in answer.json()["detail"]
        for named in ("e1", "e2", "u7", "m5", "Rotation", "Wound care"):
            assert named not in answer.text, (path, named)
    await sign_in(client, tokens["committee:med-a"])
    for path in (f"/committee/med-a/proposals/{crowded['rotation']}", "/committee/med-a/agenda"):
        page = await client.get(path)
        assert page.status_code == 503, path
        assert "u7" not in page.text and "<code>e1</code>" not in page.text and "Rotation" not in page.text


async def test_an_audit_that_cannot_be_written_refuses_the_decision(client, tokens, crowded, db):
    await refuse_audit_writes(db)
    answer = await client.post(f"/api/proposals/{crowded['rotation']}/decision", json={"decision": "approved"},
                               headers=auth(tokens["committee:med-a"]))
    assert answer.status_code == 503 and "u7" not in answer.text
    assert await db.fetchval("SELECT count(*) FROM decisions") == 0
    assert await db.fetchval("SELECT status FROM proposals WHERE proposal_id = $1", crowded["rotation"]) == "pending"


# --- decisions ---------------------------------------------------------------------------

async def test_an_admins_decision_is_recorded_as_the_admins(client, tokens, crowded, db):
    answer = await client.post(f"/api/proposals/{crowded['rotation']}/decision",
                               json={"decision": "rejected", "comment": "Ikke nu"}, headers=auth(tokens["admin"]))
    assert answer.status_code == 200, answer.text
    [decision] = answer.json()["decisions"]
    assert (decision["by"], decision["role"], decision["holder"]) == ("committee", "admin", None)

    row = await db.fetchrow("SELECT by, decided_by_role, decided_by_holder FROM decisions")
    assert (row["by"], row["decided_by_role"], row["decided_by_holder"]) == ("committee", "admin", None)
    event = json.loads(await db.fetchval("SELECT value FROM outbox WHERE topic = 'decisions'"))
    validate(event)
    assert event["payload"]["by"] == "committee"
    assert event["payload"]["actor"] == {"role": "admin", "holder": None}

    rows = await audit_rows(db, "action LIKE 'decided%'")
    assert sorted(r["subject"] for r in rows) == ["b3", "e1", "t8", "u7"]
    assert {(r["actor"], r["purpose"]) for r in rows} == {("admin", "administration")}


async def test_an_admins_decision_on_the_page_shows_as_the_admins(client, tokens, crowded, db):
    await sign_in(client, tokens["admin"])
    page = await client.get("/committee/med-a")
    answer = await client.post(f"/committee/med-a/proposals/{crowded['leon']}/decision",
                               data={"decision": "approved", "csrf": csrf_of(page.text)})
    assert answer.status_code == 303
    assert await db.fetchval("SELECT decided_by_role FROM decisions") == "admin"
    english = await client.get("/committee/med-a", params={"lang": "en"})
    assert "an administrator" in english.text


async def test_a_members_decision_names_the_token_holder(client, tokens, crowded, db):
    member = Principal("committee", "med-a", holder="staff-0417")
    async with db.transaction():
        await actions.decide_proposal(db, member, crowded["mentored"], "approved", "", "POST test",
                                      signing_key=SIGNING_KEY.encode())
    answer = await client.get(f"/api/proposals/{crowded['mentored']}", headers=auth(tokens["admin"]))
    [decision] = answer.json()["decisions"]
    assert (decision["by"], decision["role"], decision["holder"]) == ("committee", "committee:med-a", "staff-0417")
    rows = await audit_rows(db, "action LIKE 'decided%'")
    assert {(r["subject"], r["actor"], r["holder"]) for r in rows} == {
        ("e2", "committee:med-a", "staff-0417"), ("m5", "committee:med-a", "staff-0417"),
        ("x4", "committee:med-a", "staff-0417")}


# --- holders ------------------------------------------------------------------------------

async def test_audit_rows_carry_the_holder_and_the_api_returns_and_filters_it(client, tokens, crowded, db):
    member = Principal("committee", "med-a", holder="staff-0417")
    async with db.transaction():
        await audited(db, member, "e1", "read employee", "GET /api/employees/{employee_id}", "committee review")
    await client.get("/api/employees/e1", headers=auth(tokens["committee:med-a"]))  # a token without a holder

    entries = (await client.get("/api/audit", params={"subject": "e1"}, headers=auth(tokens["admin"]))).json()
    assert [(e["actor"], e["holder"]) for e in entries] == [("committee:med-a", None),
                                                             ("committee:med-a", "staff-0417")]
    traced = await client.get("/api/audit", params={"holder": "staff-0417"}, headers=auth(tokens["admin"]))
    assert [(e["subject"], e["holder"]) for e in traced.json()] == [("e1", "staff-0417")]


# --- employees and suggestions ---------------------------------------------------------------

async def test_suggestion_reads_audit_the_mentors_they_name(client, tokens, crowded, db):
    decided = await client.post(f"/api/proposals/{crowded['mentored']}/decision", json={"decision": "approved"},
                                headers=auth(tokens["committee:med-a"]))
    assert decided.status_code == 200
    await db.execute("DELETE FROM audit_log")

    mine = await client.get("/api/employees/e2/suggestions", headers=auth(tokens["employee:e2"]))
    assert mine.json()[0]["explanation"]["steps"][0]["mentors"] == ["m5"]
    person = await client.get("/api/employees/e2", headers=auth(tokens["employee:e2"]))
    assert person.json()["open_suggestions"][0]["explanation"]["steps"][0]["mentors"] == ["m5"]
    await sign_in(client, tokens["employee:e2"])
    assert (await client.get("/me")).status_code == 200
    answer = await client.post(f"/api/suggestions/{mine.json()[0]['suggestion_id']}/response",
                               json={"response": "accepted"}, headers=auth(tokens["employee:e2"]))
    assert answer.json()["explanation"]["steps"][0]["mentors"] == ["m5"]

    rows = await audit_rows(db)
    endpoints = ["GET /api/employees/{employee_id}/suggestions", "GET /api/employees/{employee_id}", "GET /me",
                 "POST /api/suggestions/{suggestion_id}/response"]
    assert [r["endpoint"] for r in rows if r["subject"] == "m5"] == endpoints
    assert all(r["action"].startswith("named in suggestions ") for r in rows if r["subject"] == "m5")
    assert [r["endpoint"] for r in rows if r["subject"] == "e2"] == endpoints


async def test_an_audit_that_cannot_be_written_refuses_the_me_page(client, tokens, crowded, db):
    await refuse_audit_writes(db)
    await sign_in(client, tokens["employee:e1"])
    page = await client.get("/me")
    assert page.status_code == 503
    assert "Social- og sundhedsassistent" not in page.text and "oejendraabe" not in page.text
