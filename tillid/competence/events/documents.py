"""The shipped JSON Schema documents of the event contract (``schemas/<Type>.v1.json``)."""

from __future__ import annotations

import copy
import json
from functools import cache
from importlib import resources
from typing import Any

ENVELOPE_FILE = "Envelope.v1.json"


def schema_file_name(event_type: str, schema_version: int = 1) -> str:
    return f"{event_type}.v{schema_version}.json"


@cache
def _load_all() -> dict[str, dict[str, Any]]:
    folder = resources.files(__package__).joinpath("schemas")
    documents = {}
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        if entry.name.endswith(".json"):
            documents[entry.name] = json.loads(entry.read_text(encoding="utf-8"))
    return documents


def schema_document(file_name: str) -> dict[str, Any]:
    """The shared parsed document; callers must not modify it."""
    return _load_all()[file_name]


def schema_documents() -> dict[str, dict[str, Any]]:
    """File name -> schema document (a fresh copy), for ``tillid schemas`` and producers."""
    return copy.deepcopy(_load_all())
