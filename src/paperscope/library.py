"""The core object: ``Library(url)`` imports, looks up, searches, ranks and
exports papers, and is the one door to what people keep in it.

The CLI, the web service and the digest job are thin shells over this class;
none of them reads files or writes SQL on its own. The people side (accounts,
votes, collections, comments, subscriptions) is reached through the stores
:attr:`Library.people`, :attr:`Library.collections` and
:attr:`Library.subscriptions`, whose SQL lives in :mod:`paperscope.store`.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import gc
import gzip
import io
import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, TypeVar, cast

from paperscope import importers
from paperscope.daily import TRENDING_DAYS, Period, Trend, trending_order
from paperscope.daily import score as trend_score
from paperscope.importers.base import HEAD_BYTES, FormatError, Item, check_head, open_input
from paperscope.models import Paper, normalize_doi, parse_arxiv_id, title_hash
from paperscope.search.embed import TextEmbedder
from paperscope.search.engine import SearchEngine
from paperscope.search.indexes import Follower
from paperscope.search.lexical import LexicalIndex
from paperscope.search.pg import PgKeywordIndex, PgVectorIndex
from paperscope.search.query import SearchFilters
from paperscope.search.results import Coverage, SearchResults
from paperscope.search.vectors import VectorIndex
from paperscope.store import BatchResult, Store, open_store
from paperscope.store.activity import ActivityStore
from paperscope.store.collections import CollectionStore
from paperscope.store.community import CommunityStore
from paperscope.store.digests import DigestStore
from paperscope.store.feedback import FeedbackStore
from paperscope.store.layout import LayoutStore
from paperscope.store.lenses import LensStore

if TYPE_CHECKING:
    from paperscope.harvest import HarvestReport
    from paperscope.layout import MapReport

T = TypeVar("T")

MAX_PROBLEMS = 1_000  # problems kept for the report; all of them are counted
BATCH = 2_000
BULK_BATCH = 10_000  # fewer commits rewrite the same index pages less often
# A batch is also written once its text reaches this many characters: 2,000
# papers with the largest allowed abstracts would hold 200 MB.
BATCH_CHARS = 8_000_000
BULK_MIN_PAPERS = 100_000
BYTES_PER_PAPER_ESTIMATE = 1_000
Progress = Callable[[int, int, int], None]  # (bytes done, bytes in all, records stored)


@dataclass
class Problem:
    """A record that could not be imported: where it is and what was wrong."""

    line: int | None
    message: str
    unit: str = "line"

    def __str__(self) -> str:
        return f"{self.unit} {self.line}: {self.message}" if self.line else self.message


@dataclass
class ImportReport:
    """What one import did. ``error`` is set when the file as a whole failed."""

    source: str
    format: str | None = None
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    problems: list[Problem] = field(default_factory=list)
    error: str | None = None
    status: str = "running"

    @property
    def ok(self) -> bool:
        return self.error is None and self.failed == 0

    def count(self, result: BatchResult) -> None:
        self.added += result.added
        self.updated += result.updated
        self.unchanged += result.unchanged


@dataclass
class Listing:
    """A page of papers from a list (a feed period, an author), with its size.

    ``exact`` is False when ``total`` only says whether more follow (a search
    looks one hit ahead rather than counting every match)."""

    papers: list[Paper]
    total: int
    offset: int
    limit: int
    exact: bool = True

    @property
    def has_more(self) -> bool:
        return self.offset + len(self.papers) < self.total


@dataclass
class Trending:
    """Trending papers ranked at ``as_of``; ``latest`` is False when the feed
    had nothing in the window before now, and the ranking is as of the end
    of its latest day instead."""

    trends: list[Trend]
    as_of: datetime
    latest: bool


@dataclass
class Stats:
    papers: int
    by_source: dict[str, int]
    by_year: dict[str, int]
    by_category: dict[str, int]
    imports: int
    embedded: int = 0  # papers with an embedding, for semantic search


class _StrictFailure(Exception):
    pass


class _Sink:
    """Where import batches go; ``total`` counts only what has been committed."""

    def __init__(
        self,
        store: Store,
        tick: Callable[[int], None] | None,
        follower: Follower | None = None,
    ):
        self.store = store
        self._tick = tick
        self.follower = follower  # the keyword index, told of each committed batch
        self.total = BatchResult()

    def tick(self, result: BatchResult) -> None:
        if self._tick:
            self._tick(result.added + result.updated + result.unchanged)

    def add(self, batch: list[Paper]) -> None: ...
    def finish(self) -> None: ...
    def abort(self) -> None: ...


class _StrictSink(_Sink):
    """All batches in one transaction: committed at the end or not at all."""

    def __init__(self, store: Store, tick: Callable[[int], None] | None):
        super().__init__(store, tick)
        self.pending = BatchResult()
        store.begin()

    def add(self, batch: list[Paper]) -> None:
        if batch:
            self.pending += self.store.save_papers(batch)
            self.tick(self.pending)

    def finish(self) -> None:
        self.store.commit()
        self.total = self.pending

    def abort(self) -> None:
        self.store.rollback()


class _BatchSink(_Sink):
    """One transaction per batch: an interruption loses at most the batch in hand.

    (A writer thread overlapping parsing with SQLite was measured and gave
    nothing: the work is GIL-bound. See bench/README.md.)
    """

    def add(self, batch: list[Paper]) -> None:
        if batch:
            with self.store.transaction():
                result = self.store.save_papers(batch)
            if self.follower and result.changes:
                self.follower.apply(result.changes)
            self.total += result
            self.tick(self.total)

    def finish(self) -> None:
        pass

    def abort(self) -> None:
        pass  # store.transaction() has already rolled back the batch in hand


class _Kept:
    """Answers kept until the library changes: each is stored with the store's
    data version it was read at, and given again only while that version
    holds (one cheap query), so that a page read by every visitor, signed
    in or not and whatever its query string, runs its queries once per change
    of the data. The version is read before the answer is made: an answer
    made while a change commits is labelled older than it is and made again.
    Least recently used out first; thread-safe."""

    def __init__(self, version: Callable[[], int], size: int = 64):
        self._version = version
        self._size = size
        self._answers: OrderedDict[tuple, tuple[int, object]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple, make: Callable[[], T]) -> T:
        version = self._version()
        with self._lock:
            found = self._answers.get(key)
            if found is not None and found[0] == version:
                self._answers.move_to_end(key)
                return cast(T, found[1])
        answer = make()
        with self._lock:
            self._answers[key] = (version, answer)
            self._answers.move_to_end(key)
            while len(self._answers) > self._size:
                self._answers.popitem(last=False)
        return answer


class Library:
    """A paperscope library stored in one database (a SQLite path or URL)."""

    def __init__(
        self,
        url: str | Path,
        *,
        replica_url: str | None = None,
        embedder: TextEmbedder | None = None,
        keyword_index: str = "tantivy",
        index_dir: str | Path | None = None,
    ):
        self.url = str(url)
        self.store = open_store(self.url, replica_url=replica_url)
        # The search over this library's indexes, made here (it opens nothing
        # yet) so that the web service's threads share one. An embedder of
        # None is the default model, loaded on first use. On PostgreSQL,
        # ``keyword_index`` and ``index_dir`` say where keyword search runs
        # (Settings.keyword_index and Settings.index_dir).
        self.engine = SearchEngine(self.store, self.exact_match, embedder=embedder,
                                   keyword=keyword_index, index_root=index_dir)  # fmt: skip
        # The daily feed's pages and the days around them (see feed()).
        self._kept = _Kept(self.store.data_version)

    def close(self) -> None:
        self.engine.close()
        self.store.close()

    @property
    def location(self) -> str:
        """Where the library is, for messages (a file path, or a URL without its password)."""
        return self.store.location

    @property
    def files_dir(self) -> Path:
        """Where files that belong to the library go (the mail outbox, by default)."""
        return self.store.files_dir

    def count(self) -> int:
        """How many papers the library holds."""
        return self.store.count()

    def data_version(self) -> tuple[int, ...]:
        """What moves with every change a page may show: the store's data version
        (see Store.data_version) and the vectors' commits (semantic results and
        similar papers change as the background embedder works)."""
        return (self.store.data_version(), *self.vector_index().version())

    # -- what people keep: the stores of the people side ------------------

    @functools.cached_property
    def people(self) -> CommunityStore:
        """Accounts, sessions, rate limits, votes and submissions."""
        return CommunityStore(self.store)

    @functools.cached_property
    def collections(self) -> CollectionStore:
        """Collections of papers and comments on papers."""
        return CollectionStore(self.store)

    @functools.cached_property
    def feedback(self) -> FeedbackStore:
        """What people tell their recommendations: "not interested", seen, resets."""
        return FeedbackStore(self.store)

    @functools.cached_property
    def subscriptions(self) -> DigestStore:
        """Digest subscriptions, the record of digests sent, the instance's secrets."""
        return DigestStore(self.store)

    @functools.cached_property
    def lenses(self) -> LensStore:
        """Lenses (saved views) and their webhook deliveries."""
        return LensStore(self.store)

    def recent_ids(self, first: date, last: date) -> set[str]:
        """Papers that entered the feed, or were published, from ``first`` to ``last``."""
        return self.store.recent_ids(first.isoformat(), last.isoformat())

    # -- the map of the library (paperscope.layout computes it) ----------------

    @functools.cached_property
    def activity(self) -> ActivityStore:
        """Papers and votes per day (the /about page's plot)."""
        return ActivityStore(self.store)

    @functools.cached_property
    def layout(self) -> LayoutStore:
        """The map: each embedded paper's place in 2-D, and the labelled clusters."""
        return LayoutStore(self.store)

    def update_map(self, *, full: bool = False, seed: int | None = None,
                   progress: Callable[[str, int, int], None] | None = None) -> MapReport:  # fmt: skip
        """Lay the embeddings out anew (``full``, or the first time) or place the
        papers embedded since (see paperscope.layout); umap-learn is imported
        here only, so the web service never loads it."""
        from paperscope import layout

        return layout.update_map(self, full=full, seed=layout.SEED if seed is None else seed,
                                 progress=progress)  # fmt: skip

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- importing ------------------------------------------------------

    def import_file(
        self,
        path: str | Path,
        *,
        format: str | None = None,
        strict: bool = False,
        batch_size: int | None = None,
        progress: Progress | None = None,
        searchable: bool = False,
    ) -> ImportReport:
        """Import one file, detecting its format unless ``format`` names one.

        Never raises for bad input: the report says what failed and where.
        Records are written in batches of ``batch_size`` (default 2,000, or
        10,000 for a bulk load; fewer when their text passes BATCH_CHARS),
        each one transaction; with ``strict`` the
        whole file is one transaction and the first bad record rolls
        everything back.

        With ``searchable`` the keyword index takes each batch as it commits
        (tantivy indexes on its own threads while the next batch is parsed
        and stored) and commits at the end, so the papers are searchable by
        keyword when this returns; without, the next search or
        :meth:`sync_index` catches the index up. A ``strict`` import is
        indexed afterwards (its one transaction may still roll back).
        """
        report = ImportReport(source=str(path))
        try:
            stream, counter, size = open_input(str(path))
        except OSError as exc:
            report.error = exc.strerror or str(exc)
            report.status = "failed"
            return report
        with stream:
            try:
                head = _peek(stream)
                if format:
                    module = importers.get(format)
                    check_head(head)
                else:
                    module = importers.detect(head)
            except (FormatError, ValueError) as exc:
                report.error = str(exc)
                report.status = "failed"
                return report
            except (OSError, EOFError, zlib.error) as exc:  # e.g. a corrupt gzip stream
                report.error = _unreadable(exc)
                report.status = "failed"
                return report
            report.format = module.NAME

            def tick(records: int) -> None:
                if progress:
                    progress(counter.count, size, records)

            bulk = self._is_bulk(size)
            batch_size = batch_size or (BULK_BATCH if bulk else BATCH)
            follow = searchable and not strict
            with (
                self.engine.following() if follow else contextlib.nullcontext() as follower,
                self.store.bulk_load() if bulk else contextlib.nullcontext(),
                _collector_paused() if bulk else contextlib.nullcontext(),
            ):
                self.import_items(
                    module.parse(stream),
                    report,
                    strict=strict,
                    batch_size=batch_size,
                    tick=tick,
                    follower=follower,
                )
                if follower:  # tantivy's last commit overlaps the index rebuild
                    follower.commit_in_background()
        if searchable:
            self.sync_index()  # what a follower could not take (another writer's changes)
        return report

    def _is_bulk(self, file_bytes: int) -> bool:
        """Whether a file is big enough, next to the library, to defer indexes.

        Estimated at one paper per kilobyte (arXiv JSON runs about 1.5 KB a
        paper, page text about the same): worth it from 100,000 papers, and
        only when the import at least doubles the library, since rebuilding
        an index costs time in proportion to the whole library.
        """
        estimate = file_bytes // BYTES_PER_PAPER_ESTIMATE
        return estimate >= BULK_MIN_PAPERS and estimate >= self.store.count()

    def import_items(
        self,
        items: Iterable[Item],
        report: ImportReport,
        *,
        strict: bool = False,
        batch_size: int = 2_000,
        tick: Callable[[int], None] | None = None,
        follower: Follower | None = None,
    ) -> ImportReport:
        """Store parsed items, counting and reporting the bad ones (see
        import_file); each committed batch goes to ``follower`` too."""
        store = self.store
        log_id = store.start_import(report.source, report.format or "?")
        sink: _Sink = _StrictSink(store, tick) if strict else _BatchSink(store, tick, follower)
        batch: list[Paper] = []
        chars = 0
        try:
            try:
                for item in items:
                    if item.paper is None:
                        report.failed += 1
                        problem = Problem(item.line, item.error or "unreadable", item.unit)
                        if strict:
                            raise _StrictFailure(str(problem))
                        if len(report.problems) < MAX_PROBLEMS:
                            report.problems.append(problem)
                        continue
                    batch.append(item.paper)
                    chars += len(item.paper.abstract) + len(item.paper.title)
                    if len(batch) >= batch_size or chars >= BATCH_CHARS:
                        sink.add(batch)
                        batch, chars = [], 0
            except (FormatError, OSError, EOFError, zlib.error) as exc:
                message = str(exc) if isinstance(exc, FormatError) else _unreadable(exc)
                if strict:
                    raise _StrictFailure(message) from None
                report.error = message  # the records read before the broken part are good
            sink.add(batch)
            sink.finish()
        except _StrictFailure as exc:
            sink.abort()
            report.error = f"{exc} (--strict: nothing was imported)"
        except BaseException:  # Ctrl-C or a failure: keep whole batches only
            sink.abort()
            store.rollback()
            report.count(sink.total)
            report.status = "interrupted"
            store.finish_import(log_id, report.status, sink.total, report.failed)
            raise
        report.count(sink.total)
        report.status = "failed" if report.error else "done"
        store.finish_import(log_id, report.status, sink.total, report.failed)
        return report

    # -- harvesting -----------------------------------------------------

    def harvest_arxiv(self, **options) -> HarvestReport:
        """Harvest arXiv over OAI-PMH into this library; see
        :func:`paperscope.harvest.harvest_oai` for the options. Resumable."""
        from paperscope.harvest import harvest_oai

        return harvest_oai(self.store, **options)

    def fetch_arxiv(self, arxiv_id: str, **options) -> Paper | None:
        """Fetch one paper from arXiv by id and store it (merged like any
        import); the stored paper, or None if arXiv does not know the id.
        ``options`` go to :func:`paperscope.harvest.fetch_record`."""
        from paperscope.harvest import fetch_record

        paper = fetch_record(arxiv_id, **options)
        if paper is None:
            return None
        with self.store.transaction():
            self.store.save_papers([paper])
        return self.get(paper.id)

    # -- reading --------------------------------------------------------

    def resolve(self, ref: str) -> str | None:
        """The id of the paper ``ref`` names: an id, an old id, an arXiv id or
        URL (with or without version), a DOI or doi.org URL, or an exact title
        (case, accents and punctuation folded)."""
        found = self.exact_match(ref)
        return found[0] if found else None

    def exact_match(self, ref: str) -> tuple[str, str] | None:
        """``(paper id, what matched)`` for a reference that names one paper exactly."""
        ref = ref.strip()
        if not ref or len(ref) > 2_000:
            return None
        if self.store.get(ref) is not None:
            return ref, "id"
        keys = [("id:" + ref, "former id")]
        arxiv = parse_arxiv_id(ref)
        if arxiv:
            url = "://" in ref or ref.lower().startswith(("arxiv.org", "huggingface.co", "hf.co"))
            kind = "arXiv URL" if url else "arXiv id"
            keys.insert(0, ("arxiv:" + arxiv[0], kind))
        doi = normalize_doi(ref)
        if doi:
            keys.append(("doi:" + doi.lower(), "DOI"))
        keys.append(("title:" + title_hash(ref), "title"))
        for key, kind in keys:
            found = self.store.find_key(key)
            if found:
                return found, kind
        return None

    def get(self, ref: str) -> Paper | None:
        """The paper ``ref`` names (see :meth:`resolve`), or None."""
        paper_id = self.resolve(ref)
        return self.store.get(paper_id) if paper_id else None

    def get_many(self, ids: list[str]) -> list[Paper]:
        """The papers with these ids (exactly these, not references), in that order."""
        return self.store.get_many(ids)

    def papers(self) -> Iterator[Paper]:
        return self.store.iter_papers()

    def export(
        self,
        out: BinaryIO,
        format: str = "jsonl",
        progress: Callable[[int, int], None] | None = None,
    ) -> int:
        """Write every paper to ``out`` in ``format`` (jsonl or bibtex);
        ``progress(done, total)`` is called every 1,000 papers."""
        papers = self.papers()
        if progress:
            papers = _counted(papers, self.store.count(), progress)
        if format == "jsonl":
            from paperscope.importers import jsonl

            return jsonl.write(papers, out)
        if format == "bibtex":
            from paperscope.importers import bibtex

            text = io.TextIOWrapper(out, encoding="utf-8", newline="\n")
            try:
                return bibtex.write(papers, text)
            finally:
                text.flush()
                text.detach()
        raise ValueError(f"cannot export as {format!r}; choose jsonl or bibtex")

    # -- search (the orchestration lives in paperscope.search.engine) -------

    @property
    def in_database(self) -> bool:
        """Whether search lives in the database (PostgreSQL) rather than beside it."""
        return self.engine.in_database

    @property
    def keyword_score(self) -> str:
        """What a keyword hit's score is, as search explanations name it."""
        return self.engine.keyword_score

    @property
    def index_path(self) -> Path:
        """On SQLite, search indexes live beside the database: ``library.db.search/``."""
        return self.engine.index_path

    def lexical_index(self) -> LexicalIndex | PgKeywordIndex:
        return self.engine.keyword_index()

    def vector_index(self) -> VectorIndex | PgVectorIndex:
        return self.engine.vector_index()

    def embedder(self) -> TextEmbedder:
        return self.engine.embedder()

    def set_embedder(self, embedder: TextEmbedder) -> None:
        self.engine.set_embedder(embedder)

    def sync_index(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Bring the keyword index up to date with the store; returns papers indexed."""
        return self.engine.sync(progress)

    def embed(
        self,
        progress: Callable[[int, int], None] | None = None,
        *,
        graph_progress: Callable[[int, int], None] | None = None,
    ) -> int:
        """Embed every paper whose title or abstract has no vector yet (or
        changed); resumable and incremental (see SearchEngine.embed)."""
        return self.engine.embed(progress, graph_progress=graph_progress)

    def coverage(self) -> Coverage:
        """How many papers have an embedding, of all of them."""
        return self.engine.coverage()

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
        query names exactly put first; never raises for any query text."""
        return self.engine.search(query, mode=mode, filters=filters, limit=limit, offset=offset)

    def similar(self, ref: str, *, limit: int = 10) -> SearchResults:
        """Papers like the one ``ref`` names: nearest by embedding, or, for a
        paper without one, a keyword search on its title."""
        paper = self.get(ref)
        if paper is None:
            return SearchResults(ref, "similar", [], 0, limit)
        return self.engine.similar(paper, limit=limit)

    # -- the daily feed -------------------------------------------------

    def feed(self, period: Period, *, limit: int = 50, offset: int = 0) -> Listing:
        """A day, week or month of the daily feed: by upvotes, then arrival.

        Kept until the library changes (a vote, an import, a submission), like
        the feed's days below: every reader of a day reads the same listing.
        Each call gets a list of its own; the papers in it are shared and
        must not be changed."""
        first, last = period.first.isoformat(), period.last.isoformat()

        def read() -> tuple[tuple[Paper, ...], int]:
            papers = self.store.feed_papers(first, last, limit, offset)
            return tuple(papers), self.store.feed_count(first, last)

        papers, total = self._kept.get(("feed", first, last, limit, offset), read)
        return Listing(list(papers), total, offset, limit)

    def latest_feed_day(self, on_or_before: date | None = None) -> date | None:
        """The latest day with papers in the feed, not after ``on_or_before``."""
        before = None if on_or_before is None else (on_or_before + timedelta(days=1)).isoformat()
        found = self._kept.get(("latest", before), lambda: self.store.feed_day(before=before))
        return date.fromisoformat(found) if found else None

    def neighbour_feed_days(
        self, first: date, last: date | None = None
    ) -> tuple[date | None, date | None]:
        """The nearest days with papers before ``first`` and after ``last``
        (``first`` too, by default): the neighbours of a day or of a span."""
        since, until = first.isoformat(), (last or first).isoformat()

        def read() -> tuple[str | None, str | None]:
            return self.store.feed_day(before=since), self.store.feed_day(after=until)

        before, after = self._kept.get(("around", since, until), read)
        return (
            date.fromisoformat(before) if before else None,
            date.fromisoformat(after) if after else None,
        )

    def trending(self, now: datetime | None = None, *, limit: int = 50) -> Trending:
        """Papers of the last TRENDING_DAYS days by the formula in paperscope.daily."""
        now = now or datetime.now(UTC)
        latest = True
        votes = self._trending_votes(now)
        if not votes:
            day = self.latest_feed_day(now.date())
            if day is not None:  # a quiet feed: rank as of the end of its last day
                now = datetime.combine(day + timedelta(days=1), time(), UTC)
                latest = False
                votes = self._trending_votes(now)
        # Every paper of the window is scored from three columns; only the
        # winners are loaded whole.
        scored = [(found, pid, up) for pid, up, day in votes
                  if (found := trend_score(up, day, now)) is not None]  # fmt: skip
        scored.sort(key=lambda x: trending_order(x[0], x[1]))
        top = scored[:limit]
        papers = {p.id: p for p in self.store.get_many([pid for _, pid, _ in top])}
        trends = [Trend(papers[pid], max(0, up), age, value)
                  for (value, age), pid, up in top if pid in papers]  # fmt: skip
        return Trending(trends, now, latest)

    def _trending_votes(self, now: datetime) -> list[tuple[str, int, str]]:
        first = (now - timedelta(days=TRENDING_DAYS)).date().isoformat()
        return self.store.feed_votes(first, now.date().isoformat())

    def author(self, name: str, *, limit: int = 50, offset: int = 0) -> Listing:
        """Papers with an author of exactly this name, newest first."""
        return Listing(
            self.store.author_papers(name, limit, offset),
            self.store.author_count(name),
            offset,
            limit,
        )

    def author_spelling(self, name: str) -> str | None:
        """``name`` as papers spell it: itself when a paper has it exactly, else
        the most common spelling that differs only in case, else None."""
        if not name or len(name) > 500:
            return None
        if self.store.author_count(name):
            return name
        return self.store.author_spelling(name)

    def stats(self, top: int = 15) -> Stats:
        """What the library holds. The counts over its papers are kept until it
        changes (the about page read them on every request: 102 ms a page at
        100k papers, bench/README.md); imports are counted anew, since one that changed nothing
        moves no data version."""
        counts = copy.deepcopy(self._kept.get(("stats", top), lambda: self.store.stats(top)))
        return Stats(**counts, imports=self.store.import_count(),
                     embedded=self.vector_index().count())  # fmt: skip


def _counted(
    papers: Iterator[Paper], total: int, progress: Callable[[int, int], None]
) -> Iterator[Paper]:
    done = 0
    for done, paper in enumerate(papers, 1):
        yield paper
        if done % 1_000 == 0:
            progress(done, total)
    progress(done, total)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for a bulk load's parsing and
    storing. Each batch is tens of thousands of new lists and objects, whose
    allocation starts collections that traverse everything the batch holds
    and find nothing (an import makes no reference cycles: a 1M-paper load
    left 0 to collect); they cost 4% of the load. Turned back on (if it
    was on) however the load ends."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _unreadable(exc: BaseException) -> str:
    """What to say when the bytes themselves cannot be read."""
    if isinstance(exc, zlib.error | EOFError | gzip.BadGzipFile):
        return f"the compressed file is damaged ({exc or 'it ends too soon'})"
    return f"cannot read the file ({exc})"


def _peek(stream: BinaryIO) -> bytes:
    head = stream.peek(HEAD_BYTES)[:HEAD_BYTES]  # type: ignore[attr-defined]
    return head
