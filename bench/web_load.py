"""Load test of the web service: the daily page and the search API under wrk.

    python bench/web_load.py [--papers 100000] [--seconds 20] [--connections 32] [--workers 1]

Builds (once, cached in bench/out/) a SQLite library of ``--papers`` demo
papers spread over a year of daily feed, starts ``paperscope serve`` on
127.0.0.1, and drives it with wrk (Debian's ``wrk``; ``make bench-web``
installs it) from the same 2-core machine:

- ``GET /``: today's daily page (about 270 papers a day at 100k, 50 shown);
- ``GET /api/papers/search?q=…&limit=20``: 2,000 different queries of 2-3
  words from the corpus's titles, cycled, each wrk thread from another point.

Each runs twice: with the page cache on (the default) and off
(``PAPERSCOPE_PAGE_CACHE=0``), so the figures show what rendering costs as
well as what a reader sees. Printed: requests/s, latency p50/p90/p99, and
errors (socket errors and non-2xx responses). The library has no embeddings
(embedding 100k abstracts takes about an hour on this CPU), so hybrid search
is keyword search here; search_speed.py --hybrid times the fusion itself.
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

OUT = REPO / "bench" / "out"
PAPERSCOPE = [sys.executable, "-m", "paperscope"]
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


def lua_cycle(paths: list[str], folder: Path) -> Path:
    """A wrk script that cycles through ``paths``, each thread from its own offset."""
    items = ",\n".join(f'  "{p}"' for p in paths)
    script = folder / "paths.lua"
    script.write_text(
        f"local paths = {{\n{items}\n}}\n"
        "local counter = 0\n"
        "function setup(thread) thread:set('id', counter); counter = counter + 1 end\n"
        "function init(args) i = id * 997 end\n"
        "function request()\n"
        "  i = i + 1\n"
        "  return wrk.format('GET', paths[(i % #paths) + 1])\n"
        "end\n"
    )
    return script


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(db: Path, workers: int, cache: bool) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "PAPERSCOPE_PAGE_CACHE": "2000" if cache else "0"}
    cmd = [*PAPERSCOPE, "serve", "--port", str(port), "--workers", str(workers), "--db", str(db)]
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
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: `make bench-web` installs it (apt-get install wrk)")
    db = library(args.papers)
    with tempfile.TemporaryDirectory(prefix="paperscope-load-") as tmp:
        script = lua_cycle(search_paths(db), Path(tmp))
        for cache in (True, False):
            proc, url = serve(db, args.workers, cache)
            try:
                label = f"{args.papers // 1000}k, {args.workers} worker(s), cache {'on' if cache else 'off'}"
                print(
                    f"\n# {label}, {args.connections} connections, {args.seconds} s each",
                    flush=True,
                )
                for name, path, lua in (("daily page", "/", None), ("search API", "/", script)):
                    wrk(url + path, 3, args.connections, lua)  # warm up
                    r = wrk(url + path, args.seconds, args.connections, lua)
                    figure(f"{name} throughput", r["rps"], "requests/s")
                    figure(f"{name} latency p50", r["p50"], "ms")
                    figure(f"{name} latency p90", r["p90"], "ms")
                    figure(f"{name} latency p99", r["p99"], "ms")
                    figure(f"{name} errors", r["errors"], f"of {int(r['requests'])}")
            finally:
                proc.terminate()
                proc.wait(30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
