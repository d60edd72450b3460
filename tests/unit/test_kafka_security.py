"""TILLID_KAFKA_SECURITY_PROTOCOL and friends as the options of aiokafka, kafka-python and faust, and
every Kafka client of the system built with them."""

import ssl

import certifi
import faust
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.client import AIOKafkaClient
from faust.transport.drivers.aiokafka import credentials_to_aiokafka_auth

from tillid.config import Settings
from tillid.errors import ConfigError
from tillid.kafka_security import aiokafka_options, faust_credentials, kafka_python_options

CA_FILE = certifi.where()  # a real PEM bundle of certificate authorities


def settings(protocol: str, mechanism: str | None = None, ca_file: str | None = None) -> Settings:
    env = {"TILLID_KAFKA": "broker:9093", "TILLID_KAFKA_SECURITY_PROTOCOL": protocol}
    if protocol == "SASL_SSL":
        env |= {"TILLID_KAFKA_SASL_USERNAME": "tillid-worker", "TILLID_KAFKA_SASL_PASSWORD": "pw"}
    if mechanism:
        env["TILLID_KAFKA_SASL_MECHANISM"] = mechanism
    if ca_file:
        env["TILLID_KAFKA_CA_FILE"] = ca_file
    return Settings.from_env(env)


def test_plaintext_is_plain_for_every_library():
    plain = settings("PLAINTEXT")
    assert aiokafka_options(plain) == {"security_protocol": "PLAINTEXT"}
    assert kafka_python_options(plain) == {"security_protocol": "PLAINTEXT"}
    assert faust_credentials(plain) is None


@pytest.mark.parametrize("ca_file", [None, CA_FILE])
def test_ssl_checks_the_broker_certificate(ca_file):
    tls = settings("SSL", ca_file=ca_file)
    options = aiokafka_options(tls)
    assert set(options) == {"security_protocol", "ssl_context"} and options["security_protocol"] == "SSL"
    context = options["ssl_context"]
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    expected = {"security_protocol": "SSL", "ssl_check_hostname": True}
    if ca_file:
        expected["ssl_cafile"] = ca_file
    assert kafka_python_options(tls) == expected
    credentials = faust_credentials(tls)
    assert isinstance(credentials, faust.SSLCredentials)
    assert credentials_to_aiokafka_auth(credentials)["security_protocol"] == "SSL"


def test_the_ca_file_is_what_the_context_trusts():
    with_ca = aiokafka_options(settings("SSL", ca_file=CA_FILE))["ssl_context"]
    assert with_ca.cert_store_stats()["x509_ca"] > 0


@pytest.mark.parametrize("mechanism", ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"])
@pytest.mark.parametrize("ca_file", [None, CA_FILE])
def test_sasl_ssl_passes_mechanism_user_and_password(mechanism, ca_file):
    sasl = settings("SASL_SSL", mechanism, ca_file)
    options = aiokafka_options(sasl)
    assert isinstance(options.pop("ssl_context"), ssl.SSLContext)
    assert options == {"security_protocol": "SASL_SSL", "sasl_mechanism": mechanism,
                       "sasl_plain_username": "tillid-worker", "sasl_plain_password": "pw"}
    expected = {"security_protocol": "SASL_SSL", "ssl_check_hostname": True, "sasl_mechanism": mechanism,
                "sasl_plain_username": "tillid-worker", "sasl_plain_password": "pw"}
    if ca_file:
        expected["ssl_cafile"] = ca_file
    assert kafka_python_options(sasl) == expected
    auth = credentials_to_aiokafka_auth(faust_credentials(sasl))
    assert {key: auth[key] for key in ("security_protocol", "sasl_mechanism", "sasl_plain_username",
                                       "sasl_plain_password")} == {
        "security_protocol": "SASL_SSL", "sasl_mechanism": mechanism, "sasl_plain_username": "tillid-worker",
        "sasl_plain_password": "pw"}
    assert isinstance(auth["ssl_context"], ssl.SSLContext)


def test_a_ca_file_that_is_no_pem_is_a_config_error(tmp_path):
    bogus = tmp_path / "ca.pem"
    bogus.write_text("not a certificate")
    with pytest.raises(ConfigError, match="TILLID_KAFKA_CA_FILE="):
        aiokafka_options(settings("SSL", ca_file=str(bogus)))


async def test_every_aiokafka_client_accepts_the_options():
    """The clients check their arguments when built: a misspelt option fails here, not at a customer's."""
    sasl = settings("SASL_SSL", "SCRAM-SHA-512", CA_FILE)
    options = aiokafka_options(sasl)
    producer = AIOKafkaProducer(bootstrap_servers=sasl.kafka, **options)
    consumer = AIOKafkaConsumer(bootstrap_servers=sasl.kafka, **options)
    admin = AIOKafkaAdminClient(bootstrap_servers=sasl.kafka, **options)
    client = AIOKafkaClient(bootstrap_servers=sasl.kafka, **options)
    try:
        for inner in (producer.client, consumer._client, admin._client, client):
            assert (inner._security_protocol, inner._sasl_mechanism) == ("SASL_SSL", "SCRAM-SHA-512")
    finally:
        await producer.stop()
        await consumer.stop()
        await client.close()


async def test_the_worker_app_and_its_ingest_consumer_use_the_settings():
    from tillid.streams.app import create_app
    from tillid.streams.consumer import BatchConsumer

    sasl = settings("SASL_SSL", "SCRAM-SHA-256", CA_FILE)
    app = create_app(sasl)
    assert isinstance(app.conf.broker_credentials, faust.SASLCredentials)
    assert app.conf.broker_credentials.mechanism.value == "SCRAM-SHA-256"
    consumer = BatchConsumer(sasl, ingestor=None)
    try:
        assert consumer.consumer._client._security_protocol == "SASL_SSL"
        assert consumer.consumer._client._sasl_plain_username == "tillid-worker"
    finally:
        await consumer.consumer.stop()


def test_kafka_python_clients_know_every_option():
    """kafka-python connects while it is built, so its option names are checked against its defaults."""
    from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer

    options = kafka_python_options(settings("SASL_SSL", "PLAIN", CA_FILE))
    for client in (KafkaProducer, KafkaConsumer, KafkaAdminClient):
        assert set(options) <= set(client.DEFAULT_CONFIG), client
