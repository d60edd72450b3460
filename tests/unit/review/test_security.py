"""The security headers and body caps as ASGI middleware around a tiny app (no services)."""

from __future__ import annotations

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route

from tillid.review import security
from tillid.review.security import ANONYMOUS_MAX_BYTES, CONTENT_SECURITY_POLICY, DEFAULT_MAX_BYTES

LARGE_ROUTE_CAP = 4 * DEFAULT_MAX_BYTES


async def echo_length(request: Request) -> JSONResponse:
    return JSONResponse({"read": len(await request.body())})


async def own_policy(request: Request) -> PlainTextResponse:
    return PlainTextResponse("docs", headers={"Content-Security-Policy": "default-src 'none'"})


def client(always_https: bool = False, base_url: str = "http://t") -> httpx.AsyncClient:
    app = Starlette(routes=[Route("/echo", echo_length, methods=["POST"]),
                            Route("/large", echo_length, methods=["POST"]), Route("/own", own_policy)])
    security.install(app, session_cookie="session", route_caps={("POST", "/large"): LARGE_ROUTE_CAP},
                     always_https=always_https)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base_url)


async def chunks(size: int, chunk: int = 4096):
    for start in range(0, size, chunk):
        yield b"x" * min(chunk, size - start)


async def test_headers_are_added_and_a_route_may_set_its_own_policy():
    async with client() as plain:
        answer = await plain.post("/echo", content=b"hi")
        assert answer.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["referrer-policy"] == "no-referrer"
        assert "strict-transport-security" not in answer.headers
        own = await plain.get("/own")
        assert own.headers.get_list("content-security-policy") == ["default-src 'none'"]
    async with client(base_url="https://t") as secure:
        assert (await secure.get("/own")).headers["strict-transport-security"] == "max-age=31536000"
    async with client(always_https=True) as behind_a_proxy:
        assert (await behind_a_proxy.get("/own")).headers["strict-transport-security"] == "max-age=31536000"


async def test_caps_by_credentials_and_route():
    async with client() as c:
        assert (await c.post("/echo", content=b"x" * ANONYMOUS_MAX_BYTES)).json() == {"read": ANONYMOUS_MAX_BYTES}
        anonymous = await c.post("/echo", content=b"x" * (ANONYMOUS_MAX_BYTES + 1))
        assert anonymous.status_code == 413 and anonymous.json()["detail"][0]["field"] == "body"
        signed_in = {"cookie": "session=abc"}
        assert (await c.post("/echo", content=b"x" * DEFAULT_MAX_BYTES, headers=signed_in)).status_code == 200
        assert (await c.post("/echo", content=b"x" * (DEFAULT_MAX_BYTES + 1), headers=signed_in)).status_code == 413
        bearer = {"authorization": "Bearer t"}
        assert (await c.post("/large", content=b"x" * LARGE_ROUTE_CAP, headers=bearer)).status_code == 200
        assert (await c.post("/large", content=b"x" * (LARGE_ROUTE_CAP + 1), headers=bearer)).status_code == 413
        other_cookie = {"cookie": "sessionx=abc; lang=da"}
        assert (await c.post("/echo", content=b"x" * (ANONYMOUS_MAX_BYTES + 1), headers=other_cookie)).status_code \
            == 413


async def test_a_chunked_body_is_stopped_at_the_cap():
    async with client() as c:
        fits = await c.post("/echo", content=chunks(ANONYMOUS_MAX_BYTES))
        assert fits.json() == {"read": ANONYMOUS_MAX_BYTES}
        over = await c.post("/echo", content=chunks(10 * ANONYMOUS_MAX_BYTES))
        assert over.status_code == 413 and over.json()["detail"][0]["field"] == "body"
        assert over.headers["x-content-type-options"] == "nosniff"
