"""Following in Debian's Chromium: sign up, follow an author from their page,
see the lens, change it, and read its feed without being signed in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import feedparser
import httpx
import pytest

from paperscope.library import Library
from paperscope.models import new_paper
from tests.web.browser_support import needs_chromium, serving, shoot

pytestmark = needs_chromium


@pytest.fixture
def site(tmp_path):
    days = [(datetime.now(UTC) - timedelta(days=n)).date().isoformat() for n in (1, 2, 3)]
    db = tmp_path / "library.db"
    with Library(db) as lib:
        with lib.store.transaction():
            lib.store.save_papers([
                new_paper(title="Sparse attention for long documents", authors=["Ada Lovelace"],
                          published=days[0], categories=["cs.CL"], source="arxiv-oai"),
                new_paper(title="Analytical engines, revisited", authors=["Ada Lovelace", "C. Babbage"],
                          published=days[1], categories=["cs.AR"], source="arxiv-oai"),
                new_paper(title="Difference engines at scale", authors=["C. Babbage"],
                          published=days[2], categories=["cs.AR"], source="arxiv-oai"),
            ])  # fmt: skip
        lib.sync_index()
    with serving(db) as url:
        yield url


def test_follow_an_author_and_read_the_lens_feed(site, page):
    url = site
    page.goto(url + "/signup")
    page.fill("input[name=email]", "grace@example.org")
    page.fill("input[name=name]", "grace")
    page.fill("input[name=password]", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_url(url + "/")

    page.goto(url + "/authors/Ada Lovelace")
    page.click("[data-follow-author]")
    page.wait_for_url(url + "/lenses/*")
    assert page.locator("h1").inner_text() == "Papers by Ada Lovelace"
    cards = page.locator("[data-card] .title")
    assert cards.all_inner_texts() == ["Sparse attention for long documents",
                                       "Analytical engines, revisited"]  # fmt: skip
    shoot(page, "lens-1-followed")

    page.click("details.manage summary")
    page.fill("details.manage input[name=q]", "engines")
    page.click("details.manage button:has-text('Save')")
    page.wait_for_url(url + "/lenses/*")
    assert page.locator("[data-card] .title").all_inner_texts() == ["Analytical engines, revisited"]
    rss = page.locator("input[aria-label='RSS feed address']").input_value()
    shoot(page, "lens-2-changed")

    feed = feedparser.parse(httpx.get(rss).content)  # no cookie: a feed reader
    assert not feed.bozo and [e.title for e in feed.entries] == ["Analytical engines, revisited"]
    page.goto(url + "/lenses")
    assert "Papers by Ada Lovelace" in page.locator("ul.lenses").inner_text()
    shoot(page, "lens-3-list")
