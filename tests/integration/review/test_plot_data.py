"""The numbers behind the plots, computed by the store's SQL on a small known history."""

import pytest

from tillid.competence.events import validate
from tillid.review import plots
from tillid.review.i18n import Texts
from tillid.store.effects import group_effects
from tillid.store.projection.projector import Projector
from tests.integration.review import world
from tests.integration.store.scenario import employee, event

pytestmark = pytest.mark.services


def history() -> list[dict]:
    events = employee("e3") + employee("e4") + [
        event("LearningActivityPublished", "la1", activity_id="la1", kind="course", title="Sår", provider="AMU Vest",
              teaches=[{"skill": "dk:saar", "to_level": 3}], prerequisites=[], duration_hours=14, cost_dkk=900)]
    for person in ("e1", "e2", "e3", "e4"):
        events.append(event("CourseCompleted", f"done-{person}", employee_id=person, activity_id="la1",
                            completed_on="2026-01-10", passed=True))
    for person, level, on in (("e1", 3, "2026-03-01"), ("e2", 2, "2026-03-01"), ("e3", 3, "2026-12-01")):
        events.append(event("CompetenceAssessed", f"after-{person}", employee_id=person, skill="dk:saar",
                            level=level, assessed_on=on, evidence="manager"))
    return events


async def test_effect_is_the_estimators_and_counts_only_the_promised_level_within_the_window(db):
    await world.build(db)
    await Projector().apply(db, [validate(e) for e in history()])
    # One of four reached level 3 within 180 days (e2 stayed at 2, e3 was assessed too late, e4 not at all),
    # shrunk toward the catalogue's promise: (1 + 10 x 0.8) / (4 + 10); nobody reaches it without the course.
    (group,) = await plots.effect_groups(db)
    assert (group.kind, group.provider, group.completions) == ("course", "AMU Vest", 4)
    assert group.share == pytest.approx(9 / 14, abs=1e-6)
    estimated = await group_effects(db)
    assert [(g.kind, g.provider, g.participants, g.effect) for g in estimated] == [
        ("course", "AMU Vest", 4, group.effect)]


async def test_spread_keeps_erased_people_anonymously(db):
    await world.build(db)
    await Projector().apply(db, [validate(e) for e in history()])
    before = await plots.spread_groups(db, "med-a", Texts("da"))
    assert before["plot_spread_profession"] == [plots.SpreadGroup("Social- og sundhedsassistent", 4, 4, 0)]
    await Projector().apply(db, [validate(event("EmployeeErased", "erase-e4", employee_id="e4"))])
    after = await plots.spread_groups(db, "med-a", Texts("da"))
    assert after == before
    assert await plots.spread_groups(db, "med-b", Texts("da")) == {
        "plot_spread_profession": [], "plot_spread_workplace": [], "plot_spread_age": []}
