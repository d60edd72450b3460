"""`tillid publish` against the embedded broker: all or nothing, keyed by organisation."""

import json
import os
import subprocess
import sys

import pytest

from tillid.streams.topics import ensure_topics

from tests.e2e.support import consume
from tests.integration.store.scenario import employee, organisation

pytestmark = pytest.mark.services


def run_publish(settings, path, *flags):
    return subprocess.run([sys.executable, "-m", "tillid", "publish", str(path), *flags],
                          env={**os.environ, **settings.as_env()}, capture_output=True, text=True, timeout=120)


def test_a_file_with_an_invalid_line_publishes_nothing_unless_told(settings, tmp_path):
    ensure_topics(settings)
    good = organisation() + employee("e-pub")
    bad = dict(good[-1], payload={**good[-1]["payload"], "level": 9})
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(json.dumps(e) for e in good[:-1] + [bad]) + "\n")

    refused = run_publish(settings, path)
    assert refused.returncode == 2
    assert f"line {len(good)}: payload.level" in refused.stderr
    assert "nothing published" in refused.stderr
    assert consume(settings, "org.structure", 1, timeout=5) == []

    skipped = run_publish(settings, path, "--skip-invalid")
    assert skipped.returncode == 0, skipped.stderr
    assert f"published {len(good) - 1} events, skipped 1 invalid" in skipped.stdout
    records = consume(settings, "hr.employees", 1)
    assert [r.key for r in records] == [b"org-a"]  # the employee's organisation, learned from the file


def test_a_json_list_from_standard_input(settings, tmp_path):
    ensure_topics(settings)
    events = organisation()
    done = subprocess.run([sys.executable, "-m", "tillid", "publish", "-"], input=json.dumps(events),
                          env={**os.environ, **settings.as_env()}, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert len(consume(settings, "ops.tasks", 1)) == 1
