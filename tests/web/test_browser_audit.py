"""What a new user met in the browser, checked in Debian's Chromium: every
text readable (WCAG AA contrast) in light and dark, the Content-Security-Policy
refusing nothing the pages need (see the page fixture), htmx and KaTeX working
under it, confirmations before anything is destroyed, and plain-text tab titles."""

from __future__ import annotations

import shutil

import pytest

from tests.web.browser_support import low_contrast, needs_chromium, serving, shoot

pytestmark = needs_chromium
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def server(sqlite_web_db, tmp_path_factory):
    """The web tests' library, copied, so that accounts made here stay here."""
    copy = tmp_path_factory.mktemp("audit") / "library.db"
    shutil.copy(sqlite_web_db, copy)
    with serving(copy, {"PAPERSCOPE_BASE_URL": "http://127.0.0.1"}) as url:
        yield url


def sign_up(page, server: str, name: str) -> None:
    page.goto(server + "/signup")
    page.fill("input[name=email]", f"{name}@example.org")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(server + "/")


PAGES = ["/", "/papers/date/2026-03-17", "/trending", "/search?q=video+generation",
         "/papers/0704.0001", "/authors/Ada%20Lovelace", "/about", "/login", "/signup",
         "/reset", "/nowhere"]  # fmt: skip
MEMBERS = ["/", "/papers/0704.0001", "/for-you", "/collections", "/digests", "/submit",
           "/account"]  # fmt: skip


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_text_is_readable_in_light_and_dark(server, browser, scheme):
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    failures = {}
    for url in PAGES:
        page.goto(server + url)
        page.wait_for_load_state("networkidle")
        failures[url] = low_contrast(page)
    page.goto(server + "/login")
    page.focus("input[name=email]")  # focus styles count too
    failures["/login (focused)"] = low_contrast(page)
    sign_up(page, server, f"reader{scheme}")
    for url in MEMBERS:
        page.goto(server + url)
        page.wait_for_load_state("networkidle")
        failures[f"{url} (signed in)"] = low_contrast(page)
    shoot(page, f"7-contrast-{scheme}")
    context.close()
    assert not {url: found for url, found in failures.items() if found}


def test_math_and_htmx_work_under_the_content_security_policy(server, page):
    page.goto(server + "/search?q=sorting+comparisons&mode=keyword")
    page.locator("[data-card] .title a").first.click()
    page.wait_for_selector("h1 .katex")
    assert page.locator("h1 .katex").count() == 2
    # The tab's title is plain text, not LaTeX source.
    assert page.title().startswith("Sorting in O(n log n) time with α-stable comparisons")
    page.goto(server + "/search")
    page.fill("#q", "diphoton")
    page.wait_for_selector("#results [data-card]")  # htmx swapped the results in


def test_destroying_asks_first(server, page):
    sign_up(page, server, "careful")
    page.goto(server + "/collections")
    page.fill("input[name=name]", "Keep me")
    page.click(".new-collection button")
    page.wait_for_url("**/collections/*")
    page.locator("summary", has_text="Rename or delete").click()
    question = "Delete the collection “Keep me”? Its papers stay in the library."
    page.click("button.danger")  # the fixture refuses the question it did not expect
    page.wait_for_timeout(300)
    assert page.locator("h1").inner_text() == "Keep me"
    page.expected_dialogs.append(question)
    page.click("button.danger")
    page.wait_for_url("**/collections")
    assert "Keep me" not in page.locator("main").inner_text()
    page.dialogs_seen = True


def test_the_sign_up_form_says_what_a_name_may_be(server, page):
    page.goto(server + "/signup")
    rule = page.locator("#name-rule").inner_text()
    assert "letters, digits" in rule and page.locator("#name-rule").is_visible()
    page.fill("input[name=email]", "x@example.org")
    page.fill("input[name=name]", "no spaces allowed")
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    message = page.evaluate("document.querySelector('input[name=name]').validationMessage")
    assert "letters, digits" in message  # the title attribute joins the browser's message
