"""Settings, read in one place from the environment (and overridden by CLI options)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ENV_DB = "PAPERSCOPE_DB"
ENV_REPLICA = "PAPERSCOPE_DB_REPLICA"


class SettingsError(ValueError):
    """An environment variable holds something paperscope cannot use."""


def data_home() -> Path:
    """``$XDG_DATA_HOME/paperscope`` (``~/.local/share/paperscope`` when unset)."""
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "paperscope"


def default_database() -> str:
    """``$PAPERSCOPE_DB``, else ``paperscope.db`` in :func:`data_home`."""
    if os.environ.get(ENV_DB):
        return os.environ[ENV_DB]
    return str(data_home() / "paperscope.db")


@dataclass(frozen=True)
class Settings:
    """Everything configurable about a paperscope instance."""

    database: str
    # A read replica of a PostgreSQL database, for pages and search (see
    # docs/deployment.md); writes and reads that must see them use ``database``.
    replica: str | None = None
    # Politeness towards arXiv: seconds between requests (arXiv asks for 3).
    harvest_delay: float = 3.0
    harvest_url: str = "https://oaipmh.arxiv.org/oai"
    # An e-mail address or URL for arXiv to reach the operator, sent in the
    # User-Agent as arXiv's API terms ask.
    contact: str | None = None
    # The service's public address (https://papers.example.org), used in feed
    # and API links; when unset, taken from each request's Host header.
    base_url: str | None = None
    # Anonymous responses the web service keeps in memory (0 turns the cache off).
    page_cache: int = 2_000
    # Outgoing mail (password resets, digests). With no SMTP host, messages are
    # written as .eml files to ``outbox`` instead of being sent.
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_security: str = "starttls"  # starttls, tls (implicit, port 465) or none
    smtp_user: str | None = None
    smtp_password: str | None = None
    mail_from: str = "paperscope <paperscope@localhost>"
    outbox: str | None = None
    # Submissions to the daily feed (see paperscope.submissions).
    submit_max_age_days: int = 14
    submit_daily_cap: int = 5

    @classmethod
    def from_env(cls, database: str | None = None) -> Settings:
        def env(name: str) -> str | None:
            return os.environ.get(name, "").strip() or None

        return cls(
            database=database or default_database(),
            replica=env(ENV_REPLICA),
            harvest_delay=_number("PAPERSCOPE_HARVEST_DELAY", 3.0, float),
            harvest_url=os.environ.get("PAPERSCOPE_HARVEST_URL", "https://oaipmh.arxiv.org/oai"),
            contact=os.environ.get("PAPERSCOPE_CONTACT") or None,
            base_url=os.environ.get("PAPERSCOPE_BASE_URL") or None,
            page_cache=_number("PAPERSCOPE_PAGE_CACHE", 2_000, int),
            smtp_host=env("PAPERSCOPE_SMTP_HOST"),
            smtp_port=_number("PAPERSCOPE_SMTP_PORT", 587, int),
            smtp_security=_choice("PAPERSCOPE_SMTP_SECURITY", ("starttls", "tls", "none")),
            smtp_user=env("PAPERSCOPE_SMTP_USER"),
            smtp_password=env("PAPERSCOPE_SMTP_PASSWORD"),
            mail_from=env("PAPERSCOPE_MAIL_FROM") or "paperscope <paperscope@localhost>",
            outbox=env("PAPERSCOPE_OUTBOX"),
            submit_max_age_days=_number("PAPERSCOPE_SUBMIT_MAX_AGE_DAYS", 14, int),
            submit_daily_cap=_number("PAPERSCOPE_SUBMIT_DAILY_CAP", 5, int),
        )


def _number(name: str, default: float, kind: type) -> float:
    """A non-negative number from the environment variable ``name``, or ``default``."""
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = kind(text)
    except ValueError:
        value = -1
    if value < 0:
        what = "a whole number" if kind is int else "a number"
        raise SettingsError(f"{name}={text!r} is not {what} of 0 or more")
    return value


def _choice(name: str, allowed: tuple[str, ...]) -> str:
    """One of ``allowed`` from the environment variable ``name`` (the first by default)."""
    text = os.environ.get(name, "").strip().lower() or allowed[0]
    if text not in allowed:
        raise SettingsError(f"{name}={text!r} is not one of {', '.join(allowed)}")
    return text
