"""Which organisation a workplace, an employee or a rotation slot belongs to, as the store knows it."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass


@dataclass(frozen=True)
class OrganisationLinks:
    """The links the Keyer resolves ``employee -> workplace -> organisation`` (and slot -> workplace) with."""

    workplace_org: dict[str, str]
    employee_workplace: dict[str, str]
    slot_workplace: dict[str, str]


async def organisation_links(conn, workplace_ids: Collection[str], employee_ids: Collection[str],
                             slot_ids: Collection[str]) -> OrganisationLinks:
    """The links of the named workplaces, employees and slots, and the organisations of their workplaces."""
    employees = dict(await conn.fetch("SELECT employee_id, workplace_id FROM employees "
                                      "WHERE employee_id = ANY($1::text[])", list(employee_ids)))
    slots = dict(await conn.fetch("SELECT slot_id, host_workplace_id FROM rotation_slots "
                                  "WHERE slot_id = ANY($1::text[])", list(slot_ids)))
    named = set(workplace_ids) | set(employees.values()) | set(slots.values())
    workplaces = dict(await conn.fetch("SELECT workplace_id, organisation_id FROM workplaces "
                                       "WHERE workplace_id = ANY($1::text[])", sorted(named)))
    return OrganisationLinks(workplaces, employees, slots)
