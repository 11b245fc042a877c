"""Where PostgreSQL keyword search spends its time, and what the ranking cap costs.

    python bench/pg_keyword.py [--size 1000000] [--queries 300] [--cap-queries 120]

Runs on the database search_speed.py --backend postgresql cached in
bench/out/pg-<size>/ (run that first). Two parts:

1. Latency per kind of query (words, phrase, exclusion, cat:, author:, date
   filter, exact id) over the same generated queries as search_speed.py: p50
   and the slowest, then the slowest queries themselves.
2. The ranking cap (``paperscope.search.pg.RANK_CAP``): the same word queries
   ranked with no cap and with caps of 20,000, 5,000 and 2,000 matches, with
   the latency and how much of each top 20 is the uncapped top 20.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from search_speed import make_queries, synthetic_file

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.pg import Server  # noqa: E402

from paperscope.library import Library  # noqa: E402
from paperscope.search import pg  # noqa: E402
from paperscope.search.query import SearchFilters, parse_query  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
UNCAPPED = 10**12


def kind_of(query: str, filters: dict) -> str:
    if query[:4].isdigit():
        return "exact id"
    if query.startswith('"'):
        return "phrase"
    if " -" in query:
        return "exclusion"
    if "cat:" in query:
        return "cat:"
    if "author:" in query:
        return "author:"
    return "date filter" if filters else "words"


def timed(index, query: str, filters: dict) -> tuple[float, list[str]]:
    start = time.perf_counter()
    hits = index.search(
        parse_query(query), limit=20, filters=SearchFilters(**filters) if filters else None
    )
    return (time.perf_counter() - start) * 1000, [h.id for h in hits]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--cap-queries", type=int, default=120)
    args = parser.parse_args()
    pgdata = OUT / f"pg-{args.size}"
    if not (OUT / f"pg-{args.size}.json").exists():
        print(f"no cached database in {pgdata}: run search_speed.py --backend postgresql first")
        return 2
    server = Server(pgdata)
    server._server.cleanup_mode = "stop"  # keep the cached database
    lib = Library(server.url("paperscope"))
    try:
        index = lib.lexical_index()
        queries = make_queries(synthetic_file(args.size), args.queries)
        by_kind: dict[str, list[float]] = {}
        slowest = []
        for query, filters in queries:
            ms, _ = timed(index, query, filters)
            by_kind.setdefault(kind_of(query, filters), []).append(ms)
            slowest.append((ms, query, filters))
        print(f"# {args.size:,} papers: keyword search by kind of query ({len(queries)} queries)")
        for kind, times in sorted(by_kind.items()):
            times.sort()
            print(f"{kind:12} {len(times):4} queries  p50 {times[len(times) // 2]:7.1f} ms"
                  f"  slowest {times[-1]:7.0f} ms")  # fmt: skip
        for ms, query, filters in sorted(slowest)[-8:]:
            print(f"  {ms:6.0f} ms  {query} {filters or ''}")

        words = [(q, f) for q, f in queries if kind_of(q, f) == "words"][: args.cap_queries]
        print(f"\n# the ranking cap, on {len(words)} word queries (top 20)")
        baseline: list[list[str]] = []
        for cap in (UNCAPPED, 20_000, 5_000, 2_000):
            pg.RANK_CAP = cap
            times, tops = [], []
            for query, filters in words:
                ms, ids = timed(index, query, filters)
                times.append(ms)
                tops.append(ids)
            baseline = baseline or tops
            same = [len(set(a) & set(b)) / len(b) for a, b in zip(tops, baseline, strict=True) if b]
            times.sort()
            label = "no cap" if cap == UNCAPPED else f"cap {cap:,}"
            print(f"{label:12} p50 {times[len(times) // 2]:6.1f}  p95 "
                  f"{times[int(len(times) * 0.95)]:7.1f}  max {times[-1]:6.0f} ms;"
                  f"  top 20 as uncapped: {sum(same) / len(same):.2f}")  # fmt: skip
    finally:
        lib.close()
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
