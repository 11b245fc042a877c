"""The core object: ``Library(url)`` imports, looks up, exports and counts papers.

The CLI, and later the web service and the digest job, are thin shells over
this class; none of them reads files or writes SQL on its own.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from paperscope import importers
from paperscope.importers.base import HEAD_BYTES, FormatError, Item, check_head, open_input
from paperscope.models import Paper, normalize_doi, parse_arxiv_id, title_hash
from paperscope.store import BatchResult, SQLiteStore

if TYPE_CHECKING:
    from paperscope.harvest import HarvestReport

MAX_PROBLEMS = 1_000  # problems kept for the report; all of them are counted
BATCH = 2_000
BULK_BATCH = 10_000  # fewer commits rewrite the same index pages less often
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
class Stats:
    papers: int
    by_source: dict[str, int]
    by_year: dict[str, int]
    by_category: dict[str, int]
    imports: int


class _StrictFailure(Exception):
    pass


class _Sink:
    """Where import batches go; ``total`` counts only what has been committed."""

    def __init__(self, store: SQLiteStore, tick: Callable[[int], None] | None):
        self.store = store
        self._tick = tick
        self.total = BatchResult()

    def tick(self, result: BatchResult) -> None:
        if self._tick:
            self._tick(result.added + result.updated + result.unchanged)

    def add(self, batch: list[Paper]) -> None: ...
    def finish(self) -> None: ...
    def abort(self) -> None: ...


class _StrictSink(_Sink):
    """All batches in one transaction: committed at the end or not at all."""

    def __init__(self, store: SQLiteStore, tick: Callable[[int], None] | None):
        super().__init__(store, tick)
        self.pending = BatchResult()
        store.conn.execute("BEGIN IMMEDIATE")

    def add(self, batch: list[Paper]) -> None:
        if batch:
            self.pending += self.store.save_papers(batch)
            self.tick(self.pending)

    def finish(self) -> None:
        self.store.conn.execute("COMMIT")
        self.total = self.pending

    def abort(self) -> None:
        if self.store.conn.in_transaction:
            self.store.conn.execute("ROLLBACK")


class _BatchSink(_Sink):
    """One transaction per batch: an interruption loses at most the batch in hand.

    (A writer thread overlapping parsing with SQLite was measured and gave
    nothing: the work is GIL-bound. See bench/README.md.)
    """

    def add(self, batch: list[Paper]) -> None:
        if batch:
            with self.store.transaction():
                result = self.store.save_papers(batch)
            self.total += result
            self.tick(self.total)

    def finish(self) -> None:
        pass

    def abort(self) -> None:
        pass  # store.transaction() has already rolled back the batch in hand


class Library:
    """A paperscope library stored in one database (a SQLite path or URL)."""

    def __init__(self, url: str | Path):
        self.url = str(url)
        self.store = SQLiteStore(url)

    def close(self) -> None:
        self.store.close()

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
    ) -> ImportReport:
        """Import one file, detecting its format unless ``format`` names one.

        Never raises for bad input: the report says what failed and where.
        Records are written in batches of ``batch_size`` (default 2,000, or
        10,000 for a bulk load), each one transaction; with ``strict`` the
        whole file is one transaction and the first bad record rolls
        everything back.
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
            except (OSError, EOFError) as exc:  # e.g. a corrupt gzip stream
                report.error = f"cannot read the file ({exc})"
                report.status = "failed"
                return report
            report.format = module.NAME

            def tick(records: int) -> None:
                if progress:
                    progress(counter.count, size, records)

            bulk = self._is_bulk(size)
            batch_size = batch_size or (BULK_BATCH if bulk else BATCH)
            with self.store.bulk_load() if bulk else contextlib.nullcontext():
                self.import_items(
                    module.parse(stream), report, strict=strict, batch_size=batch_size, tick=tick
                )
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
    ) -> ImportReport:
        """Store parsed items, counting and reporting the bad ones (see import_file)."""
        store = self.store
        log_id = store.start_import(report.source, report.format or "?")
        sink: _Sink = _StrictSink(store, tick) if strict else _BatchSink(store, tick)
        batch: list[Paper] = []
        try:
            try:
                for item in items:
                    if item.error is not None:
                        report.failed += 1
                        problem = Problem(item.line, item.error, item.unit)
                        if strict:
                            raise _StrictFailure(str(problem))
                        if len(report.problems) < MAX_PROBLEMS:
                            report.problems.append(problem)
                        continue
                    batch.append(item.paper)
                    if len(batch) >= batch_size:
                        sink.add(batch)
                        batch = []
            except (FormatError, OSError, EOFError) as exc:
                if isinstance(exc, FormatError):
                    message = str(exc)
                else:
                    message = f"cannot read the file ({exc})"
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
            if store.conn.in_transaction:
                store.conn.execute("ROLLBACK")
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

    # -- reading --------------------------------------------------------

    def resolve(self, ref: str) -> str | None:
        """The id of the paper ``ref`` names: an id, an old id, an arXiv id or
        URL (with or without version), a DOI or doi.org URL, or an exact title
        (case, accents and punctuation folded)."""
        ref = ref.strip()
        if not ref:
            return None
        if self.store.get(ref) is not None:
            return ref
        keys = ["id:" + ref]
        arxiv = parse_arxiv_id(ref)
        if arxiv:
            keys.insert(0, "arxiv:" + arxiv[0])
        doi = normalize_doi(ref)
        if doi:
            keys.append("doi:" + doi.lower())
        keys.append("title:" + title_hash(ref))
        for key in keys:
            found = self.store.find_key(key)
            if found:
                return found
        return None

    def get(self, ref: str) -> Paper | None:
        """The paper ``ref`` names (see :meth:`resolve`), or None."""
        paper_id = self.resolve(ref)
        return self.store.get(paper_id) if paper_id else None

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

    def stats(self, top: int = 15) -> Stats:
        return Stats(**self.store.stats(top))


def _counted(
    papers: Iterator[Paper], total: int, progress: Callable[[int, int], None]
) -> Iterator[Paper]:
    done = 0
    for done, paper in enumerate(papers, 1):
        yield paper
        if done % 1_000 == 0:
            progress(done, total)
    progress(done, total)


def _peek(stream: BinaryIO) -> bytes:
    head = stream.peek(HEAD_BYTES)[:HEAD_BYTES]  # type: ignore[attr-defined]
    return head
