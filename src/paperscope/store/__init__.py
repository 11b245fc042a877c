"""Storage: the one place that opens databases and writes SQL.

A library lives in SQLite (``sqlite:///path``, or a plain file path: the
default) or in PostgreSQL (``postgresql://...``); :func:`open_store` picks the
backend from the URL and both have the same methods.
"""

from paperscope.store.base import BatchResult, Store, StoreError
from paperscope.store.sqlite import SQLiteStore

__all__ = ["BatchResult", "SQLiteStore", "Store", "StoreError", "is_postgres", "open_store"]


def is_postgres(url: str) -> bool:
    return str(url).startswith(("postgresql://", "postgres://"))


def open_store(url: str, *, replica_url: str | None = None) -> Store:
    """Open the store a database URL or path names, migrating it if needed.

    ``replica_url`` (PostgreSQL only) is a read replica for reads that may lag:
    pages, feeds and search."""
    if is_postgres(url):
        from paperscope.store.postgres import PostgresStore

        return PostgresStore(str(url), replica_url=replica_url)
    if replica_url:
        raise StoreError("a read replica needs a PostgreSQL database URL")
    return SQLiteStore(url)
