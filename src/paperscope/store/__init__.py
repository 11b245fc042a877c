"""Storage: the one place that opens databases and writes SQL."""

from paperscope.store.sqlite import BatchResult, SQLiteStore, StoreError

__all__ = ["BatchResult", "SQLiteStore", "StoreError", "open_store"]


def open_store(url: str) -> SQLiteStore:
    """Open the store a database URL or path names (SQLite only, for now)."""
    return SQLiteStore(url)
