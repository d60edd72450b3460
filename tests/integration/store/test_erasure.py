"""Erasure on the real store: no table keeps the id, proposals are withdrawn and matched again, no
suggestion ever goes to an erased person, the audit trail stays under a keyed digest."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime, timezone

import pytest

from tillid.competence.events import new_envelope
from tillid.store.projection.projector import Projector
from tillid.store.proposals import issue_proposal, record_and_publish

from tests.integration.store.scenario import employee, envelopes, event, everything_about, organisation
from tests.services import SIGNING_KEY

pytestmark = pytest.mark.services

AT = datetime(2026, 11, 23, 10, tzinfo=timezone.utc)
# Distinctive, so a plain substring search finds every copy of it and nothing else.
GONE = "emp-7f3a-gone"
TRAINEE = "emp-trainee"
APPLICANT = "emp-applicant"
WITHDRAWN_REASON = "a person it named was erased"


async def columns_holding(db, text: str) -> list[str]:
    """Every column of every table (read from the catalogue, so tables added later are covered too)
    in which some row holds ``text``: table.column, with the number of rows."""
    found = []
    for row in await db.fetch(
            """SELECT table_name, column_name, data_type FROM information_schema.columns
               WHERE table_schema = 'public' ORDER BY table_name, ordinal_position"""):
        table, column = row["table_name"], row["column_name"]
        as_text = f'encode("{column}", \'escape\')' if row["data_type"] == "bytea" else f'"{column}"::text'
        count = await db.fetchval(f'SELECT count(*) FROM "{table}" WHERE strpos({as_text}, $1) > 0', text)
        if count:
            found.append(f"{table}.{column} ({count})")
    return found


def upskilling(trainee: str, mentor: str, fingerprint: str) -> dict:
    """An upskilling proposal for ``trainee`` with ``mentor`` named only in the explanation."""
    own = {"summary_da": f"Sidemandsoplæring med {mentor} som mentor",
           "summary_en": f"Peer training with {mentor} as mentor",
           "steps": [{"activity": "peer-saar", "mentors": [mentor]}]}
    return dict(kind="upskilling_path", committee_id="med-a", scope="wp-a", employee_ids=[trainee],
                summary_da="Opkvalificering", summary_en="Upskilling",
                explanation={"per_employee": {trainee: own}}, effect={"employees": 1}, fingerprint=fingerprint)


def rotation(applicants: list[str], blocking: list[list[str]]) -> dict:
    return dict(kind="rotation_placement", committee_id="med-a", scope="org-a", employee_ids=sorted(applicants),
                summary_da="Rotation", summary_en="Rotation",
                explanation={"per_employee": {a: {"summary_da": f"Plads til {a}", "summary_en": f"A slot for {a}",
                                                  "slot": "slot-1"} for a in applicants},
                             "blocking_pairs": blocking, "unplaced": []},
                effect={"placed": len(applicants)},
                # A digest, as proposals.common.fingerprint makes it: it holds no id in clear text.
                fingerprint=hashlib.sha256(repr(sorted(applicants)).encode()).hexdigest(),
                # Item ids name the applicant (last, as the builder writes them).
                items=[{"item_id": f"placement:slot-1:{a}", "kind": "placement", "employee_ids": [a],
                        "summary_da": f"Plads til {a}", "summary_en": f"A slot for {a}", "effect": {"placed": 1}}
                       for a in sorted(applicants)])


async def issue(db, draft: dict) -> str:
    async with db.transaction():
        proposal_id = await issue_proposal(db, issued_at=AT, **draft)
    assert proposal_id is not None
    return proposal_id


async def decide(db, proposal_id: str, verdict: str, name: str, comment: str = "ok", keep=None) -> None:
    decided = new_envelope("ProposalDecided", {"proposal_id": proposal_id, "by": "committee", "decision": verdict,
                                               "comment": comment, "decided_at": "2026-11-24T09:00:00Z",
                                               **({"keep": keep} if keep is not None else {})},
                           source="tillid-review", occurred_at="2026-11-24T09:00:00Z", event_id_name=name)
    async with db.transaction():
        assert await record_and_publish(db, decided, key="org-a", signing_key=SIGNING_KEY.encode())


async def erase(db, employee_id: str) -> None:
    await Projector().apply(db, envelopes([event("EmployeeErased", f"erase-{employee_id}",
                                                 employee_id=employee_id)]))


async def world_naming_the_person(db) -> dict[str, str]:
    """The person as employee with every kind of record, mentor in someone else's proposals (one
    approved, so the trainee holds a suggestion naming the mentor), applicant and blocking pair in a
    rotation proposal, audit subject and actor, parked events, outbox and dead letters."""
    await Projector().apply(db, envelopes(organisation() + everything_about(GONE) + employee(TRAINEE)
                                          + employee(APPLICANT)))
    # Parked: waiting for a task not defined yet.
    await Projector().apply(db, envelopes([
        event("TaskAssignmentReported", "parked-gone", workplace_id="wp-a", task_id="task-not-yet",
              employee_id=GONE, hours_per_week=3),
        event("TaskAssignmentReported", "parked-trainee", workplace_id="wp-a", task_id="task-not-yet",
              employee_id=TRAINEE, hours_per_week=2)]))
    ids = {"approved": await issue(db, upskilling(TRAINEE, GONE, "up-approved"))}
    await decide(db, ids["approved"], "approved", "decide-approved", comment=f"Fint, {GONE} har tid")
    ids["pending_mentor"] = await issue(db, upskilling(TRAINEE, GONE, "up-pending"))
    # Amended to the person's placement: kept_items and the decision's keep name them in an item id.
    ids["amended"] = await issue(db, dict(rotation([GONE, TRAINEE], []), fingerprint="rot-amended"))
    await decide(db, ids["amended"], "amended", "decide-amended", keep=[f"placement:slot-1:{GONE}"])
    ids["pending_rotation"] = await issue(db, rotation([GONE, APPLICANT], [[APPLICANT, "slot-1", GONE]]))
    ids["untouched"] = await issue(db, dict(upskilling(APPLICANT, TRAINEE, "up-other"), committee_id="med-b",
                                            scope="wp-b"))
    await db.execute(
        """INSERT INTO audit_log (actor, subject, action, endpoint, purpose) VALUES
           ('committee:med-a', $1, 'read employee', '/api/employees/' || $1, 'committee review'),
           ('employee:' || $1, $1, 'answer suggestion', '/api/suggestions/s-1/response', 'own data'),
           ('committee:med-a', $2, 'read employee', '/api/employees/' || $2, 'committee review')""",
        GONE, TRAINEE)
    await db.execute("INSERT INTO api_tokens (token_sha256, role, token_id, expires_at, holder) "
                     "VALUES ('abc', 'employee:' || $1, 'tok-gone', now() + interval '1 day', NULL), "
                     "('def', 'committee:med-a', 'tok-held', now() + interval '1 day', $1)", GONE)
    await db.execute("INSERT INTO deadletters (topic, reason, raw) VALUES ('hr.competences', 'bad level', $1)",
                     json.dumps({"employee_id": GONE, "level": 9}).encode())
    await db.execute("UPDATE outbox SET published_at = now() WHERE id = (SELECT min(id) FROM outbox)")
    return ids


async def test_after_an_erasure_no_table_holds_the_id(db):
    ids = await world_naming_the_person(db)
    before = await columns_holding(db, GONE)
    assert len(before) > 15, before  # the world does name the person widely

    await erase(db, GONE)

    assert await columns_holding(db, GONE) == []
    # The trainee's suggestion and the approved proposal stay, rewritten; the trainee's parked event too.
    suggestion = await db.fetchrow("SELECT summary_da, explanation FROM suggestions WHERE employee_id = $1", TRAINEE)
    assert suggestion["summary_da"] == "Sidemandsoplæring med erased som mentor"
    assert json.loads(suggestion["explanation"])["steps"][0]["mentors"] == ["erased"]
    assert await db.fetchval("SELECT status FROM proposals WHERE proposal_id = $1", ids["approved"]) == "approved"
    assert await db.fetchval("SELECT count(*) FROM parked_events WHERE employee_id = $1", TRAINEE) == 1
    assert await db.fetchval("SELECT status FROM proposals WHERE proposal_id = $1", ids["untouched"]) == "pending"
    kept = await db.fetchrow("SELECT kept_items, items FROM proposals WHERE proposal_id = $1", ids["amended"])
    assert json.loads(kept["kept_items"]) == ["placement:slot-1:erased"]
    assert [i["item_id"] for i in json.loads(kept["items"])] == ["placement:slot-1:erased",
                                                                 f"placement:slot-1:{TRAINEE}"]


async def test_pending_proposals_naming_the_person_are_withdrawn_and_their_scopes_matched_again(db):
    ids = await world_naming_the_person(db)
    await db.execute("DELETE FROM dirty_scopes")

    await erase(db, GONE)

    statuses = dict(await db.fetch("SELECT proposal_id, status FROM proposals"))
    assert statuses[ids["pending_mentor"]] == statuses[ids["pending_rotation"]] == "withdrawn"
    assert statuses[ids["approved"]] == "approved" and statuses[ids["untouched"]] == "pending"
    rotation_row = await db.fetchrow("SELECT employee_ids, explanation FROM proposals WHERE proposal_id = $1",
                                     ids["pending_rotation"])
    assert list(rotation_row["employee_ids"]) == [APPLICANT]
    assert json.loads(rotation_row["explanation"])["blocking_pairs"] == [[APPLICANT, "slot-1", "erased"]]
    withdrawn = [json.loads(r["value"]) for r in await db.fetch(
        "SELECT value FROM outbox WHERE value->>'type' = 'ProposalWithdrawn' ORDER BY id")]
    assert {(e["payload"]["proposal_id"], e["payload"]["reason"]) for e in withdrawn} == {
        (ids["pending_mentor"], WITHDRAWN_REASON), (ids["pending_rotation"], WITHDRAWN_REASON)}
    dirty = {(r["scope_kind"], r["scope_id"]) for r in await db.fetch("SELECT * FROM dirty_scopes")}
    assert {("workplace", "wp-a"), ("rotation", "all")} <= dirty


async def test_the_same_substance_matched_again_without_the_person_is_proposed_anew(db):
    """A mentor is not part of an upskilling proposal's substance: matched again with another mentor, the
    fingerprint is the same as the withdrawn one's, and it must still reach the committee."""
    ids = await world_naming_the_person(db)
    await erase(db, GONE)

    again = await issue(db, upskilling(TRAINEE, "emp-other-mentor", "up-pending"))
    assert again != ids["pending_mentor"]
    statuses = dict(await db.fetch("SELECT proposal_id, status FROM proposals"))
    assert (statuses[again], statuses[ids["pending_mentor"]]) == ("pending", "withdrawn")
    async with db.transaction():
        assert await issue_proposal(db, issued_at=AT, **upskilling(TRAINEE, "emp-other-mentor", "up-pending")) is None


