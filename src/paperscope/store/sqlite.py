"""The SQLite store: one file, opened with paperscope's pragmas and migrations.

Writes are ``BEGIN IMMEDIATE`` transactions, so there is one writer at a time
and a transaction never has to be retried; readers run concurrently under WAL.
The SQL itself is shared with PostgreSQL and lives in :mod:`paperscope.store.base`.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO

import orjson

from paperscope.store.base import (
    SCHEMA_MIGRATIONS,
    BatchResult,
    Connection,
    Store,
    StoreError,
    check_version,
    migrations,
    utcnow,
)

__all__ = [
    "BatchResult",
    "SQLiteStore",
    "StoreError",
    "StoreFailure",
    "connect",
    "describe_error",
    "migrations",
    "utcnow",
]

BUSY_TIMEOUT_MS = 10_000
PAGE_SIZE = 16_384
# Indexes that only serve reads (author pages, category counts, date order),
# safe to drop while a bulk import runs; see SQLiteStore.bulk_load.
DEFERRABLE_INDEXES = (
    "paper_authors_nocase",
    "paper_categories_category",
    "paper_keys_paper",
    "papers_published",
    "papers_feed",
)


def sqlite_path(url: str | Path) -> Path:
    """Accept ``sqlite:///path``, ``sqlite:////abs/path`` or a plain file path."""
    text = str(url)
    if text.startswith("sqlite:///"):
        text = text[len("sqlite:///") :]
    elif "://" in text:
        raise StoreError(f"{text!r} is not a SQLite URL or file path")
    return Path(text).expanduser()


class StoreFailure(StoreError):
    """The database is there but fails at its work: a damaged file, a full
    disk. (A plain StoreError is one that cannot be used as given: not a
    database, a directory, a folder that cannot be made, a newer schema.)"""


def open_error(location: str, exc: sqlite3.Error) -> StoreError:
    """The StoreError for a SQLite error met while opening the database."""
    message = describe_error(location, exc)
    damaged = "malformed" in str(exc) or "disk" in str(exc)
    return StoreFailure(message) if damaged else StoreError(message)


def describe_error(location: str, exc: sqlite3.Error) -> str:
    """What a SQLite error means for the library at ``location``, in words."""
    text = str(exc)
    if "not a database" in text:
        return f"{location}: not a SQLite database, or a damaged one ({text})"
    if "malformed" in text:
        return f"{location}: the database file is damaged ({text}): restore it from a backup"
    if "disk is full" in text or "disk I/O error" in text:
        return f"{location}: cannot write the database ({text}): is the disk full?"
    if "readonly" in text or "unable to open" in text:
        what = "write" if "readonly" in text else "open"
        return (
            f"{location}: cannot {what} the database ({text}): "
            "check the permissions of the file and its folder"
        )
    if "locked" in text:
        seconds = BUSY_TIMEOUT_MS // 1000
        return f"{location}: {text} (another process kept it busy for over {seconds} s)"
    return f"{location}: {text}"


# How much of the file a reader maps (SQLite caps it at its build's limit, 2 GiB
# here). Reading a search page's 26 papers took 0.44 ms of CPU with read()
# into the page cache and 0.33 ms through the map (100k papers).
READER_MMAP_BYTES = 1 << 31


