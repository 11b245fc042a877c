"""Write a synthetic arXiv bulk-metadata snapshot (Kaggle JSON lines) for benchmarks.

    python bench/gen_arxiv.py OUT.jsonl --count 1000000 [--seed 42]
        [--start-date 2007-04-01 --end-date 2026-11-20] [--id-style new|mixed]
        [--old-share 0.15] [--jobs N]

The generator itself is :mod:`paperscope.synthetic` (the demo corpus uses it
too); this is its command line, printing the benchmark figures. The file is
the same for the same seed and arguments, whatever ``--jobs`` is.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date

from paperscope.synthetic import DEFAULT_END, DEFAULT_START, check, write


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Write a synthetic arXiv snapshot (Kaggle JSON lines) for benchmarks."
    )
    parser.add_argument("out", help="output .jsonl path (written atomically)")
    parser.add_argument("--count", type=int, default=1_000_000, help="number of papers")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--start-date", type=date.fromisoformat, default=DEFAULT_START)
    parser.add_argument("--end-date", type=date.fromisoformat, default=DEFAULT_END)
    parser.add_argument(
        "--id-style",
        choices=("new", "mixed"),
        default="new",
        help="mixed: also old-style ids (hep-th/0601001) dated 1991-2007",
    )
    parser.add_argument(
        "--old-share", type=float, default=0.15, help="share of old-style ids in mixed mode"
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        help="worker processes (default: one per CPU); the output does not depend on it",
    )
    args = parser.parse_args(argv)

    def report(done: int, seconds: float) -> None:
        rate = done / seconds if seconds else 0
        print(f"{done:>12,} lines {seconds:8.1f} s {rate:10,.0f} lines/s", file=sys.stderr)

    options = {
        "seed": args.seed,
        "start_date": args.start_date,
        "end_date": args.end_date,
        "id_style": args.id_style,
        "old_share": args.old_share,
    }
    try:  # refuse impossible requests as usage errors, before writing anything
        check(args.count, **options)
    except ValueError as exc:
        parser.error(str(exc))
    stats = write(args.out, args.count, **options, jobs=args.jobs, progress=report)
    from _common import figure  # bench/ is on sys.path when this runs as a script

    print(f"wrote {stats.lines:,} lines ({stats.bytes / 1e6:,.1f} MB) to {args.out}")
    figure("generate time", stats.seconds, "s")
    figure("generate speed", stats.lines_per_second, "lines/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
