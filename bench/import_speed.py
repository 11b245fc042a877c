"""Import speed and memory: synthetic arXiv snapshot files into fresh SQLite databases.

    python bench/import_speed.py [--count 1000000] [--small 100000] [--runs 3]

Generates (once, cached in bench/out/) a Kaggle-format file of ``--count``
lines with bench/gen_arxiv.py, and a ``--small`` file of its first lines.
Each import runs in a fresh child process on a fresh database, so the peak
RSS reported is that import's alone. The child samples its RSS every 100,000
papers to show that memory stays flat as the file grows.

Figures: papers/s (median of ``--runs`` runs for the small file, one run for
the large one), peak RSS, and the RSS trace.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import current_rss_bytes, figure, human_bytes, median, peak_rss_bytes, synthetic_file

SAMPLE_EVERY = 100_000


def child(path: str, db: str) -> None:
    """Import ``path`` into ``db`` and print one JSON line of measurements."""
    from paperscope.library import Library

    samples: list[tuple[int, float, int]] = []
    started = time.perf_counter()
    next_sample = SAMPLE_EVERY

    def progress(done: int, total: int, papers: int) -> None:
        nonlocal next_sample
        if papers >= next_sample:
            samples.append((papers, time.perf_counter() - started, current_rss_bytes()))
            next_sample += SAMPLE_EVERY

    with Library(db) as lib:
        report = lib.import_file(path, progress=progress)
    seconds = time.perf_counter() - started
    papers = report.added + report.updated + report.unchanged
    print(
        json.dumps(
            {
                "papers": papers,
                "failed": report.failed,
                "seconds": seconds,
                "peak_rss": peak_rss_bytes(),
                "samples": samples,
                "db_bytes": Path(db).stat().st_size,
            }
        )
    )


def run_child(path: Path) -> dict:
    with tempfile.TemporaryDirectory(prefix="paperscope-bench-") as tmp:
        result = subprocess.run(
            [sys.executable, __file__, "--child", str(path), str(Path(tmp) / "bench.db")],
            check=True,
            capture_output=True,
            text=True,
        )
    return json.loads(result.stdout.strip().splitlines()[-1])


def report(label: str, results: list[dict]) -> None:
    rates = [r["papers"] / r["seconds"] for r in results]
    last = results[-1]
    print(f"\n# {label}: {last['papers']:,} papers, {last['failed']} failed, runs={len(results)}")
    figure(f"{label} import rate (median)", median(rates), "papers/s")
    figure(f"{label} import time (median)", median(r["seconds"] for r in results), "s")
    figure(f"{label} peak RSS", last["peak_rss"] / 2**20, "MiB")
    figure(f"{label} database size", last["db_bytes"] / 2**20, "MiB")
    if last["samples"]:
        print("  papers      elapsed   RSS")
        for papers, elapsed, rss in last["samples"]:
            print(f"  {papers:>9,}  {elapsed:7.1f} s  {human_bytes(rss)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1_000_000, help="lines in the large file")
    parser.add_argument("--small", type=int, default=100_000, help="lines in the small file")
    parser.add_argument("--runs", type=int, default=3, help="runs of the small import")
    parser.add_argument("--child", nargs=2, metavar=("FILE", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return 0
    small, big = synthetic_file(args.small, args.count), synthetic_file(args.count, args.count)
    report(f"{args.small // 1000}k", [run_child(small) for _ in range(args.runs)])
    report(f"{args.count // 1000}k", [run_child(big)])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
