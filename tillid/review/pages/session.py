"""Sessions for the pages: a random session id in an HttpOnly, SameSite=Strict cookie, and CSRF tokens.

The session lives on the server (tillid/store/sessions.py) and names the
token it was opened with by digest; every request resolves that token like a
bearer token, so an expired or revoked token ends its sessions, and logout
ends the session itself. The cookie is Secure when TILLID_PUBLIC_URL is https
or the request came over https (directly, or through a proxy listed in
TILLID_FORWARDED_ALLOW_IPS).

A form's CSRF token is an HMAC of the session id: only a page served to
that session can carry it, so a form posted from elsewhere is refused even
by a browser that would send the cookie.
"""

from __future__ import annotations

import hashlib
import hmac

from starlette.requests import Request
from starlette.responses import Response

from tillid.review.auth import Principal, principal_of_digest, token_digest
from tillid.review.database import connection, transaction
from tillid.review.i18n import COOKIE as LANG_COOKIE
from tillid.review.i18n import Texts, choose
from tillid.store.sessions import end_session, open_session, token_of_session

SESSION_COOKIE = "tillid_session"
MAX_AGE = 12 * 3600


class PageError(Exception):
    """A refusal shown as a page: ``key`` names the text, ``status`` the HTTP status."""

    def __init__(self, status: int, key: str, detail: str = "") -> None:
        super().__init__(key)
        self.status = status
        self.key = key
        self.detail = detail


class LoginRequired(Exception):
    pass


def session_id(request: Request) -> str | None:
    value = request.cookies.get(SESSION_COOKIE) or None
    return value if value is None or len(value) <= 200 else None


async def page_principal(request: Request) -> Principal:
    """The signed-in principal, or LoginRequired (answered with a redirect to /login)."""
    session = session_id(request)
    if session is None:
        raise LoginRequired()
    async with connection(request) as conn:
        digest = await token_of_session(conn, session)
        principal = None if digest is None else await principal_of_digest(
            conn, digest, request.app.state.settings.admin_token)
    if principal is None:
        raise LoginRequired()
    return principal


def csrf_token(session: str) -> str:
    return hmac.new(session.encode("utf-8"), b"tillid-form", hashlib.sha256).hexdigest()


def check_csrf(request: Request, submitted: str | None) -> None:
    session = session_id(request)
    if session is None or not submitted or not hmac.compare_digest(csrf_token(session), submitted):
        raise PageError(403, "error_csrf")


def texts(request: Request) -> Texts:
    return Texts(choose(request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)))


def remember_language(request: Request, response: Response) -> Response:
    """Keep a ``?lang=`` choice in a cookie."""
    chosen = request.query_params.get("lang")
    if chosen in ("da", "en"):
        response.set_cookie(LANG_COOKIE, chosen, max_age=365 * 24 * 3600, samesite="strict", httponly=True,
                            secure=secure_cookies(request))
    return response


def secure_cookies(request: Request) -> bool:
    """Whether cookies are marked Secure: the public address is https, or this request came over https."""
    public_url = request.app.state.settings.public_url or ""
    return public_url.startswith("https://") or request.url.scheme == "https"


async def sign_in(request: Request, response: Response, token: str) -> Response:
    """Open a session for the token and give its id (not the token) to the browser; the store keeps digests."""
    async with transaction(request) as conn:
        session = await open_session(conn, token_digest(token), MAX_AGE)
    response.set_cookie(SESSION_COOKIE, session, max_age=MAX_AGE, httponly=True, samesite="strict", path="/",
                        secure=secure_cookies(request))
    return response


async def sign_out(request: Request, response: Response) -> Response:
    """End the session on the server (its cookie no longer works anywhere) and drop the cookie."""
    session = session_id(request)
    if session is not None:
        async with transaction(request) as conn:
            await end_session(conn, session)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict",
                           secure=secure_cookies(request))
    return response
