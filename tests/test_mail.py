"""Outgoing mail: over a real SMTP server, into the outbox, and a clear error."""

from __future__ import annotations

import socket
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from paperscope.config import Settings
from paperscope.mail import Mailer, MailError


def test_without_smtp_messages_are_filed_as_eml(tmp_path):
    mailer = Mailer(Settings(database=str(tmp_path / "lib.db")), tmp_path)
    msg = mailer.message("ada@example.org", "Hello", "plain words", "<p>html words</p>")
    where = mailer.send(msg)
    assert where.startswith(str(tmp_path / "outbox")) and where.endswith(".eml")
    filed = message_from_bytes(Path(where).read_bytes(), policy=policy.default)
    assert filed["To"] == "ada@example.org" and filed["Subject"] == "Hello"
    assert filed.get_body(("plain",)).get_content().strip() == "plain words"
    assert "html words" in filed.get_body(("html",)).get_content()
    assert not list((tmp_path / "outbox").glob("*.tmp"))


def test_smtp_delivers_to_a_real_server(tmp_path, smtp):
    settings = Settings(
        database="x", smtp_host=smtp.host, smtp_port=smtp.port, smtp_security="none"
    )
    mailer = Mailer(settings, tmp_path)
    mailer.send(mailer.message("ada@example.org", "Hi", "text"))
    assert [(r, m["Subject"]) for r, m in smtp.messages] == [(["ada@example.org"], "Hi")]


def test_an_unreachable_server_is_a_clear_error(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once the socket closes
    settings = Settings(database="x", smtp_host="127.0.0.1", smtp_port=port, smtp_security="none")
    mailer = Mailer(settings, tmp_path)
    with pytest.raises(MailError, match=f"SMTP 127.0.0.1:{port}"):
        mailer.send(mailer.message("ada@example.org", "Hi", "text"))


def test_a_batch_sends_every_message_over_one_connection(tmp_path, smtp):
    settings = Settings(
        database="x", smtp_host=smtp.host, smtp_port=smtp.port, smtp_security="none"
    )
    mailer = Mailer(settings, tmp_path)
    with mailer.batch():
        for i in range(3):
            mailer.send(mailer.message(f"u{i}@example.org", f"Hi {i}", "text"))
    mailer.send(mailer.message("late@example.org", "After", "text"))  # its own connection
    assert [m["Subject"] for _, m in smtp.messages] == ["Hi 0", "Hi 1", "Hi 2", "After"]
    peers = smtp.peers
    assert len(set(peers[:3])) == 1 and peers[3] != peers[0]
