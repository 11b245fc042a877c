"""The site in a real browser: Debian's Chromium driven by Playwright against
`paperscope serve` (uvicorn) on 127.0.0.1. Screenshots of each step, at
desktop and phone widths, go to test-artifacts/browser/."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import feedparser
import httpx
import pytest

from tests.conftest import REPO

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = REPO / "test-artifacts" / "browser"

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists() and not os.environ.get("CI"),
    reason="Debian's chromium is not installed (make browser installs it)",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(web_db):
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "paperscope", "serve", "--port", str(port), "--db", str(web_db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(url + "/about", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            proc.wait()
            raise RuntimeError(f"server did not start: {proc.stdout.read().decode()[-2000:]}")
        time.sleep(0.2)
    yield url
    proc.terminate()
    proc.wait(10)
    proc.stdout.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    context.close()
    assert not dialogs, f"a script ran: {dialogs}"  # hostile payloads never execute
    assert not errors, errors


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-desktop.png"), full_page=False)
    size = page.viewport_size
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(ARTIFACTS / f"{name}-phone.png"), full_page=False)
    page.set_viewport_size(size)


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