def connect(path: Path, cache_mib: int = 64, mmap: bool = False) -> sqlite3.Connection:
    """Open (creating if needed) a SQLite database with paperscope's pragmas;
    ``mmap`` reads the file through a memory map (see READER_MMAP_BYTES)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        where = exc.filename or path.parent
        reason = (
            "it is a file, not a folder"
            if isinstance(exc, FileExistsError | NotADirectoryError)
            else exc.strerror
        )
        raise StoreError(f"{path}: cannot make the folder {where}: {reason}") from None
    try:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    except sqlite3.DatabaseError as exc:
        raise open_error(str(path), exc) from None
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # Only takes effect on a new, empty file. 16 KiB pages hold a whole
        # paper row and imported 7% faster than 4 KiB (bench/README.md).
        conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        conn.execute("PRAGMA journal_mode = WAL")
        # NORMAL is safe from corruption in WAL mode; a power cut may lose the
        # last committed batch, which re-running the import restores.
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute(f"PRAGMA cache_size = -{cache_mib * 1024}")  # in KiB
        # Let large sorts (CREATE INDEX after a bulk load) use helper threads:
        # a third faster on two cores.
        conn.execute(f"PRAGMA threads = {min(4, os.cpu_count() or 1)}")
        if mmap:
            conn.execute(f"PRAGMA mmap_size = {READER_MMAP_BYTES}")
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise open_error(str(path), exc) from None
    return conn


def migrate(conn: sqlite3.Connection, *, location: str = "the database") -> list[str]:
    """Apply migrations not yet applied; returns the names applied now.

    Raises :class:`StoreError` for a database that a newer paperscope has
    migrated further than this one knows (see :func:`check_version`)."""
    conn.execute(SCHEMA_MIGRATIONS)
    shipped = migrations("sqlite")
    done = {row[0] for row in conn.execute("SELECT version FROM schema_migrations")}
    check_version(location, done, shipped)
    applied = []
    for number, name, sql in shipped:
        conn.execute("BEGIN IMMEDIATE")
        try:
            done = conn.execute(
                "SELECT 1 FROM schema_migrations WHERE version = ?", (number,)
            ).fetchone()
            if not done:
                for statement in _statements(sql):
                    conn.execute(statement)
                conn.execute(
                    "INSERT INTO schema_migrations VALUES (?, ?, ?)", (number, name, utcnow())
                )
                applied.append(name)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:  # a full disk has SQLite roll back by itself
                conn.execute("ROLLBACK")
            raise
    return applied


def _statements(sql: str) -> Iterator[str]:
    """The statements of a migration, one by one. A semicolon ends a statement
    only where SQLite agrees it is complete, so a trigger's body stays whole.
    (Migrations keep semicolons out of strings and comments.)"""
    lines = [line for line in sql.splitlines() if not line.lstrip().startswith("--")]
    pending = ""
    for piece in "\n".join(lines).split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n;"):
                yield pending
            pending = ""


class _Checkpointer:
    """Copies the WAL into the database on a thread of its own, after each
    commit of a bulk load, so that the importing thread does not wait for it.

    A checkpoint writes every page a batch changed a second time and waits
    for two ``fsync`` calls; in the committing thread that was half of the
    time a 1M-paper import spent in ``COMMIT`` (bench/README.md). SQLite
    releases the GIL while it works, so the copy overlaps the parsing of the
    next batch. The checkpoints are PASSIVE: they never wait for the writer
    or make it wait. Once one has copied everything, the next write
    transaction starts the WAL from its beginning again, so the file stays
    about one batch long. A checkpoint that fails (a full disk) is tried
    again after the next commit; one that keeps failing is met and reported
    by the store's own checkpoint at the end of the load.
    """

    def __init__(self, path: Path):
        self._conn = connect(path, cache_mib=1)
        self._wake = threading.Event()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="paperscope-checkpoint", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            if self._stopping:
                return
            with suppress(sqlite3.Error):
                self._conn.execute("PRAGMA wal_checkpoint(PASSIVE)")

    def close(self) -> None:
        self._stopping = True
        self._wake.set()
        self._thread.join()
        self._conn.close()


class SQLiteStore(Store):
    """Papers, their keys and bookkeeping in one SQLite file."""

    dialect = "sqlite"
    # The one index on names is case-blind (migration 0014): an exact name is
    # found through it and then compared exactly. ?1 is the name both times;
    # the parameters after it (LIMIT ?, OFFSET ?) number on from 2.
    AUTHOR_IS = "name = ?1 COLLATE NOCASE AND name = ?1"
    IntegrityError = sqlite3.IntegrityError
    BEGIN = "BEGIN IMMEDIATE"

    def __init__(self, url: str | Path):
        super().__init__()
        self.path = sqlite_path(url)
        self.url = f"sqlite:///{self.path}"
        self._locks: dict[str, IO[str]] = {}
        self._checkpointer: _Checkpointer | None = None  # during a bulk load
        if self.path.exists() and self.path.is_dir():
            raise StoreError(f"{self.path} is a directory, not a database file")
        conn = connect(self.path)
        try:
            migrate(conn, location=str(self.path))
        except sqlite3.DatabaseError as exc:
            conn.close()
            if isinstance(exc, sqlite3.OperationalError) and "already exists" in str(exc):
                # Another program's tables where paperscope's would go.
                raise StoreError(f"{self.path}: not a paperscope database ({exc})") from None
            raise open_error(str(self.path), exc) from None
        except BaseException:
            conn.close()
            raise
        self._adopt(conn)
        self.rebuild_indexes()  # left dropped by a bulk import that was killed

    @property
    def location(self) -> str:
        """Where the library is, for messages."""
        return str(self.path)

    @property
    def files_dir(self) -> Path:
        """Where files that go with the library are kept (the mail outbox): beside it."""
        return self.path.parent

    def _lock_path(self, name: str) -> Path:
        return Path(f"{self.path}.{name}.lock")

    def try_lock(self, name: str) -> bool:
        """An exclusive ``flock`` on ``library.db.<name>.lock``, which says who holds it."""
        if name in self._locks:
            return True
        file = open(self._lock_path(name), "a+", encoding="utf-8")  # noqa: SIM115 (kept open)
        try:
            fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            file.close()
            return False
        file.seek(0)
        file.truncate()
        file.write(f"{os.getpid()}\n")
        file.flush()
        self._locks[name] = file
        return True

    def unlock(self, name: str) -> None:
        file = self._locks.pop(name, None)
        if file is not None:
            fcntl.flock(file, fcntl.LOCK_UN)
            file.close()

    def lock_holder(self, name: str) -> int | None:
        try:
            return int(self._lock_path(name).read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def _connect(self, *, replica: bool = False) -> Connection:
        # Threads other than the first get a smaller page cache: they are the
        # web service's readers, which touch a few pages a request, and there
        # may be dozens of them. They read through a memory map: pages come
        # straight from the operating system's cache, not copied into each
        # connection's own.
        return connect(self.path, cache_mib=16, mmap=True)

    def in_list(self, column: str) -> str:
        return f"{column} IN (SELECT value FROM json_each(?))"

    def list_arg(self, values: Iterable) -> str:
        return orjson.dumps(list(values)).decode()

    def json_values(self, column: str) -> str:
        return f"json_each({column}) AS s"

    # -- bulk loading ---------------------------------------------------

    @contextmanager
    def bulk_load(self) -> Iterator[None]:
        """Drop the secondary indexes for a large import, rebuild them after.

        Past a few hundred thousand papers, inserting into indexes in random
        order (author names, title hashes) makes SQLite rewrite a page per
        row, and import speed halves; building an index once at the end is a
        sort. The dropped indexes are recorded in the same transaction, so if
        the process dies they are rebuilt the next time the store is opened.
        Lookups by key stay indexed: merging needs them during the import.
        """
        with self.transaction() as conn:
            rows = conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
                f" AND name IN ({','.join('?' * len(DEFERRABLE_INDEXES))})",
                DEFERRABLE_INDEXES,
            ).fetchall()
            conn.executemany("INSERT OR REPLACE INTO deferred_indexes VALUES (?, ?)", rows)
            for name, _ in rows:
                conn.execute(f"DROP INDEX {name}")
        # The WAL is copied into the database on another thread (see
        # _Checkpointer), not by the commits of this one.
        self.conn.execute("PRAGMA wal_autocheckpoint = 0")
        try:
            self._checkpointer = _Checkpointer(self.path)
            yield
        finally:
            if self._checkpointer is not None:
                self._checkpointer.close()
                self._checkpointer = None
            self.conn.execute("PRAGMA wal_autocheckpoint = 1000")
            self.rebuild_indexes()
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def commit(self) -> None:
        super().commit()
        checkpointer = self._checkpointer  # (read once: the load may end meanwhile)
        if checkpointer is not None:
            checkpointer.wake()

    def rebuild_indexes(self) -> int:
        """Recreate indexes dropped by :meth:`bulk_load`; returns how many."""
        rows = self.conn.execute("SELECT name, sql FROM deferred_indexes").fetchall()
        if rows:
            with self.transaction() as conn:
                for name, sql in rows:
                    conn.execute(sql.replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS", 1))
                    conn.execute("DELETE FROM deferred_indexes WHERE name = ?", (name,))
        return len(rows)
