"""`tillid schemas [--out DIR]`: the JSON Schemas of the event contract, for producers."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tillid.cli.io import dump_json, write_text
from tillid.errors import InvalidInput


def register(sub) -> argparse.ArgumentParser:
    parser = sub.add_parser(
        "schemas", help="write the JSON Schemas of all event types",
        description="Write the JSON Schema (draft 2020-12) of every event type and of the envelope. "
                    "With --out, one file per schema (<Type>.v1.json) in DIR; without, one JSON object "
                    "{file name: schema} on standard output.")
    parser.add_argument("--out", metavar="DIR", help="directory to write the schema files into (created if absent)")
    return parser


def _file_text(document: dict) -> str:
    """The same text as the schema files shipped in the package."""
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def run(args: argparse.Namespace) -> int:
    from tillid.competence.events import schema_documents

    documents = schema_documents()
    if args.out is None:
        write_text(None, dump_json(documents))
        return 0
    target = Path(args.out)
    try:
        target.mkdir(parents=True, exist_ok=True)
        for name, document in documents.items():
            (target / name).write_text(_file_text(document), encoding="utf-8")
    except OSError as error:
        raise InvalidInput("--out", f"cannot write to {target}: {error.strerror or error}") from None
    print(f"wrote {len(documents)} schema files to {target}", file=sys.stderr)
    return 0
