"""The soak under faults, two minutes of it (`tillid bench soak`, docs/benchmarks.md "Soak under faults").

A real `tillid up --no-demo` on a fresh data directory gets the demo stream at scale 0.05 and then
200 events a second, half through POST /api/events and half straight to Kafka, while its worker is
killed with SIGKILL every 40 seconds, its broker once and PostgreSQL once. Every check of the bench
must hold: each accepted event applied exactly once, /api/stats accounts for everything, no 5xx but
503 while PostgreSQL was down, no upward trend in the worker's memory, and the same proposals as a
fresh system computes from the same events.
"""

from __future__ import annotations

import pytest

from bench.soak import parse, soak

pytestmark = pytest.mark.services


def test_two_minutes_under_faults_lose_nothing_double_nothing_and_change_no_proposal(tmp_path):
    report = soak(parse(["--minutes", "2", "--rate", "200", "--scale", "0.05", "--kill-every", "40",
                         "--pg-down", "5", "--settle-timeout", "120", "--keep-logs", str(tmp_path / "soak")]))
    print(report.text())
    faults = report.faults
    assert len(faults["worker_kills"]) == 2 and faults["broker_killed"] and faults["broker_back"], report.text()
    assert faults["postgres_down"] and faults["postgres_back"], report.text()
    assert report.accepted > 0.8 * 200 * 120, report.text()
    names = {check.name for check in report.checks}
    assert len(names) == 7, report.text()
    assert all(check.ok for check in report.checks), report.text()
