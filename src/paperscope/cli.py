"""The ``paperscope`` command: parse arguments, call :class:`Library`, print.

Every command takes ``--db`` (or ``$PAPERSCOPE_DB``); without either the
library lives in ``~/.local/share/paperscope/paperscope.db``.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from paperscope import __version__
from paperscope.config import Settings, SettingsError, data_home
from paperscope.importers import FORMATS
from paperscope.library import ImportReport, Library
from paperscope.store import StoreError, is_postgres
from paperscope.store.base import redact

app = typer.Typer(
    help="paperscope: a self-hosted research-paper discovery service.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
harvest_app = typer.Typer(
    help="Fetch new papers from the network (politely).", no_args_is_help=True
)
app.add_typer(harvest_app, name="harvest")
user_app = typer.Typer(help="Manage accounts of the web service.", no_args_is_help=True)
app.add_typer(user_app, name="user")
digest_app = typer.Typer(help="Email digests of new papers to subscribers.", no_args_is_help=True)
app.add_typer(digest_app, name="digest")

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)
SHOWN_PROBLEMS = 20

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database: a SQLite file path or sqlite:/// URL, or a postgresql:// URL "
        "[default: $PAPERSCOPE_DB, else ~/.local/share/paperscope/paperscope.db].",
        show_default=False,
    ),
]


def _settings(db: str | None) -> Settings:
    try:
        return Settings.from_env(database=db)
    except SettingsError as exc:
        err.print(f"error: {exc}")
        raise typer.Exit(2) from None


def _open(db: str | None) -> Library:
    return _open_settings(_settings(db))


def _open_settings(settings: Settings) -> Library:
    try:
        return Library(settings.database, replica_url=settings.replica)
    except StoreError as exc:
        err.print(f"error: {exc}")
        raise typer.Exit(2) from None


def _version(value: bool) -> None:
    if value:
        out.print(f"paperscope {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """paperscope: keep, import, harvest and explore research papers."""


@app.command()
def init(db: DbOption = None) -> None:
    """Create the database (or bring its schema up to date) and print where it is."""
    with _open(db) as lib:
        out.print(f"library ready at {lib.store.location} ({lib.store.count():,} papers)")


@app.command("import")
def import_(
    files: Annotated[list[Path], typer.Argument(help="Files to import (.gz is read as is).")],
    format: Annotated[
        str | None,
        typer.Option(
            "--format", "-f", help=f"Force a format instead of detecting it: {', '.join(FORMATS)}."
        ),
    ] = None,
    strict: Annotated[
        bool, typer.Option(help="Fail on the first bad record and import nothing from that file.")
    ] = False,
    batch_size: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=100_000,
            help="Records written per transaction [default: 2,000; 10,000 for a bulk load].",
            show_default=False,
        ),
    ] = None,
    embed: Annotated[
        bool, typer.Option("--embed", help="Also embed the new papers for semantic search.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    db: DbOption = None,
) -> None:
    """Import papers from files: Hugging Face page text, the arXiv JSON snapshot,
    OAI-PMH XML, arXiv API Atom, BibTeX or paperscope JSON lines.

    Importing is idempotent: a file imported twice changes nothing, and a paper
    seen in several files becomes one record. Bad records are skipped, counted
    and reported with their line; the exit status is 1 if anything failed.
    """
    if format is not None and format not in FORMATS:
        err.print(f"error: unknown format {format!r}; choose one of {', '.join(FORMATS)}")
        raise typer.Exit(2)
    failed = False
    with _open(db) as lib:
        for path in files:
            report = _import_one(lib, path, format, strict, batch_size, quiet)
            failed |= not report.ok
            _print_report(report)
        _sync(lib, quiet)  # new papers are searchable as soon as the command ends
        if embed:
            done = _embed(lib, quiet)
            out.print(f"embedded {done:,} papers")
    raise typer.Exit(1 if failed else 0)


def _import_one(
    lib: Library, path: Path, format: str | None, strict: bool, batch_size: int | None, quiet: bool
) -> ImportReport:
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[papers]:,} papers"),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=quiet or not err.is_terminal,
    )
    with progress:
        task = progress.add_task(f"importing {path.name}", total=None, papers=0)

        def tick(done: int, total: int, papers: int) -> None:
            progress.update(task, completed=done, total=total or None, papers=papers)

        try:
            return lib.import_file(
                path, format=format, strict=strict, batch_size=batch_size, progress=tick
            )
        except KeyboardInterrupt:
            progress.stop()
            err.print(
                f"\ninterrupted: {path} is partly imported (whole batches only). "
                "Run the same command again to finish; records already stored are recognised."
            )
            raise typer.Exit(130) from None


def _print_report(report: ImportReport) -> None:
    if report.error and report.format is None:
        err.print(f"{report.source}: error: {report.error}")
        return
    for problem in report.problems[:SHOWN_PROBLEMS]:
        where = f":{problem.line}" if problem.line and problem.unit == "line" else ""
        what = f"{problem.unit} {problem.line}: " if problem.line and not where else ""
        err.print(f"{report.source}{where}: {what}{problem.message}")
    hidden = report.failed - min(len(report.problems), SHOWN_PROBLEMS)
    if hidden > 0:
        err.print(f"{report.source}: ... and {hidden:,} more bad records")
    if report.error:
        err.print(f"{report.source}: error: {report.error}")
    summary = (
        f"{report.source} ({report.format}): {report.added:,} added, {report.updated:,} updated, "
        f"{report.unchanged:,} unchanged, {report.failed:,} failed"
    )
    (err if not report.ok else out).print(summary)


@app.command()
def demo(
    papers: Annotated[int, typer.Option(min=1, max=100_000, help="How many papers.")] = 3000,
    days: Annotated[
        int, typer.Option(min=1, max=365, help="Days of daily feed they fill, up to today.")
    ] = 45,
    seed: Annotated[int, typer.Option(help="Another seed makes other papers.")] = 1,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    db: DbOption = None,
) -> None:
    """Load a demo corpus of synthetic papers, made up offline by paperscope itself.

    For trying paperscope, or showing its site, on a machine with no network.
    The titles, abstracts, authors, upvotes and submitters are all invented;
    the papers have no arXiv ids, DOIs or links, and their source is "demo",
    which the site shows on each of them. They fill the daily feed of the
    last --days days (UTC). Loading them again changes nothing.
    """
    from datetime import UTC, datetime

    from paperscope.demo import SOURCE, demo_papers
    from paperscope.importers.base import Item

    today = datetime.now(UTC).date()
    papers_made = demo_papers(papers, today=today, days=days, seed=seed)
    items = (Item(n, paper, unit="paper") for n, paper in enumerate(papers_made, 1))
    report = ImportReport(source=f"synthetic demo corpus, seed {seed}", format=SOURCE)
    with _open(db) as lib:
        with _bar("making demo papers", quiet) as (progress, task):
            progress.update(task, total=papers)
            try:
                lib.import_items(items, report, tick=lambda n: progress.update(task, completed=n))
            except KeyboardInterrupt:
                progress.stop()
                err.print(
                    "\ninterrupted: the demo corpus is partly loaded (whole batches only). "
                    "Run the same command again to finish."
                )
                raise typer.Exit(130) from None
        _sync(lib, quiet)  # searchable as soon as the command ends, as after an import
    out.print(
        f"demo corpus: {report.added:,} synthetic papers added, {report.updated:,} updated, "
        f"{report.unchanged:,} already there; feed days up to {today} (UTC)"
    )


@harvest_app.command("arxiv")
def harvest_arxiv(
    set_spec: Annotated[
        str, typer.Option("--set", help="OAI-PMH set: cs, math, physics:hep-th, ...")
    ] = "cs",
    from_date: Annotated[
        str | None, typer.Option("--from", help="First datestamp, YYYY-MM-DD.")
    ] = None,
    until_date: Annotated[
        str | None, typer.Option("--until", help="Last datestamp, YYYY-MM-DD.")
    ] = None,
    metadata_format: Annotated[
        str, typer.Option("--metadata", help="arXivRaw (with every version) or arXiv.")
    ] = "arXivRaw",
    url: Annotated[
        str | None,
        typer.Option(
            "--url", help="OAI-PMH endpoint [default: arXiv's, or $PAPERSCOPE_HARVEST_URL]."
        ),
    ] = None,
    delay: Annotated[
        float | None,
        typer.Option(
            min=0, help="Seconds between requests [default: 3, or $PAPERSCOPE_HARVEST_DELAY]."
        ),
    ] = None,
    max_retries: Annotated[int, typer.Option(min=0, help="Retries before giving up.")] = 5,
    restart: Annotated[
        bool, typer.Option(help="Ignore the saved checkpoint and list from --from again.")
    ] = False,
    contact: Annotated[
        str | None,
        typer.Option(help="Your e-mail, sent in the User-Agent [default: $PAPERSCOPE_CONTACT]."),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    db: DbOption = None,
) -> None:
    """Harvest arXiv metadata over OAI-PMH, politely and resumably.

    Waits between requests, honours 503 + Retry-After and backs off on errors.
    Each page is saved with a checkpoint, so an interrupted harvest run again
    with the same options resumes where it stopped; a finished one run again
    fetches only what changed since.
    """
    from paperscope.harvest import HarvestError, HarvestReport

    settings = _settings(db)
    progress = Progress(
        TextColumn("harvesting arXiv {task.fields[name]}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("page {task.fields[pages]}"),
        console=err,
        transient=True,
        disable=quiet or not err.is_terminal,
    )
    with _open(db) as lib, progress:
        task = progress.add_task("", total=None, name=set_spec, pages=0)

        def on_page(r: HarvestReport) -> None:
            progress.update(
                task, completed=r.cursor or r.records, total=r.complete_list_size, pages=r.pages
            )

        try:
            report = lib.harvest_arxiv(
                base_url=url or settings.harvest_url,
                set_spec=set_spec,
                from_date=from_date,
                until_date=until_date,
                metadata_prefix=metadata_format,
                delay=settings.harvest_delay if delay is None else delay,
                max_retries=max_retries,
                restart=restart,
                contact=contact or settings.contact,
                on_page=on_page,
            )
        except ValueError as exc:
            err.print(f"error: {exc}")
            raise typer.Exit(2) from None
        except HarvestError as exc:
            progress.stop()
            err.print(f"error: {exc}")
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            progress.stop()
            err.print(
                "\ninterrupted: every page fetched so far is saved. "
                "Run the same command again to resume."
            )
            raise typer.Exit(130) from None
    for problem in report.errors:
        err.print(f"harvest: {problem}")
    state = "resumed and finished" if report.resumed else "finished"
    out.print(
        f"harvest {report.name} {state}: {report.pages:,} pages, {report.records:,} records "
        f"({report.added:,} added, {report.updated:,} updated, {report.unchanged:,} unchanged, "
        f"{report.deleted:,} deleted upstream, {report.failed:,} unreadable), "
        f"{report.retries} retries"
    )
    raise typer.Exit(1 if report.failed else 0)


@app.command()
def export(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of standard output.")
    ] = None,
    format: Annotated[str, typer.Option("--format", "-f", help="jsonl or bibtex.")] = "jsonl",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    db: DbOption = None,
) -> None:
    """Export every paper (JSON lines by default; import gives them back unchanged).

    With --output the file is written to a temporary name and renamed when
    complete, so a reader never sees half an export.
    """
    if format not in ("jsonl", "bibtex"):
        err.print(f"error: cannot export as {format!r}; choose jsonl or bibtex")
        raise typer.Exit(2)
    with _open(db) as lib, _bar("exporting", quiet) as (progress, task):

        def tick(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        if output is None:
            count = lib.export(sys.stdout.buffer, format, progress=tick)
            sys.stdout.flush()
        else:
            output.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.")
            try:
                with os.fdopen(fd, "wb") as f:
                    count = lib.export(f, format, progress=tick)
                os.replace(tmp, output)
            except BaseException:
                os.unlink(tmp)
                raise
    err.print(f"exported {count:,} papers" + (f" to {output}" if output else ""))


@app.command()
def search(
    query: Annotated[
        str, typer.Argument(help='Words, "phrases", -exclusions, title: author: cat:.')
    ],
    limit: Annotated[int, typer.Option(min=1, max=200, help="Results per page.")] = 20,
    offset: Annotated[int, typer.Option(min=0, help="Skip this many results.")] = 0,
    date_from: Annotated[
        str | None, typer.Option("--from", help="Published on or after: YYYY[-MM[-DD]].")
    ] = None,
    date_to: Annotated[
        str | None, typer.Option("--until", help="Published on or before: YYYY[-MM[-DD]].")
    ] = None,
    category: Annotated[
        list[str] | None,
        typer.Option("--category", "-c", help="arXiv category; repeat for any of several."),
    ] = None,
    author: Annotated[str | None, typer.Option(help="Exact author name.")] = None,
    min_upvotes: Annotated[
        int | None, typer.Option(min=0, help="At least this many upvotes.")
    ] = None,
    mode: Annotated[
        str, typer.Option(help="hybrid (keyword + semantic, fused), keyword or semantic.")
    ] = "hybrid",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Search titles, abstracts and authors: keywords (BM25), meaning
    (sentence embeddings) or both fused, with exact look-up first.

    An arXiv id or URL, a DOI or a paper's exact title puts that paper first.
    Quoted phrases match as phrases, -word excludes, and title:, author: and
    cat: restrict a term to one field. Every result says why it matched.
    """
    from paperscope.library import MODES
    from paperscope.search.query import SearchFilters

    if mode not in MODES:
        err.print(f"error: unknown mode {mode!r}; choose one of {', '.join(MODES)}")
        raise typer.Exit(2)
    for name, value in (("--from", date_from), ("--until", date_to)):
        if value and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
            err.print(f"error: {name} {value!r} is not a date like 2026-11-01, 2026-11 or 2026")
            raise typer.Exit(2)
    filters = SearchFilters(
        date_from=date_from,
        date_to=date_to,
        categories=category or [],
        author=author,
        min_upvotes=min_upvotes,
    )
    with _open(db) as lib:
        _sync(lib, quiet=as_json)
        results = lib.search(query, mode=mode, filters=filters, limit=limit, offset=offset)
    _print_hits(results, as_json, f"nothing matched {query!r}")


