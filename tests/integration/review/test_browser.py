"""Browser tests: Playwright driving Debian's chromium against a real server on realistic data.

A committee signs in, approves a proposal and sees it leave the queue; an
employee signs in and accepts a suggestion. Screenshots of both pages at
desktop and phone width are written to docs/screenshots/ on the way.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import async_playwright, expect

from tillid.review.auth import issue_token, parse_role
from tests.integration.review import showcase
from tests.integration.review.browser import LAUNCH_ARGS, ensure_chromium
from tests.integration.review.live import serving

pytestmark = pytest.mark.services

SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def chromium() -> Path:
    try:
        return ensure_chromium()
    except RuntimeError as error:
        pytest.fail(f"the browser tests need chromium: {error}")


@pytest.fixture
async def site(settings, db, chromium):
    ids = await showcase.build(db, settings.database_url)
    ids["committee_token"] = await issue_token(db, parse_role(f"committee:{showcase.COMMITTEE}"))
    ids["employee_token"] = await issue_token(db, parse_role(f"employee:{ids['employee']}"))
    with serving(settings) as base:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=str(chromium), args=LAUNCH_ARGS)
            try:
                yield base, browser, ids
            finally:
                await browser.close()


async def signed_in(browser, base: str, token: str, viewport: dict):
    context = await browser.new_context(viewport=viewport, base_url=base, locale="da-DK")
    page = await context.new_page()
    await page.goto("/login")
    await page.fill("#token", token)
    await page.click("button[type=submit]")
    await page.wait_for_load_state("networkidle")
    return context, page


async def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.wait_for_load_state("networkidle")
    # The top of the page, at most 2,400 px: the queue with the first proposal's explanation unfolded.
    size = page.viewport_size
    height = min(2400, await page.evaluate("document.documentElement.scrollHeight"))
    await page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True,
                          clip={"x": 0, "y": 0, "width": size["width"], "height": height})


async def test_committee_approves_and_the_proposal_leaves_the_queue(site):
    base, browser, ids = site
    phone, phone_page = await signed_in(browser, base, ids["committee_token"], PHONE)
    await screenshot(phone_page, "committee-phone")
    await phone.close()

    context, page = await signed_in(browser, base, ids["committee_token"], DESKTOP)
    assert page.url.endswith(f"/committee/{showcase.COMMITTEE}")
    queue = page.locator("article.proposal")
    await expect(queue).to_have_count(ids["pending"])
    for image in ("effect", "spread"):
        loaded = await page.eval_on_selector(f"img[src*='/plots/{image}.png']", "img => img.naturalWidth")
        assert loaded > 300
    first = page.locator(f"article.proposal[data-proposal='{ids['leon']}']")
    await first.locator("summary").click()
    await expect(first.locator(".explanation")).to_contain_text(ids["leon_task"])
    await screenshot(page, "committee-desktop")
    await first.locator("textarea[name=comment]").fill("Godkendt på mødet 23. november.")
    await first.locator("button[value=approved]").click()
    await page.wait_for_url("**?done=approved")
    await expect(page.locator(".notice")).to_contain_text("godkendt")
    await expect(page.locator("article.proposal")).to_have_count(ids["pending"] - 1)
    await expect(page.locator(f"article.proposal[data-proposal='{ids['leon']}']")).to_have_count(0)
    await expect(page.locator(f".history li[data-proposal='{ids['leon']}']")).to_contain_text(
        "Godkendt på mødet 23. november.")
    await context.close()


async def test_employee_accepts_a_suggestion(site):
    base, browser, ids = site
    phone, phone_page = await signed_in(browser, base, ids["employee_token"], PHONE)
    await screenshot(phone_page, "me-phone")
    await phone.close()

    context, page = await signed_in(browser, base, ids["employee_token"], DESKTOP)
    assert page.url.endswith("/me")
    card = page.locator(f"article.suggestion[data-suggestion='{ids['suggestion']}']")
    await expect(card).to_contain_text(ids["suggestion_text"])
    await expect(card.locator(".reason")).to_contain_text("niveau")
    await screenshot(page, "me-desktop")
    await page.click("a.lang")
    await expect(page.locator("h1")).to_have_text("My suggestions")
    await page.click("a.lang")
    await card.locator("textarea[name=comment]").fill("Gerne, helst efter nytår.")
    await card.locator("button[value=accepted]").click()
    await page.wait_for_url("**?answered=accepted")
    await expect(page.locator(".notice")).to_contain_text("sagt ja")
    await expect(page.locator(f"article.suggestion[data-suggestion='{ids['suggestion']}']")).to_have_count(0)
    await expect(page.locator(f".answered li[data-suggestion='{ids['suggestion']}']")).to_contain_text("sagt ja")
    await context.close()


async def test_pages_and_api_docs_work_under_the_content_security_policy(live, chromium):
    """Swagger UI from the service itself, sign-in and app.js run with no inline script and no CSP refusal."""
    base, tokens = live
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(chromium), args=LAUNCH_ARGS)
        try:
            page = await (await browser.new_context(base_url=base, locale="da-DK")).new_page()
            refused: list[str] = []
            page.on("console", lambda message: refused.append(message.text)
                    if "Content Security Policy" in message.text else None)
            await page.goto("/api/docs")
            await expect(page.locator(".opblock").first).to_be_visible(timeout=20_000)
            await page.goto("/login")
            await page.fill("#token", tokens["committee:med-a"])
            await page.click("button[type=submit]")
            await page.wait_for_url("**/committee/med-a")
            await page.goto("/committee/med-b")  # not this committee's: the error page
            await page.click("a[data-back]")  # app.js takes it back in history
            await page.wait_for_url("**/committee/med-a")
            assert refused == []
        finally:
            await browser.close()


async def test_employee_declines_with_a_reason_and_disputes_a_competence(live, db, chromium):
    """The reason, the dispute form and its state work in a browser under the CSP (no inline script)."""
    from tillid.review import actions
    from tests.services import SIGNING_KEY

    base, tokens = live
    proposal_id = await db.fetchval("SELECT proposal_id FROM proposals WHERE kind = 'upskilling_path'")
    async with db.transaction():
        await actions.decide_proposal(db, parse_role("admin"), proposal_id, "approved", "", "test",
                                      signing_key=SIGNING_KEY.encode())
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(chromium), args=LAUNCH_ARGS)
        try:
            context, page = await signed_in(browser, base, tokens["employee:e1"], PHONE)
            refused: list[str] = []
            page.on("console", lambda message: refused.append(message.text)
                    if "Content Security Policy" in message.text else None)
            card = page.locator("article.suggestion").first
            await card.locator("select[name=reason]").select_option("no_time")
            await card.locator("button[value=declined]").click()
            await page.wait_for_url("**?answered=declined")
            await expect(page.locator(".answered li").first).to_contain_text("Begrundelse: Ikke tid nu")
            competence = page.locator("ul.competences li[data-skill='dk:oejendraabebehandling']")
            await competence.locator("summary").click()
            await competence.locator("input[name=comment]").fill("Jeg er på niveau 4")
            await competence.locator("button[type=submit]").click()
            await page.wait_for_url("**?done=disputed")
            await expect(page.locator("ul.competences li[data-skill='dk:oejendraabebehandling']")).to_contain_text(
                "gjort indsigelse, venter på HR")
            overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0 and refused == []
            await context.close()
        finally:
            await browser.close()
