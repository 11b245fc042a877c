""" "Not interested" in Debian's Chromium: on "For you", the click swaps the
card out in place (htmx), and after a reload the paper is still gone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

import tests.test_recommend as corpus_module
from paperscope.accounts import Accounts
from tests.test_accounts import FAST, PASSWORD
from tests.test_recommend import build
from tests.web.browser_support import needs_chromium, serving, shoot

pytestmark = needs_chromium


@pytest.fixture
def site(tmp_path, monkeypatch):
    """The three-topic library of tests/test_recommend.py, its dates made
    relative to the real clock (the server's), and ada, who upvoted three
    topic-A papers."""
    monkeypatch.setattr(corpus_module, "NOW", datetime.now(UTC))
    corpus = build(tmp_path / "library.db")
    with corpus.lib:
        ada = Accounts(corpus.lib.people, hasher=FAST).sign_up("ada@example.org", "ada", PASSWORD)
        corpus.vote(ada.id, corpus.old["A"][:3])
    with serving(tmp_path / "library.db") as url:
        yield url


def titles(page) -> list[str]:
    return [t.strip() for t in page.locator("[data-card] .title a").all_inner_texts()]


def test_not_interested_removes_the_card_and_it_stays_gone(site, page):
    url = site
    page.goto(url + "/login")
    page.fill("input[name=email]", "ada@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(url + "/")

    page.goto(url + "/for-you")
    before = titles(page)
    assert before and before[0].startswith("Topic A")
    first = page.locator("[data-card]").first
    first.locator("form.dismiss button").click()
    gone = page.locator("article.dismissed")
    gone.wait_for()  # swapped in place by htmx, no page load
    assert "will not be recommended to you again" in gone.inner_text()
    assert gone.locator("button", has_text="Undo").is_visible()
    assert titles(page) == before[1:]
    shoot(page, "dismiss-1-swapped")

    page.reload()
    after = titles(page)  # (the model learned from the dismissal: the order may change)
    assert before[0] not in after and sorted(after) == sorted(before[1:])
    shoot(page, "dismiss-2-reloaded")

    # The model page lists it, with the way back.
    page.click("a[href='/for-you/model']")
    listed = page.locator("section.dismissed-list [data-card] .title a")
    assert listed.all_inner_texts() == [before[0]]
    shoot(page, "dismiss-3-model-page")
