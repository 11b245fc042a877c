"""``paperscope migrate``: whole libraries copied between real SQLite files and
a real PostgreSQL server, both ways, interrupted and resumed."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from paperscope.cli import app
from paperscope.library import Library
from paperscope.models import new_paper
from paperscope.search.vectors import MARK_FILE, VectorIndex
from paperscope.store import open_store
from paperscope.store.collections import CollectionStore
from paperscope.store.community import CommunityStore
from paperscope.store.copy import PLAN, SKIPPED, VECTORS, VOTES, CopyError, copy_library
from paperscope.store.digests import DigestStore, SavedSearch
from tests.conftest import ARXIV_SAMPLE, SEEDS

MARK = {"seq": 0, "model": "all-MiniLM-L6-v2"}  # seq filled in by make_library
STALE = "0000.00000"  # a vector whose paper the library no longer has


@pytest.fixture
def new_pg(pg_server):
    """Makes fresh PostgreSQL databases (migrated), dropped after the test."""
    made = []

    def make(*, schema: bool = True) -> str:
        made.append(pg_server.new_database(schema=schema))
        return made[-1]

    yield make
    for url in made:
        pg_server.drop_database(url)


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> Path:
    """A SQLite library with papers, people, votes, collections, comments,
    digests, a secret and some vectors: the source of the copies (read only)."""
    return make_library(tmp_path_factory.mktemp("source") / "library.db")


@pytest.fixture
def source(library, tmp_path) -> Path:
    """A copy of the library that a test may change."""
    path = tmp_path / "source" / "library.db"
    shutil.copytree(library.parent, path.parent)
    return path


def make_library(path: Path) -> Path:
    with Library(path) as lib:
        for seed in SEEDS:
            assert lib.import_file(seed).ok
        assert lib.import_file(ARXIV_SAMPLE).ok
    store = open_store(str(path))
    try:
        # A page record that later gets its arXiv id: a removed (renamed) id.
        with store.transaction():
            store.save_papers([new_paper(title="Graph attention networks", source="hf-page")])
        with store.transaction():
            renamed = new_paper(
                title="Graph Attention Networks", arxiv_id="1710.10903v3",
                source="arxiv-snapshot", authors=["Petar Veličković"],
            )  # fmt: skip
            store.save_papers([renamed])
        ids = [p.id for p in store.iter_papers()]
        people = CommunityStore(store)
        users = [
            people.add_user(f"user{i}@example.org", f"User {i}", f"$argon2id$fake{i}", admin=False)
            for i in range(4)
        ]
        for n, user in enumerate(users):
            for paper_id in ids[n : n + 5 + 3 * n]:
                people.toggle_vote(user.id, paper_id)
        people.toggle_vote(users[0].id, ids[0])  # and one vote taken back
        people.add_session("session-hash-1", users[1].id, "csrf", "2099-01-01T00:00:00Z")
        people.add_reset("reset-hash-1", users[2].id, "2099-01-01T00:00:00Z")
        people.hit("login-ip:127.0.0.1", 1.0, 60.0)  # rate_events: not copied
        people.submit(ids[3], users[1], "2026-11-20")
        shelf = CollectionStore(store)
        reading = shelf.create(users[0].id, "Reading list")
        for paper_id in ids[10:14]:
            shelf.add_paper(users[0].id, reading.id, paper_id)
        shelf.share(users[0].id, reading.id)
        shelf.create(users[1].id, "Later")
        comment = shelf.add_comment(users[2].id, ids[5], "A fine paper.")
        shelf.add_comment(users[3].id, ids[5], "Agreed.")
        shelf.delete_comment(comment.id)
        digests = DigestStore(store)
        digests.save_subscription(
            users[0].id, period="daily", trending=True, recommended=False,
            searches=[SavedSearch("graph neural networks", "", "cs.LG")],
        )  # fmt: skip
        assert digests.claim("daily:2026-11-20", users[0].id, "<1@example.org>")
        digests.mark("daily:2026-11-20", users[0].id, "sent")
        digests.secret("unsubscribe")
        seq = store.last_change()
    finally:
        store.close()
    folder = Path(str(path) + ".search") / "vectors"
    rng = np.random.default_rng(7)
    vector_ids = [*ids[::13], STALE]
    vectors = rng.normal(size=(len(vector_ids), 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    with VectorIndex(folder) as index:
        index.upsert(vector_ids, vectors, [f"{n:016x}" for n in range(len(vector_ids))])
    (folder / MARK_FILE).write_text(json.dumps({**MARK, "seq": seq}))
    return path


# -- reading a library back, whatever holds it ------------------------------


def rows_of(url: str) -> dict[str, list[tuple]]:
    """Every copied table's rows, sorted (papers: as Store.dump gives them)."""
    store = open_store(str(url))
    try:
        found = {"papers": store.dump()}
        for table in PLAN[1:]:
            sql = f"SELECT {', '.join(table.columns)} FROM {table.name}"
            found[table.name] = sorted(store.conn.execute(sql).fetchall(), key=repr)
        found["counters"] = dict(store.conn.execute("SELECT name, value FROM counters"))
        return found
    finally:
        store.close()


