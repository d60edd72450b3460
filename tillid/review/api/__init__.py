"""The HTTP API of docs/contracts/api.md: one router per resource."""

from __future__ import annotations

from fastapi import APIRouter

from tillid.review.api import audit, employees, events, proposals, stats, suggestions, tokens


def router() -> APIRouter:
    api = APIRouter(prefix="/api")
    for module in (tokens, stats, events, proposals, employees, suggestions, audit):
        api.include_router(module.router)
    return api
