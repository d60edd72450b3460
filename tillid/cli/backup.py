"""`tillid backup FILE`: the whole store in one file, with pg_dump or as a copy of every table."""

from __future__ import annotations

import argparse
from pathlib import Path

from tillid.cli.arguments import settings_with_data_dir
from tillid.errors import ConfigError
from tillid.runtime.backup import client_tool, pg_dump, store_database

METHODS = ("auto", "pg_dump", "copy")


def register(sub) -> argparse.ArgumentParser:
    parser = sub.add_parser(
        "backup", help="write the store to a file (restore with `tillid restore`)",
        description="Write the whole store (TILLID_DATABASE_URL, else the embedded PostgreSQL of the data "
                    "directory, also while `tillid up` runs) to FILE: with pg_dump's custom format when pg_dump "
                    "is at hand (it ships with the embedded PostgreSQL), else as a gzipped tar of one CSV per "
                    "table (--method copy), which only the same version of Tillid can restore.")
    parser.add_argument("file", type=Path, help="the backup file to write")
    parser.add_argument("--method", choices=METHODS, default="auto",
                        help="pg_dump, copy, or auto: pg_dump when found (default)")
    parser.add_argument("--data-dir", type=Path, help="data directory of the embedded PostgreSQL "
                                                       "(default TILLID_DATA_DIR or ./.tillid)")
    return parser


def run(args: argparse.Namespace) -> int:
    import asyncio  # here: `tillid --help` imports every command module

    settings = settings_with_data_dir(args.data_dir)
    if args.file.exists():
        raise ConfigError(f"{args.file} exists; choose a new file name, so no backup is overwritten")
    tool = client_tool("pg_dump")
    if args.method == "pg_dump" and tool is None:
        raise ConfigError("pg_dump was not found; use --method copy")
    with store_database(settings) as url:
        if args.method != "copy" and tool is not None:
            pg_dump(tool, url, args.file)
            method = "pg_dump"
        else:
            asyncio.run(_write_copy(url, args.file))
            method = "copy of every table"
    print(f"backup written to {args.file} ({method}, {args.file.stat().st_size:,} bytes)")
    return 0


async def _write_copy(url: str, target: Path) -> None:
    from tillid.store.backup import write_table_copy
    from tillid.store.db import connect

    conn = await connect(url)
    try:
        await write_table_copy(conn, target)
    finally:
        await conn.close()
