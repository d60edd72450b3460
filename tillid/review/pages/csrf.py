"""The login form's CSRF token: a double-submit cookie.

Before sign-in there is no session to bind a form token to, so GET /login
puts a random token both in an HttpOnly, SameSite=Strict cookie and in the
form; POST /login is accepted only when the two agree. A page on another site
can neither read the cookie nor make the browser send it, so it cannot sign a
visitor in under the attacker's token (login CSRF).
"""

from __future__ import annotations

import hmac
import re
import secrets

from starlette.requests import Request
from starlette.responses import Response

from tillid.review.pages.session import PageError

LOGIN_CSRF_COOKIE = "tillid_login_csrf"
LOGIN_CSRF_MAX_AGE = 3600
_TOKEN = re.compile(r"[0-9a-f]{64}")


def login_csrf_token(request: Request) -> str:
    """The token this browser already holds for the login form, or a new one."""
    held = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    return held if _TOKEN.fullmatch(held) else secrets.token_hex(32)


def remember_login_csrf(request: Request, response: Response, token: str) -> Response:
    response.set_cookie(LOGIN_CSRF_COOKIE, token, max_age=LOGIN_CSRF_MAX_AGE, httponly=True, samesite="strict",
                        path="/login", secure=request.url.scheme == "https")
    return response


def check_login_csrf(request: Request, submitted: str) -> None:
    held = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not (_TOKEN.fullmatch(held) and hmac.compare_digest(held.encode(), submitted.encode("utf-8"))):
        raise PageError(403, "error_csrf")
