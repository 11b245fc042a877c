"""Sending email: over SMTP when a server is configured, else into an outbox.

A library with no SMTP settings still works: every message is written as an
``.eml`` file to the outbox folder (``$PAPERSCOPE_OUTBOX``, or ``outbox/``
beside the database), where an operator can read it or a mail client can
open it. ``paperscope digest send --dry-run`` uses the same folder.
"""

from __future__ import annotations

import contextlib
import os
import smtplib
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage, Message
from email.utils import formatdate, make_msgid
from pathlib import Path

from paperscope.config import Settings

TIMEOUT = 30


class MailError(RuntimeError):
    """The message could not be handed to the SMTP server; says why."""


class Mailer:
    def __init__(self, settings: Settings, files_dir: Path):
        """``files_dir`` holds the default outbox: the library's ``Store.files_dir``."""
        self.settings = settings
        self.outbox = Path(settings.outbox) if settings.outbox else files_dir / "outbox"
        # batch() state is per thread: two runs in two threads share a Mailer,
        # never a connection.
        self._local = threading.local()

    @property
    def _batching(self) -> bool:
        return getattr(self._local, "batching", False)

    @_batching.setter
    def _batching(self, value: bool) -> None:
        self._local.batching = value

    @property
    def _server(self) -> smtplib.SMTP | None:
        """The connection batch() keeps open in this thread."""
        return getattr(self._local, "server", None)

    @_server.setter
    def _server(self, value: smtplib.SMTP | None) -> None:
        self._local.server = value

    @property
    def sends(self) -> bool:
        """Whether messages go to an SMTP server (else to the outbox)."""
        return bool(self.settings.smtp_host)

    def message(self, to: str, subject: str, text: str, html: str | None = None) -> EmailMessage:
        """A message from this instance, plain text with an optional HTML part."""
        msg = EmailMessage()
        msg["From"] = self.settings.mail_from
        msg["To"] = to
        msg["Subject"] = subject
        msg["Date"] = formatdate(usegmt=True)
        msg["Message-ID"] = make_msgid(domain="paperscope")
        msg.set_content(text)
        if html is not None:
            msg.add_alternative(html, subtype="html")
        return msg

    def send(self, msg: Message) -> str:
        """Send (or file) one message; returns where it went. Inside
        :meth:`batch` the connection stays open for the next message."""
        if not self.sends:
            return str(self.file(msg, self.outbox))
        s = self.settings
        try:
            if self._batching and self._server is not None:
                try:
                    self._server.send_message(msg)
                    return f"smtp://{s.smtp_host}:{s.smtp_port}"
                except smtplib.SMTPServerDisconnected:
                    self._drop()  # the server hung up between messages: connect once more
            server = self._connect()
            if self._batching:
                self._server = server
                server.send_message(msg)
            else:
                with server:
                    server.send_message(msg)
        except (OSError, smtplib.SMTPException) as exc:
            self._drop()
            raise MailError(f"SMTP {s.smtp_host}:{s.smtp_port}: {exc}") from None
        return f"smtp://{s.smtp_host}:{s.smtp_port}"

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Send the messages of this block over one connection (and one TLS
        handshake and log-in), as a digest run of thousands needs."""
        self._batching = True
        try:
            yield
        finally:
            self._batching = False
            if self._server is not None:
                with contextlib.suppress(OSError, smtplib.SMTPException):
                    self._server.quit()
            self._server = None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        host = s.smtp_host
        if not host:  # send() files messages instead when no server is set
            raise MailError("no SMTP server is set (PAPERSCOPE_SMTP_HOST)")
        server: smtplib.SMTP
        if s.smtp_security == "tls":
            server = smtplib.SMTP_SSL(
                host, s.smtp_port, timeout=TIMEOUT, context=ssl.create_default_context()
            )
        else:
            server = smtplib.SMTP(host, s.smtp_port, timeout=TIMEOUT)
        try:
            if s.smtp_security == "starttls":
                server.starttls(context=ssl.create_default_context())
            if s.smtp_user:
                server.login(s.smtp_user, s.smtp_password or "")
        except BaseException:
            server.close()
            raise
        return server

    def _drop(self) -> None:
        """Forget a connection an error left in an unknown state."""
        if self._server is not None:
            with contextlib.suppress(OSError):
                self._server.close()
        self._server = None

    @staticmethod
    def file(msg: Message, folder: Path) -> Path:
        """Write ``msg`` as ``<folder>/<message id>.eml``, whole or not at all."""
        folder.mkdir(parents=True, exist_ok=True)
        name = "".join(
            c if c.isalnum() or c in "-_." else "_" for c in msg["Message-ID"].strip("<>")
        )
        path = folder / f"{name}.eml"
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(msg.as_bytes())
        os.replace(tmp, path)
        return path
