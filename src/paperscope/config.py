"""Settings, read in one place from the environment (and overridden by CLI options)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ENV_DB = "PAPERSCOPE_DB"


class SettingsError(ValueError):
    """An environment variable holds something paperscope cannot use."""


def default_database() -> str:
    """``$PAPERSCOPE_DB``, else ``$XDG_DATA_HOME/paperscope/paperscope.db``
    (``~/.local/share/paperscope/paperscope.db`` when XDG_DATA_HOME is unset)."""
    if os.environ.get(ENV_DB):
        return os.environ[ENV_DB]
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return str(Path(base) / "paperscope" / "paperscope.db")


@dataclass(frozen=True)
class Settings:
    """Everything configurable about a paperscope instance."""

    database: str
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

    @classmethod
    def from_env(cls, database: str | None = None) -> Settings:
        return cls(
            database=database or default_database(),
            harvest_delay=_number("PAPERSCOPE_HARVEST_DELAY", 3.0, float),
            harvest_url=os.environ.get("PAPERSCOPE_HARVEST_URL", "https://oaipmh.arxiv.org/oai"),
            contact=os.environ.get("PAPERSCOPE_CONTACT") or None,
            base_url=os.environ.get("PAPERSCOPE_BASE_URL") or None,
            page_cache=_number("PAPERSCOPE_PAGE_CACHE", 2_000, int),
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
