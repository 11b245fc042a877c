"""Server time of uncached pages, in process: the real app, no network.

    python bench/page_speed.py [--papers 100000] [--requests 300] [--pages PAGE ...]
                               [--profile daily|search|paper|api] [--signed-in]

The library is web_load.py's demo library (``bench/out/web-<papers>.db``,
built once), copied to a temporary folder, because a reader's account and
votes are written into it. The app is ``create_app(settings)`` as
``paperscope serve`` builds it, page cache on as by default, and each request
is one call of the ASGI app from an asyncio loop: the time from the call to
the last byte of the answer is the server's time, with the thread-pool hop
that every route takes, and without HTTP parsing and sockets (uvicorn's
share, which web_load.py measures end to end with wrk).

The cache is defeated as a crawler or a busy site defeats it: every request
has a query string of its own (``&n=<counter>``), which the page cache keys
on, and every answer is checked to be an ``X-Cache: miss``. Signed-in
requests carry a session cookie and are never cached at all.

Four pages (a fifth when asked for), each ``--requests`` times, anonymous and signed in:

- ``daily``: ``GET /``, today's 50 most upvoted papers;
- ``search``: ``GET /search?q=…``, 25 hits, 2-3 word queries from the titles;
- ``paper``: ``GET /papers/<id>``, a paper and its 8 similar papers, ids varied;
- ``api``: ``GET /api/papers/search?q=…&limit=20``, the same queries as JSON;
- ``about`` (only with ``--pages about``): ``GET /about``, the library's counts.

The signed-in reader has voted for some papers of each page (so that the
"voted" marks are drawn). Printed: p50, p90 and p99 of the server time per
page and reader, and the SQL statements one request runs. ``--profile PAGE``
runs that page under cProfile instead and prints where the time goes.
The process's CPU time a request is printed too: on a virtual machine whose
host is busy, stolen time inflates the wall clock's figures (by half or more
from one minute to the next here), and the CPU time is what two versions are
compared by. ``--pages`` measures some pages only.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import random
import shutil
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, unquote

from argon2 import PasswordHasher

from _common import figure
from paperscope.daily import day_period
from web_load import library, search_paths

PAGES = ("daily", "search", "paper", "api")
MORE_PAGES = ("about",)  # measured when asked for (--pages about)


class App:
    """The real app over ``db``, called in process, one request at a time."""

    def __init__(self, db: Path):
        from paperscope.config import Settings
        from paperscope.store import sqlite as sqlite_store
        from paperscope.web.app import create_app

        self.statements = 0
        connect = sqlite_store.connect

        def counting_connect(*args, **kwargs) -> sqlite3.Connection:
            conn = connect(*args, **kwargs)
            conn.set_trace_callback(self._count)
            return conn

        sqlite_store.connect = counting_connect  # every connection the store opens
        self.app = create_app(Settings(database=str(db)), hasher=PasswordHasher(1, 8, 1))
        self.site = self.app.state.site

    def _count(self, statement: str) -> None:
        self.statements += 1

    async def get(self, path: str, cookie: str | None = None) -> tuple[int, dict[str, str], bytes]:
        target, _, query = path.partition("?")
        headers = [(b"host", b"127.0.0.1")]
        if cookie:
            headers.append((b"cookie", cookie.encode()))
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": target,
            "raw_path": target.encode(),
            "query_string": query.encode(),
            "root_path": "",
            "headers": headers,
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 8000),
            "app": self.app,
        }
        answer: dict = {"status": 0, "headers": {}, "body": []}

        async def receive() -> dict:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict) -> None:
            if message["type"] == "http.response.start":
                answer["status"] = message["status"]
                answer["headers"] = {k.decode(): v.decode() for k, v in message["headers"]}
            elif message["type"] == "http.response.body":
                answer["body"].append(message.get("body", b""))

        await self.app(scope, receive, send)
        return answer["status"], answer["headers"], b"".join(answer["body"])


def copy_library(db: Path, folder: Path) -> Path:
    """The library and its search index, copied (the reader's votes go into the copy)."""
    target = folder / db.name
    source = sqlite3.connect(db)
    dest = sqlite3.connect(target)
    source.backup(dest)
    dest.close()
    source.close()
    shutil.copytree(Path(str(db) + ".search"), Path(str(target) + ".search"))
    return target


def paths_for(page: str, queries: list[str], ids: list[str], count: int, start: int) -> list[str]:
    """``count`` different addresses of ``page``, each with its own query
    string, from the ``start``-th query or id on (each reader its own)."""
    out = []
    for n in range(start, start + count):
        query, paper_id = quote(queries[n % len(queries)]), ids[n % len(ids)]
        out.append({
            "daily": f"/?n={n}",
            "search": f"/search?q={query}&n={n}",
            "paper": f"/papers/{paper_id}?n={n}",
            "api": f"/api/papers/search?q={query}&limit=20&n={n}",
            "about": f"/about?n={n}",
        }[page])  # fmt: skip
    return out


def sign_in(app: App, sample: list[str]) -> str:
    """A reader's session cookie; the reader has voted for the papers in ``sample``."""
    accounts = app.site.accounts
    user = accounts.sign_up("reader@example.org", "bench-reader", "a long bench password")
    session = accounts.log_in("reader@example.org", "a long bench password")
    for paper_id in sample:
        app.site.library.people.toggle_vote(user.id, paper_id)
    from paperscope.web.deps import SESSION_COOKIE

    return f"{SESSION_COOKIE}={session.token}"


async def time_page(app: App, paths: list[str], cookie: str | None,
                    warm_up: int = 20) -> tuple[list[float], float, float]:  # fmt: skip
    """Milliseconds per request, SQL statements per request and CPU
    milliseconds per request, after ``warm_up`` requests untimed (templates
    compiled, SQLite's cache filled).

    The CPU time is the process's (every thread), which a virtual machine's
    stolen time and other processes do not inflate as they do the wall clock:
    the figure to compare two versions by on a noisy machine."""
    times = []
    cpu = 0.0
    for i, path in enumerate(paths):
        if i == warm_up:
            app.statements = 0
            cpu = time.process_time()
        started = time.perf_counter()
        status, headers, _ = await app.get(path, cookie)
        if i >= warm_up:
            times.append((time.perf_counter() - started) * 1000)
        if status != 200:
            raise SystemExit(f"{path}: status {status}")
        if headers.get("x-cache") == "hit":
            raise SystemExit(f"{path}: served from the page cache")
    return times, app.statements / len(times), (time.process_time() - cpu) * 1000 / len(times)


def inline_threads() -> None:
    """Run what the app hands to its thread pool in the calling thread instead."""
    import anyio.to_thread

    async def run_sync(func, *args, **kwargs):
        return func(*args)

    anyio.to_thread.run_sync = run_sync


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300, help="per page and reader")
    parser.add_argument("--profile", choices=PAGES, help="profile this page instead")
    parser.add_argument("--signed-in", action="store_true", help="with --profile: signed in")
    parser.add_argument(
        "--pages",
        nargs="+",
        choices=PAGES + MORE_PAGES,
        default=PAGES,
        help="these only (about: the about page, not measured unless asked)",
    )
    args = parser.parse_args()
    db = library(args.papers)
    queries = [unquote(p.split("q=")[1].split("&")[0]) for p in search_paths(db)]
    with tempfile.TemporaryDirectory(prefix="paperscope-pages-") as tmp:
        app = App(copy_library(db, Path(tmp)))
        try:
            # One event loop for the whole run, as under uvicorn: the thread
            # pool's workers live as long as the loop's first task.
            asyncio.run(measure(app, args, queries))
        finally:
            app.site.library.close()
    return 0


