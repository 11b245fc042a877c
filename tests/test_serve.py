"""`paperscope serve` with several workers: each gets the settings the command
read (options and environment), handed inside uvicorn's config rather than
through environment variables set in the parent."""

from __future__ import annotations

import os
import subprocess
import sys

import httpx
import psutil

from paperscope.library import Library
from paperscope.models import new_paper
from tests.web.browser_support import free_port, wait_until_up


def test_every_worker_gets_the_settings_serve_was_given(tmp_path):
    db = tmp_path / "library.db"
    with Library(db) as lib, lib.store.transaction():
        lib.store.save_papers([new_paper(title="Served", feed_date="2026-03-17", source="hf-page")])
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERSCOPE_")}
    env["PAPERSCOPE_PAGE_CACHE"] = "0"  # from the environment, beside the options
    proc = subprocess.Popen(
        [sys.executable, "-m", "paperscope", "serve", "--port", str(port), "--workers", "2",
         "--db", str(db), "--base-url", "https://papers.example.org/", "--no-embed"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, proc)
        children = psutil.Process(proc.pid).children()
        workers = [c for c in children if "spawn_main" in " ".join(c.cmdline())]
        assert len(workers) == 2
        for n in range(40):  # new connections, spread over both workers
            with httpx.Client() as client:
                r = client.get(f"{url}/papers/date/2026-03-17?format=rss&n={n}")
            assert "<link>https://papers.example.org/papers/date/2026-03-17" in r.text
            assert "x-cache" not in r.headers  # PAPERSCOPE_PAGE_CACHE=0 reached it too
        assert "PAPERSCOPE_BASE_URL" not in os.environ
    finally:
        proc.terminate()
        out = proc.communicate(timeout=20)[0].decode()
    assert "serving 1 papers" in out and "note: no PAPERSCOPE_BASE_URL" not in out
