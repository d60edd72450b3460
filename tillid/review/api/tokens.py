"""POST /api/tokens: admins issue tokens for a role; DELETE /api/tokens/{token_id} revokes one."""

from __future__ import annotations

from dataclasses import replace

from fastapi import APIRouter, Depends, Request, Response

from tillid.review.api.models import PathId, TokenIssued, TokenRequest, refusals
from tillid.review.auth import Principal, check_organisations, issue, not_found, parse_role, require, revoke
from tillid.review.database import transaction

router = APIRouter(tags=["tokens"])


@router.post("/tokens", response_model=TokenIssued, responses=refusals(401, 403, 422, 503))
async def create_token(body: TokenRequest, request: Request, principal: Principal = Depends(require("admin"))):
    """Issue a token for a role; only its SHA-256 is stored, so the answer is the one chance to read it.
    It expires after TILLID_TOKEN_TTL_DAYS days."""
    role = parse_role(body.role)
    role = replace(role, organisations=check_organisations(role, body.organisations), holder=body.holder)
    async with transaction(request) as conn:
        issued = await issue(conn, role, request.app.state.settings.token_ttl_days)
    return TokenIssued(token=issued.token, token_id=issued.token_id, role=role.role,
                       organisations=list(role.organisations), holder=role.holder, expires_at=issued.expires_at)


@router.delete("/tokens/{token_id}", status_code=204, responses=refusals(401, 403, 404, 503))
async def revoke_token(token_id: PathId, request: Request, principal: Principal = Depends(require("admin"))):
    """Revoke a token: it and the page sessions signed in with it stop working at once."""
    async with transaction(request) as conn:
        if not await revoke(conn, token_id):
            raise not_found("token")
    return Response(status_code=204)