def vectors_of(url: str) -> tuple[dict[str, tuple[str, np.ndarray]], str | None]:
    """{paper id: (hash, vector)} and the watermark's JSON text."""
    store = open_store(str(url))
    try:
        if store.dialect == "postgresql":
            rows = store.conn.execute("SELECT paper_id, text_hash, embedding FROM paper_vectors")
            found = {i: (h, np.asarray(v.to_numpy(), dtype=np.float32)) for i, h, v in rows}
            mark = store.conn.execute(
                "SELECT value FROM search_state WHERE name = 'vectors'"
            ).fetchone()
            return found, mark[0] if mark else None
        folder = Path(str(store.path) + ".search") / "vectors"
        with VectorIndex(folder) as index:
            found = {i: (index.hash_of(i), index.vector_of(i)) for i in index.ids()}
        mark = folder / MARK_FILE
        return found, mark.read_text() if mark.exists() else None
    finally:
        store.close()


def assert_same_library(a: str, b: str) -> None:
    ra, rb = rows_of(a), rows_of(b)
    for table in PLAN:
        assert ra[table.name] == rb[table.name], table.name
    assert ra["counters"]["site"] == rb["counters"]["site"]
    assert rb["counters"]["seq"] >= ra["counters"]["seq"]
    assert sum(r[-1] for r in ra["papers"]) == sum(r[-1] for r in rb["papers"])  # votes
    va, mark_a = vectors_of(a)
    vb, mark_b = vectors_of(b)
    va.pop(STALE, None)
    assert sorted(va) == sorted(vb) and mark_a == mark_b
    for paper_id, (hash_a, vec_a) in va.items():
        hash_b, vec_b = vb[paper_id]
        assert hash_a == hash_b
        np.testing.assert_allclose(vec_a, vec_b, atol=2e-3)


def checks(report) -> dict[str, tuple[int, int]]:
    return {c.name: (c.source, c.target) for c in report.checks}


# -- the tests ----------------------------------------------------------------


