"""The two backends side by side: one library from ../shared stored in SQLite
and in PostgreSQL, asked the same questions.

Most of the suite already runs on both backends (every test that takes the
``store``, ``library_url`` or ``web_db`` fixture). This module compares the
two answers directly: keyword search (tantivy BM25 on both, the PostgreSQL
library's index caught up from the database) and everything else must agree
exactly; semantic search (usearch on SQLite, pgvector in PostgreSQL) and the
database's own full text (the ``database`` keyword index, ts_rank) closely.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import numpy as np
import pytest

from paperscope.daily import day_period, month_period, week_period
from paperscope.library import Library
from paperscope.search.query import SearchFilters
from tests.conftest import ARXIV_SAMPLE, SEEDS

# Typed the way people search: topics, a phrase, field clauses, an exclusion.
QUERIES = [
    "diffusion models",
    "graph neural network",
    "black hole",
    "language model reasoning",
    "quantum entanglement",
    "neutrino oscillation",
    "image generation",
    "reinforcement learning agents",
    "dark energy supernovae",
    "superconductivity",
    '"dark matter"',
    "title:quantum",
    "galaxy -cluster",
    "video understanding benchmark",
    "spin chain",
]


@pytest.fixture(scope="module")
def libraries(pg_server, tmp_path_factory):
    """``(sqlite, postgresql)``: the seed pages and the arXiv sample in both,
    with the same embeddings (computed once, on SQLite, and copied)."""
    sqlite = Library(tmp_path_factory.mktemp("conformance") / "library.db")
    postgres = Library(pg_server.new_database())
    for lib in (sqlite, postgres):
        for file in [*SEEDS, ARXIV_SAMPLE]:
            report = lib.import_file(file)
            assert report.ok, report.error
    sqlite.embed()
    source, target = sqlite.vector_index(), postgres.vector_index()
    ids = source.ids()
    vectors = source.vectors(ids)
    hashes = source.hashes(ids)
    target.upsert(ids, np.stack([vectors[i] for i in ids]), [hashes[i] for i in ids])
    postgres.set_embedder(sqlite.embedder())  # the same model, loaded once
    yield sqlite, postgres
    sqlite.close()
    postgres.close()


@pytest.fixture(scope="module")
def fulltext(libraries):
    """The PostgreSQL library again, with the database's full text as its
    keyword index (the fallback where app servers keep no local state)."""
    sqlite, postgres = libraries
    lib = Library(postgres.url, keyword_index="database")
    lib.set_embedder(sqlite.embedder())
    yield lib
    lib.close()


def overlap(a: list[str], b: list[str], k: int = 10) -> float:
    top_a, top_b = set(a[:k]), set(b[:k])
    return len(top_a & top_b) / max(1, min(k, len(top_a | top_b), max(len(top_a), len(top_b))))


def test_the_stored_papers_are_identical(libraries):
    sqlite, postgres = libraries
    assert sqlite.store.count() == postgres.store.count() > 300
    assert sqlite.store.dump() == postgres.store.dump()
    assert sqlite.stats() == postgres.stats()


def test_exact_lookups_are_identical(libraries):
    sqlite, postgres = libraries
    refs = []
    for paper in list(sqlite.papers())[::15]:
        refs.append(paper.id)
        refs.append(paper.title)
        if paper.arxiv_id:
            refs.append(f"https://arxiv.org/abs/{paper.arxiv_id}v2")
            refs.append(f"https://huggingface.co/papers/{paper.arxiv_id}")
        if paper.doi:
            refs.append(f"https://doi.org/{paper.doi}")
    assert len(refs) > 50
    for ref in refs:
        found = sqlite.exact_match(ref)
        assert found is not None, ref
        assert postgres.exact_match(ref) == found, ref
        # and search puts that paper first, whatever the mode
        for mode in ("keyword", "hybrid"):
            assert postgres.search(ref, mode=mode).ids[:1] == [found[0]], (ref, mode)
            assert sqlite.search(ref, mode=mode).ids[:1] == [found[0]], (ref, mode)


def test_semantic_results_are_the_same(libraries):
    sqlite, postgres = libraries
    for query in QUERIES:
        a = sqlite.search(query, mode="semantic", limit=10)
        b = postgres.search(query, mode="semantic", limit=10)
        assert a.ids == b.ids, query  # HNSW over 308 vectors finds the exact top 10
        for x, y in zip(a.hits, b.hits, strict=True):
            assert x.score == pytest.approx(y.score, abs=1e-3)


def test_keyword_results_are_the_same(libraries):
    """The same papers, indexed by the same code in the same order: the same
    BM25 ranking, hit for hit, whichever database holds the papers."""
    sqlite, postgres = libraries
    assert postgres.keyword_score == "bm25"
    found = 0
    for query in QUERIES:
        a = sqlite.search(query, mode="keyword", limit=50)
        b = postgres.search(query, mode="keyword", limit=50)
        assert ranking(a, 50) == ranking(b, 50), query
        assert len(a.hits) == len(b.hits), query
        found += bool(a.hits)
    assert found >= len(QUERIES) - 2
    assert (postgres.index_path / "lexical").is_dir()  # on this machine, not in the database


def ranking(results, limit: int) -> list[tuple[float, frozenset[str]]]:
    """The hits as groups of equal BM25 score, best first. tantivy orders a
    tie by where the papers sit in the index, which its writer threads
    decide, so within a group the order may differ from one index to the
    next; a group the page cuts short is left out (its members may differ)."""
    groups: list[tuple[float, set[str]]] = []
    for hit in results.hits:
        score = hit.why["bm25"]
        if groups and groups[-1][0] == score:
            groups[-1][1].add(hit.id)
        else:
            groups.append((score, {hit.id}))
    if len(results.hits) == limit:
        groups.pop()
    return [(score, frozenset(ids)) for score, ids in groups]


def test_full_text_keyword_results_overlap(libraries, fulltext):
    """The database's full text: ts_rank has no IDF, so the order differs
    more than the matches do."""
    sqlite, _ = libraries
    assert fulltext.keyword_score == "ts_rank"
    tops, matches = [], []
    for query in QUERIES:
        a = sqlite.search(query, mode="keyword", limit=200).ids
        b = fulltext.search(query, mode="keyword", limit=200).ids
        assert bool(a) == bool(b), query
        if a:
            matches.append(len(set(a) & set(b)) / len(set(a) | set(b)))
            tops.append(overlap(a, b))
    assert min(matches) >= 0.7, matches
    assert sum(matches) / len(matches) >= 0.9, matches
    assert sum(tops) / len(tops) >= 0.7, tops


def test_hybrid_results_overlap(libraries, fulltext):
    sqlite, postgres = libraries
    for other in (postgres, fulltext):
        tops = []
        for query in QUERIES:
            a = sqlite.search(query, mode="hybrid", limit=10).ids
            b = other.search(query, mode="hybrid", limit=10).ids
            # The same vectors and the same floor: as many hits (semantic-only
            # ones under the similarity floor are no match on either backend).
            assert a and len(a) == len(b), (query, a, b)
            tops.append(overlap(a, b))
            assert tops[-1] >= 0.5, (query, a, b)
        assert sum(tops) / len(tops) >= 0.8, tops


@pytest.mark.parametrize(
    "filters",
    [
        SearchFilters(categories=["hep-ph"]),
        SearchFilters(date_from="2007-04", date_to="2007-04-02"),
        SearchFilters(min_upvotes=1),
        SearchFilters(categories=["astro-ph"], date_from="2007"),
    ],
    ids=["category", "dates", "upvotes", "category-and-year"],
)
def test_filters_select_the_same_papers(libraries, fulltext, filters):
    sqlite, postgres = libraries
    found = 0
    for query in ("", "model", "mass"):
        a = sqlite.search(query, mode="keyword", filters=filters, limit=200).ids
        same = postgres.search(query, mode="keyword", filters=filters, limit=200).ids
        b = fulltext.search(query, mode="keyword", filters=filters, limit=200).ids
        assert set(a) == set(b) == set(same), (query, filters, len(a), len(b))
        found += len(a)
        if not query:  # restrictions alone: newest first on all (ties in either order)
            for ids, lib in ((a, sqlite), (same, postgres), (b, fulltext)):
                dates = [p.published[:10] for p in lib.store.get_many(ids)]
                assert dates == sorted(dates, reverse=True)
    assert found


def test_hostile_category_names_match_nothing_on_both(libraries, fulltext):
    sqlite, postgres = libraries
    for name in ["hep-ph' | 'astro-ph", "hep-ph\\", "x' & !'y", "cat:hep-ph"]:
        for lib in (*libraries, fulltext):
            assert (
                lib.search("", mode="keyword", filters=SearchFilters(categories=[name])).ids == []
            )
            assert lib.search(f'mass cat:"{name}"', mode="keyword").ids == []
    ids = sqlite.search("mass -cat:hep-ph", mode="keyword", limit=200).ids
    assert ids and set(ids) == set(
        postgres.search("mass -cat:hep-ph", mode="keyword", limit=200).ids
    )
    assert set(ids) == set(fulltext.search("mass -cat:hep-ph", mode="keyword", limit=200).ids)


def test_the_author_filter_and_field_agree(libraries, fulltext):
    sqlite, postgres = libraries
    name = next(p.authors[0] for p in sqlite.papers() if p.authors)
    filters = SearchFilters(author=f"  {name.upper()} ")
    a = sqlite.search("", mode="keyword", filters=filters).ids
    assert a and set(a) == set(postgres.search("", mode="keyword", filters=filters).ids)
    assert set(a) == set(fulltext.search("", mode="keyword", filters=filters).ids)
    surname = name.split()[-1]
    a = sqlite.search(f'author:"{surname}"', mode="keyword", limit=100)
    same = postgres.search(f'author:"{surname}"', mode="keyword", limit=100)
    assert a.ids and ranking(a, 100) == ranking(same, 100)
    b = fulltext.search(f'author:"{surname}"', mode="keyword", limit=100).ids
    assert set(a.ids) == set(b)


def test_similar_papers_are_the_same(libraries):
    sqlite, postgres = libraries
    for paper in list(sqlite.papers())[::40]:
        a = sqlite.similar(paper.id, limit=10).ids
        assert a == postgres.similar(paper.id, limit=10).ids, paper.id


def test_feeds_trending_and_authors_are_identical(libraries):
    sqlite, postgres = libraries
    day = sqlite.latest_feed_day()
    assert day is not None and postgres.latest_feed_day() == day
    for period in (day_period(day), week_period(day), month_period(day.year, day.month)):
        a, b = sqlite.feed(period), postgres.feed(period)
        assert [p.id for p in a.papers] == [p.id for p in b.papers] and a.total == b.total
    now = datetime.combine(day, datetime.min.time(), UTC)
    a, b = sqlite.trending(now), postgres.trending(now)
    assert [t.paper.id for t in a.trends] == [t.paper.id for t in b.trends]
    assert sqlite.neighbour_feed_days(day) == postgres.neighbour_feed_days(day)
    author = next(p.authors[-1] for p in sqlite.papers() if len(p.authors) > 3)
    assert [p.id for p in sqlite.author(author).papers] == [
        p.id for p in postgres.author(author).papers
    ]


def test_explanations_name_each_keyword_indexes_score(libraries, fulltext):
    sqlite, postgres = libraries
    a = sqlite.search("black hole", mode="keyword").hits[0].why
    b = postgres.search("black hole", mode="keyword").hits[0].why
    c = fulltext.search("black hole", mode="keyword").hits[0].why
    assert "bm25" in a and a == b
    assert "ts_rank" in c and "bm25" not in c


def test_embedding_is_incremental_on_both_backends(library_url, tmp_path):
    """`paperscope embed` on either backend: everything once, then only what changed."""
    sample = tmp_path / "sample.jsonl"
    sample.write_bytes(b"".join(ARXIV_SAMPLE.read_bytes().splitlines(keepends=True)[:12]))
    with Library(library_url) as lib:
        assert lib.import_file(sample).added == 12
        assert lib.embed() == 12
        index = lib.vector_index()
        assert index.count() == 12 and not index.empty
        assert index.read_mark()["seq"] == lib.store.last_change()
        assert lib.embed() == 0  # nothing changed
        paper = next(lib.papers())
        with lib.store.transaction():
            longer = paper.abstract + " A sentence added in a revision."  # the longer one wins
            lib.store.save_papers([dataclasses.replace(paper, abstract=longer)])
        assert lib.embed() == 1
        assert lib.similar(paper.id, limit=3).ids  # its new vector has neighbours
