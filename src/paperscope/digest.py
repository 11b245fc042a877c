"""Email digests: trending papers, the subscriber's lenses and recommendations,
sent once per subscriber per period.

A digest covers a finished period: ``daily:2026-11-20`` (by default the day
before the run, in UTC) or ``weekly:2026-W47`` (by default the ISO week
before the run's). Each subscriber's email holds any mix of

- the period's top papers of the daily feed, by upvotes (the feed page's own
  order, so a paper is in one daily and one weekly digest); the same for
  everyone;
- one section per lens of theirs with "in my digest" on (:mod:`paperscope.lenses`):
  its matches among the papers published in the period, best first, or by
  the owner's taste for a lens ranked for them. The saved searches digests
  had before are lenses since migration 0010;
- recommendations from :func:`paperscope.recommend.recommend_many`.

New since last time. Papers a subscriber saw in an earlier digest or opened
(``library.feedback.seen``), and papers they said "not interested" in, are
left out of their lens and recommendation sections; the email says how
many papers are new, and once it is sent its papers count as seen
(``mark_seen(..., "digest")``). Every lens and recommended paper carries a
signed "Not interested" link (see :class:`Signer`). A digest with nothing in
any section is not sent.

Building is shared work: the feed section is made once per run; one
:class:`~paperscope.lenses.WindowMatcher` reads the period's papers once and
the descriptions of a batch's lenses are embedded together; the matches of
each distinct lens (its words, categories, authors and description, and its
owner too when it is ranked for them) are found once and reused by every
subscriber who has such a lens; each paper's part of an email is rendered
once; recommendations are asked for a batch of subscribers at a time; and
subscribers are read 1,000 at a time, so memory stays flat however many
there are. What differs per person (the lens's name and page, the seen
papers left out, the "Not interested" links) is put together per email.

Exactly once. For each subscriber the job claims the ``(period, user)`` row
of ``digest_sends`` as ``sending`` in a transaction, hands the message to the
mail server, then marks the row ``sent`` (or ``failed``, which the next run
tries again). A second run, or two runs at once, find the row taken and send
nothing. Ctrl-C during a send waits until that message is sent and marked.
What no program can know is whether a message was accepted when the process
died (``kill -9``, a power cut) between handing it over and marking it: such
a row stays ``sending`` and is counted as sent, never sent again. A second
copy in someone's inbox is worse than the small chance that one digest is
lost; the row's Message-ID is the same on every run (made from the period,
the user and the instance secret), so an operator who deletes the row to
resend gets the same message, which mail servers that de-duplicate by
Message-ID drop if the first copy did arrive.

Links from an email are signed, not stored: HMAC-SHA256 with the instance
secret over a purpose string, the user id and, for "Not interested", the
paper id. Every email carries an unsubscribe link in its footer and in
``List-Unsubscribe`` with ``List-Unsubscribe-Post`` (RFC 8058), so mail
clients can offer one-click unsubscribing.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import hmac
import re
import signal
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.utils import formataddr, formatdate, parseaddr
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from paperscope import urls
from paperscope.daily import DAY_SHAPE, Period, day_period, parse_day, week_period
from paperscope.errors import BadInput
from paperscope.lenses import WindowMatcher
from paperscope.library import Library
from paperscope.mail import Mailer, MailError
from paperscope.models import Paper
from paperscope.store.digests import (
    EMPTY,
    FAILED,
    PERIODS,
    SENDING,
    SENT,
    DigestStore,
    Subscriber,
)
from paperscope.store.lenses import Lens
from paperscope.text import authors_line, excerpt

TEMPLATES = Path(__file__).parent / "mail_templates"
# Where links in a dry run point when no base URL is set: a preview, never sent.
PREVIEW_BASE_URL = "http://localhost:8000"
SECRET = "digests"  # the name of the instance secret that signs links and Message-IDs
UNSUBSCRIBE = "digest-unsubscribe"  # what an unsubscribe signature is for
NOT_INTERESTED = "digest-not-interested"  # what a "not interested" signature is for
TOP_PAPERS = 10  # papers of the feed section
LENS_PAPERS = 5  # papers per lens section
LENS_SECTIONS = 20  # lens sections per email (a person may have up to 50 lenses)
LENS_KEPT = 50  # matches kept per lens: enough to fill a section once seen papers are out
RECOMMENDED = 10  # recommendations asked for per subscriber
BATCH = 1_000  # subscribers read, built and sent at a time
CACHE = 10_000  # lenses' matches and rendered papers kept, each (least recently used out)
# A lone refused address is marked failed and the run goes on; this many
# failures in a row mean the mail server is down or refusing everything.
FAILURES_TO_STOP = 3
MAX_ERRORS = 20  # failures reported by address; all of them are counted

Recommender = Callable[..., dict[int, list[Any]]]
Progress = Callable[[int, int], None]


class DigestError(BadInput):
    """A subscription setting or a period that cannot be used; says why."""


# -- periods -------------------------------------------------------------------------


@dataclass(frozen=True)
class DigestPeriod:
    """The span a digest covers: a day (``daily``) or an ISO week (``weekly``)."""

    kind: str
    period: Period

    @property
    def key(self) -> str:
        """``daily:2026-11-20`` or ``weekly:2026-W47``: one row per user in digest_sends."""
        return f"{self.kind}:{self.period.key}"

    @property
    def end(self) -> datetime:
        """The first instant after the period (UTC); the calendar's last instant
        for a period that ends on its last day."""
        if self.period.last == date.max:
            return datetime.max.replace(tzinfo=UTC)
        return datetime.combine(self.period.last + timedelta(days=1), time(), UTC)

    @property
    def days(self) -> int:
        return (self.period.last - self.period.first).days + 1

    @property
    def label(self) -> str:
        if self.kind == "daily":
            return self.period.label
        first, last = self.period.first, self.period.last
        return f"week {self.period.key[6:]} of {first.isocalendar()[0]}, {first:%-d %b} – {last:%-d %b %Y}"


def digest_period(kind: str, day: date | None = None, *, today: date) -> DigestPeriod:
    """The period a digest run covers: the day ``day`` or the ISO week holding
    it; without ``day``, the day before ``today`` or the week before today's."""
    if kind not in PERIODS:
        raise DigestError(f"unknown period {kind!r}: choose daily or weekly")
    try:
        if kind == "daily":
            return DigestPeriod(kind, day_period(day or today - timedelta(days=1)))
        return DigestPeriod(kind, week_period(day or today - timedelta(days=7)))
    except OverflowError:  # a week that runs past the calendar's last day
        raise DigestError(f"{day} is too near the end of the calendar for a digest") from None


