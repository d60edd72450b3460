"""`tillid publish FILE|-`: validate JSON events and publish them to their topics."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Iterator

from tillid.cli.io import readable
from tillid.config import Settings
from tillid.errors import InvalidEvent, InvalidInput
from tillid.runtime.services import require_reachable_kafka, require_services

SHOWN_ERRORS = 50


def register(sub) -> argparse.ArgumentParser:
    parser = sub.add_parser("publish", help="validate and publish JSON events",
                            description="Read events (one JSON object per line, or one JSON list), validate "
                                        "every one, and publish them keyed by organisation straight to Kafka "
                                        "(TILLID_KAFKA), as an HR integration with a Kafka client does. With "
                                        "any invalid event nothing is published, unless --skip-invalid. Kafka "
                                        "alone keeps what it acknowledged: the embedded broker of `tillid up` "
                                        "keeps nothing across a restart; events posted to POST /api/events "
                                        "are stored in PostgreSQL first and never lost.")
    parser.add_argument("file", metavar="FILE|-", help="events file, or - for standard input")
    parser.add_argument("--skip-invalid", action="store_true", help="publish the valid events, skip the rest")
    return parser


def run(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    require_services(settings, database=False)
    errors = [error for error in _check(args.file)]
    for error in errors[:SHOWN_ERRORS]:
        print(f"tillid publish: {error}", file=sys.stderr)
    if len(errors) > SHOWN_ERRORS:
        print(f"tillid publish: ... and {len(errors) - SHOWN_ERRORS} more invalid events", file=sys.stderr)
    if errors and not args.skip_invalid:
        print(f"tillid publish: nothing published: {len(errors)} invalid event(s)", file=sys.stderr)
        return 2
    require_reachable_kafka(settings.kafka)
    from tillid.streams.producer import PublishProgress, publish
    from tillid.streams.topics import ensure_topics

    # Created here rather than by the broker on the first send, so that they get their partitions
    # and retention (TILLID_TOPIC_RETENTION_DAYS) as the worker would create them.
    ensure_topics(settings)
    progress = PublishProgress(lambda line: print(f"tillid publish: {line}", file=sys.stderr, flush=True))
    sent = publish(settings, (envelope for envelope in _valid(args.file)), progress=progress)
    skipped = f", skipped {len(errors)} invalid" if errors else ""
    print(f"published {sent} events{skipped}")
    return 0


def _check(path: str) -> Iterator[str]:
    from tillid.competence.events import validate

    for where, item, problem in read_events(path):
        if problem is None:
            try:
                validate(item)
                continue
            except InvalidEvent as error:
                problem = error.reason
        yield f"{where}: {problem}"


def _valid(path: str):
    from tillid.competence.events import validate

    for _, item, problem in read_events(path):
        if problem is None:
            try:
                yield validate(item)
            except InvalidEvent:
                continue


_stdin_cache: list[str] | None = None


def _lines(path: str) -> Iterator[str]:
    """Lines of the file; standard input is kept so it can be read twice (check, then publish)."""
    global _stdin_cache
    if path == "-":
        if _stdin_cache is None:
            _stdin_cache = sys.stdin.read().splitlines(keepends=True)
        yield from _stdin_cache
        return
    with readable(path), open(path, encoding="utf-8") as handle:
        yield from handle


def read_events(path: str) -> Iterator[tuple[str, object, str | None]]:
    """(where, parsed JSON, problem or None) for each event of a JSON-lines or JSON-list file."""
    first = next((line for line in _lines(path) if line.strip()), None)
    if first is None:
        return
    if first.lstrip().startswith("["):
        try:
            items = json.loads("".join(_lines(path)))
        except json.JSONDecodeError as error:
            raise InvalidInput("", f"the JSON list is not valid JSON ({error.msg} at line {error.lineno})") from None
        for index, item in enumerate(items):
            yield f"item {index}", item, None
        return
    for number, line in enumerate(_lines(path), start=1):
        if not line.strip():
            continue
        try:
            yield f"line {number}", json.loads(line), None
        except json.JSONDecodeError as error:
            yield f"line {number}", None, f"not valid JSON ({error.msg} at column {error.colno})"
