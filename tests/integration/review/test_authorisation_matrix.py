"""Every role against every endpoint and page: the matrices of docs/api.md ("Endpoints") and docs/pages.md.

Each cell is the exact status the service must answer. A route the service
serves but the matrix lacks fails the completeness test, so a new endpoint
cannot go without its row. Mutating requests carry valid bodies, so a cell
tests the authorisation and scope rules rather than validation.
"""

from __future__ import annotations

import httpx
import pytest

from tillid.review import pages
from tillid.review.app import create_app
from tests.integration.review import world
from tests.integration.review.conftest import auth
from tests.integration.review.test_pages import csrf_of, login_csrf, sign_in
from tests.integration.store.scenario import event

pytestmark = pytest.mark.services

ROLES = ("none", "unknown", "admin", "committee:med-a", "committee:med-b", "employee:e1", "employee:e2", "hr:sd-loen")
OK = {"GET": 200, "POST": 200, "PUT": 200, "DELETE": 204}


def assessment_of_e1() -> dict:
    return {**event("CompetenceAssessed", "matrix-assessment", employee_id="e1", skill="dk:saarbehandling",
                    level=3, assessed_on="2026-10-01", evidence="manager"), "source": "sd-loen"}


# (method, route as the service declares it, concrete path, body) -> status per role, asked in the order
# given after the roles left out, which answer 403 (a role that may never use the endpoint); so a change
# of state (a decision) comes after every refusal. "none" and "unknown" are always 401.
CELLS: list[tuple[str, str, str, object, dict[str, int]]] = [
    ("POST", "/api/tokens", "/api/tokens", {"role": "committee:med-a"}, {"admin": 200}),
    ("DELETE", "/api/tokens/{token_id}", "/api/tokens/no-such-token", None, {"admin": 404}),
    ("GET", "/api/stats", "/api/stats", None, {"admin": 200}),
    ("POST", "/api/events", "/api/events", [assessment_of_e1()], {"admin": 202, "hr:sd-loen": 202}),
    ("GET", "/api/proposals", "/api/proposals", None,
     {"admin": 200, "committee:med-a": 200, "committee:med-b": 200}),
    ("GET", "/api/proposals", "/api/proposals?committee=med-a", None,
     {"admin": 200, "committee:med-a": 200, "committee:med-b": 403}),
    ("GET", "/api/proposals/{proposal_id}", "/api/proposals/{upskill}", None,
     {"admin": 200, "committee:med-a": 200, "committee:med-b": 404}),
    ("POST", "/api/proposals/{proposal_id}/decision", "/api/proposals/{leon}/decision",
     {"decision": "rejected", "comment": "matrix"}, {"committee:med-b": 404, "committee:med-a": 200, "admin": 409}),
    ("GET", "/api/employees/{employee_id}", "/api/employees/e1", None,
     {"admin": 200, "committee:med-a": 200, "committee:med-b": 404, "employee:e1": 200, "employee:e2": 404}),
    ("GET", "/api/employees/{employee_id}/suggestions", "/api/employees/e1/suggestions", None,
     {"admin": 200, "committee:med-a": 200, "committee:med-b": 404, "employee:e1": 200, "employee:e2": 404}),
    ("PUT", "/api/employees/{employee_id}/rotation-interest", "/api/employees/e1/rotation-interest",
     {"ranked_slot_ids": [], "available_from": "2027-01-01", "max_weeks": 8},
     {"employee:e2": 404, "employee:e1": 200}),
    ("POST", "/api/suggestions/{suggestion_id}/response", "/api/suggestions/{suggestion}/response",
     {"response": "declined", "comment": "matrix"}, {"employee:e2": 404, "employee:e1": 200}),
    ("GET", "/api/audit", "/api/audit?subject=e1", None, {"admin": 200}),
]


def expected(method: str, role: str, allowed: dict[str, int]) -> int:
    if role in ("none", "unknown"):
        return 401
    return allowed.get(role, 403)


@pytest.fixture
async def matrix_world(client, proposals):
    """Tokens per role (the hr token bound to org-a and source sd-loen) and an open suggestion of e1."""
    admin = auth(world.ADMIN)
    tokens = {"admin": world.ADMIN, "unknown": "no-such-token"}
    for role in ROLES[3:]:
        body = {"role": role, **({"organisations": ["org-a"]} if role.startswith("hr:") else {})}
        answer = await client.post("/api/tokens", json=body, headers=admin)
        assert answer.status_code == 200, answer.text
        tokens[role] = answer.json()["token"]
    approved = await client.post(f"/api/proposals/{proposals['upskill']}/decision",
                                 json={"decision": "approved", "comment": ""}, headers=admin)
    assert approved.status_code == 200, approved.text
    suggestions = await client.get("/api/employees/e1/suggestions", headers=admin)
    names = {**proposals, "suggestion": suggestions.json()[0]["suggestion_id"]}
    return tokens, names


