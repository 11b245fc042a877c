"""The ``paperscope`` command: parse arguments, call :class:`Library`, print.

Every command takes ``--db`` (or ``$PAPERSCOPE_DB``); without either the
library lives in ``~/.local/share/paperscope/paperscope.db``.

Errors are answered in one place (:mod:`paperscope.cli_output`): ``error:
...`` and exit status 2 for input to fix, 1 for a failure of the work, never a
traceback for either.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import orjson
import typer
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.table import Table
from rich.text import Text

from paperscope import __version__
from paperscope.cli_output import STDOUT, Commands, Failed, err, opened, out, report, writing
from paperscope.config import Settings, SettingsError, data_home
from paperscope.importers import FORMATS
from paperscope.store.base import redact

if TYPE_CHECKING:  # imported when a command needs them: --help and bad input stay quick
    from paperscope.library import ImportReport, Library

app = typer.Typer(
    cls=Commands,
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


_OPTIONS = {"base_url": "--base-url", "replica": "--replica"}  # settings that options set


def _settings(db: str | None, **options: str | None) -> Settings:
    """The environment's settings with the options given (None: not given) over them;
    a bad option's value is named by its option."""
    overrides: dict[str, Any] = {"database": db, **options}
    try:
        return Settings.from_env(None, **overrides)
    except SettingsError as exc:
        text = str(exc)
        for name, value in options.items():
            if value is not None and text.startswith(f"{name}="):
                text = f"{_OPTIONS.get(name, name)} {text[len(name) + 1 :]}"
        raise SettingsError(text) from None


def _open(db: str | None) -> Library:
    return _open_settings(_settings(db))


def _open_settings(settings: Settings) -> Library:
    """The library, remembered for the messages of errors that name it."""
    opened["location"] = redact(settings.database)
    from paperscope.library import Library

    lib = Library(settings.database, replica_url=settings.replica,
                  keyword_index=settings.keyword_index, index_dir=settings.index_dir)  # fmt: skip
    opened["location"] = lib.location
    return lib


def _fail(message: str, code: int = 2) -> NoReturn:
    """Refuse to go on: ``error: MESSAGE``, exit status ``code`` (2: input to fix)."""
    raise Failed(message, code)


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
        out.print(f"library ready at {lib.location} ({lib.count():,} papers)")


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
        _fail(f"unknown format {format!r}; choose one of {', '.join(FORMATS)}")
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
        TextColumn("{task.description}", markup=False),
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
                path,
                format=format,
                strict=strict,
                batch_size=batch_size,
                progress=tick,
                searchable=True,  # indexed as it goes: searchable when the command ends
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
    from paperscope.library import ImportReport

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
        str,
        typer.Option(
            "--metadata",
            "--metadata-prefix",
            help="arXivRaw (with every version), arXiv or oai_dc (Dublin Core).",
        ),
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
    max_retries: Annotated[int, typer.Option(min=0, max=100, help="Retries before giving up.")] = 5,
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
        TextColumn("harvesting arXiv {task.fields[name]}", markup=False),
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
        Path | None,
        typer.Option(
            "--output", "-o", dir_okay=False, help="Write here instead of standard output."
        ),
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
        _fail(f"cannot export as {format!r}; choose jsonl or bibtex")
    with _open(db) as lib, _bar("exporting", quiet) as (progress, task):

        def tick(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        if output is None:
            with writing(STDOUT):
                count = lib.export(sys.stdout.buffer, format, progress=tick)
                sys.stdout.flush()
        else:
            count = _export_to(lib, output, format, tick)
    err.print(f"exported {count:,} papers" + (f" to {output}" if output else ""))


def _export_to(lib: Library, output: Path, format: str, tick: Any) -> int:
    """Export into a temporary file beside ``output``, renamed into place
    when complete; on any failure the temporary file is removed."""
    with writing(str(output)):
        output.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.")
        try:
            with os.fdopen(fd, "wb") as f:
                count = lib.export(f, format, progress=tick)
            os.replace(tmp, output)
        except BaseException:
            os.unlink(tmp)
            raise
    return count


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
        str | None, typer.Option(metavar="N", help="At least this many upvotes.")
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
    from paperscope.search.query import SearchFilters, parse_mode

    filters = SearchFilters.parse(
        date_from=date_from,
        date_to=date_to,
        categories=category or (),
        author=author,
        min_upvotes=min_upvotes,
    )
    mode = parse_mode(mode)
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
    watch: Annotated[
        bool,
        typer.Option(
            "--watch", help="Keep running: embed new papers as they arrive (what serve starts)."
        ),
    ] = False,
    parent: Annotated[
        int | None,
        typer.Option(metavar="PID", help="With --watch: stop once process PID has exited."),
    ] = None,
    device: Annotated[
        str,
        typer.Option(
            help="cpu (ONNX Runtime), cuda (PyTorch on the GPU) or auto (the GPU if any)."
        ),
    ] = "auto",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    db: DbOption = None,
) -> None:
    """Compute sentence embeddings for semantic search and similar papers.

    Embeds only papers without an embedding or whose title or abstract
    changed, newest feed papers first; stopped at any point, it continues
    where it left off. `paperscope serve` runs this by itself (--watch), so
    a site's new papers are embedded within a minute. One embedder writes a
    library at a time. The model (all-MiniLM-L6-v2) ships inside a Python
    package: nothing is downloaded.
    """
    from paperscope.search.background import EmbedderLock
    from paperscope.search.background import watch as watch_library
    from paperscope.search.embed import DEVICES, make_embedder

    if device not in DEVICES:
        _fail(f"--device {device!r} is not one of {', '.join(DEVICES)}")
    with _open(db) as lib:
        lib.set_embedder(make_embedder(device))
        if watch:
            watch_library(lib, parent=parent, say=err.print)
            return
        with EmbedderLock(lib) as lock:
            if not lock.acquire():
                holder = lock.holder()
                who = f" (process {holder})" if holder else ""
                out.print(
                    f"another embedder{who} is embedding this library, such as the one a "
                    "running `paperscope serve` starts; it embeds new papers by itself"
                )
                return
            done = _embed(lib, quiet)
            coverage = lib.coverage()
    out.print(f"embedded {done:,} papers; {coverage}")