def _print_hits(results, as_json: bool, nothing: str) -> None:
    if as_json:
        out.print_json(orjson.dumps([_hit_json(h) for h in results.hits]).decode())
        return
    if not results.hits:
        out.print(nothing)
        raise typer.Exit(1)
    offset = results.offset
    table = Table(show_lines=False)
    for column in ("#", "id", "title", "published", "why"):
        table.add_column(column, overflow="fold")
    for n, hit in enumerate(results.hits, offset + 1):
        why = ", ".join(f"{k}={v}" for k, v in hit.why.items())
        table.add_row(str(n), hit.id, hit.paper.title, (hit.paper.published or "")[:10], why)
    out.print(table)


def _hit_json(hit) -> dict:
    from paperscope.importers.jsonl import to_dict

    paper = to_dict(hit.paper)
    return {"id": hit.id, "score": hit.score, "why": hit.why, "paper": paper}


def _sync(lib: Library, quiet: bool = False) -> None:
    """Catch the search index up with the library, with a progress bar if that takes long."""
    try:
        with _bar("indexing for search", quiet) as (progress, task):
            lib.sync_index(lambda done, total: progress.update(task, completed=done, total=total))
    except KeyboardInterrupt:
        err.print(
            "\ninterrupted while indexing for search: the library itself is complete, "
            "and the index catches up by itself at the next search."
        )
        raise typer.Exit(130) from None


