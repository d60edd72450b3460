"""`tillid migrate`: apply the database migrations."""

from __future__ import annotations

import argparse

from tillid.config import Settings
from tillid.runtime.services import require_services


def register(sub) -> argparse.ArgumentParser:
    return sub.add_parser("migrate", help="apply database migrations",
                          description="Apply the schema migrations not yet applied to TILLID_DATABASE_URL.")


def run(args: argparse.Namespace) -> int:
    import asyncio

    settings = Settings.from_env()
    require_services(settings, kafka=False)
    applied = asyncio.run(_migrate(settings.database_url))
    print(f"applied migrations: {', '.join(map(str, applied))}" if applied else "database is up to date")
    return 0


async def _migrate(url: str) -> list[int]:
    from tillid.store.db import connect, migrate

    conn = await connect(url)
    try:
        return await migrate(conn)
    finally:
        await conn.close()
