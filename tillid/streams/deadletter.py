"""Dead letters: rejected input with the original bytes, where it came from, and why."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass

from tillid.store.tallies import Tally


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


async def record(conn, letters: list[DeadLetter], topic_prefix: str = "") -> None:
    """Keep dead letters in the store too, for people to look at, and count them per topic (without
    ``topic_prefix``) for the stats."""
    if not letters:
        return
    await conn.executemany(
        """INSERT INTO deadletters (topic, partition, "offset", reason, raw) VALUES ($1, $2, $3, $4, $5)""",
        [(d.topic, d.partition, d.offset, d.reason, d.raw) for d in letters])
    tally = Tally()
    for letter in letters:
        tally.add(letter.topic.removeprefix(topic_prefix), "deadlettered")
    await tally.write(conn)
