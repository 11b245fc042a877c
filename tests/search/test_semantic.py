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


# The pipeline tests need papers, not many: each embedding of one costs the
# real model about a tenth of a second here. Search quality needs them all.
FEW = 40


@pytest.fixture(scope="module")
def few(papers):
    return papers[:FEW]


@pytest.fixture
def filled(store, few):
    with store.transaction():
        store.save_papers(few)
    return store


@pytest.fixture
def filled_all(store, papers):
    with store.transaction():
        store.save_papers(papers)
    return store


@pytest.fixture
def index(tmp_path) -> VectorIndex:
    return VectorIndex(tmp_path / "vectors")


class Interrupt(Exception):
    pass


def test_embeds_everything_once(filled, index, embedder, few):
    before = embedder.encoded
    calls = []
    assert embed(filled, index, embedder, batch=16, progress=lambda *a: calls.append(a)) == FEW
    assert index.count() == len(few) == FEW
    assert embedder.encoded - before == FEW
    assert calls[-1] == (FEW, FEW) and len(calls) == 3
    assert index.read_mark()["seq"] == filled.last_change()
    assert index.read_mark()["model"] == embedder.model_name
    assert embed(filled, index, embedder) == 0  # nothing changed
    assert embedder.encoded - before == FEW


def test_interrupted_run_resumes(filled, index, embedder):
    before = embedder.encoded

    def stop_after_first(done, total):
        raise Interrupt

    with pytest.raises(Interrupt):
        embed(filled, index, embedder, batch=10, progress=stop_after_first)
    assert index.count() == 10 and embedder.encoded - before == 10
    reopened = VectorIndex(index.path)
    assert embed(filled, reopened, embedder, batch=10) == FEW - 10
    assert reopened.count() == FEW
    assert embedder.encoded - before == FEW  # no paper embedded twice


def test_crash_before_watermark_repeats_no_embedding(filled, index, embedder):
    """Vectors committed but the watermark lost: the hashes skip the repeat."""
    assert embed(filled, index, embedder) == FEW
    (index.path / MARK_FILE).unlink()
    before = embedder.encoded
    assert embed(filled, index, embedder) == 0
    assert embedder.encoded == before


def test_reimport_with_only_upvotes_changed_is_not_embedded(filled, index, embedder, few):
    embed(filled, index, embedder)
    since = filled.last_change()
    with filled.transaction():
        filled.save_papers([dataclasses.replace(p, upvotes=p.upvotes + 5) for p in few[:30]])
    assert filled.last_change() > since  # the store did record changes
    before = embedder.encoded
    assert embed(filled, index, embedder) == 0
    assert embedder.encoded == before
    assert index.read_mark()["seq"] == filled.last_change()


def test_changed_abstract_is_embedded_again(filled, index, embedder, few):
    embed(filled, index, embedder)
    old = index.vector_of(few[0].id)
    changed = dataclasses.replace(few[0], abstract=few[0].abstract + " Extended with more.")
    with filled.transaction():
        filled.save_papers([changed])
    assert embed(filled, index, embedder) == 1
    assert index.count() == FEW
    assert not (index.vector_of(few[0].id) == old).all()


def test_removed_ids_leave_the_index(filled, index, embedder, few):
    embed(filled, index, embedder)
    gone = few[0].id
    # Simulate the store folding a paper away: the change feed reports its id removed.
    with filled.transaction() as conn:
        seq = filled.last_change() + 1
        conn.execute("DELETE FROM papers WHERE id = ?", (gone,))
        conn.execute("INSERT INTO removed_papers VALUES (?, ?)", (gone, seq))
        conn.execute("UPDATE counters SET value = ? WHERE name = 'seq'", (seq,))
    embed(filled, index, embedder)
    assert not index.has(gone) and index.count() == FEW - 1


def test_model_change_rebuilds(filled, index, embedder):
    embed(filled, index, embedder)
    (index.path / MARK_FILE).write_text('{"seq": 999999, "model": "another-model"}')
    assert embed(filled, index, embedder) == FEW


def test_semantic_search_and_similar(filled_all, index, embedder, papers):
    semantic = SemanticIndex(index, embedder)
    assert semantic.search("anything", limit=5) == []  # empty index
    assert embed(filled_all, index, embedder) == len(papers) == 200
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
