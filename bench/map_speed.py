"""The map's layout job (paperscope.layout) on random clustered vectors.

    python bench/map_speed.py [--sizes 10000 100000] [--seed 42]

For each size, in a fresh process of its own (so that its peak memory is its
own): ``N`` unit vectors around N/50 random topic centres (vector_speed.py's
generator) with titles of words drawn from each topic's own small
vocabulary, then the stages of a whole layout timed one by one: PCA and UMAP
(:func:`~paperscope.layout.lay_out`), k-means (:func:`~paperscope.layout.cluster`)
and the labels (:func:`~paperscope.layout.label_clusters`); and the
incremental step, 1,000 new papers placed by their neighbours
(:func:`~paperscope.layout.place`). numba compiles umap-learn's functions
on a process's first layout, as it does in every `paperscope map` run: the
first layout is timed as it comes, and, up to 20,000 papers, a second one of
the same vectors shows what the compiling cost (and that the layout is the
same). Above 20,000 the neighbour search is pynndescent's, compiled too.
Reading the vectors from the index and writing the points to the database
are left out.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

import numpy as np

from _common import figure, human_bytes, peak_rss_bytes

DIM = 384
PER_TOPIC = 50
NEW = 1_000
WORDS = 8  # words of a topic's vocabulary; a title has four of them


def clustered(n: int, rng: np.random.Generator) -> tuple[np.ndarray, list[str]]:
    topics = max(2, n // PER_TOPIC)
    centres = rng.normal(0, 1 / np.sqrt(DIM), (topics, DIM)).astype(np.float32)
    picks = rng.integers(0, topics, n)
    noise = rng.normal(0, 0.35 / np.sqrt(DIM), (n, DIM)).astype(np.float32)
    v = centres[picks] + noise * 4
    vectors = (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    vocab = ["".join(rng.choice(letters, 7)) for _ in range(topics * WORDS)]
    titles = [" ".join(vocab[t * WORDS + w] for w in rng.integers(0, WORDS, 4)) for t in picks]
    return vectors, titles


def one(n: int, seed: int) -> None:
    from paperscope.layout import (
        EXACT_NEIGHBOURS,
        cluster,
        cluster_count,
        label_clusters,
        lay_out,
        place,
    )  # fmt: skip

    rng = np.random.default_rng(seed)
    vectors, titles = clustered(n + NEW, rng)
    known, new = vectors[:n], vectors[n:]
    started = time.perf_counter()
    coords = lay_out(known, seed)
    layout_s = time.perf_counter() - started
    figure(f"layout (PCA + UMAP) of {n:,}, numba compiling included", layout_s, "s")
    if n <= EXACT_NEIGHBOURS:
        started = time.perf_counter()
        same = np.array_equal(lay_out(known, seed), coords)
        figure(f"the same layout again, compiled (same: {same})", time.perf_counter() - started,
               "s")  # fmt: skip
    k = cluster_count(n)
    started = time.perf_counter()
    found = cluster(coords, k, seed)
    cluster_s = time.perf_counter() - started
    figure(f"k-means, k={k}", cluster_s, "s")
    started = time.perf_counter()
    label_clusters(titles[:n], found, k)
    label_s = time.perf_counter() - started
    figure("labels (tf-idf of titles)", label_s, "s")
    figure(f"whole layout of {n:,}", layout_s + cluster_s + label_s, "s")
    started = time.perf_counter()
    place(new, known, coords, found)
    figure(f"{NEW:,} new papers placed among {n:,}", time.perf_counter() - started, "s")
    figure(f"peak memory at {n:,}", peak_rss_bytes() / 2**20, "MiB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # a size, in this process
    args = parser.parse_args()
    if args.one:
        one(args.one, args.seed)
        return 0
    for n in args.sizes:
        print(f"-- {n:,} papers", flush=True)
        done = subprocess.run([sys.executable, __file__, "--one", str(n), "--seed", str(args.seed)])
        if done.returncode:
            return done.returncode
    print(f"(largest child peak: {human_bytes(peak_rss_bytes(children=True))})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
