"""The HTTP API of docs/contracts/api.md: one router per resource.

May import (as all of ``tillid.review``): ``tillid.competence``,
``tillid.matching``, ``tillid.store``, ``tillid.runtime``, ``tillid.errors``,
``tillid.config`` and ``tillid.kafka_security``.
"""

from __future__ import annotations

from fastapi import APIRouter

from tillid.review.api import audit, employees, events, proposals, stats, suggestions, tokens


def router() -> APIRouter:
    api = APIRouter(prefix="/api")
    for module in (tokens, stats, events, proposals, employees, suggestions, audit):
        api.include_router(module.router)
    return api
