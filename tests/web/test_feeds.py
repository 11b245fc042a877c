"""RSS and Atom feeds of paper lists, read back with feedparser as a feed reader would.

Real papers come from the seed pages in ../shared/seeds (through the importer) and from
``Paper(...)`` built here; hostile ones carry markup, scripts and characters XML forbids.
"""

from __future__ import annotations

import html
import io
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime
from urllib.parse import quote

import feedparser
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paperscope import importers
from paperscope.models import Paper
from paperscope.web.feeds import EPOCH, FEED_TYPES, Feed, render_feed
from tests.conftest import SEEDS

KINDS = sorted(FEED_TYPES)
VERSIONS = {"rss": "rss20", "atom": "atom10"}
SITE = "https://papers.example.org"
TODAY = date(2025, 12, 31)  # the seed pages give days without a year
ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"


def paper_url(paper: Paper) -> str:
    return f"{SITE}/papers/{quote(paper.id, safe='')}"


def make_feed(papers: list[Paper], title: str = "paperscope: daily papers, 2026-11-20") -> Feed:
    return Feed(
        title=title,
        page_url=f"{SITE}/daily/2026-11-20",
        feed_url=f"{SITE}/daily/2026-11-20.xml",
        description="The papers of the day, as the community ranked them.",
        papers=papers,
        paper_url=paper_url,
    )


def read(data: bytes, kind: str) -> feedparser.FeedParserDict:
    """The feed as feedparser sees it; fails unless it is well-formed and of ``kind``."""
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == VERSIONS[kind]
    return parsed


def when(struct) -> datetime:
    return datetime(*struct[:6], tzinfo=UTC)


def summary_text(entry, kind: str) -> str:
    # An RSS description is HTML (the abstract escaped); an Atom summary is plain text.
    return html.unescape(entry.summary) if kind == "rss" else entry.summary


def xml_chars(text: str) -> str:
    """``text`` less what XML 1.0 forbids or discourages (C1 controls), spacing collapsed."""

    def allowed(c: str) -> bool:
        n = ord(c)
        if 0x7F <= n <= 0x9F:
            return n == 0x85  # NEL, a line break: collapsed like the others
        return c in "\t\n\r" or 0x20 <= n <= 0xD7FF or 0xE000 <= n <= 0xFFFD or n >= 0x10000

    return " ".join("".join(filter(allowed, text)).split())


# -- real papers ------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_papers(shared) -> list[list[Paper]]:
    """The papers of each seed page, read by the importer the CLI would pick."""
    assert SEEDS, f"no seed pages in {shared / 'seeds'}"
    pages = []
    for seed in SEEDS:
        data = seed.read_bytes()
        module = importers.detect(data[:65536])
        assert module.NAME == "hf-page"
        items = list(module.parse(io.BytesIO(data), today=TODAY))
        assert [i.error for i in items if i.error] == []
        pages.append([i.paper for i in items])
    return pages


@pytest.mark.parametrize("kind", KINDS)
def test_a_seed_page_becomes_a_feed_with_every_paper_in_order(seed_papers, kind):
    for papers in seed_papers:
        parsed = read(render_feed(make_feed(papers), kind), kind)
        entries = parsed.entries
        assert [e.title for e in entries] == [p.title for p in papers]
        assert [e.link for e in entries] == [paper_url(p) for p in papers]
        assert [e.id for e in entries] == [paper_url(p) for p in papers]
        assert [when(e.published_parsed).date().isoformat() for e in entries] == [
            p.feed_date for p in papers
        ]
        for paper, entry in zip(papers, entries, strict=True):
            # The pages only give "4 authors": no names, and none are made up.
            assert "author" not in entry and "authors" not in entry
            summary = summary_text(entry, kind)
            assert len(paper.abstract) > 1000  # every seed abstract is long enough to cut
            assert 800 < len(summary) <= 1001
            assert summary.endswith("…")
            kept = summary.removesuffix("…")
            assert paper.abstract.startswith(kept)
            assert paper.abstract[len(kept)] in " ,;:."  # cut between words


@pytest.mark.parametrize("kind", KINDS)
def test_the_feed_date_is_the_newest_entry_date(seed_papers, kind):
    papers = [*seed_papers[0], *seed_papers[1]]
    newest = max(p.feed_date for p in papers)
    for order in (papers, papers[::-1]):
        parsed = read(render_feed(make_feed(order), kind), kind)
        assert when(parsed.feed.updated_parsed) == datetime.fromisoformat(newest).replace(
            tzinfo=UTC
        )


# -- papers built here ------------------------------------------------------

