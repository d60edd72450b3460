"""Configuration from the environment: the one table in README.md."""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Mapping
from urllib.parse import urlsplit

from tillid.errors import ConfigError

# Every variable ``Settings.from_env`` reads, with its meaning. README.md's
# configuration table, the deploy files and their tests are checked against it.
ENVIRONMENT_VARIABLES: dict[str, str] = {
    "TILLID_KAFKA": "Kafka bootstrap servers, `host:port[,host:port...]` (a `kafka://` prefix is allowed)",
    "TILLID_DATABASE_URL": "PostgreSQL connection URL, `postgresql://user:password@host:5432/database`",
    "TILLID_ADMIN_TOKEN": "bearer token of the `admin` role",
    "TILLID_TOPIC_PREFIX": "prefix put before every topic name, e.g. `test.`",
    "TILLID_DATA_DIR": "directory for the embedded PostgreSQL, the logs of `tillid up` and the worker's local files",
    "TILLID_API_HOST": "address the review service binds to",
    "TILLID_API_PORT": "port of the review service",
    "TILLID_APP_ID": "stream application id, which is the Kafka consumer group of the workers",
    "TILLID_PARTITIONS": "partitions of each topic the system creates",
    "TILLID_REMATCH_DEBOUNCE_SECONDS":
        "how long the re-matcher lets changes to a scope settle before matching it again",
    "TILLID_LOG_LEVEL": "log level of the worker: debug, info, warning, error or critical",
    "TILLID_DRAIN_SECONDS":
        "how long `tillid up`, when stopped, waits for what was accepted to be applied before it stops the parts",
}

LOG_LEVELS = ("debug", "info", "warning", "error", "critical")
_BOOTSTRAP_SERVER = re.compile(r"^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+)(?::(\d{1,5}))?$")


@dataclass(frozen=True)
class Settings:
    kafka: str | None = None
    database_url: str | None = None
    admin_token: str | None = None
    topic_prefix: str = ""
    data_dir: Path = Path(".tillid")
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    app_id: str = "tillid"
    partitions: int = 8
    rematch_debounce_seconds: float = 0.25
    log_level: str = "warning"
    drain_seconds: float = 60.0

    @property
    def embedded(self) -> bool:
        """True when neither a broker nor a database is configured."""
        return self.kafka is None and self.database_url is None

    def topic(self, name: str) -> str:
        return f"{self.topic_prefix}{name}"

    def with_services(self, kafka: str, database_url: str) -> "Settings":
        return replace(self, kafka=kafka, database_url=database_url)

    def as_env(self) -> dict[str, str]:
        """The environment that reproduces these settings in a child process."""
        env = {
            "TILLID_TOPIC_PREFIX": self.topic_prefix,
            "TILLID_DATA_DIR": str(self.data_dir),
            "TILLID_API_HOST": self.api_host,
            "TILLID_API_PORT": str(self.api_port),
            "TILLID_APP_ID": self.app_id,
            "TILLID_PARTITIONS": str(self.partitions),
            "TILLID_REMATCH_DEBOUNCE_SECONDS": str(self.rematch_debounce_seconds),
            "TILLID_LOG_LEVEL": self.log_level,
            "TILLID_DRAIN_SECONDS": str(self.drain_seconds),
        }
        for key, value in (("TILLID_KAFKA", self.kafka), ("TILLID_DATABASE_URL", self.database_url),
                           ("TILLID_ADMIN_TOKEN", self.admin_token)):
            if value:
                env[key] = value
        return env

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if env is None else env

        def text(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        def integer(name: str, default: int, low: int, high: int | None = None) -> int:
            raw = text(name)
            if raw is None:
                return default
            try:
                value = int(raw)
            except ValueError:
                raise ConfigError(f"{name}={raw!r} is not a whole number") from None
            if value < low or (high is not None and value > high):
                limits = f"from {low} to {high}" if high is not None else f"at least {low}"
                raise ConfigError(f"{name}={raw!r} must be {limits}")
            return value

        def seconds(name: str, default: float) -> float:
            raw = text(name)
            if raw is None:
                return default
            try:
                value = float(raw)
            except ValueError:
                raise ConfigError(f"{name}={raw!r} is not a number of seconds") from None
            if not math.isfinite(value) or value < 0:
                raise ConfigError(f"{name}={raw!r} must be a finite number of seconds, 0 or more")
            return value

        database_url = text("TILLID_DATABASE_URL")
        if database_url is not None:
            _check_database_url(database_url)
        log_level = (text("TILLID_LOG_LEVEL") or cls.log_level).lower()
        if log_level not in LOG_LEVELS:
            raise ConfigError(f"TILLID_LOG_LEVEL={log_level!r} is not one of {', '.join(LOG_LEVELS)}")
        return cls(
            kafka=bootstrap_servers(text("TILLID_KAFKA")),
            database_url=database_url,
            admin_token=text("TILLID_ADMIN_TOKEN"),
            topic_prefix=text("TILLID_TOPIC_PREFIX") or "",
            data_dir=Path(text("TILLID_DATA_DIR") or cls.data_dir),
            api_host=text("TILLID_API_HOST") or cls.api_host,
            api_port=integer("TILLID_API_PORT", cls.api_port, 1, 65535),
            app_id=text("TILLID_APP_ID") or cls.app_id,
            partitions=integer("TILLID_PARTITIONS", cls.partitions, 1),
            rematch_debounce_seconds=seconds("TILLID_REMATCH_DEBOUNCE_SECONDS", cls.rematch_debounce_seconds),
            log_level=log_level,
            drain_seconds=seconds("TILLID_DRAIN_SECONDS", cls.drain_seconds),
        )


def _check_database_url(url: str) -> None:
    if not url.startswith(("postgres://", "postgresql://")):
        raise ConfigError("TILLID_DATABASE_URL must start with postgresql://")
    try:
        parts = urlsplit(url)
        if "," not in parts.netloc:  # several hosts (host1:5432,host2:5432) are left to the driver
            parts.port
    except ValueError as error:
        raise ConfigError(f"TILLID_DATABASE_URL is not a valid URL: {error}") from None


def bootstrap_servers(value: str | None) -> str | None:
    """TILLID_KAFKA as the comma-separated ``host:port`` list Kafka clients take, or None."""
    if value is None:
        return None
    servers = []
    for item in value.split(","):
        server = item.strip()
        if server.startswith("kafka://"):
            server = server[len("kafka://"):]
        match = _BOOTSTRAP_SERVER.match(server)
        if not match or (match.group(1) and not 1 <= int(match.group(1)) <= 65535):
            raise ConfigError(f"TILLID_KAFKA: {item.strip()!r} is not a host:port address")
        servers.append(server)
    return ",".join(servers)
