"""`tillid solve rotation` writes exactly the bytes it wrote before its speed-ups.

The results in tests/fixtures/rotation_golden/ were written by `tillid solve rotation` at
commit 3141044, before the changes that made the command faster. Together the instances
cover every outcome of an explanation (full with one and with several places, not
acceptable for each reason, no places, home workplace at its cap, could block), every
method (plain deferred acceptance, exclusion, swap repair, exhaustive search), blocking
pairs, suggestions, engine-ranked slots, fractional levels and missing optional fields.
The bench market of `bench.solve_cli` (20,000 x 2,000) is checked by the digest of the
28 MB its result was then.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from bench.rotation import make_instance
from tillid.cli import main
from tillid.cli.io import dump_json_bytes
from tillid.matching.rotation import solve, solve_for_orjson

GOLDEN = Path(__file__).resolve().parents[2] / "fixtures" / "rotation_golden"
CASES = sorted(path.name.removesuffix(".instance.json") for path in GOLDEN.glob("*.instance.json"))
BENCH_RESULT_SHA256 = "c56b1d406ed8aa2d84ccdb924b6414ca06a8d5f6785ade0d8c509e6822360fad"


def test_every_golden_instance_has_its_result():
    assert len(CASES) == 7
    assert all((GOLDEN / f"{case}.result.json").is_file() for case in CASES)


@pytest.mark.parametrize("case", CASES)
def test_cli_writes_the_golden_bytes(tmp_path, case):
    target = tmp_path / "result.json"
    assert main(["solve", "rotation", "--input", str(GOLDEN / f"{case}.instance.json"),
                 "--output", str(target)]) == 0
    assert target.read_bytes() == (GOLDEN / f"{case}.result.json").read_bytes()


@pytest.mark.parametrize("case", CASES)
def test_result_to_dict_gives_the_golden_text(case):
    """The streaming pipeline's path (``result_to_dict``) gives the same document."""
    instance = json.loads((GOLDEN / f"{case}.instance.json").read_text(encoding="utf-8"))
    assert dump_json_bytes(solve(instance)) == (GOLDEN / f"{case}.result.json").read_bytes()


def test_bench_market_gives_the_golden_digest():
    instance = json.loads(json.dumps(make_instance(20_000, 2_000, 10, seed=1)))
    digest = hashlib.sha256(dump_json_bytes(solve_for_orjson(instance))).hexdigest()
    assert digest == BENCH_RESULT_SHA256
