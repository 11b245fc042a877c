"""Settings: every one declared once, with its type, default and environment name.

:class:`Settings` is the one typed object the CLI, the web service and the
jobs read their configuration from. Each field says, in one place, what it
holds, its default and the environment variable that sets it; nothing else in
paperscope reads ``os.environ`` for a setting. :meth:`Settings.from_env`
takes the environment as an argument (a mapping, as Starlette's
``Config(environ=...)`` does), so tests and ``paperscope serve``'s worker
processes are handed their settings instead of sharing a global.

CLI options beat the environment: they are passed to :meth:`Settings.from_env`
as overrides.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

# arXiv's OAI-PMH endpoint: where harvests and submissions fetch metadata.
ARXIV_OAI_URL = "https://oaipmh.arxiv.org/oai"
SMTP_SECURITY = ("starttls", "tls", "none")
# Where a PostgreSQL library's keyword search runs: a tantivy index on this
# machine (BM25, as on SQLite), or the database's own full text (ts_rank).
KEYWORD_INDEXES = ("tantivy", "database")
# How a yes-or-no setting may be written.
_BOOLS = dict.fromkeys(("1", "true", "yes", "on"), True) | dict.fromkeys(
    ("0", "false", "no", "off"), False
)


class SettingsError(ValueError):
    """A setting holds something paperscope cannot use; the message names it."""


def data_home(environ: Mapping[str, str] | None = None) -> Path:
    """``$XDG_DATA_HOME/paperscope`` (``~/.local/share/paperscope`` when unset)."""
    env = os.environ if environ is None else environ
    base = env.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "paperscope"


def model_cache(environ: Mapping[str, str] | None = None) -> Path:
    """Where models built from the installed weights are kept (the ONNX export):
    ``$PAPERSCOPE_MODEL_CACHE``, else ``$XDG_CACHE_HOME/paperscope/models``
    (``~/.cache/paperscope/models`` when unset)."""
    env = os.environ if environ is None else environ
    if env.get("PAPERSCOPE_MODEL_CACHE"):
        return Path(env["PAPERSCOPE_MODEL_CACHE"])
    base = env.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "paperscope" / "models"


def index_home(environ: Mapping[str, str] | None = None) -> Path:
    """Where a PostgreSQL library's local search indexes go unless
    ``PAPERSCOPE_INDEX_DIR`` says otherwise: ``$XDG_DATA_HOME/paperscope/indexes``."""
    return data_home(environ) / "indexes"


def _setting(env: str, default: Any = None, *, kind: str = "text", **extra: Any) -> Any:
    """A field of :class:`Settings`: its environment variable, default and kind
    (``text``, ``int``, ``float``, ``port``, ``choice``, ``url``, ``networks``,
    ``bool``)."""
    return field(default=default, metadata={"env": env, "kind": kind, **extra})


@dataclass(frozen=True)
class Settings:
    """Everything configurable about a paperscope instance."""

    # The library: a SQLite file path or sqlite:/// URL, or a postgresql:// URL.
    # Default: paperscope.db in $XDG_DATA_HOME/paperscope (see data_home).
    database: str = _setting("PAPERSCOPE_DB", "")
    # A read replica of a PostgreSQL database, for pages and search (see
    # docs/deployment.md); writes and reads that must see them use ``database``.
    replica: str | None = _setting("PAPERSCOPE_DB_REPLICA")
    # Keyword search on PostgreSQL: "tantivy" keeps a BM25 index on each app
    # server's disk, caught up from the database (the ranking SQLite gives);
    # "database" uses PostgreSQL's full text (ts_rank), with no local state.
    # See docs/deployment.md. A SQLite library always uses tantivy.
    keyword_index: str = _setting(
        "PAPERSCOPE_KEYWORD_INDEX", "tantivy", kind="choice", choices=KEYWORD_INDEXES
    )
    # The folder under which a PostgreSQL library's tantivy index is kept, one
    # subfolder per database. Default: indexes/ in $XDG_DATA_HOME/paperscope.
    index_dir: str | None = _setting("PAPERSCOPE_INDEX_DIR")
    # Politeness towards arXiv: seconds between requests (arXiv asks for 3).
    harvest_delay: float = _setting("PAPERSCOPE_HARVEST_DELAY", 3.0, kind="float")
    harvest_url: str = _setting("PAPERSCOPE_HARVEST_URL", ARXIV_OAI_URL, kind="url")
    # An e-mail address or URL for arXiv to reach the operator, sent in the
    # User-Agent as arXiv's API terms ask.
    contact: str | None = _setting("PAPERSCOPE_CONTACT")
    # The service's public address (https://papers.example.org). Links in
    # emails (password resets, digests) are made from it and only from it: a
    # request's Host header is the client's to choose. Feed and API links use
    # it too, or each request's host when it is unset.
    base_url: str | None = _setting("PAPERSCOPE_BASE_URL", kind="url")
    # Addresses (IPs or networks, comma-separated) of the reverse proxies in
    # front of the service: only their X-Forwarded-For and X-Forwarded-Proto
    # headers are believed. Empty: none is, and the client is the peer.
    trusted_proxies: tuple[str, ...] = _setting("PAPERSCOPE_TRUSTED_PROXIES", (), kind="networks")
    # Anonymous responses the web service keeps in memory (0 turns the cache off).
    page_cache: int = _setting("PAPERSCOPE_PAGE_CACHE", 2_000, kind="int")
    # GET requests a server process works on at once; the others wait their
    # turn (web/slots.py says why). 0: no limit, every request in its own thread.
    page_slots: int = _setting("PAPERSCOPE_PAGE_SLOTS", 2, kind="int")
    # Outgoing mail (password resets, digests). With no SMTP host, messages are
    # written as .eml files to ``outbox`` instead of being sent.
    smtp_host: str | None = _setting("PAPERSCOPE_SMTP_HOST")
    smtp_port: int = _setting("PAPERSCOPE_SMTP_PORT", 587, kind="port")
    # starttls, tls (implicit, port 465) or none
    smtp_security: str = _setting(
        "PAPERSCOPE_SMTP_SECURITY", "starttls", kind="choice", choices=SMTP_SECURITY
    )
    smtp_user: str | None = _setting("PAPERSCOPE_SMTP_USER")
    smtp_password: str | None = _setting("PAPERSCOPE_SMTP_PASSWORD", secret=True)
    mail_from: str = _setting("PAPERSCOPE_MAIL_FROM", "paperscope <paperscope@localhost>")
    # Default: outbox/ beside the database.
    outbox: str | None = _setting("PAPERSCOPE_OUTBOX")
    # Submissions to the daily feed (see paperscope.submissions).
    submit_max_age_days: int = _setting("PAPERSCOPE_SUBMIT_MAX_AGE_DAYS", 14, kind="int")
    submit_daily_cap: int = _setting("PAPERSCOPE_SUBMIT_DAILY_CAP", 5, kind="int")
    # Lens webhooks may go to private, loopback and link-local addresses (off:
    # every address a webhook's host resolves to must be a public one, so that
    # no one can make the server POST into its own network). Tests and closed
    # networks turn it on: 1, true, yes or on.
    webhooks_allow_private: bool = _setting("PAPERSCOPE_WEBHOOKS_ALLOW_PRIVATE", False, kind="bool")

    def __post_init__(self) -> None:
        # Settings made in code (tests, benchmarks) are checked like the environment's.
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, str) and f.metadata["kind"] != "text":
                object.__setattr__(self, f.name, _parse(f.name, f.metadata, value))
        if self.base_url:
            object.__setattr__(self, "base_url", self.base_url.rstrip("/"))
        if not self.database.strip():
            raise SettingsError(
                "the database is blank: give a file path, sqlite:/// or postgresql:// URL"
                " (--db or PAPERSCOPE_DB)"
            )
        if self.keyword_index == "database" and not re.match(r"postgres(ql)?://", self.database):
            raise SettingsError(
                "PAPERSCOPE_KEYWORD_INDEX=database needs a PostgreSQL database;"
                " a SQLite library keeps its tantivy index beside the file"
            )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Settings from ``environ`` (default: this process's environment);
        ``overrides`` that are not None (CLI options) beat it. Raises
        :class:`SettingsError` naming the variable that holds a bad value."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            if overrides.get(f.name) is not None:
                values[f.name] = overrides[f.name]
                continue
            text = env.get(f.metadata["env"], "").strip()
            if text:
                values[f.name] = _parse(f.metadata["env"], f.metadata, text)
        unknown = set(overrides) - {f.name for f in fields(cls)}
        if unknown:
            raise TypeError(f"unknown settings: {', '.join(sorted(unknown))}")
        if not values.get("database"):
            values["database"] = str(data_home(env) / "paperscope.db")
        if not values.get("index_dir"):
            values["index_dir"] = str(index_home(env))
        return cls(**values)

    @classmethod
    def variables(cls) -> dict[str, str]:
        """``{environment variable: field name}`` of every setting (for docs and tests)."""
        return {f.metadata["env"]: f.name for f in fields(cls)}


def _parse(name: str, meta: Mapping[str, Any], text: str) -> Any:
    """One setting's text as its kind; SettingsError naming ``name`` otherwise."""
    text = text.strip()
    kind = meta["kind"]
    shown = "***" if meta.get("secret") else repr(text[:80])
    if kind in ("int", "port"):
        if not re.fullmatch(r"[0-9]{1,9}", text):
            raise SettingsError(f"{name}={shown} is not a whole number of 0 or more")
        number = int(text)
        if kind == "port" and not 1 <= number <= 65_535:
            raise SettingsError(f"{name}={shown} is not a port number (1 to 65535)")
        return number
    if kind == "float":
        try:
            value = float(text)
        except ValueError:
            value = -1.0
        if not 0 <= value < 1e9:  # also refuses nan and inf
            raise SettingsError(f"{name}={shown} is not a number of 0 or more")
        return value
    if kind == "bool":
        if text.lower() not in _BOOLS:
            raise SettingsError(f"{name}={shown} is not one of 1, 0, true, false, yes, no, on, off")
        return _BOOLS[text.lower()]
    if kind == "choice":
        if text.lower() not in meta["choices"]:
            raise SettingsError(f"{name}={shown} is not one of {', '.join(meta['choices'])}")
        return text.lower()
    if kind == "url":
        if not re.fullmatch(r"https?://[^\s/?#@]+(/[^\s?#]*)?", text, re.IGNORECASE):
            raise SettingsError(
                f"{name}={shown} is not an http:// or https:// address such as "
                "https://papers.example.org"
            )
        return text
    if kind == "networks":
        return _networks(name, text)
    return text


def _networks(name: str, text: str) -> tuple[str, ...]:
    found = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        try:
            ipaddress.ip_network(part, strict=False)
        except ValueError:
            raise SettingsError(
                f"{name}: {part[:60]!r} is not an IP address or network such as 10.0.0.0/8"
            ) from None
        found.append(part)
    return tuple(found)
