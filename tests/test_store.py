"""The SQLite store on real database files: schema, merging by keys, aliases."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from paperscope.models import Version, hash_id, new_paper
from paperscope.store import SQLiteStore
from paperscope.store.base import migrations


def save(store, *papers):
    with store.transaction():
        return store.save_papers(list(papers))


def test_new_database_uses_wal_foreign_keys_and_records_migrations(db_path):
    store = SQLiteStore(db_path)
    conn = store.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    applied = [r[0] for r in conn.execute("SELECT version FROM schema_migrations")]
    assert applied == [number for number, _, _ in migrations("sqlite")]
    store.close()
    # Opening again applies nothing twice.
    SQLiteStore(db_path).close()


def test_a_file_that_is_not_sqlite_gives_a_clear_error(tmp_path):
    bogus = tmp_path / "notes.db"
    bogus.write_text("these are my notes, not a database\n" * 100)
    try:
        SQLiteStore(bogus)
    except Exception as exc:  # noqa: BLE001 - the type and message are what we check
        assert type(exc).__name__ == "StoreError"
        assert "notes.db" in str(exc)
    else:
        raise AssertionError("opening a text file as a database should fail")


def test_saving_twice_changes_nothing(store):
    p = new_paper(title="Graph Attention Networks", arxiv_id="1710.10903", source="arxiv-snapshot",
                  authors=["Petar Veličković"], categories=["stat.ML", "cs.LG"])  # fmt: skip
    assert save(store, p).added == 1
    before = store.dump()
    modified = store.conn.execute("SELECT modified_at FROM papers").fetchone()
    result = save(store, p)
    assert (result.added, result.updated, result.unchanged) == (0, 0, 1)
    assert store.dump() == before
    assert store.conn.execute("SELECT modified_at FROM papers").fetchone() == modified


def test_a_page_record_is_rekeyed_when_its_arxiv_id_arrives(store):
    page = new_paper(title="Graph attention networks", source="hf-page", upvotes=7)
    save(store, page)
    old_id = hash_id("Graph attention networks")
    assert store.get(old_id) is not None
    arxiv = new_paper(title="Graph Attention Networks", arxiv_id="1710.10903v3",
                      source="arxiv-snapshot", authors=["Petar Veličković", "Guillem Cucurull"],
                      categories=["stat.ML"])  # fmt: skip
    result = save(store, arxiv)
    assert (result.added, result.updated) == (0, 1)
    assert store.count() == 1
    merged = store.get("1710.10903")
    assert merged.upvotes == 7 and merged.authors[0] == "Petar Veličković"
    assert store.get(old_id) is None
    assert store.find_key("id:" + old_id) == "1710.10903"  # old links keep working
    rows = store.conn.execute("SELECT paper_id FROM paper_authors").fetchall()
    assert rows == [("1710.10903",), ("1710.10903",)]


def test_versions_update_one_record(store):
    v1 = new_paper(title="T", arxiv_id="2401.00001v1", source="arxiv-oai",
                   versions=[Version(1, "2024-01-01T00:00:00Z")], published="2024-01-01T00:00:00Z")  # fmt: skip
    v2 = new_paper(title="T (revised)", arxiv_id="2401.00001v2", source="arxiv-oai",
                   versions=[Version(2, "2024-02-01T00:00:00Z")], updated="2024-02-01T00:00:00Z")  # fmt: skip
    save(store, v1)
    save(store, v2)
    paper = store.get("2401.00001")
    assert store.count() == 1
    assert [v.version for v in paper.versions] == [1, 2]
    assert paper.published == "2024-01-01T00:00:00Z" and paper.updated == "2024-02-01T00:00:00Z"


def test_two_arxiv_papers_with_one_title_stay_two(store):
    a = new_paper(title="Erratum", arxiv_id="2401.00001", source="arxiv-oai")
    b = new_paper(title="Erratum", arxiv_id="2401.00002", source="arxiv-oai")
    save(store, a, b)
    assert store.count() == 2


def test_duplicates_inside_one_batch_become_one_paper(store):
    page = new_paper(title="A Survey of Mamba", source="hf-page", author_count=5)
    arxiv = new_paper(title="A Survey of Mamba", arxiv_id="2408.01129", source="arxiv-oai")
    again = new_paper(title="a survey of mamba", source="hf-page", upvotes=3)
    result = save(store, page, arxiv, again)
    assert store.count() == 1
    assert (result.added, result.updated, result.unchanged) == (1, 2, 0)
    paper = store.get("2408.01129")
    assert paper.author_count == 5 and paper.upvotes == 3


def test_doi_links_a_bibtex_record_to_its_arxiv_paper_and_folds_duplicates(store):
    bib = new_paper(title="Deep Residual Learning", source="bibtex", doi="10.1109/CVPR.2016.90")
    save(store, bib)
    arxiv = new_paper(title="Deep Residual Learning for Image Recognition", arxiv_id="1512.03385",
                      doi="10.1109/cvpr.2016.90", source="arxiv-snapshot")  # fmt: skip
    save(store, arxiv)
    assert store.count() == 1
    assert store.get("1512.03385").sources == ["arxiv-snapshot", "bibtex"]


def test_rollback_leaves_nothing(store):
    p = new_paper(title="Rolled back", source="hf-page")
    try:
        with store.transaction():
            store.save_papers([p])
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert store.count() == 0
    assert store.conn.execute("SELECT count(*) FROM paper_keys").fetchone()[0] == 0


def test_foreign_keys_hold_after_merges(store):
    save(store, new_paper(title="Some Title", source="hf-page"))
    save(store, new_paper(title="Some title", arxiv_id="2401.11111", source="arxiv-api",
                          authors=["A B"], categories=["cs.LG"]))  # fmt: skip
    for table in ("paper_keys", "paper_authors", "paper_categories"):
        orphans = store.conn.execute(
            f"SELECT count(*) FROM {table} t LEFT JOIN papers p ON p.id = t.paper_id"
            " WHERE p.id IS NULL"
        ).fetchone()[0]
        assert orphans == 0, table
    if store.dialect == "sqlite":
        assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_concurrent_writer_waits_instead_of_failing(db_path):
    a = SQLiteStore(db_path)
    b = SQLiteStore(db_path)
    with a.transaction():
        a.save_papers([new_paper(title="First", source="hf-page")])
    # A second connection sees committed data and can write after the first.
    with b.transaction():
        b.save_papers([new_paper(title="Second", source="hf-page")])
    assert a.count() == 2
    raw = sqlite3.connect(db_path)
    assert raw.execute("SELECT count(*) FROM papers").fetchone()[0] == 2
    raw.close()
    a.close()
    b.close()


def test_bulk_load_drops_read_indexes_and_a_crash_cannot_lose_them(db_path):
    store = SQLiteStore(db_path)

    def indexes():
        rows = store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        return {name for (name,) in rows if not name.startswith("sqlite_")}

    before = indexes()
    assert {"paper_authors_nocase", "papers_published"} <= before
    with store.bulk_load():
        assert "paper_authors_nocase" not in indexes()
        save(store, new_paper(title="Loaded in bulk", source="hf-page", authors=["A B"]))
    assert indexes() == before

    # A process that dies inside bulk_load leaves the indexes dropped and
    # listed as deferred; the next open rebuilds them.
    store.close()
    crash = (
        "import os, sys; from paperscope.store import SQLiteStore; "
        "s = SQLiteStore(sys.argv[1]); cm = s.bulk_load(); cm.__enter__(); os._exit(9)"
    )
    assert subprocess.run([sys.executable, "-c", crash, str(db_path)]).returncode == 9
    raw = sqlite3.connect(db_path)
    left = raw.execute("SELECT count(*) FROM sqlite_master WHERE name = 'paper_authors_nocase'")
    assert left.fetchone()[0] == 0
    raw.close()
    store = SQLiteStore(db_path)
    assert indexes() == before
    assert store.conn.execute("SELECT count(*) FROM deferred_indexes").fetchone()[0] == 0
    store.close()


def test_a_bulk_load_copies_the_wal_into_the_database_on_another_thread(db_path):
    def checkpointing() -> bool:
        return any(t.name == "paperscope-checkpoint" for t in threading.enumerate())

    store = SQLiteStore(db_path)
    papers = [
        new_paper(title=f"Bulk paper number {i}", arxiv_id=f"2401.{i:05d}", source="arxiv-snapshot",
                  abstract="words " * 400)
        for i in range(300)
    ]  # fmt: skip
    size = db_path.stat().st_size
    with store.bulk_load():
        # The importing thread never checkpoints during the load...
        assert store.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
        save(store, *papers)
        # ...yet the pages of the committed batch reach the database file,
        # copied there by the checkpointing thread while the load goes on.
        deadline = time.monotonic() + 30
        while db_path.stat().st_size == size and time.monotonic() < deadline:
            time.sleep(0.01)
        assert db_path.stat().st_size > size
        assert checkpointing()
    assert not checkpointing()
    assert store.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000
    assert store.count() == 300
    # After the load the WAL is empty: everything is in the database file.
    assert Path(f"{db_path}-wal").stat().st_size == 0
    # A load that fails part way stops its thread and restores the setting too.
    with pytest.raises(KeyboardInterrupt), store.bulk_load():
        raise KeyboardInterrupt
    assert not checkpointing()
    assert store.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000
    store.close()


def test_author_and_category_rows_keep_order_and_odd_characters(store):
    names = ['Zoë "Q" O\'Neil', "Back\\slash", "😀 Emoji", "null", "1e5", "  ", "Ann Lee"]
    p = new_paper(title="Rows from lists", arxiv_id="2401.00001", source="hf-page",
                  authors=names, categories=["cs.LG", "stat.ML", "cs.LG"])  # fmt: skip
    save(store, p)

    def rows():
        authors = store.conn.execute(
            "SELECT position, name FROM paper_authors WHERE paper_id = ? ORDER BY position",
            (p.id,),
        ).fetchall()
        categories = store.conn.execute(
            "SELECT category FROM paper_categories WHERE paper_id = ? ORDER BY category", (p.id,)
        ).fetchall()
        return [tuple(r) for r in authors], [c for (c,) in categories]

    # new_paper drops the blank name and the repeated category.
    kept = [n for n in names if n.strip()]
    assert rows() == (list(enumerate(kept)), ["cs.LG", "stat.ML"])
    # arXiv's own record merged in (a better source, other people and
    # categories) rewrites the rows to the merged paper's lists.
    changed = new_paper(title="Rows from lists", arxiv_id="2401.00001", source="arxiv-snapshot",
                        authors=["Ann Lee", "Zoë \"Q\" O'Neil", "Bo Ek"], categories=["math.CO"])  # fmt: skip
    save(store, changed)
    stored = store.get(p.id)
    assert stored.authors != kept and stored.categories != ["cs.LG", "stat.ML"]
    assert rows() == (list(enumerate(stored.authors)), sorted(stored.categories))


def test_new_databases_use_large_pages(db_path):
    store = SQLiteStore(db_path)
    assert store.conn.execute("PRAGMA page_size").fetchone()[0] == 16_384
    store.close()


def _changes(store, since):
    papers, removed, last = [], [], since
    for up_to, chunk, gone in store.changes_since(since, batch=2):
        papers += [p.id for p in chunk]
        removed += gone
        last = up_to
    return papers, removed, last


def test_change_sequence_reports_what_changed_and_what_went(store):
    assert store.last_change() == 0
    save(store, new_paper(title="Graph attention networks", source="hf-page"))
    save(store, new_paper(title="Deep Residual Learning", source="hf-page"))
    seq = store.last_change()
    papers, removed, last = _changes(store, 0)
    assert len(papers) == 2 and removed == [] and last == seq

    # Nothing changes: nothing to report, and the sequence does not move.
    save(store, new_paper(title="Deep Residual Learning", source="hf-page"))
    assert store.last_change() == seq and _changes(store, seq)[:2] == ([], [])

    # The page record takes its arXiv id: the old id is reported removed.
    old = hash_id("Graph attention networks")
    save(
        store,
        new_paper(title="Graph Attention Networks", arxiv_id="1710.10903", source="arxiv-api"),
    )
    papers, removed, last = _changes(store, seq)
    assert papers == ["1710.10903"] and removed == [old]
    assert last == store.last_change()


def test_migration_gives_existing_papers_a_sequence(tmp_path):
    from paperscope.store.sqlite import connect

    path = tmp_path / "old.db"
    conn = connect(path)
    conn.execute(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    for number, name, sql in migrations("sqlite")[:2]:
        conn.executescript(sql)
        conn.execute("INSERT INTO schema_migrations VALUES (?, ?, 'then')", (number, name))
    conn.execute(
        "INSERT INTO papers (id, title, created_at, modified_at) VALUES ('2401.00001', 'Old', 'then', 'then')"
    )
    conn.close()
    store = SQLiteStore(path)
    assert store.last_change() == 1
    assert [p.id for _, chunk, _ in store.changes_since(0) for p in chunk] == ["2401.00001"]
    store.close()


def test_each_thread_reads_through_its_own_connection_while_another_writes(db_path):
    """The web service shares one store between worker threads: a transaction
    open in one thread must be invisible to, and unaffected by, the others."""
    import threading

    store = SQLiteStore(db_path)
    store.save_papers([new_paper(title="Committed", source="hf-page")])
    seen: dict[str, object] = {}
    writing, checked = threading.Event(), threading.Event()

    def writer() -> None:
        with store.transaction():
            store.save_papers([new_paper(title="Pending", source="hf-page")])
            writing.set()
            checked.wait(10)

    def reader() -> None:
        writing.wait(10)
        seen["count"] = store.count()  # does not see the open transaction
        seen["conn"] = store.conn
        checked.set()

    threads = [threading.Thread(target=writer), threading.Thread(target=reader)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert seen["count"] == 1
    assert seen["conn"] is not store.conn
    assert store.count() == 2  # committed once the writer finished
    store.close()


def test_connections_of_finished_threads_are_closed(store):
    """The web server's thread pool retires idle threads; their connections must
    not pile up (on PostgreSQL each one is a server process)."""

    def read():
        store.count()  # opens this thread's connection

    for _ in range(5):
        worker = threading.Thread(target=read)
        worker.start()
        worker.join()
    # This thread's, and the last worker's (closed when the next thread connects).
    assert store.open_connections() == 2


def test_a_dropped_postgresql_connection_is_replaced(pg_server, pg_url):
    """A server restart or failover kills connections: the statement that finds
    its connection gone fails, and the thread's next statement reconnects."""
    import psycopg

    from paperscope.store import open_store

    store = open_store(pg_url)
    assert store.count() == 0
    (pid,) = store.conn.execute("SELECT pg_backend_pid()").fetchone()
    with pg_server.admin() as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    with pytest.raises(psycopg.OperationalError):
        store.count()
    assert store.count() == 0  # a new connection
    assert store.conn.execute("SELECT pg_backend_pid()").fetchone()[0] != pid
    assert store.open_connections() == 1
    store.close()


