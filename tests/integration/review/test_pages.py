"""The pages over HTTP (no browser): sign-in, scope, CSRF, language, forms, plots, audit."""

from __future__ import annotations

import re

import pytest

from tests.integration.review.conftest import auth

pytestmark = pytest.mark.services


async def sign_in(client, token: str):
    answer = await client.post("/login", data={"token": token, "csrf": await login_csrf(client)})
    assert answer.status_code == 303, answer.text
    return answer


async def login_csrf(client) -> str:
    return csrf_of((await client.get("/login")).text)


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([0-9a-f]+)"', html).group(1)


async def test_sign_in_sets_a_strict_http_only_cookie_and_goes_home(client, tokens):
    assert (await client.get("/committee/med-a")).status_code == 303  # not signed in: to /login
    answer = await sign_in(client, tokens["committee:med-a"])
    assert answer.headers["location"] == "/committee/med-a"
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    refused = await client.post("/login", data={"token": "wrong", "csrf": await login_csrf(client)})
    assert refused.status_code == 401 and "Adgangsnøglen er ukendt" in refused.text
    hr = await client.post("/login", data={"token": tokens["hr:sd-loen"], "csrf": await login_csrf(client)})
    assert hr.status_code == 403


async def test_committee_page_in_danish_and_english(client, tokens, proposals, db):
    await sign_in(client, tokens["committee:med-a"])
    page = await client.get("/committee/med-a")
    assert page.status_code == 200
    html = page.text
    assert 'lang="da"' in html and "Afventende forslag" in html
    assert "Opkvalificering i sårbehandling for 2 medarbejdere" in html
    assert "Social- og sundhedsassistent" in html and "<code>e1</code>" in html
    assert html.index(proposals["leon"]) < html.index(proposals["upskill"])  # newest first
    assert proposals["other"] not in html  # another committee's proposal
    assert "600 kr." in html and "9.000 kr." in html
    # A LEON proposal's weekly difference in its parts: the moves' saving first, freed hours as hours.
    assert html.index("Besparelse ved flytninger pr. uge") < html.index("Timer der ikke længere er brug for") \
        < html.index("Forskel i lønudgift pr. uge i alt")
    assert "10,0 timer (digitalisering) – ikke en besparelse" in html
    english = await client.get("/committee/med-a", params={"lang": "en"})
    assert "Pending proposals" in english.text and "Wound care upskilling" in english.text
    assert "DKK 600" in english.text and "Saving from moves per week" in english.text
    assert "Pending proposals" in (await client.get("/committee/med-a")).text  # remembered
    assert (await client.get("/committee/med-b")).status_code == 404
    viewed = await db.fetch("SELECT subject FROM audit_log WHERE action LIKE 'viewed in committee queue%'")
    assert {r["subject"] for r in viewed} == {"e1", "e2"}


async def test_committee_decides_by_form_with_csrf(client, tokens, proposals, db):
    await sign_in(client, tokens["committee:med-a"])
    html = (await client.get("/committee/med-a")).text
    path = f"/committee/med-a/proposals/{proposals['leon']}/decision"
    forged = await client.post(path, data={"decision": "approved", "csrf": "0" * 64})
    assert forged.status_code == 403
    no_comment = await client.post(path, data={"decision": "amended", "csrf": csrf_of(html)})
    assert no_comment.status_code == 422
    answer = await client.post(path, data={"decision": "approved", "comment": "Fint", "csrf": csrf_of(html)})
    assert answer.status_code == 303 and answer.headers["location"] == "/committee/med-a?done=approved"
    after = (await client.get(answer.headers["location"])).text
    assert "Beslutningen er registreret: godkendt." in after
    queue = after.split('id="plots"')[0]
    assert proposals["leon"] not in queue and "Fint" in after
    again = await client.post(path, data={"decision": "rejected", "comment": "Nej", "csrf": csrf_of(html)})
    assert again.status_code == 409
    other = await client.post(f"/committee/med-a/proposals/{proposals['other']}/decision",
                              data={"decision": "approved", "csrf": csrf_of(html)})
    assert other.status_code == 404
    assert await db.fetchval("SELECT status FROM proposals WHERE proposal_id = $1", proposals["other"]) == "pending"


async def test_plots_are_png_for_the_committee_only(client, tokens):
    await sign_in(client, tokens["committee:med-a"])
    for name in ("effect", "spread"):
        answer = await client.get(f"/committee/med-a/plots/{name}.png")
        assert answer.status_code == 200 and answer.content.startswith(b"\x89PNG")
    assert (await client.get("/committee/med-b/plots/spread.png")).status_code == 404


async def test_me_page_answers_and_rotation(client, tokens, proposals, db):
    await client.post(f"/api/proposals/{proposals['upskill']}/decision", json={"decision": "approved"},
                      headers=auth(tokens["admin"]))
    await client.get("/api/employees/e1", headers=auth(tokens["committee:med-a"]))
    await sign_in(client, tokens["employee:e1"])
    page = await client.get("/me")
    assert page.status_code == 200
    html = page.text
    assert "Kursus i sårbehandling (e1)" in html and "Kursus i sårbehandling (e2)" not in html
    assert "Det ved systemet om dig" in html and "dk:oejendraabebehandling" in html
    assert "committee:med-a" in html  # who has read the data
    suggestion_id = re.search(r'action="/me/suggestions/([^/]+)/response"', html).group(1)
    answer = await client.post(f"/me/suggestions/{suggestion_id}/response",
                               data={"response": "accepted", "comment": "Gerne", "csrf": csrf_of(html)})
    assert answer.status_code == 303
    assert "Dit svar er registreret: sagt ja." in (await client.get(answer.headers["location"])).text
    assert await db.fetchval("SELECT status FROM suggestions WHERE suggestion_id = $1", suggestion_id) == "accepted"
    saved = await client.post("/me/rotation", data={"suggest": "1", "available_from": "2027-03-01",
                                                    "max_weeks": "6", "csrf": csrf_of(html)})
    assert saved.status_code == 303
    row = await db.fetchrow("SELECT ranked_slot_ids, max_weeks FROM rotation_interests WHERE employee_id = 'e1'")
    assert (list(row["ranked_slot_ids"]), row["max_weeks"]) == ([], 6)
    assert (await client.post("/me/rotation", data={"choice_1": "no-such-slot", "available_from": "2027-03-01",
                                                    "max_weeks": "6", "csrf": csrf_of(html)})).status_code == 422
    assert await db.fetchval("SELECT count(*) FROM audit_log WHERE subject = 'e1' AND action = 'read own data'") == 2


async def test_pages_refuse_the_wrong_role(client, tokens):
    await sign_in(client, tokens["employee:e1"])
    assert (await client.get("/committee/med-a")).status_code == 404
    await sign_in(client, tokens["committee:med-a"])
    assert (await client.get("/me")).status_code == 403
    await sign_in(client, tokens["admin"])
    listing = await client.get("/committees")
    assert "med-a" in listing.text and "med-b" in listing.text
    assert (await client.get("/committee/med-b")).status_code == 200
    assert (await client.get("/committee/unknown")).status_code == 404