FIRST_DAY, LAST_DAY = date(1, 1, 15), date(9999, 12, 15)


def period_to_send(
    kind: str, day: str | None = None, *, now: datetime, dry_run: bool = False
) -> DigestPeriod:
    """The period a ``digest send`` run covers, from what the operator typed.

    ``day`` is ``YYYY-MM-DD`` (default: yesterday, or last week). A digest is
    sent once, so it must cover a finished period: one that has not ended by
    ``now`` is refused, except for a dry run, which records nothing.
    """
    parsed = None
    if day is not None:
        parsed = parse_day(day.strip())
        if parsed is None and not DAY_SHAPE.fullmatch(day.strip()):
            raise DigestError(f"--date {day[:40]!r} is not a date like 2026-11-20", param="date")
        if parsed is None:
            raise DigestError(f"--date {day!r} is not a real day", param="date")
        if not FIRST_DAY <= parsed <= LAST_DAY:  # windows of days around it must exist
            raise DigestError(
                f"--date {day} is too near the end of the calendar: a digest covers a day "
                f"from {FIRST_DAY} to {LAST_DAY}",
                param="date",
            )
    covered = digest_period(kind, parsed, today=now.date())
    if not dry_run and covered.end > now:
        raise DigestError(
            f"{covered.key} is not over yet (until {covered.period.last:%Y-%m-%d} 24:00 UTC): "
            "a digest is sent once, so it covers a finished period",
            param="date",
        )
    return covered


# -- signatures ----------------------------------------------------------------------------


