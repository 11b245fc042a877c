"""Keyword search on PostgreSQL: the tantivy index each app server keeps on
its own disk, caught up from the database's change sequence, and the
database's full text as the fallback.

Everything is real: a PostgreSQL server (tests/pg.py), tantivy indexes in
temporary folders, other "app servers" as other Library objects with folders
of their own, and (in the last test) two ``paperscope serve`` processes.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest

from paperscope.cli import app
from paperscope.config import Settings, SettingsError
from paperscope.library import Library
from paperscope.models import Version, new_paper
from paperscope.search import engine as engine_module
from paperscope.search.engine import LOCK_FILE, local_index_folder
from paperscope.search.query import SearchFilters
from paperscope.store.base import redact
from tests.conftest import ARXIV_SAMPLE, REPO
from tests.pg import TEMPLATE
from tests.test_pg_servers import free_port, stop

WAIT_S = 60  # generous: what "within seconds" may take on a busy machine


def paper(n: int, title: str, **values):
    return new_paper(title=title, arxiv_id=f"2611.{n:05d}", source="arxiv-oai",
                     published="2026-11-02", abstract=f"An abstract about {title.lower()}.",
                     versions=[Version(1, "2026-11-02T08:00:00Z")], **values)  # fmt: skip


def save(lib: Library, *papers) -> None:
    with lib.store.transaction():
        lib.store.save_papers(list(papers))


def wait_for(condition, what: str, timeout: float = WAIT_S):
    deadline = time.monotonic() + timeout
    while not (found := condition()):
        assert time.monotonic() < deadline, f"{what}: not within {timeout} s"
        time.sleep(0.1)
    return found


@contextlib.contextmanager
def holding_the_turn(lib: Library) -> Iterator[None]:
    """Hold the lock of ``lib``'s index folder, as another process catching
    that index up would."""
    folder = lib.index_path
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / LOCK_FILE, "a+b") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def test_the_index_lives_on_this_machine_and_follows_every_change(pg_url, tmp_path):
    with (
        Library(pg_url, index_dir=tmp_path / "a") as a,
        Library(pg_url, index_dir=tmp_path / "b") as b,
    ):
        assert a.index_path.parent == tmp_path / "a" and a.keyword_score == "bm25"
        assert a.import_file(ARXIV_SAMPLE).ok
        hits = a.search("black hole", mode="keyword").hits
        assert hits and all("bm25" in h.why for h in hits)
        assert a.lexical_index().count() == a.count() == 200

        # Written through "another app server": found here at the next search.
        save(b, paper(1, "Quasicrystal lattices of ultracold ytterbium"))
        assert a.search('"ultracold ytterbium"', mode="keyword").ids == ["2611.00001"]

        # Votes move the change sequence, so the upvotes filter follows them.
        user = b.people.add_user("reader@example.org", "reader", "not a hash", admin=False)
        many = SearchFilters(min_upvotes=1)
        assert a.search('"ultracold ytterbium"', mode="keyword", filters=many).ids == []
        assert b.people.toggle_vote(user.id, "2611.00001")[0]
        assert a.search('"ultracold ytterbium"', mode="keyword", filters=many).ids == ["2611.00001"]

        # A paper that gains its arXiv id is renamed: the old id is removed.
        save(b, new_paper(title="Holographic tensor networks for de Sitter space",
                          source="bibtex", published="2026"))  # fmt: skip
        (old,) = a.search('"holographic tensor networks"', mode="keyword").ids
        assert old.startswith("t-")
        save(b, paper(2, "Holographic tensor networks for de Sitter space"))
        assert a.search('"holographic tensor networks"', mode="keyword").ids == ["2611.00002"]
        assert b.search('"holographic tensor networks"', mode="keyword").ids == ["2611.00002"]
        assert a.lexical_index().count() == b.lexical_index().count() == a.count()


def test_processes_sharing_a_folder_take_turns(pg_url, tmp_path):
    """Two workers of one server share a folder: while one catches the index
    up, the other's searches read what is committed instead of waiting."""
    with Library(pg_url, index_dir=tmp_path) as a, Library(pg_url, index_dir=tmp_path) as b:
        assert a.index_path == b.index_path
        save(a, paper(1, "Superfluid helium films"))
        assert a.search("helium", mode="keyword").ids == ["2611.00001"]
        save(a, paper(2, "Helium nanodroplet spectroscopy"))
        with holding_the_turn(a):
            assert b.search("helium", mode="keyword").ids == ["2611.00001"]  # not yet
        assert sorted(b.search("helium", mode="keyword").ids) == ["2611.00001", "2611.00002"]
        assert sorted(a.search("helium", mode="keyword").ids) == ["2611.00001", "2611.00002"]
        assert a.lexical_index().count() == 2  # indexed once, seen by both


