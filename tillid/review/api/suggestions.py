"""POST /api/suggestions/{id}/response: the employee accepts or declines."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from tillid.review import actions
from tillid.review.api.models import PathId, Suggestion, SuggestionResponse, refusals
from tillid.review.auth import Principal, require
from tillid.review.database import transaction

router = APIRouter(tags=["suggestions"])


@router.post("/suggestions/{suggestion_id}/response", response_model=Suggestion,
             responses=refusals(401, 403, 404, 409, 422, 503))
async def respond(suggestion_id: PathId, body: SuggestionResponse, request: Request,
                  principal: Principal = Depends(require("employee"))):
    """Only the employee the suggestion is for may answer it; publishes SuggestionAnswered (via the outbox).

    An optional ``reason`` says why a decline (not_interested, no_time, already_have); already_have also
    publishes CompetenceDisputed on ``feedback`` for each skill the suggestion was to raise."""
    async with transaction(request) as conn:
        return await actions.answer_suggestion(conn, principal, suggestion_id, body.response, body.comment or "",
                                               "POST /api/suggestions/{suggestion_id}/response",
                                               signing_key=request.app.state.signing_key, reason=body.reason)
