"""The committee queue over HTTP: totals, filters, sorting, pages, the agenda and the CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest

from tillid.store.proposals import issue_proposal
from tests.integration.review import world
from tests.integration.review.conftest import auth
from tests.integration.review.test_pages import csrf_of, sign_in

pytestmark = pytest.mark.services

KINDS = ("leon_allocation", "upskilling_path", "rotation_placement")
EXTRA = 120  # with the world's two: three pages of 50


def _effect(kind: str, k: int) -> dict:
    if kind == "leon_allocation":
        return {"dkk_per_week": float((k * 37) % 500 - 100), "hours_moved": round(k * 0.5, 1),
                "training_cost_dkk": float(k % 3) * 100.0}
    if kind == "upskilling_path":
        return {"employees": 2, "training_cost_dkk": 1000.0 + k * 10, "refund_dkk": 400.0 + k,
                "net_cost_dkk": 600.0 + 9 * k}
    return {"placed": k % 4}


@pytest.fixture
async def crowded_queue(db, proposals) -> dict[str, str]:
    """The world's proposals and EXTRA pending ones of committee med-a, of every kind, a minute apart, naming
    people p0..p39 (some in several proposals) and e1."""
    async with db.transaction():
        for k in range(EXTRA):
            kind = KINDS[k % 3]
            await issue_proposal(
                db, kind=kind, committee_id="med-a", scope=f"wp-q-{k}", employee_ids=[f"p{k % 40}", "e1"],
                summary_da=f"Kø-forslag {k}", summary_en=f"Queue proposal {k}", explanation={},
                effect=_effect(kind, k), fingerprint=f"queue-{k}", issued_at=world.AT - timedelta(minutes=k + 1))
    return proposals


def rows_of(html: str) -> list[str]:
    return re.findall(r'<tr data-proposal="([^"]+)">', html)


async def pending_by_api(client, tokens) -> list[dict]:
    answer = await client.get("/api/proposals", params={"committee": "med-a", "status": "pending", "limit": 500},
                              headers=auth(tokens["admin"]))
    return answer.json()


def _sum(proposals: list[dict], key: str) -> float:
    return sum(p["effect"].get(key, 0.0) for p in proposals)


async def test_totals_are_the_sums_of_every_pending_proposal(client, tokens, crowded_queue, db):
    from tillid.store.queue import QueueFilter, totals

    pending = await pending_by_api(client, tokens)
    assert len(pending) == EXTRA + 2
    found = await totals(db, QueueFilter("med-a"))
    assert found.proposals == EXTRA + 2
    for key in ("dkk_per_week", "hours_moved", "training_cost_dkk", "refund_dkk", "net_cost_dkk"):
        assert getattr(found, key) == pytest.approx(_sum(pending, key)), key
    assert found.people == len({e for p in pending for e in p["employee_ids"]}) == 42  # p0..p39, e1, e2
    await sign_in(client, tokens["committee:med-a"])
    html = (await client.get("/committee/med-a")).text
    totals_html = html.split('id="totals"')[1].split("</section>")[0]
    assert f"{round(_sum(pending, 'net_cost_dkk')):,} kr.".replace(",", ".") in totals_html
    assert f"<dd>{EXTRA + 2}</dd>" in totals_html
    leon_only = await totals(db, QueueFilter("med-a", kind="leon_allocation"))
    assert leon_only.dkk_per_week == pytest.approx(
        _sum([p for p in pending if p["kind"] == "leon_allocation"], "dkk_per_week"))
    assert leon_only.net_cost_dkk == 0


async def test_paging_shows_every_pending_proposal_exactly_once_in_small_pages(client, tokens, crowded_queue):
    await sign_in(client, tokens["committee:med-a"])
    seen: list[str] = []
    url = "/committee/med-a?sort=effect"
    pages = 0
    while url:
        page = await client.get(url)
        assert page.status_code == 200
        rows = rows_of(page.text)
        assert 0 < len(rows) <= 50
        seen += rows
        pages += 1
        following = re.search(r'<a rel="next" href="([^"]+)"', page.text)
        url = following.group(1).replace("&amp;", "&") if following else None
    assert pages == 3
    assert len(seen) == len(set(seen)) == EXTRA + 2
    assert set(seen) == {p["proposal_id"] for p in await pending_by_api(client, tokens)}
    assert "Side 3 af 3" in page.text and 'rel="prev"' in page.text


async def test_filters_narrow_the_rows(client, tokens, crowded_queue, db):
    await sign_in(client, tokens["committee:med-a"])
    leon = rows_of((await client.get("/committee/med-a", params={"kind": "leon_allocation"})).text)
    kinds = dict(await db.fetch("SELECT proposal_id, kind FROM proposals WHERE proposal_id = ANY($1::text[])", leon))
    assert len(leon) == EXTRA // 3 + 1 and set(kinds.values()) == {"leon_allocation"}
    at_a = (await client.get("/committee/med-a", params={"workplace": "wp-a"})).text
    assert set(rows_of(at_a)) == {crowded_queue["leon"], crowded_queue["upskill"]}
    assert "Plejecenter A" in at_a  # the workplace by its name, in the rows and the filter
    both = rows_of((await client.get("/committee/med-a", params={"workplace": "wp-a", "kind": "upskilling_path"})).text)
    assert both == [crowded_queue["upskill"]]
    html = (await client.get(f"/committee/med-a/proposals/{crowded_queue['leon']}")).text
    await client.post(f"/committee/med-a/proposals/{crowded_queue['leon']}/decision",
                      data={"decision": "approved", "csrf": csrf_of(html)})
    assert rows_of((await client.get("/committee/med-a", params={"status": "approved"})).text) == [
        crowded_queue["leon"]]
    pending_at_a = (await client.get("/committee/med-a", params={"workplace": "wp-a"})).text
    assert crowded_queue["leon"] not in rows_of(pending_at_a)
    for field, value in (("kind", "nope"), ("status", "gone"), ("sort", "random"), ("page", "0"), ("page", "x")):
        refused = await client.get("/committee/med-a", params={field: value})
        assert refused.status_code == 422 and field in refused.text, (field, value)


async def test_sorting_by_effect_and_by_age(client, tokens, crowded_queue, db):
    await sign_in(client, tokens["committee:med-a"])
    created = dict(await db.fetch("SELECT proposal_id, created_at FROM proposals WHERE committee_id = 'med-a'"))
    oldest = rows_of((await client.get("/committee/med-a", params={"sort": "oldest"})).text)
    assert [created[p] for p in oldest] == sorted(created[p] for p in oldest)
    assert created[oldest[0]] == min(created.values())
    newest = rows_of((await client.get("/committee/med-a")).text)
    assert newest[0] == crowded_queue["leon"]  # issued last
    effects = {p["proposal_id"]: p["effect"] for p in await pending_by_api(client, tokens)}

    def amount(effect: dict) -> float:
        for key in ("dkk_per_week", "net_cost_dkk", "training_cost_dkk"):
            if key in effect:
                return abs(effect[key])
        return 0.0

    largest = rows_of((await client.get("/committee/med-a", params={"sort": "effect"})).text)
    assert [amount(effects[p]) for p in largest] == sorted((amount(e) for e in effects.values()), reverse=True)[:50]


async def test_the_queue_page_stays_small(client, tokens, crowded_queue):
    await sign_in(client, tokens["committee:med-a"])
    page = await client.get("/committee/med-a")
    assert len(rows_of(page.text)) == 50
    assert len(page.content) < 60_000  # 50 rows and the totals, not 122 proposals with their people


async def test_the_agenda_has_every_pending_proposal_for_print(client, tokens, crowded_queue):
    await sign_in(client, tokens["committee:med-a"])
    agenda = await client.get("/committee/med-a/agenda")
    assert agenda.status_code == 200
    shown = re.findall(r'<section class="card agenda-item" data-proposal="([^"]+)"', agenda.text)
    assert set(shown) == {p["proposal_id"] for p in await pending_by_api(client, tokens)}
    assert len(shown) == EXTRA + 2
    html = agenda.text
    assert html.index('id="agenda-totals"') < html.index("agenda-item")  # totals first
    assert "<code>e1</code> (Social- og sundhedsassistent): Kursus i sårbehandling (e1)" in html
    css = (await client.get("/static/style.css")).text
    assert "@media print" in css and "break-before: page" in css and "size: A4" in css
    only = await client.get("/committee/med-a/agenda", params={"kind": "upskilling_path"})
    assert len(re.findall(r'class="card agenda-item"', only.text)) == EXTRA // 3 + 1


async def test_the_csv_has_one_line_per_proposal_with_the_queue_filters(client, tokens, crowded_queue):
    await sign_in(client, tokens["committee:med-a"])
    answer = await client.get("/committee/med-a/queue.csv")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    assert re.fullmatch(r'attachment; filename="tillid-queue-med-a-\d{4}-\d{2}-\d{2}\.csv"',
                        answer.headers["content-disposition"])
    lines = list(csv.DictReader(io.StringIO(answer.text)))
    pending = {p["proposal_id"]: p for p in await pending_by_api(client, tokens)}
    assert len(lines) == len(pending) == EXTRA + 2
    assert {line["proposal_id"] for line in lines} == set(pending)
    upskill = next(line for line in lines if line["proposal_id"] == crowded_queue["upskill"])
    assert (upskill["kind"], upskill["workplace"], upskill["training_cost_dkk"], upskill["people"],
            upskill["status"]) == ("upskilling_path", "Plejecenter A", "9000.00", "2", "pending")
    leon = await client.get("/committee/med-a/queue.csv", params={"kind": "leon_allocation", "sort": "oldest"})
    leon_lines = list(csv.DictReader(io.StringIO(leon.text)))
    assert {line["kind"] for line in leon_lines} == {"leon_allocation"} and len(leon_lines) == EXTRA // 3 + 1
    assert [line["created_at"] for line in leon_lines] == sorted(line["created_at"] for line in leon_lines)
    assert (await client.get("/committee/med-a/queue.csv", params={"status": "nope"})).status_code == 422


async def test_the_proposal_page_has_the_parts_and_the_form_until_it_is_decided(client, tokens, proposals):
    await sign_in(client, tokens["committee:med-a"])
    path = f"/committee/med-a/proposals/{proposals['upskill']}"
    html = (await client.get(path)).text
    assert html.count("<h1>") == 1 and "Opkvalificering: Plejecenter A" in html
    assert html.count('name="keep"') == 2 and "<code>e1</code>: Kursus i sårbehandling (e1)" in html
    assert f'action="{path}/decision"' in html and 'value="amended"' in html
    answer = await client.post(f"{path}/decision", data={"decision": "rejected", "comment": "Ikke i år",
                                                         "csrf": csrf_of(html)})
    assert answer.status_code == 303 and answer.headers["location"] == "/committee/med-a?done=rejected"
    decided = (await client.get(path)).text
    assert f'action="{path}/decision"' not in decided and "Ikke i år" in decided and "afvist" in decided
