"""Keeping the vector index in step with the store, and searching it.

Like the keyword index (``Library.sync_index``), the vector index catches up
from the store's change sequence and keeps a watermark (a file beside its
data on SQLite, a row in the database on PostgreSQL):
each chunk of changes is applied and committed, then the watermark moves past
it. A run that is interrupted resumes after the last whole chunk and never
embeds a finished chunk again; a crash between the vector commit and the
watermark write only repeats that one chunk, and even then the text hashes
skip the papers already embedded.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from paperscope.models import Paper
from paperscope.search.embed import Embedder, paper_text, text_hash
from paperscope.search.vectors import VectorIndex

if TYPE_CHECKING:
    from paperscope.search.pg import PgVectorIndex

EMBED_BATCH = 256  # papers read, embedded and committed at a time


class ChangeSource(Protocol):
    """What ``embed_pending`` needs of a store (every Store has it)."""

    def last_change(self) -> int: ...
    def count_changed_since(self, seq: int) -> int: ...
    def changes_since(self, seq: int, batch: int = ...): ...


def embed_pending(
    store: ChangeSource,
    index: VectorIndex | PgVectorIndex,
    embedder: Embedder,
    *,
    batch: int = EMBED_BATCH,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Embed what changed in the store since the index's watermark; returns
    how many papers were embedded (papers whose text is unchanged are not).

    ``progress(done, total)`` counts changed papers looked at, after each chunk
    is committed. If the embedding model is not the one the index was built
    with, the index is emptied and rebuilt from the start.
    """
    mark = index.read_mark()
    if mark.get("model") not in (None, embedder.model_name):
        index.clear()
        mark = {}
    since = int(mark.get("seq", 0))
    if since >= store.last_change():
        return 0
    total = store.count_changed_since(since)
    done = embedded = 0
    for up_to, papers, removed in store.changes_since(since, batch=batch):
        if removed:
            index.remove(removed)
        embedded += _embed_chunk(papers, index, embedder)
        index.write_mark(up_to, embedder.model_name)
        done += len(papers)
        if progress:
            progress(done, total)
    return embedded


def _embed_chunk(
    papers: list[Paper], index: VectorIndex | PgVectorIndex, embedder: Embedder
) -> int:
    ids, texts, hashes = [], [], []
    known = index.hashes([p.id for p in papers])
    for paper in papers:
        text = paper_text(paper)
        digest = text_hash(text)
        if known.get(paper.id) != digest:  # new, or its title/abstract changed
            ids.append(paper.id)
            texts.append(text)
            hashes.append(digest)
    if ids:
        index.upsert(ids, embedder.encode(texts), hashes)
    return len(ids)


def semantic_search(
    index: VectorIndex | PgVectorIndex, embedder: Embedder, query: str, k: int = 10
) -> list[tuple[str, float]]:
    """Ids of the ``k`` papers whose meaning is closest to ``query``, with cosine scores."""
    query = " ".join(query.split())
    if not query or k <= 0 or index.empty:
        return []  # an empty query means nothing; and do not load the model for an empty index
    return index.search(embedder.encode_query(query), k)


def similar(
    index: VectorIndex | PgVectorIndex, paper_id: str, k: int = 10
) -> list[tuple[str, float]]:
    """The ``k`` papers nearest to ``paper_id``'s own vector, itself excluded;
    [] when it has no vector yet."""
    vector = index.vector_of(paper_id)
    if vector is None:
        return []
    return index.search(vector, k, exclude={paper_id})
