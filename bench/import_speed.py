"""Import speed and memory, as a user meets it: ``paperscope import`` of
synthetic arXiv snapshot files into new SQLite libraries, timed from the
command's start until it exits with every paper searchable by keyword.

    python bench/import_speed.py [--count 1000000] [--small 100000] [--runs 3]
                                 [--large-runs 1] [--no-parts] [--only-small] [--cli-steps]

Generates (once, cached in bench/out/) a Kaggle-format file of ``--count``
lines with bench/gen_arxiv.py, and a ``--small`` file of its first lines.

The whole: ``paperscope import --quiet --db NEW FILE`` in a child process,
wall time from before the process starts until it exits, and that
process's peak RSS; then a keyword search in another process checks that
every paper is found. Median of ``--runs`` for the small file and of
``--large-runs`` (default 1) for the large one.

The parts, beside it (unless ``--no-parts``): the same import in a child
process that times its phases with the library's own calls: the parsing and
storing of batches, the time the main thread spends handing papers to the
keyword index (building tantivy documents, and waiting when tantivy's
threads are behind), the store's index rebuild at the end of a bulk load,
and the wait for the keyword index's last commit (overlapping the rebuild).
Its RSS is sampled every 100,000 papers.

With ``--cli-steps``, where the command's own seconds go: the CLI's entry
point (``paperscope.cli.app``, as the ``paperscope`` script calls it) run
inside one child process with each of its steps timed: the interpreter
and imports, ``import_file``, the index catch-up (``_sync``), the report,
closing the library, and the exit.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import (
    REPO,
    current_rss_bytes,
    figure,
    human_bytes,
    median,
    peak_rss_bytes,
    synthetic_file,
)

SAMPLE_EVERY = 100_000
PROCESS_START = time.perf_counter()  # --cli-child counts its imports from here
PAPERSCOPE = REPO / ".venv" / "bin" / "paperscope"


def whole(path: Path) -> dict:
    """``paperscope import`` as a user runs it, timed from outside."""
    with tempfile.TemporaryDirectory(prefix="paperscope-bench-") as tmp:
        db = Path(tmp) / "bench.db"
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run([PAPERSCOPE, "import", "--quiet", "--db", db, path], check=True)
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        searchable = _searchable(db)
        return {
            "seconds": seconds,
            "cpu": (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
            "peak_rss": peak_rss_bytes(children=True),
            "db_bytes": db.stat().st_size,
            "searchable": searchable,
        }


def _searchable(db: Path) -> bool:
    """Whether the keyword index holds every paper and has applied every change."""
    from paperscope.library import Library

    with Library(db) as lib:
        index = lib.lexical_index()
        return index.count() == lib.count() and index.read_mark() == lib.store.last_change()


def timed(spent: dict[str, float], owner: object, name: str, label: str) -> None:
    """Replace ``owner.name`` with a wrapper adding the seconds of each call to ``spent[label]``."""
    original = getattr(owner, name)

    def wrapper(*args, **kwargs):
        t = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent[label] = spent.get(label, 0.0) + time.perf_counter() - t

    setattr(owner, name, wrapper)


def parts_child(path: str, db: str) -> None:
    """The import the CLI runs, in this process, with its phases timed."""
    from paperscope.library import Library
    from paperscope.search.indexes import Follower
    from paperscope.store.sqlite import SQLiteStore

    spent: dict[str, float] = {"to the index": 0.0, "store rebuild": 0.0, "index commit": 0.0}
    timed(spent, Follower, "apply", "to the index")
    timed(spent, SQLiteStore, "rebuild_indexes", "store rebuild")
    timed(spent, Follower, "finish", "index commit")
    samples: list[tuple[int, float, int]] = []
    started = time.perf_counter()
    next_sample = SAMPLE_EVERY

    def progress(done: int, total: int, papers: int) -> None:
        nonlocal next_sample
        if papers >= next_sample:
            samples.append((papers, time.perf_counter() - started, current_rss_bytes()))
            next_sample += SAMPLE_EVERY

    with Library(db) as lib:
        report = lib.import_file(path, progress=progress, searchable=True)
        seconds = time.perf_counter() - started
        indexed = lib.lexical_index().count()
    papers = report.added + report.updated + report.unchanged
    spent["parse and store"] = seconds - sum(spent.values())
    print(json.dumps({"papers": papers, "indexed": indexed, "seconds": seconds,
                      "spent": spent, "peak_rss": peak_rss_bytes(), "samples": samples}))  # fmt: skip


def cli_child(path: str, db: str) -> None:
    """The command's own steps, timed inside it (see --cli-steps)."""
    import atexit

    import paperscope.cli as cli
    from paperscope.library import Library

    spent: dict[str, float] = {"interpreter and imports": time.perf_counter() - PROCESS_START}
    timed(spent, Library, "import_file", "Library.import_file")
    timed(spent, cli, "_sync", "index catch-up (_sync)")
    timed(spent, cli, "_print_report", "the report")
    timed(spent, Library, "close", "closing the library")
    started = time.perf_counter()
    with contextlib.suppress(SystemExit):  # the command's exit status, as typer raises it
        cli.app(["import", "--quiet", "--db", db, path], standalone_mode=False)
    spent["opening the library, the rest"] = (
        time.perf_counter()
        - started
        - sum(v for k, v in spent.items() if k != "interpreter and imports")
    )
    done = time.perf_counter()
    # The exit itself (freeing what the import left) is timed by the parent.
    atexit.register(lambda: print(json.dumps({"spent": spent, "in_process": done - PROCESS_START})))


