"""Start what the configuration does not point at: embedded PostgreSQL and broker."""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import socket
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterator

from tillid.config import MIN_SIGNING_KEY_CHARACTERS, Settings
from tillid.errors import BrokerUnavailable, ConfigError, DataDirectoryInUse
from tillid.runtime.embedded import EmbeddedBroker, EmbeddedPostgres

LOCK_FILE = "tillid.lock"
SIGNING_KEY_FILE = "event-signing-key"
KAFKA_CONNECT_TIMEOUT_SECONDS = 5.0


@dataclass
class Services:
    settings: Settings
    embedded: list[str] = field(default_factory=list)
    broker: EmbeddedBroker | None = None  # the embedded broker, when started here (`tillid up` supervises it)


def prepare_data_dir(data_dir: Path) -> Path:
    """The data directory, created if absent; ConfigError when it cannot hold data."""
    data_dir = Path(data_dir)
    try:
        if data_dir.exists() and not data_dir.is_dir():
            raise ConfigError(f"data directory {data_dir} exists and is not a directory")
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ConfigError(f"cannot create data directory {data_dir}: {error.strerror}") from None
    if not os.access(data_dir, os.W_OK | os.X_OK):
        raise ConfigError(f"data directory {data_dir} is not writable")
    return data_dir.resolve()


@contextlib.contextmanager
def data_dir_lock(data_dir: Path) -> Iterator[None]:
    """Hold the data directory for one `tillid up` at a time; released when the process ends."""
    try:
        handle = open(data_dir / LOCK_FILE, "a+")
    except OSError as error:
        raise ConfigError(f"data directory {data_dir} is not writable: {error.strerror}") from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DataDirectoryInUse(f"data directory {data_dir} is in use by another `tillid up`; "
                              "stop it or choose another --data-dir") from None
        yield


@contextlib.contextmanager
def running_services(settings: Settings) -> Iterator[Services]:
    """Yield settings whose broker and database are reachable, starting embedded ones where unset."""
    if settings.kafka is None and settings.kafka_security_protocol != "PLAINTEXT":
        raise ConfigError(f"TILLID_KAFKA_SECURITY_PROTOCOL={settings.kafka_security_protocol} needs TILLID_KAFKA: "
                          "the embedded broker speaks plain text")
    data_dir = prepare_data_dir(settings.data_dir)
    started: list = []
    services = Services(settings)
    with data_dir_lock(data_dir):
        try:
            database_url = settings.database_url
            if database_url is None:
                postgres = EmbeddedPostgres(data_dir)
                # Nobody else holds the data directory, so a server still running on it
                # was left behind by a `tillid up` that was killed: it is stopped and started afresh.
                database_url = postgres.start(take_over=True)
                started.append(postgres)
                services.embedded.append("postgresql")
            kafka = settings.kafka
            if kafka is None:
                broker = EmbeddedBroker(data_dir)
                kafka = broker.start()
                started.append(broker)
                services.broker = broker
                services.embedded.append("broker")
            else:
                require_reachable_kafka(kafka)
            services.settings = replace(settings.with_services(kafka, database_url),
                                        event_signing_key=settings.event_signing_key or kept_signing_key(data_dir))
            yield services
        finally:
            for service in reversed(started):
                service.stop()


def kept_signing_key(data_dir: Path) -> str:
    """The event signing key kept in the data directory, generated on first use (256 random bits, a
    file only its owner may read), so decisions signed before a restart still verify after it."""
    path = data_dir / SIGNING_KEY_FILE
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    except OSError as error:
        raise ConfigError(f"cannot create {path}: {error.strerror}") from None
    else:
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32) + "\n")
    try:
        key = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read the event signing key {path}: {error}") from None
    if len(key) < MIN_SIGNING_KEY_CHARACTERS:
        raise ConfigError(f"{path} holds no usable event signing key; remove it and a new one is generated "
                          "(decisions signed with the old key then fail verification)")
    return key


def require_services(settings: Settings, *, kafka: bool = True, database: bool = True) -> None:
    hint = "; `tillid up` starts everything embedded"
    if database and settings.database_url is None:
        raise ConfigError(f"TILLID_DATABASE_URL is not set{hint}")
    if kafka and settings.kafka is None:
        raise ConfigError(f"TILLID_KAFKA is not set{hint}")


def require_reachable_kafka(bootstrap: str, timeout: float = KAFKA_CONNECT_TIMEOUT_SECONDS) -> None:
    """Fail at once, in one line, when no bootstrap server accepts a connection.

    The Kafka clients would otherwise wait half a minute before giving up.
    """
    problems = []
    for server in bootstrap.split(","):
        host, port = _host_and_port(server)
        try:
            socket.create_connection((host, port), timeout=timeout).close()
            return
        except socket.gaierror:
            problems.append(f"{server}: unknown host")
        except OSError as error:
            problems.append(f"{server}: {error.strerror or 'no answer'}")
    raise BrokerUnavailable(f"cannot reach Kafka at {'; '.join(problems)}")


def _host_and_port(server: str) -> tuple[str, int]:
    host, colon, port = server.rpartition(":")
    if not colon or host.endswith(":") or "]" in port:
        return server.strip("[]"), 9092
    return host.strip("[]"), int(port)