class Signer:
    """Signs with the instance secret: unsubscribe and "not interested" tokens, Message-IDs."""

    def __init__(self, secret: str):
        self._key = secret.encode()

    def _mac(self, message: str) -> bytes:
        return hmac.new(self._key, message.encode(), hashlib.sha256).digest()

    def _sign(self, message: str) -> str:
        return base64.urlsafe_b64encode(self._mac(message)).decode().rstrip("=")

    def unsubscribe_token(self, user_id: int) -> str:
        """``<user id>.<signature>``: proof, without a database lookup, that
        this instance made the link for this user."""
        return f"{user_id}.{self._sign(f'{UNSUBSCRIBE}:{user_id}')}"

    def unsubscribe_user(self, token: str) -> int | None:
        """The user id a token was made for, or None if it is not one of ours."""
        user, _, _ = token.partition(".")
        user_id = _user_id(user)
        if user_id is None:
            return None
        expected = self.unsubscribe_token(user_id)
        return user_id if hmac.compare_digest(token.encode(), expected.encode()) else None

    def not_interested_token(self, user_id: int, paper_id: str) -> str:
        """``<user id>.<paper id, base64url>.<signature>``: a link one person
        may use to say "not interested" in one paper, and nothing else. The
        id is base64url-encoded so that any id stays one path segment."""
        encoded = base64.urlsafe_b64encode(paper_id.encode()).decode().rstrip("=")
        return f"{user_id}.{encoded}.{self._sign(f'{NOT_INTERESTED}:{user_id}:{paper_id}')}"

    def not_interested(self, token: str) -> tuple[int, str] | None:
        """The (user id, paper id) a token was made for, or None if it is not one of ours."""
        parts = token.split(".")
        if len(token) > 1_000 or len(parts) != 3:
            return None
        user_id = _user_id(parts[0])
        if user_id is None or not re.fullmatch(r"[A-Za-z0-9_-]+", parts[1], re.ASCII):
            return None
        try:
            padded = parts[1] + "=" * (-len(parts[1]) % 4)
            paper_id = base64.urlsafe_b64decode(padded).decode()
        except (binascii.Error, UnicodeDecodeError):
            return None
        expected = self.not_interested_token(user_id, paper_id)
        if not hmac.compare_digest(token.encode(), expected.encode()):
            return None
        return user_id, paper_id

    def message_id(self, period_key: str, user_id: int, domain: str) -> str:
        """The same on every run for one user and period, unguessable by others."""
        tag = self._mac(f"message-id:{period_key}:{user_id}").hex()[:16]
        return f"<digest.{period_key.replace(':', '.')}.{user_id}.{tag}@{domain}>"


def _user_id(text: str) -> int | None:
    # ASCII digits only: '²'.isdigit() is True, and int() refuses it.
    return int(text) if re.fullmatch(r"[0-9]{1,18}", text, re.ASCII) else None


def signer_for(library: Library) -> Signer:
    return Signer(library.subscriptions.secret(SECRET))


# -- building ------------------------------------------------------------------------------


@dataclass
class Section:
    """One part of an email, rendered both ways (the feed's is shared by every email)."""

    title: str
    html: Markup
    text: str
    paper_ids: list[str]


@dataclass
class Digest:
    """One subscriber's email for one period (not sent: see :func:`send_digests`)."""

    subscriber: Subscriber
    period: DigestPeriod
    sections: list[Section]
    subject: str = ""
    html: str = ""
    text: str = ""
    unsubscribe_url: str = ""
    message_id: str = ""
    fresh: int = 0  # papers of its lens and recommendation sections, none seen before

    @property
    def empty(self) -> bool:
        return not self.sections

    @property
    def paper_ids(self) -> list[str]:
        """Every paper it shows, each once: what counts as seen once it is sent."""
        return list(dict.fromkeys(pid for s in self.sections for pid in s.paper_ids))

    def message(self, mailer: Mailer) -> Message:
        """The email, with the RFC 8058 one-click unsubscribe headers.

        Made with the email package's compat32 classes, the bodies
        quoted-printable encoded by binascii (in C): the modern policy that
        :meth:`Mailer.message` uses parses and refolds every header in
        Python, which made building and flattening a message three times
        slower, and that counts at 100,000 messages a run (bench/README.md).
        An address that is not ASCII needs that policy's SMTPUTF8 support,
        so such a message is made by :meth:`Mailer.message` after all.
        """
        name, sender = parseaddr(mailer.settings.mail_from)
        if (sender + self.subscriber.email).isascii():
            msg: Message = MIMEMultipart("alternative")
            msg["From"] = formataddr((name, sender), charset="utf-8")
            msg["To"] = self.subscriber.email
            msg["Subject"] = self.subject
            msg["Date"] = formatdate(usegmt=True)
            msg["Message-ID"] = self.message_id
            msg.attach(_text_part(self.text, "plain"))
            msg.attach(_text_part(self.html, "html"))
        else:
            msg = mailer.message(self.subscriber.email, self.subject, self.text, self.html)
            msg.replace_header("Message-ID", self.message_id)
        msg["List-Unsubscribe"] = f"<{self.unsubscribe_url}>"
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        msg["Auto-Submitted"] = "auto-generated"
        return msg


