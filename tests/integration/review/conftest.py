"""The review service in process, on the real store and broker."""

from __future__ import annotations

import httpx
import pytest
from asgi_lifespan import LifespanManager

from tillid.review.app import create_app
from tests.integration.review import world


@pytest.fixture
async def app(settings):
    application = create_app(settings)
    async with LifespanManager(application) as manager:
        yield manager.app


@pytest.fixture
async def client(app):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://review") as c:
        yield c


@pytest.fixture
async def proposals(db):
    return await world.build(db)


@pytest.fixture
async def tokens(client, proposals) -> dict[str, str]:
    """A token per role of the world, issued through the API."""
    issued = {"admin": world.ADMIN}
    for role in ("committee:med-a", "committee:med-b", "employee:e1", "employee:e2", "employee:e9", "hr:sd-loen"):
        body = {"role": role, "organisations": ["*"]} if role.startswith("hr:") else {"role": role}
        answer = await client.post("/api/tokens", json=body, headers=auth(world.ADMIN))
        assert answer.status_code == 200, answer.text
        issued[role] = answer.json()["token"]
    return issued


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
async def live(settings, db, proposals):
    """(base URL, tokens by role) of a real server on the world; tokens issued straight in the store."""
    from tillid.review.auth import issue_token, parse_role
    from tests.integration.review.live import serving

    issued = {"admin": world.ADMIN}
    for role in ("committee:med-a", "committee:med-b", "employee:e1", "employee:e2", "hr:sd-loen"):
        issued[role] = await issue_token(db, parse_role(role))
    with serving(settings) as base:
        yield base, issued
