"""The audit's findings that are about time, measured: a hostile abstract, the
timing of reset requests, and what the restructured web layer costs a page.

    .venv/bin/python bench/audit.py                 # this checkout
    PYTHONPATH=/path/to/other/src .venv/bin/python bench/audit.py --skip-old-regex
                                                    # the same figures for another checkout

1. Math in a hostile abstract (``"\\\\(" * 50000``, at the 100,000-character
   limit, and five other such texts): ``paperscope.text.math_spans`` at full
   length, beside the pattern the site used before on shorter prefixes (it is
   quadratic: the full length took 49 s a page), and ``GET /`` of a feed
   holding that abstract, uncached, in process (server time, the part), and
   through ``paperscope serve`` (the whole, as a browser waits for it).
2. ``POST /reset`` for an address with an account and one without, 200 each,
   alternating, in process: the medians should not tell them apart.
3. Uncached pages of a demo library (``--papers``, default 10,000), in process:
   the daily page, a search page, a paper page and the search API.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

from _common import figure, median_time, run_times

OLD_MATH = re.compile(r"\$\$.+?\$\$|\$[^$]+?\$|\\\(.+?\\\)|\\\[.+?\\\]", re.S)
UNITS = ["\\(", "\\[", "$$", "$", "$\\(", "\\(x\\)\\("]
LIMIT = 100_000


def hostile_math(skip_old: bool) -> None:
    from paperscope import text

    for unit in UNITS:
        full = (unit * (LIMIT // len(unit)))[:LIMIT]
        if hasattr(text, "math_spans"):
            seconds = median_time(lambda full=full: text.math_spans(full), runs=5)
            figure(f"math_spans {unit!r} x {LIMIT:,} chars", seconds * 1e3, "ms")
        if skip_old:
            continue
        for size in (5_000, 10_000, 20_000):
            part = full[:size]
            seconds = median_time(lambda part=part: list(OLD_MATH.finditer(part)), runs=1,
                                  warmup=0)  # fmt: skip
            figure(f"old pattern {unit!r} x {size:,} chars", seconds * 1e3, "ms")


class Clock:
    """A clock the benchmark moves on, so the hourly reset limits never trip."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 18, 12, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def client_for(db: Path, clock: Clock | None = None, **settings):
    from fastapi.testclient import TestClient

    from paperscope.config import Settings
    from paperscope.web.app import create_app

    app = create_app(Settings(database=str(db), page_cache=0, **settings), clock=clock or Clock())
    return TestClient(app, base_url="http://paperscope.test")


def hostile_page(folder: Path) -> None:
    from paperscope.library import Library
    from paperscope.models import new_paper

    db = folder / "hostile.db"
    with Library(db) as lib, lib.store.transaction():
        lib.store.save_papers([new_paper(title=f"Hostile {unit}", abstract=(unit * LIMIT)[:LIMIT],
                                         feed_date="2026-03-18", source="hf-page")
                               for unit in UNITS])  # fmt: skip
    with client_for(db) as client:
        seconds = median_time(lambda: client.get("/"), runs=5)
        figure("GET / with six hostile abstracts, in process (server time)", seconds * 1e3, "ms")
    with serving(db, 8765) as url:
        times = run_times(lambda: httpx.get(url + "/", timeout=600), runs=5)
        figure("GET / with six hostile abstracts, through paperscope serve (the whole)",
               statistics.median(times) * 1e3, "ms")  # fmt: skip


def serving(db: Path, port: int, **env: str):
    """``paperscope serve`` on ``port`` over ``db`` until the block ends."""
    import contextlib

    @contextlib.contextmanager
    def run():
        proc = subprocess.Popen(
            [sys.executable, "-m", "paperscope", "serve", "--db", str(db), "--port", str(port)],
            stderr=subprocess.DEVNULL, env={**os.environ, "PAPERSCOPE_PAGE_CACHE": "0", **env},
        )  # fmt: skip
        try:
            for _ in range(300):
                try:
                    httpx.get(f"http://127.0.0.1:{port}/about", timeout=1)
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            yield f"http://127.0.0.1:{port}"
        finally:
            proc.terminate()
            proc.wait(10)

    return run()


