"""The one contract every search index keeps, and the one loop that keeps it
in step with the store.

An index is a derived copy of the papers: the keyword index (tantivy BM25 on
SQLite, the database's own full-text column on PostgreSQL) and the semantic
index (vectors of the papers' embeddings). Each remembers a watermark, the
last change of the store's sequence it applied, and :func:`catch_up` brings
any of them up to date the same way: it reads the changes after the
watermark chunk by chunk, applies the removals and upserts of a chunk,
commits, and only then moves the watermark past it. An interrupted run resumes
after the last whole chunk; a crash between an index commit and the
watermark write repeats that one chunk, harmlessly (upserts replace).
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Protocol

from paperscope.models import Paper
from paperscope.search.query import ParsedQuery, SearchFilters
from paperscope.search.results import Hit
from paperscope.store.base import Changes

SYNC_BATCH = 10_000  # papers per keyword-index commit when catching up
EMBED_BATCH = 256  # papers read, embedded and committed at a time
# Indexing threads while an import runs beside them: one core is the import's.
# (On 2 cores, 1 thread made a 100k import 12% faster than 2; bench/README.md.)
FOLLOW_THREADS = max(1, min(4, (os.cpu_count() or 1) - 1))


class ChangeSource(Protocol):
    """What the catch-up loop needs of a store (every Store has it)."""

    def last_change(self) -> int: ...
    def count_changed_since(self, seq: int) -> int: ...
    def changes_since(
        self, seq: int, batch: int = ...
    ) -> Iterator[tuple[int, list[Paper], list[str]]]: ...


class SearchIndex(Protocol):
    """A derived index of papers that :func:`catch_up` maintains and search reads."""

    def read_mark(self) -> int:
        """The last change of the store this index has applied (0: none)."""
        ...

    def write_mark(self, seq: int) -> None:
        """Record that every change up to ``seq`` is applied (called after a commit)."""
        ...

    def upsert(self, papers: Sequence[Paper]) -> int:
        """Index ``papers``, replacing older copies; one commit. Returns papers written."""
        ...

    def remove(self, ids: Iterable[str]) -> int:
        """Forget these papers; one commit."""
        ...

    def search(
        self, query: ParsedQuery, *, limit: int = 20, filters: SearchFilters | None = None
    ) -> list[Hit]:
        """The best ``limit`` hits for ``query`` within ``filters``, best first."""
        ...


def catch_up(
    store: ChangeSource,
    index: SearchIndex,
    *,
    batch: int,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Apply the store's changes after ``index``'s watermark; returns the sum of
    what its upserts wrote (papers indexed, or embedded: an embedding index
    skips papers whose text it already has).

    ``progress(done, total)`` counts changed papers looked at, after each
    chunk is committed.
    """
    since = index.read_mark()
    if since >= store.last_change():
        return 0
    total = store.count_changed_since(since)
    done = written = 0
    for up_to, papers, removed in store.changes_since(since, batch=batch):
        if removed:
            index.remove(removed)
        if papers:
            written += index.upsert(papers)
        index.write_mark(up_to)
        done += len(papers)
        if progress:
            progress(done, total)
    return written


class BatchWriter(Protocol):
    """An index writer whose work stays invisible until it commits."""

    def add(self, papers: Iterable[Paper], new_ids: Container[str] = ...) -> int: ...
    def remove(self, ids: Iterable[str]) -> int: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...


class FollowedIndex(Protocol):
    def read_mark(self) -> int: ...
    def write_mark(self, seq: int) -> None: ...
    def writer(self, threads: int = ...) -> BatchWriter: ...


class Follower:
    """Keeps an index in step with one writer's changes as they commit (an
    import's batches), so that the index is current when the writing ends
    instead of catching up afterwards, and the indexing overlaps the writing.

    A batch is applied only if its changes continue exactly where the index
    stands. At the first gap (another process changed the store in between)
    the follower stops applying: :meth:`finish` commits what it has, moves the
    watermark to the last change applied, and :func:`catch_up` does the rest
    from there. Nothing is visible, and the watermark stays, until
    :meth:`finish`; :meth:`abort` forgets the work (catch-up redoes it).
    """

    def __init__(self, index: FollowedIndex):
        self.index = index
        self.mark = index.read_mark()
        self.following = True
        self._writer = index.writer(threads=FOLLOW_THREADS)
        self._committing: threading.Thread | None = None
        self._failure: BaseException | None = None

    def apply(self, changes: Changes) -> None:
        """Index one committed batch's changes (see :class:`Changes`)."""
        if not self.following:
            return
        if changes.before != self.mark:
            self.following = False
            return
        self._writer.remove(changes.removed)
        self._writer.add(changes.papers, changes.new_ids)
        self.mark = changes.after

    def commit_in_background(self) -> None:
        """Start the index's commit (its last segment written, merges finished)
        in a thread, to overlap what the writer still does (an import's
        index rebuild); :meth:`finish` waits for it."""
        if self._committing is None:
            self._committing = threading.Thread(target=self._commit, name="paperscope-index-commit")
            self._committing.start()

    def _commit(self) -> None:
        try:
            self._writer.commit()
        except BaseException as exc:  # handed to finish()
            self._failure = exc

    def finish(self) -> None:
        """Commit (or wait for the commit started), then move the watermark."""
        if self._committing is None:
            self._writer.commit()
        else:
            self._committing.join()
            if self._failure is not None:
                raise self._failure
        self.index.write_mark(self.mark)

    def abort(self) -> None:
        if self._committing is not None:
            self._committing.join()  # committed or not, the watermark stays
        else:
            self._writer.rollback()


class MarkFile:
    """A watermark kept in a small JSON file, replaced atomically.

    ``{"seq": n, ...}``: the extra fields (the embedding model's name) say
    what the change numbers were applied with."""

    def __init__(self, path: Path):
        self.path = path

    def read(self) -> dict:
        try:
            mark = json.loads(self.path.read_text())
            int(mark["seq"])
            return mark
        except (OSError, ValueError, KeyError, TypeError):
            return {}

    def seq(self) -> int:
        return int(self.read().get("seq", 0))

    def write(self, seq: int, **extra: str) -> None:
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"seq": seq, **extra}))
        os.replace(tmp, self.path)
