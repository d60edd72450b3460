"""`tillid schemas`: all schema files to a directory, or one JSON object on standard output."""

from __future__ import annotations

import json

from jsonschema import Draft202012Validator, FormatChecker

from tests.unit.competence.events_fixture import valid_events
from tillid.cli import main
from tillid.competence.events import EVENT_TYPES, schema_documents


def test_out_writes_one_valid_schema_file_per_type(tmp_path):
    target = tmp_path / "schemas"
    assert main(["schemas", "--out", str(target)]) == 0
    names = sorted(path.name for path in target.iterdir())
    assert names == sorted([f"{t}.v1.json" for t in EVENT_TYPES] + ["Envelope.v1.json"])
    for path in target.iterdir():
        document = json.loads(path.read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(document)
    for event in valid_events():
        document = json.loads((target / f"{event['type']}.v1.json").read_text(encoding="utf-8"))
        assert Draft202012Validator(document, format_checker=FormatChecker()).is_valid(event)


def test_without_out_prints_all_schemas_as_one_object(capsys):
    assert main(["schemas"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == schema_documents()
    for document in printed.values():
        Draft202012Validator.check_schema(document)


def test_unwritable_out_is_one_line_and_exit_2(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["schemas", "--out", str(blocker / "sub")]) == 2
    error = capsys.readouterr().err
    assert error.startswith("tillid schemas: --out: cannot write to") and error.count("\n") == 1
