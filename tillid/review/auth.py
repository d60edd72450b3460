"""Tokens and roles: who is asking, and may they.

A token maps to one role (docs/contracts/api.md): ``admin``, ``committee:ID``,
``employee:ID`` or ``hr:SOURCE``. The admin token comes from the settings
and does not expire; every other token is stored only as its SHA-256 in
``api_tokens``, so a copy of the database does not give anyone access, with
its id (to revoke it by), its expiry, its holder and, for ``hr:`` tokens, the
organisations it may send events about (``["*"]``: all, the national scope).
A page session resolves through the same lookup (``principal_of_digest``),
so expiry and revocation end sessions too.

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

import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, replace
from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from tillid.errors import InvalidInput
from tillid.store.sessions import end_sessions_of_token

ROLE_KINDS = ("admin", "committee", "employee", "hr")
NATIONAL = "*"  # the organisations of an hr: token that may send events about every organisation
_SCOPED_ROLE = re.compile(r"(committee|employee|hr):([^\s\x00-\x1f\x7f]{1,200})")

bearer = HTTPBearer(auto_error=False, description="A token from POST /api/tokens, or the admin token")


@dataclass(frozen=True)
class Principal:
    """The role a token carries: ``kind`` is admin/committee/employee/hr, ``scope`` the id after the colon.

    ``token_id`` is None for the admin token from the settings; ``organisations`` is set for hr: tokens only.
    """

    kind: str
    scope: str | None = None
    holder: str | None = None
    token_id: str | None = None
    organisations: tuple[str, ...] = ()

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


def check_organisations(principal: Principal, organisations: list[str] | None) -> tuple[str, ...]:
    """The organisations a token for ``principal`` is bound to, or InvalidInput naming ``organisations``.

    Required for hr: roles (``["*"]`` alone is the national scope), refused for the others.
    """
    if principal.kind != "hr":
        if organisations:
            raise InvalidInput("organisations", "only hr:SOURCE tokens are bound to organisations")
        return ()
    if not organisations:
        raise InvalidInput("organisations", 'required for hr: roles: the organisation ids whose events the token '
                                            'may send, or ["*"] for all (national scope)')
    if NATIONAL in organisations and len(organisations) > 1:
        raise InvalidInput("organisations", '"*" (national scope) stands alone')
    return tuple(dict.fromkeys(organisations))


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class IssuedToken:
    """A new token: the secret (shown once), the id it is revoked by, when it expires."""

    token: str
    token_id: str
    expires_at: dt.datetime


async def issue(conn, principal: Principal, ttl_days: int) -> IssuedToken:
    """Store a new token for the principal's role, organisations and holder, valid for ``ttl_days``."""
    token, token_id = new_token(), secrets.token_hex(12)
    expires_at = await conn.fetchval(
        """INSERT INTO api_tokens (token_sha256, role, token_id, organisations, holder, expires_at)
           VALUES ($1, $2, $3, $4, $5, now() + make_interval(days => $6)) RETURNING expires_at""",
        token_digest(token), principal.role, token_id, list(principal.organisations), principal.holder, ttl_days)
    return IssuedToken(token, token_id, expires_at)


async def issue_token(conn, principal: Principal, ttl_days: int = 90) -> str:
    """Only the secret of a new token (tests and demos that need no id)."""
    return (await issue(conn, principal, ttl_days)).token


async def revoke(conn, token_id: str) -> bool:
    """Delete a token and end the page sessions signed in with it; False when there is no such token."""
    digest = await conn.fetchval("DELETE FROM api_tokens WHERE token_id = $1 RETURNING token_sha256", token_id)
    if digest is None:
        return False
    await end_sessions_of_token(conn, digest)
    return True


async def principal_of_token(conn, token: str, admin_token: str | None) -> Principal | None:
    """The principal a token stands for, or None when the service does not know it (or it expired)."""
    if not token or len(token) > 500:
        return None
    return await principal_of_digest(conn, token_digest(token), admin_token)


async def principal_of_digest(conn, digest: str, admin_token: str | None) -> Principal | None:
    """The principal of the token with this SHA-256, or None when it is unknown, expired or revoked."""
    if admin_token and hmac.compare_digest(digest, token_digest(admin_token)):
        return Principal("admin")
    row = await conn.fetchrow("""SELECT role, token_id, organisations, holder FROM api_tokens
                                 WHERE token_sha256 = $1 AND expires_at > now()""", digest)
    if row is None:
        return None
    try:
        role = parse_role(row["role"])
    except InvalidInput:
        return None
    return replace(role, token_id=row["token_id"], organisations=tuple(row["organisations"]), holder=row["holder"])


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
        raise unauthorised("unknown, expired or revoked token")
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
