"""The site in a real browser: Debian's Chromium driven by Playwright against
`paperscope serve` (uvicorn) on 127.0.0.1. Screenshots of each step, at
desktop and phone widths, go to test-artifacts/browser/."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import feedparser
import pytest

from tests.web.browser_support import needs_chromium, serving, shoot

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def server(sqlite_web_db):
    with serving(sqlite_web_db) as url:
        yield url


def test_daily_previous_day_search_paper_math_and_feed(server, page):
    page.goto(server + "/")
    assert page.locator("[data-card]").count() >= 10
    shoot(page, "1-daily")

    page.click("[data-prev]")
    page.wait_for_url("**/papers/date/2026-03-17")
    assert "17 March 2026" in page.locator("h1").inner_text()

    page.fill(".quick-search input", "diphoton")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=diphoton")
    first = page.locator("[data-card] .title a").first
    assert "diphoton" in first.inner_text().lower()
    assert page.locator("mark").count() >= 1
    shoot(page, "2-search")

    first.click()
    page.wait_for_url("**/papers/0704.0001")
    assert page.locator("h1").inner_text().startswith("Calculation of prompt diphoton")
    shoot(page, "3-paper")

    page.goto(server + "/search?q=sorting+comparisons&mode=keyword")
    page.locator("[data-card] .title a").first.click()
    page.wait_for_selector("h1 .katex")  # KaTeX rendered the title's formulas
    assert page.locator("h1 .katex").count() == 2
    assert page.locator(".abstract .katex").count() >= 3
    assert "O(nlogn)" in page.locator("h1 .katex").first.inner_text().replace(" ", "").replace(
        "\n", ""
    )
    shoot(page, "4-math")

    page.goto(server + "/papers/date/2026-03-17")
    href = page.locator("a.feed-link", has_text="RSS").first.get_attribute("href")
    response = page.request.get(server + href)
    feed = feedparser.parse(response.body())
    assert not feed.bozo and feed.version == "rss20"
    assert len(feed.entries) == 50  # the first page of the day's 67
    assert feed.entries[0].link.startswith(server + "/papers/")


def test_keyboard_navigation_and_hostile_content(server, page):
    page.goto(server + "/papers/date/2026-03-18")  # today's crafted papers, hostile ones too
    page.keyboard.press("j")
    page.keyboard.press("j")
    current = page.locator("[data-card].current .title a")
    title = current.inner_text()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().startswith(title[:20])
    page.goto(server + "/papers/date/2026-03-18")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.name") == "q"
    # Hostile text is visible as typed, and nothing it holds ran (see the fixture).
    assert page.get_by_text("<script>alert('title')</script>", exact=False).count() >= 1
    shoot(page, "5-hostile")


def test_live_search_with_htmx_and_dark_theme(server, browser):
    context = browser.new_context(color_scheme="dark", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(server + "/search")
    page.fill("#q", "video generation")
    page.wait_for_selector("#results [data-card]")  # swapped in without a page load
    assert parse_qs(urlsplit(page.url).query)["q"] == ["video generation"]  # hx-push-url
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(15, 17, 21)"  # the dark palette
    shoot(page, "6-search-dark")
    context.close()