@app.command("map")
def map_(
    full: Annotated[
        bool, typer.Option("--full", help="Lay every paper out afresh, not just the new ones.")
    ] = False,
    seed: Annotated[
        int, typer.Option(min=0, max=2**31 - 1, help="Another seed gives another layout.")
    ] = 42,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    db: DbOption = None,
) -> None:
    """Lay the library's embeddings out as a 2-D map for the /map page.

    Run after `paperscope embed`. The first run lays every embedded paper
    out (UMAP) and groups the points into labelled clusters; later runs
    place the papers embedded since by their nearest neighbours on the map,
    in seconds, and --full lays everything out again. The same papers and
    seed give the same map.
    """
    from paperscope.layout import MapError

    with _open(db) as lib, _bar("map", quiet) as (progress, task):

        def tick(what: str, done: int, total: int) -> None:
            progress.update(task, description=what, completed=done, total=total)

        try:
            report = lib.update_map(full=full, seed=seed, progress=tick)
        except MapError as exc:
            progress.stop()
            _fail(str(exc), 1)
        except KeyboardInterrupt:
            progress.stop()
            err.print("\ninterrupted: the map is as it was before this run")
            raise typer.Exit(130) from None
    out.print(str(report))
    if report.drifted:
        share = f"{report.placed_share:.0%}"
        out.print(f"{share} of the map was placed by neighbours: `paperscope map --full` "
                  "lays it out afresh")  # fmt: skip


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
        TextColumn("{task.description}", markup=False),
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
    out.print(f"{s.papers:,} papers from {s.imports:,} imports; {s.embedded:,} embedded")
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
    out.print(Text(paper.title, style="bold"))
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
    from paperscope.store import is_postgres
    from paperscope.store.copy import CopyError, copy_library

    progress = _progress(quiet)
    tasks: dict[str, TaskID] = {}

    def tick(step: str, done: int, total: int | None) -> None:
        if step not in tasks:
            tasks[step] = progress.add_task(step, total=total)
        progress.update(tasks[step], completed=done, total=total)

    with progress:
        try:
            report = copy_library(source, target, batch=batch_size, progress=tick)
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
            with _open_settings(Settings(database=target)) as lib:
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
        accounts = Accounts(lib.people)
        found = accounts.user_by_email(email)
        if found is not None:
            if not admin:
                err.print(f"error: {email} already has an account (--admin makes it an admin)")
                raise typer.Exit(1)
            accounts.make_admin(found.id)
            out.print(f"{found.name} <{found.email}> is now an admin")
            return
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
        try:
            user = accounts.sign_up(email, name, password, admin=admin)
        except AccountError as exc:
            err.print(f"error: {exc}")
            raise typer.Exit(1) from None
    role = "admin" if user.is_admin else "user"
    out.print(f"account {user.name} <{user.email}> created ({role})")


