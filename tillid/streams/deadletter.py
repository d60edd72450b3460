"""Dead letters: rejected input with the original bytes, where it came from, and why.

The worker sends each to the dead-letter topic (``value``, ``headers``) and keeps it in the store
(``tillid.store.deadletters.record``, re-exported here as ``record``)."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass

from tillid.store.deadletters import record

__all__ = ["DeadLetter", "record"]


@dataclass(frozen=True)
class DeadLetter:
    topic: str
    partition: int | None
    offset: int | None
    key: bytes | None
    raw: bytes
    reason: str

    def value(self) -> bytes:
        """The dead-letter message: readable metadata plus the original bytes, untouched."""
        try:
            original_text: str | None = self.raw.decode("utf-8")
        except UnicodeDecodeError:
            original_text = None
        return json.dumps({
            "reason": self.reason,
            "topic": self.topic,
            "partition": self.partition,
            "offset": self.offset,
            "key": self.key.decode("utf-8", "replace") if self.key is not None else None,
            "original": original_text,
            "original_base64": base64.b64encode(self.raw).decode("ascii"),
        }, ensure_ascii=False).encode("utf-8")

    def headers(self) -> list[tuple[str, bytes]]:
        return [("tillid-reason", self.reason.encode("utf-8")),
                ("tillid-topic", self.topic.encode("utf-8")),
                ("tillid-partition", str(self.partition).encode()),
                ("tillid-offset", str(self.offset).encode())]
