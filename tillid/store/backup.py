"""A copy of the store without PostgreSQL's client tools: a gzipped tar of one CSV per table.

Written by ``tillid backup --method copy`` (and whenever ``pg_dump`` is not at
hand). The schema is not copied: it is the project's migrations. So a copy
records the migration versions it was taken at, and loads only into a
database that the same version of Tillid has migrated; any PostgreSQL server
version can read it.
"""

from __future__ import annotations

import csv
import io
import json
import tarfile
import tempfile
from pathlib import Path

import asyncpg

from tillid.errors import ConfigError
from tillid.store.db import migrate

SCHEMA_TABLE = "schema_migrations"
# Rows a fresh migration writes, which say nothing yet: the condition under which a row is data.
SEEDED_BY_MIGRATIONS: dict[str, str] = {}
MANIFEST = "manifest.json"
FORMAT = "tillid-table-copy"


async def tables_in_load_order(conn: asyncpg.Connection) -> list[str]:
    """The tables of the public schema, every table after the tables its foreign keys point at."""
    tables = [row["relname"] for row in await conn.fetch(
        """SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY c.relname""")]
    parents: dict[str, set[str]] = {table: set() for table in tables}
    for row in await conn.fetch(
            """SELECT c.relname AS child, p.relname AS parent FROM pg_constraint k
               JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid
               JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE k.contype = 'f' AND n.nspname = 'public'"""):
        if row["child"] != row["parent"]:
            parents[row["child"]].add(row["parent"])
    ordered: list[str] = []
    while parents:
        ready = sorted(table for table, needs in parents.items() if not needs - set(ordered))
        if not ready:
            raise ConfigError(f"foreign keys form a cycle among {sorted(parents)}; use pg_dump")
        ordered += ready
        for table in ready:
            del parents[table]
    return ordered


async def holds_data(conn: asyncpg.Connection) -> bool:
    """True when a table of the public schema holds a row that a fresh migration did not write."""
    for table in await tables_in_load_order(conn):
        condition = SEEDED_BY_MIGRATIONS.get(table, "true")
        if table != SCHEMA_TABLE and await conn.fetchval(f'SELECT EXISTS (SELECT 1 FROM "{table}" WHERE {condition})'):
            return True
    return False


async def write_table_copy(conn: asyncpg.Connection, target: Path) -> None:
    """Write every table, read in one snapshot, and a manifest into the archive ``target``."""
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch)
        async with conn.transaction(isolation="repeatable_read", readonly=True):
            tables = await tables_in_load_order(conn)
            versions = await _migration_versions(conn) if SCHEMA_TABLE in tables else []
            for table in tables:
                await conn.copy_from_table(table, output=str(directory / f"{table}.csv"), format="csv",
                                           header=True)
        manifest = {"format": FORMAT, "tables": tables, "migrations": versions}
        with tarfile.open(target, "w:gz") as archive:
            _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=1).encode("utf-8"))
            for table in tables:
                archive.add(directory / f"{table}.csv", arcname=f"{table}.csv")


async def load_table_copy(conn: asyncpg.Connection, source: Path) -> None:
    """Migrate the empty database at ``conn`` and load the archive ``source`` into it, in one transaction."""
    with tempfile.TemporaryDirectory() as scratch, tarfile.open(source, "r:gz") as archive:
        directory = Path(scratch)
        archive.extractall(directory, filter="data")
        tables, versions = _read_manifest(directory, source)
        await migrate(conn)
        here = await _migration_versions(conn)
        if here != versions:
            raise ConfigError(f"the backup was taken at schema versions {versions}, this Tillid migrates to "
                              f"{here}; restore it with the Tillid version that wrote it")
        loaded = [table for table in tables if table != SCHEMA_TABLE]
        async with conn.transaction():
            await conn.execute("TRUNCATE " + ", ".join(f'"{table}"' for table in loaded))  # the migrations' seed rows
            for table in loaded:
                path = directory / f"{table}.csv"
                await conn.copy_to_table(table, source=str(path), columns=_header(path), format="csv",
                                         header=True)
            await _advance_sequences(conn)


async def _migration_versions(conn: asyncpg.Connection) -> list[int]:
    return [row["version"] for row in await conn.fetch(f"SELECT version FROM {SCHEMA_TABLE} ORDER BY version")]


def _read_manifest(directory: Path, source: Path) -> tuple[list[str], list[int]]:
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
        if manifest["format"] != FORMAT:
            raise ValueError(manifest["format"])
        return [str(t) for t in manifest["tables"]], [int(v) for v in manifest["migrations"]]
    except (OSError, ValueError, KeyError, TypeError):
        raise ConfigError(f"{source} has no readable {MANIFEST}; it is not a Tillid backup") from None


def _header(path: Path) -> list[str]:
    with open(path, newline="", encoding="utf-8") as handle:
        return next(csv.reader(handle), [])


async def _advance_sequences(conn: asyncpg.Connection) -> None:
    """Set every serial column's sequence past the highest id loaded, so new rows get new ids."""
    for row in await conn.fetch(
            """SELECT c.relname AS table_name, a.attname AS column_name,
                      pg_get_serial_sequence(quote_ident(c.relname), a.attname) AS sequence
               FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
               JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped"""):
        if row["sequence"]:
            await conn.execute(
                f"""SELECT setval($1, COALESCE((SELECT max("{row['column_name']}")
                                                FROM "{row['table_name']}"), 0) + 1, false)""",
                row["sequence"])


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    archive.addfile(info, io.BytesIO(data))