@user_app.command("delete")
def user_delete(
    email: Annotated[str, typer.Argument(help="The account's email address.")],
    yes: Annotated[bool, typer.Option("--yes", help="Delete without asking first.")] = False,
    db: DbOption = None,
) -> None:
    """Delete an account, as its owner can on the account page (no password
    asked: whoever runs this has the database): its votes, collections,
    digest subscription and sessions go; its comments stay, by "deleted account"."""
    with _open(db) as lib:
        found = lib.people.user_by_email(email.strip())
        if found is None:
            err.print(f"error: no account has the email address {email}", markup=False)
            raise typer.Exit(1)
        user = found[0]
        if not yes and not typer.confirm(f"Delete {user.name} <{user.email}> and what it made?"):
            err.print("nothing deleted")
            raise typer.Exit(1)
        lib.people.delete_user(user.id)
    out.print(f"account {user.name} <{user.email}> deleted", markup=False)


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
    embed: Annotated[
        bool,
        typer.Option(
            "--embed/--no-embed",
            help="Embed papers for semantic search in the background (one embedder a library).",
        ),
    ] = True,
) -> None:
    """Run the web service: daily papers, trending, search, paper pages, the
    JSON API (docs at /api/docs) and RSS/Atom feeds of every list."""
    from paperscope.web.server import serve as run_server

    settings = _settings(db, replica=replica, base_url=base_url)
    with _open_settings(settings) as lib:  # fail here, clearly, if the database cannot be opened
        papers = lib.count()
        where = lib.location
        coverage = lib.coverage()
    if settings.replica:
        where += f", reading from {redact(settings.replica)}"
    err.print(f"serving {papers:,} papers from {where} on http://{host}:{port}/")
    if not settings.base_url:
        err.print(
            "note: no PAPERSCOPE_BASE_URL (or --base-url): password-reset emails are not sent "
            "until the site's public address is set"
        )
    watcher = _start_embedder(settings) if embed else None
    if watcher:
        err.print(f"embedding in the background ({coverage} so far)")
    try:
        run_server(settings, host=host, port=port, workers=workers)
    except SystemExit as exc:  # uvicorn's way to say it could not start (it logged why)
        if exc.code in (None, 0):
            raise
        _fail(f"the web service could not start on {host}:{port} (the reason is above)", 1)
    finally:
        if watcher:
            _stop(watcher)


def _start_embedder(settings: Settings) -> subprocess.Popen:
    """`paperscope embed --watch` on the served library, in a child process
    that exits with this one (see paperscope.search.background)."""
    env = {**os.environ, "PAPERSCOPE_DB": settings.database}  # not on the command line: a password
    command = [sys.executable, "-m", "paperscope", "embed", "--watch", "--quiet",
               "--parent", str(os.getpid())]  # fmt: skip
    from paperscope.search.background import lower_priority

    # Niced before it starts, so that even its imports yield to the pages.
    return subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL, preexec_fn=lower_priority)


