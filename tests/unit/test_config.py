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
    ({"TILLID_DRAIN_SECONDS": "-1"}, "TILLID_DRAIN_SECONDS"),
    ({"TILLID_DRAIN_SECONDS": "a minute"}, "TILLID_DRAIN_SECONDS"),
])
def test_bad_values_name_the_variable(env, word):
    with pytest.raises(ConfigError, match=word):
        Settings.from_env(env)


def test_drain_seconds():
    assert Settings.from_env({}).drain_seconds == 60
    assert Settings.from_env({"TILLID_DRAIN_SECONDS": "2.5"}).drain_seconds == 2.5


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
    assert set(Settings().as_env()) | {"TILLID_KAFKA", "TILLID_DATABASE_URL", "TILLID_ADMIN_TOKEN"} == read


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
