"""DigitalisationChange: fewer hours, new tasks, new requirements and retired tasks.

Its hours factors and retirements are kept, so that demand reported before the change but read
after it is scaled too (tillid/store/projection/demand.py)."""

from __future__ import annotations

import json
from datetime import date

from tillid.store.projection.context import BatchContext
from tillid.store.projection.demand import lock_tasks, settle_pairs
from tillid.store.projection.handlers import _UPSERT_TASK, _task_row

_SCALING = ("hours_factor", "retire_task")


async def apply_digitalisation_change(conn, event, ctx: BatchContext) -> None:
    p = event.payload
    change_id, organisation = p["change_id"], p["organisation_id"]
    inserted = await conn.fetchval(
        """INSERT INTO digitalisation_changes (change_id, organisation_id, workplace_ids, description,
                                              effective_on, effects, event_id)
           VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7) ON CONFLICT (change_id) DO NOTHING RETURNING change_id""",
        change_id, organisation, p.get("workplace_ids"), p["description"],
        date.fromisoformat(p["effective_on"]), json.dumps(p["effects"]), event.event_id)
    if inserted is None:
        return  # the same change sent again under a new event id: its effects are already applied
    await lock_tasks(conn, {effect["task"]["task_id"] if effect["kind"] == "new_task" else effect["task_id"]
                            for effect in p["effects"]}, exclusive=True)
    workplaces = list(p.get("workplace_ids") or [row["workplace_id"] for row in await conn.fetch(
        "SELECT workplace_id FROM workplaces WHERE organisation_id = $1 ORDER BY workplace_id", organisation)])
    effects = list(enumerate(p["effects"]))
    await conn.executemany(
        """INSERT INTO hours_factors (change_id, effect_index, organisation_id, workplace_ids, task_id, retires,
                                     factor, occurred_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)""",
        [(change_id, index, organisation, p.get("workplace_ids"), effect["task_id"], effect["kind"] == "retire_task",
          float(effect.get("factor", 0.0)), event.occurred_at) for index, effect in effects
         if effect["kind"] in _SCALING])
    new_demand = []
    for _, effect in effects:
        if effect["kind"] == "new_task":
            new_demand.extend(await _new_task(conn, effect, event.occurred_at))
        elif effect["kind"] == "requirement":
            await _requirement(conn, organisation, effect)
        elif effect["kind"] == "retire_task":
            await conn.execute("INSERT INTO retired_tasks VALUES ($1, $2) ON CONFLICT DO NOTHING",
                               organisation, effect["task_id"])
    scaled_tasks = sorted({effect["task_id"] for _, effect in effects if effect["kind"] in _SCALING})
    reported = [(r["workplace_id"], r["task_id"]) for r in await conn.fetch(
        """SELECT DISTINCT workplace_id, task_id FROM task_demand_reports
           WHERE task_id = ANY($1::text[]) AND workplace_id = ANY($2::text[])""", scaled_tasks, workplaces)]
    await settle_pairs(conn, reported + new_demand)
    for workplace in sorted(set(workplaces) | {w for w, _ in new_demand}):
        ctx.touch_workplace(workplace)
    ctx.touch_organisation(organisation)
    ctx.touch_rotation()


async def _new_task(conn, effect, occurred_at) -> list[tuple[str, str]]:
    """Define the task and report its demand at the change's time; returns the pairs reported."""
    task = effect["task"]
    await conn.execute(_UPSERT_TASK, *_task_row(task))
    hours = sorted((effect.get("hours_per_week") or {}).items())
    await conn.executemany(
        """INSERT INTO task_demand_reports (workplace_id, task_id, reported_at, hours_per_week) VALUES ($1, $2, $3, $4)
           ON CONFLICT (workplace_id, task_id, reported_at) DO UPDATE SET hours_per_week = EXCLUDED.hours_per_week""",
        [(workplace, task["task_id"], occurred_at, float(h)) for workplace, h in hours])
    return [(workplace, task["task_id"]) for workplace, _ in hours]


async def _requirement(conn, organisation, effect) -> None:
    await conn.execute(
        """INSERT INTO local_requirements (organisation_id, task_id, skill_id, min_level) VALUES ($1, $2, $3, $4)
           ON CONFLICT (organisation_id, task_id, skill_id) DO UPDATE SET min_level = EXCLUDED.min_level""",
        organisation, effect["task_id"], effect["skill"], int(effect["min_level"]))
