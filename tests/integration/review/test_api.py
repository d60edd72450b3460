"""The HTTP API of docs/contracts/api.md against the real store: every endpoint, every role, the refusals."""

from __future__ import annotations

import json

import pytest

from tillid.competence.events import validate, verify
from tillid.store.projection.projector import Projector
from tests.integration.review.conftest import auth
from tests.integration.store.scenario import event
from tests.services import SIGNING_KEY

pytestmark = pytest.mark.services

ROLES = ("admin", "committee:med-a", "committee:med-b", "employee:e1", "employee:e2", "hr:sd-loen")


async def outbox_types(db) -> list[str]:
    return [json.loads(r["value"])["type"] for r in await db.fetch("SELECT value FROM outbox ORDER BY id")]


# --- authentication and tokens -----------------------------------------------------

async def test_missing_or_unknown_token_is_401_everywhere(client, proposals):
    for method, path in (("GET", "/api/stats"), ("GET", "/api/proposals"), ("GET", "/api/employees/e1"),
                         ("POST", "/api/tokens"), ("POST", "/api/events"), ("GET", "/api/audit")):
        assert (await client.request(method, path)).status_code == 401
        answer = await client.request(method, path, headers=auth("no-such-token"))
        assert answer.status_code == 401
        assert answer.headers["www-authenticate"] == "Bearer"


async def test_only_admins_issue_tokens_and_roles_are_checked(client, tokens, db):
    for role in ROLES[1:]:
        answer = await client.post("/api/tokens", json={"role": "admin"}, headers=auth(tokens[role]))
        assert answer.status_code == 403, role
    for bad in ("root", "committee:", "employee:has space", "hr", "", "committee:x\n"):
        answer = await client.post("/api/tokens", json={"role": bad}, headers=auth(tokens["admin"]))
        assert answer.status_code == 422, bad
        assert answer.json()["detail"][0]["field"] == "role"
    stored = [r["token_sha256"] for r in await db.fetch("SELECT token_sha256 FROM api_tokens")]
    assert len(stored) == 6 and all(len(digest) == 64 for digest in stored)
    assert not set(stored) & set(tokens.values())  # only digests are kept


# --- stats ----------------------------------------------------------------------------

async def test_stats_for_admin_only(client, tokens):
    answer = await client.get("/api/stats", headers=auth(tokens["admin"]))
    assert answer.status_code == 200
    stats = answer.json()
    assert set(stats) == {"events_received", "events_applied", "events_parked", "events_dropped_by_erasure",
                          "events_duplicate", "events_deadlettered", "events_pending", "employees", "proposals"}
    assert stats["employees"] == 3
    assert stats["events_applied"] == 11  # 4 organisation + 1 workplace + 3 x (employee, competence)
    assert stats["proposals"]["pending"] == 3 and stats["proposals"]["approved"] == 0
    for role in ROLES[1:]:
        assert (await client.get("/api/stats", headers=auth(tokens[role]))).status_code == 403


# --- proposals ---------------------------------------------------------------------

async def test_admin_lists_all_proposals_newest_first_with_filters(client, tokens, proposals):
    answer = await client.get("/api/proposals", headers=auth(tokens["admin"]))
    assert answer.status_code == 200
    listed = answer.json()
    assert [p["proposal_id"] for p in listed][0] == proposals["leon"]
    assert {p["proposal_id"] for p in listed} == set(proposals.values())
    first = listed[0]
    for field in ("proposal_id", "kind", "committee_id", "scope", "employee_ids", "summary_da", "summary_en",
                  "explanation", "effect", "supersedes", "status", "created_at", "decisions"):
        assert field in first
    kind = await client.get("/api/proposals", params={"kind": "upskilling_path"}, headers=auth(tokens["admin"]))
    assert [p["proposal_id"] for p in kind.json()] == [proposals["upskill"]]
    by_committee = await client.get("/api/proposals", params={"committee": "med-b", "status": "pending"},
                                    headers=auth(tokens["admin"]))
    assert [p["proposal_id"] for p in by_committee.json()] == [proposals["other"]]
    bad = await client.get("/api/proposals", params={"status": "maybe"}, headers=auth(tokens["admin"]))
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "status"


async def test_committee_sees_only_its_own_proposals(client, tokens, proposals):
    mine = await client.get("/api/proposals", headers=auth(tokens["committee:med-a"]))
    assert {p["proposal_id"] for p in mine.json()} == {proposals["upskill"], proposals["leon"]}
    same = await client.get("/api/proposals", params={"committee": "med-a"}, headers=auth(tokens["committee:med-a"]))
    assert same.status_code == 200 and len(same.json()) == 2
    other = await client.get("/api/proposals", params={"committee": "med-b"}, headers=auth(tokens["committee:med-a"]))
    assert other.status_code == 403
    for role in ("employee:e1", "hr:sd-loen"):
        assert (await client.get("/api/proposals", headers=auth(tokens[role]))).status_code == 403


