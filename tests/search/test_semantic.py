"""Embedding the store's changes into the vector index, with the real model and
the real arXiv sample stored in a real SQLite file."""

from __future__ import annotations

import dataclasses

import pytest

from paperscope.search.indexes import EMBED_BATCH, catch_up
from paperscope.search.semantic import SemanticIndex
from paperscope.search.vectors import MARK_FILE, VectorIndex


def embed(store, index, embedder, *, batch=EMBED_BATCH, progress=None) -> int:
    """The catch-up loop over the vectors, as `paperscope embed` runs it."""
    return catch_up(store, SemanticIndex(index, embedder), batch=batch, progress=progress)


@pytest.fixture
def filled(store, papers):
    with store.transaction():
        store.save_papers(papers)
    return store


@pytest.fixture
def index(tmp_path) -> VectorIndex:
    return VectorIndex(tmp_path / "vectors")


class Interrupt(Exception):
    pass


def test_embeds_everything_once(filled, index, embedder, papers):
    before = embedder.encoded
    calls = []
    assert embed(filled, index, embedder, batch=64, progress=lambda *a: calls.append(a)) == 200
    assert index.count() == len(papers) == 200
    assert embedder.encoded - before == 200
    assert calls[-1] == (200, 200) and len(calls) == 4
    assert index.read_mark()["seq"] == filled.last_change()
    assert index.read_mark()["model"] == embedder.model_name
    assert embed(filled, index, embedder) == 0  # nothing changed
    assert embedder.encoded - before == 200


def test_interrupted_run_resumes(filled, index, embedder):
    before = embedder.encoded

    def stop_after_first(done, total):
        raise Interrupt

    with pytest.raises(Interrupt):
        embed(filled, index, embedder, batch=50, progress=stop_after_first)
    assert index.count() == 50 and embedder.encoded - before == 50
    reopened = VectorIndex(index.path)
    assert embed(filled, reopened, embedder, batch=50) == 150
    assert reopened.count() == 200
    assert embedder.encoded - before == 200  # no paper embedded twice


def test_crash_before_watermark_repeats_no_embedding(filled, index, embedder):
    """Vectors committed but the watermark lost: the hashes skip the repeat."""
    assert embed(filled, index, embedder) == 200
    (index.path / MARK_FILE).unlink()
    before = embedder.encoded
    assert embed(filled, index, embedder) == 0
    assert embedder.encoded == before


def test_reimport_with_only_upvotes_changed_is_not_embedded(filled, index, embedder, papers):
    embed(filled, index, embedder)
    since = filled.last_change()
    with filled.transaction():
        filled.save_papers([dataclasses.replace(p, upvotes=p.upvotes + 5) for p in papers[:30]])
    assert filled.last_change() > since  # the store did record changes
    before = embedder.encoded
    assert embed(filled, index, embedder) == 0
    assert embedder.encoded == before
    assert index.read_mark()["seq"] == filled.last_change()


def test_changed_abstract_is_embedded_again(filled, index, embedder, papers):
    embed(filled, index, embedder)
    old = index.vector_of(papers[0].id)
    changed = dataclasses.replace(papers[0], abstract=papers[0].abstract + " Extended with more.")
    with filled.transaction():
        filled.save_papers([changed])
    assert embed(filled, index, embedder) == 1
    assert index.count() == 200
    assert not (index.vector_of(papers[0].id) == old).all()


def test_removed_ids_leave_the_index(filled, index, embedder, papers):
    embed(filled, index, embedder)
    gone = papers[0].id
    # Simulate the store folding a paper away: the change feed reports its id removed.
    with filled.transaction() as conn:
        seq = filled.last_change() + 1
        conn.execute("DELETE FROM papers WHERE id = ?", (gone,))
        conn.execute("INSERT INTO removed_papers VALUES (?, ?)", (gone, seq))
        conn.execute("UPDATE counters SET value = ? WHERE name = 'seq'", (seq,))
    embed(filled, index, embedder)
    assert not index.has(gone) and index.count() == 199


def test_model_change_rebuilds(filled, index, embedder):
    embed(filled, index, embedder)
    (index.path / MARK_FILE).write_text('{"seq": 999999, "model": "another-model"}')
    assert embed(filled, index, embedder) == 200


def test_semantic_search_and_similar(filled, index, embedder, papers):
    semantic = SemanticIndex(index, embedder)
    assert semantic.search("anything", limit=5) == []  # empty index
    embed(filled, index, embedder)
    hits = semantic.search("lifetime of baryons with two charm quarks", limit=3)
    assert "0704.0016" in [h.id for h in hits]
    assert [h.why["semantic_rank"] for h in hits] == [1, 2, 3]
    assert semantic.search("   ", limit=3) == []
    assert semantic.search("((( -", limit=3) == []  # nothing to mean
    # The sample holds four papers on the discrete dipole approximation.
    dda = {p.id for p in papers if "discrete dipole approximation" in p.title.lower()}
    assert len(dda) >= 3
    first = sorted(dda)[0]
    near = semantic.similar(first, 5)
    assert first not in [h.id for h in near]
    assert len(dda - {first} & {h.id for h in near}) >= 2
    assert [h.score for h in near] == sorted((h.score for h in near), reverse=True)
    assert semantic.similar("not-a-paper", 5) == []