async def test_approving_a_proposal_that_still_names_an_erased_person_issues_no_suggestion_for_them(db):
    await Projector().apply(db, envelopes(organisation() + employee(GONE) + employee(TRAINEE)))
    await erase(db, GONE)
    # As a proposal drafted before the erasure, or left by an older version (which wrote ``erased``), would.
    await db.execute(
        """INSERT INTO proposals (proposal_id, kind, committee_id, scope, employee_ids, summary_da, summary_en,
                                  explanation, effect, status, fingerprint)
           VALUES ('p-old', 'upskilling_path', 'med-a', 'wp-a', ARRAY[$1, 'erased', $2], 'x', 'x',
                   '{}'::jsonb, '{}'::jsonb, 'pending', 'f-old')""", GONE, TRAINEE)

    await decide(db, "p-old", "approved", "decide-old")

    assert [r["employee_id"] for r in await db.fetch("SELECT employee_id FROM suggestions")] == [TRAINEE]
    issued = [json.loads(r["value"])["payload"]["employee_id"] for r in await db.fetch(
        "SELECT value FROM outbox WHERE value->>'type' = 'SuggestionIssued'")]
    assert issued == [TRAINEE]


async def test_a_proposal_drafted_before_an_erasure_is_not_issued_after_it(db):
    """The re-matcher reads a snapshot, solves, then issues: an erasure in between must not bring the id
    back. The scope is dirty from the erasure, so the next round proposes without the person."""
    await Projector().apply(db, envelopes(organisation() + employee(GONE) + employee(TRAINEE)))
    drafted_as_mentor = upskilling(TRAINEE, GONE, "up-late")
    drafted_as_trainee = upskilling(GONE, TRAINEE, "up-late-2")
    await erase(db, GONE)

    async with db.transaction():
        assert await issue_proposal(db, issued_at=AT, **drafted_as_mentor) is None
        assert await issue_proposal(db, issued_at=AT, **drafted_as_trainee) is None
    assert await columns_holding(db, GONE) == []


