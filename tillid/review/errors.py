"""How errors become answers: one JSON shape, never a traceback.

Every refusal is ``{"detail": ...}``. For input that fails validation (422)
``detail`` is a list of ``{"field": "comment", "problem": "..."}``; for
everything else it is one readable string.
"""

from __future__ import annotations

import logging

import asyncpg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from tillid.errors import BrokerUnavailable, DatabaseUnavailable, InvalidInput

log = logging.getLogger("tillid.api")


def problem(field: str, text: str) -> dict[str, str]:
    return {"field": field, "problem": text}


def invalid(problems: list[dict], status: int = 422) -> JSONResponse:
    return JSONResponse({"detail": problems}, status_code=status)


def _field_of(location: tuple) -> str:
    """The field at fault without where it came from: ("body", "role") -> "role", ("query", "limit") -> "limit"."""
    inner = location[1:] if location and location[0] in ("body", "query", "path", "header", "cookie") else location
    return ".".join(str(part) for part in inner) or (str(location[0]) if location else "body")


async def _request_validation(request: Request, error: RequestValidationError) -> JSONResponse:
    problems = []
    for item in error.errors():
        location = tuple(part for part in item.get("loc", ()) if part not in ("function-after",))
        problems.append(problem(_field_of(location), str(item.get("msg", "invalid"))))
    return invalid(problems)


async def invalid_input(request: Request, error: InvalidInput) -> JSONResponse:
    return invalid([problem(error.field, error.problem)])


async def unavailable(request: Request, error: Exception) -> JSONResponse:
    return JSONResponse({"detail": str(error)}, status_code=503, headers={"Retry-After": "5"})


async def _bad_data(request: Request, error: asyncpg.DataError) -> JSONResponse:
    return invalid([problem("", f"not acceptable to the store: {type(error).__name__}")])


async def _unexpected(request: Request, error: Exception) -> JSONResponse:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return JSONResponse({"detail": "internal error; it has been logged"}, status_code=500)


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _request_validation)
    app.add_exception_handler(InvalidInput, invalid_input)
    app.add_exception_handler(DatabaseUnavailable, unavailable)
    app.add_exception_handler(BrokerUnavailable, unavailable)
    app.add_exception_handler(asyncpg.DataError, _bad_data)
    app.add_exception_handler(Exception, _unexpected)
