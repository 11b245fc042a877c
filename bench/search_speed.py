"""Keyword and hybrid search latency and memory over a synthetic library.

    python bench/search_speed.py [--sizes 100000,1000000] [--queries 1000] [--hybrid]

For each size, imports that many synthetic papers (bench/gen_arxiv.py's file,
cut to size) into a fresh library in a child process, builds the keyword
index, then times realistic queries two ways: the bare index (parse + BM25),
and the whole ``Library.search`` the CLI and web use (exact look-up, BM25,
loading the 20 papers shown). Prints p50/p95/p99 in milliseconds, the index
build rate, and the RSS of the searching process.

Queries are made from the corpus itself, as users type them: 2-4 words of a
random title, a quoted two-word phrase, a word with -exclusion, a cat: or
author: restriction, a date filter, and an exact arXiv id.

With ``--hybrid``, every paper then gets a random clustered vector (timing
only: the synthetic texts are not worth embedding for hours on a CPU), the
vector index builds its ANN graph as ``paperscope embed`` does at its end,
and the same queries run through ``Library.search(mode="hybrid")``. The
queries are embedded by the real model beforehand and served from a cache,
so the hybrid figures leave out the query's embedding, as the issue asks;
the model stays loaded, so the RSS is that of a real search process.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import current_rss_bytes, figure, peak_rss_bytes, synthetic_file

STOP = {"a", "an", "the", "of", "for", "in", "on", "with", "and", "to", "via", "from", "by"}


def make_queries(path: Path, count: int, seed: int = 7) -> list[tuple[str, dict]]:
    rng = random.Random(seed)
    records = []
    with path.open("rb") as f:
        for i, line in enumerate(f):
            if rng.random() < 5_000 / 1_000_000 or i < 200:
                records.append(json.loads(line))
    queries: list[tuple[str, dict]] = []
    while len(queries) < count:
        r = rng.choice(records)
        words = [w.strip(".,:;()$") for w in r["title"].split()]
        words = [w for w in words if w and w.lower() not in STOP and w.isalpha()]
        if len(words) < 2:
            continue
        kind = rng.random()
        picked = rng.sample(words, min(len(words), rng.randint(2, 4)))
        if kind < 0.45:
            queries.append((" ".join(picked), {}))
        elif kind < 0.6:
            i = rng.randrange(len(words) - 1)
            queries.append((f'"{words[i]} {words[i + 1]}"', {}))
        elif kind < 0.7:
            queries.append((f"{picked[0]} {picked[1]} -{rng.choice(words)}", {}))
        elif kind < 0.8:
            queries.append((f"{picked[0]} cat:{r['categories'].split()[0]}", {}))
        elif kind < 0.87:
            last = r["authors_parsed"][0][0]
            queries.append((f'{picked[0]} author:"{last}"', {}))
        elif kind < 0.95:
            queries.append((" ".join(picked), {"date_from": "2020-01-01"}))
        else:
            queries.append((r["id"], {}))
    return queries


def percentiles(times: list[float]) -> tuple[float, float, float]:
    ms = sorted(t * 1000 for t in times)
    q = statistics.quantiles(ms, n=100)
    return q[49], q[94], q[98]


class CachedQueries:
    """The real embedder, with the benchmark's query vectors computed up front."""

    def __init__(self, embedder, texts: list[str]):
        from paperscope.search.query import clean

        self.embedder = embedder
        self.model_name, self.dim = embedder.model_name, embedder.dim
        keys = sorted({" ".join(clean(t).split()) for t in texts})
        self.cache = dict(zip(keys, embedder.encode(keys), strict=True))
        self.misses = 0

    def encode_query(self, text: str):
        if text not in self.cache:
            self.misses += 1
            return self.embedder.encode_query(text)
        return self.cache[text]


