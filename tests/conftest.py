"""Shared test configuration. Service fixtures (embedded PostgreSQL and broker) live in tests/services.py."""

import json
from pathlib import Path

import pytest

pytest_plugins = ["tests.services"]

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def valid_events() -> list[dict]:
    """One valid event of every type (tests/fixtures/events_valid.jsonl)."""
    return [json.loads(line) for line in (FIXTURES / "events_valid.jsonl").read_text().splitlines() if line.strip()]
