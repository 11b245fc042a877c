"""Hostile titles, abstracts, author names, links and queries are shown as
text: no page, JSON or feed lets them become markup, script or a link."""

from __future__ import annotations

from urllib.parse import quote

import feedparser
import pytest

from tests.web.conftest import HOSTILE, TODAY
from tests.web.test_pages import Page


def assert_inert(html: str, where: str) -> None:
    page = Page(html)
    for tag, attrs in page.elements:
        assert tag not in ("iframe", "svg", "img", "object", "embed"), (where, tag)
        for name, value in attrs.items():
            assert not name.startswith("on"), (where, tag, name)
            if name in ("href", "src", "action"):
                assert not (value or "").strip().lower().startswith("javascript:"), (where, value)
        if tag == "script":
            assert (attrs.get("src") or "").startswith("/static/vendor/") or (
                attrs.get("src") or ""
            ).startswith("/static/app.js"), (where, attrs)
    # No inline script at all: every script element has a src and no body.
    assert html.count("<script") == len(page.all("script"))
    assert "<script>" not in html and "</script><" not in html.replace("></script>\n<", "")


def hostile_ids(client) -> list[str]:
    data = client.get(f"/papers/date/{TODAY}?format=json").json()
    found = [i["paper"]["id"] for i in data["papers"] if i["title"].startswith("Hostile title")]
    assert len(found) == len(HOSTILE)
    return found


def test_lists_show_hostile_text_as_text(client):
    for url in (f"/papers/date/{TODAY}", "/", "/trending", "/search?q=hostile+title&mode=keyword",
                "/papers/week/2026-W12", "/papers/month/2026-03"):  # fmt: skip
        r = client.get(url)
        assert r.status_code == 200
        assert_inert(r.text, url)
    text = "".join(Page(client.get(f"/papers/date/{TODAY}").text).text)
    assert "<script>alert('title')</script>" in text  # visible, as typed


def test_paper_and_author_pages_are_inert_and_drop_javascript_links(client):
    for paper_id in hostile_ids(client):
        r = client.get(f"/papers/{paper_id}")
        assert r.status_code == 200
        assert_inert(r.text, paper_id)
        data = client.get(f"/api/papers/{paper_id}").json()
        assert "project" not in data["links"] and "code" not in data["links"]
        for author in data["authors"]:
            page = client.get(f"/authors/{quote(author['name'], safe='')}")
            assert page.status_code == 200, author
            assert_inert(page.text, author["name"])


@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_queries_are_echoed_as_text(client, payload):
    r = client.get("/search", params={"q": payload})
    assert r.status_code == 200
    assert_inert(r.text, payload)
    assert r.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_feeds_with_hostile_papers_stay_valid(client, kind):
    for url in (f"/papers/date/{TODAY}", "/search?q=hostile", f"/search?q={quote(HOSTILE[0])}"):
        sep = "&" if "?" in url else "?"
        r = client.get(f"{url}{sep}format={kind}")
        assert r.status_code == 200
        feed = feedparser.parse(r.content)
        assert not feed.bozo, (url, feed.get("bozo_exception"))
        assert b"<script" not in r.content
