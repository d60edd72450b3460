import re

import pytest

from tillid.config import Settings
from tillid.errors import ConfigError


def test_defaults_are_embedded():
    settings = Settings.from_env({})
    assert settings.embedded
    assert settings.topic("hr.employees") == "hr.employees"


def test_prefix_and_services_from_env():
    settings = Settings.from_env({
        "TILLID_KAFKA": "kafka://broker:9092",
        "TILLID_DATABASE_URL": "postgresql://u@db/tillid",
        "TILLID_TOPIC_PREFIX": "test.",
    })
    assert not settings.embedded
    assert settings.kafka == "broker:9092"
    assert settings.topic("proposals") == "test.proposals"


@pytest.mark.parametrize("env, word", [
    ({"TILLID_API_PORT": "eighty"}, "TILLID_API_PORT"),
    ({"TILLID_DATABASE_URL": "mysql://x"}, "TILLID_DATABASE_URL"),
    ({"TILLID_PARTITIONS": "0"}, "TILLID_PARTITIONS"),
    ({"TILLID_TOPIC_RETENTION_DAYS": "0"}, "TILLID_TOPIC_RETENTION_DAYS"),
    ({"TILLID_TOPIC_RETENTION_DAYS": "a month"}, "TILLID_TOPIC_RETENTION_DAYS"),
    ({"TILLID_TOPIC_RETENTION_BYTES": "1000"}, "TILLID_TOPIC_RETENTION_BYTES"),
    ({"TILLID_TOPIC_RETENTION_BYTES": "a gigabyte"}, "TILLID_TOPIC_RETENTION_BYTES"),
    ({"TILLID_EMBEDDED_BROKER_MAX_MIB": "0"}, "TILLID_EMBEDDED_BROKER_MAX_MIB"),
    ({"TILLID_EMBEDDED_BROKER_MAX_MIB": "1 GiB"}, "TILLID_EMBEDDED_BROKER_MAX_MIB"),
    ({"TILLID_DRAIN_SECONDS": "-1"}, "TILLID_DRAIN_SECONDS"),
    ({"TILLID_DRAIN_SECONDS": "a minute"}, "TILLID_DRAIN_SECONDS"),
    ({"TILLID_READY_MAX_LAG": "0"}, "TILLID_READY_MAX_LAG"),
    ({"TILLID_READY_MAX_LAG": "many"}, "TILLID_READY_MAX_LAG"),
])
def test_bad_values_name_the_variable(env, word):
    with pytest.raises(ConfigError, match=word):
        Settings.from_env(env)


def test_drain_seconds():
    assert Settings.from_env({}).drain_seconds == 60
    assert Settings.from_env({"TILLID_DRAIN_SECONDS": "2.5"}).drain_seconds == 2.5


def test_ready_max_lag():
    assert Settings.from_env({}).ready_max_lag == 10_000
    assert Settings.from_env({"TILLID_READY_MAX_LAG": "500"}).ready_max_lag == 500


def test_as_env_round_trips():
    settings = Settings.from_env({"TILLID_KAFKA": "b:1", "TILLID_DATABASE_URL": "postgresql://x/y",
                                  "TILLID_PARTITIONS": "3", "TILLID_TOPIC_PREFIX": "p."})
    assert Settings.from_env(settings.as_env()) == settings


def test_environment_variables_are_exactly_those_read():
    import inspect
    import re

    from tillid import config

    read = set(re.findall(r'"(TILLID_[A-Z_]+)"', inspect.getsource(config.Settings.from_env)))
    assert read == set(config.ENVIRONMENT_VARIABLES)
    set_only_when_given = {"TILLID_KAFKA", "TILLID_DATABASE_URL", "TILLID_ADMIN_TOKEN", "TILLID_EVENT_SIGNING_KEY",
                           "TILLID_KAFKA_SASL_MECHANISM", "TILLID_KAFKA_SASL_USERNAME", "TILLID_KAFKA_SASL_PASSWORD",
                           "TILLID_KAFKA_CA_FILE"}
    assert set(Settings().as_env()) | set_only_when_given == read


@pytest.mark.parametrize("value, expected", [
    ("kafka://a:9092", "a:9092"),
    ("a:9092, kafka://b:9093", "a:9092,b:9093"),
    ("broker", "broker"),
    ("[::1]:9092", "[::1]:9092"),
])
def test_bootstrap_servers(value, expected):
    assert Settings.from_env({"TILLID_KAFKA": value}).kafka == expected


