"""Configuration from the environment: the one table in README.md."""

from __future__ import annotations

import ipaddress
import math
import os
import re
from dataclasses import dataclass, field, replace
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
    "TILLID_TOPIC_RETENTION_DAYS":
        "days Kafka keeps the events of each topic the system creates (retention.ms); bounds how long an "
        "erased person's events stay in Kafka",
    "TILLID_TOPIC_RETENTION_BYTES":
        "bytes Kafka keeps of each partition of each topic the system creates (retention.bytes), so a topic's size "
        "is bounded even under a flood; the older events go first",
    "TILLID_EMBEDDED_BROKER_MAX_MIB":
        "MiB of events the embedded broker of `tillid up` may hold before it is started afresh, once all of them "
        "are applied (it ignores retention)",
    "TILLID_REMATCH_DEBOUNCE_SECONDS":
        "how long the re-matcher lets changes to a scope settle before matching it again",
    "TILLID_DECLINE_QUIET_DAYS":
        "days a need an employee declined is not proposed to them again (unless they ask or the facts change)",
    "TILLID_JOBROTATION_DKK_PER_HOUR":
        "job-rotation refund per hour of a hired substitute's cover (DKK), counted in upskilling plans' net cost",
    "TILLID_LOG_LEVEL": "log level of the worker: debug, info, warning, error or critical",
    "TILLID_TOKEN_TTL_DAYS": "days a token from `POST /api/tokens` stays valid (the admin token does not expire)",
    "TILLID_PUBLIC_URL": "the address people reach the review service at; `https://...` marks the session cookie Secure",
    "TILLID_FORWARDED_ALLOW_IPS":
        "proxy addresses (comma-separated IPs or networks, or `*`) whose X-Forwarded-Proto/-For headers are trusted",
    "TILLID_EVENT_SIGNING_KEY":
        "key of the HMAC-SHA256 signature on decisions and answers (the review service signs, the worker checks)",
    "TILLID_KAFKA_SECURITY_PROTOCOL": "how every Kafka client connects: PLAINTEXT, SSL or SASL_SSL",
    "TILLID_KAFKA_SASL_MECHANISM": "SASL mechanism with SASL_SSL: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512",
    "TILLID_KAFKA_SASL_USERNAME": "SASL user name (with SASL_SSL)",
    "TILLID_KAFKA_SASL_PASSWORD": "SASL password (with SASL_SSL)",
    "TILLID_KAFKA_CA_FILE":
        "PEM file of the certificate authorities that sign the brokers' certificates (SSL, SASL_SSL)",
    "TILLID_DRAIN_SECONDS":
        "how long `tillid up`, when stopped, waits for what was accepted to be applied before it stops the parts",
    "TILLID_READY_MAX_LAG":
        "records the worker may be behind on its topics while the review service's /readyz still answers 200",
    "TILLID_EFFECT_REFRESH_SECONDS":
        "how often the worker reads the activities' measured effects afresh (upskilling proposals a change concerns "
        "are re-matched)",
    "TILLID_REDELIVER_SECONDS":
        "how long an accepted event sent to Kafka may stay unapplied, while the worker is never seen caught up, "
        "before it is sent again (doubling each time)",
}

