"""Fixtures shared by the whole suite: where ../shared is, and fresh databases."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# ../shared sits beside the repository (CI clones it there); PAPERSCOPE_SHARED overrides.
SHARED = Path(os.environ.get("PAPERSCOPE_SHARED", REPO.parent / "shared"))
SEEDS = sorted((SHARED / "seeds").glob("*.txt"))
ARXIV_SAMPLE = SHARED / "data" / "arxiv" / "arxiv-metadata-oai-snapshot.sample.jsonl"


@pytest.fixture(scope="session")
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.fail(f"the shared data folder is missing: expected it at {SHARED}")
    return SHARED


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A path for a fresh SQLite database file in this test's temporary folder."""
    return tmp_path / "library.db"


@pytest.fixture
def store(db_path: Path):
    from paperscope.store import SQLiteStore

    s = SQLiteStore(db_path)
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
