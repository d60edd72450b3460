"""The review service on a real uvicorn, on a free loopback port, in a thread of its own."""

from __future__ import annotations

import contextlib
import threading
import time
import urllib.request
from typing import Iterator

import uvicorn

from tillid.cli.api import proxy_options
from tillid.config import Settings
from tillid.review.app import create_app
from tillid.runtime.embedded import free_port


@contextlib.contextmanager
def serving(settings: Settings) -> Iterator[str]:
    """Run the app until the block ends; yields its base URL once /healthz answers."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port,
                                           log_level="warning", access_log=False, lifespan="on",
                                           **proxy_options(settings)))
    thread = threading.Thread(target=server.run, name="review-live", daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the review service did not start")
        time.sleep(0.05)
    try:
        with urllib.request.urlopen(f"{base}/api/openapi.json", timeout=10):
            pass
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=15)
