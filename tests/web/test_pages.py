"""Every page and its JSON twin, through the real app on a real SQLite file."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

import pytest

from paperscope.daily import trend
from tests.web.conftest import NOW, TODAY


class Page(HTMLParser):
    """The parts of a page the tests look at: elements with their attributes, and text."""

    def __init__(self, html: str):
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for t, attrs in self.elements if t == tag]

    def links(self, rel: str | None = None) -> list[str]:
        return [a["href"] for a in self.all("a") + self.all("link")
                if a.get("href") and (rel is None or a.get("rel") == rel)]  # fmt: skip


def card_titles(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", t).strip()
            for t in re.findall(r'<h2 class="title tex"><a [^>]*>(.*?)</a>', html, re.S)]  # fmt: skip


# -- the daily feed -------------------------------------------------------------


def test_home_shows_today_by_upvotes_then_arrival(client):
    r = client.get("/")
    assert r.status_code == 200
    assert "text/html" in r.headers["content-type"]
    twin = client.get("/?format=json").json()
    assert twin["period"] == {"kind": "day", "key": TODAY, "label": "Wednesday, 18 March 2026",
                              "first": TODAY, "last": TODAY}  # fmt: skip
    assert all(
        i["paper"]["url"].startswith("http://paperscope.test/papers/") for i in twin["papers"]
    )
    votes = [item["paper"]["upvotes"] for item in twin["papers"]]
    assert votes == sorted(votes, reverse=True) and votes[0] == 12
    # The page lists the same papers as its twin, in the same order.
    assert card_titles(r.text)[:3] == [
        re.sub(r"\s+", " ", item["title"]) for item in twin["papers"][:3]
    ]
    assert twin["previous"] == "/papers/date/2026-03-17" and twin["next"] is None


def test_home_falls_back_to_the_latest_day_with_papers(web_db):
    from datetime import UTC, datetime

    from fastapi.testclient import TestClient

    from paperscope.config import Settings
    from paperscope.web.app import create_app

    later = create_app(
        Settings(database=str(web_db)), clock=lambda: datetime(2026, 4, 2, tzinfo=UTC)
    )
    with TestClient(later) as c:
        r = c.get("/")
        assert "No papers yet for 2026-04-02" in r.text
        assert c.get("/?format=json").json()["period"]["key"] == TODAY


def test_days_weeks_and_months_with_previous_and_next(client):
    day = client.get("/papers/date/2026-03-17?format=json").json()
    assert day["total"] == 67  # the newer seed page
    assert day["previous"] == "/papers/date/2026-03-16" and day["next"] == f"/papers/date/{TODAY}"
    before = client.get("/papers/date/2026-03-16?format=json").json()
    assert before["previous"] == "/papers/date/2025-12-10"  # empty days are skipped
    html = client.get("/papers/date/2026-03-17").text
    assert 'href="/papers/date/2026-03-16"' in html and 'rel="prev"' in html
    week = client.get("/papers/week/2026-W12?format=json").json()
    assert (week["period"]["first"], week["period"]["last"]) == ("2026-03-16", "2026-03-22")
    assert week["total"] == day["total"] + 1 + 10  # Monday's paper and today's 10
    assert week["previous"] == "/papers/week/2025-W50"  # the nearest week with papers
    month = client.get("/papers/month/2025-12?format=json").json()
    # 46 papers on that page, 5 of them also on the newer page, whose day they kept.
    assert month["total"] == 41 and month["next"] == "/papers/month/2026-03"
    empty = client.get("/papers/date/2020-01-01")
    assert empty.status_code == 200 and "No papers in the feed" in empty.text


@pytest.mark.parametrize(
    "url, words",
    [
        ("/papers/date/2026-13-01", "not a real day"),
        ("/papers/date/2026-02-30", "not a real day"),
        ("/papers/date/yesterday", "write it as YYYY-MM-DD"),
        ("/papers/week/2026-W54", "not a real week"),
        ("/papers/week/2026-12", "YYYY-Www"),
        ("/papers/month/2026-1", "YYYY-MM"),
        ("/papers/month/2026-00", "not a real month"),
        ("/?page=0", "page"),
        ("/?page=x", "page"),
        ("/papers/date/2026-03-17?page=9", "past the end"),
        ("/?format=pdf", "format 'pdf'"),
        ("/search?q=x&mode=fuzzy", "mode 'fuzzy'"),
        ("/search?q=x&from=last+week", "from 'last week' is not a date"),
        ("/search?q=x&until=2026-02-30", "until"),
        ("/search?q=x&min_upvotes=-1", "min_upvotes '-1' is not a whole number"),
        ("/search?q=x&min_upvotes=lots", "min_upvotes 'lots'"),
        ("/api/daily_papers?date=2026-03-17&week=2026-W12", "not date and week"),
        ("/api/daily_papers?limit=1000", "limit"),
        ("/api/daily_papers?sort=random", "sort 'random'"),
        ("/api/daily_papers?date=17-03-2026", "YYYY-MM-DD"),
    ],
)
def test_bad_parameters_get_a_400_that_says_what_is_wrong(client, url, words):
    r = client.get(url)
    assert r.status_code == 400, r.text[:300]
    body = r.json()["error"] if url.startswith("/api/") else r.text
    assert words in body.replace("&#39;", "'").replace("&#34;", '"')
    if not url.startswith("/api/"):
        assert "text/html" in r.headers["content-type"]


def test_unknown_pages_papers_and_authors_are_404_pages(client):
    for url in ("/nowhere", "/papers/9999.99999", "/authors/Nobody%20Here", "/api/papers/nope"):
        r = client.get(url)
        assert r.status_code == 404, url
    assert "No paper here is known as '9999.99999'" in unescape(
        client.get("/papers/9999.99999").text
    )
    assert client.get("/api/papers/nope").json()["status"] == 404


# -- trending -------------------------------------------------------------------


def test_trending_follows_its_published_formula_and_shows_the_parts(client):
    data = client.get("/trending?format=json").json()
    assert data["formula"] == "upvotes / (age_hours + age_offset_hours) ** gravity"
    scores = [p["trending"]["score"] for p in data["papers"]]
    assert scores == sorted(scores, reverse=True)
    first = data["papers"][0]
    parts = first["trending"]
    assert parts["score"] == pytest.approx(
        parts["upvotes"] / (parts["age_hours"] + parts["age_offset_hours"]) ** parts["gravity"],
        rel=1e-4,
    )
    # 12 votes today (12 h old) beat 60 votes from two days ago (60 h old).
    titles = [p["paper"]["title"] for p in data["papers"]]
    assert titles.index("Old favourite with many votes") > 0
    assert titles[0].startswith("Sorting in")
    html = client.get("/trending").text
    assert "why? score" in html and "12 upvotes ÷ (12 h + 2)^1.5" in html
    assert client.get("/api/trending?limit=2").json()["papers"][1]["trending"]["explanation"]


def test_trend_is_none_without_a_feed_day():
    from paperscope.models import Paper

    assert trend(Paper(id="x", title="t"), NOW) is None


# -- search -----------------------------------------------------------------------


def test_search_highlights_and_explains_matches(client):
    r = client.get("/search", params={"q": "sorting comparators network"})
    assert r.status_code == 200
    assert "<mark>Sorting</mark>" in r.text
    assert "<mark>Networks</mark>" in r.text and "<mark>networking</mark>" in r.text
    assert "keyword rank 1" in r.text
    # Math is never split by a highlight: the formula stays whole for KaTeX.
    assert r"$O(n \log n)$" in r.text


def test_search_json_twin_filters_and_pages(client):
    q = {"q": "video generation", "mode": "keyword", "format": "json"}
    first = client.get("/search", params=q).json()
    assert first["hits"] and all(h["why"]["keyword_rank"] for h in first["hits"])
    filtered = client.get("/search", params={**q, "min_upvotes": 2}).json()
    assert all(h["paper"]["upvotes"] >= 2 for h in filtered["hits"])
    assert len(filtered["hits"]) < len(first["hits"])
    page2 = client.get("/search", params={**q, "page": 2}).json()
    assert not {h["paper"]["id"] for h in page2["hits"]} & {h["paper"]["id"] for h in first["hits"]}
    by_author = client.get("/search", params={"q": "sorting", "author": "Ada Lovelace",
                                              "format": "json"}).json()  # fmt: skip
    assert by_author["hits"][0]["paper"]["authors"][0]["name"] == "Ada Lovelace"


def test_the_search_form_as_a_browser_sends_it(client):
    """Empty fields mean no filter; one field may hold several categories."""
    empty = {"q": "video", "mode": "keyword", "from": "", "until": "", "cat": "", "author": "",
             "min_upvotes": "", "format": "json"}  # fmt: skip
    r = client.get("/search", params=empty)
    assert r.status_code == 200 and r.json()["hits"]
    assert r.json()["filters"] == {}
    both = client.get("/search", params={**empty, "q": "", "cat": "hep-ph, math.CO"}).json()
    assert both["hits"]
    assert all({"hep-ph", "math.CO"} & set(h["paper"]["categories"]) for h in both["hits"])
    assert both["filters"]["categories"] == ["hep-ph", "math.CO"]


def test_an_exact_arxiv_url_puts_its_paper_first(client):
    data = client.get("/search", params={"q": "https://arxiv.org/abs/0704.0001v1",
                                         "format": "json"}).json()  # fmt: skip
    assert data["hits"][0]["paper"]["id"] == "0704.0001"
    assert data["hits"][0]["why"]["exact"]


def test_an_empty_search_shows_the_form_and_nothing_matched_says_so(client):
    r = client.get("/search")
    assert r.status_code == 200 and 'name="q"' in r.text and "Nothing matched" not in r.text
    r = client.get("/search", params={"q": "zzzqqqxxyy"})
    assert "Nothing matched" in r.text


@pytest.mark.parametrize("q", ['"', "(((", "AND OR NOT", "*", "🔬 量子", "x" * 10_000, "\x00\x1b"])
def test_hostile_queries_never_fail_a_page(client, q):
    for mode in ("keyword", "hybrid"):
        assert client.get("/search", params={"q": q, "mode": mode}).status_code == 200
        assert client.get("/api/papers/search", params={"q": q}).status_code == 200


# -- paper and author pages --------------------------------------------------------


def test_a_paper_page_has_everything_the_issue_lists(client):
    r = client.get("/papers/0704.0001")
    assert r.status_code == 200
    page = Page(r.text)
    hrefs = page.links()
    assert "https://arxiv.org/abs/0704.0001" in hrefs and "https://arxiv.org/pdf/0704.0001" in hrefs
    assert "Versions" in r.text and "v1 (2007-04-02)" in r.text
    assert "hep-ph" in r.text
    assert "Similar papers" in r.text
    data = client.get("/papers/0704.0001?format=json").json()
    assert data["id"] == "0704.0001" and data["links"]["pdf"].endswith("0704.0001")
    assert data["url"] == "http://paperscope.test/papers/0704.0001"
    assert data["similar"] and all(s["paper"]["id"] != "0704.0001" for s in data["similar"])
    crafted = client.get("/search?q=Sorting+comparisons&format=json").json()["hits"][0]["paper"]
    page = client.get(f"/papers/{crafted['id']}").text
    assert "submitted by ada" in page and 'href="/papers/date/2026-03-18"' in page


def test_other_names_for_a_paper_redirect_to_its_one_address(client):
    r = client.get("/papers/0704.0001v2", follow_redirects=False)
    assert r.status_code == 301 and r.headers["location"] == "/papers/0704.0001"
    r = client.get("/papers/arXiv:0704.0001?format=json", follow_redirects=False)
    assert r.headers["location"] == "/papers/0704.0001?format=json"


def test_author_pages_list_their_papers_newest_first(client):
    r = client.get("/authors/Ada%20Lovelace")
    assert r.status_code == 200
    titles = card_titles(r.text)
    assert len(titles) == 2 and "2 papers" in r.text
    assert client.get("/authors/AC%2FDC%20Collaboration").status_code == 200
    api = client.get("/api/authors/Grace%20Hopper").json()
    assert {p["title"] for p in api} == {
        "Old favourite with many votes",
        "Fresh paper with a few votes",
    }


# -- the API ---------------------------------------------------------------------------


def test_daily_papers_api_looks_like_hugging_faces(client):
    r = client.get("/api/daily_papers", params={"date": "2026-03-17", "limit": 10})
    items = r.json()
    assert len(items) == 10
    item = items[0]
    assert {"paper", "title", "summary", "publishedAt", "submittedOnDailyAt"} <= set(item)
    assert {"id", "title", "summary", "authors", "upvotes", "publishedAt"} <= set(item["paper"])
    nxt = re.fullmatch(r"<(.+)>; rel=\"next\"", r.headers["link"])
    assert nxt and "p=1" in nxt[1]
    page2 = client.get(nxt[1]).json()
    assert len(page2) == 10 and not {i["paper"]["id"] for i in page2} & {
        i["paper"]["id"] for i in items
    }
    last = client.get("/api/daily_papers", params={"date": "2026-03-17", "limit": 10, "p": 6})
    assert len(last.json()) == 7 and "link" not in last.headers
    week = client.get("/api/daily_papers", params={"week": "2026-W12", "limit": 100}).json()
    month = client.get("/api/daily_papers", params={"month": "2026-03", "limit": 100}).json()
    assert len(week) == len(month) == 78
    trending = client.get("/api/daily_papers", params={"date": TODAY, "sort": "trending"}).json()
    assert trending[0]["paper"]["upvotes"] == 12


def test_paper_and_search_api(client):
    assert client.get("/api/papers/0704.0001").json()["title"].startswith("Calculation of prompt")
    hits = client.get("/api/papers/search", params={"q": "diphoton", "limit": 1})
    assert hits.json()[0]["paper"]["id"] == "0704.0001"


def test_openapi_lists_the_api_and_the_docs_need_no_cdn(client):
    spec = client.get("/api/openapi.json").json()
    for path in ("/api/daily_papers", "/api/papers/search", "/api/papers/{ref}", "/api/trending"):
        assert path in spec["paths"]
    docs = client.get("/api/docs").text
    assert "/static/vendor/swagger-ui-bundle.js" in docs and "cdn" not in docs.lower()


def test_every_asset_a_page_uses_is_served_by_the_app(client):
    page = Page(client.get("/").text)
    assets = [s["src"] for s in page.all("script")] + [
        link["href"] for link in page.all("link") if link.get("rel") in ("stylesheet", "icon")
    ]
    assert len(assets) >= 6
    for url in assets:
        assert url.startswith("/static/"), url
        assert client.get(url).status_code == 200, url
    css = client.get("/static/vendor/katex.min.css").text
    font = re.search(r"url\((fonts/KaTeX_Main-Regular\.woff2)\)", css)
    assert font and client.get(f"/static/vendor/{font[1]}").status_code == 200


# -- the response cache ------------------------------------------------------------------


def test_pages_are_cached_until_the_library_changes(tmp_path):
    from fastapi.testclient import TestClient

    from paperscope.config import Settings
    from paperscope.library import Library
    from paperscope.models import new_paper
    from paperscope.web.app import create_app
    from tests.conftest import SEEDS

    path = tmp_path / "lib.db"
    with Library(path) as lib:
        lib.import_file(SEEDS[0])
    app = create_app(Settings(database=str(path)), clock=lambda: NOW)
    with TestClient(app) as c, Library(path) as other:
        assert c.get("/").headers["x-cache"] == "miss"
        assert c.get("/").headers["x-cache"] == "hit"
        personal = c.get("/", headers={"cookie": "session=x"})
        assert personal.status_code == 200 and "x-cache" not in personal.headers
        with other.store.transaction():
            other.store.save_papers([new_paper(title="Brand new", feed_date="2026-03-17",
                                               upvotes=99, source="hf-page")])  # fmt: skip
        again = c.get("/")
        assert again.headers["x-cache"] == "miss" and "Brand new" in again.text


# -- every list's twins ---------------------------------------------------------------

LISTS = ["/", f"/papers/date/{TODAY}", "/papers/week/2026-W12", "/papers/month/2025-12",
         "/trending", "/search?q=video+generation", "/authors/Ada%20Lovelace"]  # fmt: skip


@pytest.mark.parametrize("url", LISTS)
def test_every_list_has_a_json_twin_and_valid_feeds_linked_from_it(client, url):
    import feedparser

    sep = "&" if "?" in url else "?"
    html = client.get(url).text
    page = Page(html)
    alternates = {a.get("type"): a["href"] for a in page.all("link") if a.get("rel") == "alternate"}
    assert set(alternates) == {"application/rss+xml", "application/atom+xml", "application/json"}
    data = client.get(f"{url}{sep}format=json").json()
    if isinstance(data, dict):
        items = data.get("papers") or data.get("hits") or []
        ids = [i["paper"]["id"] for i in items]
    else:
        ids = [p["id"] for p in data]
    assert ids, url
    for kind, version in (("rss", "rss20"), ("atom", "atom10")):
        r = client.get(alternates[f"application/{kind}+xml"])
        assert r.headers["content-type"].startswith(f"application/{kind}+xml")
        feed = feedparser.parse(r.content)
        assert not feed.bozo and feed.version == version
        assert [e.link.rsplit("/papers/", 1)[1] for e in feed.entries] == ids[: len(feed.entries)]
        assert len(feed.entries) == min(len(ids), 50)
