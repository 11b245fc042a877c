"""A database a newer paperscope has migrated is refused when opened, on both
backends, instead of failing later with ``no such column``."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from paperscope.store import StoreError, open_store
from paperscope.store.base import migrations


def add_future_migration(url: str) -> tuple[int, int, str]:
    """Record a migration this code does not ship, as a newer paperscope
    would; returns (its version, the newest shipped, the store's location)."""
    store = open_store(url)
    try:
        known = max(number for number, _, _ in migrations(store.dialect))
        with store.transaction() as conn:
            conn.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, ?)",
                (known + 2, f"{known + 2:04d}_from_the_future.sql", "2030-01-01T00:00:00Z"),
            )
        return known + 2, known, store.location
    finally:
        store.close()


def test_a_schema_newer_than_the_code_is_refused_when_opened(library_url):
    future, known, location = add_future_migration(library_url)
    with pytest.raises(StoreError) as caught:
        open_store(library_url)
    assert str(caught.value) == (
        f"{location} was made by a newer paperscope (schema version {future}; "
        f"this one knows up to {known}): upgrade paperscope to use it"
    )
    # Refused before anything was changed: the newer schema is left as it was.
    versions = _versions(library_url)
    assert future in versions and set(versions) - {future} == {
        number
        for number, _, _ in migrations("postgresql" if "postgres" in library_url else "sqlite")
    }


def test_the_command_says_to_upgrade(library_url):
    future, known, location = add_future_migration(library_url)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERSCOPE_")}
    r = subprocess.run([sys.executable, "-m", "paperscope", "stats", "--db", library_url],
                       env=env, capture_output=True, text=True, timeout=60)  # fmt: skip
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert (
        f"error: {location} was made by a newer paperscope (schema version {future}; " in r.stderr
    )
    assert "upgrade paperscope to use it" in r.stderr


def _versions(url: str) -> list[int]:
    if "postgres" in url:
        import psycopg

        with psycopg.connect(url) as conn:
            return [r[0] for r in conn.execute("SELECT version FROM schema_migrations")]
    import sqlite3

    conn = sqlite3.connect(url)
    try:
        return [r[0] for r in conn.execute("SELECT version FROM schema_migrations")]
    finally:
        conn.close()