@pytest.mark.parametrize("value", ["http://a:9092", "a:99999", "a:1,,b:2", "a b:1"])
def test_bad_bootstrap_servers(value):
    with pytest.raises(ConfigError, match="TILLID_KAFKA"):
        Settings.from_env({"TILLID_KAFKA": value})


@pytest.mark.parametrize("env, word", [
    ({"TILLID_TOKEN_TTL_DAYS": "0"}, "TILLID_TOKEN_TTL_DAYS"),
    ({"TILLID_TOKEN_TTL_DAYS": "ninety"}, "TILLID_TOKEN_TTL_DAYS"),
    ({"TILLID_PUBLIC_URL": "tillid.example.dk"}, "TILLID_PUBLIC_URL"),
    ({"TILLID_FORWARDED_ALLOW_IPS": "10.0.0.1, proxy.example"}, "TILLID_FORWARDED_ALLOW_IPS"),
])
def test_bad_token_and_proxy_settings_name_the_variable(env, word):
    with pytest.raises(ConfigError, match=word):
        Settings.from_env(env)


def test_token_and_proxy_settings():
    assert (Settings().token_ttl_days, Settings().public_url, Settings().forwarded_allow_ips) == (90, None, "127.0.0.1")
    settings = Settings.from_env({"TILLID_TOKEN_TTL_DAYS": "30", "TILLID_PUBLIC_URL": "https://tillid.example.dk",
                                  "TILLID_FORWARDED_ALLOW_IPS": "10.0.0.0/8, 192.168.1.5"})
    assert (settings.token_ttl_days, settings.public_url, settings.forwarded_allow_ips) == \
        (30, "https://tillid.example.dk", "10.0.0.0/8,192.168.1.5")
    assert Settings.from_env(settings.as_env()) == settings
    assert Settings.from_env({"TILLID_FORWARDED_ALLOW_IPS": "*"}).forwarded_allow_ips == "*"


# --- event signing key and Kafka security (issue #15) ---------------------------

KEY = "k" * 32


def test_signing_key_is_read_and_kept_out_of_the_repr():
    settings = Settings.from_env({"TILLID_EVENT_SIGNING_KEY": KEY})
    assert settings.signing_key() == KEY.encode()
    assert KEY not in repr(settings)
    assert Settings.from_env(settings.as_env()) == settings


def test_a_missing_signing_key_is_a_config_error_naming_the_variable():
    with pytest.raises(ConfigError, match="TILLID_EVENT_SIGNING_KEY is not set"):
        Settings.from_env({}).signing_key()


def test_a_short_signing_key_is_refused():
    with pytest.raises(ConfigError, match="TILLID_EVENT_SIGNING_KEY must be at least 32 characters"):
        Settings.from_env({"TILLID_EVENT_SIGNING_KEY": "k" * 31})


def test_kafka_security_defaults_to_plaintext():
    settings = Settings.from_env({})
    assert (settings.kafka_security_protocol, settings.kafka_sasl_mechanism, settings.kafka_ca_file) == \
        ("PLAINTEXT", None, None)


def test_sasl_ssl_settings_round_trip_and_hide_the_password(tmp_path):
    ca = tmp_path / "ca.pem"
    ca.write_text("-")
    settings = Settings.from_env({"TILLID_KAFKA_SECURITY_PROTOCOL": "sasl_ssl",
                                  "TILLID_KAFKA_SASL_MECHANISM": "scram-sha-512",
                                  "TILLID_KAFKA_SASL_USERNAME": "worker", "TILLID_KAFKA_SASL_PASSWORD": "pw-secret",
                                  "TILLID_KAFKA_CA_FILE": str(ca)})
    assert (settings.kafka_security_protocol, settings.kafka_sasl_mechanism) == ("SASL_SSL", "SCRAM-SHA-512")
    assert settings.kafka_ca_file == ca and "pw-secret" not in repr(settings)
    assert Settings.from_env(settings.as_env()) == settings


def test_sasl_mechanism_defaults_to_plain():
    settings = Settings.from_env({"TILLID_KAFKA_SECURITY_PROTOCOL": "SASL_SSL", "TILLID_KAFKA_SASL_USERNAME": "u",
                                  "TILLID_KAFKA_SASL_PASSWORD": "p"})
    assert settings.kafka_sasl_mechanism == "PLAIN"