async def test_one_proposal_in_scope_else_404(client, tokens, proposals):
    answer = await client.get(f"/api/proposals/{proposals['upskill']}", headers=auth(tokens["committee:med-a"]))
    assert answer.status_code == 200
    assert answer.json()["explanation"]["per_employee"]["e1"]["summary_en"] == "Wound care course (e1)"
    assert (await client.get(f"/api/proposals/{proposals['upskill']}",
                             headers=auth(tokens["committee:med-b"]))).status_code == 404
    assert (await client.get("/api/proposals/nope", headers=auth(tokens["admin"]))).status_code == 404
    assert (await client.get(f"/api/proposals/{proposals['other']}",
                             headers=auth(tokens["admin"]))).status_code == 200
    for role in ("employee:e1", "hr:sd-loen"):
        assert (await client.get(f"/api/proposals/{proposals['upskill']}",
                                 headers=auth(tokens[role]))).status_code == 403


async def test_committee_approves_a_proposal_once_and_suggestions_follow(client, tokens, proposals, db):
    path = f"/api/proposals/{proposals['upskill']}/decision"
    answer = await client.post(path, json={"decision": "approved", "comment": "God idé"},
                               headers=auth(tokens["committee:med-a"]))
    assert answer.status_code == 200, answer.text
    decided = answer.json()
    assert decided["status"] == "approved"
    assert [(d["by"], d["decision"], d["comment"]) for d in decided["decisions"]] == [
        ("committee", "approved", "God idé")]
    assert await outbox_types(db) == ["ProposalIssued"] * 3 + ["SuggestionIssued"] * 2 + ["ProposalDecided"]
    decision_event = json.loads(await db.fetchval("SELECT value FROM outbox WHERE topic = 'decisions'"))
    validate(decision_event)
    verify(decision_event, SIGNING_KEY.encode())  # the worker applies it only signed
    assert await db.fetchval("SELECT key FROM outbox WHERE topic = 'decisions'") == "org-a"
    again = await client.post(path, json={"decision": "rejected", "comment": "Nej"},
                              headers=auth(tokens["committee:med-a"]))
    assert again.status_code == 409
    subjects = {r["subject"] for r in await db.fetch("SELECT subject FROM audit_log WHERE action LIKE 'decided%'")}
    assert subjects == {"e1", "e2"}
    pending = await client.get("/api/proposals", params={"status": "pending"}, headers=auth(tokens["committee:med-a"]))
    assert proposals["upskill"] not in {p["proposal_id"] for p in pending.json()}


async def test_decision_refusals(client, tokens, proposals, db):
    path = f"/api/proposals/{proposals['leon']}/decision"
    assert (await client.post(path, json={"decision": "approved"},
                              headers=auth(tokens["committee:med-b"]))).status_code == 404
    for role in ("employee:e1", "hr:sd-loen"):
        assert (await client.post(path, json={"decision": "approved"},
                                  headers=auth(tokens[role]))).status_code == 403
    bad = await client.post(path, json={"decision": "accepted"}, headers=auth(tokens["committee:med-a"]))
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "decision"
    long = await client.post(path, json={"decision": "approved", "comment": "x" * 2001},
                             headers=auth(tokens["committee:med-a"]))
    assert long.status_code == 422 and long.json()["detail"][0]["field"] == "comment"
    assert (await client.post("/api/proposals/nope/decision", json={"decision": "approved"},
                              headers=auth(tokens["admin"]))).status_code == 404
    assert await db.fetchval("SELECT count(*) FROM decisions") == 0
    amended = await client.post(path, json={"decision": "amended", "comment": "Kun 5 timer", "note": "ignored",
                                            "keep": ["move:oejendraaber:sygeplejerske:sosu-assistent"]},
                                headers=auth(tokens["admin"]))
    assert amended.status_code == 200 and amended.json()["status"] == "amended"
    assert amended.json()["decisions"][0]["comment"] == "Kun 5 timer"


# --- employees, suggestions, audit --------------------------------------------------

