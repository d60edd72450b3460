"""Proposals: the committee's queue, one proposal, and decisions on it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from tillid.review import actions, queries
from tillid.review.api.models import (DecisionRequest, PathId, Proposal, ProposalKind, ProposalStatus, QueryId,
                                      refusals)
from tillid.review.audit import audited_proposals
from tillid.review.auth import Principal, forbidden, require
from tillid.review.database import transaction

router = APIRouter(tags=["proposals"])


@router.get("/proposals", response_model=list[Proposal], responses=refusals(401, 403, 422, 503))
async def list_proposals(request: Request, committee: QueryId = None, status: ProposalStatus | None = None,
                         kind: ProposalKind | None = None, limit: Annotated[int, Query(ge=1, le=1000)] = 200,
                         principal: Principal = Depends(require("admin", "committee"))):
    """Proposals, newest first. A committee token sees its own committee's only (asking for another: 403).
    Every person the listed proposals name is written to the audit log."""
    if principal.kind == "committee":
        if committee is not None and committee != principal.scope:
            raise forbidden(f"this token is for committee {principal.scope}")
        committee = principal.scope
    async with transaction(request) as conn:
        found = await queries.proposals(conn, committee=committee, status=status, kind=kind, limit=limit)
        await audited_proposals(conn, principal, found, "listed proposals", "GET /api/proposals")
        return found


@router.get("/proposals/{proposal_id}", response_model=Proposal, responses=refusals(401, 403, 404, 422, 503))
async def get_proposal(proposal_id: PathId, request: Request,
                       principal: Principal = Depends(require("admin", "committee"))):
    """One proposal with its full explanation; every person it names is written to the audit log."""
    async with transaction(request) as conn:
        found = actions.check_committee_access(principal, await queries.proposal(conn, proposal_id), proposal_id)
        await audited_proposals(conn, principal, [found], "read proposal", "GET /api/proposals/{proposal_id}")
        return found


@router.post("/proposals/{proposal_id}/decision", response_model=Proposal,
             responses=refusals(401, 403, 404, 409, 422, 503))
async def decide(proposal_id: PathId, body: DecisionRequest, request: Request,
                 principal: Principal = Depends(require("admin", "committee"))):
    """Approve, reject or amend a pending proposal; publishes ProposalDecided (via the outbox)."""
    async with transaction(request) as conn:
        return await actions.decide_proposal(conn, principal, proposal_id, body.decision, body.comment or "",
                                             "POST /api/proposals/{proposal_id}/decision",
                                             signing_key=request.app.state.signing_key)
