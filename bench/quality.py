"""Search quality on judged query sets, for keyword, semantic and hybrid search,
and the cross-validated choice of how hybrid fuses the two.

    python bench/quality.py                      # the table with the shipped fusion and floor
    python bench/quality.py --choose             # + 5-fold cross-validation of the fusion
    python bench/quality.py --floor              # + the similarity floor's calibration
    python bench/quality.py --embedder onnx-int8 # another embedding path (torch, onnx, onnx-int8)

The sets (bench/queries/README.md says how they were written):

- known-item: a paper described in other words than its title's;
- title: a title, or the part of it a person remembers;
- author+topic: an author's family name and a few topic words;
- SciFact: the 77 test claims of ../shared/data/scifact whose relevant
  abstracts are all in its 2,101-document subset (no titles).

The first three run over a real library of the papers in ../shared (the two
saved Hugging Face pages and the arXiv sample, imported by the real
importers); SciFact runs over its own documents. Every mode uses the
service's own code: the tantivy index, the embedder and vector index, and
``search.engine.combine`` (floor, then fusion) with the exact look-up first,
as ``Library.search`` does. Libraries and vectors are kept in
var/bench-quality/ and reused, so only the first run embeds.

Metrics, each averaged over a set's queries: nDCG@10 (graded for SciFact,
one relevant paper otherwise), MRR@10 and Recall@100.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import math
import random
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from _common import ARXIV_SAMPLE, REPO, SHARED
from paperscope.library import Library
from paperscope.models import Paper
from paperscope.search.engine import FUSION_DEPTH, combine, words_known
from paperscope.search.hybrid import DEFAULT_FUSION, Fusion
from paperscope.search.lexical import LexicalIndex
from paperscope.search.query import parse_query
from paperscope.search.results import Hit
from paperscope.search.semantic import SIMILARITY_FLOOR, UNKNOWN_WORDS_FLOOR, SemanticIndex
from paperscope.search.vectors import VectorIndex

QUERIES = REPO / "bench" / "queries"
SCIFACT = SHARED / "data" / "scifact"
CACHE = REPO / "var" / "bench-quality"
MODES = ("keyword", "semantic", "hybrid")
SETS = ("known-item", "title", "author+topic", "SciFact")
FOLDS = 5


@dataclass
class Judged:
    """One query, what is relevant to it, and the raw rankings it gets."""

    text: str
    relevant: dict[str, int]
    exact: tuple[str, str] | None = None
    known: bool = True  # some word of the query is in the library (the lower floor applies)
    keyword: list[Hit] = field(default_factory=list)
    semantic: list[Hit] = field(default_factory=list)  # no floor: combine() applies it


def make_embedder(name: str):
    if name == "torch":
        from paperscope.search.embed import Embedder

        return Embedder()
    from paperscope.search.onnx_embed import OnnxEmbedder

    return OnnxEmbedder(quantized=name == "onnx-int8")


# -- the corpora and their queries -------------------------------------------


def shared_sets(embedder, cache: Path) -> dict[str, list[Judged]]:
    """The three hand-written sets, over a library of the papers in ../shared."""
    cache.mkdir(parents=True, exist_ok=True)
    lib = Library(cache / "shared.db", embedder=embedder)
    for path in [*sorted((SHARED / "seeds").glob("*.txt")), ARXIV_SAMPLE]:
        report = lib.import_file(path)
        if report.error:
            sys.exit(f"{path}: {report.error}")
    lib.sync_index()
    lib.embed()
    sets = {}
    for name, file in (
        ("known-item", "known_item"),
        ("title", "title"),
        ("author+topic", "author_topic"),
    ):
        judged = []
        for line in (QUERIES / f"{file}.jsonl").read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            target = lib.resolve(row.get("arxiv") or row["title"])
            if target is None:
                sys.exit(f"{file}.jsonl: no paper for {row['title']!r}")
            judged.append(Judged(row["query"], {target: 1}, exact=lib.exact_match(row["query"])))
        sets[name] = judged
    rank_all(sets.values(), lib.engine.keyword_index(), lib.engine.semantic_index())
    return sets


def scifact_set(embedder, cache: Path) -> list[Judged]:
    """SciFact's test claims over its documents, indexed as abstracts without titles."""
    papers = []
    with (SCIFACT / "corpus.jsonl").open(encoding="utf-8") as f:
        for line in f:
            doc = json.loads(line)
            papers.append(Paper(id=doc["doc_id"], title="", abstract=doc["text"]))
    with (SCIFACT / "queries.test.tsv").open(encoding="utf-8") as f:
        queries = {row[0]: row[1] for row in csv.reader(f, delimiter="\t")}
    qrels: dict[str, dict[str, int]] = {}
    with (SCIFACT / "qrels.test.txt").open(encoding="utf-8") as f:
        for line in f:
            qid, _, doc, rel = line.split()
            qrels.setdefault(qid, {})[doc] = int(rel)
    ids = {p.id for p in papers}
    judged = [
        Judged(queries[q], rel) for q, rel in qrels.items() if q in queries and set(rel) <= ids
    ]
    folder = cache / "scifact"
    keyword = LexicalIndex(folder / "lexical", rebuild=True)
    if keyword.count() != len(papers):
        keyword.clear()
        keyword.upsert(papers)
    semantic = SemanticIndex(VectorIndex(folder / "vectors"), embedder)
    for start in range(0, len(papers), 256):  # unchanged texts are not embedded again
        semantic.upsert(papers[start : start + 256])
    rank_all([judged], keyword, semantic)
    return judged


