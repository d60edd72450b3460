"""`tillid restore FILE`: load a backup of `tillid backup` into an empty store."""

from __future__ import annotations

import argparse
import tarfile
from pathlib import Path

from tillid.cli.arguments import settings_with_data_dir
from tillid.errors import ConfigError
from tillid.runtime.backup import client_tool, pg_restore, store_database, written_by_pg_dump


def register(sub) -> argparse.ArgumentParser:
    parser = sub.add_parser(
        "restore", help="load a backup into an empty store",
        description="Load FILE, written by `tillid backup` (either method), into TILLID_DATABASE_URL, else into "
                    "the embedded PostgreSQL of the data directory. The store must hold no data: restore into a "
                    "fresh data directory or an empty database.")
    parser.add_argument("file", type=Path, help="the backup file to read")
    parser.add_argument("--data-dir", type=Path, help="data directory of the embedded PostgreSQL "
                                                       "(default TILLID_DATA_DIR or ./.tillid)")
    return parser


def run(args: argparse.Namespace) -> int:
    import asyncio  # here: `tillid --help` imports every command module

    settings = settings_with_data_dir(args.data_dir)
    by_pg_dump = written_by_pg_dump(args.file)
    if not by_pg_dump and not tarfile.is_tarfile(args.file):
        raise ConfigError(f"{args.file} is not a backup of `tillid backup`")
    tool = client_tool("pg_restore") if by_pg_dump else None
    if by_pg_dump and tool is None:
        raise ConfigError("this backup was written by pg_dump, and pg_restore was not found")
    with store_database(settings) as url:
        asyncio.run(_require_empty(url))
        if tool is not None:
            pg_restore(tool, url, args.file)
        else:
            asyncio.run(_load_copy(url, args.file))
    print(f"restored {args.file}")
    return 0


async def _require_empty(url: str) -> None:
    from tillid.store.backup import holds_data
    from tillid.store.db import connect

    conn = await connect(url)
    try:
        if await holds_data(conn):
            raise ConfigError("the store already holds data; restore into a fresh data directory or an "
                              "empty database")
    finally:
        await conn.close()


async def _load_copy(url: str, source: Path) -> None:
    import asyncpg

    from tillid.store.backup import load_table_copy
    from tillid.store.db import connect

    conn = await connect(url)
    try:
        await load_table_copy(conn, source)
    except asyncpg.PostgresError as error:
        raise ConfigError(f"the backup could not be loaded, nothing was restored: {error}") from None
    finally:
        await conn.close()