def add_vectors(lib, label: str) -> None:
    """A random clustered unit vector for every paper, then the ANN graph."""
    import numpy as np

    from vector_speed import CENTRES, DIM, clustered

    rng = np.random.default_rng(42)
    centres = rng.normal(size=(CENTRES, DIM)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    ids = [row[0] for row in lib.store.conn.execute("SELECT id FROM papers ORDER BY rowid")]
    index = lib.vector_index()
    for start in range(0, len(ids), 50_000):
        chunk = ids[start : start + 50_000]
        index.upsert(chunk, clustered(len(chunk), rng, centres), [""] * len(chunk))
    started = time.perf_counter()
    index.prepare()
    figure(f"{label} ANN graph build (end of embed)", time.perf_counter() - started, "s")


def time_hybrid(lib, queries: list[tuple[str, dict]], label: str) -> None:
    from paperscope.search.query import SearchFilters

    add_vectors(lib, label)
    cached = lib._embedder = CachedQueries(lib.embedder(), [t for t, _ in queries])
    for text, filters in queries[:50]:
        lib.search(text, mode="hybrid", filters=SearchFilters(**filters))
    times = []
    for text, filters in queries:
        t = time.perf_counter()
        lib.search(text, mode="hybrid", filters=SearchFilters(**filters), limit=20)
        times.append(time.perf_counter() - t)
    p50, p95, p99 = percentiles(times)
    figure(f"{label} hybrid p50 (query embedding excluded)", p50, "ms")
    figure(f"{label} hybrid p95", p95, "ms")
    figure(f"{label} hybrid p99", p99, "ms")
    figure(f"{label} query vectors not in the cache", cached.misses, f"of {len(queries)}")
    figure(
        f"{label} RSS while searching (keyword + vectors + model)",
        current_rss_bytes() / 2**20,
        "MiB",
    )


def child(size: int, count: int, hybrid: bool) -> None:
    from paperscope.library import Library
    from paperscope.search.query import SearchFilters, parse_query

    path = synthetic_file(size)
    with tempfile.TemporaryDirectory(prefix="paperscope-search-") as tmp:
        lib = Library(Path(tmp) / "lib.db")
        lib.import_file(path)
        started = time.perf_counter()
        lib.sync_index()
        build = time.perf_counter() - started
        figure(f"{size // 1000}k index build rate", size / build, "papers/s")
        index = lib.lexical_index()
        queries = make_queries(path, count)
        for text, filters in queries[:50]:  # warm up caches
            lib.search(text, filters=SearchFilters(**filters))
        bare, full, empty = [], [], 0
        for text, filters in queries:
            f = SearchFilters(**filters)
            t = time.perf_counter()
            index.search(parse_query(text), limit=20, filters=f)
            bare.append(time.perf_counter() - t)
            t = time.perf_counter()
            results = lib.search(text, filters=f, limit=20)
            full.append(time.perf_counter() - t)
            empty += not results.hits
        for label, times in (("index", bare), ("Library.search", full)):
            p50, p95, p99 = percentiles(times)
            figure(f"{size // 1000}k {label} p50", p50, "ms")
            figure(f"{size // 1000}k {label} p95", p95, "ms")
            figure(f"{size // 1000}k {label} p99", p99, "ms")
        figure(f"{size // 1000}k queries with no result", empty, f"of {len(queries)}")
        figure(f"{size // 1000}k RSS while searching", current_rss_bytes() / 2**20, "MiB")
        figure(
            f"{size // 1000}k peak RSS (import + index + search)", peak_rss_bytes() / 2**20, "MiB"
        )
        if hybrid:
            time_hybrid(lib, queries, f"{size // 1000}k")
        lib.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--hybrid", action="store_true", help="also time hybrid search")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.queries, args.hybrid)
        return 0
    for size in (int(s) for s in args.sizes.split(",")):
        print(f"\n# {size:,} papers", flush=True)
        cmd = [sys.executable, __file__, "--child", str(size), "--queries", str(args.queries)]
        subprocess.run(cmd + ["--hybrid"] * args.hybrid, check=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
