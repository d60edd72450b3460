"""Words, not ids, in both languages (issue #19, item 6): every page, on a world the re-matcher proposed in.

Every GET page of the pages' router is rendered in Danish and English, signed in as each kind of reader,
and its visible text (not URLs, attributes or form values) must show no raw i18n key, no id of a skill,
task, activity, provider, profession, workplace or fund, and on the Danish page no English leftover: no
field name written out as a fallback ("training hours"), no text of the other language a proposal or
suggestion carries (``summary_en`` on the Danish page, ``summary_da`` on the English one), and on the English
page none of the Danish need texts it has shown before.
"""

from __future__ import annotations

import json
import itertools
import re
from html.parser import HTMLParser
from typing import Any

import asyncpg
import httpx
import pytest

from tillid.competence.demo.catalogue import PROVIDERS
from tillid.review.auth import issue_token, parse_role
from tillid.review.i18n import keys
from tillid.review.pages import router
from tests.integration.review.conftest import auth
from tests.integration.review.test_pages import sign_in
from tests.integration.streams.test_rematcher import load_demo, settle

pytestmark = pytest.mark.services

ADMIN = "test-admin-token"
# What the Danish page has shown in English before: field names and units nobody translated.
KNOWN_ENGLISH_LEAKS = ("training hours", "fee dkk", "cover dkk", "weeks away", "hours per week", "source events",
                       "catalogue promise", "measured effect", "municipality", "employee(s)")
# What the English page has shown in Danish before: the needs behind a suggestion, written in Danish only.
KNOWN_DANISH_LEAKS = ("En digitaliseringsændring betyder", "mangler kvalificerede hænder", "Dit eget ønske")


class VisibleText(HTMLParser):
    """The text a person reads: text nodes outside <script> and <style>, never attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in ("script", "style"):
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts)


def token_in(token: str, text: str) -> bool:
    """Whether ``token`` appears as a whole word of ``text`` (ids hold letters, digits, ':', '-' and '_')."""
    return re.search(rf"(?<![\w:-]){re.escape(token)}(?![\w:-])", text) is not None


@pytest.fixture
async def committee(db, pool) -> str:
    """The demo (small) proposed in by the re-matcher; the committee with proposals of the most kinds."""
    await load_demo(db, scale=0.02, seed=5)
    await settle(pool, db)
    return await db.fetchval("""SELECT committee_id FROM proposals WHERE status = 'pending'
                                GROUP BY committee_id ORDER BY count(DISTINCT kind) DESC, count(*) DESC,
                                committee_id LIMIT 1""")


@pytest.fixture
async def pool(database_url):
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=3)
    yield pool
    await pool.close()


async def known_ids(db) -> dict[str, set[str]]:
    """Every id of a thing that has a label, by kind, leaving out ids spelled exactly like a label."""
    labels = set()
    found: dict[str, set[str]] = {}
    for kind, statement in {
        "task": "SELECT task_id, name_da, name_en FROM tasks",
        "profession": "SELECT profession_id, title_da, title_en FROM professions",
        "workplace": "SELECT workplace_id, name, name FROM workplaces",
        "activity": "SELECT activity_id, title, title FROM learning_activities",
        "fund": "SELECT fund_id, name, name FROM funds",
        "rotation slot": "SELECT slot_id, title, title FROM rotation_slots",
    }.items():
        rows = await db.fetch(statement)
        found[kind] = {r[0] for r in rows}
        labels |= {r[1] for r in rows} | {r[2] for r in rows}
    skills = {r[0] for r in await db.fetch("SELECT DISTINCT skill_id FROM competences")}
    for row in await db.fetch("SELECT required_skills FROM tasks"):
        skills |= {x["skill"] for x in json.loads(row[0])}
    found["skill"] = skills
    found["provider"] = {p.code for p in PROVIDERS}
    return {kind: {i for i in ids if i not in labels} for kind, ids in found.items()}


def field_names(value: Any) -> set[str]:
    """Every mapping key with an underscore in ``value``, nested: field names a page must not spell out."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            if "_" in key:
                found.add(key)
            found |= field_names(inner)
    elif isinstance(value, list):
        for inner in value:
            found |= field_names(inner)
    return found


def other_language_texts(value: Any, lang: str) -> set[str]:
    """Texts kept in the other language beside this one's (``summary_en`` beside ``summary_da``)."""
    other = "en" if lang == "da" else "da"
    found: set[str] = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            if key.endswith(f"_{other}") and isinstance(inner, str) and len(inner) > 12:
                mine = value.get(key[:-2] + lang)
                if mine != inner:
                    found.add(inner)
            found |= other_language_texts(inner, lang)
    elif isinstance(value, list):
        for inner in value:
            found |= other_language_texts(inner, lang)
    return found


