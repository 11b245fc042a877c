"""Vector search latency and recall at scale, on random clustered vectors.

    python bench/vector_speed.py [--sizes 100000,1000000] [--queries 200]

For each size, in a fresh child process: fill a ``VectorIndex`` with unit
vectors scattered around 2,000 random centres (papers cluster by topic; the
issue allows synthetic vectors for timing), then time top-10 searches through
the index (its automatic switch picks HNSW above 20,000 vectors) and compare
them with exact brute force over the same float16 vectors: recall@10 is the
share of the exact top 10 that the index returns.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from _common import current_rss_bytes, figure, peak_rss_bytes

DIM = 384
CENTRES = 2_000


def clustered(n: int, rng: np.random.Generator, centres: np.ndarray) -> np.ndarray:
    picks = rng.integers(0, len(centres), n)
    v = centres[picks] + rng.normal(0, 0.35 / np.sqrt(DIM), (n, DIM)).astype(np.float32) * 4
    return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


def child(size: int, queries: int) -> None:
    from paperscope.search.vectors import VectorIndex

    rng = np.random.default_rng(42)
    centres = rng.normal(size=(CENTRES, DIM)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    with tempfile.TemporaryDirectory(prefix="paperscope-vectors-") as tmp:
        index = VectorIndex(Path(tmp) / "vectors", dim=DIM)
        started = time.perf_counter()
        for start in range(0, size, 50_000):
            n = min(50_000, size - start)
            ids = [f"p{i}" for i in range(start, start + n)]
            index.upsert(ids, clustered(n, rng, centres), [""] * n)
        added = time.perf_counter() - started
        q = clustered(queries, rng, centres)
        started = time.perf_counter()
        index.prepare()  # builds the ANN graph, as `paperscope embed` does at its end
        first = time.perf_counter() - started
        times, found = [], []
        for vec in q:
            t = time.perf_counter()
            hits = index.search(vec, k=10)
            times.append(time.perf_counter() - t)
            found.append({pid for pid, _ in hits})
        rss = current_rss_bytes()
        exact = exact_top10(index, q)
        recall = statistics.mean(len(f & e) / 10 for f, e in zip(found, exact, strict=True))
        ms = sorted(t * 1000 for t in times)
        label = f"{size // 1000}k"
        figure(f"{label} add vectors", size / added, "vectors/s")
        figure(f"{label} ANN graph build", first, "s")
        figure(f"{label} top-10 p50", statistics.median(ms), "ms")
        figure(f"{label} top-10 p99", statistics.quantiles(ms, n=100)[98], "ms")
        figure(f"{label} recall@10 vs exact", recall)
        figure(f"{label} RSS while searching", rss / 2**20, "MiB")
        figure(f"{label} peak RSS (with the exact check)", peak_rss_bytes() / 2**20, "MiB")
        index.close()


def exact_top10(index, queries: np.ndarray) -> list[set[str]]:
    """Brute force over the stored float16 vectors, chunk by chunk."""
    ids = index.ids()
    best = [np.full(10, -np.inf, dtype=np.float32) for _ in queries]
    best_rows = [np.zeros(10, dtype=np.int64) for _ in queries]
    for start in range(0, len(ids), 100_000):
        chunk = np.stack([index.vector_of(pid) for pid in ids[start : start + 100_000]])
        scores = queries @ chunk.astype(np.float32).T
        for i, row in enumerate(scores):
            merged = np.concatenate([best[i], row])
            rows = np.concatenate([best_rows[i], np.arange(start, start + len(row))])
            top = np.argpartition(-merged, 10)[:10]
            best[i], best_rows[i] = merged[top], rows[top]
    return [{ids[r] for r in rows} for rows in best_rows]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.queries)
        return 0
    for size in (int(s) for s in args.sizes.split(",")):
        print(f"\n# {size:,} vectors of {DIM} dimensions", flush=True)
        cmd = [sys.executable, __file__, "--child", str(size), "--queries", str(args.queries)]
        subprocess.run(cmd, check=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
