"""Load test of the web service: the daily page and the search API under wrk.

    python bench/web_load.py [--papers 100000] [--seconds 20] [--connections 32] [--workers 1]
                             [--backend sqlite|postgresql] [--fresh]

Builds (once, cached in bench/out/) a SQLite library of ``--papers`` demo
papers spread over a year of daily feed, starts ``paperscope serve`` on
127.0.0.1, and drives it with wrk (Debian's ``wrk``; ``make bench-web``
installs it) from the same 2-core machine:

- ``GET /``: today's daily page (about 270 papers a day at 100k, 50 shown);
- ``GET /api/papers/search?q=…&limit=20``: 2,000 different queries of 2-3
  words from the corpus's titles, cycled, each wrk thread from another point.

Each runs in up to three modes (``--modes``): ``on``, the page cache on (the
default) and the same addresses again and again; ``defeated``, the cache on
but every request with a query string of its own (``n=<counter>``, as a
crawler, paging and searches defeat it; the cache keys on the query
string, so every answer is made anew); ``off``, the cache turned off
(``PAPERSCOPE_PAGE_CACHE=0``). The figures show what rendering costs as
well as what a reader sees. Printed: requests/s, latency p50/p90/p99, and
errors (socket errors and non-2xx responses). The library has no embeddings
(embedding 100k abstracts takes about an hour on this CPU), so hybrid search
is keyword search here; search_speed.py --hybrid times the fusion itself.

With ``--backend postgresql`` the same SQLite library is copied once with
``paperscope migrate`` into a PostgreSQL 18 database (tests/pg.py's server,
kept in ``bench/out/pg-web-<papers>/``; ``--fresh`` copies it again), and the
same wrk runs go to ``paperscope serve --workers N`` on that database: N app
processes sharing one database server. The server's memory (PSS of all its
processes) and its open connections are printed after each run.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import httpx

from _common import REPO, figure
from search_speed import SERVER_SETTINGS, pg_server, server_memory, write_marker

OUT = REPO / "bench" / "out"
PAPERSCOPE = [sys.executable, "-m", "paperscope"]
MODES = ("on", "defeated", "off")
STOP = {"a", "an", "the", "of", "for", "in", "on", "with", "and", "to", "via", "from", "by"}


def library(papers: int) -> Path:
    """A demo library of ``papers`` papers over 365 feed days, made once."""
    path = OUT / f"web-{papers}.db"
    if path.exists():
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    tmp = OUT / f"web-{papers}.tmp.db"
    for leftover in OUT.glob(f"web-{papers}.tmp.db*"):
        shutil.rmtree(leftover) if leftover.is_dir() else leftover.unlink()
    print(f"# building a {papers:,}-paper demo library (once)", flush=True)
    cmd = [*PAPERSCOPE, "demo", "--papers", str(papers), "--days", "365", "-q", "--db", str(tmp)]
    subprocess.run(cmd, check=True)
    os.replace(Path(str(tmp) + ".search"), Path(str(path) + ".search"))
    os.replace(tmp, path)
    return path


def pg_library(db: Path, *, fresh: bool, shared_buffers: str):
    """The SQLite library ``db`` copied into PostgreSQL once by ``paperscope
    migrate``: the kept server and the database's URL."""
    name = f"pg-{db.stem}"  # pg-web-100000
    server, done = pg_server(name, fresh=fresh, shared_buffers=shared_buffers)
    url = server.url("paperscope")
    stat = db.stat()
    source = f"{db.name}, {stat.st_size} bytes, modified {stat.st_mtime:.0f}"
    if done.get("source") != source:
        print(f"# copying {db.name} into PostgreSQL with paperscope migrate (once)", flush=True)
        with server.admin() as conn:
            conn.execute("DROP DATABASE IF EXISTS paperscope WITH (FORCE)")
            conn.execute("CREATE DATABASE paperscope")
        started = time.perf_counter()
        subprocess.run([*PAPERSCOPE, "migrate", "-q", str(db), url], check=True)
        seconds = time.perf_counter() - started
        with psycopg_connect(url) as conn:
            conn.execute("VACUUM (ANALYZE)")  # as autovacuum would soon after
        done = {"source": source, "migrate_s": seconds}
        write_marker(name, done)
        when = ""
    else:
        when = " (when the cached copy was made)"
    figure(f"paperscope migrate (SQLite to PostgreSQL){when}", done["migrate_s"], "s")
    return server, url


def psycopg_connect(url: str):
    import psycopg

    return psycopg.connect(url, autocommit=True)


def pg_state(server, url: str) -> None:
    """The database server's memory and connections, after a run."""
    pss, rss = server_memory(server)
    figure("PostgreSQL server memory (PSS, all its processes)", pss, "MiB")
    figure("PostgreSQL server memory (sum of RSS)", rss, "MiB")
    with psycopg_connect(url) as conn:
        (count,) = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid()"
        ).fetchone()
    figure("PostgreSQL connections open to the database", count)


