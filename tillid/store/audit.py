"""The audit log in the store: who read or changed whose data, through which endpoint."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """Who reads: the token's role (``committee:med-a``) and the holder it was issued to, if any."""

    role: str
    holder: str | None


@dataclass(frozen=True)
class Read:
    """One audit row's own part: whose data (``subject``) and what was done with it."""

    subject: str
    action: str


async def record(conn, actor: Actor, reads: Sequence[Read], endpoint: str, purpose: str) -> None:
    """Write one row per read, all in one statement, in the caller's transaction."""
    if not reads:
        return
    await conn.execute(
        """INSERT INTO audit_log (actor, holder, subject, action, endpoint, purpose)
           SELECT $1, $2, r.subject, r.action, $5, $6 FROM unnest($3::text[], $4::text[]) AS r (subject, action)""",
        actor.role, actor.holder, [r.subject for r in reads], [r.action for r in reads], endpoint, purpose)
