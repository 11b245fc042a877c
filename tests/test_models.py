"""Identity and merge rules of the paper record."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paperscope.models import (
    InvalidPaper,
    Version,
    hash_id,
    merge,
    new_paper,
    normalize_doi,
    normalize_space,
    parse_arxiv_id,
    tidy_name,
    title_key,
)

# Every character str.split() splits on, and every one of the Basic Multilingual
# Plane that isprintable() refuses (control, format, separator and unassigned
# code points), the surrogates aside. Past it they are mostly unassigned and
# private-use ones, which take the same path as those.
_SPLITTERS_AND_UNPRINTABLES = [
    chr(c)
    for c in range(0x10000)
    if not 0xD800 <= c <= 0xDFFF and (chr(c).isspace() or not chr(c).isprintable())
]


@pytest.mark.parametrize(
    "template",
    ["a{c}b", "  a\n{c}b\n", "{c}a b", "a b{c}", "a{c}{c}b", "a\n{c}\nb", "{c}"],
)
def test_normalize_space_treats_every_odd_character_as_splitting_does(template):
    for c in _SPLITTERS_AND_UNPRINTABLES:
        text = template.format(c=c)
        assert normalize_space(text) == " ".join(text.split()), repr(text)


@settings(max_examples=3_000)
@given(st.text(alphabet=st.sampled_from([" ", "\n", "\r", "\t", "\xa0", "\u2028", "\x1c",
                                         "\u200b", "\x85", "a", "é", "$", "-", "."]),
               max_size=30))  # fmt: skip
def test_normalize_space_collapses_runs_and_trims_like_splitting(text):
    assert normalize_space(text) == " ".join(text.split())


def test_arxiv_wrapped_abstract_is_one_line_and_hyphenated_initials_rejoin():
    assert normalize_space("  We study\nthe  problem.\n") == "We study the problem."
    assert tidy_name("C. -P.  Yuan") == "C.-P. Yuan"
    assert tidy_name("Jean -Pierre") == "Jean -Pierre"  # no initial before the hyphen
    assert tidy_name("  Ann\nLee ") == "Ann Lee"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2401.12345", ("2401.12345", None)),
        ("2401.12345v3", ("2401.12345", 3)),
        ("arXiv:0704.0001v2", ("0704.0001", 2)),
        ("https://arxiv.org/abs/2401.12345v2", ("2401.12345", 2)),
        ("https://arxiv.org/pdf/2401.12345", ("2401.12345", None)),
        ("https://huggingface.co/papers/2401.12345", ("2401.12345", None)),
        ("hep-th/9901001", ("hep-th/9901001", None)),
        ("http://arxiv.org/abs/math.CO/0601001v1", ("math.CO/0601001", 1)),
        ("not an id", None),
        ("12345", None),
        ("", None),
    ],
)
def test_parse_arxiv_id(text, expected):
    assert parse_arxiv_id(text) == expected


def test_doi_normalisation_keeps_case_and_strips_prefixes():
    assert (
        normalize_doi("https://doi.org/10.1103/PhysRevD.76.013009") == "10.1103/PhysRevD.76.013009"
    )
    assert normalize_doi("doi:10.1000/xyz.") == "10.1000/xyz"
    assert normalize_doi("no doi here") == ""


def test_title_key_folds_case_accents_and_punctuation():
    assert title_key("Déjà  Vu: A Study!") == title_key("deja vu -- a STUDY")
    assert hash_id("Déjà Vu: A Study") == hash_id("DEJA VU a study")
    assert hash_id("Deja Vu") != hash_id("Deja Vu 2")


def test_new_paper_normalises_whitespace_but_keeps_latex():
    p = new_paper(
        title="An $O(n \\log n)$\n  algorithm",
        abstract="  First line\nsecond   line\n",
        arxiv_id="2401.00001v2",
        source="arxiv-snapshot",
        authors=["  Ada  Lovelace ", ""],
    )
    assert p.id == "2401.00001"
    assert p.title == "An $O(n \\log n)$ algorithm"
    assert p.abstract == "First line second line"
    assert p.authors == ["Ada Lovelace"]
    assert p.author_count == 1
    assert p.links["abs"] == "https://arxiv.org/abs/2401.00001"


def test_new_paper_without_arxiv_id_gets_a_title_hash_id():
    p = new_paper(title="A Survey of Mamba", source="hf-page")
    assert p.id == hash_id("a survey of MAMBA")
    assert p.arxiv_id is None


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"title": "   "}, "no title"),
        ({"title": "x" * 10_000}, "title is 10,000 characters long"),
        ({"title": "ok", "arxiv_id": "garbage"}, "not an arXiv id"),
        ({"title": "ok", "published": "March 2"}, "not an ISO 8601"),
        ({"title": "ok", "upvotes": -1}, "-1 upvotes is out of bounds"),
        ({"title": "ok", "upvotes": 10**20}, "upvotes is out of bounds"),
        ({"title": "ok", "author_count": 10**20}, "author count .* is out of bounds"),
        ({"title": "..."}, "has no letters or digits"),
    ],
)
def test_invalid_records_are_refused_with_a_reason(values, message):
    with pytest.raises(InvalidPaper, match=message):
        new_paper(source="hf-page", **values)


def _arxiv(**extra):
    values = {
        "title": "Attention Is All You Need",
        "arxiv_id": "1706.03762",
        "source": "arxiv-snapshot",
        "abstract": "The dominant sequence transduction models are based on recurrent networks.",
        "authors": ["Ashish Vaswani", "Noam Shazeer"],
        "published": "2017-06-12T17:57:34Z",
        "versions": [Version(1, "2017-06-12T17:57:34Z")],
        "categories": ["cs.CL", "cs.LG"],
    }
    values.update(extra)
    return new_paper(**values)


def test_merge_keeps_the_richest_value_of_each_field():
    page = new_paper(
        title="Attention is all you need",
        source="hf-page",
        author_count=8,
        published="2017-06-12",
        upvotes=42,
        feed_date="2017-06-13",
    )
    merged = merge(page, _arxiv())
    assert merged.id == "1706.03762"  # the arXiv id replaces the title hash
    assert merged.title == "Attention Is All You Need"  # arXiv is the more trusted source
    assert merged.authors == ["Ashish Vaswani", "Noam Shazeer"]
    assert merged.author_count == 8  # the page knew there were eight
    assert merged.published == "2017-06-12T17:57:34Z"  # same day, more precise
    assert merged.upvotes == 42 and merged.feed_date == "2017-06-13"
    assert merged.sources == ["arxiv-snapshot", "hf-page"]


def test_merge_is_idempotent_and_order_of_same_source_does_not_lose_data():
    a = _arxiv()
    assert merge(a, a) == a
    once = merge(
        a, _arxiv(versions=[Version(2, "2017-12-06T03:30:32Z")], updated="2017-12-06T03:30:32Z")
    )
    assert [v.version for v in once.versions] == [1, 2]
    assert once.updated == "2017-12-06T03:30:32Z"
    assert once.published == "2017-06-12T17:57:34Z"
    assert merge(once, _arxiv()) == once


def test_merge_prefers_the_trusted_date_when_days_disagree():
    page = new_paper(title="Attention Is All You Need", source="hf-page", published="2026-06-12")
    assert merge(page, _arxiv()).published == "2017-06-12T17:57:34Z"
    assert merge(_arxiv(), page).published == "2017-06-12T17:57:34Z"


def test_merge_of_two_pages_takes_the_date_the_first_lacked():
    undated = new_paper(title="Cyclical Curriculum Learning", source="hf-page", abstract="Text.")
    dated = new_paper(
        title="Cyclical Curriculum Learning",
        source="hf-page",
        published="2022-02-11",
        author_count=3,
    )
    merged = merge(undated, dated)
    assert merged.published == "2022-02-11"
    assert merged.author_count == 3
    assert merged.abstract == "Text."


def test_authors_follow_the_trusted_source_then_the_longer_list():
    arxiv = _arxiv()
    bib = new_paper(
        title="Attention Is All You Need",
        source="bibtex",
        authors=["Vaswani", "Shazeer", "Parmar"],  # more names, but a looser source
    )
    assert merge(arxiv, bib).authors == ["Ashish Vaswani", "Noam Shazeer"]
    assert merge(bib, arxiv).authors == ["Ashish Vaswani", "Noam Shazeer"]
    assert merge(arxiv, bib).author_count == 3
    longer = _arxiv(authors=["Ashish Vaswani", "Noam Shazeer", "Niki Parmar"])
    assert merge(arxiv, longer).authors == longer.authors


def test_dates_keep_reduced_precision_and_merge_to_the_most_precise():
    year = new_paper(title="Attention Is All You Need", source="bibtex", published="2017")
    month = new_paper(title="Attention Is All You Need", source="bibtex", published="2017-06")
    assert merge(year, month).published == "2017-06"
    assert merge(month, _arxiv()).published == "2017-06-12T17:57:34Z"
    assert merge(_arxiv(), year).published == "2017-06-12T17:57:34Z"
    other_year = new_paper(title="Attention Is All You Need", source="bibtex", published="2018")
    assert merge(_arxiv(), other_year).published == "2017-06-12T17:57:34Z"  # trust decides
    with pytest.raises(InvalidPaper):
        new_paper(title="x", source="bibtex", published="17")
