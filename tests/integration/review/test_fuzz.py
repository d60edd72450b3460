"""A property-based fuzz of the API from its own OpenAPI document (schemathesis): no answer is a 500.

Every operation is driven with generated valid and invalid requests, as an
admin, a committee and an employee, against a real server on the real store.
Bounded and derandomised, so a run is repeatable and short.
"""

from __future__ import annotations

import json
import urllib.request

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable

from tests.integration.review.conftest import auth

pytestmark = pytest.mark.services

EXAMPLES = 25
ROLES = ("admin", "committee:med-a", "employee:e1")


def fuzz(operation, mode, base: str, headers: dict, session: requests.Session, seen: list) -> None:
    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        response = case.call(base_url=base, session=session, headers=headers, timeout=20)
        seen.append(response.status_code)
        assert response.status_code < 500, (
            f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:300]}")
        if response.status_code >= 400:
            assert isinstance(response.json().get("detail"), (str, list))

    try:
        run()
    except Unsatisfiable:
        # an operation without parameters or body has no invalid request to make
        assert mode == schemathesis.GenerationMode.NEGATIVE, f"no valid request for {operation.label}"


async def test_no_operation_answers_500(live):
    base, tokens = live
    with urllib.request.urlopen(f"{base}/api/openapi.json") as answer:
        schema = schemathesis.openapi.from_dict(json.load(answer))
    seen: list[int] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12
    with requests.Session() as session:
        for operation in operations:
            for role in ROLES:
                for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):
                    fuzz(operation, mode, base, auth(tokens[role]), session, seen)
    assert len(seen) > 500
    assert {200, 403, 404, 422} <= set(seen)
