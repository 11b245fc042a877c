"""Keeping the vector index in step with the store, and searching it.

Like the keyword index (``Library.sync_index``), the vector index catches up
from the store's change sequence and keeps a watermark file beside its data:
each chunk of changes is applied and committed, then the watermark moves past
it. A run that is interrupted resumes after the last whole chunk and never
embeds a finished chunk again; a crash between the vector commit and the
watermark write only repeats that one chunk, and even then the text hashes
skip the papers already embedded.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Protocol

from paperscope.models import Paper
from paperscope.search.embed import Embedder, paper_text, text_hash
from paperscope.search.vectors import VectorIndex

MARK_FILE = "synced.json"  # {"seq": last change applied, "model": model name}
EMBED_BATCH = 256  # papers read, embedded and committed at a time


class ChangeSource(Protocol):
    """What ``embed_pending`` needs of a store (SQLiteStore has it)."""

    def last_change(self) -> int: ...
    def count_changed_since(self, seq: int) -> int: ...
    def changes_since(self, seq: int, batch: int = ...): ...


def embed_pending(
    store: ChangeSource,
    index: VectorIndex,
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
    mark = load_mark(index)
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
        save_mark(index, up_to, embedder.model_name)
        done += len(papers)
        if progress:
            progress(done, total)
    return embedded


def _embed_chunk(papers: list[Paper], index: VectorIndex, embedder: Embedder) -> int:
    ids, texts, hashes = [], [], []
    for paper in papers:
        text = paper_text(paper)
        digest = text_hash(text)
        if index.hash_of(paper.id) != digest:  # new, or its title/abstract changed
            ids.append(paper.id)
            texts.append(text)
            hashes.append(digest)
    if ids:
        index.upsert(ids, embedder.encode(texts), hashes)
    return len(ids)


def semantic_search(
    index: VectorIndex, embedder: Embedder, query: str, k: int = 10
) -> list[tuple[str, float]]:
    """Ids of the ``k`` papers whose meaning is closest to ``query``, with cosine scores."""
    query = " ".join(query.split())
    if not query or k <= 0 or not index.count():
        return []  # an empty query means nothing; and do not load the model for an empty index
    return index.search(embedder.encode_query(query), k)


def similar(index: VectorIndex, paper_id: str, k: int = 10) -> list[tuple[str, float]]:
    """The ``k`` papers nearest to ``paper_id``'s own vector, itself excluded;
    [] when it has no vector yet."""
    vector = index.vector_of(paper_id)
    if vector is None:
        return []
    return index.search(vector, k, exclude={paper_id})


def load_mark(index: VectorIndex) -> dict:
    """The watermark: ``{"seq": int, "model": str}``, or {} when there is none."""
    try:
        mark = json.loads((index.path / MARK_FILE).read_text())
        int(mark["seq"])
        return mark
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def save_mark(index: VectorIndex, seq: int, model: str) -> None:
    path = index.path / MARK_FILE
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"seq": seq, "model": model}))
    os.replace(tmp, path)