async def stored_records(db) -> list[Any]:
    records = []
    for r in await db.fetch("SELECT summary_da, summary_en, explanation, effect, items FROM proposals"):
        records.append({"summary_da": r[0], "summary_en": r[1], "explanation": json.loads(r[2]),
                        "effect": json.loads(r[3]), "items": json.loads(r[4])})
    for r in await db.fetch("SELECT summary_da, summary_en, explanation FROM suggestions"):
        records.append({"summary_da": r[0], "summary_en": r[1], "explanation": json.loads(r[2])})
    return records


def page_urls(values: dict[str, list[str]]) -> list[str]:
    """Every GET route of the pages, its path parameters filled from ``values`` (every combination)."""
    urls = []
    for route in router.routes:
        if "GET" not in getattr(route, "methods", set()):
            continue
        params = re.findall(r"{(\w+)}", route.path)
        missing = [p for p in params if p not in values]
        assert not missing, f"{route.path}: give this test a value for {missing}"
        for combination in itertools.product(*(values[p] for p in params)):
            urls.append(route.path.format(**dict(zip(params, combination))))
    return urls


async def approve_one_of_each_kind(client: httpx.AsyncClient, db, committee: str) -> None:
    for kind in ("upskilling_path", "rotation_placement", "leon_allocation"):
        proposal = await db.fetchval("""SELECT proposal_id FROM proposals WHERE status = 'pending' AND kind = $1
                                        ORDER BY committee_id = $2 DESC, proposal_id LIMIT 1""", kind, committee)
        if proposal is not None:
            answer = await client.post(f"/api/proposals/{proposal}/decision", json={"decision": "approved"},
                                       headers=auth(ADMIN))
            assert answer.status_code == 200, answer.text


def problems_on(text: str, lang: str, ids: dict[str, set[str]], raw_keys: set[str], names: set[str],
                other_texts: set[str]) -> list[str]:
    found = [f"raw i18n key {k!r}" for k in raw_keys if token_in(k, text)]
    found += [f"{kind} id {i!r}" for kind, known in ids.items() for i in known if token_in(i, text)]
    lines = set(text.splitlines())
    found += [f"other language: {s[:60]!r}" for s in other_texts if s in lines]
    if lang == "da":
        lowered = text.lower()
        found += [f"English leftover {leak!r}" for leak in KNOWN_ENGLISH_LEAKS if leak in lowered]
        found += [f"field name {n!r} written out" for n in names if token_in(n.replace("_", " "), text)]
    else:
        found += [f"Danish leftover {leak!r}" for leak in KNOWN_DANISH_LEAKS if leak in text]
    return found


async def test_every_page_names_things_by_their_labels_in_both_languages(app, client, db, committee):
    await approve_one_of_each_kind(client, db, committee)
    person = await db.fetchval("""SELECT employee_id FROM suggestions WHERE status = 'open'
                                  ORDER BY kind = 'upskilling_path' DESC, employee_id LIMIT 1""")
    assert person is not None
    tokens = {"admin": ADMIN,
              "committee": await issue_token(db, parse_role(f"committee:{committee}")),
              "employee": await issue_token(db, parse_role(f"employee:{person}"))}
    ids = await known_ids(db)
    records = await stored_records(db)
    names = set().union(*(field_names(r) for r in records))
    raw_keys = {k for k in keys("da") | keys("en") if "_" in k}
    proposals = [r["proposal_id"] for r in await db.fetch(
        """SELECT DISTINCT ON (kind, status) proposal_id FROM proposals WHERE committee_id = $1
           ORDER BY kind, status, jsonb_array_length(items) DESC, proposal_id""", committee)]
    assert proposals
    urls = page_urls({"committee_id": [committee], "name": ["effect"], "proposal_id": proposals})
    problems: list[str] = []
    shown: set[str] = set()
    for reader, token in [("nobody", None), *tokens.items()]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://review") as reading:
            if token is not None:
                await sign_in(reading, token)
            for lang in ("da", "en"):
                others = set().union(*(other_language_texts(r, lang) for r in records))
                for url in urls:
                    answer = await reading.get(url, params={"lang": lang})
                    kind = answer.headers.get("content-type", "")
                    if answer.status_code != 200 or not kind.startswith(("text/html", "text/csv")):
                        continue
                    shown.add(url)
                    text = visible_text(answer.text) if kind.startswith("text/html") else answer.text
                    problems += [f"{reader} {lang} {url}: {p}"
                                 for p in problems_on(text, lang, ids, raw_keys, names, others)]
    html_pages = {u for u in urls if not u.endswith(".png")}
    assert shown == html_pages - {"/"}, f"pages not rendered: {html_pages - {'/'} - shown}"
    assert not problems, "\n".join(sorted(set(problems))[:80])


def test_the_languages_have_the_same_keys_and_no_empty_text():
    da, en = keys("da"), keys("en")
    assert da == en, f"only Danish: {sorted(da - en)}; only English: {sorted(en - da)}"
    from tillid.review.i18n import Texts

    for lang in ("da", "en"):
        texts = Texts(lang)
        assert not [k for k in da if not texts[k].strip()], lang
