"""The trust boundary of the review service: security headers, login CSRF, body caps, plots, API docs, /healthz."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import httpx
import pytest

from tillid.competence.events import validate
from tillid.review.api.events import MAX_BYTES as EVENTS_MAX_BYTES
from tillid.review.health import KafkaHealth
from tillid.review.security import ANONYMOUS_MAX_BYTES, DEFAULT_MAX_BYTES
from tillid.store.projection.projector import Projector
from tests.integration.review.conftest import auth
from tests.integration.review.test_pages import csrf_of, sign_in
from tests.integration.store.scenario import employee, event

pytestmark = pytest.mark.services

ODD_NAMES = ("Pris $5 \\nosuch{ til $10", "$x^2$ Akademi \\ Syd")


def assert_hardened(answer: httpx.Response, https: bool = False) -> None:
    policy = answer.headers["content-security-policy"]
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert directives["script-src"] == ["'self'"], policy
    assert directives["frame-ancestors"] == ["'none'"] and directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"] and directives["base-uri"] == ["'none'"]
    assert "unsafe-inline" not in " ".join(directives.get("script-src", [])) + " ".join(directives["default-src"])
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["referrer-policy"] == "no-referrer"
    assert ("strict-transport-security" in answer.headers) is https
    if https:
        assert answer.headers["strict-transport-security"] == "max-age=31536000"


# --- headers ---------------------------------------------------------------------------

async def test_every_page_and_answer_carries_the_security_headers(client, tokens):
    assert_hardened(await client.get("/login"))
    await sign_in(client, tokens["committee:med-a"])
    for path in ("/committee/med-a", "/committee/med-a/plots/effect.png", "/committee/unknown", "/static/app.js"):
        assert_hardened(await client.get(path))
    await sign_in(client, tokens["employee:e1"])
    assert_hardened(await client.get("/me"))
    assert_hardened(await client.get("/api/stats", headers=auth(tokens["admin"])))
    assert_hardened(await client.get("/api/stats"))  # a refusal too
    assert_hardened(await client.get("/healthz"))


async def test_hsts_only_over_https(app, tokens):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://review") as secure:
        assert_hardened(await secure.get("/login"), https=True)
        await sign_in(secure, tokens["committee:med-a"])
        assert_hardened(await secure.get("/committee/med-a"), https=True)


async def test_templates_have_no_inline_script_or_handlers():
    from pathlib import Path

    import tillid.review.pages as pages

    for template in (Path(pages.__file__).parent / "templates").glob("*.html"):
        html = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), template.name
        assert not re.search(r"\son[a-z]+\s*=|javascript:|\sstyle\s*=", html, re.IGNORECASE), template.name


# --- login CSRF ------------------------------------------------------------------------

async def test_login_needs_the_form_token(client, app, tokens):
    token = tokens["committee:med-a"]
    missing = await client.post("/login", data={"token": token})
    assert missing.status_code == 403 and "tillid_session" not in missing.headers.get("set-cookie", "")
    form = await client.get("/login")
    csrf = csrf_of(form.text)
    wrong = await client.post("/login", data={"token": token, "csrf": "f" * 64})
    assert wrong.status_code == 403 and "tillid_session" not in wrong.headers.get("set-cookie", "")
    # The right value without the cookie (a form posted from another site) is refused too.
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://review") as other:
        forged = await other.post("/login", data={"token": token, "csrf": csrf})
        assert forged.status_code == 403
    failed = await client.post("/login", data={"token": "wrong", "csrf": csrf})
    assert failed.status_code == 401 and csrf_of(failed.text) == csrf  # the same form token stays valid
    right = await client.post("/login", data={"token": token, "csrf": csrf})
    assert right.status_code == 303 and right.headers["location"] == "/committee/med-a"
    assert (await client.get("/committee/med-a")).status_code == 200


# --- body caps -------------------------------------------------------------------------

class Stream:
    """A request body sent in chunks, counting how many chunks the service pulled."""

    def __init__(self, size: int, chunk: int = 16 * 1024) -> None:
        self.size, self.chunk, self.pulled = size, chunk, 0

    async def __aiter__(self):
        for _ in range(0, self.size, self.chunk):
            self.pulled += 1
            yield b"{" * self.chunk


def refused_for_size(answer: httpx.Response) -> bool:
    return answer.status_code == 413 and answer.json()["detail"][0]["field"] == "body"


async def test_an_anonymous_large_body_is_refused_unread(client, proposals):
    body = Stream(1024 * 1024)
    answer = await client.post("/api/events", content=body, headers={
        "content-type": "application/json", "content-length": str(body.size)})
    assert refused_for_size(answer) and body.pulled == 0
    login = Stream(1024 * 1024)
    answer = await client.post("/login", content=login, headers={
        "content-type": "application/x-www-form-urlencoded", "content-length": str(login.size)})
    assert refused_for_size(answer) and login.pulled == 0
    chunked = Stream(1024 * 1024)  # no Content-Length: counted as it streams in
    answer = await client.post("/login", content=chunked, headers={
        "content-type": "application/x-www-form-urlencoded"})
    assert refused_for_size(answer) and chunked.pulled <= ANONYMOUS_MAX_BYTES // chunked.chunk + 1
    small = await client.post("/api/events", content=b"{not json", headers={"content-type": "application/json"})
    assert small.status_code == 401  # a small anonymous body still gets the ordinary refusal


async def test_bodies_with_credentials_are_capped_per_route(client, tokens):
    admin = auth(tokens["admin"])
    large = b"{" * (DEFAULT_MAX_BYTES + 1)
    assert refused_for_size(await client.post("/api/tokens", content=large, headers=admin))
    chunked = Stream(4 * DEFAULT_MAX_BYTES)
    answer = await client.post("/api/tokens", content=chunked, headers={**admin, "content-type": "application/json"})
    assert refused_for_size(answer) and chunked.pulled <= DEFAULT_MAX_BYTES // chunked.chunk + 1
    # POST /api/events keeps its 16 MiB: a 1 MiB body is read and judged on its content.
    events = await client.post("/api/events", content=b"{" * (1024 * 1024), headers=admin)
    assert events.status_code == 422 and events.json()["detail"][0] == {"field": "body", "problem": "not JSON"}
    too_many = await client.post("/api/events", content=Stream(EVENTS_MAX_BYTES + 1, chunk=1024 * 1024),
                                 headers={**admin, "content-length": str(EVENTS_MAX_BYTES + 1)})
    assert refused_for_size(too_many)
    await sign_in(client, tokens["employee:e1"])
    html = (await client.get("/me")).text
    form = await client.post("/me/rotation", data={"csrf": csrf_of(html), "suggest": "1",
                                                   "available_from": "2027-03-01", "max_weeks": "6",
                                                   "padding": "x" * DEFAULT_MAX_BYTES})
    assert refused_for_size(form)


# --- plots -----------------------------------------------------------------------------

def odd_history() -> list[dict]:
    people = [f"e{n}" for n in range(3, 8)]
    events = [event("WorkplaceUpserted", "wp-a-odd", workplace_id="wp-a", name=ODD_NAMES[1], sector="municipality",
                    organisation_id="org-a", organisation_name="Kommune $A$", committee_id="med-a"),
              event("ProfessionUpserted", "p-odd", profession_id="sosu_assistent", title_da="Assistent $\\beta",
                    title_en="Assistant $ \\", hourly_cost_dkk=285.0)]
    for person in people:
        events += employee(person)
    for index, provider in enumerate(ODD_NAMES):
        activity = f"odd-{index}"
        events.append(event("LearningActivityPublished", activity, activity_id=activity, kind="course",
                            title="Kursus", provider=provider, teaches=[{"skill": "dk:saar", "to_level": 3}],
                            prerequisites=[], duration_hours=7, cost_dkk=500))
        events += [event("CourseCompleted", f"done-{activity}-{person}", employee_id=person, activity_id=activity,
                         completed_on="2026-01-10", passed=True) for person in people]
    return events


async def test_names_with_dollar_and_backslash_plot_as_written(client, tokens, db):
    await Projector().apply(db, [validate(e) for e in odd_history()])
    await sign_in(client, tokens["committee:med-a"])
    for lang in ("da", "en"):
        page = await client.get("/committee/med-a", params={"lang": lang})
        assert page.status_code == 200
        for name in ("effect", "spread"):
            plot = await client.get(f"/committee/med-a/plots/{name}.png", params={"lang": lang})
            assert plot.status_code == 200 and plot.content.startswith(b"\x89PNG"), (name, lang)


# --- API docs --------------------------------------------------------------------------

class References(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline_scripts = 0
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        self.urls += [value for name, value in attrs if name in ("src", "href") and value]
        self._in_script = tag == "script" and "src" not in values

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline_scripts += 1

    def handle_endtag(self, tag):
        self._in_script = False


async def test_api_docs_load_nothing_from_outside(client):
    page = await client.get("/api/docs")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    policy = page.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "frame-ancestors 'none'" in policy
    found = References()
    found.feed(page.text)
    assert found.inline_scripts == 0
    assert not re.search(r"https?:|//[a-z]", page.text, re.IGNORECASE), page.text
    assert len(found.urls) >= 3
    for url in found.urls:
        asset = await client.get(url)
        assert asset.status_code == 200 and asset.content, url
    script = next(u for u in found.urls if u.endswith("swagger-ui-bundle.js"))
    assert "SwaggerUIBundle" in (await client.get(script)).text
    assert (await client.get("/api/openapi.json")).status_code == 200


# --- /healthz --------------------------------------------------------------------------

async def test_healthz_keeps_one_broker_connection(settings, monkeypatch):
    import aiokafka.client
    from asgi_lifespan import LifespanManager

    from tillid.review.app import create_app

    opened: list[str] = []
    create_conn = aiokafka.client.create_conn

    async def counted(*args, **kwargs):
        opened.append(kwargs.get("client_id", ""))
        return await create_conn(*args, **kwargs)

    monkeypatch.setattr(aiokafka.client, "create_conn", counted)
    application = create_app(settings)
    application.state.kafka_health = KafkaHealth(settings.kafka, refresh_seconds=0)  # a check on every call
    async with LifespanManager(application):
        await application.state.publisher.start()  # the producer's own connections are made before counting
        before = len(opened)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=application), base_url="http://r") as c:
            for _ in range(20):
                answer = await c.get("/healthz")
                assert answer.status_code == 200 and answer.json()["kafka"] == "ok"
    made = opened[before:]
    assert 1 <= len(made) <= 2, made  # the bootstrap, then the broker's own connection, once
