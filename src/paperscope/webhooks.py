"""Lens webhooks: new matches POSTed, signed, to the URL a lens's owner gave.

A run (``paperscope lenses deliver``, every 15 minutes from cron) goes
through every lens that has a webhook, a page at a time. For each it finds
the matches among the papers published in the last :data:`DAYS` days (never
before the lens's ``webhook_since`` day: a new webhook does not replay the
past), records them in ``lens_deliveries`` (a match is recorded once, ever)
and POSTs the ones due, at most :data:`BATCH` of them, as one JSON body::

    {"lens": {"id": 7, "name": "...", "url": "https://site/lenses/7"},
     "matches": [{"id", "title", "url", "authors", "published", "categories", "why"}],
     "delivery": "<hex>", "sent_at": "2026-03-18T12:00:00Z"}

One :class:`~paperscope.lenses.WindowMatcher` serves every lens of a run, so
the window's papers and embeddings are read once.

Signature. Each POST carries ``X-Paperscope-Timestamp`` (Unix seconds) and
``X-Paperscope-Signature: sha256=<hex>``, the HMAC-SHA256, keyed with the
lens's webhook secret (shown to its owner), of the bytes
``<timestamp>.<body>``. A receiver recomputes it over the raw body with
:func:`verify` (or the same three lines in its own language) and refuses a
timestamp far from its clock, so that a captured request cannot be replayed.

Retries. A 2xx answer settles the batch's matches as delivered: never sent
again. Anything else (another status, a timeout, a refused connection, an
address refused as private) leaves each match pending with one attempt more,
to be tried again :data:`BACKOFF_BASE` times 2**attempts later (at most
:data:`BACKOFF_CAP`); after :data:`MAX_ATTEMPTS` tries it is marked failed
with the last error. Exactly once as far as the receiver's 2xx goes: a crash
between the POST and the record of its answer sends that batch again. The
``delivery`` id (``X-Paperscope-Delivery``) is the same whenever the same
papers of the same lens are sent, and the pair (lens id, paper id) names a
match for good, so a receiver can drop what it already has. Two runs at once
could post the same batch twice: cron runs them under ``flock -n``.

Server-side request forgery. Unless the instance allows private addresses
(``PAPERSCOPE_WEBHOOKS_ALLOW_PRIVATE``, for tests and closed networks), the
host is resolved at each POST and refused if any of its addresses is not a
global one; the connection then goes to the address checked, not to the name
again (a second lookup could answer otherwise), with the Host header and the
TLS server name still the URL's host. Redirects are not followed, both
timeouts are :data:`TIMEOUT`, and at most :data:`MAX_ANSWER` bytes of the
answer are read.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import quote, urlsplit

import orjson

from paperscope import __version__, urls
from paperscope.lenses import Match, WindowMatcher
from paperscope.library import Library
from paperscope.models import Paper
from paperscope.store.lenses import DELIVERED, FAILED, PENDING, Delivery, Lens

DAYS = 3  # the window: papers published in the last DAYS days (and today)
BATCH = 50  # matches in one POST
PAGE = 500  # lenses read at a time
MAX_ATTEMPTS = 8
BACKOFF_BASE = timedelta(minutes=2)
BACKOFF_CAP = timedelta(hours=6)
TIMEOUT = 10.0  # seconds, to connect and for each read
MAX_ANSWER = 4_096  # bytes of a receiver's answer read (for the error message)
_PRINTABLE = "".join(map(chr, range(33, 127)))  # kept as they are in a path
TOLERANCE = 300  # seconds a signature's timestamp may be off, by verify's default
SIGNATURE, TIMESTAMP, DELIVERY = (
    "X-Paperscope-Signature",
    "X-Paperscope-Timestamp",
    "X-Paperscope-Delivery",
)


class WebhookError(Exception):
    """A POST that got no 2xx answer; the message says what happened instead."""


# -- signatures --------------------------------------------------------------------------


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>``: HMAC-SHA256 keyed with ``secret`` over ``<timestamp>.<body>``."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str, *,
           now: datetime | None = None, tolerance: int = TOLERANCE) -> bool:  # fmt: skip
    """Whether ``signature`` (the header's value) signs ``body`` at ``timestamp``
    with ``secret``; with ``now``, also whether the timestamp is within
    ``tolerance`` seconds of it (a replayed request is older)."""
    if not secret or not timestamp.isdigit():
        return False
    if now is not None and abs(now.timestamp() - int(timestamp)) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), signature.strip())


def delivery_id(secret: str, lens_id: int, paper_ids: list[str]) -> str:
    """The same for the same papers of the same lens: what receivers de-duplicate on."""
    text = f"{lens_id}\n" + "\n".join(sorted(paper_ids))
    return hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()[:32]


# -- one POST ----------------------------------------------------------------------------


def addresses(host: str, port: int, *, allow_private: bool) -> list[str]:
    """The addresses to connect to for ``host``; WebhookError if it does not
    resolve or (unless ``allow_private``) if any of them is not global."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise WebhookError(f"{host} does not resolve: {exc}") from None
    chosen = list(dict.fromkeys(str(info[4][0]) for info in found))
    if not allow_private:
        for text in chosen:
            address = ipaddress.ip_address(text.split("%", 1)[0])
            if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
                address = address.ipv4_mapped
            if not address.is_global:
                raise WebhookError(f"{host} resolves to {text}, which is not a public address")
    if not chosen:
        raise WebhookError(f"{host} does not resolve")
    return chosen


class _Pinned(http.client.HTTPConnection):
    """An HTTP connection to an address already checked, sending the URL's Host."""

    def __init__(self, host: str, port: int, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedTLS(http.client.HTTPSConnection):
    """The same over TLS: the certificate is checked against the URL's host."""

    def __init__(self, host: str, port: int, address: str, timeout: float,
                 tls: ssl.SSLContext | None = None):  # fmt: skip
        super().__init__(host, port, timeout=timeout)
        self.address = address
        self.tls = tls or ssl.create_default_context()

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self.tls.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict[str, str], *, allow_private: bool,
         timeout: float = TIMEOUT, tls: ssl.SSLContext | None = None) -> int:  # fmt: skip
    """POST ``body`` to ``url``; its 2xx status, or WebhookError saying what
    came instead. Redirects are answers like any other non-2xx. ``tls`` is
    the system's trusted certificates unless given (a test's own CA)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    secure = parts.scheme == "https"
    try:
        port = parts.port or (443 if secure else 80)
    except ValueError:
        raise WebhookError(f"{url[:80]!r} has a bad port") from None
    if parts.scheme not in ("http", "https") or not host:
        raise WebhookError(f"{url[:80]!r} is not an http:// or https:// address")
    try:
        host = host.encode("idna").decode("ascii")  # the Host header is ASCII
    except UnicodeError:
        raise WebhookError(f"{host[:80]!r} is not a host name") from None
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    target = quote(target, safe=_PRINTABLE)  # non-ASCII and spaces percent-encoded
    last = ""
    for address in addresses(host, port, allow_private=allow_private):
        conn = (_PinnedTLS(host, port, address, timeout, tls) if secure
                else _Pinned(host, port, address, timeout))  # fmt: skip
        try:
            conn.request("POST", target, body=body, headers=headers)
            answer = conn.getresponse()
            text = answer.read(MAX_ANSWER)
        except TimeoutError:
            raise WebhookError(f"no answer from {host} within {timeout:g} s") from None
        except ConnectionRefusedError:
            last = f"{host} ({address}) refused the connection"
            continue  # the next address, if the name has several
        except (OSError, http.client.HTTPException) as exc:
            raise WebhookError(f"{host}: {exc or type(exc).__name__}") from None
        finally:
            conn.close()
        if 200 <= answer.status < 300:
            return answer.status
        shown = " ".join(text.decode("utf-8", "replace").split())[:200]
        raise WebhookError(f"{host} answered {answer.status}" + (f": {shown}" if shown else ""))
    raise WebhookError(last or f"{host} could not be reached")


# -- a run -------------------------------------------------------------------------------


@dataclass
class Outcome:
    """One POST of one lens: its matches ``delivered``, to ``retry`` or ``failed``."""

    lens: Lens
    papers: list[str]
    status: str  # "delivered", "retry" or "failed"
    error: str = ""
    next_at: str = ""  # when a retry is due


@dataclass
class RunReport:
    lenses: int = 0  # lenses with a webhook
    found: int = 0  # new matches recorded
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(len(o.papers) for o in self.outcomes if o.status == status)

    def summary(self) -> str:
        return (f"webhooks: {self.lenses:,} lenses, {self.found:,} new matches; "
                f"{self.count('delivered'):,} delivered, {self.count('retry'):,} to retry, "
                f"{self.count('failed'):,} failed")  # fmt: skip


Poster = Callable[..., int]


def deliver(library: Library, *, base_url: str, now: datetime, allow_private: bool = False,
            days: int = DAYS, timeout: float = TIMEOUT, poster: Poster = post) -> RunReport:  # fmt: skip
    """One run over every lens with a webhook (see the module's docstring).
    ``now`` is the clock (aware, UTC); ``poster`` is :func:`post` or a
    stand-in with its signature."""
    stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    today = now.date()
    matcher = WindowMatcher(library, today - timedelta(days=days), today)
    report = RunReport()
    after = 0
    while page := library.lenses.with_webhooks(after=after, limit=PAGE):
        after = page[-1].id
        matcher.prepare(page)
        for lens in page:
            report.lenses += 1
            found = {m.paper.id: m for m in matcher.matches(lens) if _since(m.paper, lens)}
            report.found += library.lenses.record_matches(lens.id, found, stamp)
            due = library.lenses.due(lens.id, stamp, limit=BATCH)
            if due:
                report.outcomes += _send(library, lens, due, found, base_url=base_url, now=now,
                                         allow_private=allow_private, timeout=timeout,
                                         poster=poster)  # fmt: skip
    return report


def _since(paper: Paper, lens: Lens) -> bool:
    """Published on or after the day the lens got its webhook."""
    return bool(paper.published) and (paper.published or "")[:10] >= lens.webhook_since


def payload(lens: Lens, papers: list[Paper], why: dict[str, dict], *, base_url: str,
            sent_at: str) -> dict:  # fmt: skip
    """The JSON body of one POST."""
    return {
        "lens": {"id": lens.id, "name": lens.name, "url": base_url + urls.lens_url(lens.id)},
        "matches": [
            {
                "id": p.id,
                "title": p.title,
                "url": base_url + urls.paper_url(p),
                "authors": list(p.authors),
                "published": p.published,
                "categories": list(p.categories),
                "why": why.get(p.id, {}),
            }
            for p in papers
        ],
        "delivery": delivery_id(lens.webhook_secret, lens.id, [p.id for p in papers]),
        "sent_at": sent_at,
    }


def _send(library: Library, lens: Lens, due: list[Delivery], found: dict[str, Match], *,
          base_url: str, now: datetime, allow_private: bool, timeout: float,
          poster: Poster) -> list[Outcome]:  # fmt: skip
    """POST the due matches of one lens and settle them by the answer."""
    stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    papers = library.get_many([d.paper_id for d in due])
    why = {pid: dict(m.why) for pid, m in found.items()}
    data = payload(lens, papers, why, base_url=base_url, sent_at=stamp)
    body = orjson.dumps(data)
    timestamp = str(int(now.timestamp()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": f"paperscope/{__version__} (webhook)",
        TIMESTAMP: timestamp,
        SIGNATURE: sign(lens.webhook_secret, timestamp, body),
        DELIVERY: data["delivery"],
    }
    try:
        poster(lens.webhook_url, body, headers, allow_private=allow_private, timeout=timeout)
    except WebhookError as exc:
        error = str(exc)
    else:
        ids = [d.paper_id for d in due]
        library.lenses.settle(lens.id, ids, status=DELIVERED, attempts=due[0].attempts + 1,
                              next_at=stamp)  # fmt: skip
        # Attempts differ within a batch only when retries and new matches go
        # together; the count that matters once delivered is that it was.
        return [Outcome(lens, ids, "delivered")]
    outcomes = []
    by_attempts: dict[int, list[str]] = {}
    for d in due:
        by_attempts.setdefault(d.attempts + 1, []).append(d.paper_id)
    for attempts, ids in sorted(by_attempts.items()):
        if attempts >= MAX_ATTEMPTS:
            library.lenses.settle(lens.id, ids, status=FAILED, attempts=attempts, next_at=stamp,
                                  error=error)  # fmt: skip
            outcomes.append(Outcome(lens, ids, "failed", error))
            continue
        wait = min(BACKOFF_BASE * 2 ** (attempts - 1), BACKOFF_CAP)
        later = (now + wait).strftime("%Y-%m-%dT%H:%M:%SZ")
        library.lenses.settle(lens.id, ids, status=PENDING, attempts=attempts, next_at=later,
                              error=error)  # fmt: skip
        outcomes.append(Outcome(lens, ids, "retry", error, later))
    return outcomes