def rank_all(sets, keyword, semantic) -> None:
    for judged in sets:
        for q in judged:
            parsed = parse_query(q.text)
            q.keyword = keyword.search(parsed, limit=FUSION_DEPTH)
            q.semantic = semantic.search(parsed, limit=FUSION_DEPTH, floor=None)
            q.known = bool(q.keyword) or words_known(keyword, parsed)


# -- scoring ------------------------------------------------------------------


def ranking(q: Judged, mode: str, fusion: Fusion, floor: float) -> list[str]:
    """The ids a search in ``mode`` returns for ``q``, as Library.search orders
    them (``floor`` for queries with a known word, the higher one otherwise)."""
    hits = combine(q.keyword, q.semantic, mode, fusion, floor if q.known else UNKNOWN_WORDS_FLOOR)
    ids = [h.id for h in hits]
    if q.exact:
        ids = [q.exact[0], *(i for i in ids if i != q.exact[0])]
    return ids


def metrics(ids: Sequence[str], relevant: dict[str, int]) -> tuple[float, float, float]:
    """(nDCG@10, MRR@10, Recall@100) of one ranking."""
    gain = sum(relevant.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ids[:10]))
    ideal = sorted(relevant.values(), reverse=True)[:10]
    best = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    first = next((i for i, d in enumerate(ids[:10], 1) if d in relevant), None)
    found = len(set(ids[:100]) & set(relevant)) / len(relevant)
    return gain / best, (1 / first if first else 0.0), found


def score(queries: Sequence[Judged], mode: str, fusion: Fusion, floor: float) -> tuple[float, ...]:
    rows = [metrics(ranking(q, mode, fusion, floor), q.relevant) for q in queries]
    return tuple(statistics.fmean(col) for col in zip(*rows, strict=True))


# -- choosing the fusion ----------------------------------------------------


def grid() -> list[Fusion]:
    convex = [
        Fusion(method="convex", alpha=a / 20, cosine=scale)
        for scale, a in itertools.product(("relative", "absolute"), range(1, 20))
    ]
    rrf = [
        Fusion(method="rrf", k=k, semantic_weight=w)
        for k, w in itertools.product((5, 10, 20, 40, 60, 100), (0.25, 0.5, 0.75, 1, 1.5, 2, 3))
    ]
    return convex + rrf


def objective(sets: dict[str, list[Judged]], fusion: Fusion, floor: float) -> float:
    """What the choice maximises: nDCG@10 averaged over the sets, each set counting once."""
    return statistics.fmean(score(qs, "hybrid", fusion, floor)[0] for qs in sets.values() if qs)


def folds(sets: dict[str, list[Judged]], k: int = FOLDS) -> list[dict[str, list[int]]]:
    """Each set's query positions dealt into ``k`` folds (a fixed shuffle)."""
    out: list[dict[str, list[int]]] = [{} for _ in range(k)]
    for name, queries in sets.items():
        order = list(range(len(queries)))
        random.Random(f"folds/{name}").shuffle(order)
        for i, pos in enumerate(order):
            out[i % k].setdefault(name, []).append(pos)
    return out


def cross_validate(sets: dict[str, list[Judged]], floor: float) -> tuple[dict, list[Fusion]]:
    """Held-out hybrid metrics per set: each fold is scored with the fusion
    chosen on the other folds. Returns them and the choice made per fold."""
    candidates = grid()
    held: dict[str, list[tuple[float, float, float]]] = {name: [] for name in sets}
    chosen = []
    for fold in folds(sets):
        train = {n: [q for i, q in enumerate(qs) if i not in set(fold.get(n, []))]
                 for n, qs in sets.items()}  # fmt: skip
        best = max(candidates, key=lambda f: objective(train, f, floor))
        chosen.append(best)
        for name, positions in fold.items():
            for i in positions:
                q = sets[name][i]
                held[name].append(metrics(ranking(q, "hybrid", best, floor), q.relevant))
    table = {n: tuple(statistics.fmean(c) for c in zip(*rows, strict=True))
             for n, rows in held.items()}  # fmt: skip
    return table, chosen


