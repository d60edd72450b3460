"""Backups of the store with PostgreSQL's own tools, and the database a backup is taken from.

``pg_dump`` and ``pg_restore`` come with the embedded PostgreSQL distribution
(a dependency of Tillid), else from PATH. Without ``TILLID_DATABASE_URL`` the
database is the embedded one of the data directory: the running server of
the `tillid up` that holds it, or one started for the backup and stopped
after it.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
from pathlib import Path
from typing import Iterator

from tillid.config import Settings
from tillid.errors import ConfigError, DataDirectoryInUse
from tillid.runtime.embedded import LOOPBACK, EmbeddedPostgres, _postgres_bin_path
from tillid.runtime.services import data_dir_lock, prepare_data_dir

PG_DUMP_MAGIC = b"PGDMP"


def client_tool(name: str) -> Path | None:
    """``pg_dump`` or ``pg_restore`` of the embedded distribution, else the one on PATH, else None."""
    try:
        bundled = _postgres_bin_path() / name
    except ImportError:
        bundled = None
    if bundled is not None and bundled.exists():
        return bundled
    found = shutil.which(name)
    return Path(found) if found else None


@contextlib.contextmanager
def store_database(settings: Settings) -> Iterator[str]:
    """The URL of the store: the configured one, or the embedded one of the data directory."""
    if settings.database_url:
        yield settings.database_url
        return
    data_dir = prepare_data_dir(settings.data_dir)
    server = EmbeddedPostgres(data_dir)
    with contextlib.ExitStack() as held:
        try:
            held.enter_context(data_dir_lock(data_dir))
        except DataDirectoryInUse:
            yield f"postgresql://postgres@{LOOPBACK}:{_running_port(server)}/{server.database}"
            return
        url = server.start(take_over=True)
        try:
            yield url
        finally:
            server.stop()


def _running_port(server: EmbeddedPostgres) -> int:
    """The port the running `tillid up`'s PostgreSQL listens on: line 4 of its postmaster.pid."""
    try:
        return int((server.pgdata / "postmaster.pid").read_text().splitlines()[3])
    except (OSError, IndexError, ValueError):
        raise ConfigError(f"the data directory is held by a `tillid up`, but no PostgreSQL runs on "
                          f"{server.pgdata}") from None


def written_by_pg_dump(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(len(PG_DUMP_MAGIC)) == PG_DUMP_MAGIC
    except OSError as error:
        raise ConfigError(f"cannot read {path}: {error.strerror}") from None


def pg_dump(tool: Path, url: str, target: Path) -> None:
    _run([str(tool), "--format=custom", "--no-owner", "--no-privileges", f"--file={target}", f"--dbname={url}"],
         "pg_dump")


def pg_restore(tool: Path, url: str, source: Path) -> None:
    _run([str(tool), "--clean", "--if-exists", "--no-owner", "--no-privileges", "--exit-on-error",
          "--single-transaction",
          f"--dbname={url}", str(source)], "pg_restore")


def _run(command: list[str], what: str) -> None:
    result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if result.returncode != 0:
        lines = [line for line in result.stdout.splitlines() if line.strip()]
        raise ConfigError(f"{what} failed: {lines[-1] if lines else f'exit status {result.returncode}'}")
