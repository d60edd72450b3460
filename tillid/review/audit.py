"""The audit log: every read or change of a person's data, written in the transaction of the read.

If the audit rows cannot be written, the transaction fails and so does the
read: nobody sees a person's data without a trace of it. A row names the
token's role and its holder, so a committee's reads lead to the member.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

import asyncpg

from tillid.errors import DatabaseUnavailable
from tillid.matching.proposals.people import people_named
from tillid.review.auth import Principal
from tillid.store import audit as store
from tillid.store.audit import Read


async def audited(conn, principal: Principal, subject: str, action: str, endpoint: str, purpose: str = "") -> None:
    """Write one audit entry in the caller's transaction; a failure refuses the read (503)."""
    await audited_reads(conn, principal, [Read(subject, action)], endpoint, purpose)


async def audited_reads(conn, principal: Principal, reads: Sequence[Read], endpoint: str, purpose: str = "") -> None:
    """Write every entry with one statement in the caller's transaction; a failure refuses the read (503)."""
    try:
        await store.record(conn, store.Actor(principal.role, principal.holder), reads, endpoint, purpose)
    except (asyncpg.PostgresError, asyncpg.InterfaceError) as error:
        raise DatabaseUnavailable(f"the audit log could not be written ({type(error).__name__}); "
                                  "the read was refused") from error


async def audited_proposals(conn, principal: Principal, proposals: Iterable[Mapping[str, Any]], action: str,
                            endpoint: str) -> None:
    """One audit row per person named anywhere in the proposals (mentors, unplaced, blocking pairs
    included); its action is ``action`` and the ids of the proposals that name that person."""
    await audited_reads(conn, principal, reads_of_people(proposals, "proposal_id", action), endpoint,
                        purpose_of(principal))


async def audited_suggestions(conn, principal: Principal, employee_id: str, suggestions: Iterable[Mapping[str, Any]],
                              endpoint: str) -> None:
    """One audit row per other person the employee's suggestions name (the mentors of a peer-training step);
    the employee's own row is the caller's."""
    reads = reads_of_people(suggestions, "suggestion_id", "named in suggestions", leave_out={employee_id})
    await audited_reads(conn, principal, reads, endpoint, purpose_of(principal))


def reads_of_people(documents: Iterable[Mapping[str, Any]], id_key: str, action: str,
                    leave_out: Collection[str] = ()) -> list[Read]:
    """The reads of people that showing ``documents`` (proposals, suggestions) amounts to: one per person,
    naming the documents (by ``id_key``) that name them."""
    naming: dict[str, list[str]] = defaultdict(list)
    for document in documents:
        for person in people_named(document):
            if person not in leave_out:
                naming[person].append(document[id_key])
    return [Read(person, f"{action} {', '.join(ids)}") for person, ids in sorted(naming.items())]


def purpose_of(principal: Principal) -> str:
    return {"admin": "administration", "committee": "committee review", "employee": "own data",
            "hr": "integration"}[principal.kind]
