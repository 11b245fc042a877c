"""A polite, resumable harvester for arXiv's OAI-PMH endpoint.

Metadata formats: ``arXivRaw`` (the default: every version with its time),
``arXiv`` (structured authors, days only) or ``oai_dc`` (Dublin Core, what
generic harvesters ask for: days only, categories mapped from subject names);
:mod:`paperscope.importers.oai_pmh` reads all three.

Politeness: one request at a time, ``delay`` seconds between requests (arXiv
asks for 3), a User-Agent that names paperscope, ``Retry-After`` honoured on
503 and 429, exponential back-off on network errors, 5xx and malformed pages.

Resumability: after each page its papers and the checkpoint (resumption
token, counts, latest datestamp) are written in one transaction, so a harvest
stopped at any moment (error, Ctrl-C, kill -9) holds whole pages only, and the
same call run again continues from the saved token. The checkpoint is named
after the parameters (:func:`state_name`); the base URL is not part of the
name, but a token is only replayed against the server that issued it.

Choices worth knowing:
- A completed harvest run again is *incremental*: it lists records from the
  latest datestamp it saw (inclusive, so changes made later that same day are
  not missed; records seen again merge as unchanged). ``restart=True``
  ignores the checkpoint and lists from ``from_date`` again.
- A rejected resumption token (``badResumptionToken``: tokens expire)
  restarts the listing from the date the interrupted listing started from,
  not from the latest datestamp seen: OAI-PMH does not order records by
  datestamp (arXiv lists them roughly by id), so starting later could skip
  records. Pages already stored merge as unchanged.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC
from email.utils import parsedate_to_datetime
from typing import Any, Protocol

import httpx

from paperscope import __version__
from paperscope.config import ARXIV_OAI_URL
from paperscope.daily import parse_day
from paperscope.errors import BadInput
from paperscope.importers.base import FormatError
from paperscope.importers.oai_pmh import NAME, OAIError, Page, parse_page
from paperscope.models import Paper
from paperscope.store.base import BatchResult

METADATA_PREFIXES = ("arXivRaw", "arXiv", "oai_dc")
MAX_ERRORS_KEPT = 20


class HarvestStore(Protocol):
    """What the harvester needs from a store (either backend's)."""

    def transaction(self) -> AbstractContextManager[Any]: ...
    def save_papers(self, papers: list[Paper]) -> BatchResult: ...
    def harvest_state(self, name: str) -> dict | None: ...
    def save_harvest_state(
        self,
        name: str,
        *,
        params: dict,
        resumption_token: str | None,
        pages: int,
        records: int,
        last_datestamp: str | None,
        complete: bool,
    ) -> None: ...
    def start_import(self, source: str, format_name: str) -> int: ...
    def finish_import(
        self, import_id: int, status: str, result: BatchResult, failed: int
    ) -> None: ...


class HarvestError(Exception):
    """The harvest stopped; the message says why and whether running it again resumes."""


@dataclass
class HarvestReport:
    """What one run did; ``on_page`` receives it after every stored page."""

    name: str
    pages: int = 0  # pages stored by this run
    records: int = 0  # papers read by this run (deleted and unreadable excluded)
    deleted: int = 0
    failed: int = 0
    result: BatchResult = field(default_factory=BatchResult)
    retries: int = 0
    resumed: bool = False  # continued an unfinished harvest from its checkpoint
    restarts: int = 0  # listings restarted after a rejected resumption token
    complete: bool = False
    complete_list_size: int | None = None  # as the server reports it, for progress
    cursor: int | None = None
    last_datestamp: str | None = None
    errors: list[str] = field(default_factory=list)  # the first unreadable records

    @property
    def added(self) -> int:
        return self.result.added

    @property
    def updated(self) -> int:
        return self.result.updated

    @property
    def unchanged(self) -> int:
        return self.result.unchanged


def state_name(
    set_spec: str | None, from_date: str | None, until_date: str | None, metadata_prefix: str
) -> str:
    """The checkpoint's name: one per set, date range and metadata format."""
    return f"arxiv-oai:{set_spec or ''}:{from_date or ''}:{until_date or ''}:{metadata_prefix}"


def user_agent(contact: str | None = None) -> str:
    """``paperscope/<version> (+contact)``: arXiv asks harvesters to identify themselves."""
    return f"paperscope/{__version__} (+{contact or 'self-hosted research-paper discovery'})"


def harvest_oai(
    store: HarvestStore,
    *,
    base_url: str = ARXIV_OAI_URL,
    set_spec: str | None = "cs",
    from_date: str | None = None,
    until_date: str | None = None,
    metadata_prefix: str = "arXivRaw",
    delay: float = 3.0,
    max_retries: int = 5,
    timeout: float = 60.0,
    max_wait: float = 600.0,
    restart: bool = False,
    contact: str | None = None,
    sleep: Callable[[float], None] = time.sleep,
    client: httpx.Client | None = None,
    on_page: Callable[[HarvestReport], None] | None = None,
) -> HarvestReport:
    """Harvest ``ListRecords`` pages into ``store`` until the list is complete.

    Raises :class:`HarvestError` when the server keeps failing (after
    ``max_retries`` retries of one request) or answers an OAI-PMH error; the
    pages stored so far stay, and the same call resumes. Waits never exceed
    ``max_wait`` seconds. ``client`` replaces the default httpx client (its
    own headers and timeout are then used as they are).
    """
    days = {}
    for label, value in (("--from", from_date), ("--until", until_date)):
        if value is None:
            continue
        day = parse_day(value)  # a day the calendar has: arXiv answers badArgument otherwise
        if day is None:
            raise BadInput(f"{label} {value[:40]!r} is not a day like 2026-11-01", param=label)
        days[label] = day
    if len(days) == 2 and days["--from"] > days["--until"]:
        raise BadInput(f"--from {from_date} is after --until {until_date}", param="--from")
    if metadata_prefix not in METADATA_PREFIXES:
        raise BadInput(
            f"--metadata {metadata_prefix[:40]!r} is not a format this harvester reads; "
            f"use one of {', '.join(METADATA_PREFIXES)} (metadata_prefix)",
            param="--metadata",
        )
    name = state_name(set_spec, from_date, until_date, metadata_prefix)
    report = HarvestReport(name)
    params = {
        "base_url": base_url, "set": set_spec, "from": from_date, "until": until_date,
        "metadata_prefix": metadata_prefix, "listing_from": from_date,
    }  # fmt: skip
    checkpoint = _Checkpoint(params=params)
    state = None if restart else store.harvest_state(name)
    if state is not None:
        checkpoint.resume_from(state, base_url, report)
    report.last_datestamp = checkpoint.last_datestamp

    own_client = client is None
    if client is None:
        client = httpx.Client(
            headers={"User-Agent": user_agent(contact)},
            timeout=timeout,
            follow_redirects=True,
        )
    fetcher = _Fetcher(client, base_url, delay, max_retries, max_wait, sleep, report)
    import_id = store.start_import(name, NAME)
    status = "failed"
    try:
        _run(store, name, checkpoint, fetcher, report, on_page)
        status = "done"
    except KeyboardInterrupt:
        status = "interrupted"
        raise
    finally:
        store.finish_import(import_id, status, report.result, report.failed)
        if own_client:
            client.close()
    return report


@dataclass
class _Checkpoint:
    """Where the listing stands; mirrors the saved harvest state."""

    params: dict
    token: str | None = None
    pages: int = 0
    records: int = 0
    last_datestamp: str | None = None

    def resume_from(self, state: dict, base_url: str, report: HarvestReport) -> None:
        self.last_datestamp = state["last_datestamp"]
        if state["complete"]:
            # Incremental: from the latest day seen, inclusive.
            if self.last_datestamp:
                self.params["listing_from"] = self.last_datestamp[:10]
            return
        report.resumed = True
        self.pages, self.records = state["pages"], state["records"]
        saved = state["params"]
        self.params["listing_from"] = saved.get("listing_from", self.params["from"])
        if saved.get("base_url") == base_url:
            self.token = state["resumption_token"]

    def request(self) -> dict[str, str]:
        if self.token:
            return {"verb": "ListRecords", "resumptionToken": self.token}
        p = self.params
        query = {"verb": "ListRecords", "metadataPrefix": p["metadata_prefix"]}
        for key, value in (("set", p["set"]), ("from", p["listing_from"]), ("until", p["until"])):
            if value:
                query[key] = value
        return query


def _run(
    store: HarvestStore,
    name: str,
    checkpoint: _Checkpoint,
    fetcher: _Fetcher,
    report: HarvestReport,
    on_page: Callable[[HarvestReport], None] | None,
) -> None:
    while True:
        try:
            page = fetcher.page(checkpoint.request())
        except OAIError as exc:
            if exc.code == "badResumptionToken" and checkpoint.token:
                if report.restarts >= fetcher.max_retries:
                    raise HarvestError(f"{exc}; gave up after {report.restarts} restarts") from exc
                report.restarts += 1
                checkpoint.token = None  # list again from the listing's start day
                fetcher.pause(fetcher.delay)
                continue
            raise HarvestError(f"{exc} (request: {checkpoint.request()})") from exc
        _store_page(store, name, checkpoint, page, report)
        if on_page is not None:
            on_page(report)
        if checkpoint.token is None:
            return
        fetcher.pause(fetcher.delay)


def _store_page(
    store: HarvestStore, name: str, checkpoint: _Checkpoint, page: Page, report: HarvestReport
) -> None:
    """Save the page's papers and the checkpoint in one transaction, then count."""
    papers = [item.paper for item in page.items if item.paper is not None]
    latest = max(filter(None, (checkpoint.last_datestamp, page.datestamp)), default=None)
    with store.transaction():
        result = store.save_papers(papers)
        store.save_harvest_state(
            name,
            params=checkpoint.params,
            resumption_token=page.resumption_token,
            pages=checkpoint.pages + 1,
            records=checkpoint.records + len(papers),
            last_datestamp=latest,
            complete=page.resumption_token is None,
        )
    checkpoint.token = page.resumption_token
    checkpoint.pages += 1
    checkpoint.records += len(papers)
    checkpoint.last_datestamp = latest
    report.pages += 1
    report.records += len(papers)
    report.deleted += page.deleted
    report.result += result
    report.complete = page.resumption_token is None
    report.complete_list_size = page.complete_list_size
    report.cursor = page.cursor
    report.last_datestamp = latest
    for item in page.items:
        if item.error is not None:
            report.failed += 1
            if len(report.errors) < MAX_ERRORS_KEPT:
                report.errors.append(f"page {checkpoint.pages}, line {item.line}: {item.error}")


class _Fetcher:
    """GETs one page, retrying what may pass (network, 5xx, 429, malformed pages)."""

    def __init__(
        self,
        client: httpx.Client,
        base_url: str,
        delay: float,
        max_retries: int,
        max_wait: float,
        sleep: Callable[[float], None],
        report: HarvestReport,
    ):
        self.client, self.base_url, self.delay = client, base_url, delay
        self.max_retries, self.max_wait, self.sleep = max_retries, max_wait, sleep
        self.report = report

    def pause(self, seconds: float) -> None:
        self.sleep(min(max(seconds, self.delay), self.max_wait))

    def page(self, query: dict[str, str]) -> Page:
        attempt = 0
        while True:
            problem, wait = self._try(query)
            if isinstance(problem, Page):
                return problem
            attempt += 1
            if attempt > self.max_retries:
                raise HarvestError(
                    f"gave up after {self.max_retries} retries: {problem}. Every page up to "
                    "this one is saved; run the same harvest again to resume from there."
                )
            self.report.retries += 1
            self.pause(wait if wait is not None else max(self.delay, 1.0) * 2**attempt)

    def _try(self, query: dict[str, str]) -> tuple[Page | str, float | None]:
        """The page, or what went wrong and how long the server asked us to wait."""
        try:
            response = self.client.get(self.base_url, params=query)
        except httpx.RequestError as exc:
            return f"network error from {self.base_url}: {type(exc).__name__}: {exc}", None
        status = response.status_code
        if status in (429, 503):
            return f"HTTP {status} from {self.base_url}", retry_after_seconds(
                response.headers.get("Retry-After")
            )
        if status >= 500:
            return f"HTTP {status} from {self.base_url}", None
        try:
            page = parse_page(io.BytesIO(response.content))
        except OAIError:
            raise
        except FormatError as exc:
            if status >= 400:
                raise HarvestError(
                    f"HTTP {status} from {response.request.url}; not retried"
                ) from None
            return f"malformed page from {self.base_url} ({exc})", None
        if status >= 400:
            raise HarvestError(f"HTTP {status} from {response.request.url}; not retried")
        return page, None


def fetch_record(
    arxiv_id: str, *, base_url: str, contact: str | None = None, timeout: float = 20.0
) -> Paper | None:
    """One paper by arXiv id through OAI-PMH ``GetRecord`` (arXivRaw: every
    version), for a submission of a paper the library lacks. None when arXiv
    does not know the id; HarvestError when arXiv cannot be asked. One request,
    with the polite User-Agent, and no retries: a person is waiting."""
    query = {
        "verb": "GetRecord",
        "identifier": f"oai:arXiv.org:{arxiv_id}",
        "metadataPrefix": "arXivRaw",
    }
    headers = {"User-Agent": user_agent(contact)}
    try:
        with httpx.Client(headers=headers, timeout=timeout) as client:
            response = client.get(base_url, params=query)
    except httpx.RequestError as exc:
        raise HarvestError(f"network error from {base_url}: {type(exc).__name__}") from None
    if response.status_code >= 400:
        raise HarvestError(f"HTTP {response.status_code} from {base_url}")
    try:
        page = parse_page(io.BytesIO(response.content))
    except OAIError as exc:
        if exc.code == "idDoesNotExist":
            return None
        raise HarvestError(str(exc)) from None
    except FormatError as exc:
        raise HarvestError(f"malformed answer from {base_url} ({exc})") from None
    papers = [item.paper for item in page.items if item.paper is not None]
    return papers[0] if papers else None


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks for (delta seconds or an HTTP-date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, OverflowError):  # OverflowError: an hour of 99999999999
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - (time.time() if now is None else now))