@pytest.mark.parametrize("env, message", [
    ({"TILLID_KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT"},
     "TILLID_KAFKA_SECURITY_PROTOCOL='SASL_PLAINTEXT' is not one"),
    ({"TILLID_KAFKA_SECURITY_PROTOCOL": "SASL_SSL", "TILLID_KAFKA_SASL_MECHANISM": "GSSAPI",
      "TILLID_KAFKA_SASL_USERNAME": "u", "TILLID_KAFKA_SASL_PASSWORD": "p"}, "TILLID_KAFKA_SASL_MECHANISM='GSSAPI'"),
    ({"TILLID_KAFKA_SECURITY_PROTOCOL": "SASL_SSL", "TILLID_KAFKA_SASL_PASSWORD": "p"},
     "TILLID_KAFKA_SASL_USERNAME is not set"),
    ({"TILLID_KAFKA_SECURITY_PROTOCOL": "SASL_SSL", "TILLID_KAFKA_SASL_USERNAME": "u"},
     "TILLID_KAFKA_SASL_PASSWORD is not set"),
    ({"TILLID_KAFKA_SASL_USERNAME": "u"}, "TILLID_KAFKA_SASL_USERNAME is set but TILLID_KAFKA_SECURITY_PROTOCOL is "
                                          "PLAINTEXT"),
    ({"TILLID_KAFKA_SECURITY_PROTOCOL": "SSL", "TILLID_KAFKA_SASL_MECHANISM": "PLAIN"},
     "TILLID_KAFKA_SASL_MECHANISM is set but TILLID_KAFKA_SECURITY_PROTOCOL is SSL"),
    ({"TILLID_KAFKA_SECURITY_PROTOCOL": "SSL", "TILLID_KAFKA_CA_FILE": "/no/such/ca.pem"},
     "TILLID_KAFKA_CA_FILE='/no/such/ca.pem' is not a file"),
    ({"TILLID_KAFKA_CA_FILE": "/etc/hostname"}, "TILLID_KAFKA_CA_FILE is set but TILLID_KAFKA_SECURITY_PROTOCOL is "
                                                "PLAINTEXT"),
])
def test_bad_kafka_security_settings_name_the_variable(env, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        Settings.from_env(env)


def test_topic_retention_is_days_in_milliseconds_and_bytes_per_partition():
    assert Settings.from_env({}).topic_configs() == {"retention.ms": str(30 * 24 * 3600 * 1000),
                                                     "retention.bytes": str(1024 ** 3)}
    configs = Settings.from_env({"TILLID_TOPIC_RETENTION_DAYS": "7", "TILLID_TOPIC_RETENTION_BYTES": "2097152"})
    assert configs.topic_configs() == {"retention.ms": "604800000", "retention.bytes": "2097152"}


def test_the_embedded_broker_bound_defaults_to_a_gibibyte():
    assert Settings.from_env({}).embedded_broker_max_mib == 1024
    assert Settings.from_env({"TILLID_EMBEDDED_BROKER_MAX_MIB": "256"}).embedded_broker_max_mib == 256


def test_decline_quiet_days_defaults_to_180_and_takes_zero():
    assert Settings.from_env({}).decline_quiet_days == 180
    assert Settings.from_env({"TILLID_DECLINE_QUIET_DAYS": "0"}).decline_quiet_days == 0
    assert Settings.from_env({"TILLID_DECLINE_QUIET_DAYS": "30"}).as_env()["TILLID_DECLINE_QUIET_DAYS"] == "30"


@pytest.mark.parametrize("raw", ["-1", "soon", "1.5"])
def test_bad_decline_quiet_days_name_the_variable(raw):
    with pytest.raises(ConfigError, match="TILLID_DECLINE_QUIET_DAYS"):
        Settings.from_env({"TILLID_DECLINE_QUIET_DAYS": raw})


def test_jobrotation_rate_defaults_to_the_reference_figure_and_is_read():
    assert Settings.from_env({}).jobrotation_dkk_per_hour == 189.51
    assert Settings.from_env({"TILLID_JOBROTATION_DKK_PER_HOUR": "200"}).jobrotation_dkk_per_hour == 200.0


@pytest.mark.parametrize("bad", ["-1", "nan", "a lot"])
def test_a_bad_jobrotation_rate_names_the_variable(bad):
    with pytest.raises(ConfigError, match="TILLID_JOBROTATION_DKK_PER_HOUR"):
        Settings.from_env({"TILLID_JOBROTATION_DKK_PER_HOUR": bad})
