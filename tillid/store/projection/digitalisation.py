"""DigitalisationChange: fewer hours, new tasks, new requirements and retired tasks."""

from __future__ import annotations

import json
from datetime import date

from tillid.store.projection.context import BatchContext
from tillid.store.projection.handlers import _UPSERT_TASK, _task_row


async def apply_digitalisation_change(conn, event, ctx: BatchContext) -> None:
    p = event.payload
    organisation = p["organisation_id"]
    inserted = await conn.fetchval(
        """INSERT INTO digitalisation_changes (change_id, organisation_id, workplace_ids, description,
                                              effective_on, effects, event_id)
           VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7) ON CONFLICT (change_id) DO NOTHING RETURNING change_id""",
        p["change_id"], organisation, p.get("workplace_ids"), p["description"],
        date.fromisoformat(p["effective_on"]), json.dumps(p["effects"]), event.event_id)
    if inserted is None:
        return  # the same change sent again under a new event id: its effects are already applied
    workplaces = list(p.get("workplace_ids") or [row["workplace_id"] for row in await conn.fetch(
        "SELECT workplace_id FROM workplaces WHERE organisation_id = $1 ORDER BY workplace_id", organisation)])
    for effect in p["effects"]:
        await _EFFECTS[effect["kind"]](conn, p["change_id"], organisation, workplaces, effect)
    for workplace in workplaces:
        ctx.touch_workplace(workplace)
    ctx.touch_organisation(organisation)
    ctx.touch_rotation()


async def _hours_factor(conn, change_id, organisation, workplaces, effect) -> None:
    factor = float(effect["factor"])
    rows = await conn.fetch(
        """UPDATE task_demand SET hours_per_week = hours_per_week * $3
           WHERE task_id = $1 AND workplace_id = ANY($2::text[])
           RETURNING workplace_id, hours_per_week / $3 - hours_per_week AS freed""",
        effect["task_id"], workplaces, factor)
    await _record_freed(conn, change_id, effect["task_id"], [(r["workplace_id"], r["freed"]) for r in rows])


async def _new_task(conn, change_id, organisation, workplaces, effect) -> None:
    task = effect["task"]
    await conn.execute(_UPSERT_TASK, *_task_row(task))
    hours = effect.get("hours_per_week") or {}
    await conn.executemany(
        """INSERT INTO task_demand (workplace_id, task_id, hours_per_week) VALUES ($1, $2, $3)
           ON CONFLICT (workplace_id, task_id) DO UPDATE SET hours_per_week = EXCLUDED.hours_per_week""",
        [(workplace, task["task_id"], float(h)) for workplace, h in sorted(hours.items())])


async def _requirement(conn, change_id, organisation, workplaces, effect) -> None:
    await conn.execute(
        """INSERT INTO local_requirements (organisation_id, task_id, skill_id, min_level) VALUES ($1, $2, $3, $4)
           ON CONFLICT (organisation_id, task_id, skill_id) DO UPDATE SET min_level = EXCLUDED.min_level""",
        organisation, effect["task_id"], effect["skill"], int(effect["min_level"]))


async def _retire_task(conn, change_id, organisation, workplaces, effect) -> None:
    await conn.execute("INSERT INTO retired_tasks VALUES ($1, $2) ON CONFLICT DO NOTHING",
                       organisation, effect["task_id"])
    rows = await conn.fetch(
        """DELETE FROM task_demand WHERE task_id = $1 AND workplace_id = ANY($2::text[])
           RETURNING workplace_id, hours_per_week AS freed""", effect["task_id"], workplaces)
    await _record_freed(conn, change_id, effect["task_id"], [(r["workplace_id"], r["freed"]) for r in rows])


async def _record_freed(conn, change_id, task_id, freed: list[tuple[str, float]]) -> None:
    await conn.executemany(
        """INSERT INTO freed_hours (change_id, workplace_id, task_id, hours) VALUES ($1, $2, $3, $4)
           ON CONFLICT DO NOTHING""",
        [(change_id, workplace, task_id, float(hours)) for workplace, hours in freed if hours > 0])


_EFFECTS = {
    "hours_factor": _hours_factor,
    "new_task": _new_task,
    "requirement": _requirement,
    "retire_task": _retire_task,
}
