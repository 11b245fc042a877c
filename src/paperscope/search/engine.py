"""One search over the library's indexes: what ``Library.search`` and
``Library.similar`` do, and the upkeep of the indexes they read.

The engine owns the keyword index, the vector store and the embedder, opens
them lazily (a keyword-only command never imports torch), keeps them in step
with the store through :func:`~paperscope.search.indexes.catch_up`, and runs a
query: the exact look-up first (an id, URL, DOI or title names one paper),
then the keyword and semantic rankings, the similarity floor, fusion, and one
page of hits loaded in one query.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from paperscope.models import Paper
from paperscope.search import MARK_FILE
from paperscope.search.embed import TextEmbedder, make_embedder
from paperscope.search.hybrid import DEFAULT_FUSION, Fusion, fuse
from paperscope.search.indexes import EMBED_BATCH, SYNC_BATCH, catch_up
from paperscope.search.lexical import MAX_LIMIT as LEXICAL_MAX
from paperscope.search.lexical import LexicalIndex, author_key, date_number
from paperscope.search.pg import PgKeywordIndex, PgVectorIndex
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
Exact = Callable[[str], "tuple[str, str] | None"]


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
    ):
        self.store = store
        self.fusion = fusion
        self.floors = floors  # (some word of the query is known, none is)
        self._exact = exact
        self._keyword: LexicalIndex | PgKeywordIndex | None = None
        self._vectors: VectorIndex | PgVectorIndex | None = None
        self._embedder = embedder
        self._lock = threading.RLock()
        self._reader_seq: int | None = None  # the keyword watermark our reader has seen
        self._papers: tuple[int, int] | None = None  # (last change, paper count)

    # -- the indexes ------------------------------------------------------

    @property
    def in_database(self) -> bool:
        """Whether search lives in the database (PostgreSQL) rather than in
        index files beside it (SQLite)."""
        return self.store.dialect == "postgresql"

    @property
    def keyword_score(self) -> str:
        """What a keyword hit's score is, as search explanations name it."""
        return "ts_rank" if self.in_database else "bm25"

    @property
    def index_path(self) -> Path:
        """On SQLite, search indexes live beside the database: ``library.db.search/``."""
        if not isinstance(self.store, SQLiteStore):
            raise ValueError("a PostgreSQL library keeps its search indexes in the database")
        return Path(str(self.store.path) + ".search")

    def keyword_index(self) -> LexicalIndex | PgKeywordIndex:
        with self._lock:
            if self._keyword is None and self.in_database:
                self._keyword = PgKeywordIndex(self.store)
            elif self._keyword is None:
                root = self.index_path
                # The watermark sits beside the index directory, where it always has.
                self._keyword = LexicalIndex(root / "lexical", rebuild=True, mark=root / MARK_FILE)
            return self._keyword

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

        Cheap when nothing changed. A reader whose index another process
        moved on (an import) reopens its view first."""
        with self._lock:
            index = self.keyword_index()
            seen = index.read_mark()
            if seen != self._reader_seq:
                index.refresh()
                self._reader_seq = seen
            done = catch_up(self.store, index, batch=SYNC_BATCH, progress=progress)
            self._reader_seq = index.read_mark()
            return done

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
        self.sync()
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
            keyword = self.keyword_index().search(parsed, limit=wanted, filters=filters)
        if semantic:
            accept = None if filters is None or filters.is_empty else self._accept(filters)
            meaning = self.semantic_index().search(
                parsed, limit=max(depth, FUSION_DEPTH), floor=None, accept=accept
            )
        known = bool(keyword) or (bool(meaning) and words_known(self.keyword_index(), parsed))
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
            self.sync()
            lexical = self.keyword_index().search(parse_query(paper.title), limit=limit + 1)
            found = [h for h in lexical if h.id != paper.id][:limit]
            for hit in found:
                hit.why["via"] = "title"
        return SearchResults(paper.id, "similar", self._load(found), 0, limit, self.coverage())


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