def _text_part(body: str, subtype: str) -> MIMENonMultipart:
    part = MIMENonMultipart("text", subtype, charset="utf-8")
    part["Content-Transfer-Encoding"] = "quoted-printable"
    part.set_payload(binascii.b2a_qp(body.encode(), istext=True).decode("ascii"))
    return part


def default_recommender() -> Recommender:
    """:func:`paperscope.recommend.recommend_many`, imported when first needed,
    through its :class:`~paperscope.recommend.Recommender`: the recent papers,
    the negative sample and their vectors are read once per period and shared
    by every batch of subscribers, instead of once per batch."""
    made: dict[tuple[datetime, int], Any] = {}

    def recommend(
        library: Library, user_ids: list[int], *, now: datetime, k: int, days: int
    ) -> dict[int, list[Any]]:
        from paperscope.recommend import Recommender as Model

        if (now, days) not in made:
            made.clear()
            made[now, days] = Model(library, now=now, days=days)
        return made[now, days].recommend_many(user_ids, k=k)

    return recommend


def paper_url(base_url: str, paper: Paper) -> str:
    """A paper's page on the site."""
    return base_url + urls.paper_url(paper)


def paper_meta(paper: Paper) -> str:
    """Authors, date and upvotes: the line under a title."""
    parts = [authors_line(paper), (paper.published or paper.feed_date or "")[:10]]
    if paper.total_upvotes:
        parts.append(f"{paper.total_upvotes} upvote{'s' if paper.total_upvotes != 1 else ''}")
    return " · ".join(p for p in parts if p)