def test_a_reader_thread_reads_through_a_map_and_sees_what_another_process_wrote(db_path):
    """The web service's reader threads map the file (READER_MMAP_BYTES): a
    thread whose connection is open must see what another process committed
    and checkpointed into the file since, papers that grew the file included."""
    store = SQLiteStore(db_path)
    save(store, new_paper(title="Mapped once", arxiv_id="2601.00001", source="bibtex"))
    writer = (
        "import sys; from paperscope.models import new_paper; from paperscope.store import "
        "SQLiteStore; s = SQLiteStore(sys.argv[1]); t = s.transaction(); t.__enter__(); "
        "s.save_papers([new_paper(title=sys.argv[2], arxiv_id='2601.00001', source='bibtex')]"
        " + [new_paper(title=f'{sys.argv[2]} filler {n}', abstract='x' * 2000, source='bibtex')"
        " for n in range(2000)]); t.__exit__(None, None, None); "
        "s.conn.execute('PRAGMA wal_checkpoint(TRUNCATE)'); s.close()"
    )
    seen: list[tuple[str, int]] = []
    mapped: list[int] = []
    turn, done = threading.Event(), threading.Event()

    def read_twice() -> None:
        mapped.append(store.conn.execute("PRAGMA mmap_size").fetchone()[0])
        seen.append((store.get("2601.00001").title, store.count()))
        turn.set()
        done.wait(30)
        seen.append((store.get("2601.00001").title, store.count()))

    reader = threading.Thread(target=read_twice)
    reader.start()
    turn.wait(30)
    subprocess.run([sys.executable, "-c", writer, str(db_path), "Mapped again"], check=True)
    done.set()
    reader.join()
    store.close()
    assert mapped[0] > 0
    assert seen == [("Mapped once", 1), ("Mapped again", 2001)]


