"""The committee queue's pure parts: the query string, refusals by name, a row's headline, the effect shown."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from tillid.review.i18n import Texts
from tillid.review.pages.queue import csv_filename, effect_figures, headline, queue_csv, queue_request
from tillid.review.pages.session import PageError
from tillid.store.queue import QueueRow

AT = datetime(2026, 11, 23, 10, tzinfo=timezone.utc)


def row(kind: str, **effect: float) -> QueueRow:
    return QueueRow("p1", kind, "wp-a", "Plejecenter A", "pending", AT, 3, 2, effect)


@pytest.mark.parametrize("field, value", [("kind", "nope"), ("status", "gone"), ("sort", "random"),
                                          ("page", "0"), ("page", "2x"), ("workplace", "w" * 201)])
def test_a_bad_parameter_is_refused_by_its_name(field, value):
    asked = {"kind": "", "workplace": "", "status": "", "sort": "", "page": ""} | {field: value}
    with pytest.raises(PageError) as refused:
        queue_request("med-a", **asked)
    assert (refused.value.status, refused.value.detail) == (422, field)


def test_the_query_string_keeps_the_filters_and_leaves_out_defaults():
    asked = queue_request("med-a", "leon_allocation", "wp-a", "", "effect", "2")
    assert asked.query(page=3) == "kind=leon_allocation&workplace=wp-a&sort=effect&page=3"
    assert asked.query(page=1) == "kind=leon_allocation&workplace=wp-a&sort=effect"
    assert queue_request("med-a", "", "", "", "", "").query() == ""


def test_a_rows_headline_per_kind_in_both_languages():
    da, en = Texts("da"), Texts("en")
    assert headline(da, row("leon_allocation", dkk_per_week=600.0, hours_moved=10.0)) == \
        "600 kr. pr. uge · 10,0 timer flyttet"
    assert headline(en, row("upskilling_path", net_cost_dkk=5400.0, training_cost_dkk=9000.0)) == \
        "DKK 5,400 net (DKK 9,000 gross)"
    assert headline(da, row("rotation_placement", placed=2)) == "2 placeret"
    assert headline(da, row("rotation_placement")) == "–"


def test_the_csv_writes_figures_with_a_point_and_blanks_for_none():
    text = queue_csv([row("leon_allocation", dkk_per_week=600.0, hours_moved=10.25)])
    assert text.splitlines()[1] == f"p1,leon_allocation,Plejecenter A,600.00,10.25,,,,3,{AT.isoformat()},pending"
    assert csv_filename("med a/ø", "2026-12-03") == "tillid-queue-med_a__-2026-12-03.csv"


def test_a_proposal_with_parts_shows_its_moves_as_parts_not_as_data():
    effect = {"dkk_per_week": 600.0, "moves": [{"task": "oejendraaber", "hours": 6.0}]}
    with_parts = [label for label, _ in effect_figures(Texts("en"), {"effect": effect, "items": [{"item_id": "m"}]})]
    without = [label for label, _ in effect_figures(Texts("en"), {"effect": effect, "items": []})]
    assert len(with_parts) == 1 and len(without) == 2
