"""GET /api/audit: who read or changed a person's data (admins)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from tillid.review import queries
from tillid.review.api.models import AuditEntry, QueryId, refusals
from tillid.review.auth import Principal, require
from tillid.review.database import connection

router = APIRouter(tags=["audit"])


@router.get("/audit", response_model=list[AuditEntry], responses=refusals(401, 403, 422, 503))
async def get_audit(request: Request, subject: QueryId = None, actor: QueryId = None, holder: QueryId = None,
                    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
                    principal: Principal = Depends(require("admin"))):
    """Audit entries, newest first; ``subject`` is an employee id, ``actor`` a token role, ``holder`` the
    holder a token was issued to."""
    async with connection(request) as conn:
        return await queries.audit_entries(conn, subject=subject, actor=actor, holder=holder, limit=limit)
