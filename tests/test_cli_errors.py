"""Hostile values and failing disks, files and servers, through the real command.

Every case runs ``python -m paperscope`` in a subprocess, as a person would,
and expects one ``error: ...`` line on standard error that names what failed
and where, exit status 2 for input to fix or 1 for a failure of the work,
never a Python traceback, and no half-written file left behind.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ARXIV_SAMPLE

BASE = "https://papers.example.org"


def ps(*args: str | bytes, env: dict | None = None, stdout=subprocess.PIPE,
       file_size: int | None = None, timeout: float = 60) -> subprocess.CompletedProcess:  # fmt: skip
    """Run paperscope; ``file_size`` limits the size of every file it writes
    (RLIMIT_FSIZE, with SIGXFSZ ignored): writes past it fail with EFBIG, as
    on a full disk."""

    def limit() -> None:
        if file_size is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))

    r = subprocess.run(
        [sys.executable, "-m", "paperscope", *args], env=env, stdout=stdout,
        stderr=subprocess.PIPE, preexec_fn=limit, timeout=timeout,
    )  # fmt: skip
    r.stderr = r.stderr.decode("utf-8", "replace")
    assert "Traceback" not in r.stderr and "Exception ignored" not in r.stderr, r.stderr
    return r


def refused(r: subprocess.CompletedProcess, code: int, message: str) -> None:
    assert r.returncode == code, r.stderr
    assert f"error: {message}" in r.stderr, r.stderr


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PAPERSCOPE_")}
    return {**clean, "PAPERSCOPE_DB": str(tmp_path / "default.db"),
            "XDG_DATA_HOME": str(tmp_path / "xdg")}  # fmt: skip


@pytest.fixture(scope="module")
def made_library(tmp_path_factory) -> Path:
    """A real library of 200 papers, made once; tests work on copies."""
    from paperscope.library import Library

    path = tmp_path_factory.mktemp("made") / "library.db"
    with Library(path) as lib:
        assert lib.import_file(ARXIV_SAMPLE).added == 200
        lib.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def library(made_library: Path, tmp_path: Path) -> Path:
    path = tmp_path / "lib" / "library.db"
    path.parent.mkdir()
    shutil.copy(made_library, path)
    return path


def left_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# -- the database ---------------------------------------------------------------------


def test_a_db_folder_under_a_file_cannot_be_made(env, tmp_path):
    blocker = tmp_path / "notes.txt"
    blocker.write_text("a file, not a folder")
    r = ps("init", "--db", str(blocker / "lib.db"), env=env)
    refused(r, 2, f"{blocker}/lib.db: cannot make the folder {blocker}: it is a file, not a folder")


def test_a_db_folder_where_none_can_be_made(env):
    r = ps("stats", "--db", "/proc/paperscope-test/lib.db", env=env)
    refused(r, 2, "/proc/paperscope-test/lib.db: cannot make the folder /proc/paperscope-test: ")


def test_a_library_with_damaged_pages(env, library):
    size = library.stat().st_size
    # Overwrite the last two thirds: the papers' rows and indexes alike (their
    # pages come after the empty tables' root pages, which migrations make first).
    with library.open("r+b") as f:
        f.seek(size // 3)
        f.write(b"\xa5" * (size - size // 3))
    for args in (("stats",), ("export", "-o", str(library.parent / "out.jsonl"))):
        r = ps(*args, "--db", str(library), env=env)
        refused(r, 1, f"{library}: the database file is damaged (database disk image is malformed)")
    assert "out.jsonl" not in " ".join(left_in(library.parent))


def test_a_file_that_is_not_a_database(env, tmp_path):
    notes = tmp_path / "notes.db"
    notes.write_text("my notes\n" * 1000)
    r = ps("search", "graph", "--db", str(notes), env=env)
    refused(r, 2, f"{notes}: not a SQLite database")


def test_a_search_index_folder_that_is_a_file(env, library):
    Path(f"{library}.search").write_text("in the way")
    r = ps("search", "graph", "--db", str(library), env=env)
    refused(r, 1, f"{library}.search/lexical: Not a directory")


def test_postgresql_where_nothing_listens(env):
    with socket.socket() as s:  # a port that was free a moment ago
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"postgresql://ps:hunter2@127.0.0.1:{port}/papers"
    r = ps("init", "--db", url, env=env)
    refused(r, 2, f"cannot connect to PostgreSQL at postgresql://ps:***@127.0.0.1:{port}/papers")
    assert "hunter2" not in r.stderr


def test_a_postgresql_url_that_does_not_parse_keeps_its_password_out(env):
    r = ps("init", "--db", "postgresql://ps:hunter2@[::1/papers", env=env)
    refused(r, 2, "cannot connect to PostgreSQL at postgresql://ps:***@[::1/papers")
    assert "hunter2" not in r.stderr


def test_a_postgresql_database_that_fails_mid_command(env, pg_url):
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as conn:  # as a careless admin might
        conn.execute("DROP TABLE paper_categories")
    r = ps("stats", "--db", pg_url, env=env)
    refused(r, 1, f"{pg_url.replace('postgres:@', 'postgres:***@')}: relation ")
    assert "paper_categories" in r.stderr


def test_an_import_onto_a_full_disk_keeps_whole_batches_only(env, tmp_path):
    db = tmp_path / "full.db"
    assert ps("init", "--db", str(db), env=env).returncode == 0
    r = ps("import", "--batch-size", "25", "-q", str(ARXIV_SAMPLE), "--db", str(db),
           env=env, file_size=256 * 1024)  # fmt: skip
    refused(r, 1, f"{db}: cannot write the database (")
    assert "is the disk full?" in r.stderr
    from paperscope.store import SQLiteStore

    store = SQLiteStore(db)
    try:
        count = store.count()
    finally:
        store.close()
    assert count < 200 and count % 25 == 0  # batches are written whole or not at all


# -- files and standard output ----------------------------------------------------


@pytest.fixture
def read_only():
    """Makes folders read-only, even for root (who writes into any mode): by
    chattr +i where the file system allows it; undone after the test."""
    made: list[Path] = []

    def make(folder: Path) -> Path:
        folder.chmod(0o555)
        made.append(folder)
        if os.geteuid() == 0:
            chattr = shutil.which("chattr")
            done = chattr and subprocess.run([chattr, "+i", str(folder)], capture_output=True)
            if not done or done.returncode != 0:
                pytest.skip("running as root, and this file system cannot make a folder immutable")
        return folder

    yield make
    for folder in made:
        if os.geteuid() == 0 and shutil.which("chattr"):
            subprocess.run(["chattr", "-i", str(folder)], capture_output=True)
        folder.chmod(0o755)


def test_a_library_in_a_read_only_folder(env, library, read_only):
    read_only(library.parent)
    r = ps("stats", "--db", str(library), env=env)
    refused(r, 2, f"{library}: cannot open the database (unable to open database file): check ")


def test_export_into_a_read_only_folder(env, library, read_only, tmp_path):
    folder = tmp_path / "read-only"
    folder.mkdir()
    read_only(folder)
    target = folder / "all.jsonl"
    r = ps("export", "-o", str(target), "--db", str(library), env=env)
    refused(r, 1, f"cannot write to {target}: ")
    assert left_in(folder) == []


def test_export_to_a_file_on_a_full_disk_leaves_no_temporary_file(env, library):
    target = library.parent / "all.jsonl"
    before = left_in(library.parent)
    for format in ("jsonl", "bibtex"):
        r = ps("export", "-f", format, "-o", str(target), "--db", str(library), env=env,
               file_size=64 * 1024)  # fmt: skip
        refused(r, 1, f"cannot write to {target}: File too large")
        assert left_in(library.parent) == before  # no all.jsonl, no .all.jsonl.XXXX


def test_export_to_a_folder_is_a_usage_error(env, library):
    r = ps("export", "-o", str(library.parent), "--db", str(library), env=env)
    assert r.returncode == 2 and "is a directory" in r.stderr


@pytest.mark.parametrize(
    "args", [("export",), ("export", "-f", "bibtex"), ("stats",), ("stats", "--json"),
             ("show", "0704.0001"), ("init",), ("--version",), ("--help",), ("search", "--help")],
)  # fmt: skip
def test_standard_output_on_a_full_disk(env, library, args):
    with open("/dev/full", "wb") as full:
        r = ps(*args, "--db", str(library), env=env, stdout=full) if args[0] not in (
            "--version", "--help") else ps(*args, env=env, stdout=full)  # fmt: skip
    refused(r, 1, "cannot write to standard output: No space left on device")


# -- options ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--from", "2026-13"), "from '2026-13' is not a date like 2026-11-01, 2026-11 or 2026"),
        (("--min-upvotes", "99999999999999999999"),
         "min_upvotes '99999999999999999999' is not a whole number of votes"),
        (("--min-upvotes", "²"), "min_upvotes '²' is not a whole number of votes"),
        (("--mode", "fuzzy"), "mode 'fuzzy' is not one of hybrid, keyword, semantic"),
    ],
)  # fmt: skip
def test_search_options(env, library, args, message):
    refused(ps("search", "graph", *args, "--db", str(library), env=env), 2, message)


def test_an_argument_that_is_not_utf8(env, library):
    r = ps("show", b"caf\xe9", "--db", str(library), env=env)
    refused(r, 2, "'caf\\udce9' holds bytes that are not UTF-8 text")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "links in the emails need the site's public address"),
        (("--base-url", "ftp://x"), "--base-url 'ftp://x' is not an http:// or https:// address"),
        (("--date", "2026-13-01"), "--date '2026-13-01' is not a real day"),
        (("--date", "20261101"), "--date '20261101' is not a date like 2026-11-20"),
    ],
)  # fmt: skip
def test_digest_options(env, library, args, message):
    r = ps("digest", "send", "--period", "daily", *args, "--db", str(library), env=env)
    refused(r, 2, message)


def test_a_digest_dry_run_into_a_file(env, library, tmp_path):
    a_file = tmp_path / "a-file"
    a_file.write_text("")
    r = ps("digest", "send", "--period", "daily", "--dry-run", str(a_file), "--db", str(library),
           env=env)  # fmt: skip
    assert r.returncode == 2 and "is a file" in r.stderr


def test_schedule_where_its_folder_cannot_be_made(env):
    env = {**env, "XDG_DATA_HOME": "/proc/paperscope-test"}
    r = ps("schedule", "--db", "postgresql://ps@db.example/papers", "--base-url", BASE, env=env)
    refused(r, 1, "cannot write to the folder /proc/paperscope-test/paperscope: ")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--at", "24:00"), "--at '24:00' is not a time like 06:00"),
        (("--from", "2026-02-30"), "--from '2026-02-30' is not a date like 2026-11-01"),
        (("--db", "mysql://db.example/papers"), "'mysql://db.example/papers' is not a SQLite URL"),
    ],
)  # fmt: skip
def test_schedule_options(env, args, message):
    refused(ps("schedule", *args, "--base-url", BASE, env=env), 2, message)


def test_serve_on_a_port_in_use(env, library):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        r = ps("serve", "--port", str(port), "--db", str(library), env=env, timeout=30)
    refused(r, 1, f"the web service could not start on 127.0.0.1:{port}")
