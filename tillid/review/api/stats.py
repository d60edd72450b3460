"""GET /api/stats: counts of the pipeline's work and of proposals."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from tillid.review import queries
from tillid.review.api.models import Stats, refusals
from tillid.review.auth import Principal, require
from tillid.review.database import connection

router = APIRouter(tags=["stats"])


@router.get("/stats", response_model=Stats, responses=refusals(401, 403, 503))
async def get_stats(request: Request, principal: Principal = Depends(require("admin"))):
    async with connection(request) as conn:
        return await queries.stats(conn)
