"""The audit log: every read or change of a person's data, written in the transaction of the read.

If the audit row cannot be written, the transaction fails and so does the
read: nobody sees a person's data without a trace of it.
"""

from __future__ import annotations

import asyncpg

from tillid.errors import DatabaseUnavailable
from tillid.review.auth import Principal


async def audited(conn, principal: Principal, subject: str, action: str, endpoint: str, purpose: str = "") -> None:
    """Write one audit entry in the caller's transaction; a failure refuses the read (503)."""
    try:
        await conn.execute(
            "INSERT INTO audit_log (actor, subject, action, endpoint, purpose) VALUES ($1, $2, $3, $4, $5)",
            principal.role, subject, action, endpoint, purpose)
    except (asyncpg.PostgresError, asyncpg.InterfaceError) as error:
        raise DatabaseUnavailable(f"the audit log could not be written ({type(error).__name__}); "
                                  "the read was refused") from error


def purpose_of(principal: Principal) -> str:
    return {"admin": "administration", "committee": "committee review", "employee": "own data",
            "hr": "integration"}[principal.kind]
