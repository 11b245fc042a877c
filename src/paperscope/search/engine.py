"""One search over the library's indexes: what ``Library.search`` and
``Library.similar`` do, and the upkeep of the indexes they read.

The engine owns the keyword index, the vector store and the embedder, opens
them lazily (a keyword-only command never imports torch), keeps them in step
with the store through :func:`~paperscope.search.indexes.catch_up`, and runs a
query: the exact look-up first (an id, URL, DOI or title names one paper),
then the keyword and semantic rankings, the similarity floor, fusion, and one
page of hits loaded in one query.

The keyword index is tantivy (BM25) on both backends by default: beside the
file on SQLite, and on PostgreSQL in a folder on each app server's own disk
(``PAPERSCOPE_INDEX_DIR``), caught up from the database's change sequence by
the same loop. A search first applies what changed since the index last
looked (a vote, an import on another server: a few papers, milliseconds). An
index far behind (a new app server on a big database) is caught up in a
background thread instead, and until it is done PostgreSQL's own full text
answers, so no search waits minutes. Processes sharing one folder take turns
through a lock file: one writes, the others read what it committed.
``keyword="database"`` uses PostgreSQL's full text for good (no local state).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from paperscope.config import KEYWORD_INDEXES, index_home
from paperscope.models import Paper
from paperscope.search import MARK_FILE
from paperscope.search.embed import TextEmbedder, make_embedder
from paperscope.search.hybrid import DEFAULT_FUSION, Fusion, fuse
from paperscope.search.indexes import EMBED_BATCH, SYNC_BATCH, Follower, catch_up
from paperscope.search.lexical import MAX_LIMIT as LEXICAL_MAX
from paperscope.search.lexical import LexicalIndex, author_key, date_number
from paperscope.search.pg import PgKeywordIndex, PgVectorIndex, database_identity
from paperscope.search.query import MODES, ParsedQuery, SearchFilters, clean, parse_query
from paperscope.search.results import Coverage, Hit, SearchResults
from paperscope.search.semantic import (
    SIMILARITY_FLOOR,
    UNKNOWN_WORDS_FLOOR,
    SemanticIndex,
)
from paperscope.search.vectors import VectorIndex
from paperscope.store import SQLiteStore, Store

MAX_PAGE = 200
FUSION_DEPTH = 100  # candidates each ranking brings to the fusion
# Backlog papers embedded and committed at a time: small, so that the first
# searchable papers of a new library come seconds after the start.
BACKLOG_BATCH = 64
# A search applies at most this many changes itself before it runs (tantivy
# indexes them in well under a second); a PostgreSQL library's index further
# behind is caught up in the background while the database's full text answers.
INLINE_CATCH_UP = 20_000
TURN_POLL = 0.5  # seconds between a background catch-up's tries for the turn
LOCK_FILE = "writer.lock"  # beside the index: whoever holds it catches the index up
IDENTITY_FILE = "database.json"  # which database a PostgreSQL library's folder follows
Exact = Callable[[str], "tuple[str, str] | None"]
log = logging.getLogger(__name__)


class _Stop(Exception):
    """Raised between two chunks of a background catch-up to end it (on close)."""


class SearchEngine:
    """Search over one store. Thread-safe: the web service shares one engine
    between its threads, and index writes and index opening take turns."""

    def __init__(
        self,
        store: Store,
        exact: Exact,
        *,
        fusion: Fusion = DEFAULT_FUSION,
        floors: tuple[float, float] = (SIMILARITY_FLOOR, UNKNOWN_WORDS_FLOOR),
        embedder: TextEmbedder | None = None,
        keyword: str = "tantivy",
        index_root: Path | str | None = None,
    ):
        if keyword not in KEYWORD_INDEXES:
            raise ValueError(f"unknown keyword index {keyword!r}; choose tantivy or database")
        if keyword == "database" and store.dialect != "postgresql":
            raise ValueError("the database keyword index needs a PostgreSQL library")
        self.store = store
        self.fusion = fusion
        self.floors = floors  # (some word of the query is known, none is)
        self.keyword = keyword
        self._index_root = Path(index_root) if index_root else None
        self._exact = exact
        self._keyword: LexicalIndex | PgKeywordIndex | None = None
        self._fallback: PgKeywordIndex | None = None
        self._vectors: VectorIndex | PgVectorIndex | None = None
        self._embedder = embedder
        self._lock = threading.RLock()
        self._writing = threading.Lock()  # one catch-up at a time in this process
        self._builder: threading.Thread | None = None  # a background catch-up
        self._stop = threading.Event()
        self._serving = False  # a long-lived process: far behind, catch up in the background
        self._reader_seq: int | None = None  # the keyword watermark our reader has seen
        self._papers: tuple[int, int] | None = None  # (last change, paper count)

    # -- the indexes ------------------------------------------------------

    @property
    def in_database(self) -> bool:
        """Whether the library lives in a database server (PostgreSQL: vectors
        in pgvector) rather than in a file with its indexes beside it (SQLite)."""
        return self.store.dialect == "postgresql"

    @property
    def keyword_in_database(self) -> bool:
        """Whether keyword search is PostgreSQL's full text (the ``database``
        keyword index) rather than a tantivy index on this machine."""
        return self.keyword == "database"

    @property
    def keyword_score(self) -> str:
        """What a keyword hit's score is, as search explanations name it."""
        return "ts_rank" if self.keyword_in_database else "bm25"

    @property
    def index_path(self) -> Path:
        """Where the local search indexes live: beside a SQLite database
        (``library.db.search/``); for a PostgreSQL library, a folder of its own
        under the index root, named after the database URL (without its
        password), so that two databases never share one."""
        if isinstance(self.store, SQLiteStore):
            return Path(str(self.store.path) + ".search")
        if self.keyword_in_database:
            raise ValueError("this PostgreSQL library keeps its search indexes in the database")
        return local_index_folder(self._index_root or index_home(), self.store.location)

    def keyword_index(self) -> LexicalIndex | PgKeywordIndex:
        """The configured keyword index (see :meth:`searchable_keyword_index`
        for the one a search reads right now)."""
        with self._lock:
            if self._keyword is None and self.keyword_in_database:
                self._keyword = PgKeywordIndex(self.store)
            elif self._keyword is None:
                root = self.index_path
                if self.in_database:
                    self._follow_database(root)
                # The watermark sits beside the index directory, where it always has.
                self._keyword = LexicalIndex(root / "lexical", rebuild=True, mark=root / MARK_FILE)
            return self._keyword

    def _follow_database(self, root: Path) -> None:
        """Make ``root`` follow this database: a folder last filled from
        another database of the same URL (dropped and made again, restored
        from a dump) starts again from nothing."""
        identity = {"database": self.store.location, "id": database_identity(self.store)}
        path = root / IDENTITY_FILE

        def known() -> bool:
            try:
                return json.loads(path.read_text()) == identity
            except (OSError, ValueError):
                return False

        # Without waiting for the turn: another process may hold it for the
        # minutes of a first catch-up, having written the identity before.
        while not known():
            with self._turn(root, wait=False) as mine:
                if not mine:
                    time.sleep(TURN_POLL / 5)
                    continue
                if known():
                    return
                (root / MARK_FILE).unlink(missing_ok=True)  # every paper is indexed again
                if (root / "lexical").exists():
                    LexicalIndex(root / "lexical", rebuild=True, mark=root / MARK_FILE).clear()
                tmp = path.with_suffix(".tmp")
                tmp.write_text(json.dumps(identity))
                os.replace(tmp, path)

    @contextlib.contextmanager
    def _turn(self, root: Path, *, wait: bool = True) -> Iterator[bool]:
        """The right to write the index in ``root``, between processes (an
        exclusive ``flock`` on its lock file) and threads; yields whether it
        was had (always, with ``wait``)."""
        if not self._writing.acquire(blocking=wait):
            yield False
            return
        try:
            root.mkdir(parents=True, exist_ok=True)
            with open(root / LOCK_FILE, "a+b") as f:
                try:
                    fcntl.flock(f, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
                    mine = True
                except BlockingIOError:
                    mine = False
                try:
                    yield mine
                finally:
                    if mine:
                        fcntl.flock(f, fcntl.LOCK_UN)
        finally:
            self._writing.release()

    @contextlib.contextmanager
    def following(
        self, progress: Callable[[int, int], None] | None = None
    ) -> Iterator[Follower | None]:
        """For a writer about to change many papers (an import): the keyword
        index, caught up first, then kept in step with the writer's batches
        through the :class:`Follower` yielded, and committed at the end, so
        that the papers are searchable when the writing ends. The turn to write
        the index is held throughout; searches meanwhile read what it last
        committed. None (nothing to follow) for the database's own full text."""
        index = self.keyword_index()
        if isinstance(index, PgKeywordIndex):
            yield None
            return
        with self._turn(self.index_path):
            self._see_commits(index)
            catch_up(self.store, index, batch=SYNC_BATCH, progress=progress)
            follower = Follower(index)
            try:
                yield follower
            except BaseException:
                follower.abort()
                raise
            follower.finish()
            self._see_commits(index)

    def vector_index(self) -> VectorIndex | PgVectorIndex:
        """The vector store, refreshed to see another process's commits."""
        with self._lock:
            if self._vectors is None and self.in_database:
                self._vectors = PgVectorIndex(self.store)
            elif self._vectors is None:
                self._vectors = VectorIndex(self.index_path / "vectors")
            else:
                self._vectors.refresh()
            return self._vectors

    def embedder(self) -> TextEmbedder:
        """The embedding model (loaded on its first use, not here)."""
        if self._embedder is None:
            self._embedder = make_embedder("cpu")
        return self._embedder

    def set_embedder(self, embedder: TextEmbedder) -> None:
        """Use ``embedder`` from now on (a benchmark's instrumented or loaded model)."""
        self._embedder = embedder

    def semantic_index(self) -> SemanticIndex:
        return SemanticIndex(self.vector_index(), self.embedder())

    def sync(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Bring the keyword index up to date with the store; returns papers indexed.

        Cheap when nothing changed. Waits for another process that is
        catching the same index up, then applies what is left."""
        while (done := self._catch_up(wait=True, progress=progress)) is None:
            time.sleep(TURN_POLL)  # a writer that takes no turns holds tantivy's own lock
        return done

    def _see_commits(self, index: LexicalIndex | PgKeywordIndex) -> None:
        """A reader whose index another process (or thread) moved on reopens its view."""
        with self._lock:
            seen = index.read_mark()
            if seen != self._reader_seq:
                index.refresh()
                self._reader_seq = seen

    def _catch_up(
        self, *, wait: bool, progress: Callable[[int, int], None] | None = None
    ) -> int | None:
        """Catch the keyword index up, taking turns with other writers; None
        when another writer has the turn (without ``wait``) or holds tantivy's
        own writer lock (an import indexing its batches as it goes)."""
        index = self.keyword_index()
        if isinstance(index, PgKeywordIndex):
            return 0  # the database keeps its own full text current
        self._see_commits(index)
        if index.read_mark() >= self.store.last_change():
            return 0
        with self._turn(self.index_path, wait=wait) as mine:
            if not mine:
                return None
            self._see_commits(index)  # the last holder may have done the work
            try:
                done = catch_up(self.store, index, batch=SYNC_BATCH, progress=progress)
            except ValueError as exc:
                if "LockBusy" not in str(exc):
                    raise
                return None  # what was committed before it stays, with its watermark
            finally:
                self._see_commits(index)
            return done

    def searchable_keyword_index(self) -> LexicalIndex | PgKeywordIndex:
        """The keyword index a search reads now, caught up with the store.

        A few changes behind (a vote, another server's import): they are
        applied first, unless another process is applying them this moment
        (its commit is seen by the next search; an import that indexes as it
        goes holds the turn until it ends, and no search waits for it). Far
        behind, on PostgreSQL: a background thread catches up and the
        database's full text answers until it is done. SQLite has no such fallback and catches up in place."""
        index = self.keyword_index()
        if isinstance(index, PgKeywordIndex):
            return index
        self._see_commits(index)
        behind = self.store.last_change() - index.read_mark()
        if behind <= 0:
            return index
        if self.in_database and (behind > INLINE_CATCH_UP or self.building):
            if self._serving:
                self.catch_up_in_background()
            return self.fallback_index()
        self._catch_up(wait=False)
        return index

    def fallback_index(self) -> PgKeywordIndex:
        """PostgreSQL's full text, answering while the local index is built."""
        with self._lock:
            if self._fallback is None:
                self._fallback = PgKeywordIndex(self.store)
            return self._fallback

    @property
    def building(self) -> bool:
        """Whether a background catch-up of the keyword index is running."""
        return self._builder is not None and self._builder.is_alive()

    def catch_up_in_background(self) -> bool:
        """On PostgreSQL with a local index far behind the database, start
        catching it up in a thread; True if one runs now. Searches read the
        database's full text until it ends.

        A web server calls this as it starts, and from then on its searches
        start it again whenever the index falls far behind (a big import on
        another server). A short-lived command (``paperscope search``) never
        starts one by itself: it reads the database's full text instead."""
        if self.keyword_in_database or not self.in_database:
            return False
        with self._lock:
            self._serving = True
            if self.building:
                return True
            index = self.keyword_index()
            if self.store.last_change() - index.read_mark() <= INLINE_CATCH_UP:
                return False
            self._stop.clear()
            self._builder = threading.Thread(
                target=self._build, name="paperscope-keyword-index", daemon=True
            )
            self._builder.start()
            return True

    def _build(self) -> None:
        def stop_here(done: int, total: int) -> None:
            if self._stop.is_set():
                raise _Stop

        try:
            log.warning("keyword index at %s: catching up in the background", self.index_path)
            # Another process sharing the folder may be at it: wait for the
            # turn, but stay ready to stop (a server shutting down).
            while (done := self._catch_up(wait=False, progress=stop_here)) is None:
                if self._stop.wait(TURN_POLL):
                    return
            log.warning("keyword index caught up: %d papers indexed", done)
        except _Stop:
            pass
        except Exception:  # the searches go on with the fallback, and try again
            log.exception("the keyword index could not catch up with the database")

    def close(self) -> None:
        """End a background catch-up between two of its chunks (what it
        committed stays; the next process resumes from there)."""
        builder = self._builder
        if builder is not None:
            self._stop.set()
            builder.join()

    def embed(
        self,
        progress: Callable[[int, int], None] | None = None,
        *,
        graph_progress: Callable[[int, int], None] | None = None,
        batch: int = EMBED_BATCH,
    ) -> int:
        """Embed every paper whose title or abstract has no vector yet (or
        changed); returns how many were embedded.

        A long backlog (a new library, or the first start of a server) is
        embedded newest feed papers first, so the papers people look at first
        become findable by meaning first; then the change sequence is caught
        up as usual, which skips what the backlog pass did. Resumable at any
        point. At the end the vector index's ANN graph is brought up to date."""
        index = self.semantic_index()
        done = self._embed_backlog(index, batch, progress)
        done += catch_up(self.store, index, batch=batch, progress=progress)
        index.vectors.prepare(graph_progress)
        return done

    def _embed_backlog(
        self, index: SemanticIndex, batch: int, progress: Callable[[int, int], None] | None
    ) -> int:
        since = index.read_mark()
        if self.store.count_changed_since(since) <= batch:
            return 0
        have = set(index.vectors.ids())
        missing = [pid for pid in self.store.ids_newest_first() if pid not in have]
        done = 0
        step = min(batch, BACKLOG_BATCH)
        for start in range(0, len(missing), step):
            done += index.upsert(self.store.get_many(missing[start : start + step]))
            if progress:
                progress(start + min(step, len(missing) - start), len(missing))
        return done

    def coverage(self) -> Coverage:
        """How many papers semantic search can see, of all of them."""
        seq = self.store.last_change()
        if self._papers is None or self._papers[0] != seq:
            self._papers = (seq, self.store.count())  # counting is the slow part
        return Coverage(self.vector_index().count(), self._papers[1])

    # -- searching --------------------------------------------------------

    def search(
        self,
        query: str,
        *,
        mode: str = "hybrid",
        filters: SearchFilters | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> SearchResults:
        """Search in ``mode`` (keyword, semantic or hybrid), with a paper the
        query names exactly put first. Never raises for any query text.

        Papers not embedded yet still come through their keywords in hybrid
        mode; with no embeddings at all hybrid is keyword search. A paper
        found only by meaning must reach the similarity floor.
        """
        if mode not in MODES:
            raise ValueError(f"unknown search mode {mode!r}; choose one of {', '.join(MODES)}")
        # Control characters and lone surrogates out, for every ranker alike: the
        # embedding tokenizer raises on a lone surrogate.
        query = clean(query)
        parsed = parse_query(query)
        words = self.searchable_keyword_index()
        limit = max(1, min(limit, MAX_PAGE))
        offset = max(0, offset)
        depth = min(offset + limit + 1, LEXICAL_MAX)
        semantic = mode != "keyword" and not self.vector_index().empty
        fused = mode == "hybrid" and semantic
        keyword: list[Hit] = []
        meaning: list[Hit] = []
        if mode != "semantic":
            # Fusion wants a deep keyword ranking; keyword hits alone need only the page.
            wanted = max(depth, FUSION_DEPTH) if fused else depth
            keyword = words.search(parsed, limit=wanted, filters=filters)
        if semantic:
            accept = None if filters is None or filters.is_empty else self._accept(filters)
            meaning = self.semantic_index().search(
                parsed, limit=max(depth, FUSION_DEPTH), floor=None, accept=accept
            )
        known = bool(keyword) or (bool(meaning) and words_known(words, parsed))
        floor = self.floors[0] if known else self.floors[1]
        hits = combine(keyword, meaning, mode, self.fusion, floor)
        exact = self._exact(query)
        if exact:
            rest = [h for h in hits if h.id != exact[0]]
            mine = next((h for h in hits if h.id == exact[0]), Hit(exact[0], 0.0))
            mine.why = {"exact": exact[1], **mine.why}
            mine.score = max((h.score for h in rest), default=0.0) + 1.0  # above every other hit
            hits = [mine, *rest]
        page = self._load(hits[offset : offset + limit])
        coverage = self.coverage() if mode != "keyword" else None
        return SearchResults(query, mode, page, offset, limit, coverage)

    def _accept(self, filters: SearchFilters) -> Callable[[list[str]], set[str]]:
        def accept(ids: list[str]) -> set[str]:
            return {p.id for p in self.store.get_many(ids) if passes(p, filters)}  # one query

        return accept

    def _load(self, hits: list[Hit]) -> list[Hit]:
        """The hits with their papers, in one query; hits whose paper is gone are dropped."""
        papers = {p.id: p for p in self.store.get_many([h.id for h in hits])}
        for hit in hits:
            hit.paper = papers.get(hit.id)
        return [h for h in hits if h.paper]

    def similar(self, paper: Paper, *, limit: int = 10) -> SearchResults:
        """Papers like ``paper``: nearest by embedding, or, for a paper without
        one, a keyword search on its title."""
        found = [] if self.vector_index().empty else self.semantic_index().similar(paper.id, limit)
        if not found:
            words = self.searchable_keyword_index()
            lexical = words.search(parse_query(paper.title), limit=limit + 1)
            found = [h for h in lexical if h.id != paper.id][:limit]
            for hit in found:
                hit.why["via"] = "title"
        return SearchResults(paper.id, "similar", self._load(found), 0, limit, self.coverage())


def local_index_folder(root: Path, location: str) -> Path:
    """The folder under ``root`` for the library at ``location`` (a URL with no
    password): its database name, readable, and a hash of the whole URL."""
    digest = hashlib.sha256(location.encode()).hexdigest()[:16]
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", location.split("?", 1)[0].rsplit("/", 1)[-1])
    return root / f"{name[:40] or 'postgresql'}-{digest}"


def words_known(index: LexicalIndex | PgKeywordIndex, query: ParsedQuery) -> bool:
    """Whether any word, phrase or title word of ``query`` occurs in the library
    at all, whatever the filters and exclusions (it sets the similarity floor)."""
    probe = ParsedQuery(terms=query.terms, phrases=query.phrases,
                        fields={"title": query.fields.get("title", [])})  # fmt: skip
    return bool(index.search(probe, limit=1))


def combine(
    keyword: list[Hit], meaning: list[Hit], mode: str, fusion: Fusion, floor: float
) -> list[Hit]:
    """The ranking a search ``mode`` gives from its keyword and semantic hits
    (either may be empty): a paper found only by meaning must reach ``floor``;
    hybrid fuses what is left."""
    matched = {h.id for h in keyword}
    meaning = [h for h in meaning if h.score >= floor or h.id in matched]
    if mode == "keyword":
        return keyword
    if mode == "semantic":
        return meaning
    return fuse(keyword, meaning, fusion, floor=floor) if meaning else keyword


def passes(paper: Paper, f: SearchFilters) -> bool:
    """The search filters, checked on a paper (for semantic candidates)."""
    if f.categories and not {c.lower() for c in f.categories} & {
        c.lower() for c in paper.categories
    }:
        return False
    if f.author and author_key(f.author) not in {author_key(a) for a in paper.authors}:
        return False
    if f.min_upvotes is not None and paper.total_upvotes < f.min_upvotes:
        return False
    if f.date_from or f.date_to:
        if not paper.published:
            return False
        day = date_number(paper.published[:10])
        if f.date_from and day < date_number(f.date_from):
            return False
        if f.date_to and day > date_number(f.date_to, end=True):
            return False
    return True