LOG_LEVELS = ("debug", "info", "warning", "error", "critical")
KAFKA_SECURITY_PROTOCOLS = ("PLAINTEXT", "SSL", "SASL_SSL")
KAFKA_SASL_MECHANISMS = ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512")
# A shorter key is too easy to guess; `tillid up` generates 64 hex digits (256 bits).
MIN_SIGNING_KEY_CHARACTERS = 32
# Below a segment or two, retention.bytes would drop events before a worker could read them.
MIN_TOPIC_RETENTION_BYTES = 1024 ** 2
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
    topic_retention_days: int = 30
    topic_retention_bytes: int = 1024 ** 3
    embedded_broker_max_mib: int = 1024
    rematch_debounce_seconds: float = 0.25
    decline_quiet_days: int = 180
    jobrotation_dkk_per_hour: float = 189.51
    log_level: str = "warning"
    token_ttl_days: int = 90
    public_url: str | None = None
    forwarded_allow_ips: str = "127.0.0.1"
    event_signing_key: str | None = field(default=None, repr=False)
    kafka_security_protocol: str = "PLAINTEXT"
    kafka_sasl_mechanism: str | None = None
    kafka_sasl_username: str | None = None
    kafka_sasl_password: str | None = field(default=None, repr=False)
    kafka_ca_file: Path | None = None
    drain_seconds: float = 60.0
    ready_max_lag: int = 10_000
    redeliver_seconds: float = 300.0
    effect_refresh_seconds: float = 300.0

    @property
    def embedded(self) -> bool:
        """True when neither a broker nor a database is configured."""
        return self.kafka is None and self.database_url is None

    def topic(self, name: str) -> str:
        return f"{self.topic_prefix}{name}"

    def topic_configs(self) -> dict[str, str]:
        """The configuration every topic Tillid creates gets: its retention (docs/security.md)."""
        return {"retention.ms": str(self.topic_retention_days * 86_400_000),
                "retention.bytes": str(self.topic_retention_bytes)}

    def with_services(self, kafka: str, database_url: str) -> "Settings":
        return replace(self, kafka=kafka, database_url=database_url)

    def signing_key(self) -> bytes:
        """The event signing key as the HMAC key, or ConfigError when it is not set."""
        if not self.event_signing_key:
            raise ConfigError("TILLID_EVENT_SIGNING_KEY is not set; the review service signs decisions and "
                              "answers with it and the worker checks them (`tillid up` generates one)")
        return self.event_signing_key.encode("utf-8")

    def as_env(self) -> dict[str, str]:
        """The environment that reproduces these settings in a child process."""
        env = {
            "TILLID_TOPIC_PREFIX": self.topic_prefix,
            "TILLID_DATA_DIR": str(self.data_dir),
            "TILLID_API_HOST": self.api_host,
            "TILLID_API_PORT": str(self.api_port),
            "TILLID_APP_ID": self.app_id,
            "TILLID_PARTITIONS": str(self.partitions),
            "TILLID_TOPIC_RETENTION_DAYS": str(self.topic_retention_days),
            "TILLID_TOPIC_RETENTION_BYTES": str(self.topic_retention_bytes),
            "TILLID_EMBEDDED_BROKER_MAX_MIB": str(self.embedded_broker_max_mib),
            "TILLID_REMATCH_DEBOUNCE_SECONDS": str(self.rematch_debounce_seconds),
            "TILLID_DECLINE_QUIET_DAYS": str(self.decline_quiet_days),
            "TILLID_JOBROTATION_DKK_PER_HOUR": str(self.jobrotation_dkk_per_hour),
            "TILLID_LOG_LEVEL": self.log_level,
            "TILLID_TOKEN_TTL_DAYS": str(self.token_ttl_days),
            "TILLID_PUBLIC_URL": self.public_url or "",
            "TILLID_FORWARDED_ALLOW_IPS": self.forwarded_allow_ips,
            "TILLID_KAFKA_SECURITY_PROTOCOL": self.kafka_security_protocol,
            "TILLID_DRAIN_SECONDS": str(self.drain_seconds),
            "TILLID_READY_MAX_LAG": str(self.ready_max_lag),
            "TILLID_REDELIVER_SECONDS": str(self.redeliver_seconds),
            "TILLID_EFFECT_REFRESH_SECONDS": str(self.effect_refresh_seconds),
        }
        for key, value in (("TILLID_KAFKA", self.kafka), ("TILLID_DATABASE_URL", self.database_url),
                           ("TILLID_ADMIN_TOKEN", self.admin_token),
                           ("TILLID_EVENT_SIGNING_KEY", self.event_signing_key),
                           ("TILLID_KAFKA_SASL_MECHANISM", self.kafka_sasl_mechanism),
                           ("TILLID_KAFKA_SASL_USERNAME", self.kafka_sasl_username),
                           ("TILLID_KAFKA_SASL_PASSWORD", self.kafka_sasl_password),
                           ("TILLID_KAFKA_CA_FILE", str(self.kafka_ca_file) if self.kafka_ca_file else None)):
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

        def non_negative(name: str, default: float, unit: str) -> float:
            """A finite number, 0 or more, of ``unit`` (seconds, kroner)."""
            raw = text(name)
            if raw is None:
                return default
            try:
                value = float(raw)
            except ValueError:
                raise ConfigError(f"{name}={raw!r} is not a number of {unit}") from None
            if not math.isfinite(value) or value < 0:
                raise ConfigError(f"{name}={raw!r} must be a finite number of {unit}, 0 or more")
            return value

        def positive(name: str, default: float, unit: str) -> float:
            """A finite number of ``unit`` above 0."""
            value = non_negative(name, default, unit)
            if value == 0:
                raise ConfigError(f"{name}={text(name)!r} must be more than 0 {unit}")
            return value

        database_url = text("TILLID_DATABASE_URL")
        if database_url is not None:
            _check_database_url(database_url)
        log_level = (text("TILLID_LOG_LEVEL") or cls.log_level).lower()
        if log_level not in LOG_LEVELS:
            raise ConfigError(f"TILLID_LOG_LEVEL={log_level!r} is not one of {', '.join(LOG_LEVELS)}")
        signing_key = text("TILLID_EVENT_SIGNING_KEY")
        if signing_key is not None and len(signing_key) < MIN_SIGNING_KEY_CHARACTERS:
            raise ConfigError(f"TILLID_EVENT_SIGNING_KEY must be at least {MIN_SIGNING_KEY_CHARACTERS} characters "
                              f"(it has {len(signing_key)}); make one with "
                              "python3 -c 'import secrets; print(secrets.token_hex(32))'")
        security = _kafka_security(
            text("TILLID_KAFKA_SECURITY_PROTOCOL"), text("TILLID_KAFKA_SASL_MECHANISM"),
            text("TILLID_KAFKA_SASL_USERNAME"), text("TILLID_KAFKA_SASL_PASSWORD"), text("TILLID_KAFKA_CA_FILE"))
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
            topic_retention_days=integer("TILLID_TOPIC_RETENTION_DAYS", cls.topic_retention_days, 1),
            topic_retention_bytes=integer("TILLID_TOPIC_RETENTION_BYTES", cls.topic_retention_bytes,
                                          MIN_TOPIC_RETENTION_BYTES),
            embedded_broker_max_mib=integer("TILLID_EMBEDDED_BROKER_MAX_MIB", cls.embedded_broker_max_mib, 1),
            rematch_debounce_seconds=non_negative("TILLID_REMATCH_DEBOUNCE_SECONDS", cls.rematch_debounce_seconds,
                                                  "seconds"),
            decline_quiet_days=integer("TILLID_DECLINE_QUIET_DAYS", cls.decline_quiet_days, 0),
            jobrotation_dkk_per_hour=non_negative("TILLID_JOBROTATION_DKK_PER_HOUR", cls.jobrotation_dkk_per_hour,
                                                  "kroner"),
            log_level=log_level,
            token_ttl_days=integer("TILLID_TOKEN_TTL_DAYS", cls.token_ttl_days, 1, 3650),
            public_url=_public_url(text("TILLID_PUBLIC_URL")),
            forwarded_allow_ips=_forwarded_allow_ips(text("TILLID_FORWARDED_ALLOW_IPS") or cls.forwarded_allow_ips),
            event_signing_key=signing_key,
            **security,
            drain_seconds=non_negative("TILLID_DRAIN_SECONDS", cls.drain_seconds, "seconds"),
            ready_max_lag=integer("TILLID_READY_MAX_LAG", cls.ready_max_lag, 1),
            redeliver_seconds=positive("TILLID_REDELIVER_SECONDS", cls.redeliver_seconds, "seconds"),
            effect_refresh_seconds=positive("TILLID_EFFECT_REFRESH_SECONDS", cls.effect_refresh_seconds, "seconds"),
        )


