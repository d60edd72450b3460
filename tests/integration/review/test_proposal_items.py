"""Committees decide on parts of a proposal (items, keep, kept_items), and the proposal list comes in pages
(limit, cursor, X-Total-Count, Link) that list every proposal once, also while new ones arrive."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

import pytest

from tillid.competence.events import validate, verify
from tillid.matching.proposals.people import people_named
from tillid.store.proposals import issue_proposal
from tests.integration.review import world
from tests.integration.review.conftest import auth
from tests.integration.review.test_pages import csrf_of, sign_in
from tests.services import SIGNING_KEY

pytestmark = pytest.mark.services

E1_PATH, E2_PATH = "path:e1", "path:e2"
EYE_DROPS = "move:oejendraaber:sygeplejerske:sosu-assistent"


async def decide(client, token, proposal_id, body):
    return await client.post(f"/api/proposals/{proposal_id}/decision", json=body, headers=auth(token))


def refused_field(answer) -> str:
    assert answer.status_code == 422, answer.text
    return answer.json()["detail"][0]["field"]


# --- items and decisions on parts --------------------------------------------------------

async def test_a_proposal_shows_its_items_and_its_event_carries_them(client, tokens, proposals, db):
    shown = (await client.get(f"/api/proposals/{proposals['upskill']}", headers=auth(tokens["admin"]))).json()
    assert [(i["item_id"], i["kind"], i["employee_ids"]) for i in shown["items"]] == [
        (E1_PATH, "path", ["e1"]), (E2_PATH, "path", ["e2"])]
    assert shown["effect"]["training_cost_dkk"] == sum(i["effect"]["training_cost_dkk"] for i in shown["items"])
    assert shown["kept_items"] is None and shown["proposed_effect"] is None
    issued = [json.loads(r["value"]) for r in await db.fetch("SELECT value FROM outbox WHERE topic = 'proposals'")]
    by_id = {e["payload"]["proposal_id"]: e for e in issued}
    event = by_id[proposals["upskill"]]
    validate(event)
    assert event["payload"]["items"] == shown["items"]


@pytest.mark.parametrize("body, field", [
    ({"decision": "amended", "comment": "Kun én"}, "keep"),
    ({"decision": "amended", "comment": "Kun én", "keep": []}, "keep"),
    ({"decision": "amended", "comment": "Kun én", "keep": [E1_PATH, E2_PATH]}, "keep"),
    ({"decision": "amended", "comment": "Kun én", "keep": [E1_PATH, "path:e3"]}, "keep"),
    ({"decision": "amended", "comment": "Kun én", "keep": [E1_PATH, E1_PATH]}, "keep"),
    ({"decision": "approved", "keep": [E1_PATH]}, "keep"),
    ({"decision": "rejected", "comment": "Nej", "keep": [E1_PATH]}, "keep"),
    ({"decision": "rejected"}, "comment"),
    ({"decision": "rejected", "comment": "  "}, "comment"),
    ({"decision": "amended", "keep": [E1_PATH]}, "comment"),
])
async def test_what_a_decision_needs_is_refused_naming_the_field(client, tokens, proposals, db, body, field):
    assert refused_field(await decide(client, tokens["committee:med-a"], proposals["upskill"], body)) == field
    assert await db.fetchval("SELECT count(*) FROM decisions") == 0
    assert await db.fetchval("SELECT status FROM proposals WHERE proposal_id = $1", proposals["upskill"]) == "pending"


async def test_an_amendment_keeps_items_and_only_their_people_get_suggestions(client, tokens, proposals, db):
    before = (await client.get(f"/api/proposals/{proposals['upskill']}", headers=auth(tokens["admin"]))).json()
    answer = await decide(client, tokens["committee:med-a"], proposals["upskill"],
                          {"decision": "amended", "comment": "Kun e1 i denne omgang", "keep": [E1_PATH]})
    assert answer.status_code == 200, answer.text
    amended = answer.json()
    assert amended["status"] == "amended" and amended["kept_items"] == [E1_PATH]
    e1 = next(i for i in before["items"] if i["item_id"] == E1_PATH)
    assert amended["effect"] == e1["effect"] and amended["effect"]["training_cost_dkk"] == 4500.0
    assert amended["proposed_effect"] == before["effect"] and before["effect"]["training_cost_dkk"] == 9000.0
    assert amended["items"] == before["items"]  # what was proposed stays readable
    assert [d["keep"] for d in amended["decisions"]] == [[E1_PATH]]
    assert [r["employee_id"] for r in await db.fetch("SELECT employee_id FROM suggestions")] == ["e1"]
    outgoing = [json.loads(r["value"]) for r in await db.fetch("SELECT value FROM outbox ORDER BY id")]
    assert [e["payload"]["employee_id"] for e in outgoing if e["type"] == "SuggestionIssued"] == ["e1"]
    decided = next(e for e in outgoing if e["type"] == "ProposalDecided")
    validate(decided)
    verify(decided, SIGNING_KEY.encode())
    assert decided["payload"]["keep"] == [E1_PATH]
    again = (await client.get(f"/api/proposals/{proposals['upskill']}", headers=auth(tokens["admin"]))).json()
    assert again["kept_items"] == [E1_PATH] and again["effect"] == amended["effect"]


async def test_an_amended_leon_proposal_becomes_the_allocation_of_the_kept_moves(client, tokens, proposals, db):
    answer = await decide(client, tokens["admin"], proposals["leon"],
                          {"decision": "amended", "comment": "Medicin bliver hos sygeplejerskerne", "keep": [EYE_DROPS]})
    assert answer.status_code == 200, answer.text
    effect = answer.json()["effect"]
    assert effect["moves"] == [{"task": "oejendraaber", "from_profession": "sygeplejerske",
                                "to_profession": "sosu-assistent", "hours": 6.0, "saving_per_week": 360.0}]
    assert (effect["hours_moved"], effect["reallocation_dkk_per_week"]) == (6.0, 360.0)
    # The freed hours are no committee's decision: they stay, and the weekly difference is the kept move plus them.
    assert effect["freed"] == world.FREED and effect["dkk_per_week"] == 360.0 + 3450.0
    assert effect["proposed_cost_per_week"] == 20000.0 - 3810.0
    assert answer.json()["proposed_effect"]["dkk_per_week"] == 4050.0
    assert await db.fetchval("SELECT count(*) FROM suggestions") == 0


async def test_a_proposal_without_items_is_decided_whole(client, tokens, proposals, db):
    """Proposals issued before items existed (the world's rotation proposal has none) can be approved or rejected,
    not amended: there is nothing to keep."""
    token = tokens["committee:med-b"]
    assert refused_field(await decide(client, token, proposals["other"],
                                      {"decision": "amended", "comment": "x", "keep": ["placement:s:e9"]})) == "keep"
    assert (await decide(client, token, proposals["other"], {"decision": "approved"})).status_code == 200
    assert [r["employee_id"] for r in await db.fetch("SELECT employee_id FROM suggestions")] == ["e9"]


async def test_the_committee_page_amends_to_the_ticked_items(client, tokens, proposals, db):
    await sign_in(client, tokens["committee:med-a"])
    html = (await client.get("/committee/med-a")).text
    for item_id in (E1_PATH, E2_PATH, EYE_DROPS):
        assert re.search(rf'<input type="checkbox" name="keep" value="{re.escape(item_id)}" checked>', html), item_id
    assert "Forslagets dele" in html and "<code>e1</code>: Kursus i sårbehandling (e1)" in html
    path = f"/committee/med-a/proposals/{proposals['upskill']}/decision"
    every = await client.post(path, data={"decision": "amended", "comment": "Alt", "keep": [E1_PATH, E2_PATH],
                                          "csrf": csrf_of(html)})
    assert every.status_code == 422 and "behold mindst én" in every.text
    no_comment = await client.post(path, data={"decision": "rejected", "csrf": csrf_of(html)})
    assert no_comment.status_code == 422 and "hvorfor forslaget afvises" in no_comment.text
    answer = await client.post(path, data={"decision": "amended", "comment": "Kun e2", "keep": [E2_PATH],
                                           "csrf": csrf_of(html)})
    assert answer.status_code == 303, answer.text
    row = await db.fetchrow("SELECT status, kept_items FROM proposals WHERE proposal_id = $1", proposals["upskill"])
    assert (row["status"], json.loads(row["kept_items"])) == ("amended", [E2_PATH])
    assert [r["employee_id"] for r in await db.fetch("SELECT employee_id FROM suggestions")] == ["e2"]
    after = (await client.get(answer.headers["location"])).text
    assert "Beholdt 1 af 2 dele." in after
    # Approving sends the ticked boxes too; they are not an amendment.
    leon = f"/committee/med-a/proposals/{proposals['leon']}/decision"
    approved = await client.post(leon, data={"decision": "approved", "keep": [EYE_DROPS], "csrf": csrf_of(html)})
    assert approved.status_code == 303
    assert await db.fetchval("SELECT kept_items FROM proposals WHERE proposal_id = $1", proposals["leon"]) is None


# --- paging ------------------------------------------------------------------------------

NEXT = re.compile(r'^<([^>]+)>; rel="next"$')


async def more_proposals(db, count: int, at: datetime, tag: str, *, same_time: int = 0) -> list[str]:
    """``count`` pending proposals of committee med-a, one a minute back from ``at`` (the first ``same_time`` of
    them at the same instant, so the order needs the id to break the tie)."""
    ids = []
    for k in range(count):
        issued_at = at - timedelta(minutes=0 if k < same_time else k)
        ids.append(await issue_proposal(
            db, kind="upskilling_path", committee_id="med-a", scope=f"wp-{tag}-{k}", employee_ids=["e1"],
            summary_da="Kursus", summary_en="Course", explanation={}, effect={}, fingerprint=f"{tag}-{k}",
            issued_at=issued_at))
    return ids


async def walk(client, token, first_url, between=None) -> tuple[list[str], list[dict]]:
    """Every id listed following Link from ``first_url``, and each page's answer headers."""
    listed, pages, url = [], [], first_url
    while url:
        answer = await client.get(url, headers=auth(token))
        assert answer.status_code == 200, answer.text
        listed += [p["proposal_id"] for p in answer.json()]
        pages.append(answer.headers)
        link = answer.headers.get("link")
        url = NEXT.match(link).group(1) if link else None
        if between is not None:
            await between(len(pages))
    return listed, pages


async def test_a_walk_over_the_pages_lists_every_proposal_once_while_new_ones_arrive(client, tokens, proposals, db):
    await more_proposals(db, 10, world.AT + timedelta(days=1), "old", same_time=4)
    existing = [r["proposal_id"] for r in await db.fetch("SELECT proposal_id FROM proposals")]
    assert len(existing) == 13

    async def arrivals(page: int) -> None:
        await more_proposals(db, 2, datetime.now(timezone.utc), f"new{page}")

    listed, pages = await walk(client, tokens["admin"], "/api/proposals?limit=4", between=arrivals)
    assert sorted(listed) == sorted(existing)  # each once: new ones, being newer, are not on later pages
    assert len(pages) == 4 and pages[0]["x-total-count"] == "13" and "link" not in pages[-1]
    assert [int(h["x-total-count"]) for h in pages] == [13, 15, 17, 19]
    created = {r["proposal_id"]: r["created_at"] for r in await db.fetch("SELECT proposal_id, created_at FROM proposals")}
    assert listed == sorted(listed, key=lambda pid: (created[pid], pid), reverse=True)  # newest first
    again, _ = await walk(client, tokens["admin"], "/api/proposals?limit=500")
    assert len(again) == 13 + 8


async def test_pages_keep_the_filters_and_a_committee_sees_its_own_only(client, tokens, proposals, db):
    await more_proposals(db, 5, world.AT + timedelta(days=1), "f")
    await decide(client, tokens["admin"], proposals["leon"], {"decision": "rejected", "comment": "Nej"})
    mine = {r["proposal_id"] for r in await db.fetch(
        "SELECT proposal_id FROM proposals WHERE committee_id = 'med-a' AND status = 'pending'")}
    listed, pages = await walk(client, tokens["committee:med-a"], "/api/proposals?status=pending&limit=2")
    assert sorted(listed) == sorted(mine) and len(listed) == 6 and len(pages) == 3
    assert all(h["x-total-count"] == "6" for h in pages)
    for headers in pages[:-1]:
        following = NEXT.match(headers["link"]).group(1)
        assert "status=pending" in following and "limit=2" in following and "cursor=" in following
    # Every person the listed proposals name is in the audit log, on every page.
    shown = [(await client.get(f"/api/proposals/{pid}", headers=auth(tokens["admin"]))).json() for pid in mine]
    named = {person for proposal in shown for person in people_named(proposal)}
    audited = {r["subject"] for r in await db.fetch(
        "SELECT subject FROM audit_log WHERE action LIKE 'listed proposals%' AND actor = 'committee:med-a'")}
    assert named and named <= audited
    listed_ids = set()
    for r in await db.fetch("SELECT action FROM audit_log WHERE action LIKE 'listed proposals%' "
                            "AND actor = 'committee:med-a'"):
        listed_ids.update(r["action"].removeprefix("listed proposals ").split(", "))
    assert listed_ids == mine


async def test_paging_refusals_name_the_field(client, tokens, proposals):
    for limit in ("0", "501", "x"):
        answer = await client.get("/api/proposals", params={"limit": limit}, headers=auth(tokens["admin"]))
        assert refused_field(answer) == "limit", limit
    for cursor in ("garbage", "W10", "a" * 700):
        answer = await client.get("/api/proposals", params={"cursor": cursor}, headers=auth(tokens["admin"]))
        assert refused_field(answer) == "cursor", cursor
    whole = await client.get("/api/proposals", headers=auth(tokens["admin"]))
    assert whole.status_code == 200 and whole.headers["x-total-count"] == "3" and "link" not in whole.headers
    assert len(whole.json()) == 3
