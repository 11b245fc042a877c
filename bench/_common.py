"""Helpers the benchmark scripts share: timing runs, peak memory, printing figures.

Benchmarks print one figure a line as ``name: value unit`` so that results can
be compared by eye, grepped, and pasted into the notes next to the scripts.
Import it from a script in bench/ (the script's folder is on ``sys.path``)::

    from _common import figure, median_time, peak_rss_bytes
"""

from __future__ import annotations

import os
import resource
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TextIO

REPO = Path(__file__).resolve().parent.parent
# ../shared sits beside the repository, as for the tests; PAPERSCOPE_SHARED overrides.
SHARED = Path(os.environ.get("PAPERSCOPE_SHARED", REPO.parent / "shared"))
ARXIV_SAMPLE = SHARED / "data" / "arxiv" / "arxiv-metadata-oai-snapshot.sample.jsonl"


def peak_rss_bytes(children: bool = False) -> int:
    """The peak resident memory of this process (or of its finished children), in bytes.

    ``ru_maxrss`` is in kilobytes on Linux and in bytes on macOS.
    """
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    peak = resource.getrusage(who).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def current_rss_bytes() -> int:
    """This process's resident memory now (psutil), for measuring growth over a step."""
    import psutil

    return psutil.Process().memory_info().rss


def median(values: Iterable[float]) -> float:
    return statistics.median(list(values))


def run_times(fn: Callable[[], object], runs: int = 5, warmup: int = 1) -> list[float]:
    """Seconds taken by each of ``runs`` calls of ``fn``, after ``warmup`` untimed calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return times


def median_time(fn: Callable[[], object], runs: int = 5, warmup: int = 1) -> float:
    """The median of ``run_times``: steadier than the mean on a shared machine."""
    return median(run_times(fn, runs, warmup))


def format_value(value: float) -> str:
    """Integers as they are; other numbers to four significant digits, no exponent."""
    if isinstance(value, int):
        return str(value)
    if value != value or value in (float("inf"), float("-inf")):
        return str(value)
    if abs(value) >= 1000:
        return f"{value:.0f}"
    return f"{value:.4g}" if abs(value) >= 1e-3 or value == 0 else f"{value:.3e}"


def figure(name: str, value: float, unit: str = "", file: TextIO | None = None) -> str:
    """Print (and return) one result line: ``name: value unit``."""
    line = f"{name}: {format_value(value)} {unit}".rstrip()
    print(line, file=file or sys.stdout, flush=True)
    return line


def human_bytes(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(n) < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    raise AssertionError("unreachable")


OUT = REPO / "bench" / "out"


def synthetic_file(size: int, full: int = 1_000_000) -> Path:
    """A synthetic snapshot of ``size`` lines from bench/gen_arxiv.py, cached in bench/out/.

    The ``full``-line file is generated once (seed 42); smaller sizes are its
    first lines, cut into their own file. Both are written to a temporary name
    and renamed, so an interrupted run never leaves a short file to be reused.
    """
    import subprocess

    OUT.mkdir(parents=True, exist_ok=True)
    big = OUT / f"arxiv-{full}.jsonl"
    if not big.exists():
        print(f"generating {full:,} records into {big} ...", file=sys.stderr, flush=True)
        generator = REPO / "bench" / "gen_arxiv.py"
        subprocess.run([sys.executable, str(generator), str(big), "--count", str(full)], check=True)
    if size >= full:
        return big
    part = OUT / f"arxiv-{full}-first-{size}.jsonl"
    if not part.exists():
        tmp = part.with_suffix(".tmp")
        with big.open("rb") as src, tmp.open("wb") as dst:
            for _ in range(size):
                line = src.readline()
                if not line:
                    break
                dst.write(line)
        os.replace(tmp, part)
    return part
