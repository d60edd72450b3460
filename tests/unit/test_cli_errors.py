"""Bad set-up gives one readable line on stderr and a non-zero exit, never a traceback.

Each case runs `python -m tillid` as a user would. Exit 2 is bad input or
configuration (the operator must fix it); exit 1 is a service that cannot be
reached now. None of these cases needs a running broker or database.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import asyncpg
import pytest

from tillid.cli import main
from tillid.errors import ConfigError
from tillid.runtime.embedded import EmbeddedPostgres, free_port
from tillid.runtime.services import data_dir_lock

FIXTURES = Path(__file__).parent.parent / "fixtures"
SIGNING_KEY = {"TILLID_EVENT_SIGNING_KEY": "k" * 32}


def tillid(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items() if not key.startswith("TILLID_")}
    return subprocess.run([sys.executable, "-m", "tillid", *args], env={**clean, **(env or {})},
                          capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def one_line_error(result: subprocess.CompletedProcess, status: int, *words: str) -> str:
    """The single stderr line, after checking the exit status and that it names ``words``."""
    line = result.stderr.strip()
    assert result.returncode == status, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    assert line and "\n" not in line, result.stderr
    assert line.startswith("tillid "), line
    for word in words:
        assert word in line, line
    return line


def unused_address() -> str:
    """127.0.0.1 with a port nothing listens on: connections are refused at once."""
    return f"127.0.0.1:{free_port()}"


@pytest.fixture
def listening_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def test_up_on_a_port_in_use(listening_port, tmp_path):
    result = tillid("up", "--no-demo", "--data-dir", str(tmp_path / "data"), "--api-port", str(listening_port))
    one_line_error(result, 2, str(listening_port), "in use", "--api-port")
    assert not (tmp_path / "data").exists(), "nothing may start when the port is taken"


def test_api_on_a_port_in_use(listening_port):
    env = {"TILLID_KAFKA": unused_address(), "TILLID_DATABASE_URL": f"postgresql://x@{unused_address()}/x",
           **SIGNING_KEY}
    one_line_error(tillid("api", "--port", str(listening_port), env=env), 2, str(listening_port), "--port")


@pytest.mark.parametrize("port", ["0", "65536", "http"])
def test_port_arguments_out_of_range(port):
    one_line_error(tillid("up", "--api-port", port), 2, "--api-port")
    one_line_error(tillid("api", "--port", port), 2, "--port")


def test_data_dir_that_is_a_file(tmp_path):
    data = tmp_path / "data"
    data.write_text("not a directory")
    result = tillid("up", "--no-demo", "--data-dir", str(data), "--api-port", str(free_port()))
    one_line_error(result, 2, str(data), "not a directory")


def test_data_dir_inside_a_file(tmp_path):
    (tmp_path / "file").write_text("")
    data = tmp_path / "file" / "data"
    one_line_error(tillid("up", "--no-demo", "--data-dir", str(data), "--api-port", str(free_port())),
                   2, str(data))


# /proc/sys is read-only even for root, so these hold whoever runs the tests (Linux).
READ_ONLY_DIR = Path("/proc/sys")


def test_data_dir_not_writable():
    result = tillid("up", "--no-demo", "--data-dir", str(READ_ONLY_DIR), "--api-port", str(free_port()))
    one_line_error(result, 2, str(READ_ONLY_DIR), "not writable")


def test_data_dir_that_cannot_be_created():
    data = READ_ONLY_DIR / "tillid"
    one_line_error(tillid("up", "--no-demo", "--data-dir", str(data), "--api-port", str(free_port())),
                   2, "cannot create data directory", str(data))


def test_data_dir_held_by_another_up(tmp_path):
    with data_dir_lock(tmp_path):
        result = tillid("up", "--no-demo", "--data-dir", str(tmp_path), "--api-port", str(free_port()))
    one_line_error(result, 2, str(tmp_path), "another `tillid up`")
    assert not (tmp_path / "postgres").exists(), "nothing may start on a data directory in use"


def test_data_dir_with_foreign_postgres_directory(tmp_path):
    (tmp_path / "postgres").mkdir()
    (tmp_path / "postgres" / "notes.txt").write_text("something else lives here")
    result = tillid("up", "--no-demo", "--data-dir", str(tmp_path), "--api-port", str(free_port()))
    one_line_error(result, 2, "holds no PostgreSQL data")
    assert (tmp_path / "postgres" / "notes.txt").read_text() == "something else lives here"


@pytest.mark.parametrize("command", [["up", "--no-demo"], ["worker"], ["api"], ["migrate"],
                                     ["publish", str(FIXTURES / "events_valid.jsonl")]])
def test_every_service_command_checks_the_environment_first(command):
    line = one_line_error(tillid(*command, env={"TILLID_API_PORT": "abc"}), 2,
                          "configuration", "TILLID_API_PORT", "whole number")
    assert line.startswith(f"tillid {command[0]}:")


@pytest.mark.parametrize("variable, value, words", [
    ("TILLID_API_PORT", "70000", ["TILLID_API_PORT", "65535"]),
    ("TILLID_PARTITIONS", "0", ["TILLID_PARTITIONS"]),
    ("TILLID_KAFKA", "http://broker:9092", ["TILLID_KAFKA", "host:port"]),
    ("TILLID_DATABASE_URL", "mysql://db/tillid", ["TILLID_DATABASE_URL", "postgresql://"]),
    ("TILLID_DATABASE_URL", "postgresql://db:port/tillid", ["TILLID_DATABASE_URL"]),
    ("TILLID_REMATCH_DEBOUNCE_SECONDS", "soon", ["TILLID_REMATCH_DEBOUNCE_SECONDS"]),
    ("TILLID_LOG_LEVEL", "loud", ["TILLID_LOG_LEVEL"]),
    ("TILLID_EVENT_SIGNING_KEY", "short", ["TILLID_EVENT_SIGNING_KEY", "at least 32 characters"]),
    ("TILLID_KAFKA_SECURITY_PROTOCOL", "TLS", ["TILLID_KAFKA_SECURITY_PROTOCOL", "SASL_SSL"]),
    ("TILLID_KAFKA_CA_FILE", "/no/ca.pem", ["TILLID_KAFKA_CA_FILE", "PLAINTEXT"]),
])
def test_bad_environment_values(variable, value, words, monkeypatch, capsys):
    for name in [key for key in os.environ if key.startswith("TILLID_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv(variable, value)
    assert main(["migrate"]) == 2
    line = capsys.readouterr().err.strip()
    assert "\n" not in line and line.startswith("tillid migrate: configuration: ")
    for word in words:
        assert word in line, line


@pytest.mark.parametrize("command, missing", [(["worker"], "TILLID_DATABASE_URL"), (["api"], "TILLID_DATABASE_URL"),
                                              (["migrate"], "TILLID_DATABASE_URL"),
                                              (["publish", str(FIXTURES / "events_valid.jsonl")], "TILLID_KAFKA")])
def test_services_not_configured(command, missing):
    one_line_error(tillid(*command), 2, missing, "tillid up")


def test_publish_to_unreachable_kafka():
    address = unused_address()
    result = tillid("publish", str(FIXTURES / "events_valid.jsonl"), env={"TILLID_KAFKA": address})
    one_line_error(result, 1, "cannot reach Kafka", address)


def test_worker_with_unreachable_kafka():
    address = unused_address()
    env = {"TILLID_KAFKA": address, "TILLID_DATABASE_URL": f"postgresql://tillid@{unused_address()}/tillid",
           **SIGNING_KEY}
    one_line_error(tillid("worker", env=env), 1, "cannot reach Kafka", address)


def test_migrate_with_unreachable_database():
    env = {"TILLID_DATABASE_URL": f"postgresql://tillid@{unused_address()}/tillid"}
    one_line_error(tillid("migrate", env=env), 1, "cannot connect to PostgreSQL")


def test_api_with_unreachable_database():
    env = {"TILLID_KAFKA": unused_address(), "TILLID_DATABASE_URL": f"postgresql://tillid@{unused_address()}/x",
           **SIGNING_KEY}
    one_line_error(tillid("api", "--port", str(free_port()), env=env), 1, "cannot connect to PostgreSQL")


def test_up_with_the_embedded_broker_refuses_tls(tmp_path):
    env = {"TILLID_KAFKA_SECURITY_PROTOCOL": "SSL"}
    result = tillid("up", "--no-demo", "--data-dir", str(tmp_path / "data"), "--api-port", str(free_port()), env=env)
    one_line_error(result, 2, "TILLID_KAFKA_SECURITY_PROTOCOL=SSL needs TILLID_KAFKA", "plain text")
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize("command", [["worker"], ["api"]])
def test_worker_and_api_refuse_to_start_without_the_signing_key(command):
    """The api signs decisions and answers with it, the worker checks them: neither runs without it."""
    env = {"TILLID_KAFKA": unused_address(), "TILLID_DATABASE_URL": f"postgresql://tillid@{unused_address()}/x"}
    if command[0] == "api":
        command = ["api", "--port", str(free_port())]
    one_line_error(tillid(*command, env=env), 2, "configuration", "TILLID_EVENT_SIGNING_KEY is not set", "tillid up")


def test_publish_reports_invalid_events_before_needing_kafka(tmp_path):
    events = tmp_path / "events.jsonl"
    events.write_text('{"type": "EmployeeUpserted"}\n')
    result = tillid("publish", str(events), env={"TILLID_KAFKA": unused_address()})
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "line 1:" in result.stderr and "nothing published" in result.stderr


@pytest.mark.services
def test_migrate_with_a_login_the_database_refuses(postgres_server):
    url = postgres_server.url.replace("postgres@", "no_such_role@", 1)
    one_line_error(tillid("migrate", env={"TILLID_DATABASE_URL": url}), 2, "refused the login", "no_such_role")


@pytest.mark.services
def test_second_postgres_on_the_same_data_leaves_the_first_running(tmp_path):
    first = EmbeddedPostgres(tmp_path, durable=False)
    first.start()
    try:
        with pytest.raises(ConfigError, match="already running"):
            EmbeddedPostgres(tmp_path, durable=False).start()
        assert asyncio.run(_answers(first.url)) == 1
    finally:
        first.stop()


async def _answers(url: str) -> int:
    conn = await asyncpg.connect(url)
    try:
        return await conn.fetchval("SELECT 1")
    finally:
        await conn.close()


def test_up_with_both_services_configured_starts_nothing_embedded(tmp_path):
    kafka = unused_address()
    env = {"TILLID_KAFKA": kafka, "TILLID_DATABASE_URL": f"postgresql://tillid@{unused_address()}/tillid"}
    result = tillid("up", "--no-demo", "--data-dir", str(tmp_path), "--api-port", str(free_port()), env=env)
    one_line_error(result, 1, "cannot reach Kafka", kafka)
    assert not (tmp_path / "postgres").exists() and not (tmp_path / "broker.log").exists()


@pytest.mark.services
def test_up_with_a_configured_database_starts_only_the_broker(tmp_path):
    env = {"TILLID_DATABASE_URL": f"postgresql://tillid@{unused_address()}/tillid"}
    result = tillid("up", "--no-demo", "--data-dir", str(tmp_path), "--api-port", str(free_port()), env=env)
    one_line_error(result, 1, "cannot connect to PostgreSQL")
    assert not (tmp_path / "postgres").exists()
    assert (tmp_path / "broker.log").exists(), "the embedded broker was started for the missing TILLID_KAFKA"


@pytest.mark.parametrize("text, words", [
    ('{"slots": [], "applicants": [}', ["not valid JSON", "line 1 column 30"]),
    ('{"slots": [],\n "applicants": [],\n}', ["not valid JSON", "line 3 column 1"]),
    ("", ["not valid JSON", "line 1 column 1"]),
])
def test_solve_names_where_an_instance_is_not_json(tmp_path, text, words):
    source, target = tmp_path / "instance.json", tmp_path / "result.json"
    source.write_text(text, encoding="utf-8")
    one_line_error(tillid("solve", "rotation", "--input", str(source), "--output", str(target)), 2,
                   str(source), *words)
    assert not target.exists()


def test_solve_names_an_instance_that_is_not_utf8(tmp_path):
    source = tmp_path / "instance.json"
    source.write_bytes(b'{"slots": [], "applicants": [], "x": "\xff"}')
    one_line_error(tillid("solve", "rotation", "--input", str(source)), 2, str(source), "not UTF-8 text")


def test_solve_reads_what_the_standard_json_module_reads(tmp_path):
    """orjson refuses NaN; the json module reads it, and the solver names the field it is in."""
    source = tmp_path / "instance.json"
    source.write_text('{"slots": [{"id": "s", "capacity": 1, "requires": {"medicin": NaN}}], "applicants": []}',
                      encoding="utf-8")
    one_line_error(tillid("solve", "rotation", "--input", str(source)), 2,
                   "slots[0].requires.medicin", "non-negative number")
