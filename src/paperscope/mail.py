"""Sending email: over SMTP when a server is configured, else into an outbox.

A library with no SMTP settings still works: every message is written as an
``.eml`` file to the outbox folder (``$PAPERSCOPE_OUTBOX``, or ``outbox/``
beside the database), where an operator can read it or a mail client can
open it. ``paperscope digest send --dry-run`` uses the same folder.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from paperscope.config import Settings

TIMEOUT = 30


class MailError(RuntimeError):
    """The message could not be handed to the SMTP server; says why."""


class Mailer:
    def __init__(self, settings: Settings, database_path: Path):
        self.settings = settings
        self.outbox = Path(settings.outbox) if settings.outbox else database_path.parent / "outbox"

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

    def send(self, msg: EmailMessage) -> str:
        """Send (or file) one message; returns where it went."""
        if not self.sends:
            return str(self.file(msg, self.outbox))
        s = self.settings
        try:
            if s.smtp_security == "tls":
                server = smtplib.SMTP_SSL(
                    s.smtp_host, s.smtp_port, timeout=TIMEOUT, context=ssl.create_default_context()
                )
            else:
                server = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=TIMEOUT)
            with server:
                if s.smtp_security == "starttls":
                    server.starttls(context=ssl.create_default_context())
                if s.smtp_user:
                    server.login(s.smtp_user, s.smtp_password or "")
                server.send_message(msg)
        except (OSError, smtplib.SMTPException) as exc:
            raise MailError(f"SMTP {s.smtp_host}:{s.smtp_port}: {exc}") from None
        return f"smtp://{s.smtp_host}:{s.smtp_port}"

    @staticmethod
    def file(msg: EmailMessage, folder: Path) -> Path:
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
