"""Page sessions live on the server: the cookie is a random id, logout ends it, Secure where https applies."""

from __future__ import annotations

import hashlib
import http.client
import re
from dataclasses import replace
from urllib.parse import urlsplit

import httpx
import pytest
from asgi_lifespan import LifespanManager

from tillid.review.app import create_app
from tests.integration.review.live import serving
from tests.integration.review.test_pages import login_csrf

pytestmark = pytest.mark.services


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([0-9a-f]+)"', html).group(1)


async def test_the_cookie_holds_a_session_id_not_the_token(client, tokens, db):
    token = tokens["committee:med-a"]
    answer = await client.post("/login", data={"token": token, "csrf": await login_csrf(client)})
    assert answer.status_code == 303
    session = client.cookies["tillid_session"]
    assert session != token and token not in answer.headers["set-cookie"]
    row = await db.fetchrow("SELECT session_sha256, token_sha256 FROM page_sessions")
    assert (row["session_sha256"], row["token_sha256"]) == (sha256(session), sha256(token))
    assert (await client.get("/committee/med-a")).status_code == 200


async def test_logout_ends_the_session_on_the_server(client, tokens, db):
    await client.post("/login", data={"token": tokens["committee:med-a"], "csrf": await login_csrf(client)})
    session = client.cookies["tillid_session"]
    html = (await client.get("/committee/med-a")).text
    answer = await client.post("/logout", data={"csrf": csrf_of(html)})
    assert answer.status_code == 303 and answer.headers["location"] == "/login"
    assert await db.fetchval("SELECT count(*) FROM page_sessions") == 0
    client.cookies.set("tillid_session", session)  # a copy of the old cookie
    again = await client.get("/committee/med-a")
    assert again.status_code == 303 and again.headers["location"] == "/login"


async def test_an_admin_session_ends_when_the_admin_token_changes(settings, tokens):
    async def page_after_sign_in(app_settings, cookie: str | None) -> tuple[int, str]:
        app = create_app(app_settings)
        async with LifespanManager(app) as manager:
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app),
                                         base_url="http://review") as c:
                if cookie is None:
                    await c.post("/login", data={"token": app_settings.admin_token, "csrf": await login_csrf(c)})
                else:
                    c.cookies.set("tillid_session", cookie)
                return (await c.get("/committees")).status_code, c.cookies.get("tillid_session", "")

    status, cookie = await page_after_sign_in(settings, None)
    assert status == 200
    status, _ = await page_after_sign_in(replace(settings, admin_token="another-admin-token"), cookie)
    assert status == 303


async def sign_in_cookie(app_settings, token: str, base_url: str = "http://review") -> str:
    app = create_app(app_settings)
    async with LifespanManager(app) as manager:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app), base_url=base_url) as c:
            answer = await c.post("/login", data={"token": token, "csrf": await login_csrf(c)})
            assert answer.status_code == 303
            return answer.headers["set-cookie"].lower()


async def test_the_cookie_is_secure_when_the_public_url_or_the_request_is_https(settings, tokens):
    token = tokens["committee:med-a"]
    assert "secure" not in await sign_in_cookie(settings, token)
    assert "secure" in await sign_in_cookie(replace(settings, public_url="https://tillid.example.dk"), token)
    assert "secure" in await sign_in_cookie(settings, token, base_url="https://review")


def login_through_proxy(base: str, token: str) -> str:
    """POST /login as a proxy on 127.0.0.1 that says the browser used https; the Set-Cookie header."""
    address = urlsplit(base)
    conn = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    try:
        conn.request("GET", "/login")
        form = conn.getresponse()
        csrf = csrf_of(form.read().decode("utf-8"))
        cookie = form.getheader("set-cookie").split(";")[0]
        conn.request("POST", "/login", body=f"token={token}&csrf={csrf}",
                     headers={"Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-Proto": "https",
                              "Cookie": cookie})
        answer = conn.getresponse()
        assert answer.status == 303, answer.read()
        return answer.getheader("set-cookie").lower()
    finally:
        conn.close()


async def test_forwarded_https_counts_only_from_a_trusted_proxy(settings, tokens):
    token = tokens["committee:med-a"]
    with serving(settings) as base:  # the default trusts a proxy on 127.0.0.1
        assert "secure" in login_through_proxy(base, token)
    with serving(replace(settings, forwarded_allow_ips="10.1.2.3")) as base:
        assert "secure" not in login_through_proxy(base, token)
