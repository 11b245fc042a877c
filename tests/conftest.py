"""Fixtures shared by the whole suite: where ../shared is, and fresh databases."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# ../shared sits beside the repository (CI clones it there); PAPERSCOPE_SHARED overrides.
SHARED = Path(os.environ.get("PAPERSCOPE_SHARED", REPO.parent / "shared"))
SEEDS = sorted((SHARED / "seeds").glob("*.txt"))
ARXIV_SAMPLE = SHARED / "data" / "arxiv" / "arxiv-metadata-oai-snapshot.sample.jsonl"


@pytest.fixture(scope="session", autouse=True)
def data_home(tmp_path_factory) -> Iterator[Path]:
    """The user's data folder, made the suite's own: a PostgreSQL library
    keeps its keyword index (and its mail outbox) there by default."""
    folder = tmp_path_factory.mktemp("xdg-data")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_DATA_HOME", str(folder))
        yield folder


@pytest.fixture(scope="session")
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.fail(f"the shared data folder is missing: expected it at {SHARED}")
    return SHARED


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A path for a fresh SQLite database file in this test's temporary folder."""
    return tmp_path / "library.db"


# -- the two database backends ----------------------------------------------------
# Tests that take `library_url` or `store` run once on SQLite and once on a
# real PostgreSQL server (tests/pg.py): the conformance suite of the backends.
BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory):
    """A PostgreSQL 18 server with pgvector, started once per test process."""
    from tests.pg import Server

    server = Server(tmp_path_factory.mktemp("pg") / "data", durable=False)
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server) -> Iterator[str]:
    """The URL of a fresh PostgreSQL database with the paperscope schema."""
    url = pg_server.new_database()
    yield url
    pg_server.drop_database(url)


@pytest.fixture(params=BACKENDS)
def library_url(request, tmp_path: Path) -> str:
    """A fresh library's database: a SQLite file, or a PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "library.db")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def store(library_url: str):
    from paperscope.store import open_store

    s = open_store(library_url)
    yield s
    s.close()


@pytest.fixture
def arxiv():
    """A local OAI-PMH server on 127.0.0.1 (see tests/harvest/fake_arxiv.py)."""
    from tests.harvest.fake_arxiv import FakeArxiv

    fake = FakeArxiv()
    fake.thread.start()
    yield fake
    fake.release.set()
    fake.server.shutdown()
    fake.server.server_close()
    fake.thread.join(5)


@pytest.fixture
def smtp():
    """A real SMTP server (aiosmtpd) on 127.0.0.1; ``smtp.messages`` holds what it received."""
    from email import message_from_bytes, policy

    from aiosmtpd.controller import Controller

    class Inbox:
        def __init__(self):
            self.messages = []  # (envelope recipients, parsed message)
            self.peers = []  # the client's (host, port) per message: one port, one connection

        async def handle_DATA(self, server, session, envelope):
            msg = message_from_bytes(envelope.original_content, policy=policy.default)
            self.messages.append((list(envelope.rcpt_tos), msg))
            self.peers.append(tuple(session.peer))
            return "250 OK"

    inbox = Inbox()
    with socket.socket() as s:  # a free port (aiosmtpd checks the one it is given)
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    inbox.host, inbox.port = "127.0.0.1", port
    yield inbox
    controller.stop()
