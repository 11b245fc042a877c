"""Fusing the keyword and semantic rankings into one.

Two ways are offered, and bench/quality.py chooses between them (and their
parameters) by cross-validation over the judged query sets:

- **rrf**, reciprocal rank fusion (Cormack, Clarke and Büttcher, SIGIR 2009):
  a paper scores ``weight / (k + rank)`` summed over the rankings that hold it.
  It needs no calibration between BM25 and cosine, but it throws away how far
  apart two hits are: a paper far ahead in meaning counts no more than one
  just ahead.
- **convex**, a convex combination of normalised scores (Bruch, Gai and
  Ingber, "An Analysis of Fusion Functions for Hybrid Retrieval", 2023):
  ``alpha * semantic + (1 - alpha) * keyword``, with BM25 divided by the
  query's best BM25 and cosine mapped from ``[floor, best]`` to ``[0, 1]``; a
  paper missing from a ranking gets 0 from it.

A paper found only by meaning, below the similarity floor, is no match at
all: it is dropped before fusing (see semantic.SIMILARITY_FLOOR).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from paperscope.search.results import Hit

DEFAULT_K = 60


@dataclass(frozen=True)
class Fusion:
    """How hybrid search combines its two rankings (see the module docstring)."""

    method: str = "convex"  # or "rrf"
    alpha: float = 0.5  # convex: the semantic share
    # convex: cosine mapped from [floor, the query's best] ("relative") or from
    # [floor, 1] ("absolute", so a query that nothing means much to stays weak)
    cosine: str = "relative"
    k: int = DEFAULT_K  # rrf: the rank constant
    semantic_weight: float = 0.5  # rrf: the semantic ranking's weight (keyword 1)

    def __post_init__(self) -> None:
        if self.method not in ("convex", "rrf"):
            raise ValueError(f"unknown fusion method {self.method!r}")
        if self.cosine not in ("relative", "absolute"):
            raise ValueError(f"unknown cosine scale {self.cosine!r}")


# Chosen over every judged query set (bench/quality.py --choose): the grid
# point with the best nDCG@10 averaged over the sets. Five-fold
# cross-validation chose alpha 0.5-0.6, absolute, in every fold, and its
# held-out figures (bench/README.md) are at least those of the better single
# mode on every set; every RRF setting scored lower.
DEFAULT_FUSION = Fusion(method="convex", alpha=0.55, cosine="absolute")


def fuse(
    keyword: Sequence[Hit],
    semantic: Sequence[Hit],
    fusion: Fusion = DEFAULT_FUSION,
    *,
    floor: float = 0.0,
) -> list[Hit]:
    """One ranking from a keyword and a semantic ranking (each best first).

    Every fused hit keeps both rankers' reasons (their ranks and scores) in
    ``why``; its score is the fused one. Ties keep the order of first
    appearance (keyword first), so the result is deterministic.
    """
    why: dict[str, dict[str, str | int | float]] = {}
    for hit in (*keyword, *semantic):
        why.setdefault(hit.id, {}).update(hit.why)
    if fusion.method == "rrf":
        scores = _rrf(
            {"keyword": [h.id for h in keyword], "semantic": [h.id for h in semantic]},
            k=fusion.k,
            weights={"keyword": 1.0, "semantic": fusion.semantic_weight},
        )
    else:
        top = 1.0 if fusion.cosine == "absolute" else max((h.score for h in semantic), default=0.0)
        scores = _convex(keyword, semantic, fusion.alpha, floor, top)
    order = sorted(scores, key=lambda pid: -scores[pid])  # stable
    return [Hit(pid, scores[pid], why[pid]) for pid in order]


def _convex(
    keyword: Sequence[Hit], semantic: Sequence[Hit], alpha: float, floor: float, top: float
) -> dict[str, float]:
    scores: dict[str, float] = {}
    best = max((h.score for h in keyword), default=0.0)
    for hit in keyword:  # BM25 of 0.0 (restrictions only, by date) scores 0
        scores[hit.id] = (1 - alpha) * (hit.score / best if best > 0 else 0.0)
    span = top - floor
    for hit in semantic:
        part = (hit.score - floor) / span if span > 1e-9 else 1.0
        scores[hit.id] = scores.get(hit.id, 0.0) + alpha * max(0.0, part)
    return scores


def _rrf(
    rankings: Mapping[str, Sequence[str]], *, k: int, weights: Mapping[str, float]
) -> dict[str, float]:
    scores: dict[str, float] = {}
    for name, ids in rankings.items():
        weight = weights.get(name, 1.0)
        for rank, pid in enumerate(dict.fromkeys(ids), 1):
            scores[pid] = scores.get(pid, 0.0) + weight / (k + rank)
    return scores
