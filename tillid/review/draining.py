"""While `tillid up` stops in order, the review service answers reads and refuses writes.

Every write (posted events, decisions, answers, rotation interest) is
refused with 503 and ``Retry-After`` while the drain flag is raised
(``tillid.runtime.drain.DrainFlag``, raised by `tillid up`, which then waits: ``tillid/cli/drain.py``), so that what was accepted before is applied before
the system stops and nothing new arrives meanwhile.
"""

from __future__ import annotations

from pathlib import Path

from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from tillid.runtime.drain import DrainFlag

READS = frozenset({"GET", "HEAD", "OPTIONS"})
# A stop and the next start take longer than a refusal for an unavailable database (5 s).
RETRY_AFTER_SECONDS = 30


class RefuseWritesWhileDraining:
    """ASGI middleware: 503 with ``Retry-After`` for every write while the drain flag is raised."""

    def __init__(self, app: ASGIApp, data_dir: Path) -> None:
        self.app = app
        self.flag = DrainFlag(data_dir)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in READS and self.flag.is_raised():
            response = JSONResponse({"detail": "Tillid is stopping and accepts nothing now; send this again "
                                               "after it has started"},
                                    status_code=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
