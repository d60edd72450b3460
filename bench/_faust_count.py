"""faust alone: one faust agent per consumed topic, taking ``take_events`` batches, that only counts.

Started by ``bench.ingest`` as a process of its own; writes
``<events> <seconds from the first batch to the last>`` to DATA_DIR/faust-count.txt and exits when it has
seen the expected number of events. It shows what faust's per-event path
costs before anything is decoded or applied: the reason the worker reads its
batches straight from aiokafka (tillid/streams/consumer.py). The settings are
those the worker's faust agents had.

Run: ``.venv/bin/python -m bench._faust_count KAFKA PREFIX APP_ID EXPECTED PARTITIONS DATA_DIR``
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import faust

from tillid.streams.topics import CONSUMED_TOPICS


BATCH_SIZE = 2000
BATCH_WITHIN_SECONDS = 0.05


def main(argv: list[str]) -> int:
    kafka, prefix, app_id, expected, partitions, data_dir = argv
    result = Path(data_dir) / "faust-count.txt"
    expected = int(expected)
    app = faust.App(
        app_id, broker=f"kafka://{kafka}", store="memory://", web_enabled=False, topic_partitions=int(partitions),
        topic_allow_declare=True, consumer_auto_offset_reset="earliest", datadir=str(Path(data_dir) / "faust"),
        broker_rebalance_timeout=6.0, broker_session_timeout=10.0, broker_heartbeat_interval=1.0,
        stream_wait_empty=False)
    seen = {"count": 0, "first": None}

    def add_agent(name: str) -> None:
        topic = app.topic(prefix + name, key_type=bytes, value_type=bytes, key_serializer="raw",
                          value_serializer="raw")

        async def count(stream):
            async for events in stream.take_events(BATCH_SIZE, within=BATCH_WITHIN_SECONDS):
                if seen["first"] is None:
                    seen["first"] = time.perf_counter()
                seen["count"] += len(events)
                if seen["count"] >= expected:
                    result.write_text(f"{seen['count']} {time.perf_counter() - seen['first']}\n")
                    os._exit(0)

        app.agent(topic, name=f"count.{name}")(count)

    for name in CONSUMED_TOPICS:
        add_agent(name)
    from faust.worker import Worker

    Worker(app, loglevel="warn", quiet=True).execute_from_commandline()
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
