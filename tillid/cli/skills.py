"""`tillid skills map`: free-text competence names to skill ids, one JSON object per line."""

from __future__ import annotations

import argparse
import json
import sys

from tillid.cli.io import read_text


def register(sub) -> argparse.ArgumentParser:
    parser = sub.add_parser("skills", help="the skill taxonomy",
                            description="Work with the skill taxonomy (docs/taxonomy.md).")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", parser_class=type(parser))
    actions.required = True
    mapping = actions.add_parser(
        "map", help="map competence names to skill ids",
        description="Read competence names, one per line, and write one JSON object per line: "
                    '{"name": ..., "skill": SKILL_ID or null, "label": ..., "confidence": 0..1}. '
                    "skill and label are null when the confidence is below the threshold that "
                    "sends the name to the unmapped queue. Empty lines are skipped.")
    mapping.add_argument("--input", metavar="FILE", help="names, one per line (default: standard input)")
    return parser


def run(args: argparse.Namespace) -> int:
    # Imported here so that `tillid --help` does not load scikit-learn.
    from tillid.competence.taxonomy import default_mapper
    from tillid.config import Settings

    names = [line.strip() for line in read_text(args.input).splitlines()]
    # The index file in the data directory spares every run but the first the fitting.
    mapper = default_mapper(Settings.from_env().data_dir)
    out = sys.stdout
    for name in names:
        if name:
            out.write(json.dumps(mapper.map(name).as_json(), ensure_ascii=False) + "\n")
    out.flush()
    return 0
