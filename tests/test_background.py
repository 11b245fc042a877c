"""The background embedder: one per library, and `paperscope serve` making
papers findable by meaning without a manual step, including papers imported
while it runs. Real processes, a real server, the real model."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx
import psutil
import pytest

from paperscope.library import Library
from paperscope.search.background import EmbedderLock
from paperscope.search.results import Coverage
from tests.conftest import ARXIV_SAMPLE, SEEDS
from tests.web.browser_support import free_port, wait_until_up

CLI = [sys.executable, "-m", "paperscope"]


def env_without_settings() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("PAPERSCOPE_")}


def test_one_embedder_per_library(library_url):
    with Library(library_url) as a, Library(library_url) as b:
        first, second = EmbedderLock(a), EmbedderLock(b)
        assert first.acquire() and first.acquire()  # holding it already is fine
        assert not second.acquire()
        if not a.in_database:
            assert second.holder() == os.getpid()
        first.release()
        assert second.acquire()
        second.release()


def test_embed_leaves_the_work_to_a_running_embedder(tmp_path, shared):
    db = tmp_path / "lib.db"
    with Library(db) as lib:
        assert lib.import_file(ARXIV_SAMPLE).ok
        with EmbedderLock(lib) as lock:
            assert lock.acquire()
            done = subprocess.run([*CLI, "embed", "--db", str(db)], capture_output=True,
                                  text=True, env=env_without_settings(), timeout=120)  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert f"another embedder (process {os.getpid()}) is embedding" in done.stdout
        assert lib.coverage() == Coverage(0, 200)


def semantic_ids(url: str, query: str) -> list[str]:
    params = {"q": query, "mode": "semantic", "format": "json"}
    r = httpx.get(f"{url}/search", params=params, timeout=60)  # the first loads the model
    r.raise_for_status()
    return [h["paper"]["id"] for h in r.json()["hits"]]


def wait_for(check, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(1)
    pytest.fail(f"not within {seconds:.0f} s: {what}")


FIRST = 40  # the niced embedder does a few papers a second beside the server


def test_serve_embeds_in_the_background_and_keeps_up_with_imports(tmp_path, shared):
    db = tmp_path / "lib.db"
    first = tmp_path / "first.jsonl"
    lines = ARXIV_SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    first.write_text("".join(lines[:FIRST]), encoding="utf-8")
    with Library(db) as lib:
        assert lib.import_file(first).ok
    port = free_port()
    proc = subprocess.Popen([*CLI, "serve", "--port", str(port), "--workers", "2", "--db", str(db)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            env=env_without_settings())  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, proc)
        watchers = [c for c in psutil.Process(proc.pid).children()
                    if "--watch" in c.cmdline()]  # fmt: skip
        assert len(watchers) == 1 and watchers[0].nice() > psutil.Process().nice()
        # A paper on baryons with two charm quarks (0704.0016), described, not named.
        query = "how long do doubly charmed baryons live"
        found = wait_for(lambda: semantic_ids(url, query), 300, "semantic search answers")
        assert "0704.0016" in found[:3]
        wait_for(lambda: f"{FIRST} of them embedded" in httpx.get(f"{url}/about").text, 300,
                 "/about shows every paper embedded")  # fmt: skip
        # Imported while the server runs: found by meaning soon after.
        seeds = subprocess.run([*CLI, "import", "--quiet", "--db", str(db), *map(str, SEEDS)],
                               capture_output=True, text=True, env=env_without_settings(),
                               timeout=300)  # fmt: skip
        assert seeds.returncode == 0, seeds.stderr
        with Library(db) as lib:
            target = lib.resolve("Depression Detection and Analysis using Large Language "
                                 "Models on Textual and Audio-Visual Modalities")  # fmt: skip
        assert target
        wait_for(lambda: target in semantic_ids(url, "diagnosing depression from interview "
                                                "speech and video with language models"),
                 300, "a paper imported during serve found by meaning")  # fmt: skip
    finally:
        proc.terminate()
        out = proc.communicate(timeout=30)[0].decode()
    assert f"embedding in the background (0 of {FIRST} papers embedded so far)" in out
    assert f"embedder: {FIRST} papers embedded" in out
    with Library(db) as lib:
        # The seed pages hold 113 papers, five of them on both pages.
        assert lib.coverage() == Coverage(FIRST + 113 - 5, FIRST + 113 - 5)
        with EmbedderLock(lib) as lock:
            assert lock.acquire(), "the embedder exits with the server"
