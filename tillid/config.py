"""Configuration from the environment: the one table in README.md."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Mapping

from tillid.errors import ConfigError


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
    rematch_debounce_seconds: float = 0.5
    log_level: str = "warning"

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

        def number(name: str, default, kind):
            raw = text(name)
            if raw is None:
                return default
            try:
                value = kind(raw)
            except ValueError:
                raise ConfigError(f"{name}={raw!r} is not a {kind.__name__}") from None
            if value < 0:
                raise ConfigError(f"{name}={raw!r} must not be negative")
            return value

        kafka = text("TILLID_KAFKA")
        if kafka and kafka.startswith("kafka://"):
            kafka = kafka[len("kafka://"):]
        database_url = text("TILLID_DATABASE_URL")
        if database_url and not database_url.startswith(("postgres://", "postgresql://")):
            raise ConfigError("TILLID_DATABASE_URL must start with postgresql://")
        partitions = number("TILLID_PARTITIONS", cls.partitions, int)
        if partitions < 1:
            raise ConfigError("TILLID_PARTITIONS must be at least 1")
        return cls(
            kafka=kafka,
            database_url=database_url,
            admin_token=text("TILLID_ADMIN_TOKEN"),
            topic_prefix=text("TILLID_TOPIC_PREFIX") or "",
            data_dir=Path(text("TILLID_DATA_DIR") or cls.data_dir),
            api_host=text("TILLID_API_HOST") or cls.api_host,
            api_port=number("TILLID_API_PORT", cls.api_port, int),
            app_id=text("TILLID_APP_ID") or cls.app_id,
            partitions=partitions,
            rematch_debounce_seconds=number("TILLID_REMATCH_DEBOUNCE_SECONDS",
                                            cls.rematch_debounce_seconds, float),
            log_level=(text("TILLID_LOG_LEVEL") or cls.log_level).lower(),
        )
