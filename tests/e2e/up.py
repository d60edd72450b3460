"""`tillid up --no-demo` as a real process for the tests: its children, its log, events posted to its API."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import asyncpg
import httpx

from tillid.config import Settings
from tillid.runtime.embedded import die_with_parent, free_port

ADMIN_TOKEN = "up-test-admin-token"


class Up:
    """`tillid up --no-demo` on the test's PostgreSQL database, with its embedded broker."""

    def __init__(self, settings: Settings, data_dir: Path, drain_seconds: float = 60) -> None:
        self.database_url = settings.database_url
        self.data_dir = data_dir
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = data_dir / "up.log"
        self.env = {**os.environ, "TILLID_DATABASE_URL": settings.database_url, "TILLID_ADMIN_TOKEN": ADMIN_TOKEN,
                    "TILLID_DRAIN_SECONDS": str(drain_seconds), "TILLID_LOG_LEVEL": "info"}
        self.env.pop("TILLID_KAFKA", None)
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> "Up":
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tillid", "up", "--no-demo", "--data-dir", str(self.data_dir),
                 "--api-port", str(self.port)], env=self.env, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, preexec_fn=die_with_parent)
        deadline = time.monotonic() + timeout
        while "Press Ctrl-C to stop." not in self.log():
            assert self.process.poll() is None, self.log()
            assert time.monotonic() < deadline, self.log()
            time.sleep(0.2)
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def logs(self) -> str:
        """The log of `tillid up` and the ends of its children's logs, for failure messages."""
        parts = [self.log()]
        for path in sorted((self.data_dir / "logs").glob("*.log")):
            parts.append(f"--- {path.name}\n{path.read_text(errors='replace')[-3000:]}")
        return "\n".join(parts)

    def child(self, marker: str) -> int:
        """The process id of the child whose command line contains ``marker``."""
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except (OSError, IndexError, ValueError):
                continue
            if parent == self.process.pid and marker in command:
                return int(entry.name)
        raise AssertionError(f"no child of `tillid up` runs {marker!r}\n{self.logs()}")

    def kill_child(self, marker: str) -> None:
        os.kill(self.child(marker), signal.SIGKILL)

    def terminate(self) -> None:
        self.process.send_signal(signal.SIGTERM)

    def wait(self, timeout: float) -> int:
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"`tillid up` did not stop within {timeout:.0f} s\n{self.logs()}") from None

    def stop(self) -> None:
        """Stop at once (the test is over): two SIGTERMs skip the drain."""
        if self.process is not None and self.process.poll() is None:
            self.terminate()
            time.sleep(0.5)
            self.terminate()
            try:
                self.process.wait(40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def post(self, events: list[dict]) -> httpx.Response:
        return httpx.post(f"{self.base}/api/events", json=events,
                          headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}, timeout=30)


async def applied(database_url: str, event_ids: list[str]) -> int:
    conn = await asyncpg.connect(database_url)
    try:
        return await conn.fetchval("SELECT count(*) FROM processed_events WHERE event_id = ANY($1::text[])",
                                   event_ids)
    finally:
        await conn.close()


async def wait_applied(up: Up, event_ids: list[str], timeout: float) -> int:
    """Wait until the store has applied every one of ``event_ids``; returns how many it has."""
    import asyncio

    deadline = time.monotonic() + timeout
    count = 0
    while time.monotonic() < deadline:
        count = await applied(up.database_url, event_ids)
        if count == len(event_ids):
            break
        await asyncio.sleep(0.25)
    return count
