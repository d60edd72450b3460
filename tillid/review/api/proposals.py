"""Proposals: the committee's queue, one proposal, and decisions on it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from tillid.review import actions, queries
from tillid.review.api.models import (DecisionRequest, PathId, Proposal, ProposalKind, ProposalStatus, QueryId,
                                      refusals)
from tillid.review.audit import audited_proposals
from tillid.review.auth import Principal, forbidden, require
from tillid.review.cursor import MAX_CURSOR, decode_cursor, encode_cursor
from tillid.review.database import transaction

router = APIRouter(tags=["proposals"])
DEFAULT_PAGE, MAX_PAGE = 100, 500


PAGE_HEADERS = {"X-Total-Count": {"description": "how many proposals match the filters (all pages)",
                                   "schema": {"type": "integer"}},
                "Link": {"description": 'the next page, when more remain: <URL>; rel="next"',
                         "schema": {"type": "string"}}}


@router.get("/proposals", response_model=list[Proposal],
            responses={200: {"headers": PAGE_HEADERS}, **refusals(401, 403, 422, 503)})
async def list_proposals(request: Request, response: Response, committee: QueryId = None,
                         status: ProposalStatus | None = None, kind: ProposalKind | None = None,
                         limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
                         cursor: Annotated[str | None, Query(min_length=1, max_length=MAX_CURSOR)] = None,
                         principal: Principal = Depends(require("admin", "committee"))):
    """Proposals, newest first, a page at a time: ``limit`` per page, and the ``cursor`` of the page before
    (from its ``Link`` header). A walk over the pages lists every matching proposal once, also while new ones
    arrive. A committee token sees its own committee's only (asking for another: 403). Every person the
    listed proposals name is written to the audit log."""
    if principal.kind == "committee":
        if committee is not None and committee != principal.scope:
            raise forbidden(f"this token is for committee {principal.scope}")
        committee = principal.scope
    after = decode_cursor(cursor) if cursor is not None else None
    async with transaction(request) as conn:
        found = await queries.proposals(conn, committee=committee, status=status, kind=kind, limit=limit + 1,
                                        after=after)
        total = await queries.proposal_count(conn, committee=committee, status=status, kind=kind)
        page, more = found[:limit], len(found) > limit
        await audited_proposals(conn, principal, page, "listed proposals", "GET /api/proposals")
    response.headers["X-Total-Count"] = str(total)
    if more:
        last = page[-1]
        following = encode_cursor(queries.PageKey(last["created_at"], last["proposal_id"]))
        response.headers["Link"] = f'<{request.url.include_query_params(cursor=following, limit=limit)}>; rel="next"'
    return page


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
    """Approve, reject or amend a pending proposal; publishes ProposalDecided (via the outbox). Rejecting and
    amending need a ``comment``; amending needs ``keep``, the items kept (a non-empty proper subset)."""
    async with transaction(request) as conn:
        return await actions.decide_proposal(conn, principal, proposal_id, body.decision, body.comment or "",
                                             "POST /api/proposals/{proposal_id}/decision",
                                             signing_key=request.app.state.signing_key, keep=body.keep)
