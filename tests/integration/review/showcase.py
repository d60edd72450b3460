"""Realistic data for the browser tests and the screenshots: the demo organisation as the engine sees it.

The demo generator's organisations (scale 0.1) are projected into the store
and the real re-matcher proposes from them, so the pages show what the
matching engine says. For the elder-care MED committee, one upskilling
proposal is approved (its people get suggestions) and one proposal rejected,
so the history is not empty; the LEON proposal the browser amends is the one with the most parts.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import asyncpg

from tillid.competence.demo import generate_events
from tillid.competence.events import new_envelope, validate
from tillid.store.projection.projector import Projector
from tillid.store.proposals import record_and_publish
from tillid.streams.rematcher import Rematcher
from tests.services import SIGNING_KEY

KEY = SIGNING_KEY.encode()

COMMITTEE = "med-soendermark-aeldre"
NOW = datetime(2026, 11, 23, 9, tzinfo=timezone.utc)
BATCH = 2000


async def load_demo(conn, scale: float = 0.1) -> None:
    events = [validate(e) for e in generate_events(seed=42, scale=scale)]
    for start in range(0, len(events), BATCH):
        await Projector().apply(conn, events[start:start + BATCH])


async def settle(conn, database_url: str) -> None:
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=2)
    try:
        rematcher = Rematcher(pool, debounce_seconds=0)
        for _ in range(100):
            await rematcher.run_once()
            if not await conn.fetchval("SELECT count(*) FROM dirty_scopes"):
                return
        raise AssertionError("the re-matcher did not settle")
    finally:
        await pool.close()


def _decision(proposal_id: str, decision: str, comment: str, at: datetime) -> dict:
    stamp = at.isoformat().replace("+00:00", "Z")
    return new_envelope("ProposalDecided", {"proposal_id": proposal_id, "by": "committee", "decision": decision,
                                            "comment": comment, "decided_at": stamp},
                        source="tillid-review", occurred_at=stamp, event_id_name=f"showcase/{proposal_id}/{decision}")


async def _pending(conn, kind: str) -> list:
    return await conn.fetch("""SELECT proposal_id, scope, explanation, jsonb_array_length(items) AS items
                               FROM proposals WHERE committee_id = $1
                               AND kind = $2 AND status = 'pending' ORDER BY scope""", COMMITTEE, kind)


async def build(conn, database_url: str) -> dict:
    """Load and propose; returns the ids and texts the browser tests use."""
    await load_demo(conn)
    await settle(conn, database_url)
    upskilling = (await _pending(conn, "upskilling_path"))[0]
    leon = await _pending(conn, "leon_allocation")
    async with conn.transaction():
        await record_and_publish(conn, _decision(upskilling["proposal_id"], "approved",
                                                 "Godkendt: kurserne lægges uden for ferieperioden.",
                                                 NOW - timedelta(days=2)), key="org", signing_key=KEY)
        await record_and_publish(conn, _decision(leon[-1]["proposal_id"], "rejected",
                                                 "Afvist: vi afventer den nye lokale instruks.",
                                                 NOW - timedelta(days=1)), key="org", signing_key=KEY)
    # The one the browser amends: of those left pending, the one with the most parts to keep or drop.
    chosen = max(leon[:-1], key=lambda row: row["items"])
    explanation = json.loads(chosen["explanation"])
    suggestion = await conn.fetchrow("""SELECT suggestion_id, employee_id, summary_da FROM suggestions
                                        WHERE status = 'open' ORDER BY employee_id LIMIT 1""")
    return {
        "leon": chosen["proposal_id"],
        "leon_task": explanation["demand"][0]["name_da"],
        "leon_items": chosen["items"],
        "pending": await conn.fetchval("SELECT count(*) FROM proposals WHERE committee_id = $1 "
                                       "AND status = 'pending'", COMMITTEE),
        "employee": suggestion["employee_id"],
        "suggestion": suggestion["suggestion_id"],
        "suggestion_text": suggestion["summary_da"].split(" (")[0].removeprefix("Forslag: "),
    }
