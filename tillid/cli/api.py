"""`tillid api`: the review service."""

from __future__ import annotations

import argparse
from dataclasses import replace

from tillid.cli.arguments import port_number
from tillid.config import Settings
from tillid.errors import ConfigError
from tillid.runtime.embedded import port_is_free
from tillid.runtime.services import require_services


def register(sub) -> argparse.ArgumentParser:
    parser = sub.add_parser("api", help="run the review service (API and pages)",
                            description="Serve the HTTP API and the committee and employee pages.")
    parser.add_argument("--port", type=port_number, help="port (default TILLID_API_PORT or 8000)")
    parser.add_argument("--host", help="address to bind (default TILLID_API_HOST or 127.0.0.1)")
    return parser


def run(args: argparse.Namespace) -> int:
    import asyncio

    settings = Settings.from_env()
    settings = replace(settings, api_port=args.port or settings.api_port, api_host=args.host or settings.api_host)
    require_services(settings)
    settings.signing_key()  # signs decisions and answers with it: refuse to start without
    if not port_is_free(settings.api_port, settings.api_host):
        raise ConfigError(f"cannot listen on {settings.api_host}:{settings.api_port} (in use, or not an address "
                          "of this machine); choose another with --port or --host")
    # Fail here in one line rather than in a traceback from the server's start-up.
    asyncio.run(_check_database(settings.database_url))
    import uvicorn

    from tillid.review.app import create_app

    uvicorn.run(create_app(settings), host=settings.api_host, port=settings.api_port,
                log_level="warning", access_log=False, **proxy_options(settings))
    return 0


def proxy_options(settings: Settings) -> dict[str, object]:
    """uvicorn's options for a proxy in front: from an address in TILLID_FORWARDED_ALLOW_IPS,
    X-Forwarded-Proto gives the request's scheme (https marks the session cookie Secure) and
    X-Forwarded-For its client; from any other address both headers are ignored."""
    return {"proxy_headers": True, "forwarded_allow_ips": settings.forwarded_allow_ips}


async def _check_database(url: str) -> None:
    from tillid.store.db import connect

    conn = await connect(url)
    await conn.close()
