"""How every Kafka client connects: the TILLID_KAFKA_SECURITY_PROTOCOL settings as each library's options.

Three client libraries talk to the broker, each with its own spelling of the
same settings: aiokafka (the worker's ingest consumer, the review service's
producer, admin client and health check), kafka-python (`tillid publish`,
`tillid up`'s demo data, topic creation) and faust (the worker's producer,
which sends dead letters and relays the outbox). Every client is built with
the options of this module, so none of them connects in plain text to a
broker that wants TLS or SASL.
"""

from __future__ import annotations

import ssl
from typing import Any

from tillid.config import Settings
from tillid.errors import ConfigError


def _ssl_context(settings: Settings) -> ssl.SSLContext:
    """A client TLS context that checks the broker's certificate and host name: against the CA file when
    one is given, else against the system's certificate authorities."""
    from aiokafka.helpers import create_ssl_context

    try:
        return create_ssl_context(cafile=str(settings.kafka_ca_file) if settings.kafka_ca_file else None)
    except (ssl.SSLError, OSError) as error:
        raise ConfigError(f"TILLID_KAFKA_CA_FILE={str(settings.kafka_ca_file)!r} cannot be read as PEM "
                          f"certificates: {error}") from None


def _uses_tls(settings: Settings) -> bool:
    return settings.kafka_security_protocol in ("SSL", "SASL_SSL")


def _uses_sasl(settings: Settings) -> bool:
    return settings.kafka_security_protocol == "SASL_SSL"


def aiokafka_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for AIOKafkaConsumer, AIOKafkaProducer, AIOKafkaAdminClient and AIOKafkaClient."""
    options: dict[str, Any] = {"security_protocol": settings.kafka_security_protocol}
    if _uses_tls(settings):
        options["ssl_context"] = _ssl_context(settings)
    if _uses_sasl(settings):
        options.update(sasl_mechanism=settings.kafka_sasl_mechanism,
                       sasl_plain_username=settings.kafka_sasl_username,
                       sasl_plain_password=settings.kafka_sasl_password)
    return options


def kafka_python_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for kafka-python's KafkaProducer, KafkaConsumer and KafkaAdminClient."""
    options: dict[str, Any] = {"security_protocol": settings.kafka_security_protocol}
    if _uses_tls(settings):
        options["ssl_check_hostname"] = True
        if settings.kafka_ca_file is not None:
            options["ssl_cafile"] = str(settings.kafka_ca_file)
    if _uses_sasl(settings):
        options.update(sasl_mechanism=settings.kafka_sasl_mechanism,
                       sasl_plain_username=settings.kafka_sasl_username,
                       sasl_plain_password=settings.kafka_sasl_password)
    return options


def faust_credentials(settings: Settings):
    """The ``broker_credentials`` of the worker's faust app: None (plain text), SSLCredentials or
    SASLCredentials (whose TLS context makes the protocol SASL_SSL)."""
    import faust

    if _uses_sasl(settings):
        return faust.SASLCredentials(username=settings.kafka_sasl_username, password=settings.kafka_sasl_password,
                                     mechanism=settings.kafka_sasl_mechanism, ssl_context=_ssl_context(settings))
    if _uses_tls(settings):
        return faust.SSLCredentials(_ssl_context(settings))
    return None
