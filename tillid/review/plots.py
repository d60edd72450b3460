"""Plots for the committee page, rendered by the server (matplotlib, Agg, PNG) and cached briefly.

- Effect of learning activities by kind and provider: the effect estimator's
  figure (tillid/matching/upskilling/effect_estimate.py, the same one the
  upskilling paths assume): the share of participants brought to the promised
  level within ``EFFECT_DAYS`` days who would not have reached it anyway,
  shrunk toward the catalogue's promise when there are few. Groups with fewer
  than ``MIN_COMPLETIONS`` completions are left out: a share of two is noise.
- Development spread over professions, workplaces and age bands of the
  committee's workplaces: course completions and accepted rotations per
  employee. Erased people count through ``erased_aggregates`` (anonymous);
  groups with fewer than ``MIN_PEOPLE`` people are left out so that no bar
  describes one or two recognisable colleagues.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass
from typing import Any, Callable

from tillid.matching.upskilling.effect_estimate import WINDOW_DAYS
from tillid.review.i18n import Texts
from tillid.store import effects

EFFECT_DAYS = WINDOW_DAYS
MIN_COMPLETIONS = 5
MIN_PEOPLE = 3
CACHE_SECONDS = 60.0
KIND_COLOURS = {"course": "#1f5f8b", "e_learning": "#e08a1e", "peer_training": "#3a8f5c"}
COURSES_COLOUR, ROTATIONS_COLOUR = "#1f5f8b", "#c2553a"
# Names in the plots come from events (providers, workplaces, professions): matplotlib must draw them as
# written, never read ``$...$`` as mathtext (a lone ``$`` made every plot fail). Every text artist gets this.
PLAIN = {"parse_math": False}


# --- data ----------------------------------------------------------------------

@dataclass(frozen=True)
class EffectGroup:
    kind: str
    provider: str
    completions: int
    effect: float

    @property
    def share(self) -> float:
        return self.effect


@dataclass(frozen=True)
class SpreadGroup:
    label: str
    people: int
    courses: int
    rotations: int


async def effect_groups(conn) -> list[EffectGroup]:
    """Per kind and provider, the estimated effect and the number of completions it rests on."""
    return [EffectGroup(g.kind, g.provider, g.participants, g.effect) for g in await effects.group_effects(conn)]


async def spread_groups(conn, committee_id: str, t: Texts) -> dict[str, list[SpreadGroup]]:
    """Per dimension (profession, workplace, age band): people, completions and accepted rotations."""
    rows = await conn.fetch(
        """WITH people AS (
               SELECT e.profession_id, e.workplace_id, coalesce(e.age_band, 'unknown') AS age_band,
                      (SELECT count(*) FROM course_completions c WHERE c.employee_id = e.employee_id) AS courses,
                      (SELECT count(*) FROM suggestions s WHERE s.employee_id = e.employee_id
                           AND s.kind = 'rotation_placement' AND s.status = 'accepted') AS rotations,
                      1 AS people
               FROM employees e JOIN workplaces w USING (workplace_id) WHERE w.committee_id = $1
               UNION ALL
               SELECT a.profession_id, a.workplace_id, a.age_band, a.completions, a.rotations, a.people
               FROM erased_aggregates a JOIN workplaces w USING (workplace_id) WHERE w.committee_id = $1)
           SELECT g.profession_id, p.title_da, p.title_en, g.workplace_id, w.name AS workplace_name, g.age_band,
                  sum(g.courses)::int AS courses, sum(g.rotations)::int AS rotations, sum(g.people)::int AS people
           FROM people g LEFT JOIN professions p USING (profession_id) LEFT JOIN workplaces w USING (workplace_id)
           GROUP BY 1, 2, 3, 4, 5, 6""", committee_id)
    title = "title_da" if t.lang == "da" else "title_en"
    labels: dict[str, Callable[[Any], str]] = {
        "plot_spread_profession": lambda r: r[title] or r["profession_id"],
        "plot_spread_workplace": lambda r: r["workplace_name"] or r["workplace_id"],
        "plot_spread_age": lambda r: t.age_unknown if r["age_band"] == "unknown" else r["age_band"],
    }
    spread: dict[str, list[SpreadGroup]] = {}
    for dimension, label_of in labels.items():
        totals: dict[str, list[int]] = {}
        for row in rows:
            total = totals.setdefault(label_of(row), [0, 0, 0])
            total[0] += row["people"]
            total[1] += row["courses"]
            total[2] += row["rotations"]
        spread[dimension] = [SpreadGroup(label, *values) for label, values in sorted(totals.items())
                             if values[0] >= MIN_PEOPLE]
    return spread


# --- rendering -------------------------------------------------------------------

def _figure(width: float, height: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=110)
    FigureCanvasAgg(figure)
    return figure


def _png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight")
    return buffer.getvalue()


def _message(text: str):
    figure = _figure(7, 1.2)
    figure.text(0.5, 0.5, text, ha="center", va="center", fontsize=10, wrap=True, **PLAIN)
    return figure


def render_effect(groups: list[EffectGroup], t: Texts) -> bytes:
    return _png(effect_figure(groups, t))


def render_spread(spread: dict[str, list[SpreadGroup]], t: Texts) -> bytes:
    return _png(spread_figure(spread, t))


def effect_figure(groups: list[EffectGroup], t: Texts):
    shown = sorted((g for g in groups if g.completions >= MIN_COMPLETIONS),
                   key=lambda g: (g.kind, -g.share, g.provider))
    if not shown:
        return _message(t.fmt("plot_effect_none", n=MIN_COMPLETIONS))
    figure = _figure(7.5, 1.0 + 0.38 * len(shown))
    axes = figure.add_subplot()
    positions = list(range(len(shown)))[::-1]
    axes.barh(positions, [g.share for g in shown], color=[KIND_COLOURS.get(g.kind, "#777777") for g in shown])
    axes.set_yticks(positions, [f"{g.provider} ({t.get('activity_' + g.kind, g.kind)})" for g in shown],
                    fontsize=9, **PLAIN)
    for position, group in zip(positions, shown):
        axes.text(min(group.share, 0.82) + 0.01, position,
                  f"{t.number(100 * group.share)} %  (n={group.completions})", va="center", fontsize=8, **PLAIN)
    axes.set_xlim(0, 1)
    axes.xaxis.set_major_formatter(lambda value, _: f"{value:.0%}")
    axes.set_xlabel(t.fmt("plot_effect_x", days=EFFECT_DAYS), fontsize=9, **PLAIN)
    axes.spines[["top", "right"]].set_visible(False)
    return figure


def spread_figure(spread: dict[str, list[SpreadGroup]], t: Texts):
    dimensions = [(name, groups) for name, groups in spread.items() if groups]
    if not dimensions:
        return _message(t.fmt("plot_spread_none", n=MIN_PEOPLE))
    heights = [max(len(groups), 1) for _, groups in dimensions]
    figure = _figure(7.5, 1.0 + 0.42 * sum(heights) + 0.5 * len(dimensions))
    grid = figure.add_gridspec(len(dimensions), 1, height_ratios=heights, hspace=0.45)
    for index, (name, groups) in enumerate(dimensions):
        axes = figure.add_subplot(grid[index])
        positions = list(range(len(groups)))[::-1]
        courses = [g.courses / g.people for g in groups]
        rotations = [g.rotations / g.people for g in groups]
        axes.barh([p + 0.2 for p in positions], courses, height=0.38, color=COURSES_COLOUR,
                  label=t.plot_spread_courses)
        axes.barh([p - 0.2 for p in positions], rotations, height=0.38, color=ROTATIONS_COLOUR,
                  label=t.plot_spread_rotations)
        axes.set_yticks(positions, [f"{g.label} (n={g.people})" for g in groups], fontsize=8.5, **PLAIN)
        axes.set_title(t[name], loc="right", fontsize=10, fontweight="bold", **PLAIN)
        axes.spines[["top", "right"]].set_visible(False)
        axes.tick_params(axis="x", labelsize=8)
        if index == 0:
            legend = axes.legend(loc="lower left", bbox_to_anchor=(0.0, 1.12), ncols=2, fontsize=8.5,
                                 frameon=False)
            for text in legend.get_texts():
                text.set_parse_math(False)
        if index == len(dimensions) - 1:
            axes.set_xlabel(t.plot_spread_x, fontsize=9, **PLAIN)
    return figure


# --- cache -----------------------------------------------------------------------

class PlotCache:
    """PNG bytes by key for a short while: a committee page reloaded by many members renders once."""

    def __init__(self, seconds: float = CACHE_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self.clock = clock
        self._entries: dict[tuple, tuple[float, bytes]] = {}

    def get(self, key: tuple) -> bytes | None:
        entry = self._entries.get(key)
        if entry is None or entry[0] < self.clock():
            self._entries.pop(key, None)
            return None
        return entry[1]

    def put(self, key: tuple, png: bytes) -> None:
        if len(self._entries) > 256:
            self._entries.clear()
        self._entries[key] = (self.clock() + self.seconds, png)
