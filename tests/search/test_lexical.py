"""The BM25 index on real tantivy directories, built from the real arXiv sample.

Expected results are computed from the papers themselves (which titles hold a
word, who wrote what), so no abstract text is copied into the repository.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paperscope.models import Paper, new_paper
from paperscope.search.lexical import (
    MARKER,
    LexicalIndex,
    LexicalIndexError,
    date_number,
)
from paperscope.search.query import SearchFilters, parse_query
from paperscope.search.results import Hit


@pytest.fixture(scope="module")
def index(papers, tmp_path_factory) -> LexicalIndex:
    """One index of the whole sample, shared by the read-only tests."""
    idx = LexicalIndex(tmp_path_factory.mktemp("lexical"))
    assert idx.upsert(papers) == len(papers)
    return idx


def ids(index: LexicalIndex, text: str, **options) -> list[str]:
    return [hit.id for hit in index.search(parse_query(text), limit=1000, **options)]


def words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text.lower()))


def paper(title: str, abstract: str = "", **values) -> Paper:
    return new_paper(title=title, abstract=abstract, source="bibtex", **values)


def test_count(index, papers):
    assert index.count() == len(papers)


def test_stemming_finds_other_forms(index, papers):
    singular = {p.id for p in papers if "system" in words(p.title)}
    plural = {p.id for p in papers if "systems" in words(p.title)}
    assert singular and plural
    assert singular | plural <= set(ids(index, "systems"))
    assert singular | plural <= set(ids(index, "system"))


def test_stop_words_match_nothing(index):
    assert ids(index, "the of and") == []
    assert ids(index, "title:the") == []


def test_phrase_keeps_stop_word_gaps(tmp_path):
    idx = LexicalIndex(tmp_path)
    of, for_, reversed_ = (
        paper("Graph of networks"),
        paper("Graph for networks"),
        paper("Networks graph"),
    )
    idx.upsert([of, for_, reversed_])
    # the stop word is gone but its position stays: any one word may fill the gap
    assert set(ids(idx, '"graph of networks"')) == {of.id, for_.id}
    assert set(ids(idx, "graph networks")) == {of.id, for_.id, reversed_.id}


def test_title_outranks_abstract(tmp_path):
    idx = LexicalIndex(tmp_path)
    in_title = paper("Sparse transformers", "We study attention in long sequences.")
    in_abstract = paper("Long sequence models", "We study sparse attention in transformers.")
    idx.upsert([in_abstract, in_title])
    hits = idx.search(parse_query("transformers"))
    assert [h.id for h in hits] == [in_title.id, in_abstract.id]
    assert [h.why["keyword_rank"] for h in hits] == [1, 2]
    assert hits[0].score > hits[1].score > 0


def test_phrase_versus_words(tmp_path):
    idx = LexicalIndex(tmp_path)
    exact = paper("A graph neural network for molecules")
    scattered = paper("Neural fields on a graph", "A network of sensors.")
    idx.upsert([exact, scattered])
    assert ids(idx, '"graph neural network"') == [exact.id]
    assert set(ids(idx, "graph neural network")) == {exact.id, scattered.id}
    assert ids(idx, "graph neural network")[0] == exact.id


def test_excluded_words_and_phrases(index, papers):
    quantum = set(ids(index, "quantum"))
    without = set(ids(index, "quantum -field"))
    assert without < quantum
    for p in papers:
        if p.id in quantum - without:
            assert words(p.title + " " + p.abstract) & {"field", "fields"}
    assert ids(index, "-quantum") == []  # exclusions alone ask for nothing
    assert set(ids(index, 'quantum -"quantum"')) == set()


def test_title_prefix(index, papers):
    in_title = {p.id for p in papers if "quantum" in words(p.title)}
    assert set(ids(index, "title:quantum")) == in_title
    assert set(ids(index, "quantum")) > in_title  # abstracts too


def test_author_prefix(index, papers):
    grabec = {p.id for p in papers if "I. Grabec" in p.authors}
    assert len(grabec) >= 2
    assert set(ids(index, "author:grabec")) == grabec
    assert set(ids(index, 'author:"i grabec"')) == grabec
    balazs = {p.id for p in papers if "C. Balázs" in p.authors}
    assert set(ids(index, "author:balazs")) == balazs  # accents folded


def test_category_prefix(index, papers):
    hep = {p.id for p in papers if "hep-ph" in p.categories}
    assert set(ids(index, "cat:hep-ph")) == hep
    assert set(ids(index, "cat:HEP-PH")) == hep
    assert set(ids(index, "-cat:hep-ph cat:hep-th")) == {
        p.id for p in papers if "hep-th" in p.categories and "hep-ph" not in p.categories
    }
    # with no words to rank by, restrictions list the newest first
    dates = [
        date_number(next(p for p in papers if p.id == i).published)
        for i in ids(index, "cat:hep-ph")
    ]
    assert dates == sorted(dates, reverse=True)


def test_date_filter(index, papers):
    days = sorted({p.published[:10] for p in papers})
    lo, hi = days[len(days) // 3], days[2 * len(days) // 3]
    expected = {p.id for p in papers if lo <= p.published[:10] <= hi}
    found = ids(index, "", filters=SearchFilters(date_from=lo, date_to=hi))
    assert set(found) == expected
    assert set(ids(index, "", filters=SearchFilters(date_to="2007-03"))) == {
        p.id for p in papers if p.published < "2007-04"
    }
    with pytest.raises(ValueError, match="not a date"):
        index.search(parse_query("x"), filters=SearchFilters(date_from="yesterday"))


def test_category_and_author_filters(index, papers):
    cats = ["hep-th", "gr-qc"]
    expected = {p.id for p in papers if set(cats) & set(p.categories)}
    assert set(ids(index, "", filters=SearchFilters(categories=cats))) == expected
    quantum_in_cats = set(ids(index, "quantum", filters=SearchFilters(categories=cats)))
    assert quantum_in_cats == set(ids(index, "quantum")) & expected
    grabec = {p.id for p in papers if "I. Grabec" in p.authors}
    assert set(ids(index, "", filters=SearchFilters(author="i.  GRABEC"))) == grabec
    assert ids(index, "", filters=SearchFilters(author="Grabec")) == []  # exact names only


def test_filters_do_not_change_scores(index):
    plain = {h.id: h.score for h in index.search(parse_query("quantum"), limit=1000)}
    filtered = index.search(
        parse_query("quantum"), limit=1000, filters=SearchFilters(date_from="2007")
    )
    assert {h.id: h.score for h in filtered} == pytest.approx(plain)


def test_words_rank_by_their_summed_scores(index, papers):
    """A paper's score for several words is the sum of its scores for each
    word alone, and the hits are the true top ones by that sum: the flat
    union tantivy ranks with block-max WAND skips only what cannot rank."""
    titles = [words(p.title) for p in papers]
    queries = [" ".join(sorted(t)[:3]) for t in titles[::7] if len(t) >= 3]
    assert len(queries) >= 20
    for text in queries:
        alone = [
            {h.id: h.score for h in index.search(parse_query(w), limit=1000)} for w in text.split()
        ]
        summed = {pid: sum(s.get(pid, 0.0) for s in alone) for pid in set().union(*alone)}
        hits = index.search(parse_query(text), limit=10)
        assert [h.score for h in hits] == pytest.approx([summed[h.id] for h in hits], rel=1e-4)
        best = sorted(summed.values(), reverse=True)[: len(hits)]
        assert [h.score for h in hits] == pytest.approx(best, rel=1e-4), text


def test_upvotes_filter_and_reduced_precision_dates(tmp_path):
    idx = LexicalIndex(tmp_path)
    year = paper("Year only", published="2017", upvotes=3)
    month = paper("Month only", published="2017-06", upvotes=10)
    day = paper("Full day", published="2017-06-12T17:57:34Z", upvotes=0)
    undated = paper("No date", upvotes=50)
    idx.upsert([year, month, day, undated])
    assert ids(idx, "", filters=SearchFilters(min_upvotes=10)) == [month.id, undated.id]
    assert ids(idx, "", filters=SearchFilters(date_from="2017-06-01")) == [day.id, month.id]
    assert ids(idx, "", filters=SearchFilters(date_to="2017-01-01")) == [year.id]
    assert ids(idx, "", filters=SearchFilters(min_upvotes=0)) == [
        day.id,
        month.id,
        year.id,
        undated.id,
    ]


def test_empty_query_returns_nothing(index):
    assert index.search(parse_query("")) == []
    assert index.search(parse_query("   "), filters=SearchFilters()) == []
    assert index.search(parse_query("quantum"), limit=0) == []


def test_pagination(index):
    everything = index.search(parse_query("quantum theory"), limit=1000)
    page = index.search(parse_query("quantum theory"), limit=5, offset=5)
    assert [h.id for h in page] == [h.id for h in everything[5:10]]
    assert [h.why["keyword_rank"] for h in page] == [6, 7, 8, 9, 10]


def test_upsert_replaces(tmp_path, papers):
    idx = LexicalIndex(tmp_path)
    idx.upsert(papers[:50])
    idx.upsert(papers[:50])
    assert idx.count() == 50
    first = papers[0]
    assert "zeppelin" not in words(first.title + first.abstract)
    old_word = sorted(words(first.title) - words(first.abstract), key=len)[-1]
    idx.upsert([dataclasses.replace(first, title="Zeppelin flight dynamics")])
    assert idx.count() == 50
    assert ids(idx, "zeppelin") == [first.id]
    assert first.id not in ids(idx, f"title:{old_word}")


def test_same_paper_twice_in_one_batch_keeps_the_last(tmp_path, papers):
    idx = LexicalIndex(tmp_path)
    first = papers[0]
    idx.upsert([first, dataclasses.replace(first, title="Zeppelin flight dynamics")])
    assert idx.count() == 1
    assert [h.id for h in idx.search("zeppelin")] == [first.id]  # a plain string is parsed


def test_remove_and_clear(tmp_path, papers):
    idx = LexicalIndex(tmp_path)
    idx.upsert(papers[:10])
    assert idx.remove([papers[0].id, papers[1].id, "not-there"]) == 3
    assert idx.count() == 8
    assert papers[0].id not in ids(idx, "", filters=SearchFilters(date_from="1990"))
    idx.clear()
    assert idx.count() == 0


def test_reopen_keeps_the_index(tmp_path, papers):
    first = LexicalIndex(tmp_path)
    first.upsert(papers)
    before = first.search(parse_query("quantum field"), limit=50)
    del first
    again = LexicalIndex(tmp_path)
    assert again.count() == len(papers) and not again.rebuilt
    assert again.search(parse_query("quantum field"), limit=50) == before
    again.upsert(papers[:5])  # the writer lock was released
    assert again.count() == len(papers)


def test_other_schema_version_refused_or_rebuilt(tmp_path, papers):
    LexicalIndex(tmp_path).upsert(papers[:5])
    (tmp_path / MARKER).write_text(json.dumps({"schema_version": 0}))
    with pytest.raises(LexicalIndexError, match="schema version 0.*rebuild"):
        LexicalIndex(tmp_path)
    rebuilt = LexicalIndex(tmp_path, rebuild=True)
    assert rebuilt.rebuilt and rebuilt.count() == 0
    assert not LexicalIndex(tmp_path).rebuilt


def test_refuses_a_folder_that_is_not_an_index(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(LexicalIndexError, match="not empty"):
        LexicalIndex(tmp_path)
    assert (tmp_path / "notes.txt").exists()


def test_new_folder_is_created(tmp_path):
    assert LexicalIndex(tmp_path / "a" / "b").count() == 0
    assert (Path(tmp_path / "a" / "b") / MARKER).exists()


HOSTILE = st.sampled_from(
    ['"', "(", ")", "-", "*", "AND", "OR", "NOT", "title:", "author:", "cat:", "foo:", "quantum"]
    + ["\x00", "\n", "\ud800", "🤖", "日本語", "\u202e", " ", "a" * 60, "-cat:"]
)
QUERIES = st.one_of(
    st.text(),
    st.lists(st.one_of(HOSTILE, st.text(max_size=12)), max_size=40).map("".join),
    st.builds(lambda s, n: s * n, st.text(min_size=1, max_size=5), st.integers(2000, 3000)),
)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=QUERIES, with_filters=st.booleans())
def test_hostile_queries_never_raise(index, text, with_filters):
    filters = SearchFilters(categories=[text[:20]], author=text[:30]) if with_filters else None
    hits = index.search(parse_query(text), limit=10, filters=filters)
    assert isinstance(hits, list)
    assert all(isinstance(h, Hit) and h.why["bm25"] == round(h.score, 3) for h in hits)
    assert [h.why["keyword_rank"] for h in hits] == list(range(1, len(hits) + 1))
