"""Start what the configuration does not point at: embedded PostgreSQL and broker."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from tillid.config import Settings
from tillid.errors import ConfigError
from tillid.runtime.embedded import EmbeddedBroker, EmbeddedPostgres


@dataclass
class Services:
    settings: Settings
    embedded: list[str] = field(default_factory=list)


def prepare_data_dir(data_dir: Path) -> Path:
    data_dir = Path(data_dir)
    if data_dir.exists() and not data_dir.is_dir():
        raise ConfigError(f"data directory {data_dir} exists and is not a directory")
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ConfigError(f"cannot create data directory {data_dir}: {error.strerror}") from None
    return data_dir.resolve()


@contextlib.contextmanager
def running_services(settings: Settings) -> Iterator[Services]:
    """Yield settings whose broker and database are reachable, starting embedded ones where unset."""
    data_dir = prepare_data_dir(settings.data_dir)
    started: list = []
    services = Services(settings)
    try:
        database_url = settings.database_url
        if database_url is None:
            postgres = EmbeddedPostgres(data_dir)
            started.append(postgres)
            database_url = postgres.start()
            services.embedded.append("postgresql")
        kafka = settings.kafka
        if kafka is None:
            broker = EmbeddedBroker(data_dir)
            started.append(broker)
            kafka = broker.start()
            services.embedded.append("broker")
        services.settings = settings.with_services(kafka, database_url)
        yield services
    finally:
        for service in reversed(started):
            service.stop()


def require_services(settings: Settings, *, kafka: bool = True, database: bool = True) -> None:
    hint = "; `tillid up` starts everything embedded"
    if database and settings.database_url is None:
        raise ConfigError(f"TILLID_DATABASE_URL is not set{hint}")
    if kafka and settings.kafka is None:
        raise ConfigError(f"TILLID_KAFKA is not set{hint}")
