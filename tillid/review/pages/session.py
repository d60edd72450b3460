"""Sessions for the pages: the person's token in an HttpOnly, SameSite=Strict cookie, and CSRF tokens.

A form's CSRF token is an HMAC of the session token: only a page served to
that session can carry it, so a form posted from elsewhere is refused even
by a browser that would send the cookie.
"""

from __future__ import annotations

import hashlib
import hmac

from starlette.requests import Request
from starlette.responses import Response

from tillid.review.auth import Principal, principal_of_token
from tillid.review.database import connection
from tillid.review.i18n import COOKIE as LANG_COOKIE
from tillid.review.i18n import Texts, choose

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


def session_token(request: Request) -> str | None:
    return request.cookies.get(SESSION_COOKIE) or None


async def page_principal(request: Request) -> Principal:
    """The signed-in principal, or LoginRequired (answered with a redirect to /login)."""
    token = session_token(request)
    if token is None:
        raise LoginRequired()
    async with connection(request) as conn:
        principal = await principal_of_token(conn, token, request.app.state.settings.admin_token)
    if principal is None:
        raise LoginRequired()
    return principal


def csrf_token(session: str) -> str:
    return hmac.new(session.encode("utf-8"), b"tillid-form", hashlib.sha256).hexdigest()


def check_csrf(request: Request, submitted: str | None) -> None:
    session = session_token(request)
    if session is None or not submitted or not hmac.compare_digest(csrf_token(session), submitted):
        raise PageError(403, "error_csrf")


def texts(request: Request) -> Texts:
    return Texts(choose(request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)))


def remember_language(request: Request, response: Response) -> Response:
    """Keep a ``?lang=`` choice in a cookie."""
    chosen = request.query_params.get("lang")
    if chosen in ("da", "en"):
        response.set_cookie(LANG_COOKIE, chosen, max_age=365 * 24 * 3600, samesite="strict", httponly=True,
                            secure=request.url.scheme == "https")
    return response


def sign_in(request: Request, response: Response, token: str) -> Response:
    response.set_cookie(SESSION_COOKIE, token, max_age=MAX_AGE, httponly=True, samesite="strict", path="/",
                        secure=request.url.scheme == "https")
    return response


def sign_out(response: Response) -> Response:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
    return response
