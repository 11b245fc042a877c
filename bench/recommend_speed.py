"""Personal recommendations for a whole digest run, on random clustered vectors.

    python bench/recommend_speed.py [--users 100000] [--papers 1000000] [--recent 2000]

Makes ``--papers`` unit vectors around 2,000 random topic centres (the
generator of vector_speed.py), the last ``--recent`` of them being the recent
papers to rank, and ``--users`` people who each upvoted 5 to 30 papers of 1
to 3 random topics. Then times what :func:`paperscope.recommend.recommend_many`
does for them after reading the database: the shared negative sample drawn
from every id, and :func:`paperscope.recommend.rank` (training every model,
scoring the recent papers, explaining each recommendation). SQLite and the
vector index's files are left out: the digest benchmark covers those.

Quality and convergence, on the first ``--check`` people:
- found: of the recent papers on a person's topics, the share in their top
  10 (out of at most 10);
- converged: agreement of the top 10 with the model trained 10 times longer;
- other sample: agreement of the top 10 with a model trained on another
  negative sample of the same size (how much the ranking owes to the sample).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from _common import figure, peak_rss_bytes

DIM = 384
CENTRES = 2_000
BLOCK = 50_000


def clustered(picks: np.ndarray, rng: np.random.Generator, centres: np.ndarray) -> np.ndarray:
    """vector_speed.py's generator, for given centres (the topics are needed here)."""
    noise = rng.normal(0, 0.35 / np.sqrt(DIM), (len(picks), DIM)).astype(np.float32)
    v = centres[picks] + noise * 4
    return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


def agreement(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.mean([len(set(x) & set(y)) / len(x) for x, y in zip(a, b, strict=True)]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--papers", type=int, default=1_000_000)
    parser.add_argument("--recent", type=int, default=2_000)
    parser.add_argument("--negatives", type=int, default=None, help="default: the library's")
    parser.add_argument("--check", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()

    from paperscope.recommend import ITERATIONS, NEGATIVES, negative_sample, rank

    size = args.negatives or NEGATIVES
    rng = np.random.default_rng(args.seed)
    centres = rng.normal(size=(CENTRES, DIM)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    topic = rng.integers(0, CENTRES, args.papers)
    vectors = np.empty((args.papers, DIM), dtype=np.float16)  # as the index stores them
    for start in range(0, args.papers, BLOCK):
        vectors[start : start + BLOCK] = clustered(topic[start : start + BLOCK], rng, centres)
    recent = np.arange(args.papers - args.recent, args.papers)
    old_by_topic = np.argsort(topic[: recent[0]], kind="stable")
    topic_starts = np.searchsorted(topic[: recent[0]][old_by_topic], np.arange(CENTRES + 1))

    # People: 1 to 3 topics each, 5 to 30 upvoted papers of those topics.
    tastes = [rng.choice(CENTRES, rng.integers(1, 4), replace=False) for _ in range(args.users)]
    pools = [np.concatenate([old_by_topic[topic_starts[t] : topic_starts[t + 1]] for t in likes])
             for likes in tastes]  # fmt: skip
    counts = np.minimum(rng.integers(5, 31, args.users), [len(pool) for pool in pools])
    pos_ptr = np.concatenate([[0], np.cumsum(counts)])
    pos_rows = np.empty(pos_ptr[-1], dtype=np.int64)
    for u, pool in enumerate(pools):
        pos_rows[pos_ptr[u] : pos_ptr[u + 1]] = np.sort(rng.choice(pool, counts[u], replace=False))
    print(f"# {args.users:,} people, {pos_ptr[-1]:,} upvotes, {args.papers:,} papers of "
          f"{DIM} dimensions, {args.recent:,} recent; {size:,} negatives, "
          f"{ITERATIONS} iterations", flush=True)  # fmt: skip

    ids = [f"p{i}" for i in range(args.papers)]
    started = time.perf_counter()
    sample = negative_sample(ids, {ids[r] for r in recent.tolist()}, size)
    figure("negative sample from every id", time.perf_counter() - started, "s")
    neg_rows = np.array([int(pid[1:]) for pid in sample], dtype=np.int64)

    started = time.perf_counter()
    ranking = rank(vectors, pos_ptr, pos_rows, neg_rows, recent, k=10)
    took = time.perf_counter() - started
    figure(f"{args.users // 1000}k people: train, rank and explain", took, "s")
    figure("per person", took / args.users * 1000, "ms")
    figure("peak RSS", peak_rss_bytes() / 2**20, "MiB")

    n = min(args.check, args.users)
    found = []
    for u in range(n):
        relevant = np.isin(topic[recent], tastes[u])
        if relevant.any():
            top = ranking.top[u][ranking.top[u] >= 0]
            found.append(relevant[top].sum() / min(10, relevant.sum()))
    figure("found (recent papers of their topics in the top 10)", float(np.mean(found)))
    sub_ptr, sub_rows = pos_ptr[: n + 1], pos_rows[: pos_ptr[n]]
    longer = rank(vectors, sub_ptr, sub_rows, neg_rows, recent, k=10, iterations=10 * ITERATIONS)
    figure(f"converged (top 10 vs {10 * ITERATIONS} iterations)",
           agreement(ranking.top[:n], longer.top))  # fmt: skip
    other = rng.choice(recent[0], size, replace=False)
    resampled = rank(vectors, sub_ptr, sub_rows, other, recent, k=10)
    figure("other sample (top 10 vs another negative sample)",
           agreement(ranking.top[:n], resampled.top))  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
