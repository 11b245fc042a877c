"""The PostgreSQL store: the same methods as SQLite's, for libraries that
outgrow one machine (several app servers, read replicas, millions of papers).

The SQL is :mod:`paperscope.store.base`'s, written with ``?`` placeholders;
:class:`PGConnection` turns them into psycopg's ``%s``. Connections are in
autocommit mode and transactions are explicit ``BEGIN``/``COMMIT``, as on
SQLite. PostgreSQL runs writers concurrently, so the few read-then-write
sections take row locks (``Store.FOR_UPDATE``) or advisory locks
(:meth:`PostgresStore.lock`) where SQLite's single writer made them safe.

Search lives in the database too (``migrations/postgresql/0002_search.sql``):
a weighted ``tsvector`` with a GIN index, and pgvector with an HNSW index;
:mod:`paperscope.search.pg` queries them.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg.pq import TransactionStatus

from paperscope.config import data_home
from paperscope.store.base import (
    SCHEMA_MIGRATIONS,
    Connection,
    Store,
    StoreError,
    check_version,
    migrations,
    redact,
    utcnow,
)

# pg_advisory_xact_lock(LOCK_SPACE, key): the first number keeps paperscope's
# locks apart from any other application's on the same server.
LOCK_SPACE = 0x7073  # "ps"
LOCK_MIGRATE = 0
# Indexes that only serve reads, dropped for a bulk load (see bulk_load).
DEFERRABLE_INDEXES = (
    "paper_authors_name",
    "paper_authors_key",
    "paper_authors_lower",
    "paper_categories_category",
    "paper_keys_paper",
    "papers_published",
    "papers_feed",
    "papers_search",
)
VECTOR_INDEX = "paper_vectors_hnsw"
HNSW_EF_SEARCH = 256  # the search breadth, as on SQLite (search/vectors.py)
BUILD_MEMORY_KB = 1024 * 1024  # at least this maintenance_work_mem for index builds


@functools.lru_cache(maxsize=1024)
def _pg_sql(sql: str) -> str:
    """``?`` placeholders as psycopg's ``%s`` (and a literal ``%`` doubled).
    The store's SQL never has a ``?`` inside a string literal."""
    return sql.replace("%", "%%").replace("?", "%s")


class PGConnection:
    """A psycopg connection that takes the store's ``?`` SQL, like sqlite3's."""

    def __init__(self, raw: psycopg.Connection):
        self.raw = raw

    @property
    def broken(self) -> bool:
        """Whether the connection is gone (server restarted, network lost)."""
        return self.raw.broken or self.raw.closed

    @property
    def in_transaction(self) -> bool:
        return self.raw.info.transaction_status != TransactionStatus.IDLE

    def execute(self, sql: str, args: Iterable = ()) -> psycopg.Cursor:
        if not args:
            return self.raw.execute(sql)
        return self.raw.execute(_pg_sql(sql), tuple(args))

    def executemany(self, sql: str, rows: Iterable) -> None:
        rows = list(rows)
        if rows:
            with self.raw.cursor() as cur:
                cur.executemany(_pg_sql(sql), rows)

    def close(self) -> None:
        self.raw.close()


def connect(url: str, *, vectors: bool = True) -> PGConnection:
    """Open a connection in autocommit mode, with pgvector's types registered
    (``vectors=False`` before migrating: the type may not exist yet)."""
    try:
        raw = psycopg.connect(url, autocommit=True)
    except psycopg.Error as exc:
        # The reason may quote the URL itself, password and all.
        reason = redact(" ".join(str(exc).split()).replace(url, redact(url)))
        raise StoreError(f"cannot connect to PostgreSQL at {redact(url)}: {reason}") from None
    conn = PGConnection(raw)
    if vectors:
        use_vectors(conn)
    return conn


def use_vectors(conn: PGConnection) -> None:
    """Register pgvector's types on ``conn`` and set the HNSW search breadth."""
    from pgvector.psycopg import register_vector

    conn.raw.execute(f"SET hnsw.ef_search = {HNSW_EF_SEARCH}")
    register_vector(conn.raw)


def migrate(conn: PGConnection, *, location: str = "the database") -> list[str]:
    """Apply the PostgreSQL migrations not yet applied; returns their names.
    An advisory lock makes servers that start together migrate one at a time.
    A database a newer paperscope migrated further is refused (StoreError)."""
    applied = []
    shipped = migrations("postgresql")
    conn.execute("BEGIN")
    try:
        conn.execute("SELECT pg_advisory_xact_lock(?, ?)", (LOCK_SPACE, LOCK_MIGRATE))
        conn.execute(SCHEMA_MIGRATIONS)
        done = {row[0] for row in conn.execute("SELECT version FROM schema_migrations")}
        check_version(location, done, shipped)
        for number, name, sql in shipped:
            if number not in done:
                conn.execute(sql)  # a whole file: several statements, no parameters
                conn.execute(
                    "INSERT INTO schema_migrations VALUES (?, ?, ?)", (number, name, utcnow())
                )
                applied.append(name)
        conn.execute("COMMIT")
    except BaseException:
        if not conn.broken:  # a lost connection has nothing left to roll back
            conn.execute("ROLLBACK")
        raise
    return applied


