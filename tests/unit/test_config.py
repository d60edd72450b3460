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
])
def test_bad_values_name_the_variable(env, word):
    with pytest.raises(ConfigError, match=word):
        Settings.from_env(env)


def test_as_env_round_trips():
    settings = Settings.from_env({"TILLID_KAFKA": "b:1", "TILLID_DATABASE_URL": "postgresql://x/y",
                                  "TILLID_PARTITIONS": "3", "TILLID_TOPIC_PREFIX": "p."})
    assert Settings.from_env(settings.as_env()) == settings