async def test_employee_reads_are_scoped_and_audited(client, tokens, db):
    allowed = {"admin": 200, "committee:med-a": 200, "employee:e1": 200,
               "committee:med-b": 404, "employee:e2": 404, "hr:sd-loen": 403}
    for role, status in allowed.items():
        answer = await client.get("/api/employees/e1", headers=auth(tokens[role]))
        assert answer.status_code == status, role
    person = (await client.get("/api/employees/e1", headers=auth(tokens["employee:e1"]))).json()
    assert person["profession"]["profession_id"] == "sosu_assistent"
    assert person["workplace"]["workplace_id"] == "wp-a" and person["weekly_hours"] == 37
    assert person["competences"] == [{"skill": "dk:oejendraabebehandling", "level": 3,
                                      "assessed_on": "2026-10-01", "evidence": "manager"}]
    assert person["open_suggestions"] == []
    assert (await client.get("/api/employees/ghost", headers=auth(tokens["admin"]))).status_code == 404
    rows = await db.fetch("SELECT actor, subject, action, endpoint FROM audit_log ORDER BY id")
    assert [r["actor"] for r in rows] == ["admin", "committee:med-a", "employee:e1", "employee:e1"]
    assert {r["subject"] for r in rows} == {"e1"}
    assert {r["endpoint"] for r in rows} == {"GET /api/employees/{employee_id}"}


async def test_a_failing_audit_write_fails_the_read(client, tokens, db):
    await db.execute("""CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS
                        $$ BEGIN RAISE EXCEPTION 'audit disk full'; END $$""")
    await db.execute("CREATE TRIGGER refuse BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse()")
    for path in ("/api/employees/e1", "/api/employees/e1/suggestions"):
        answer = await client.get(path, headers=auth(tokens["employee:e1"]))
        assert answer.status_code == 503
        assert "audit" in answer.json()["detail"] and "sosu" not in answer.text


async def test_suggestions_accepted_by_their_employee_only(client, tokens, proposals, db):
    await client.post(f"/api/proposals/{proposals['upskill']}/decision", json={"decision": "approved"},
                      headers=auth(tokens["committee:med-a"]))
    mine = await client.get("/api/employees/e1/suggestions", headers=auth(tokens["employee:e1"]))
    assert mine.status_code == 200
    [suggestion] = mine.json()
    assert suggestion["summary_en"] == "Wound care course (e1)" and suggestion["status"] == "open"
    assert suggestion["explanation"]["summary_da"] == "Kursus i sårbehandling (e1)"
    assert (await client.get("/api/employees/e1/suggestions", headers=auth(tokens["employee:e2"]))).status_code == 404
    assert (await client.get("/api/employees/e1/suggestions",
                             headers=auth(tokens["committee:med-a"]))).status_code == 200
    path = f"/api/suggestions/{suggestion['suggestion_id']}/response"
    for role, status in (("employee:e2", 404), ("admin", 403), ("committee:med-a", 403), ("hr:sd-loen", 403)):
        answer = await client.post(path, json={"response": "accepted"}, headers=auth(tokens[role]))
        assert answer.status_code == status, role
    bad = await client.post(path, json={"response": "maybe", "comment": None}, headers=auth(tokens["employee:e1"]))
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "response"
    answer = await client.post(path, json={"response": "accepted", "comment": "Gerne"},
                               headers=auth(tokens["employee:e1"]))
    assert answer.status_code == 200 and answer.json()["status"] == "accepted"
    assert answer.json()["comment"] == "Gerne"
    again = await client.post(path, json={"response": "declined"}, headers=auth(tokens["employee:e1"]))
    assert again.status_code == 409
    assert (await outbox_types(db))[-1] == "SuggestionAnswered"
    verify(json.loads(await db.fetchval("SELECT value FROM outbox WHERE topic = 'suggestions' ORDER BY id DESC")),
           SIGNING_KEY.encode())
    assert (await client.post("/api/suggestions/nope/response", json={"response": "accepted"},
                              headers=auth(tokens["employee:e1"]))).status_code == 404


async def test_rotation_preferences_by_the_employee(client, tokens, db):
    body = {"ranked_slot_ids": [], "available_from": "2027-02-01", "max_weeks": 8}
    answer = await client.put("/api/employees/e1/rotation-interest", json=body, headers=auth(tokens["employee:e1"]))
    assert answer.status_code == 200, answer.text
    assert answer.json() == body
    assert (await db.fetchrow("SELECT max_weeks FROM rotation_interests WHERE employee_id = 'e1'"))["max_weeks"] == 8
    assert (await outbox_types(db))[-1] == "RotationInterestExpressed"
    assert (await client.put("/api/employees/e1/rotation-interest", json=body,
                             headers=auth(tokens["employee:e2"]))).status_code == 404
    assert (await client.put("/api/employees/e1/rotation-interest", json=body,
                             headers=auth(tokens["admin"]))).status_code == 403
    bad = await client.put("/api/employees/e1/rotation-interest", json=dict(body, max_weeks=0),
                           headers=auth(tokens["employee:e1"]))
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "max_weeks"