def search_paths(db: Path, count: int = 2_000, seed: int = 7) -> list[str]:
    conn = sqlite3.connect(db)
    titles = [row[0] for row in conn.execute("SELECT title FROM papers")]
    conn.close()
    rng = random.Random(seed)
    paths = []
    while len(paths) < count:
        words = [w for w in re.findall(r"[A-Za-z]+", rng.choice(titles)) if w.lower() not in STOP]
        if len(words) >= 2:
            q = " ".join(rng.sample(words, min(len(words), rng.randint(2, 3))))
            paths.append(f"/api/papers/search?q={quote(q)}&limit=20")
    return paths


def lua_cycle(paths: list[str], folder: Path, name: str, fresh: bool = False) -> Path:
    """A wrk script that cycles through ``paths``, each thread from its own
    offset; with ``fresh``, each request gets a query string of its own
    (``n=<thread>-<count>``), which the page cache cannot have seen."""
    items = ",\n".join(f'  "{p}"' for p in paths)
    script = folder / f"{name}.lua"
    script.write_text(
        f"local paths = {{\n{items}\n}}\n"
        f"local fresh = {'true' if fresh else 'false'}\n"
        "local counter = 0\n"
        "function setup(thread) thread:set('id', counter); counter = counter + 1 end\n"
        "function init(args) i = id * 997 end\n"
        "function request()\n"
        "  i = i + 1\n"
        "  local path = paths[(i % #paths) + 1]\n"
        "  if fresh then\n"
        "    path = path .. (path:find('?', 1, true) and '&' or '?') .. 'n=' .. id .. '-' .. i\n"
        "  end\n"
        "  return wrk.format('GET', path)\n"
        "end\n"
    )
    return script


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(db: Path | str, workers: int, cache: bool) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "PAPERSCOPE_PAGE_CACHE": "2000" if cache else "0"}
    # Without serve's background embedder: embedding the 100k abstracts takes
    # about an hour, and it would take the cores that the pages are measured on.
    cmd = [*PAPERSCOPE, "serve", "--port", str(port), "--workers", str(workers), "--no-embed",
           "--db", str(db)]  # fmt: skip
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            httpx.get(url + "/about", timeout=5)
            return proc, url
        except httpx.TransportError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("the server did not start in 120 s")


def wrk(url: str, seconds: int, connections: int, script: Path | None) -> dict[str, float]:
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    if script:
        cmd += ["-s", str(script)]
    text = subprocess.run([*cmd, url], check=True, capture_output=True, text=True).stdout
    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", text)[1])}
    for pct in ("50", "90", "99"):
        m = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
        result[f"p{pct}"] = float(m[1]) * {"us": 0.001, "ms": 1, "s": 1000}[m[2]]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    result["errors"] = (int(non2xx[1]) if non2xx else 0) + (
        sum(int(x) for x in sock.groups()) if sock else 0
    )
    result["requests"] = float(re.search(r"(\d+) requests in", text)[1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument(
        "--fresh", action="store_true", help="postgresql: copy the library into it again"
    )
    parser.add_argument(
        "--pg-shared-buffers",
        default=SERVER_SETTINGS["shared_buffers"],
        help="the PostgreSQL server's shared_buffers (default %(default)s)",
    )
    parser.add_argument(
        "--modes",
        nargs="+",
        choices=MODES,
        default=list(MODES),
        help="page cache on, defeated by a fresh query string per request, or off "
        "(default: all three)",
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: `make bench-web` installs it (apt-get install wrk)")
    db = library(args.papers)
    server = None
    target: Path | str = db
    if args.backend == "postgresql":
        server, target = pg_library(db, fresh=args.fresh, shared_buffers=args.pg_shared_buffers)
    with tempfile.TemporaryDirectory(prefix="paperscope-load-") as tmp:
        searches = search_paths(db)
        for mode in args.modes:
            fresh = mode == "defeated"
            scripts = {
                "daily page": lua_cycle(["/"], Path(tmp), f"daily-{mode}", fresh),
                "search API": lua_cycle(searches, Path(tmp), f"search-{mode}", fresh),
            }
            proc, url = serve(target, args.workers, cache=mode != "off")
            try:
                label = f"{args.papers // 1000}k, {args.workers} worker(s), cache {mode}"
                if server:
                    label += ", PostgreSQL"
                print(
                    f"\n# {label}, {args.connections} connections, {args.seconds} s each",
                    flush=True,
                )
                for name, lua in scripts.items():
                    wrk(url + "/", 3, args.connections, lua)  # warm up
                    r = wrk(url + "/", args.seconds, args.connections, lua)
                    figure(f"{name} throughput", r["rps"], "requests/s")
                    figure(f"{name} latency p50", r["p50"], "ms")
                    figure(f"{name} latency p90", r["p90"], "ms")
                    figure(f"{name} latency p99", r["p99"], "ms")
                    figure(f"{name} errors", r["errors"], f"of {int(r['requests'])}")
                    if server:
                        pg_state(server, target)
            finally:
                proc.terminate()
                proc.wait(30)
    if server:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