class PostgresStore(Store):
    """Papers, people and search in one PostgreSQL database."""

    dialect = "postgresql"
    IntegrityError = psycopg.IntegrityError
    BEGIN = "BEGIN"
    FOR_UPDATE = " FOR UPDATE"
    AUTHOR_NOCASE = "lower(name) = lower(?)"  # index paper_authors_lower (0004)

    def __init__(self, url: str, *, replica_url: str | None = None):
        super().__init__()
        self.url = url
        self._locks: set[str] = set()  # advisory locks this session holds
        self.replica_url = replica_url or None
        self.has_replica = self.replica_url is not None
        conn = connect(url, vectors=False)  # pgvector's type may not exist before migrating
        try:
            migrate(conn, location=redact(url))
        except psycopg.Error as exc:
            conn.close()
            reason = " ".join(str(exc).split())
            raise StoreError(
                f"{redact(url)}: cannot set up the paperscope schema ({reason})"
            ) from None
        except BaseException:
            conn.close()
            raise
        use_vectors(conn)  # the migrated schema has the type now
        self._adopt(conn)
        self.rebuild_indexes()  # left dropped by a bulk load that was killed

    def try_lock(self, name: str) -> bool:
        """A session-level advisory lock, keyed by the name's hash (taken once:
        PostgreSQL would count a second take, and want a second release)."""
        if name not in self._locks:
            row = self.conn.execute("SELECT pg_try_advisory_lock(?)", (_lock_key(name),))
            if not row.fetchone()[0]:
                return False
            self._locks.add(name)
        return True

    def unlock(self, name: str) -> None:
        if name in self._locks:
            self._locks.discard(name)
            self.conn.execute("SELECT pg_advisory_unlock(?)", (_lock_key(name),))

    def _connect(self, *, replica: bool = False) -> Connection:
        url = self.replica_url if replica and self.replica_url else self.url
        return connect(url)

    @property
    def location(self) -> str:
        """Where the library is, for messages (no password)."""
        return redact(self.url)

    @property
    def files_dir(self) -> Path:
        """Where files that go with the library are kept (the mail outbox):
        the user's data folder, since the database is elsewhere."""
        return data_home()

    def __repr__(self) -> str:
        return f"PostgresStore({redact(self.url)!r})"

    # -- the dialect ------------------------------------------------------

    def in_list(self, column: str) -> str:
        return f"{column} = ANY(?)"

    def list_arg(self, values: Iterable) -> list:
        return list(values)

    def json_values(self, column: str) -> str:
        return f"jsonb_array_elements_text({column}::jsonb) AS s(value)"

    def lock(self, conn, key: int) -> None:
        conn.execute("SELECT pg_advisory_xact_lock(?, ?)", (LOCK_SPACE, key))

    # -- bulk loading -------------------------------------------------------

    @contextmanager
    def bulk_load(self, *, vectors: bool = False) -> Iterator[None]:
        """Drop the read-only indexes (and, with ``vectors``, the HNSW graph)
        for a large load and build them once at the end: a sort instead of a
        page write per row. What was dropped is recorded in the same
        transaction, so a killed load has them rebuilt on the next open."""
        names = DEFERRABLE_INDEXES + ((VECTOR_INDEX,) if vectors else ())
        with self.transaction() as conn:
            rows = conn.execute(
                f"SELECT indexname, indexdef FROM pg_indexes WHERE {self.in_list('indexname')}"
                " AND schemaname = current_schema()",
                (list(names),),
            ).fetchall()
            conn.executemany(
                "INSERT INTO deferred_indexes VALUES (?, ?) ON CONFLICT (name) DO NOTHING", rows
            )
            for name, _ in rows:
                conn.execute(f"DROP INDEX {name}")
        try:
            yield
        finally:
            self.rebuild_indexes()

    def rebuild_indexes(self) -> int:
        """Recreate indexes dropped by :meth:`bulk_load`; returns how many."""
        rows = self.conn.execute("SELECT name, sql FROM deferred_indexes").fetchall()
        if rows:
            with self.transaction() as conn:
                # An HNSW graph built in memory is many times faster than one
                # spilling to disk; a server set higher keeps its own setting.
                (memory,) = conn.execute(
                    "SELECT setting::bigint FROM pg_settings WHERE name = 'maintenance_work_mem'"
                ).fetchone()
                if memory < BUILD_MEMORY_KB:
                    conn.execute(f"SET LOCAL maintenance_work_mem = '{BUILD_MEMORY_KB}kB'")
                for name, sql in rows:
                    conn.execute(sql.replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS", 1))
                    conn.execute("DELETE FROM deferred_indexes WHERE name = ?", (name,))
            # Statistics for every table, expression indexes included: without
            # them the planner took a category filter for 10 times rarer than
            # it was and chose a plan 7 times slower (bench/README.md).
            self.conn.execute("ANALYZE")
        return len(rows)


def _lock_key(name: str) -> int:
    """An advisory lock key (a signed 64-bit number) for a lock name."""
    digest = hashlib.blake2b(f"paperscope/{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)