def email_templates() -> Environment:
    """Jinja for the mail: HTML escaped, plain text as it is."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"], default_for_string=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(excerpt=excerpt, meta=paper_meta)
    return env


class DigestBuilder:
    """Builds the digests of one period, a batch of subscribers at a time,
    sharing every part that is the same for several of them."""

    def __init__(
        self,
        library: Library,
        period: DigestPeriod,
        *,
        base_url: str,
        signer: Signer,
        recommender: Recommender | None = None,
        templates: Environment | None = None,
    ):
        self.library = library
        self.period = period
        self.base_url = base_url.rstrip("/")
        self.signer = signer
        self.recommender = recommender or default_recommender()
        env = templates or email_templates()
        self._html = env.get_template("digest.html")
        self._text = env.get_template("digest.txt")
        # The templates' macros (Jinja's modules are typed without them).
        html: Any = self._html.module
        text: Any = self._text.module
        self._html_item, self._html_section = html.paper_item, html.section
        self._text_item, self._text_section = text.paper_item, text.section
        self._top: Section | None = None
        self._top_made = False
        self._matcher: WindowMatcher | None = None
        self._matches: OrderedDict[tuple, tuple[Paper, ...]] = OrderedDict()
        self._items: OrderedDict[tuple[str, str], tuple[Markup, str]] = OrderedDict()
        self.domain = urlsplit(self.base_url).hostname or "paperscope"
        self.lenses_run = 0  # distinct lenses matched (again after leaving the cache)

    @property
    def matcher(self) -> WindowMatcher:
        """The period's papers, read when the first lens needs them, once a run."""
        if self._matcher is None:
            period = self.period.period
            self._matcher = WindowMatcher(self.library, period.first, period.last)
        return self._matcher

    def build(self, subscribers: list[Subscriber]) -> list[Digest]:
        """The digests of these subscribers, in their order; empty ones included."""
        user_ids = [s.subscription.user_id for s in subscribers]
        lenses = {uid: found[:LENS_SECTIONS]
                  for uid, found in self.library.lenses.of_users(user_ids).items()}  # fmt: skip
        feedback = self.library.feedback
        seen = feedback.seen(user_ids, among=self.matcher.papers)  # what sections show
        dismissed = feedback.dismissed(user_ids)
        described = [lens for found in lenses.values() for lens in found if lens.about]
        if described:  # the batch's descriptions embedded together
            self.matcher.prepare(described)
        top = self._top_section() if any(s.subscription.trending for s in subscribers) else None
        wanted = [uid for s, uid in zip(subscribers, user_ids, strict=True)
                  if s.subscription.recommended]  # fmt: skip
        recommended = self._recommendations(wanted) if wanted else {}
        digests = []
        for sub, user_id in zip(subscribers, user_ids, strict=True):
            hidden = seen.get(user_id, set()) | dismissed.get(user_id, set())
            sections: list[Section] = []
            shown: set[str] = set()
            if sub.subscription.trending and top is not None:
                sections.append(top)
                shown = set(top.paper_ids)  # not recommended again below it
            recs = [(r.paper, r.reason) for r in recommended.get(user_id, [])
                    if r.paper.id not in hidden and r.paper.id not in shown]  # fmt: skip
            fresh: set[str] = set()
            if recs:
                sections.append(self._section("Recommended for you", recs, None, user_id))
                fresh.update(p.id for p, _ in recs)
            for lens in lenses.get(user_id, []):
                found = self._lens_section(lens, hidden)
                if found is not None:
                    sections.append(found)
                    fresh.update(found.paper_ids)
            digest = Digest(sub, self.period, sections, fresh=len(fresh))
            digests.append(self._finish(digest, seen_before=user_id in seen))
        return digests

    # -- sections ------------------------------------------------------------------

    def _item(self, paper: Paper, reason: str) -> tuple[Markup, str]:
        """A paper's part of a section, both ways, rendered once (while cached)."""
        key = (paper.id, reason)
        if key not in self._items:
            url = paper_url(self.base_url, paper)
            self._items[key] = (
                self._html_item(paper, url, reason),
                str(self._text_item(paper, url, reason)).rstrip("\n"),
            )
        return _remember(self._items, key)

    def _section(self, title: str, items: list[tuple[Paper, str]],
                 more: tuple[str, str] | None, user_id: int | None) -> Section:  # fmt: skip
        """Render a section both ways; ``items`` are (paper, reason) pairs. With
        ``user_id``, each paper gets that person's "Not interested" link."""
        html_rows, text_rows = [], []
        for paper, reason in items:
            html, text = self._item(paper, reason)
            dismiss = "" if user_id is None else self.not_interested_url(user_id, paper.id)
            html_rows.append((html, dismiss))
            text_rows.append((text, dismiss))
        more_url, more_label = more or ("", "")
        args = {"title": title, "more_url": more_url, "more_label": more_label}
        return Section(title, self._html_section(items=html_rows, **args),
                       str(self._text_section(items=text_rows, **args)),
                       [p.id for p, _ in items])  # fmt: skip

    def not_interested_url(self, user_id: int, paper_id: str) -> str:
        token = self.signer.not_interested_token(user_id, paper_id)
        return self.base_url + urls.not_interested_url(token)

    def _top_section(self) -> Section | None:
        """The period's top papers of the feed: one query and one rendering per run."""
        if not self._top_made:
            self._top_made = True
            period = self.period.period
            listing = self.library.feed(period, limit=TOP_PAPERS)
            span = "day" if period.kind == "day" else "week"
            more = (
                self.base_url + urls.period_url(period),
                f"The {span}'s feed on the site ({listing.total:,} paper"
                f"{'s' if listing.total != 1 else ''})",
            )
            self._top = (
                self._section(
                    f"Top papers of the {span}", [(p, "") for p in listing.papers], more, None
                )
                if listing.papers
                else None
            )
        return self._top

    def _lens_matches(self, lens: Lens) -> tuple[Paper, ...]:
        """The lens's best LENS_KEPT matches in the period, found once per
        distinct lens: what it holds, and whose taste ranks it when it is
        ranked for its owner (the same words of two people are one search)."""
        key = (lens.q, lens.categories, lens.authors, lens.about,
               lens.user_id if lens.ranked else None)  # fmt: skip
        if key not in self._matches:
            self.lenses_run += 1
            window = self.matcher.papers
            found = self.matcher.matches(lens, limit=LENS_KEPT)
            # The window's own Paper objects: a cached lens holds references only.
            self._matches[key] = tuple(window.get(m.paper.id, m.paper) for m in found)
        return _remember(self._matches, key)

    def _lens_section(self, lens: Lens, hidden: set[str]) -> Section | None:
        papers = [p for p in self._lens_matches(lens) if p.id not in hidden]
        if not papers:
            return None
        label = (
            "More of this lens on the site" if len(papers) > LENS_PAPERS else "The lens on the site"
        )
        more = (self.base_url + urls.lens_url(lens.id), label)
        shown = [(p, "") for p in papers[:LENS_PAPERS]]
        return self._section(f"Your lens {lens.name}", shown, more, lens.user_id)

    def _recommendations(self, user_ids: list[int]) -> dict[int, list[Any]]:
        """One call for the batch."""
        return self.recommender(
            self.library, user_ids, now=self.period.end, k=RECOMMENDED, days=self.period.days
        )

    # -- the email -------------------------------------------------------------------

    def _finish(self, digest: Digest, *, seen_before: bool) -> Digest:
        """The whole email. "N new since your last digest" is said to those
        who have seen papers before (in a digest, or opened on the site)."""
        sub = digest.subscriber
        user_id = sub.subscription.user_id
        digest.message_id = self.signer.message_id(self.period.key, user_id, self.domain)
        if digest.empty:
            return digest
        token = self.signer.unsubscribe_token(user_id)
        digest.unsubscribe_url = self.base_url + urls.unsubscribe_url(token)
        digest.subject = f"paperscope {self.period.kind} digest: {self.period.label}"
        context = {
            "subject": digest.subject,
            "name": sub.name,
            "kind": self.period.kind,
            "label": self.period.label,
            "papers": len(digest.paper_ids),
            "fresh": digest.fresh if seen_before and digest.fresh else None,
            "base_url": self.base_url,
            "manage_url": f"{self.base_url}/digests",
            "lenses_url": f"{self.base_url}/lenses",
            "unsubscribe_url": digest.unsubscribe_url,
        }
        digest.html = self._html.render(sections=[s.html for s in digest.sections], **context)
        digest.text = self._text.render(sections=[s.text for s in digest.sections], **context)
        return digest


