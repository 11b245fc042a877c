"""Import one file in a fresh process and print, as JSON, what it did and the memory it took.

Used by test_memory_bombs.py: ``python tests/importers/import_child.py DB FILE [FORMAT]``.
The process's address space is capped at 2 GiB, so a runaway import dies here
(of MemoryError, or of a signal when a native library cannot allocate: orjson
crashes under a 1 GiB cap reading a 60 MB document) instead of taking the
machine's memory; the parent sees that and fails.

Peak RSS is the process's high-water mark, ``VmHWM`` in /proc/self/status (KiB).
Not ``ru_maxrss``: on Linux that survives ``exec`` and starts at the peak of the
process that spawned this one (pytest, with everything it ran before), so a
child started from a 500 MiB parent reports 500 MiB having done nothing.
``baseline_kib`` is the same mark after importing paperscope and every importer
and opening the library, before the file is read, so a report shows what the
file cost.
"""

from __future__ import annotations

import json
import resource
import sys

AS_CAP = 2 << 30
HEAVY = ("torch", "onnxruntime", "transformers", "sentence_transformers", "tokenizers")


def peak_rss_kib() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status")


def main() -> None:
    db, path = sys.argv[1], sys.argv[2]
    forced = sys.argv[3] if len(sys.argv) > 3 else None
    resource.setrlimit(resource.RLIMIT_AS, (AS_CAP, AS_CAP))

    from paperscope import importers
    from paperscope.library import Library

    for name in importers.FORMATS:
        importers.get(name)
    with Library(db) as lib:
        baseline = peak_rss_kib()
        report = lib.import_file(path, format=forced)
        peak = peak_rss_kib()
        titles = [paper.title[:200] for paper in lib.papers()]
        title_lengths = [len(paper.title) for paper in lib.papers()]
    print(
        json.dumps(
            {
                "format": report.format,
                "added": report.added,
                "failed": report.failed,
                "error": report.error,
                "problems": [[p.line, p.unit, p.message] for p in report.problems],
                "titles": titles,
                "longest_title": max(title_lengths, default=0),
                "baseline_kib": baseline,
                "peak_kib": peak,
                "heavy_modules": [m for m in HEAVY if m in sys.modules],
            }
        )
    )


if __name__ == "__main__":
    main()
