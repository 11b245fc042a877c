"""Semantic and hybrid search, and similar papers, through the real Library and
the real model (embedding a small set once for the module)."""

from __future__ import annotations

import json

import pytest

from paperscope.library import Library
from paperscope.models import new_paper
from paperscope.search.embed import Embedder
from paperscope.search.query import SearchFilters
from paperscope.search.results import Coverage
from tests.conftest import ARXIV_SAMPLE

EMBEDDED = 40  # the first papers of the sample get embeddings; the rest do not


@pytest.fixture(scope="module")
def lib(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("semantic")
    lines = ARXIV_SAMPLE.read_text(encoding="utf-8").splitlines()
    (tmp / "first.jsonl").write_text("\n".join(lines[:EMBEDDED]) + "\n", encoding="utf-8")
    (tmp / "rest.jsonl").write_text("\n".join(lines[EMBEDDED:]) + "\n", encoding="utf-8")
    with Library(tmp / "lib.db") as library:
        library.import_file(tmp / "first.jsonl")
        assert library.embed() == EMBEDDED
        library.import_file(tmp / "rest.jsonl")  # imported later, not embedded
        yield library


def records():
    return [json.loads(line) for line in ARXIV_SAMPLE.read_text(encoding="utf-8").splitlines()]


def test_semantic_mode_finds_a_paper_from_a_paraphrase_of_its_abstract(lib):
    target = records()[1]  # embedded
    sentence = " ".join(target["abstract"].split()).split(". ")[0]
    results = lib.search(sentence, mode="semantic", limit=5)
    assert target["id"] in results.ids[:3]
    assert all("cosine" in h.why and "keyword_rank" not in h.why for h in results.hits)


def test_hybrid_fuses_both_rankings_and_shows_each_rank(lib):
    target = records()[1]
    results = lib.search(" ".join(target["title"].split()[:6]), limit=10)
    assert results.mode == "hybrid"
    both = [h for h in results.hits if "keyword_rank" in h.why and "semantic_rank" in h.why]
    assert both, "an embedded paper that matches the words should carry both ranks"
    assert [h.score for h in results.hits] == sorted((h.score for h in results.hits), reverse=True)


def test_papers_not_embedded_are_still_found_through_keywords(lib):
    late = records()[150]  # imported after the embedding run
    assert not lib.vector_index().has(late["id"])
    results = lib.search(" ".join(late["title"].split()), limit=5)
    hit = next(h for h in results.hits if h.id == late["id"])
    assert "keyword_rank" in hit.why and "semantic_rank" not in hit.why


def test_semantic_candidates_obey_the_filters(lib):
    results = lib.search(
        "quantum field theory", mode="semantic", filters=SearchFilters(categories=["hep-th"])
    )
    assert results.hits and all("hep-th" in h.paper.categories for h in results.hits)


def test_similar_uses_embeddings_and_falls_back_to_title_keywords(lib):
    embedded, late = records()[0]["id"], records()[150]["id"]
    near = lib.similar(embedded, limit=5)
    assert near.hits and embedded not in near.ids and all("cosine" in h.why for h in near.hits)
    fallback = lib.similar(late, limit=5)
    assert late not in fallback.ids and all(h.why.get("via") == "title" for h in fallback.hits)
    assert lib.similar("no such paper").hits == []


def test_an_unknown_mode_is_refused_by_name(lib):
    with pytest.raises(ValueError, match="unknown search mode 'fuzzy'"):
        lib.search("x", mode="fuzzy")


@pytest.mark.parametrize(
    "query", ["graph \ud800 networks", "\x00\x1b[31m", "🧪" * 500, "x" * 10_000, ""]
)
def test_hostile_queries_cannot_break_semantic_or_hybrid_search(lib, query):
    for mode in ("semantic", "hybrid"):
        assert isinstance(lib.search(query, mode=mode).hits, list)


def test_meaning_says_how_much_of_the_library_it_covers(lib):
    results = lib.search("quantum field theory", mode="semantic")
    assert results.coverage == Coverage(EMBEDDED, 200) and results.partial
    assert lib.search("quantum field theory", mode="hybrid").coverage == Coverage(EMBEDDED, 200)
    assert lib.search("quantum field theory", mode="keyword").coverage is None
    assert lib.stats().embedded == EMBEDDED


class Recording:
    """The real model, noting which texts it was asked to embed, in order."""

    def __init__(self, model: Embedder):
        self.model = model
        self.dim, self.model_name = model.dim, model.model_name
        self.texts: list[str] = []

    def encode(self, texts, batch_size=64):
        self.texts.extend(texts)
        return self.model.encode(texts, batch_size)

    def encode_query(self, text):
        return self.model.encode_query(text)


def test_a_backlog_is_embedded_newest_feed_day_first(tmp_path):
    model = Recording(Embedder())
    days = [f"2026-11-{day:02d}" for day in range(1, 31)]
    with Library(tmp_path / "lib.db", embedder=model) as library:
        with library.store.transaction():  # stored oldest first: the change order
            library.store.save_papers([
                new_paper(title=f"Paper of {day}", abstract=f"Findings of {day}.",
                          feed_date=day, source="hf-page")
                for day in days
            ])  # fmt: skip
        assert library.engine.embed(batch=8) == 30
        assert [t.split(".")[0] for t in model.texts] == [f"Paper of {d}" for d in reversed(days)]
        assert library.coverage() == Coverage(30, 30)
        assert library.engine.embed(batch=8) == 0  # the catch-up after it found nothing to do
