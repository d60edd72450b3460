"""Tokens: organisations for hr: roles, holder, expiry and revocation, for bearer tokens and page sessions."""

from __future__ import annotations

import datetime as dt

import pytest

from tillid.competence.events import validate
from tillid.review.auth import principal_of_token
from tillid.store.projection.projector import Projector
from tests.integration.review import world
from tests.integration.review.conftest import auth
from tests.integration.review.test_pages import login_csrf
from tests.integration.store.scenario import event

pytestmark = pytest.mark.services

ADMIN = auth(world.ADMIN)


async def issue(client, **body) -> dict:
    answer = await client.post("/api/tokens", json=body, headers=ADMIN)
    assert answer.status_code == 200, answer.text
    return answer.json()


async def signed_in_page(client, token: str) -> int:
    """Sign in on the pages with ``token`` and return the status of the committee page afterwards."""
    assert (await client.post("/login", data={"token": token, "csrf": await login_csrf(client)})).status_code == 303
    return (await client.get("/committee/med-a")).status_code


async def test_hr_tokens_need_organisations(client, proposals):
    for body in ({"role": "hr:sd-loen"}, {"role": "hr:sd-loen", "organisations": []},
                 {"role": "hr:sd-loen", "organisations": ["*", "org-a"]},
                 {"role": "committee:med-a", "organisations": ["org-a"]},
                 {"role": "hr:sd-loen", "organisations": ["bad\nid"]}):
        answer = await client.post("/api/tokens", json=body, headers=ADMIN)
        assert answer.status_code == 422, body
        assert answer.json()["detail"][0]["field"].startswith("organisations"), answer.text


async def test_the_answer_and_the_store_keep_id_expiry_holder_and_organisations(client, proposals, db):
    before = dt.datetime.now(dt.timezone.utc)
    issued = await issue(client, role="hr:sd-loen", organisations=["org-a", "org-b"], holder="HR-4711")
    assert issued["role"] == "hr:sd-loen" and issued["organisations"] == ["org-a", "org-b"]
    assert issued["holder"] == "HR-4711" and issued["token_id"]
    expires_at = dt.datetime.fromisoformat(issued["expires_at"])
    assert dt.timedelta(days=90) <= expires_at - before < dt.timedelta(days=90, minutes=1)
    row = await db.fetchrow("SELECT token_id, organisations, holder FROM api_tokens WHERE token_id = $1",
                            issued["token_id"])
    assert (list(row["organisations"]), row["holder"]) == (["org-a", "org-b"], "HR-4711")
    principal = await principal_of_token(db, issued["token"], world.ADMIN)
    assert (principal.role, principal.holder, principal.token_id, principal.organisations) == \
        ("hr:sd-loen", "HR-4711", issued["token_id"], ("org-a", "org-b"))
    plain = await issue(client, role="committee:med-a")
    assert plain["holder"] is None and plain["organisations"] == []
    too_long = await client.post("/api/tokens", json={"role": "committee:med-a", "holder": "x" * 201},
                                 headers=ADMIN)
    assert too_long.status_code == 422 and too_long.json()["detail"][0]["field"] == "holder"


async def test_an_expired_token_is_401_and_ends_its_page_session(client, proposals, db):
    issued = await issue(client, role="committee:med-a")
    assert (await client.get("/api/proposals", headers=auth(issued["token"]))).status_code == 200
    assert await signed_in_page(client, issued["token"]) == 200
    await db.execute("UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE token_id = $1",
                     issued["token_id"])
    answer = await client.get("/api/proposals", headers=auth(issued["token"]))
    assert answer.status_code == 401 and "expired" in answer.json()["detail"]
    page = await client.get("/committee/med-a")
    assert page.status_code == 303 and page.headers["location"] == "/login"
    refused = await client.post("/login", data={"token": issued["token"], "csrf": await login_csrf(client)})
    assert refused.status_code == 401


async def test_the_admin_token_from_the_settings_does_not_expire_but_issued_admin_tokens_do(client, proposals, db):
    issued = await issue(client, role="admin")
    assert (await client.get("/api/stats", headers=auth(issued["token"]))).status_code == 200
    await db.execute("UPDATE api_tokens SET expires_at = now() - interval '1 second'")
    assert (await client.get("/api/stats", headers=auth(issued["token"]))).status_code == 401
    assert (await client.get("/api/stats", headers=ADMIN)).status_code == 200


async def test_a_revoked_token_is_401_and_ends_its_page_session(client, proposals, db):
    issued = await issue(client, role="committee:med-a", holder="K-17")
    other = await issue(client, role="committee:med-a")
    assert await signed_in_page(client, issued["token"]) == 200
    for token in (other["token"], issued["token"]):  # only an admin revokes
        refused = await client.delete(f"/api/tokens/{issued['token_id']}", headers=auth(token))
        assert refused.status_code == 403
    answer = await client.delete(f"/api/tokens/{issued['token_id']}", headers=ADMIN)
    assert answer.status_code == 204
    assert (await client.get("/api/proposals", headers=auth(issued["token"]))).status_code == 401
    page = await client.get("/committee/med-a")
    assert page.status_code == 303 and page.headers["location"] == "/login"
    assert await db.fetchval("SELECT count(*) FROM page_sessions") == 0
    assert (await client.get("/api/proposals", headers=auth(other["token"]))).status_code == 200
    again = await client.delete(f"/api/tokens/{issued['token_id']}", headers=ADMIN)
    assert again.status_code == 404


async def test_erasing_a_person_blanks_them_as_a_tokens_holder(client, proposals, db):
    held = await issue(client, role="committee:med-a", holder="e1")
    other = await issue(client, role="committee:med-a", holder="e12")
    await Projector().apply(db, [validate(event("EmployeeErased", "erase-e1", employee_id="e1"))])
    holders = dict(await db.fetch("SELECT token_id, holder FROM api_tokens WHERE token_id = ANY($1::text[])",
                                  [held["token_id"], other["token_id"]]))
    assert holders == {held["token_id"]: "erased", other["token_id"]: "e12"}
    assert (await client.get("/api/proposals", headers=auth(held["token"]))).status_code == 200
