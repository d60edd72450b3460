"""The parts of `tillid up`: started with their own logs, restarted with backoff when they die, stopped in order.

A part that dies is started again after 1 s; dying again before it has run
``HEALTHY_SECONDS`` doubles the wait (2, 4 ... at most 30 s). Each death is a
line in the log of `tillid up` saying which, why and when. A start counts as
failed when the part dies within ``STABLE_SECONDS`` of it (or cannot be
started at all); after ``MAX_FAILED_STARTS`` failed starts in a row `tillid up`
gives up with one line. Parts that depend on
another (the worker on the embedded broker) are stopped before it is
restarted and started again after it, once its ``after_start`` hook (the
topics created again) has run.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Protocol

from tillid.errors import ConfigError, TillidError
from tillid.runtime.embedded import EmbeddedBroker, die_with_parent

class PartGaveUp(TillidError):
    """A part failed to start too many times in a row: `tillid up` stops with this one line."""


MAX_FAILED_STARTS = 5
MAX_BACKOFF_SECONDS = 30.0
# A part that lives this long after a start has started; dying sooner makes it a failed start.
STABLE_SECONDS = 10.0
# A part that lives this long is well again: its next death waits 1 s again.
HEALTHY_SECONDS = 60.0
# How long a dependent (the worker) gets to stop when the part it depends on died: its work is idempotent.
DEPENDENT_STOP_SECONDS = 5.0


class Part(Protocol):
    name: str

    def start(self) -> None: ...

    def alive(self) -> bool: ...

    def why_stopped(self) -> str: ...

    def stop(self, timeout: float) -> None: ...


# Terminal control sequences (the worker's spinner), which say nothing in a line about why it stopped.
_CONTROL = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|[\x00-\x08\x0b-\x1f]")


def last_line(path: Path) -> str | None:
    """The last line of a log with text in it (its end only is read)."""
    try:
        with open(path, "rb") as handle:
            handle.seek(max(0, handle.seek(0, os.SEEK_END) - 8192))
            text = _CONTROL.sub("", handle.read().decode("utf-8", "replace"))
    except OSError:
        return None
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else None


def _exit_status(returncode: int | None) -> str:
    if returncode is not None and returncode < 0:
        try:
            return f"killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"killed by signal {-returncode}"
    return f"exit status {returncode}"


class Child:
    """A `tillid` subcommand as a child process, its output in ``log_dir/NAME.log``."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], log_dir: Path) -> None:
        self.name = name
        self.args = args
        self.env = env
        self.log_path = log_dir / f"{name}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> "Child":
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen([sys.executable, "-m", "tillid", *self.args], env=self.env, stdout=log,
                                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                            start_new_session=True, preexec_fn=die_with_parent)
        return self

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def why_stopped(self) -> str:
        line = last_line(self.log_path)
        last = f"; last log line: {line}" if line else ""
        return f"{_exit_status(self.process.returncode if self.process else None)}{last} (log: {self.log_path})"

    def stop(self, timeout: float = 15.0) -> None:
        if not self.alive():
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


class BrokerPart:
    """The embedded broker as a part: restarted on the same port, so everyone's bootstrap address holds."""

    name = "embedded broker"

    def __init__(self, broker: EmbeddedBroker) -> None:
        self.broker = broker

    def start(self) -> None:
        self.broker.start()

    def alive(self) -> bool:
        return self.broker.alive()

    def why_stopped(self) -> str:
        log = self.broker.data_dir / "broker.log"
        line = last_line(log)
        last = f"; last log line: {line}" if line else ""
        return f"{_exit_status(self.broker.returncode)}{last} (log: {log})"

    def stop(self, timeout: float = 5.0) -> None:
        self.broker.stop()


@dataclass
class _Watch:
    part: Part
    started_at: float
    failed_starts: int = 0
    deaths: int = 0  # in a row, without having run HEALTHY_SECONDS between them
    restart_at: float | None = None  # while down: when the next start is due
    dependents: list[Part] = field(default_factory=list)
    after_start: Callable[[], None] = lambda: None


class Supervisor:
    """Watches started parts; ``check`` (called often) restarts those that died when their time comes."""

    def __init__(self, parts: list[Part], *, say: Callable[[str], None] = print,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.say = say
        self.clock = clock
        self.watches = {part.name: _Watch(part, clock()) for part in parts}

    def depends(self, dependent: Part, on: Part, after_start: Callable[[], None] = lambda: None) -> None:
        """``dependent`` is stopped while ``on`` restarts and started after it and its ``after_start``."""
        watch = self.watches[on.name]
        watch.dependents.append(dependent)
        watch.after_start = after_start

    def check(self) -> None:
        """Notice parts that died and start those whose backoff has passed; PartGaveUp after too many
        failed starts in a row."""
        for watch in self.watches.values():
            if watch.restart_at is None:
                if watch.part.alive():
                    running = self.clock() - watch.started_at
                    if running >= STABLE_SECONDS:
                        watch.failed_starts = 0
                    if running >= HEALTHY_SECONDS:
                        watch.deaths = 0
                    continue
                self._died(watch, watch.part.why_stopped())
            if watch.restart_at is not None and self.clock() >= watch.restart_at:
                self._restart(watch)

    def restart(self, name: str, why: str) -> None:
        """Start the running part ``name`` afresh, as after its death but at once: its dependents stop
        first and start again after it (the embedded broker, whose memory is bounded this way)."""
        watch = self.watches[name]
        self.say(f"{_now()} restarting the {name}: {why}")
        for dependent in watch.dependents:
            dependent.stop(DEPENDENT_STOP_SECONDS)
        watch.part.stop(DEPENDENT_STOP_SECONDS)
        self._restart(watch, dependents_stopped=True)

    def _died(self, watch: _Watch, why: str) -> None:
        if self.clock() - watch.started_at < STABLE_SECONDS:
            watch.failed_starts += 1
            if watch.failed_starts >= MAX_FAILED_STARTS:
                raise PartGaveUp(f"the {watch.part.name} failed to start {MAX_FAILED_STARTS} times in a row; "
                                 f"last time: {why}")
        watch.deaths += 1
        delay = min(2.0 ** (watch.deaths - 1), MAX_BACKOFF_SECONDS)
        watch.restart_at = self.clock() + delay
        self.say(f"{_now()} the {watch.part.name} stopped ({why}); starting it again in {delay:.0f} s")

    def _restart(self, watch: _Watch, dependents_stopped: bool = False) -> None:
        for dependent in () if dependents_stopped else watch.dependents:
            dependent.stop(DEPENDENT_STOP_SECONDS)
        watch.restart_at = None
        watch.started_at = self.clock()
        try:
            watch.part.start()
            watch.after_start()
        except TillidError as error:
            watch.part.stop(DEPENDENT_STOP_SECONDS)
            self._died(watch, f"could not start: {error.reason}")
            return
        self.say(f"{_now()} the {watch.part.name} is running again")
        for dependent in watch.dependents:
            dependent.start()
            self.watches[dependent.name].started_at = self.clock()
            self.watches[dependent.name].restart_at = None
            self.say(f"{_now()} the {dependent.name} started again after the {watch.part.name}")


def _now() -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S")


def wait_until(check: Callable[[], bool], timeout: float, what: str, supervisor: Supervisor,
               stop_requested: Callable[[], bool] = lambda: False) -> bool:
    """Wait for ``check`` while supervising; False when a stop was requested first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if stop_requested():
            return False
        supervisor.check()
        if check():
            return True
        time.sleep(0.2)
    raise ConfigError(f"{what} did not become ready within {timeout:.0f} s")
