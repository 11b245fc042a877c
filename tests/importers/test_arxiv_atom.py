"""The arXiv API Atom importer on recorded-format feeds (tests/data/atom)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from paperscope.importers import arxiv_atom, oai_pmh
from paperscope.importers.arxiv_atom import parse, parse_feed
from paperscope.importers.base import FormatError

DATA = Path(__file__).resolve().parent.parent / "data" / "atom"


def items(name: str) -> list:
    with open(DATA / name, "rb") as f:
        return list(parse(f))


def test_detect_takes_arxiv_feeds_only():
    for name in ("query.xml", "api_error.xml", "empty.xml"):
        head = (DATA / name).read_bytes()[:65536]
        assert arxiv_atom.detect(head)
        assert not oai_pmh.detect(head)
    assert not arxiv_atom.detect((DATA.parent / "oai" / "listrecords_arxiv.xml").read_bytes())
    other_atom = (
        b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Blog</title>'
    )
    assert not arxiv_atom.detect(other_atom)


def test_entries_become_papers():
    got = items("query.xml")
    papers = [i.paper for i in got if i.paper]
    assert [p.id for p in papers] == ["1706.03762", "hep-th/9711200", "1512.03385"]
    attention = papers[0]
    assert attention.title == "Attention Is All You Need"
    assert attention.abstract == (
        "Fixture text written for paperscope: attention only, with "
        "$\\mathrm{softmax}(QK^\\top/\\sqrt{d_k})V$ as the core operation."
    )
    assert attention.authors == ["Ashish Vaswani", "Noam Shazeer", "Niki Parmar"]
    assert attention.published == "2017-06-12T17:57:34Z"
    assert attention.updated == "2023-08-02T00:41:18Z"
    # The id's version is the latest: v1 and v7 are known, with their times.
    assert [(v.version, v.created) for v in attention.versions] == [
        (1, "2017-06-12T17:57:34Z"),
        (7, "2023-08-02T00:41:18Z"),
    ]
    assert attention.categories == ["cs.CL", "cs.LG"]  # primary first
    assert attention.comments == "15 pages, 5 figures"
    assert attention.links == {
        "abs": "https://arxiv.org/abs/1706.03762",
        "pdf": "https://arxiv.org/pdf/1706.03762",
    }
    assert attention.sources == ["arxiv-api"]


def test_doi_journal_ref_old_ids_and_affiliations():
    maldacena = items("query.xml")[1].paper
    assert maldacena.id == "hep-th/9711200"
    assert maldacena.authors == ["Juan M. Maldacena"]  # arxiv:affiliation ignored
    assert maldacena.doi == "10.1023/A:1026654312961"
    assert maldacena.journal_ref == "Adv.Theor.Math.Phys.2:231-252,1998"
    assert maldacena.links["doi"] == "http://dx.doi.org/10.1023/A:1026654312961"
    assert [v.version for v in maldacena.versions] == [1, 3]


def test_times_with_offsets_become_utc():
    resnet = items("query.xml")[2].paper
    assert resnet.published == "2015-12-10T19:51:55Z"
    assert [v.version for v in resnet.versions] == [1]


def test_bad_entries_are_errors_at_their_lines():
    got = items("query.xml")
    errors = [i for i in got if i.error]
    assert [e.error for e in errors] == [
        "entry id 'http://example.org/not-arxiv/42' is not an arXiv abs URL",
        "updated 'yesterday' is not an ISO 8601 date",
    ]
    text = (DATA / "query.xml").read_text(encoding="utf-8").splitlines()
    assert all(text[i.line - 1].strip() == "<entry>" for i in got)


def test_api_error_feed_is_a_format_error():
    with pytest.raises(FormatError) as info:
        items("api_error.xml")
    assert str(info.value) == (
        "line 10: the arXiv API answered with an error: incorrect id format for 1234.12345"
    )


def test_parse_feed_gives_opensearch_figures():
    with open(DATA / "query.xml", "rb") as f:
        page = parse_feed(f)
    assert (page.total_results, page.start_index, page.items_per_page) == (1234, 0, 5)
    assert len(page.items) == 5
    with open(DATA / "empty.xml", "rb") as f:
        empty = parse_feed(f)
    assert empty.items == [] and empty.total_results == 0


def test_malformed_and_foreign_xml():
    broken = (DATA / "query.xml").read_bytes().replace(b"</summary>", b"</summry>", 2)
    seen = []
    with pytest.raises(FormatError) as info:
        for item in parse(io.BytesIO(broken)):
            seen.append(item)
    assert seen == []  # the first entry is already broken
    assert info.value.line == 18 and "mismatched tag" in str(info.value)
    with pytest.raises(FormatError, match="not an Atom feed"):
        list(parse(io.BytesIO(b"<rss/>")))


def test_same_paper_from_the_api_and_oai_merges(store):
    with open(DATA / "query.xml", "rb") as f, store.transaction():
        store.save_papers([i.paper for i in parse(f) if i.paper])
    oai = DATA.parent / "oai" / "listrecords_arxivraw.xml"
    with open(oai, "rb") as f, store.transaction():
        result = store.save_papers([i.paper for i in oai_pmh.parse(f) if i.paper])
    assert (result.added, result.updated) == (1, 2)  # the Higgs paper is new
    attention = store.get("1706.03762")
    # Versions are the union by number (these two fixtures disagree on the latest).
    assert [v.version for v in attention.versions] == [1, 2, 3, 7]
    assert attention.sources == ["arxiv-api", "arxiv-oai"]
    assert store.count() == 4
