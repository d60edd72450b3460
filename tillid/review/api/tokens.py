"""POST /api/tokens: admins issue tokens for a role."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from tillid.review.api.models import TokenIssued, TokenRequest, refusals
from tillid.review.auth import Principal, issue_token, parse_role, require
from tillid.review.database import transaction

router = APIRouter(tags=["tokens"])


@router.post("/tokens", response_model=TokenIssued, responses=refusals(401, 403, 422, 503))
async def create_token(body: TokenRequest, request: Request, principal: Principal = Depends(require("admin"))):
    """Issue a token for a role; only its SHA-256 is stored, so the answer is the one chance to read it."""
    role = parse_role(body.role)
    async with transaction(request) as conn:
        token = await issue_token(conn, role)
    return TokenIssued(token=token, role=role.role)
