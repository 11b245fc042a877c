"""Search quality on SciFact: nDCG@10 and Recall@100 for each search mode.

    python bench/quality.py [--modes keyword,semantic,hybrid] [--k 60]

Uses ../shared/data/scifact: 2,101 abstracts (no titles) and the official test
queries, evaluated on the 77 whose relevant documents are all in the subset.
The documents become papers with the text as abstract, indexed by the same
modules the service uses; the hybrid mode is the service's own fusion.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import tempfile
from collections.abc import Callable
from pathlib import Path

from _common import SHARED, figure
from paperscope.models import Paper
from paperscope.search.hybrid import DEFAULT_K, rrf
from paperscope.search.lexical import LexicalIndex
from paperscope.search.query import parse_query

DATA = SHARED / "data" / "scifact"
DEPTH = 100


def load() -> tuple[list[Paper], dict[str, str], dict[str, dict[str, int]]]:
    papers = []
    with (DATA / "corpus.jsonl").open(encoding="utf-8") as f:
        for line in f:
            doc = json.loads(line)
            papers.append(Paper(id=doc["doc_id"], title="", abstract=doc["text"]))
    queries = {}
    with (DATA / "queries.test.tsv").open(encoding="utf-8") as f:
        for row in csv.reader(f, delimiter="\t"):
            queries[row[0]] = row[1]
    qrels: dict[str, dict[str, int]] = {}
    with (DATA / "qrels.test.txt").open(encoding="utf-8") as f:
        for line in f:
            qid, _, doc, rel = line.split()
            qrels.setdefault(qid, {})[doc] = int(rel)
    ids = {p.id for p in papers}
    complete = {q: rel for q, rel in qrels.items() if q in queries and set(rel) <= ids}
    return papers, {q: queries[q] for q in complete}, complete


def ndcg(ranked: list[str], relevant: dict[str, int], k: int = 10) -> float:
    gain = sum(relevant.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted(relevant.values(), reverse=True)[:k]
    best = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return gain / best if best else 0.0


def recall(ranked: list[str], relevant: dict[str, int], k: int = DEPTH) -> float:
    return len(set(ranked[:k]) & set(relevant)) / len(relevant)


def rankers(papers: list[Paper], modes: list[str], tmp: Path, k: int) -> dict[str, Callable]:
    index = LexicalIndex(tmp / "lexical")
    index.upsert(papers)

    def keyword(text: str) -> list[str]:
        return [h.id for h in index.search(parse_query(text), limit=DEPTH)]

    found: dict[str, Callable[[str], list[str]]] = {"keyword": keyword}
    if {"semantic", "hybrid"} & set(modes):
        from paperscope.search.embed import Embedder
        from paperscope.search.vectors import VectorIndex

        embedder = Embedder()
        vectors = VectorIndex(tmp / "vectors", dim=embedder.dim)
        texts = [p.abstract for p in papers]
        vectors.upsert([p.id for p in papers], embedder.encode(texts), ["" for _ in papers])

        def semantic(text: str) -> list[str]:
            return [pid for pid, _ in vectors.search(embedder.encode_query(text), k=DEPTH)]

        def hybrid(text: str) -> list[str]:
            fused = rrf({"keyword": keyword(text), "semantic": semantic(text)}, k=k)
            return [pid for pid, _, _ in fused]

        found.update(semantic=semantic, hybrid=hybrid)
    return {m: found[m] for m in modes}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--modes", default="keyword,semantic,hybrid")
    parser.add_argument("--k", type=int, default=DEFAULT_K, help="the RRF constant")
    parser.add_argument(
        "--sweep", action="store_true", help="also score hybrid over a grid of k and weights"
    )
    args = parser.parse_args()
    modes = args.modes.split(",")
    papers, queries, qrels = load()
    print(f"# SciFact: {len(papers):,} documents, {len(queries)} queries with complete judgments")
    runs_by_mode = {}
    with tempfile.TemporaryDirectory(prefix="paperscope-quality-") as tmp:
        for mode, rank in rankers(papers, modes, Path(tmp), args.k).items():
            runs = runs_by_mode[mode] = {q: rank(text) for q, text in queries.items()}
            figure(f"{mode} nDCG@10", sum(ndcg(runs[q], qrels[q]) for q in queries) / len(queries))
            figure(
                f"{mode} Recall@100", sum(recall(runs[q], qrels[q]) for q in queries) / len(queries)
            )
    if args.sweep and {"keyword", "semantic"} <= set(runs_by_mode):
        sweep(runs_by_mode["keyword"], runs_by_mode["semantic"], qrels)
    return 0


def sweep(keyword: dict, semantic: dict, qrels: dict) -> None:
    """nDCG@10 of weighted RRF over a small grid (weights relative to keyword = 1)."""
    print("\n# hybrid nDCG@10 by RRF k (rows) and semantic weight (columns)")
    weights = (0.2, 0.3, 0.5, 0.7, 1.0)
    print("k    " + "  ".join(f"{w:>5}" for w in weights))
    for k in (10, 30, 60, 100):
        row = []
        for w in weights:
            total = 0.0
            for q in qrels:
                rankings = {"keyword": keyword[q], "semantic": semantic[q]}
                fused = rrf(rankings, k=k, weights={"semantic": w})
                total += ndcg([pid for pid, _, _ in fused], qrels[q])
            row.append(total / len(qrels))
        print(f"{k:<4} " + "  ".join(f"{v:.3f}" for v in row))


if __name__ == "__main__":
    raise SystemExit(main())