def test_an_index_far_behind_is_built_in_the_background(pg_url, tmp_path, monkeypatch):
    monkeypatch.setattr(engine_module, "INLINE_CATCH_UP", 50)
    with Library(pg_url) as loader:
        assert loader.import_file(ARXIV_SAMPLE).ok
    lib = Library(pg_url, index_dir=tmp_path)
    try:
        # A short-lived process (a script) reads the database's full text and
        # leaves the building to the servers.
        hits = lib.search("black hole", mode="keyword").hits
        assert hits and all("ts_rank" in h.why for h in hits)
        assert not lib.engine.building
        # A server starts the catch-up at its start; while another process
        # holds the folder it waits, and the full text answers.
        with holding_the_turn(lib):
            assert lib.engine.catch_up_in_background()
            assert lib.engine.building
            assert all("ts_rank" in h.why for h in lib.search("black hole", mode="keyword").hits)
        wait_for(lambda: not lib.engine.building, "the background catch-up")
        bm25 = lib.search("black hole", mode="keyword").hits
        assert [h.id for h in bm25] and all("bm25" in h.why for h in bm25)
        assert {h.id for h in bm25} == {h.id for h in hits}
        assert lib.lexical_index().count() == 200
    finally:
        lib.close()


def test_closing_stops_a_background_catch_up(pg_url, tmp_path, monkeypatch):
    monkeypatch.setattr(engine_module, "INLINE_CATCH_UP", 50)
    with Library(pg_url) as loader:
        assert loader.import_file(ARXIV_SAMPLE).ok
    lib = Library(pg_url, index_dir=tmp_path)
    assert lib.lexical_index().count() == 0
    with holding_the_turn(lib):  # it waits for the turn...
        assert lib.engine.catch_up_in_background()
        lib.close()  # ...and gives up on close instead of waiting for good
    assert not lib.engine.building


def test_a_database_made_again_at_the_same_url_is_indexed_afresh(pg_server, tmp_path):
    name = "t_same_url_twice"
    url = pg_server.url(name)
    pg_server.drop_database(url)
    pg_server.new_database()  # makes sure the template exists
    try:
        for round, title in enumerate(["Phonon lasers in silicon", "Magnon lasers in yttrium"]):
            with pg_server.admin() as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
                conn.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
            with Library(url, index_dir=tmp_path) as lib:
                save(lib, paper(1, title))  # the same id and change number both times
                assert lib.search("lasers", mode="keyword").hits[0].paper.title == title, round
                assert lib.lexical_index().count() == 1
    finally:
        pg_server.drop_database(url)


def test_the_folder_is_named_after_the_database_not_the_password(tmp_path):
    def folder(url: str) -> Path:
        return local_index_folder(tmp_path, redact(url))

    one = folder("postgresql://ps:secret@db.internal:5432/papers")
    assert one == folder("postgresql://ps:other@db.internal:5432/papers")
    assert one.name.startswith("papers-") and "secret" not in str(one)
    assert one != folder("postgresql://ps:secret@db.internal:5432/papers2")
    assert one != folder("postgresql://ps:secret@db.other:5432/papers")


def test_the_setting_chooses_the_keyword_index(pg_url, tmp_path):
    env = {"PAPERSCOPE_DB": pg_url, "PAPERSCOPE_INDEX_DIR": str(tmp_path / "idx")}
    assert Settings.from_env(env).keyword_index == "tantivy"
    assert Settings.from_env(env).index_dir == str(tmp_path / "idx")
    assert Settings.from_env({"XDG_DATA_HOME": "/srv/x", "PAPERSCOPE_DB": pg_url}).index_dir == (
        "/srv/x/paperscope/indexes"
    )
    with pytest.raises(SettingsError, match="PAPERSCOPE_KEYWORD_INDEX"):
        Settings.from_env({**env, "PAPERSCOPE_KEYWORD_INDEX": "lucene"})
    with pytest.raises(SettingsError, match="needs a PostgreSQL database"):
        Settings.from_env({"PAPERSCOPE_DB": str(tmp_path / "l.db"),
                           "PAPERSCOPE_KEYWORD_INDEX": "database"})  # fmt: skip

    from typer.testing import CliRunner

    runner = CliRunner()
    assert runner.invoke(app, ["import", str(ARXIV_SAMPLE), "-q"], env=env).exit_code == 0
    for choice, score in (("database", "ts_rank"), ("tantivy", "bm25")):
        found = runner.invoke(
            app, ["search", "black hole", "--mode", "keyword", "--json"],
            env={**env, "PAPERSCOPE_KEYWORD_INDEX": choice},
        )  # fmt: skip
        assert found.exit_code == 0, found.output
        assert '"keyword_rank"' in found.output and f'"{score}"' in found.output, choice
    with Library(pg_url, index_dir=tmp_path / "idx") as lib:
        assert lib.lexical_index().count() == 200  # the import caught this machine's index up
    fulltext = Library(pg_url, keyword_index="database", index_dir=tmp_path / "none")
    with fulltext:
        assert fulltext.search("black hole", mode="keyword").hits
    assert not (tmp_path / "none").exists()  # no local state at all