async def test_audit_log_for_admins(client, tokens):
    await client.get("/api/employees/e1", headers=auth(tokens["committee:med-a"]))
    await client.get("/api/employees/e2", headers=auth(tokens["admin"]))
    answer = await client.get("/api/audit", params={"subject": "e1"}, headers=auth(tokens["admin"]))
    assert answer.status_code == 200
    [entry] = answer.json()
    assert (entry["actor"], entry["subject"], entry["action"]) == ("committee:med-a", "e1", "read employee")
    assert entry["endpoint"] == "GET /api/employees/{employee_id}" and entry["at"]
    for role in ROLES[1:]:
        assert (await client.get("/api/audit", headers=auth(tokens[role]))).status_code == 403


async def test_stats_account_for_every_event_received_when_parked_events_are_erased(client, tokens, db):
    """Events parked for a person who is then erased are dropped by the erasure and counted so; with
    duplicates, a dead letter, an event still parked and one arriving after the erasure, the outcomes
    add up to what was received."""
    from tillid.streams import deadletter
    from tillid.streams.deadletter import DeadLetter

    before = (await client.get("/api/stats", headers=auth(tokens["admin"]))).json()
    waiting = [event("CompetenceAssessed", f"parked-{n}", employee_id="e-not-yet", skill="dk:saarbehandling",
                     level=2, assessed_on="2026-10-05", evidence="self") for n in range(3)]
    stays = event("CompetenceAssessed", "parked-other", employee_id="e-someone", skill="dk:saarbehandling",
                  level=2, assessed_on="2026-10-05", evidence="self")
    erased = event("EmployeeErased", "erase-not-yet", employee_id="e-not-yet")
    late = event("CompetenceAssessed", "after-erasure", employee_id="e-not-yet", skill="dk:saarbehandling",
                 level=3, assessed_on="2026-10-06", evidence="self")
    projector = Projector()
    await projector.apply(db, [validate(e) for e in [*waiting, stays]])
    await projector.apply(db, [validate(e) for e in [waiting[0], erased]])  # one duplicate
    await projector.apply(db, [validate(late)])
    async with db.transaction():
        await deadletter.record(db, [DeadLetter("hr.competences", 0, 7, None, b"{", "not JSON")])

    stats = (await client.get("/api/stats", headers=auth(tokens["admin"]))).json()
    change = {name: stats[name] - before[name] for name in stats if name.startswith("events_")}
    assert change == {"events_received": 8, "events_applied": 1, "events_parked": 1,
                      "events_dropped_by_erasure": 4, "events_duplicate": 1, "events_deadlettered": 1,
                      "events_pending": 1}
    outcomes = ("events_applied", "events_parked", "events_dropped_by_erasure", "events_duplicate",
                "events_deadlettered")
    assert stats["events_received"] == sum(stats[name] for name in outcomes)


async def test_an_erased_employee_token_stops_working(client, tokens, db):
    assert (await client.get("/api/employees/e1", headers=auth(tokens["employee:e1"]))).status_code == 200
    await Projector().apply(db, [validate(event("EmployeeErased", "erase-e1", employee_id="e1"))])
    assert (await client.get("/api/employees/e1", headers=auth(tokens["employee:e1"]))).status_code == 401
    assert (await client.get("/api/employees/e1", headers=auth(tokens["admin"]))).status_code == 404
    assert (await client.get("/api/audit", params={"subject": "e1"}, headers=auth(tokens["admin"]))).json() == []


async def test_healthz_and_openapi(client):
    health = await client.get("/healthz")
    assert health.status_code == 200 and health.json() == {"status": "ok", "kafka": "ok", "database": "ok"}
    document = (await client.get("/api/openapi.json")).json()
    for path in ("/api/stats", "/api/events", "/api/proposals", "/api/proposals/{proposal_id}",
                 "/api/proposals/{proposal_id}/decision", "/api/employees/{employee_id}",
                 "/api/employees/{employee_id}/suggestions", "/api/suggestions/{suggestion_id}/response",
                 "/api/audit", "/api/tokens"):
        assert path in document["paths"]


async def test_two_simultaneous_decisions_one_wins(client, tokens, proposals, db):
    import asyncio

    path = f"/api/proposals/{proposals['leon']}/decision"
    answers = await asyncio.gather(
        client.post(path, json={"decision": "approved"}, headers=auth(tokens["committee:med-a"])),
        client.post(path, json={"decision": "rejected", "comment": "Nej"}, headers=auth(tokens["admin"])))
    assert sorted(a.status_code for a in answers) == [200, 409]
    assert await db.fetchval("SELECT count(*) FROM decisions WHERE proposal_id = $1", proposals["leon"]) == 1
