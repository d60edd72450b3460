"""Event validation throughput on one core: Tillid's validate/decode against plain jsonschema.

A realistic mix of input events (mostly competence assessments, task
assignments and employee updates, a few task definitions, catalogue entries
and digitalisation changes) is built from the fixture shapes with varied ids
and values, seeded. Measured, best of ``--repeat`` runs:

- ``decode``: bytes -> Envelope (JSON parsing + validation + read-only payload);
- ``validate``: parsed dict -> Envelope;
- the reference: jsonschema ``Draft202012Validator.is_valid`` with format
  checking on the same dicts (what validation with jsonschema alone costs);
- ``invalid``: rejected events -> InvalidEvent with its reason (the slow path).

Run: ``.venv/bin/python -m bench.events_validation [--events N] [--repeat R]``
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import sys
import time
from pathlib import Path

from tillid.competence.events import decode, validate
from tillid.competence.events.validation import _precise_validator
from tillid.errors import InvalidEvent

FIXTURE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "events_valid.jsonl"

# Share of each type in the mix (an HR/operations feed is dominated by assessments and hours).
MIX = {
    "CompetenceAssessed": 35, "TaskAssignmentReported": 20, "EmployeeUpserted": 15, "TaskDemandChanged": 8,
    "CourseCompleted": 7, "RotationInterestExpressed": 3, "LearningActivityPublished": 3, "TaskDefined": 3,
    "WorkplaceUpserted": 2, "AuthorisationRuleChanged": 1, "DigitalisationChange": 1, "RotationSlotOffered": 1,
    "EmployeeLeft": 1,
}


def build_mix(count: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    shapes = {event["type"]: event for event in map(json.loads, FIXTURE.read_text(encoding="utf-8").splitlines())}
    types = rng.choices(list(MIX), weights=list(MIX.values()), k=count)
    events = []
    for index, event_type in enumerate(types):
        event = copy.deepcopy(shapes[event_type])
        event["event_id"] = f"bench-{seed}-{index}"
        payload = event["payload"]
        if "employee_id" in payload:
            payload["employee_id"] = f"emp-{rng.randrange(5000):05d}"
        if "level" in payload:
            payload["level"] = rng.randrange(6)
        if "hours_per_week" in payload:
            payload["hours_per_week"] = round(rng.uniform(0, 37), 1)
        events.append(event)
    return events


def invalid_copies(events: list[dict], count: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    broken = []
    for event in rng.sample(events, count):
        event = copy.deepcopy(event)
        field = rng.choice(sorted(event["payload"]))
        event["payload"][field] = [{"unexpected": True}]  # wrong for every field in the mix
        broken.append(event)
    return broken


def rate(function, items, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for item in items:
            function(item)
        best = min(best, time.perf_counter() - start)
    return len(items) / best


def reject(event: dict) -> None:
    try:
        validate(event)
    except InvalidEvent:
        return
    raise AssertionError("a broken event passed validation")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench.events_validation")
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    events = build_mix(args.events, args.seed)
    raws = [json.dumps(event).encode("utf-8") for event in events]
    invalid = invalid_copies(events, max(1, args.events // 20), args.seed)
    for event in events[:200]:  # compile validators outside the timing
        validate(event)
    for event in invalid[:50]:
        reject(event)

    def reference(event: dict) -> None:
        if not _precise_validator(event["type"]).is_valid(event):
            raise AssertionError("the reference rejected a valid event")

    results = [
        ("decode (bytes -> Envelope)", rate(decode, raws, args.repeat)),
        ("validate (dict -> Envelope)", rate(validate, events, args.repeat)),
        ("reference: jsonschema is_valid", rate(reference, events, args.repeat)),
        ("invalid -> InvalidEvent reason", rate(reject, invalid, args.repeat)),
    ]
    reference_rate = results[2][1]
    print(f"{len(events)} events ({len(invalid)} invalid), best of {args.repeat}, one core")
    print(f"{'what':34} {'events/s':>10} {'vs reference':>13}")
    for name, value in results:
        print(f"{name:34} {value:10,.0f} {value / reference_rate:12.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