def reset_timing(folder: Path) -> None:
    """Through paperscope serve, as an attacker measures it: each address asked
    about once, from addresses of its own (behind a trusted proxy), so that
    the limits never answer instead."""
    from argon2 import PasswordHasher

    from paperscope.accounts import Accounts
    from paperscope.library import Library

    db = folder / "accounts.db"
    with Library(db) as lib:
        people = getattr(lib, "people", None)
        accounts = Accounts(people if people is not None else lib.store,
                            hasher=PasswordHasher(time_cost=1, memory_cost=1024))  # fmt: skip
        for n in range(300):
            accounts.sign_up(f"ada{n}@example.org", f"ada{n}", "correct horse battery")
    env = {"PAPERSCOPE_BASE_URL": "http://paperscope.test",
           "PAPERSCOPE_TRUSTED_PROXIES": "127.0.0.1", "FORWARDED_ALLOW_IPS": "127.0.0.1"}  # fmt: skip
    with serving(db, 8766, **env) as url, httpx.Client(base_url=url) as client:
        token = re.search(r'name="csrf" value="([^"]+)"', client.get("/reset").text)[1]
        known: list[float] = []
        unknown: list[float] = []
        for n in range(300):
            for email, times in ((f"eve{n}@example.org", unknown), (f"ada{n}@example.org", known)):
                side = 1 if times is known else 2
                headers = {"X-Forwarded-For": f"10.{n // 250}.{n % 250}.{side}"}
                started = time.perf_counter()
                r = client.post("/reset", data={"email": email, "csrf": token}, headers=headers)
                times.append(time.perf_counter() - started)
                assert r.status_code == 200, (
                    r.status_code,
                    re.findall(r'role="alert">(.*?)<', r.text),
                )
        for name, times in (("known address", known), ("unknown address", unknown)):
            figure(f"POST /reset through paperscope serve, {name}, median",
                   statistics.median(times) * 1e3, "ms")  # fmt: skip
            figure(f"POST /reset through paperscope serve, {name}, p90",
                   sorted(times)[int(len(times) * 0.9)] * 1e3, "ms")  # fmt: skip


def pages(folder: Path, papers: int) -> None:
    db = folder / f"demo-{papers}.db"
    subprocess.run([sys.executable, "-m", "paperscope", "demo", "--papers", str(papers),
                    "--db", str(db), "-q"], check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    clock = Clock()
    clock.now = datetime.now(UTC)  # the demo's feed ends today
    with client_for(db, clock) as client:
        paper = re.search(r'<h2 class="title tex"><a href="(/papers/[^"]+)"',
                          client.get("/").text)[1]  # fmt: skip
        for name, url in (("daily page", "/"), ("search page", "/search?q=graph+networks"),
                          ("paper page", paper),
                          ("search API", "/api/papers/search?q=graph+networks&limit=20")):  # fmt: skip
            seconds = median_time(lambda url=url: client.get(url), runs=20, warmup=3)
            figure(f"{name}, uncached, in process, {papers:,} papers", seconds * 1e3, "ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=10_000)
    parser.add_argument("--skip-old-regex", action="store_true")
    parser.add_argument(
        "--skip-hostile",
        action="store_true",
        help="leave out part 1 (code with the old pattern takes minutes a page)",
    )
    args = parser.parse_args()
    import paperscope

    print(f"paperscope from {Path(paperscope.__file__).parent}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if not args.skip_hostile:
            hostile_math(args.skip_old_regex)
            hostile_page(folder)
        reset_timing(folder)
        pages(folder, args.papers)


if __name__ == "__main__":
    main()