def _kafka_security(protocol: str | None, mechanism: str | None, username: str | None, password: str | None,
                    ca_file: str | None) -> dict:
    """The Kafka security fields of Settings, checked; ConfigError naming the variable otherwise."""
    protocol = (protocol or "PLAINTEXT").upper()
    if protocol not in KAFKA_SECURITY_PROTOCOLS:
        raise ConfigError(f"TILLID_KAFKA_SECURITY_PROTOCOL={protocol!r} is not one of "
                          f"{', '.join(KAFKA_SECURITY_PROTOCOLS)}")
    sasl = {"TILLID_KAFKA_SASL_MECHANISM": mechanism, "TILLID_KAFKA_SASL_USERNAME": username,
            "TILLID_KAFKA_SASL_PASSWORD": password}
    if protocol == "SASL_SSL":
        mechanism = (mechanism or "PLAIN").upper()
        if mechanism not in KAFKA_SASL_MECHANISMS:
            raise ConfigError(f"TILLID_KAFKA_SASL_MECHANISM={mechanism!r} is not one of "
                              f"{', '.join(KAFKA_SASL_MECHANISMS)}")
        for name in ("TILLID_KAFKA_SASL_USERNAME", "TILLID_KAFKA_SASL_PASSWORD"):
            if sasl[name] is None:
                raise ConfigError(f"{name} is not set; TILLID_KAFKA_SECURITY_PROTOCOL=SASL_SSL needs a user name "
                                  "and a password")
    else:
        given = [name for name, value in sasl.items() if value is not None]
        if given:
            raise ConfigError(f"{given[0]} is set but TILLID_KAFKA_SECURITY_PROTOCOL is {protocol}; "
                              "SASL is used only with SASL_SSL")
    if ca_file is not None:
        if protocol == "PLAINTEXT":
            raise ConfigError("TILLID_KAFKA_CA_FILE is set but TILLID_KAFKA_SECURITY_PROTOCOL is PLAINTEXT; "
                              "a CA file is used only with SSL or SASL_SSL")
        if not Path(ca_file).is_file():
            raise ConfigError(f"TILLID_KAFKA_CA_FILE={ca_file!r} is not a file")
    return {"kafka_security_protocol": protocol, "kafka_sasl_mechanism": mechanism,
            "kafka_sasl_username": username, "kafka_sasl_password": password,
            "kafka_ca_file": Path(ca_file) if ca_file is not None else None}


def _check_database_url(url: str) -> None:
    if not url.startswith(("postgres://", "postgresql://")):
        raise ConfigError("TILLID_DATABASE_URL must start with postgresql://")
    try:
        parts = urlsplit(url)
        if "," not in parts.netloc:  # several hosts (host1:5432,host2:5432) are left to the driver
            parts.port
    except ValueError as error:
        raise ConfigError(f"TILLID_DATABASE_URL is not a valid URL: {error}") from None


def _public_url(url: str | None) -> str | None:
    if url is not None and not re.match(r"^https?://[^/\s]+", url):
        raise ConfigError(f"TILLID_PUBLIC_URL={url!r} must be an http:// or https:// address")
    return url


def _forwarded_allow_ips(value: str) -> str:
    """TILLID_FORWARDED_ALLOW_IPS as uvicorn takes it: ``*`` or comma-separated addresses and networks."""
    items = [item.strip() for item in value.split(",") if item.strip()]
    for item in items:
        if item == "*":
            continue
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise ConfigError(f"TILLID_FORWARDED_ALLOW_IPS: {item!r} is not an IP address, a network or *") from None
    return ",".join(items)


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