async def test_audit_rows_about_the_person_stay_under_a_keyed_digest(db):
    await world_naming_the_person(db)
    await erase(db, GONE)

    key = bytes(await db.fetchval("SELECT key FROM erasure_key"))
    subject = "erased:" + hmac.new(key, GONE.encode(), hashlib.sha256).hexdigest()
    rows = await db.fetch("SELECT actor, subject, endpoint FROM audit_log ORDER BY id")
    assert [(r["actor"], r["subject"], r["endpoint"]) for r in rows] == [
        ("committee:med-a", subject, f"/api/employees/{subject}"),
        (f"employee:{subject}", subject, "/api/suggestions/s-1/response"),
        ("committee:med-a", TRAINEE, f"/api/employees/{TRAINEE}")]
    unkeyed = hashlib.sha256(f"tillid-erased:{GONE}".encode()).hexdigest()
    assert await columns_holding(db, unkeyed) == []  # a guessed id cannot be tested without the key
    assert await db.fetchval("SELECT subject_sha256 FROM erased_subjects") == subject.removeprefix("erased:")


async def test_events_parked_for_the_person_are_dropped_and_counted_so(db):
    await world_naming_the_person(db)
    parked = await db.fetchval("SELECT event_id FROM parked_events WHERE employee_id = $1", GONE)

    await erase(db, GONE)

    assert await db.fetchval("SELECT outcome FROM processed_events WHERE event_id = $1", parked) == "discarded"
    assert await db.fetchval(
        "SELECT count(*) FROM processed_events p WHERE outcome = 'parked' AND NOT EXISTS "
        "(SELECT 1 FROM parked_events k WHERE k.event_id = p.event_id)") == 0