async def test_every_role_gets_exactly_the_status_of_the_matrix(client, matrix_world):
    tokens, names = matrix_world
    wrong = []
    for method, _, path, body, allowed in CELLS:
        path = path.format(**names)
        for role in [r for r in ROLES if r not in allowed] + list(allowed):
            headers = {} if role == "none" else auth(tokens[role])
            answer = await client.request(method, path, json=body, headers=headers)
            if answer.status_code != expected(method, role, allowed):
                wrong.append(f"{method} {path} as {role}: {answer.status_code}, "
                             f"expected {expected(method, role, allowed)} ({answer.text[:120]})")
    assert wrong == []


def test_the_matrix_has_a_row_for_every_endpoint_the_service_serves(settings):
    paths = create_app(settings).openapi()["paths"]
    served = {(method.upper(), path) for path, operations in paths.items() if path.startswith("/api/")
              for method in operations}
    assert served == {(method, route) for method, route, *_ in CELLS}


# --- pages --------------------------------------------------------------------------------------------------

PAGE_ROLES = ("anonymous", "admin", "committee:med-a", "committee:med-b", "employee:e1", "employee:e2")
HOME = {"admin": "/committees", "committee:med-a": "/committee/med-a", "committee:med-b": "/committee/med-b",
        "employee:e1": "/me", "employee:e2": "/me"}

# (method, route, concrete path, form) -> status per role, asked in the order given after the roles left
# out (403). Anonymous requests, forms included, are sent to /login (303) before anything else is
# looked at. A form that succeeds answers with a redirect (303).
PAGE_CELLS: list[tuple[str, str, str, dict | None, dict[str, int]]] = [
    ("GET", "/committees", "/committees", None, {"anonymous": 303, "admin": 200}),
    ("GET", "/committee/{committee_id}", "/committee/med-a", None,
     {"anonymous": 303, "committee:med-b": 404, "employee:e1": 404, "employee:e2": 404,
      "committee:med-a": 200, "admin": 200}),
    ("GET", "/committee/{committee_id}/plots/{name}.png", "/committee/med-a/plots/effect.png", None,
     {"anonymous": 303, "committee:med-b": 404, "employee:e1": 404, "employee:e2": 404,
      "committee:med-a": 200, "admin": 200}),
    ("POST", "/committee/{committee_id}/proposals/{proposal_id}/decision",
     "/committee/med-a/proposals/{leon}/decision", {"decision": "rejected", "comment": "matrix"},
     {"anonymous": 303, "committee:med-b": 404, "employee:e1": 404, "employee:e2": 404,
      "committee:med-a": 303, "admin": 409}),
    ("GET", "/me", "/me", None, {"anonymous": 303, "employee:e1": 200, "employee:e2": 200}),
    ("POST", "/me/suggestions/{suggestion_id}/response", "/me/suggestions/{suggestion}/response",
     {"response": "declined", "comment": "matrix"}, {"anonymous": 303, "employee:e2": 404, "employee:e1": 303}),
    ("POST", "/me/suggestions/{suggestion_id}/ask-again", "/me/suggestions/{suggestion}/ask-again", {},
     {"anonymous": 303, "employee:e2": 404, "employee:e1": 303}),
    # Only one's own: the form names a skill, never a person; e1 and e2 both hold this one.
    ("POST", "/me/competences/dispute", "/me/competences/dispute",
     {"skill": "dk:oejendraabebehandling", "comment": "matrix"},
     {"anonymous": 303, "employee:e1": 303, "employee:e2": 303}),
    ("POST", "/me/rotation", "/me/rotation", {"suggest": "1", "available_from": "2027-01-01", "max_weeks": "8"},
     {"anonymous": 303, "employee:e1": 303, "employee:e2": 303}),
]


async def signed_in_clients(app, tokens):
    """A client (own cookie jar) per role, signed in through the login form, with the CSRF token of its session."""
    clients = {}
    for role in PAGE_ROLES:
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://review")
        csrf = ""
        if role != "anonymous":
            await sign_in(client, tokens[role])
            csrf = csrf_of((await client.get(HOME[role])).text)
        clients[role] = (client, csrf)
    return clients


async def test_every_role_gets_exactly_the_status_of_the_pages_matrix(app, matrix_world):
    tokens, names = matrix_world
    clients = await signed_in_clients(app, tokens)
    wrong = []
    try:
        for method, _, path, form, allowed in PAGE_CELLS:
            path = path.format(**names)
            for role in [r for r in PAGE_ROLES if r not in allowed] + list(allowed):
                client, csrf = clients[role]
                data = None if form is None else {**form, "csrf": csrf}
                answer = await client.request(method, path, data=data)
                if answer.status_code != allowed.get(role, 403):
                    wrong.append(f"{method} {path} as {role}: {answer.status_code}, expected {allowed.get(role, 403)}")
    finally:
        for client, _ in clients.values():
            await client.aclose()
    assert wrong == []


async def test_an_hr_token_opens_no_pages(client, matrix_world):
    tokens, _ = matrix_world
    answer = await client.post("/login", data={"token": tokens["hr:sd-loen"], "csrf": await login_csrf(client)})
    assert answer.status_code == 403 and "tillid_session" not in client.cookies


def test_the_pages_matrix_has_a_row_for_every_page(settings):
    declared = {(method, route.path) for route in pages.router.routes for method in route.methods
                if method != "HEAD" and route.path not in ("/", "/login", "/logout")}
    assert declared == {(method, route) for method, route, *_ in PAGE_CELLS}