def _remember(cache: OrderedDict, key: Any) -> Any:
    """``cache[key]``, now the most recently used; the least recently used
    entry goes once there are more than CACHE."""
    cache.move_to_end(key)
    if len(cache) > CACHE:
        cache.popitem(last=False)
    return cache[key]


# -- sending ---------------------------------------------------------------------------------


@dataclass
class SendReport:
    """What one run did. ``already`` counts digests an earlier (or concurrent)
    run sent or is sending; ``in_doubt`` says how many of those were marked
    ``sending``: by a run still going, or one that died mid-send (counted as
    sent either way, see the module docstring). ``stopped`` is why the run stopped early, if it did."""

    period: DigestPeriod
    dry_run: Path | None = None
    sent: int = 0
    empty: int = 0
    already: int = 0
    failed: int = 0
    in_doubt: int = 0
    lenses_run: int = 0  # distinct lenses matched
    stopped: str | None = None
    errors: list[str] = field(default_factory=list)  # the first MAX_ERRORS, with addresses
    last_error: str = ""

    @property
    def ok(self) -> bool:
        return not self.failed and self.stopped is None

    def summary(self) -> str:
        verb = f"written to {self.dry_run}" if self.dry_run else "sent"
        line = (
            f"digest {self.period.key}: {self.sent:,} {verb}, {self.empty:,} empty, "
            f"{self.already:,} already sent, {self.failed:,} failed"
        )
        return line + (" (dry run: nothing recorded)" if self.dry_run else "")


