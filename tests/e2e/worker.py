"""The stream worker as a real process, for end-to-end and reliability tests."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import asyncpg

from tillid.config import Settings


class WorkerProcess:
    def __init__(self, settings: Settings, log_path: Path) -> None:
        self.settings = settings
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def start(self) -> "WorkerProcess":
        env = {**os.environ, **self.settings.as_env(), "TILLID_LOG_LEVEL": "info"}
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen([sys.executable, "-m", "tillid", "worker"], env=env, stdout=log,
                                        stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        log.close()
        return self

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


async def wait_for(query: str, expected, database_url: str, timeout: float = 120.0, *args):
    """Poll PostgreSQL until ``query`` returns ``expected``; returns the last value."""
    deadline = time.monotonic() + timeout
    value = None
    while time.monotonic() < deadline:
        conn = await asyncpg.connect(database_url)
        try:
            value = await conn.fetchval(query, *args)
        except asyncpg.UndefinedTableError:
            value = None  # the worker has not migrated the database yet
        finally:
            await conn.close()
        if value == expected:
            return value
        await asyncio.sleep(0.25)
    return value
