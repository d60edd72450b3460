"""`tillid worker`: the stream worker against TILLID_KAFKA and TILLID_DATABASE_URL."""

from __future__ import annotations

import argparse

from tillid.config import Settings
from tillid.runtime.services import require_reachable_kafka, require_services


def register(sub) -> argparse.ArgumentParser:
    return sub.add_parser("worker", help="run the stream worker",
                          description="Consume the event topics, keep the store current and issue proposals. "
                                      "Several workers with the same TILLID_APP_ID share the partitions.")


def run(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    require_services(settings)
    settings.signing_key()  # checks decisions and answers with it: refuse to start without
    require_reachable_kafka(settings.kafka)
    from tillid.streams.app import run_worker
    from tillid.streams.topics import ensure_topics

    ensure_topics(settings)
    run_worker(settings)
    return 0