def test_0014_leaves_one_case_blind_author_index_that_still_finds_exact_names(
    tmp_path, monkeypatch
):
    """A library made before 0014 has two indexes on author names (and a bulk
    load killed then may have listed the exact one for rebuilding); after it,
    one case-blind index serves both the exact and the case-blind look-ups."""
    import paperscope.store.sqlite as sqlite_module
    from paperscope.store import base

    path = tmp_path / "old.db"
    with monkeypatch.context() as patch:
        patch.setattr(sqlite_module, "migrations", lambda d: base.migrations(d)[:13])
        store = SQLiteStore(path)
        for title, names in (("Spelt one way", ["Dohoon Choi", "Ada Lovelace"]),
                             ("Spelt another", ["Dohoon choi"]),
                             ("Spelt the first way again", ["Dohoon Choi"])):  # fmt: skip
            save(store, new_paper(title=title, source="hf-page", authors=names))
        sql = store.conn.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'paper_authors_name'"
        ).fetchone()[0]
        store.conn.execute("INSERT INTO deferred_indexes VALUES ('paper_authors_name', ?)", (sql,))
        store.close()
    store = SQLiteStore(path)
    names = {
        r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
    }
    assert "paper_authors_name" not in names and "paper_authors_nocase" in names
    assert store.conn.execute("SELECT count(*) FROM deferred_indexes").fetchone()[0] == 0
    assert store.author_count("Dohoon Choi") == 2 and store.author_count("Dohoon choi") == 1
    assert {p.title for p in store.author_papers("Dohoon Choi", 10)} == {
        "Spelt one way", "Spelt the first way again"}  # fmt: skip
    assert [p.title for p in store.author_papers("Dohoon Choi", 1, offset=1)] != []
    assert store.author_spelling("DOHOON CHOI") == "Dohoon Choi"
    plan = " ".join(
        str(row)
        for row in store.conn.execute(
            f"EXPLAIN QUERY PLAN SELECT paper_id FROM paper_authors WHERE {store.AUTHOR_IS}",
            ("Dohoon Choi",),
        )
    )
    assert "paper_authors_nocase" in plan
    store.close()
