"""The national benchmark at a tiny scale (`tillid bench national`, docs/benchmarks.md "National benchmark").

A fresh `tillid up --no-demo` gets the demo organisation at scale 0.02 through `tillid demo-data` and
`tillid publish`; the report must have every figure the issue asks for, each plausible.
"""

from __future__ import annotations

import json

import pytest

from bench.national import GOALS, ROLES, main

pytestmark = pytest.mark.services


def test_the_report_has_every_figure_and_each_is_plausible(tmp_path, capsys):
    report_path = tmp_path / "national.json"
    status = main(["--scale", "0.02", "--probes", "5", "--api-calls", "10", "--stable", "2",
                   "--timeout", "300", "--json", str(report_path), "--keep-logs", str(tmp_path / "run")])
    table = capsys.readouterr().out
    report = json.loads(report_path.read_text())
    assert status == 0, table

    assert report["events_published"] > 1000 and report["employees"] > 0, table
    assert report["events_applied"] == report["events_published"], table
    assert 0 < report["publish_seconds"] <= report["applied_seconds"] <= report["settled_seconds"], table
    assert report["proposals"] > 0, table
    assert set(report["peak_memory_mib"]) == set(ROLES), table
    assert set(report["cpu_seconds"]) == set(ROLES), table
    for role in ROLES:
        assert 10 < report["peak_memory_mib"][role] < 4096, (role, table)
        assert 0 < report["cpu_seconds"][role] < 600, (role, table)
    assert report["cpu_seconds"]["worker"] > report["cpu_seconds"]["broker"], table
    assert report["database_bytes"] > 1024 * 1024, table
    assert report["probes"] == 5 and report["probes_unanswered"] == 0, table
    assert 0 < report["latency_median_seconds"] <= report["latency_p95_seconds"] < 30, table
    assert report["largest_committee"] and report["largest_committee_pending"] > 0, table
    assert 0 < report["api_median_seconds"] <= report["api_p95_seconds"] < 10, table
    assert set(report["goals"]) == set(GOALS) and set(report["goals"].values()) <= {"ok", "missed"}, table
    for heading in ("Machine:", "Date:", "Command: tillid bench national --scale 0.02", "| figure | value | goal |",
                    "peak memory: postgres", "CPU time, publish to settled: worker",
                    "event to proposal, 95th percentile", "database size"):
        assert heading in table, heading