def test_the_plan_covers_every_column_of_both_schemas(tmp_path, new_pg):
    for url in (str(tmp_path / "empty.db"), new_pg()):
        store = open_store(url)
        try:
            if store.dialect == "sqlite":
                names = [r[0] for r in store.conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table'")]  # fmt: skip
                cols = {
                    n: {r[1] for r in store.conn.execute(f"PRAGMA table_info({n})")} for n in names
                }
            else:
                cols = {}
                for table, column in store.conn.execute(
                    "SELECT table_name, column_name FROM information_schema.columns"
                    " WHERE table_schema = current_schema()"
                ):
                    cols.setdefault(table, set()).add(column)
        finally:
            store.close()
        planned = {t.name: set(t.columns) for t in PLAN}
        assert set(cols) - set(SKIPPED) == set(planned), url
        for table in PLAN:
            extra = {"papers": {"votes", "search"}}.get(table.name, set())
            assert cols[table.name] - planned[table.name] <= extra, table.name
            assert set(table.key) <= planned[table.name]


def test_sqlite_to_postgresql_and_back(library, tmp_path, new_pg):
    pg = new_pg()
    there = copy_library(str(library), pg)
    assert there.ok, there.checks
    counts = checks(there)
    assert counts["papers"] == (309, 309) and counts["users"] == (4, 4)
    assert counts[VECTORS] == (24, 24) and there.stale_vectors == 1  # the stale one left out
    assert counts[VOTES][0] == counts[VOTES][1] > 0
    assert counts["removed_papers"] == (1, 1)
    assert_same_library(str(library), pg)

    back = tmp_path / "back.db"
    again = copy_library(pg, f"sqlite:///{back}")
    assert again.ok, again.checks
    assert_same_library(str(library), str(back))
    assert_same_library(pg, str(back))

    store = open_store(pg)
    try:
        # The copied votes, counted again by the triggers, moved their papers on
        # in the change sequence past the source's last change (and so past the
        # embedding watermark): never back, which would hide later changes.
        (low,) = store.conn.execute("SELECT min(seq) FROM papers WHERE votes > 0").fetchone()
        assert low > rows_of(str(library))["counters"]["seq"]
        # New rows on PostgreSQL get fresh ids, after the copied ones.
        user = CommunityStore(store).add_user("new@example.org", "New", "$x", admin=False)
        shelf = CollectionStore(store)
        collection = shelf.create(user.id, "Mine")
        comment = shelf.add_comment(user.id, store.dump()[0][0], "First!")
        import_id = store.start_import("somewhere", "jsonl")
        assert (user.id, collection.id, comment.id, import_id) == (5, 3, 3, 4)
    finally:
        store.close()

    # The copy back works as a library: search finds the papers (the keyword
    # index builds itself) and similar papers use the copied vectors.
    with Library(back) as lib:
        assert lib.search("diphoton", mode="keyword").hits
        with_vector = next(iter(vectors_of(str(back))[0]))
        assert lib.similar(with_vector, limit=3).hits


def test_a_finished_copy_run_again_only_counts_again(library, new_pg):
    pg = new_pg()
    assert copy_library(str(library), pg).ok
    again = copy_library(str(library), pg)
    assert again.ok and again.finished_before and again.rows == 0
    assert checks(again)["papers"] == (309, 309)


@pytest.mark.parametrize(
    "direction, stop_in",
    [("to postgresql", "paper_authors"), ("to postgresql", VECTORS), ("to sqlite", "votes")],
)
def test_an_interrupted_copy_resumes_where_it_stopped(
    direction, stop_in, library, tmp_path, new_pg
):
    if direction == "to postgresql":
        source, target = str(library), new_pg()
    else:
        source, target = new_pg(), str(tmp_path / "copy.db")
        assert copy_library(str(library), source).ok
    seen = []

    def stop(step: str, done: int, total: int | None) -> None:
        seen.append((step, done))
        if step == stop_in and len([s for s, _ in seen if s == step]) == 2:
            raise KeyboardInterrupt  # after the first batch of the step is committed

    with pytest.raises(KeyboardInterrupt):
        copy_library(source, target, batch=16, progress=stop)
    partial = rows_of(target)
    steps = [t.name for t in PLAN] + [VECTORS]
    assert all(partial[name] == [] for name in steps[steps.index(stop_in) + 1 : -1])
    if stop_in != VECTORS:
        assert 0 < len(partial[stop_in]) < len(rows_of(source)[stop_in])
    else:
        assert 0 < len(vectors_of(target)[0]) < 24

    progress = []
    report = copy_library(source, target, batch=16, progress=lambda *a: progress.append(a))
    assert report.ok and report.resumed, report.checks
    first = next(a for a in progress if a[0] == stop_in)
    assert first[1] > 0  # carried on after the rows already there
    assert_same_library(source, target)


def test_a_target_that_holds_another_library_is_refused(library, tmp_path, new_pg):
    pg = new_pg()
    store = open_store(pg)
    CommunityStore(store).add_user("someone@example.org", "Someone", "$x", admin=True)
    store.close()
    with pytest.raises(CopyError, match=r"is not empty \(it holds 1 user\)"):
        copy_library(str(library), pg)

    other = make_small(tmp_path / "other.db")
    with pytest.raises(CopyError, match="is not empty"):
        copy_library(str(library), str(other))
    # An unfinished copy of one library is not resumed from another.
    target = tmp_path / "copy.db"

    def stop(step, done, total):
        if step == "paper_keys":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        copy_library(str(library), str(target), batch=50, progress=stop)
    with pytest.raises(CopyError, match="unfinished copy of sqlite:///"):
        copy_library(str(other), str(target))


def make_small(path: Path) -> Path:
    store = open_store(str(path))
    with store.transaction():
        store.save_papers([new_paper(title="Another library", source="hf-page")])
    store.close()
    return path


def test_bad_sources_and_targets_are_clear_errors(library, tmp_path, new_pg):
    with pytest.raises(CopyError, match="no such file"):
        copy_library(str(tmp_path / "missing.db"), str(tmp_path / "x.db"))
    with pytest.raises(CopyError, match="the same database"):
        copy_library(str(library), f"sqlite:///{library}")
    pg = new_pg()
    with pytest.raises(CopyError, match="the same database"):
        copy_library(pg, pg.replace("postgres:@", "postgres:secret@"))
    # A source that breaks a constraint (a vote for a paper it does not have).
    broken = tmp_path / "broken" / "library.db"
    shutil.copytree(library.parent, broken.parent)
    with sqlite3.connect(broken) as conn:  # foreign keys are off by default
        conn.execute("INSERT INTO votes VALUES (1, 'no-such-paper', 'then')")
    conn.close()
    with pytest.raises(CopyError, match=r"^copying votes: .*foreign key"):
        copy_library(str(broken), new_pg())
    # Search files of another library beside an empty target.
    target = tmp_path / "new.db"
    with VectorIndex(Path(f"{target}.search") / "vectors") as index:
        index.upsert(["2401.00001"], np.ones((1, 384), dtype=np.float32), ["0" * 16])
    with pytest.raises(CopyError, match=r"holds the search indexes of another library"):
        copy_library(str(library), str(target))


# -- the command --------------------------------------------------------------


def test_the_command_copies_and_prints_the_counts(source, new_pg):
    runner = CliRunner()
    pg = new_pg()
    result = runner.invoke(app, ["migrate", str(source), pg, "-q"])
    assert result.exit_code == 0, result.output
    rows = [re.sub(r"[│┃]", " ", line).split() for line in result.output.splitlines()]
    assert ["papers", "309", "309", "ok"] in rows, result.output
    assert ["vectors", "24", "24", "ok"] in rows and ["votes", "(sum)", "37", "37", "ok"] in rows
    assert "copied" in result.output

    result = runner.invoke(app, ["migrate", str(source), pg])
    assert result.exit_code == 0 and "nothing to copy" in result.output

    # Back into SQLite: the keyword index is built before the command ends.
    back = source.parent / "back.db"
    result = runner.invoke(app, ["migrate", pg, str(back), "--batch-size", "100"])
    assert result.exit_code == 0, result.output
    assert json.loads(Path(f"{back}.search/synced.json").read_text())["seq"] > 0

    # The source changed after the copy: counting again names the table.
    store = open_store(str(source))
    CommunityStore(store).add_user("late@example.org", "Late", "$x", admin=False)
    store.close()
    result = runner.invoke(app, ["migrate", str(source), pg])
    assert result.exit_code == 1
    assert "differs from the source in users" in result.output
    assert "Traceback" not in result.output


def test_the_command_explains_what_it_cannot_do(source, tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["migrate", str(source), "postgresql://nobody@127.0.0.1:9/x"])
    assert result.exit_code == 2
    assert "error: cannot connect to PostgreSQL at postgresql://nobody@127.0.0.1:9/x" in (
        result.output
    )
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
    result = runner.invoke(app, ["migrate", str(tmp_path / "nothing.db"), str(tmp_path / "y.db")])
    assert result.exit_code == 1 and "no such file" in result.output
    result = runner.invoke(app, ["migrate", "mysql://db/x", str(tmp_path / "y.db")])
    assert result.exit_code == 2 and "is not a SQLite URL or file path" in result.output