def send_digests(
    library: Library,
    mailer: Mailer,
    period: DigestPeriod,
    *,
    base_url: str,
    dry_run: Path | None = None,
    recommender: Recommender | None = None,
    batch: int = BATCH,
    progress: Progress | None = None,
) -> SendReport:
    """Send (or with ``dry_run``, write as .eml files into that folder and
    record nothing) the ``period`` digest of every subscriber who has not had
    it yet. Safe to run again at any time: see the module docstring."""
    db = library.subscriptions
    builder = DigestBuilder(
        library, period, base_url=base_url, signer=signer_for(library), recommender=recommender
    )
    report = SendReport(period, dry_run)
    total = db.count_subscribers(period.kind)
    # One SMTP connection for the whole run (reopened if the server drops it).
    with mailer.batch() if dry_run is None else contextlib.nullcontext():
        _send_all(db, builder, mailer, period, report, dry_run, total, batch, progress)
    report.lenses_run = builder.lenses_run
    return report


def _send_all(
    db: DigestStore,
    builder: DigestBuilder,
    mailer: Mailer,
    period: DigestPeriod,
    report: SendReport,
    dry_run: Path | None,
    total: int,
    batch: int,
    progress: Progress | None,
) -> None:
    """The subscribers, a batch at a time: build, then write or deliver each digest."""
    done, after, in_a_row = 0, 0, 0
    while subscribers := db.subscribers(period.kind, period.key, after=after, limit=batch):
        after = subscribers[-1].subscription.user_id
        todo = [s for s in subscribers if s.status in (None, FAILED, EMPTY)]
        report.already += len(subscribers) - len(todo)
        report.in_doubt += sum(s.status == SENDING for s in subscribers)
        done += len(subscribers) - len(todo)
        for digest in builder.build(todo):
            if dry_run is not None:
                _write(digest, mailer, dry_run, report)
            else:
                status = _deliver(digest, mailer, db, report, builder.library)
                # Only a message the server took shows it works; empty digests show nothing.
                in_a_row = 0 if status == SENT else in_a_row + (status == FAILED)
                if in_a_row >= FAILURES_TO_STOP:
                    report.stopped = f"{in_a_row} failures in a row, the last: {report.last_error}"
                    break
            done += 1
            if progress:
                progress(done, total)
        if report.stopped:
            break


def _write(digest: Digest, mailer: Mailer, folder: Path, report: SendReport) -> None:
    if digest.empty:
        report.empty += 1
    else:
        Mailer.file(digest.message(mailer), folder)
        report.sent += 1


def _deliver(digest: Digest, mailer: Mailer, db: DigestStore, report: SendReport,
             library: Library) -> str | None:  # fmt: skip
    """Claim, send and mark one digest, and its papers as seen by its
    subscriber; returns the row's new status, or None when another run has it."""
    key, user_id = digest.period.key, digest.subscriber.subscription.user_id
    if digest.empty:
        if not db.claim(key, user_id, digest.message_id, EMPTY):
            report.already += 1
            return None
        report.empty += 1
        return EMPTY
    msg = digest.message(mailer)
    with _finish_before_interrupt():
        if not db.claim(key, user_id, digest.message_id):
            report.already += 1  # a concurrent run took it since this batch was read
            return None
        try:
            mailer.send(msg)
        except MailError as exc:
            db.mark(key, user_id, FAILED)
            report.failed += 1
            report.last_error = str(exc)
            if len(report.errors) < MAX_ERRORS:
                report.errors.append(f"{digest.subscriber.email}: {exc}")
            return FAILED
        except BaseException:  # not handed over as far as we know: the next run retries
            db.mark(key, user_id, FAILED)
            raise
        db.mark(key, user_id, SENT)
        library.feedback.mark_seen(user_id, digest.paper_ids, "digest")
    report.sent += 1
    return SENT


@contextmanager
def _finish_before_interrupt() -> Iterator[None]:
    """Hold a Ctrl-C until the message in hand is sent and its row marked, so
    an interrupted run leaves no row in doubt; a second Ctrl-C stops at once.
    (Signal handlers belong to the main thread; elsewhere this does nothing.)"""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[bool] = []

    def hold(signum, frame) -> None:
        if held:
            raise KeyboardInterrupt
        held.append(True)

    previous = signal.signal(signal.SIGINT, hold)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if held:
        raise KeyboardInterrupt