def _stop(process: subprocess.Popen) -> None:
    process.terminate()  # the vectors are committed whole: stopping mid-batch loses that batch
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


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
            file_okay=False,
            help="Write each email as an .eml file into DIR; send and record nothing.",
        ),
    ] = None,
    base_url: Annotated[
        str | None,
        typer.Option(
            help="The site's public address for links [default: $PAPERSCOPE_BASE_URL; "
            "one of them is needed, except for a --dry-run].",
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
    from datetime import UTC, datetime

    from paperscope.digest import PREVIEW_BASE_URL, period_to_send, send_digests
    from paperscope.mail import Mailer

    settings = _settings(db, base_url=base_url)
    covered = period_to_send(period, day, now=datetime.now(UTC), dry_run=dry_run is not None)
    if settings.base_url:
        base = settings.base_url
    elif dry_run is not None:
        base = PREVIEW_BASE_URL
        err.print(f"note: links in this preview point to {base} (no --base-url or "
                  "PAPERSCOPE_BASE_URL)")  # fmt: skip
    else:
        _fail("links in the emails need the site's public address: set PAPERSCOPE_BASE_URL "
              "or pass --base-url (such as https://papers.example.org)")  # fmt: skip
    with _open_settings(settings) as lib:
        mailer = Mailer(settings, lib.files_dir)
        if dry_run is None and not mailer.sends:
            err.print(f"no PAPERSCOPE_SMTP_HOST: digests go to the outbox {mailer.outbox}")
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


# -- lenses: people's saved views, and the job that posts their webhooks -----------------

lenses_app = typer.Typer(help="Lenses (saved views) and their webhooks.", no_args_is_help=True)
app.add_typer(lenses_app, name="lenses")
UserOption = Annotated[str, typer.Option("--user", metavar="EMAIL", help="The owner's email.")]


def _owner(lib: Library, email: str) -> Any:
    """The account with this email, or exit status 2 naming the address."""
    from paperscope.accounts import Accounts

    user = Accounts(lib.people).user_by_email(email)
    if user is None:
        _fail(f"no account has the email address {email.strip()[:200]!r}")
    return user


@lenses_app.command("list")
def lenses_list(
    user: UserOption,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    db: DbOption = None,
) -> None:
    """A person's lenses: what each follows, whether it is in their digest, its webhook."""
    from paperscope import urls
    from paperscope.lenses import describe

    with _open(db) as lib:
        found = lib.lenses.of_user(_owner(lib, user).id)
    if as_json:
        rows = [{**lens.as_dict(), "feed": urls.lens_feed_url(lens.feed_token, "atom")}
                for lens in found]  # fmt: skip
        out.print_json(orjson.dumps(rows).decode())
        return
    if not found:
        out.print(f"{user.strip()} has no lenses", markup=False)
        return
    for lens in found:  # one line each, never folded: names and URLs stay whole
        where = "in the digest" if lens.in_digest else "not in the digest"
        hook = f"; webhook {lens.webhook_url}" if lens.webhook_url else ""
        out.print(f"{lens.id}  {lens.name}: {describe(lens)} ({where}{hook})",
                  markup=False, soft_wrap=True)  # fmt: skip


@lenses_app.command("deliver")
def lenses_deliver(
    days: Annotated[
        int, typer.Option(min=1, max=30, help="Look for matches published this many days back.")
    ] = 3,
    base_url: Annotated[
        str | None,
        typer.Option(
            help="The site's public address for links in the payloads [default: "
            "$PAPERSCOPE_BASE_URL; one of them is needed].",
            show_default=False,
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """POST the new matches of every lens that has a webhook (one run).

    Prints what was delivered, what will be tried again and when, and what
    failed for good. A receiver's failure is not the command's: the exit
    status is 0 unless the run itself could not be made.
    """
    from datetime import UTC, datetime
    from urllib.parse import urlsplit

    from paperscope.webhooks import MAX_ATTEMPTS, deliver

    settings = _settings(db, base_url=base_url)
    if not settings.base_url:
        _fail("links in the webhooks' payloads need the site's public address: set "
              "PAPERSCOPE_BASE_URL or pass --base-url (such as https://papers.example.org)")  # fmt: skip
    with _open_settings(settings) as lib:
        report = deliver(lib, base_url=settings.base_url, now=datetime.now(UTC), days=days,
                         allow_private=settings.webhooks_allow_private)  # fmt: skip
    for o in report.outcomes:
        n = len(o.papers)
        what = (f'lens {o.lens.id} "{o.lens.name}": {n} match{"es" if n != 1 else ""} to '
                f"{urlsplit(o.lens.webhook_url).hostname}")  # fmt: skip
        if o.status == "delivered":
            out.print(f"delivered: {what}", markup=False)
        elif o.status == "retry":
            err.print(f"retry: {what} at {o.next_at}: {o.error}", markup=False)
        else:
            err.print(f"failed: {what} after {MAX_ATTEMPTS} attempts: {o.error}", markup=False)
    out.print(report.summary(), markup=False)


@lenses_app.command("dry-run")
def lenses_dry_run(
    user: UserOption,
    q: Annotated[
        str, typer.Option("--q", help="Words in the search language (-word excludes).")
    ] = "",
    cat: Annotated[
        list[str] | None, typer.Option("--cat", help="arXiv category; repeat for any of several.")
    ] = None,
    author: Annotated[
        list[str] | None, typer.Option("--author", help="Exact author name; repeat for several.")
    ] = None,
    about: Annotated[str, typer.Option("--about", help="A description, matched by meaning.")] = "",
    ranked: Annotated[bool, typer.Option("--ranked", help="Ranked by the person's taste.")] = False,
    days: Annotated[int, typer.Option(min=1, max=90, help="Days back to look.")] = 7,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    db: DbOption = None,
) -> None:
    """What a lens with these settings would have matched in the last --days days
    (published then, up to today, UTC). Nothing is saved."""
    from datetime import UTC, datetime

    from paperscope.lenses import dry_run, lens_fields

    fields = lens_fields(q=q, categories=cat or [], authors=author or [], about=about,
                         ranked=ranked)  # fmt: skip
    with _open(db) as lib:
        owner = _owner(lib, user)
        if about and not lib.coverage().embedded:
            err.print("note: no paper is embedded, so --about matches nothing: run "
                      "`paperscope embed`")  # fmt: skip
        found = dry_run(lib, fields, owner.id, today=datetime.now(UTC).date(), days=days)
    if as_json:
        rows = [{"id": m.paper.id, "title": m.paper.title, "published": m.paper.published,
                 "why": m.why} for m in found]  # fmt: skip
        out.print_json(orjson.dumps(rows).decode())
        return
    if not found:
        out.print(f"nothing matched in the last {days} days", markup=False)
        return
    table = Table(show_lines=False)
    for column in ("#", "id", "title", "published", "why"):
        table.add_column(column, overflow="fold")
    for n, m in enumerate(found, 1):
        why = ", ".join(f"{k}={v}" for k, v in m.why.items())
        table.add_row(str(n), m.paper.id, Text(m.paper.title), (m.paper.published or "")[:10], why)
    out.print(table)
    out.print(f"{len(found):,} matches in the last {days} days", markup=False)


@app.command()
def schedule(
    at: Annotated[str, typer.Option(help="When to run each day, HH:MM in UTC.")] = "06:00",
    weekly_on: Annotated[
        str, typer.Option(help="Day of the weekly digest: mon, tue, ... sun (or monday ...).")
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
        typer.Option(
            help="The site's public address for links in emails [default: "
            "$PAPERSCOPE_BASE_URL; one of them is needed].",
            show_default=False,
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Print crontab lines that harvest arXiv, embed, then send the digests.

    Every day at --at (UTC): harvest, embed and the daily digest, one after
    the other; on --weekly-on, the weekly digest after them. Each step
    resumes where it stopped and sends nothing twice, so a late or repeated
    run is harmless. Install with `paperscope schedule ... | crontab -`.
    """
    from datetime import UTC, datetime

    from paperscope.schedule import crontab

    exe = Path(sys.executable).parent / "paperscope"
    tab = crontab(
        _settings(db, base_url=base_url),
        at=at,
        weekly_on=weekly_on,
        set_spec=set_spec,
        from_date=from_date,
        today=datetime.now(UTC).date(),
        command=str(exe) if exe.exists() else "paperscope",
        data_folder=data_home(),
    )
    with writing(f"the folder {tab.folder}"):
        tab.folder.mkdir(parents=True, exist_ok=True)  # flock makes the lock file, not its folder
    out.print(tab.text)


def main() -> None:
    """The ``paperscope`` command. What fails outside a command (help or
    --version written to a full disk) is answered as :class:`Commands` does."""
    try:
        app()
    except Exception as exc:
        sys.exit(report(exc))