@app.command()
def embed(
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    db: DbOption = None,
) -> None:
    """Compute sentence embeddings for semantic search and similar papers.

    Embeds only papers without an embedding or whose title or abstract
    changed; stopped at any point, it continues where it left off. The model
    (all-MiniLM-L6-v2) ships inside a Python package: nothing is downloaded.
    """
    with _open(db) as lib:
        done = _embed(lib, quiet)
        total = lib.vector_index().count()
    out.print(f"embedded {done:,} papers; {total:,} have embeddings")


@app.command()
def similar(
    ref: Annotated[str, typer.Argument(help="An id, arXiv id or URL, DOI, or exact title.")],
    limit: Annotated[int, typer.Option(min=1, max=200, help="How many.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Papers similar to one: nearest by embedding, or by keywords of its
    title when it has no embedding yet."""
    with _open(db) as lib:
        if lib.get(ref) is None:
            err.print(f"no paper matches {ref!r}")
            raise typer.Exit(1)
        results = lib.similar(ref, limit=limit)
    _print_hits(results, as_json, "no similar papers found")


def _embed(lib: Library, quiet: bool) -> int:
    """Run the embedding job with one bar that also shows the graph build after it."""
    with _bar("embedding", quiet) as (progress, task):

        def graph(n: int, total: int) -> None:
            progress.update(task, description="indexing vectors", completed=n, total=total)

        return lib.embed(
            lambda n, total: progress.update(task, completed=n, total=total), graph_progress=graph
        )


def _progress(quiet: bool) -> Progress:
    """Progress bars on standard error (none when quiet or not a terminal)."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=quiet or not err.is_terminal,
    )


@contextmanager
def _bar(label: str, quiet: bool):
    """A progress bar on standard error: yields (progress, task)."""
    progress = _progress(quiet)
    with progress:
        yield progress, progress.add_task(label, total=None)


@app.command()
def stats(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Count papers in all, by source, by year published and by category."""
    with _open(db) as lib:
        s = lib.stats()
    if as_json:
        out.print_json(orjson.dumps(s.__dict__).decode())
        return
    out.print(f"{s.papers:,} papers from {s.imports:,} imports")
    for title, counts in (
        ("source", s.by_source),
        ("year", s.by_year),
        ("category (top 15)", s.by_category),
    ):
        table = Table(title=f"by {title}", title_justify="left")
        table.add_column(title.split()[0])
        table.add_column("papers", justify="right")
        for key, n in counts.items():
            table.add_row(key, f"{n:,}")
        out.print(table)


@app.command()
def show(
    ref: Annotated[str, typer.Argument(help="An id, arXiv id or URL, DOI, or exact title.")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the stored record as JSON.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Show one paper."""
    from paperscope.importers.jsonl import to_dict

    with _open(db) as lib:
        paper = lib.get(ref)
    if paper is None:
        err.print(f"no paper matches {ref!r}")
        raise typer.Exit(1)
    if as_json:
        out.print_json(orjson.dumps(to_dict(paper)).decode())
        return
    out.print(f"[bold]{paper.title}[/bold]", markup=True)
    authors = ", ".join(paper.authors) or (
        f"{paper.author_count} authors" if paper.author_count else "authors unknown"
    )
    out.print(authors)
    facts = [
        ("id", paper.id),
        ("published", paper.published),
        ("updated", paper.updated),
        ("versions", ", ".join(f"v{v.version}" for v in paper.versions)),
        ("categories", " ".join(paper.categories)),
        ("doi", paper.doi),
        ("journal", paper.journal_ref),
        ("upvotes", str(paper.total_upvotes) if paper.total_upvotes else ""),
        ("in feed", paper.feed_date),
        ("sources", ", ".join(paper.sources)),
        *sorted(paper.links.items()),
    ]
    for name, value in facts:
        if value:
            out.print(f"{name:>10}: {value}")
    if paper.abstract:
        out.print()
        out.print(paper.abstract)


@app.command()
def migrate(
    source: Annotated[
        str, typer.Argument(help="The library to copy: a SQLite file or URL, or postgresql://...")
    ],
    target: Annotated[
        str,
        typer.Argument(
            help="Where to copy it: an empty database (a SQLite file is created), "
            "or an unfinished copy of the same source to finish."
        ),
    ],
    batch_size: Annotated[
        int, typer.Option(min=1, max=100_000, help="Rows written per transaction.")
    ] = 5_000,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars.")] = False,
) -> None:
    """Copy a whole library to another database: SQLite to PostgreSQL, back, or alike.

    Papers, accounts, votes, collections, comments, subscriptions, digests sent
    and the embeddings (nothing is embedded again), then every table counted
    on both sides. Stop the service first: changes made to the source during
    the copy may be left behind. Interrupted, the same command resumes after
    the last whole batch; run again after it finished, it only counts again.
    """
    from paperscope.store.copy import CopyError, copy_library
    from paperscope.store import is_postgres

    progress = _progress(quiet)
    tasks: dict[str, int] = {}

    def tick(step: str, done: int, total: int | None) -> None:
        if step not in tasks:
            tasks[step] = progress.add_task(step, total=total)
        progress.update(tasks[step], completed=done, total=total)

    with progress:
        try:
            report = copy_library(source, target, batch=batch_size, progress=tick)
        except StoreError as exc:
            progress.stop()
            err.print(f"error: {exc}", markup=False)
            raise typer.Exit(2) from None
        except CopyError as exc:
            progress.stop()
            err.print(f"error: {exc}", markup=False)
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            progress.stop()
            err.print(
                "\ninterrupted: the tables are copied up to the last whole batch. "
                "Run the same command again to resume."
            )
            raise typer.Exit(130) from None
    table = Table(title="counted on both sides", title_justify="left")
    table.add_column("table")
    table.add_column("source", justify="right")
    table.add_column("target", justify="right")
    table.add_column("")
    for check in report.checks:
        table.add_row(
            check.name, f"{check.source:,}", f"{check.target:,}", "ok" if check.ok else "DIFFERS"
        )
    out.print(table)
    if report.finished_before:
        out.print(
            f"nothing to copy: {report.target} holds a finished copy of {report.source} "
            f"(finished {report.finished_before}); counted again",
            markup=False,
        )
    else:
        resumed = " (resumed)" if report.resumed else ""
        stale = (
            f"; {report.stale_vectors:,} vectors of papers no longer in the source left out"
            if report.stale_vectors
            else ""
        )
        out.print(
            f"copied {report.rows:,} rows{resumed} from {report.source} to {report.target} "
            f"in {report.seconds:,.1f} s{stale}",
            markup=False,
        )
        if report.ok and not is_postgres(target):
            with Library(target) as lib:
                _sync(lib, quiet)  # searchable as soon as the command ends, as after an import
    if not report.ok:
        err.print(
            f"error: the copy differs from the source in {', '.join(report.mismatches)}: "
            "was the source changed during the copy? Copy again into an empty database.",
            markup=False,
        )
        raise typer.Exit(1)


@user_app.command("add")
def user_add(
    email: Annotated[str, typer.Argument(help="The account's email address.")],
    name: Annotated[str, typer.Option(help="The name shown with submissions.")],
    admin: Annotated[bool, typer.Option("--admin", help="Make the account an admin.")] = False,
    db: DbOption = None,
) -> None:
    """Create an account (the password is asked for, twice, and never echoed),
    or with --admin make an existing account an admin. The first account of
    a library is always an admin."""
    from paperscope.accounts import AccountError, Accounts

    with _open(db) as lib:
        accounts = Accounts(lib.store)
        found = accounts.db.user_by_email(email.strip())
        if found is not None:
            if not admin:
                err.print(f"error: {email} already has an account (--admin makes it an admin)")
                raise typer.Exit(1)
            accounts.make_admin(found[0].id)
            out.print(f"{found[0].name} <{found[0].email}> is now an admin")
            return
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
        try:
            user = accounts.sign_up(email, name, password, admin=admin)
        except AccountError as exc:
            err.print(f"error: {exc}")
            raise typer.Exit(1) from None
    role = "admin" if user.is_admin else "user"
    out.print(f"account {user.name} <{user.email}> created ({role})")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    workers: Annotated[
        int, typer.Option(min=1, max=64, help="Server processes (one per core is plenty).")
    ] = 1,
    db: DbOption = None,
    replica: Annotated[
        str | None,
        typer.Option(
            "--replica",
            help="A read replica of the PostgreSQL database: pages and search read from it "
            "[default: $PAPERSCOPE_DB_REPLICA].",
            show_default=False,
        ),
    ] = None,
    base_url: Annotated[
        str | None,
        typer.Option(
            help="The site's public address, for links in emails and feeds "
            "[default: $PAPERSCOPE_BASE_URL].",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Run the web service: daily papers, trending, search, paper pages, the
    JSON API (docs at /api/docs) and RSS/Atom feeds of every list."""
    from paperscope.web.server import serve as run_server

    try:
        settings = Settings.from_env(database=db, replica=replica, base_url=base_url)
    except SettingsError as exc:
        err.print(f"error: {exc}")
        raise typer.Exit(2) from None
    with _open_settings(settings) as lib:  # fail here, clearly, if the database cannot be opened
        papers = lib.count()
        where = lib.location
    if settings.replica:
        where += f", reading from {redact(settings.replica)}"
    err.print(f"serving {papers:,} papers from {where} on http://{host}:{port}/")
    if not settings.base_url:
        err.print(
            "note: no PAPERSCOPE_BASE_URL (or --base-url): password-reset emails are not sent "
            "until the site's public address is set"
        )
    run_server(settings, host=host, port=port, workers=workers)


@digest_app.command("send")
def digest_send(
    period: Annotated[str, typer.Option(help="daily or weekly: which subscribers, which span.")],
    day: Annotated[
        str | None,
        typer.Option(
            "--date",
            help="The day (daily) or a day of the ISO week (weekly) to cover, YYYY-MM-DD "
            "[default: yesterday, or last week; UTC].",
            show_default=False,
        ),
    ] = None,
    dry_run: Annotated[
        Path | None,
        typer.Option(
            "--dry-run",
            metavar="DIR",
            help="Write each email as an .eml file into DIR; send and record nothing.",
        ),
    ] = None,
    base_url: Annotated[
        str | None,
        typer.Option(
            help="The site's public address for links [default: $PAPERSCOPE_BASE_URL, "
            "else http://localhost:8000].",
            show_default=False,
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    db: DbOption = None,
) -> None:
    """Send the daily or weekly digest to every subscriber who has not had it.

    Each subscriber gets the period's digest once: a second run, or a run
    after a crash or an SMTP failure, sends only what is missing. Empty
    digests are not sent. Stops, with exit status 1, when the mail server
    refuses several messages in a row; run the same command again to go on.
    """
    from datetime import UTC, date, datetime

    from paperscope.digest import PREVIEW_BASE_URL, DigestError, digest_period, send_digests
    from paperscope.mail import Mailer

    settings = _settings(db)
    now = datetime.now(UTC)
    try:
        covered = digest_period(period, date.fromisoformat(day) if day else None, today=now.date())
    except (DigestError, ValueError) as exc:
        err.print(f"error: {exc}" if isinstance(exc, DigestError) else
                  f"error: --date {day!r} is not a date like 2026-11-20")  # fmt: skip
        raise typer.Exit(2) from None
    if covered.end > now and dry_run is None:
        err.print(f"error: {covered.key} is not over yet (until {covered.end:%Y-%m-%d %H:%M} UTC): "
                  "a digest is sent once, so it covers a finished period")  # fmt: skip
        raise typer.Exit(2)
    base = (base_url or settings.base_url or PREVIEW_BASE_URL).rstrip("/")
    with _open(db) as lib:
        mailer = Mailer(settings, lib.store.files_dir)
        if dry_run is None and not mailer.sends:
            err.print(f"no PAPERSCOPE_SMTP_HOST: digests go to the outbox {mailer.outbox}")
        if base == PREVIEW_BASE_URL and dry_run is None:
            err.print(f"links point to {base}: set PAPERSCOPE_BASE_URL or --base-url")
        with _bar(f"digest {covered.key}", quiet) as (progress, task):
            try:
                report = send_digests(
                    lib, mailer, covered, base_url=base, dry_run=dry_run,
                    progress=lambda done, total: progress.update(task, completed=done, total=total),
                )  # fmt: skip
            except KeyboardInterrupt:
                progress.stop()
                err.print("\ninterrupted: every digest sent so far is recorded. "
                          "Run the same command again to send the rest.")  # fmt: skip
                raise typer.Exit(130) from None
    for line in report.errors:
        err.print(f"failed: {line}", markup=False)
    if report.in_doubt:
        err.print(f"{report.in_doubt:,} digests were marked 'sending' by another run (one still "
                  "going, or one that died mid-send): counted as sent, not sent again "
                  "(see README: Digests)")  # fmt: skip
    if report.stopped:
        err.print(f"error: stopped: {report.stopped}. Digests not sent yet go out when the "
                  "same command runs again.", markup=False)  # fmt: skip
    (out if report.ok else err).print(report.summary(), markup=False)
    raise typer.Exit(0 if report.ok else 1)


@app.command()
def schedule(
    at: Annotated[str, typer.Option(help="When to run each day, HH:MM in UTC.")] = "06:00",
    weekly_on: Annotated[
        str, typer.Option(help="Day of the weekly digest: mon, tue, ... sun.")
    ] = "mon",
    set_spec: Annotated[str, typer.Option("--set", help="The arXiv set to harvest.")] = "cs",
    from_date: Annotated[
        str | None,
        typer.Option(
            "--from",
            help="The --from of your harvest, so the scheduled one continues it [default: today].",
            show_default=False,
        ),
    ] = None,
    base_url: Annotated[
        str | None,
        typer.Option(help="The site's public address for links in emails.", show_default=False),
    ] = None,
    db: DbOption = None,
) -> None:
    """Print crontab lines that harvest arXiv, embed, then send the digests.

    Every day at --at (UTC): harvest, embed and the daily digest, one after
    the other; on --weekly-on, the weekly digest after them. Each step
    resumes where it stopped and sends nothing twice, so a late or repeated
    run is harmless. Install with `paperscope schedule ... | crontab -`.
    """
    import shlex
    from datetime import UTC, date, datetime

    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    m = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", at.strip())
    if m is None:
        err.print(f"error: --at {at!r} is not a time like 06:00")
        raise typer.Exit(2)
    if weekly_on.lower()[:3] not in days:
        err.print(f"error: --weekly-on {weekly_on!r} is not a day: {', '.join(days)}")
        raise typer.Exit(2)
    try:
        since = date.fromisoformat(from_date) if from_date else datetime.now(UTC).date()
    except ValueError:
        err.print(f"error: --from {from_date!r} is not a date like 2026-11-01")
        raise typer.Exit(2) from None
    settings = _settings(db)
    if is_postgres(settings.database):
        # Never a password in a crontab: libpq reads it from ~/.pgpass or PGPASSWORD.
        database = redact(settings.database).replace(":***@", "@")
        folder = data_home()
        folder.mkdir(parents=True, exist_ok=True)  # flock makes the file, not the folder
        lock = shlex.quote(str(folder / "schedule.lock"))
    else:
        path = Path(settings.database).expanduser().resolve()
        database, folder = str(path), path.parent
        lock = shlex.quote(f"{path}.schedule.lock")
    exe = Path(sys.executable).parent / "paperscope"
    cmd = shlex.quote(str(exe) if exe.exists() else "paperscope")
    log = shlex.quote(str(folder / "schedule.log"))
    weekday = (days.index(weekly_on.lower()[:3]) + 1) % 7  # cron counts from Sunday, 0
    other_days = ",".join(str(d) for d in range(7) if d != weekday)
    chain = (f"{cmd} harvest arxiv --set {shlex.quote(set_spec)} --from {since} -q; "
             f"{cmd} embed -q; {cmd} digest send --period daily -q")  # fmt: skip
    weekly = f"{chain}; {cmd} digest send --period weekly -q"
    lines = [
        "# paperscope: harvest arXiv, embed, then send the digests (times in UTC).",
        "# Install: paperscope schedule ... | crontab -   (this replaces your crontab)",
        "CRON_TZ=UTC",
        f"PAPERSCOPE_DB={database}",
    ]
    if is_postgres(database) and database != settings.database:
        lines.insert(3, "# The password is left out: put it in ~/.pgpass (or PGPASSWORD) for cron.")
    if base_url or settings.base_url:
        lines.append(f"PAPERSCOPE_BASE_URL={base_url or settings.base_url}")
    lines.append("# Mail: add PAPERSCOPE_SMTP_HOST=, PAPERSCOPE_MAIL_FROM= and the rest (README).")
    for cron_days, steps in ((other_days, chain), (str(weekday), weekly)):
        lines.append(f"{int(m[2])} {int(m[1])} * * {cron_days} "
                     f"flock {lock} sh -c {shlex.quote(steps)} >> {log} 2>&1")  # fmt: skip
    out.print("\n".join(lines), markup=False)


def main() -> None:
    app()
