"""Child processes of `tillid up`: started with their own logs, stopped in order."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tillid.errors import ConfigError
from tillid.runtime.embedded import die_with_parent


class Child:
    def __init__(self, name: str, args: list[str], env: dict[str, str], log_dir: Path) -> None:
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen([sys.executable, "-m", "tillid", *args], env=env, stdout=log,
                                        stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                        start_new_session=True, preexec_fn=die_with_parent)
        log.close()

    def alive(self) -> bool:
        return self.process.poll() is None

    def failure(self) -> str:
        tail = self.log_path.read_text(errors="replace").strip().splitlines()[-1:] if self.log_path.exists() else []
        last = f": {tail[0]}" if tail else ""
        return f"the {self.name} stopped with status {self.process.returncode}{last} (log: {self.log_path})"

    def stop(self, timeout: float = 15.0) -> None:
        if not self.alive():
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def wait_until(check, timeout: float, what: str, children: list[Child], stop_requested=lambda: False) -> bool:
    """Wait for ``check``; False when a stop was requested first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if stop_requested():
            return False
        for child in children:
            if not child.alive():
                raise ConfigError(child.failure())
        if check():
            return True
        time.sleep(0.2)
    raise ConfigError(f"{what} did not become ready within {timeout:.0f} s")
