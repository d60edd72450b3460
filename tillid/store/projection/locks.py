"""Advisory locks held to the end of a transaction, taken on text keys in one order (no deadlock
between transactions that lock the same keys)."""

from __future__ import annotations

from typing import Iterable


async def lock_keys(conn, keys: Iterable[str], *, shared: bool = False) -> None:
    ordered = sorted(set(keys))
    if not ordered:
        return
    take = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    await conn.execute(
        f"""SELECT {take}(k) FROM (
               SELECT hashtextextended(key, 0) AS k FROM unnest($1::text[]) AS key ORDER BY 1) AS keys""", ordered)