async def test_in_one_batch_events_after_the_erasure_are_dropped_and_none_is_parked(db):
    """A batch holds the erasure and, after it (another topic read later), events about the person: one
    that would apply and one that would wait. Neither may bring the id back."""
    await Projector().apply(db, envelopes(organisation() + employee(GONE)))
    batch = [event("EmployeeErased", "erase-in-batch", employee_id=GONE),
             event("CompetenceAssessed", "after-erasure", employee_id=GONE, skill="dk:saarbehandling", level=2,
                   assessed_on="2026-10-05", evidence="self"),
             event("TaskAssignmentReported", "after-erasure-waiting", workplace_id="wp-a", task_id="task-not-yet",
                   employee_id=GONE, hours_per_week=3)]
    result = await Projector().apply(db, envelopes(batch))

    assert (result.applied, result.parked) == (1, 0)
    assert await columns_holding(db, GONE) == []
    assert await db.fetchval("SELECT count(*) FROM processed_events WHERE outcome = 'discarded'") == 2


async def test_in_one_batch_an_event_waiting_before_the_erasure_is_not_parked_after_it(db):
    await Projector().apply(db, envelopes(organisation()))
    batch = [event("CompetenceAssessed", "before-upsert", employee_id=GONE, skill="dk:saarbehandling", level=2,
                   assessed_on="2026-10-05", evidence="self"),
             event("EmployeeErased", "erase-unknown", employee_id=GONE)]
    result = await Projector().apply(db, envelopes(batch))

    assert result.parked == 0
    assert await columns_holding(db, GONE) == []
    assert await db.fetchval("SELECT count(*) FROM processed_events WHERE outcome = 'discarded'") == 1
