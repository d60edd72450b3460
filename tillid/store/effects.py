"""What the effect estimator learns from: completions and later assessments, and non-participants' assessments.

The rules are those of ``tools/effect_rows.py`` (the same rows
from an event history, in memory); ``effect_estimates`` runs the estimator on
them. The re-matcher reads the estimates once in a while (``EffectCache``), the
committee page's effect plot reads them too, so both show the same figures.

Proposals must depend on the events alone, not on when the estimates were
read: each refresh compares the estimates with those the proposals were last
chosen with (``effect_estimates_seen``) and marks for re-matching the
workplaces whose pending upskilling proposals concern a skill taught by an
activity whose estimate changed (``record_and_mark_changed``). Estimates are
rounded to ``EFFECT_DIGITS`` decimals as paths use them, so the drift of a
large history does not re-match the country every few minutes.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Callable, Mapping

from tillid.matching.upskilling.effect_estimate import (
    WINDOW_DAYS,
    CatalogueEntry,
    Comparison,
    EffectEstimate,
    EffectEstimator,
    GroupEffect,
    Participation,
)
from tillid.store.scopes import UPSKILLING, mark_dirty

REFRESH_SECONDS = 300.0
# Paths are chosen with estimates rounded to this many decimals (a percentage point).
EFFECT_DIGITS = 2


async def participations(conn, window_days: int = WINDOW_DAYS) -> list[Participation]:
    """One row per passed completion and skill the activity teaches: level before, promise, reached in time."""
    rows = await conn.fetch(
        """SELECT c.activity_id, a.provider, a.kind, t.skill, t.to_level::int AS promised,
                  coalesce(e.profession_id, '') AS profession, c.completed_on,
                  coalesce((SELECT s.level FROM competence_assessments s
                            WHERE s.employee_id = c.employee_id AND s.skill_id = t.skill
                              AND s.assessed_on <= c.completed_on
                            ORDER BY s.assessed_on DESC, s.level DESC LIMIT 1), 0) AS level_before,
                  EXISTS (SELECT 1 FROM competence_assessments s
                          WHERE s.employee_id = c.employee_id AND s.skill_id = t.skill
                            AND s.assessed_on > c.completed_on AND s.assessed_on <= c.completed_on + $1::int
                            AND s.level >= t.to_level::int) AS reached
           FROM course_completions c JOIN learning_activities a USING (activity_id)
           CROSS JOIN LATERAL jsonb_each_text(a.teaches) AS t(skill, to_level)
           LEFT JOIN employees e ON e.employee_id = c.employee_id
           WHERE c.passed
           ORDER BY c.completed_on, c.activity_id, t.skill, c.event_id""", window_days)
    return [Participation(r["activity_id"], r["provider"], r["kind"], r["skill"], r["level_before"], r["promised"],
                          r["profession"], r["completed_on"].isoformat(), r["reached"]) for r in rows]


async def comparisons(conn, window_days: int = WINDOW_DAYS) -> list[Comparison]:
    """Assessments not followed by a passed activity teaching the skill within the window, grouped with the
    best level assessed in that window."""
    rows = await conn.fetch(
        """SELECT s.skill_id, s.level, coalesce(e.profession_id, '') AS profession,
                  greatest(s.level, coalesce((SELECT max(l.level) FROM competence_assessments l
                                              WHERE l.employee_id = s.employee_id AND l.skill_id = s.skill_id
                                                AND l.assessed_on > s.assessed_on
                                                AND l.assessed_on <= s.assessed_on + $1::int), 0)) AS best,
                  count(*)::int AS n
           FROM competence_assessments s LEFT JOIN employees e ON e.employee_id = s.employee_id
           WHERE NOT EXISTS (SELECT 1 FROM course_completions c JOIN learning_activities a USING (activity_id)
                             WHERE c.employee_id = s.employee_id AND c.passed AND a.teaches ? s.skill_id
                               AND c.completed_on BETWEEN s.assessed_on AND s.assessed_on + $1::int)
           GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4""", window_days)
    return [Comparison(r["skill_id"], r["level"], r["profession"], r["best"], r["n"]) for r in rows]


async def catalogue(conn) -> list[CatalogueEntry]:
    return [CatalogueEntry(r["activity_id"], r["provider"], r["kind"]) for r in await conn.fetch(
        "SELECT activity_id, provider, kind FROM learning_activities ORDER BY activity_id")]


async def effect_estimates(conn, estimator: EffectEstimator = EffectEstimator()) -> dict[str, EffectEstimate]:
    """Every catalogued activity's estimated effect, from everything the store knows, rounded to
    ``EFFECT_DIGITS`` decimals as paths are chosen with it."""
    found = estimator.estimate(await catalogue(conn), await participations(conn), await comparisons(conn))
    return {activity: replace(e, effect=round(e.effect, EFFECT_DIGITS)) for activity, e in found.items()}


async def record_and_mark_changed(conn, estimates: Mapping[str, EffectEstimate]) -> int:
    """Record ``estimates`` as the ones proposals are chosen with; mark for upskilling the workplaces whose
    pending upskilling proposals concern a skill taught by an activity whose estimate changed since the
    last record (or was never recorded). Returns how many workplaces were marked. One transaction."""
    async with conn.transaction():
        changed = await conn.fetch(
            """WITH now_seen AS (SELECT * FROM unnest($1::text[], $2::float8[]) AS n(activity_id, effect)),
                    changed AS (SELECT n.activity_id FROM now_seen n LEFT JOIN effect_estimates_seen s USING (activity_id)
                                WHERE s.effect IS DISTINCT FROM n.effect),
                    recorded AS (INSERT INTO effect_estimates_seen (activity_id, effect)
                                 SELECT activity_id, effect FROM now_seen
                                 ON CONFLICT (activity_id) DO UPDATE SET effect = EXCLUDED.effect
                                 WHERE effect_estimates_seen.effect IS DISTINCT FROM EXCLUDED.effect)
               SELECT DISTINCT t.skill FROM changed c JOIN learning_activities a USING (activity_id)
               CROSS JOIN LATERAL jsonb_object_keys(a.teaches) AS t(skill)""",
            sorted(estimates), [estimates[a].effect for a in sorted(estimates)])
        skills = [r["skill"] for r in changed]
        if not skills:
            return 0
        workplaces = [r["scope"] for r in await conn.fetch(
            """SELECT DISTINCT scope FROM proposals WHERE kind = 'upskilling_path' AND status = 'pending'
               AND effect->'competence_gained' ?| $1::text[] ORDER BY scope""", skills)]
        await mark_dirty(conn, {(UPSKILLING, workplace): () for workplace in workplaces})
    return len(workplaces)


async def group_effects(conn, estimator: EffectEstimator = EffectEstimator()) -> list[GroupEffect]:
    """Each provider and kind's estimated effect, for the committee page's plot."""
    return estimator.by_provider_and_kind(await participations(conn), await comparisons(conn))


class EffectCache:
    """The estimates, read on first use and again by ``refresh`` at most every ``seconds``: outcomes change
    slowly, the query is not free. A refresh marks what its changes concern (``record_and_mark_changed``);
    ``get`` never refreshes by itself, so no proposal is chosen with estimates whose changes went unmarked."""

    def __init__(self, seconds: float = REFRESH_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self.clock = clock
        self._read_at: float | None = None
        self._estimates: dict[str, EffectEstimate] = {}
        self.version = 0  # counts the refreshes that changed the estimates

    async def get(self, conn) -> dict[str, EffectEstimate]:
        if self._read_at is None:
            await self.refresh(conn)
        return self._estimates

    def due(self) -> bool:
        return self._read_at is None or self.clock() - self._read_at >= self.seconds

    async def refresh(self, conn) -> int:
        """Read the estimates afresh, record them and mark what their changes concern; returns how many
        workplaces were marked."""
        estimates = await effect_estimates(conn)
        marked = await record_and_mark_changed(conn, estimates)
        if estimates != self._estimates:
            self.version += 1
        self._estimates, self._read_at = estimates, self.clock()
        return marked
