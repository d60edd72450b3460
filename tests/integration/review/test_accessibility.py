"""Accessibility: axe-core on every page, in Danish and English, at desktop and phone width; the keyboard alone.

Each page of PAGES is opened signed in as its role, with every <details>
unfolded so that the explanations are checked too, and axe-core runs on it.
Any violation of impact serious or critical fails the test, printed with its
rule, element and help. A new page is one more line in PAGES.

The keyboard tests sign in, unfold an explanation, fill a form and submit it
with Tab, typing, Enter and Space only, and check that every element that
takes the focus on the way shows it (an outline of at least 2 px), and that
the first Tab offers a link past the header to the page's content.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.async_api import async_playwright, expect

from tillid.review.auth import issue_token, parse_role
from tests.integration.review import showcase, world
from tests.integration.review.axe import Violation, blocking, ensure_axe, violations
from tests.integration.review.browser import LAUNCH_ARGS, ensure_chromium
from tests.integration.review.live import serving

pytestmark = pytest.mark.services


@dataclass(frozen=True, slots=True)
class Page:
    """A page to check: its name, its path (with {committee}, {proposal} or {employee} of the data), who opens it."""

    name: str
    path: str
    role: str | None  # "committee", "employee", "admin", or None for a page without signing in


PAGES = [
    Page("login", "/login", None),
    Page("committees", "/committees", "admin"),
    Page("committee", "/committee/{committee}", "committee"),
    Page("me", "/me", "employee"),
    Page("error", "/committee/not-a-committee", "committee"),
    Page("proposal", "/committee/{committee}/proposals/{proposal}", "committee"),
    Page("agenda", "/committee/{committee}/agenda", "committee"),
]
LANGUAGES = ("da", "en")
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 740}}
FOCUS_MIN_PX = 2.0


@pytest.fixture(scope="session")
def chromium() -> Path:
    try:
        return ensure_chromium()
    except RuntimeError as error:
        pytest.fail(f"the accessibility tests need chromium: {error}")


@pytest.fixture(scope="session")
def axe_script() -> Path:
    try:
        return ensure_axe()
    except RuntimeError as error:
        pytest.fail(f"the accessibility tests need axe-core from npm: {error}")


@pytest.fixture
async def site(settings, db, chromium):
    """(base URL, browser, ids and tokens) on the demo organisation, as the screenshots show it."""
    ids = await showcase.build(db, settings.database_url)
    ids["committee"] = showcase.COMMITTEE
    ids["proposal"] = ids["leon"]
    tokens = {"admin": world.ADMIN,
              "committee": await issue_token(db, parse_role(f"committee:{showcase.COMMITTEE}")),
              "employee": await issue_token(db, parse_role(f"employee:{ids['employee']}"))}
    with serving(settings) as base:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=str(chromium), args=LAUNCH_ARGS)
            try:
                yield base, browser, ids, tokens
            finally:
                await browser.close()


async def open_signed_in(browser, base: str, lang: str, viewport: dict, token: str | None):
    """A new context in the language `lang` (chosen with ?lang=, kept in a cookie), signed in when a token is given."""
    context = await browser.new_context(viewport=viewport, base_url=base)
    page = await context.new_page()
    await page.goto(f"/login?lang={lang}")
    if token is not None:
        await page.fill("#token", token)
        await page.click("button[type=submit]")
        await page.wait_for_load_state("networkidle")
    return context, page


async def check(page, axe_script: Path) -> list[Violation]:
    """The serious and critical violations on the page with every <details> unfolded."""
    await page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    return blocking(await violations(page, axe_script))


async def test_pages_have_no_serious_or_critical_violations(site, axe_script):
    base, browser, ids, tokens = site
    report: list[str] = []
    for spec in PAGES:
        for lang in LANGUAGES:
            for width, viewport in VIEWPORTS.items():
                context, page = await open_signed_in(browser, base, lang, viewport,
                                                     tokens[spec.role] if spec.role else None)
                await page.goto(spec.path.format(**ids))
                await page.wait_for_load_state("networkidle")
                assert await page.evaluate("document.documentElement.lang") == lang, (spec.name, lang)
                found = await check(page, axe_script)
                report += [f"{spec.name} ({lang}, {width}) {v.line()}" for v in found]
                await context.close()
    assert not report, f"{len(report)} serious or critical accessibility violations:\n" + "\n".join(report)


async def test_axe_runs_under_the_pages_policy_and_reports_what_is_broken(settings, chromium, axe_script):
    """The harness is not blind: on the real login page, under its CSP, a nameless button and an image
    without alt text are reported as critical, with the element."""
    with serving(settings) as base:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=str(chromium), args=LAUNCH_ARGS)
            try:
                context, page = await open_signed_in(browser, base, "da", VIEWPORTS["phone"], None)
                assert "script-src 'self'" in (await page.evaluate(
                    "fetch('/login').then(r => r.headers.get('content-security-policy'))"))
                assert await check(page, axe_script) == []
                await page.evaluate("""() => {
                    const form = document.querySelector('form');
                    form.insertAdjacentHTML('beforeend', '<button id="nameless"></button><img id="bare" src="/x.png">');
                }""")
                found = {(v.rule, v.target) for v in await check(page, axe_script)}
                assert {("button-name", "#nameless"), ("image-alt", "#bare")} <= found, found
            finally:
                await browser.close()


async def focus_of(page) -> dict:
    """The focused element and the outline it shows."""
    return await page.evaluate("""() => {
        const e = document.activeElement, s = getComputedStyle(e);
        return {element: e.outerHTML.slice(0, 120), outline: s.outlineStyle,
                width: parseFloat(s.outlineWidth) || 0};
    }""")


async def tab_to(page, selector: str, limit: int = 80) -> list[dict]:
    """Press Tab until the element matching `selector` has the focus (unless it has it already).

    Each element the focus stops on is checked to show it; returns those stops.
    """
    seen: list[dict] = []
    while not await page.evaluate("s => document.activeElement.matches(s)", selector):
        if len(seen) == limit:
            raise AssertionError(f"{selector} not reached with {limit} tabs; the focus went through {seen}")
        await page.keyboard.press("Tab")
        focus = await focus_of(page)
        seen.append(focus)
        assert focus["outline"] != "none" and focus["width"] >= FOCUS_MIN_PX, f"focus not visible on {focus}"
    return seen


async def sign_in_by_keyboard(browser, base: str, token: str):
    context = await browser.new_context(viewport=VIEWPORTS["desktop"], base_url=base)
    page = await context.new_page()
    await page.goto("/login?lang=da")
    await tab_to(page, "#token")
    await page.keyboard.type(token)
    await tab_to(page, "button[type=submit]")
    async with page.expect_navigation():
        await page.keyboard.press("Enter")
    return context, page


async def test_committee_decides_with_the_keyboard_alone(site):
    base, browser, ids, tokens = site
    context, page = await sign_in_by_keyboard(browser, base, tokens["committee"])
    assert page.url.endswith(f"/committee/{showcase.COMMITTEE}")
    await tab_to(page, "a.skip", limit=1)
    await expect(page.locator("a.skip")).to_be_in_viewport()
    await page.keyboard.press("Enter")
    past_the_header = await tab_to(page, "main a")
    assert len(past_the_header) == 1, past_the_header  # the skip link led straight to the content
    await tab_to(page, f"tr[data-proposal='{ids['proposal']}'] a")
    await page.keyboard.press("Enter")
    await page.wait_for_url(f"**/proposals/{ids['proposal']}")
    await tab_to(page, "article.proposal > details > summary")
    await page.keyboard.press("Enter")
    await expect(page.locator("article.proposal > details")).to_have_attribute("open", "")
    await tab_to(page, "textarea[name=comment]", limit=200)
    await page.keyboard.type("Godkendt med tastaturet.")
    await tab_to(page, "button[value=approved]")
    await page.keyboard.press("Space")
    await page.wait_for_url("**?done=approved")
    await expect(page.locator(f".history li[data-proposal='{ids['proposal']}']")).to_contain_text(
        "Godkendt med tastaturet.")
    await context.close()


async def test_employee_answers_with_the_keyboard_alone(site):
    base, browser, ids, tokens = site
    context, page = await sign_in_by_keyboard(browser, base, tokens["employee"])
    assert page.url.endswith("/me")
    card = f"article.suggestion[data-suggestion='{ids['suggestion']}']"
    await tab_to(page, f"{card} textarea[name=comment]")
    await page.keyboard.type("Gerne, med tastaturet.")
    await tab_to(page, f"{card} button[value=accepted]")
    await page.keyboard.press("Enter")
    await page.wait_for_url("**?answered=accepted")
    await expect(page.locator(f".answered li[data-suggestion='{ids['suggestion']}']")).to_contain_text(
        "Gerne, med tastaturet.")
    await context.close()