FULL = Paper(
    id="1706.03762",
    title="Attention Is All You Need in $O(n \\log n)$ & Less",
    abstract="The dominant sequence transduction models are based on recurrent networks.",
    authors=["Ashish Vaswani", "Noam Shazeer", "Niki Parmar"],
    author_count=3,
    published="2017-06-12T17:57:34Z",
    updated="2023-08-02T00:21:18Z",
    categories=["cs.CL", "cs.LG"],
)


@pytest.mark.parametrize("kind", KINDS)
def test_an_entry_carries_title_link_id_summary_authors_categories_and_date(kind):
    data = render_feed(make_feed([FULL]), kind)
    parsed = read(data, kind)
    (entry,) = parsed.entries
    url = f"{SITE}/papers/1706.03762"
    assert entry.title == FULL.title  # LaTeX verbatim, the ampersand as text
    assert entry.link == url
    assert entry.id == url
    assert summary_text(entry, kind) == FULL.abstract  # short: not cut
    assert [a.name for a in entry.authors] == FULL.authors
    assert [t.term for t in entry.tags] == ["cs.CL", "cs.LG"]
    assert when(entry.published_parsed) == datetime(2017, 6, 12, 17, 57, 34, tzinfo=UTC)
    assert parsed.feed.title == "paperscope: daily papers, 2026-11-20"
    assert parsed.feed.link == f"{SITE}/daily/2026-11-20"
    self_links = [link.href for link in parsed.feed.links if link.rel == "self"]
    assert self_links == [f"{SITE}/daily/2026-11-20.xml"]
    if kind == "rss":
        guid = ET.fromstring(data).find("channel/item/guid")
        assert (guid.text, guid.get("isPermaLink")) == (url, "true")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        ({"published": "2017"}, datetime(2017, 1, 1, tzinfo=UTC)),
        ({"published": "2017-06"}, datetime(2017, 6, 1, tzinfo=UTC)),
        ({"published": "2017-06-12"}, datetime(2017, 6, 12, tzinfo=UTC)),
        ({"published": "2017-06-12T17:57:34Z"}, datetime(2017, 6, 12, 17, 57, 34, tzinfo=UTC)),
        ({"feed_date": "2026-11-20", "published": "2017-06"}, datetime(2026, 11, 20, tzinfo=UTC)),
        ({"updated": "2023-08", "published": "2017-06"}, datetime(2017, 6, 1, tzinfo=UTC)),
        ({"updated": "2023-08-02T00:21:18Z"}, datetime(2023, 8, 2, 0, 21, 18, tzinfo=UTC)),
        ({"feed_date": "2026-13-01", "published": "2017"}, datetime(2017, 1, 1, tzinfo=UTC)),
    ],
)
def test_entry_date_is_feed_day_else_published_else_updated(kind, dates, expected):
    paper = Paper(id="2401.00001", title="A dated paper", **dates)
    parsed = read(render_feed(make_feed([paper]), kind), kind)
    assert when(parsed.entries[0].published_parsed) == expected
    assert when(parsed.feed.updated_parsed) == expected


@pytest.mark.parametrize("kind", KINDS)
def test_a_paper_without_a_date_still_gets_an_entry(kind):
    undated = Paper(id="t-0123456789abcdef", title="Undated")
    parsed = read(render_feed(make_feed([undated, FULL]), kind), kind)
    assert [e.title for e in parsed.entries] == ["Undated", FULL.title]
    assert "published" not in parsed.entries[0]
    assert when(parsed.feed.updated_parsed) == datetime(2017, 6, 12, 17, 57, 34, tzinfo=UTC)
    data = render_feed(make_feed([undated]), kind)
    assert render_feed(make_feed([undated]), kind) == data  # no "now" anywhere
    alone = read(data, kind)
    assert when(alone.feed.updated_parsed) == EPOCH
    if kind == "atom":  # Atom requires an updated date on every entry
        assert when(alone.entries[0].updated_parsed) == EPOCH


@pytest.mark.parametrize("kind", KINDS)
def test_an_empty_list_is_a_valid_feed_without_entries(kind):
    parsed = read(render_feed(make_feed([]), kind), kind)
    assert parsed.entries == []
    assert parsed.feed.title == "paperscope: daily papers, 2026-11-20"
    assert when(parsed.feed.updated_parsed) == EPOCH


@pytest.mark.parametrize("kind", KINDS)
def test_a_long_abstract_is_cut_at_a_word_boundary(kind):
    words = [f"word{i}" for i in range(400)]
    paper = Paper(id="2401.00002", title="Long", abstract=" ".join(words))
    (entry,) = read(render_feed(make_feed([paper]), kind), kind).entries
    summary = summary_text(entry, kind)
    assert summary.endswith("…") and len(summary) <= 1001
    assert summary.removesuffix("…").split(" ") == words[: len(summary.split(" "))]


