"""faust alone: the worker's agents (same settings, same ``take_events`` batches) that only count.

Started by ``bench.ingest`` as a process of its own; writes
``<events> <seconds from the first batch to the last>`` to DATA_DIR/faust-count.txt and exits when it has
seen the expected number of events. It shows what faust's per-event path
costs before Tillid decodes or applies anything.

Run: ``.venv/bin/python -m bench._faust_count KAFKA PREFIX APP_ID EXPECTED PARTITIONS DATA_DIR``
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import faust

from tillid.streams import app as worker_app
from tillid.streams.topics import CONSUMED_TOPICS


def main(argv: list[str]) -> int:
    kafka, prefix, app_id, expected, partitions, data_dir = argv
    result = Path(data_dir) / "faust-count.txt"
    expected = int(expected)
    app = faust.App(
        app_id, broker=f"kafka://{kafka}", store="memory://", web_enabled=False, topic_partitions=int(partitions),
        topic_allow_declare=True, consumer_auto_offset_reset="earliest", datadir=str(Path(data_dir) / "faust"),
        broker_rebalance_timeout=worker_app.REBALANCE_TIMEOUT_SECONDS,
        broker_session_timeout=worker_app.SESSION_TIMEOUT_SECONDS,
        broker_heartbeat_interval=worker_app.HEARTBEAT_SECONDS, stream_wait_empty=False)
    seen = {"count": 0, "first": None}

    def add_agent(name: str) -> None:
        topic = app.topic(prefix + name, key_type=bytes, value_type=bytes, key_serializer="raw",
                          value_serializer="raw")

        async def count(stream):
            async for events in stream.take_events(worker_app.BATCH_SIZE, within=worker_app.BATCH_WITHIN_SECONDS):
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
