"""Tokens and roles: who is asking, and may they.

A token maps to one role (contracts/api.md): ``admin``, ``committee:ID``,
``employee:ID`` or ``hr:SOURCE``. The admin token comes from the settings;
every other token is stored only as its SHA-256 in ``api_tokens``, so a copy
of the database does not give anyone access.

The rule for refusals, the same on every endpoint:

- no token, or one the service does not know: 401;
- a role that may never use the endpoint (an employee asking for the
  proposal queue, an HR system reading a person): 403;
- a filter naming another scope (a committee asking for another committee's
  proposals): 403;
- a single resource outside the token's scope (another committee's proposal,
  another employee, another person's suggestion): 404, the same answer as
  for a resource that does not exist, so existence does not leak.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from tillid.errors import InvalidInput

ROLE_KINDS = ("admin", "committee", "employee", "hr")
_SCOPED_ROLE = re.compile(r"(committee|employee|hr):([^\s\x00-\x1f\x7f]{1,200})")

bearer = HTTPBearer(auto_error=False, description="A token from POST /api/tokens, or the admin token")


@dataclass(frozen=True)
class Principal:
    """The role a token carries: ``kind`` is admin/committee/employee/hr, ``scope`` the id after the colon."""

    kind: str
    scope: str | None = None
    holder: str | None = None

    @property
    def role(self) -> str:
        return self.kind if self.scope is None else f"{self.kind}:{self.scope}"

    @property
    def is_admin(self) -> bool:
        return self.kind == "admin"

    def is_committee(self, committee_id: str) -> bool:
        return self.kind == "committee" and self.scope == committee_id

    def is_employee(self, employee_id: str) -> bool:
        return self.kind == "employee" and self.scope == employee_id


def parse_role(role: object) -> Principal:
    """The principal of a role string, or InvalidInput naming ``role``."""
    if not isinstance(role, str):
        raise InvalidInput("role", "must be a string")
    if role == "admin":
        return Principal("admin")
    match = _SCOPED_ROLE.fullmatch(role)
    if match is None:
        raise InvalidInput("role", "must be admin, committee:ID, employee:ID or hr:SOURCE "
                                   f"(ID without spaces, at most 200 characters), got {role[:80]!r}")
    return Principal(match.group(1), match.group(2))


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


async def issue_token(conn, principal: Principal) -> str:
    token = new_token()
    await conn.execute("INSERT INTO api_tokens (token_sha256, role) VALUES ($1, $2)",
                       token_digest(token), principal.role)
    return token


async def principal_of_token(conn, token: str, admin_token: str | None) -> Principal | None:
    """The principal a token stands for, or None when the service does not know it."""
    if not token or len(token) > 500:
        return None
    if admin_token and hmac.compare_digest(token.encode("utf-8"), admin_token.encode("utf-8")):
        return Principal("admin")
    role = await conn.fetchval("SELECT role FROM api_tokens WHERE token_sha256 = $1", token_digest(token))
    if role is None:
        return None
    try:
        return parse_role(role)
    except InvalidInput:
        return None


def unauthorised(detail: str = "a valid bearer token is required") -> HTTPException:
    return HTTPException(status_code=401, detail=detail, headers={"WWW-Authenticate": "Bearer"})


def forbidden(detail: str) -> HTTPException:
    return HTTPException(status_code=403, detail=detail)


def not_found(what: str) -> HTTPException:
    return HTTPException(status_code=404, detail=f"{what} not found")


async def authenticate(request: Request, token: str | None) -> Principal:
    if token is None:
        raise unauthorised()
    from tillid.review.database import connection

    async with connection(request) as conn:
        principal = await principal_of_token(conn, token, request.app.state.settings.admin_token)
    if principal is None:
        raise unauthorised("unknown token")
    return principal


def require(*kinds: str):
    """A dependency giving the request's principal, which must have one of ``kinds`` (else 403)."""

    async def dependency(request: Request,
                         credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> Principal:
        principal = await authenticate(request, credentials.credentials if credentials is not None else None)
        if principal.kind not in kinds:
            raise forbidden(f"role {principal.kind} may not use this endpoint")
        return principal

    return dependency