def cli_steps(path: Path) -> dict:
    with tempfile.TemporaryDirectory(prefix="paperscope-bench-") as tmp:
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, __file__, "--cli-child", str(path), str(Path(tmp) / "bench.db")],
            check=True,
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - started
    found = json.loads(result.stdout.strip().splitlines()[-1])
    found["whole"] = seconds
    return found


def report_cli_steps(label: str, steps: dict) -> None:
    print(f"  the command's own steps ({label}, run once more, timed inside it):")
    for name, seconds in steps["spent"].items():
        print(f"    {name:<30} {seconds:7.2f} s")
    print(f"    {'exit and process start':<30} {steps['whole'] - steps['in_process']:7.2f} s")
    figure(f"{label} CLI wall time, this run", steps["whole"], "s")


def parts(path: Path) -> dict:
    with tempfile.TemporaryDirectory(prefix="paperscope-bench-") as tmp:
        result = subprocess.run(
            [sys.executable, __file__, "--child", str(path), str(Path(tmp) / "bench.db")],
            check=True,
            capture_output=True,
            text=True,
        )
    return json.loads(result.stdout.strip().splitlines()[-1])


def report(label: str, lines: int, runs: list[dict], inside: dict | None) -> None:
    rates = [lines / r["seconds"] for r in runs]
    last = runs[-1]
    print(f"\n# {label}: {lines:,} lines, `paperscope import` end to end, runs={len(runs)}")
    figure(f"{label} CLI import rate until searchable (median)", median(rates), "papers/s")
    figure(f"{label} CLI wall time (median)", median(r["seconds"] for r in runs), "s")
    figure(f"{label} CLI CPU time (user+sys, last run)", last["cpu"], "s")
    figure(f"{label} CLI peak RSS", last["peak_rss"] / 2**20, "MiB")
    figure(f"{label} database size", last["db_bytes"] / 2**20, "MiB")
    print(f"  searchable by keyword when the command ended: {all(r['searchable'] for r in runs)}")
    if inside is None:
        return
    print(f"  the parts (one run in process, {inside['seconds']:.1f} s, "
          f"{inside['papers'] / inside['seconds']:,.0f} papers/s; "
          f"{inside['indexed']:,} papers in the keyword index):")  # fmt: skip
    for name, seconds in inside["spent"].items():
        print(f"    {name:<16} {seconds:7.1f} s")
    print(f"    process start, CLI  {median(r['seconds'] for r in runs) - inside['seconds']:5.1f} s"
          " (the whole minus the parts' run)")  # fmt: skip
    figure(f"{label} in-process peak RSS", inside["peak_rss"] / 2**20, "MiB")
    if inside["samples"]:
        print("  papers      elapsed   RSS")
        for papers, elapsed, rss in inside["samples"]:
            print(f"  {papers:>9,}  {elapsed:7.1f} s  {human_bytes(rss)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1_000_000, help="lines in the large file")
    parser.add_argument("--small", type=int, default=100_000, help="lines in the small file")
    parser.add_argument("--runs", type=int, default=3, help="runs of the small import")
    parser.add_argument("--large-runs", type=int, default=1, help="runs of the large import")
    parser.add_argument("--no-parts", action="store_true", help="time the whole command only")
    parser.add_argument("--only-small", action="store_true", help="skip the large file")
    parser.add_argument("--cli-steps", action="store_true",
                        help="also time the command's own steps, inside it")  # fmt: skip
    parser.add_argument("--child", nargs=2, metavar=("FILE", "DB"), help=argparse.SUPPRESS)
    parser.add_argument("--cli-child", nargs=2, metavar=("FILE", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        parts_child(*args.child)
        return 0
    if args.cli_child:
        cli_child(*args.cli_child)
        return 0
    small = synthetic_file(args.small, args.count)
    sizes = [(small, args.small, args.runs)]
    if not args.only_small:
        sizes.append((synthetic_file(args.count, args.count), args.count, args.large_runs))
    for path, lines, runs in sizes:
        label = f"{lines // 1000}k"
        results = [whole(path) for _ in range(runs)]
        report(label, lines, results, None if args.no_parts else parts(path))
        if args.cli_steps:
            report_cli_steps(label, cli_steps(path))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
