"""Hardening of every answer and request: security headers, and request bodies capped before they are read.

``SecurityHeaders`` adds a Content-Security-Policy without inline script,
``nosniff``, ``no-referrer`` and, over https, HSTS to every response; a route
that needs a different policy (the API docs page) sets its own.

``BodyCap`` refuses a request whose body is larger than its route allows,
with 413 naming ``body``: at once when Content-Length says so, and while the
body streams in when it is sent in chunks. A request without credentials (no
Authorization header, no session cookie) may carry only a small body, enough
for the login form: nobody can make the service parse a large body without
signing in first. ``install`` puts both on an app.
"""

from __future__ import annotations

import json

from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import Request, cookie_parser
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; "
                           "frame-ancestors 'none'; form-action 'self'")
STRICT_TRANSPORT_SECURITY = "max-age=31536000"

ANONYMOUS_MAX_BYTES = 8 * 1024
DEFAULT_MAX_BYTES = 64 * 1024


def install(app: Starlette, session_cookie: str, route_caps: dict[tuple[str, str], int],
            always_https: bool = False) -> None:
    """Both middlewares, outermost the headers (so a 413 carries them too), and the 413 of a streamed body."""
    app.add_exception_handler(BodyTooLarge, too_large)
    app.add_middleware(BodyCap, session_cookie=session_cookie, route_caps=route_caps)
    app.add_middleware(SecurityHeaders, always_https=always_https)


class SecurityHeaders:
    """Adds the security headers to every HTTP response that does not set them itself."""

    def __init__(self, app: ASGIApp, always_https: bool = False) -> None:
        self.app = app
        self.always_https = always_https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = self.always_https or scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = with_security_headers(list(message.get("headers", [])), https)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def with_security_headers(headers: list[tuple[bytes, bytes]], https: bool) -> list[tuple[bytes, bytes]]:
    present = {name.lower() for name, _ in headers}
    wanted = [(b"content-security-policy", CONTENT_SECURITY_POLICY), (b"x-content-type-options", "nosniff"),
              (b"referrer-policy", "no-referrer")]
    if https:
        wanted.append((b"strict-transport-security", STRICT_TRANSPORT_SECURITY))
    return headers + [(name, value.encode("latin-1")) for name, value in wanted if name not in present]


class BodyTooLarge(HTTPException):
    """Raised while a chunked body streams past its cap; an HTTPException, so the body parsers let it through."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, detail=body_problem(limit)["problem"])
        self.limit = limit


async def too_large(request: Request, error: BodyTooLarge) -> JSONResponse:
    return JSONResponse({"detail": [body_problem(error.limit)]}, status_code=413, headers={"Connection": "close"})


def body_problem(limit: int) -> dict[str, str]:
    return {"field": "body", "problem": f"larger than {limit} bytes, the most this request may carry"}


class BodyCap:
    """Caps request bodies per route; ``route_caps`` maps (method, path) to a cap for requests with credentials."""

    def __init__(self, app: ASGIApp, session_cookie: str, route_caps: dict[tuple[str, str], int]) -> None:
        self.app = app
        self.session_cookie = session_cookie
        self.route_caps = route_caps

    def cap_of(self, scope: Scope, headers: Headers) -> int:
        if "authorization" not in headers and self.session_cookie not in cookie_parser(headers.get("cookie", "")):
            return ANONYMOUS_MAX_BYTES
        return self.route_caps.get((scope["method"], scope["path"]), DEFAULT_MAX_BYTES)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        limit = self.cap_of(scope, headers)
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await refuse_too_large(send, limit)
            return
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except BodyTooLarge:
            if started:
                raise
            await refuse_too_large(send, limit)


async def refuse_too_large(send: Send, limit: int) -> None:
    """413 in the API's shape; the connection is closed so the rest of the body is never read."""
    body = json.dumps({"detail": [body_problem(limit)]}).encode("utf-8")
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