@pytest.mark.parametrize("kind", KINDS)
def test_rendering_twice_gives_the_same_bytes(seed_papers, kind):
    papers = [FULL, *seed_papers[0][:5]]
    first = render_feed(make_feed(papers), kind)
    assert render_feed(make_feed(list(papers)), kind) == first


def test_an_unknown_kind_is_refused_by_name():
    with pytest.raises(ValueError, match="'json'"):
        render_feed(make_feed([FULL]), "json")


# -- hostile content --------------------------------------------------------

HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(document.cookie)">',
    "javascript:alert(1)",
    '<a href="javascript:alert(1)">click me</a>',
    "]]><script>alert(1)</script><![CDATA[",
    "Tom & Jerry &amp; &lt;b&gt; &#x3C;script&#x3E; &nbsp; &bogus;",
    "<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>&e;",
    "nul\x00 vertical\x0btab escape\x1b[31m red\x7f",
    "half a pair \ud800 and \udfff alone",
    "not characters \ufffe\uffff",
    "$\\frac{1}{",
    "$x < y$ and $a > b$ \\end{document",
]
FIELDS = ["title", "abstract", "author"]


def hostile_paper(field: str, payload: str) -> Paper:
    paper = Paper(id="2401.00003", title="Benign title", abstract="Benign abstract.")
    paper.authors = ["Benign Author"]
    if field == "author":
        paper.authors = [payload, "Second Author"]
    else:
        setattr(paper, field, payload)
    return paper


def text_nodes(data: bytes, kind: str, field: str) -> list[str]:
    """The text the XML itself holds for ``field``, entities decoded once."""
    root = ET.fromstring(data)
    if kind == "atom":
        path = {"title": "title", "abstract": "summary", "author": "author/name"}[field]
        return [n.text for n in root.findall(f"{ATOM}entry/{ATOM}{path.replace('/', '/' + ATOM)}")]
    path = {"title": "title", "abstract": "description", "author": f"{DC}creator"}[field]
    return [n.text for n in root.findall(f"channel/item/{path}")]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_content_is_inert_text(kind, field, payload):
    data = render_feed(make_feed([hostile_paper(field, payload)]), kind)
    parsed = read(data, kind)
    assert len(parsed.entries) == 1
    assert b"<script" not in data.lower()
    root = ET.fromstring(data)
    assert {e.tag.rpartition("}")[2].lower() for e in root.iter()}.isdisjoint(
        {"script", "img", "a"}
    )
    assert all("onerror" not in e.attrib for e in root.iter())
    assert all(e.get("href", SITE).startswith(SITE) for e in root.iter())  # no javascript: links
    # The payload is in the XML as text, escaped, less only what XML cannot hold.
    expected = xml_chars(payload)
    nodes = text_nodes(data, kind, field)
    if kind == "rss" and field == "abstract":
        assert "<" not in nodes[0]  # an RSS description is HTML: this one has no tags,
        nodes = [html.unescape(n) for n in nodes]  # only the abstract's text, escaped
    assert nodes[0] == ((expected or "(untitled)") if field == "title" else expected)
    if kind == "atom" and field == "title":
        assert parsed.entries[0].title == (expected or "(untitled)")


@pytest.mark.parametrize("kind", KINDS)
def test_hostile_feed_title_and_description_are_text_too(kind):
    feed = make_feed([FULL], title="search: <script>alert(1)</script> \x00")
    feed.description = '<img src=x onerror="alert(1)"> \ud800'
    data = render_feed(feed, kind)
    parsed = read(data, kind)
    assert b"<script" not in data.lower() and b"<img" not in data.lower()
    assert parsed.feed.title == "search: <script>alert(1)</script>"


# -- any text at all ---------------------------------------------------------

SNIPPETS = ["<script>", "</", "&", "&amp;", "]]>", "<![CDATA[", "\x00", "\ud800", "\uffff", "$\\"]
ANY_TEXT = st.lists(
    st.one_of(st.text(st.characters(exclude_categories=())), st.sampled_from(SNIPPETS))
).map("".join)


@settings(deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(title=ANY_TEXT, abstract=ANY_TEXT, authors=st.lists(ANY_TEXT, max_size=3))
def test_any_text_renders_to_a_valid_feed(title, abstract, authors):
    paper = Paper(id="2401.00004", title=title, abstract=abstract, authors=authors)
    for kind in KINDS:
        data = render_feed(make_feed([paper]), kind)
        assert len(read(data, kind).entries) == 1
        # The XML holds the title exactly. (feedparser's own text is not compared: it
        # "repairs" what looks like mojibake, so "Â¡" comes back as "¡".)
        assert text_nodes(data, kind, "title") == [xml_chars(title) or "(untitled)"]