# -- two real servers ---------------------------------------------------------------


@pytest.mark.slow  # about 10 s
def test_a_paper_imported_through_one_server_is_found_through_the_other(pg_url, tmp_path):
    with Library(pg_url) as lib:
        assert lib.import_file(ARXIV_SAMPLE).ok
    base = {k: v for k, v in os.environ.items() if not k.startswith("PAPERSCOPE_")}
    envs, procs, urls, logs = [], [], [], []
    try:
        for n in range(2):  # two app servers, each with its own disk
            env = {**base, "PAPERSCOPE_DB": pg_url, "XDG_DATA_HOME": str(tmp_path / f"data{n}"),
                   "PAPERSCOPE_INDEX_DIR": str(tmp_path / f"server{n}" / "indexes")}  # fmt: skip
            port = free_port()
            log = tmp_path / f"server{n}.log"
            with log.open("wb") as out:
                procs.append(subprocess.Popen(
                    [sys.executable, "-m", "paperscope", "serve", "--port", str(port),
                     "--workers", "2", "--no-embed"],
                    cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT,
                ))  # fmt: skip
            envs.append(env)
            urls.append(f"http://127.0.0.1:{port}")
            logs.append(log)

        def logged() -> str:
            return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in logs)

        def search(url: str, query: str) -> list[dict] | None:
            for proc in procs:
                assert proc.poll() is None, f"a server exited\n{logged()}"
            with contextlib.suppress(httpx.TransportError):
                r = httpx.get(f"{url}/api/papers/search", params={"q": query, "mode": "keyword"},
                              timeout=10)  # fmt: skip
                assert r.status_code == 200, (r.status_code, r.text[:300])
                return r.json()
            return None

        # Both answer with BM25 from their own index, and agree.
        first = [wait_for(lambda u=u: search(u, "black hole"), f"{u} answering") for u in urls]
        assert [h["paper"]["id"] for h in first[0]] == [h["paper"]["id"] for h in first[1]]
        assert all("bm25" in h["why"] for hits in first for h in hits)
        for n in range(2):
            assert (tmp_path / f"server{n}" / "indexes").is_dir()

        # A paper imported through server A (with A's settings)...
        new = tmp_path / "new.jsonl"
        new.write_text(
            '{"id": "2611.04242", "title": "Chiral phonons in twisted bilayer graphene",'
            ' "abstract": "We observe chiral phonons.", "authors": "A. Author",'
            ' "categories": "cond-mat.mes-hall", "update_date": "2026-11-02", "versions": [{"version": "v1",'
            ' "created": "Mon, 2 Nov 2026 08:00:00 GMT"}]}\n'
        )
        done = subprocess.run([sys.executable, "-m", "paperscope", "import", str(new), "-q"],
                              cwd=REPO, env=envs[0], capture_output=True, text=True,
                              timeout=120)  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        # ... is found through server B, which caught its own index up.
        found = wait_for(lambda: search(urls[1], "chiral phonons twisted"), "server B finding it")
        assert found[0]["paper"]["id"] == "2611.04242" and "bm25" in found[0]["why"]
        assert search(urls[0], "chiral phonons twisted")[0]["paper"]["id"] == "2611.04242"
        for proc in procs:
            assert proc.poll() is None, logged()
        for log in logs:
            assert "Traceback" not in log.read_text(errors="replace"), logged()
    finally:
        stop(procs)


def test_the_database_keeps_no_trace_of_the_local_index(pg_url, tmp_path):
    """The index is each machine's own: nothing about it is written to the database."""
    with Library(pg_url, index_dir=tmp_path) as lib:
        assert lib.import_file(ARXIV_SAMPLE).ok
        before = rows(pg_url)
        assert lib.search("black hole", mode="keyword").hits
        assert rows(pg_url) == before


def rows(url: str) -> list[tuple]:
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute("SELECT name, value FROM search_state ORDER BY name").fetchall()