# -- the floor ----------------------------------------------------------------


def calibrate_floor(sets: dict[str, list[Judged]], nonsense: list[Judged]) -> None:
    """Print what a floor would keep and drop: the best cosine nonsense gets,
    against the cosine of the relevant paper for real queries."""
    junk = sorted((q.semantic[0].score if q.semantic else 0.0) for q in nonsense)
    real = sorted(h.score for qs in sets.values() for q in qs for h in q.semantic
                  if h.id in q.relevant)  # fmt: skip
    top1 = sorted(q.semantic[0].score for qs in sets.values() for q in qs if q.semantic)
    print("\n# the similarity floor: cosine of the best semantic hit")
    unknown = sum(not q.known for qs in sets.values() for q in qs)
    print(f"judged queries with no word in the library: {unknown}; "
          f"nonsense queries with one: {sum(q.known for q in nonsense)}")  # fmt: skip
    print(
        f"nonsense queries ({len(junk)}): max {junk[-1]:.3f}, median {statistics.median(junk):.3f}"
    )
    print(f"real queries, best hit: min {top1[0]:.3f}, 1st pct {pct(top1, 0.01):.3f}")
    print(f"real queries, relevant paper: 1st pct {pct(real, 0.01):.3f}, "
          f"5th {pct(real, 0.05):.3f}, median {statistics.median(real):.3f}")  # fmt: skip
    print("floor   nonsense left  relevant papers dropped")
    for floor in (0.15, 0.2, 0.25, 0.3, 0.35, 0.4):
        left = sum(s >= floor for s in junk)
        lost = sum(s < floor for s in real)
        print(f"{floor:<7} {left:>3} of {len(junk):<9} {lost:>3} of {len(real)}")


def pct(values: list[float], share: float) -> float:
    return values[min(len(values) - 1, int(share * len(values)))]


# -- main -----------------------------------------------------------------------


def table(title: str, rows: dict[str, dict[str, tuple[float, ...]]]) -> None:
    print(f"\n# {title}")
    print(f"{'set':<14}{'mode':<28}{'nDCG@10':>8}{'MRR@10':>8}{'R@100':>8}")
    for name in SETS:
        for mode, values in rows.get(name, {}).items():
            print(f"{name:<14}{mode:<28}" + "".join(f"{v:>8.3f}" for v in values))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--embedder", default="torch", choices=("torch", "onnx", "onnx-int8"))
    parser.add_argument("--choose", action="store_true", help="cross-validate the fusion")
    parser.add_argument("--floor", action="store_true", help="calibrate the similarity floor")
    parser.add_argument("--cache", type=Path, default=CACHE)
    args = parser.parse_args()
    started = time.perf_counter()
    embedder = make_embedder(args.embedder)
    cache = args.cache / args.embedder
    sets = shared_sets(embedder, cache)
    sets["SciFact"] = scifact_set(embedder, cache)
    print(f"# {', '.join(f'{n}: {len(qs)} queries' for n, qs in sets.items())}; "
          f"embedder {args.embedder}; indexed in {time.perf_counter() - started:.0f} s")  # fmt: skip
    floor = SIMILARITY_FLOOR
    rows = {name: {mode: score(qs, mode, DEFAULT_FUSION, floor) for mode in MODES}
            for name, qs in sets.items()}  # fmt: skip
    table(f"shipped: {DEFAULT_FUSION}, floor {floor}", rows)
    if args.choose:
        held, chosen = cross_validate(sets, floor)
        for name, values in held.items():
            rows[name]["hybrid, held out (5-fold)"] = values
        table("with hybrid held out: each fold scored with the fusion chosen on the others", rows)
        print("\nchosen per fold: " + "; ".join(str(f) for f in chosen))
        best = sorted(grid(), key=lambda f: -objective(sets, f, floor))[:5]
        print("best on all queries (what ships):")
        for f in best:
            print(f"  {objective(sets, f, floor):.4f}  {f}")
    if args.floor:
        nonsense = [Judged(json.loads(line)["query"], {})
                    for line in (QUERIES / "nonsense.jsonl").read_text().splitlines()]  # fmt: skip
        lib = Library(cache / "shared.db", embedder=embedder)
        rank_all([nonsense], lib.engine.keyword_index(), lib.engine.semantic_index())
        calibrate_floor({n: qs for n, qs in sets.items() if n != "SciFact"}, nonsense)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
