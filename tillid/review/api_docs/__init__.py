"""GET /api/docs: Swagger UI for the OpenAPI document, served entirely by the service.

The Swagger UI files come from the ``fastapi-offline`` package (its
``static`` folder), the start-up script is ours (``swagger-init.js``): the
page loads no script from outside the service and has no inline script.

May import (as all of ``tillid.review``): ``tillid.competence``,
``tillid.matching``, ``tillid.store``, ``tillid.runtime``, ``tillid.errors``,
``tillid.config`` and ``tillid.kafka_security``.
"""

from __future__ import annotations

import html
import importlib.resources
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

from tillid.review.security import CONTENT_SECURITY_POLICY

DOCS_URL = "/api/docs"
ASSETS_URL = "/api/docs/assets"
INIT_SCRIPT = Path(__file__).parent / "swagger-init.js"
# Swagger UI's stylesheet draws some icons from data: URLs (images only; scripts and styles stay 'self').
DOCS_POLICY = CONTENT_SECURITY_POLICY + "; img-src 'self' data:"


def swagger_ui_files() -> Path:
    return Path(str(importlib.resources.files("fastapi_offline") / "static"))


def docs_page(title: str, openapi_url: str) -> str:
    title, openapi_url = html.escape(title), html.escape(openapi_url)
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} API</title>
<link rel="icon" type="image/png" href="{ASSETS_URL}/favicon.png">
<link rel="stylesheet" href="{ASSETS_URL}/swagger-ui.css">
<script src="{ASSETS_URL}/swagger-ui-bundle.js" defer></script>
<script src="{DOCS_URL}/swagger-init.js" defer></script>
</head>
<body>
<div id="swagger-ui" data-openapi-url="{openapi_url}"></div>
</body>
</html>
"""


def install(app: FastAPI) -> None:
    page = docs_page(app.title, app.openapi_url or "/api/openapi.json")
    app.mount(ASSETS_URL, StaticFiles(directory=swagger_ui_files()), name="api-docs-assets")

    @app.get(DOCS_URL, include_in_schema=False)
    async def api_docs() -> HTMLResponse:
        return HTMLResponse(page, headers={"Content-Security-Policy": DOCS_POLICY})

    @app.get(f"{DOCS_URL}/swagger-init.js", include_in_schema=False)
    async def api_docs_script() -> FileResponse:
        return FileResponse(INIT_SCRIPT, media_type="text/javascript")