async def measure(app: App, args: argparse.Namespace, queries: list[str]) -> None:
    lib = app.site.library
    ids = random.Random(3).sample(lib.store.ids_newest_first(), 2_000)
    # The reader voted for some of the daily page's papers and of the paper pages'.
    latest = lib.latest_feed_day()
    assert latest is not None, "the demo library has a feed"
    shown = [p.id for p in lib.feed(day_period(latest)).papers]
    readers = {"anonymous": None, "signed in": sign_in(app, shown[::5] + ids[:50:3])}
    count = args.requests + 20  # with the warm-up
    if args.profile:
        who = "signed in" if args.signed_in else "anonymous"
        paths = paths_for(args.profile, queries, ids, count, 0)
        inline_threads()  # cProfile sees one thread: run the pool's work in this one
        profile = cProfile.Profile()
        profile.enable()
        await time_page(app, paths, readers[who])
        profile.disable()
        stats = pstats.Stats(profile).strip_dirs().sort_stats("cumulative")
        stats.print_stats(50)
        stats.sort_stats("tottime").print_stats(30)
        return
    for page in args.pages:
        for number, (who, cookie) in enumerate(readers.items()):
            paths = paths_for(page, queries, ids, count, number * count)
            times, statements, cpu = await time_page(app, paths, cookie)
            name = f"{page} ({who})"
            figure(f"{name} server time p50", statistics.median(times), "ms")
            figure(f"{name} server time p90", percentile(times, 90), "ms")
            figure(f"{name} server time p99", percentile(times, 99), "ms")
            figure(f"{name} CPU time a request", cpu, "ms")
            figure(f"{name} SQL statements a request", statements)


if __name__ == "__main__":
    raise SystemExit(main())
