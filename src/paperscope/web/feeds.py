"""RSS 2.0 and Atom 1.0 feeds of a list of papers.

Every list the web service shows (a day of the daily feed, trending, a search, an
author's papers) is also offered as a feed: a route builds a :class:`Feed` and serves
``render_feed(feed, kind)`` with the content type ``FEED_TYPES[kind]``.

Three choices shape the output:

- It is a pure function of its input. The feed's ``updated`` (Atom) and
  ``lastBuildDate`` (RSS) are the newest entry's date, never the time of rendering, and
  a feed or entry with no date at all gets the Unix epoch. The same list therefore
  renders to the same bytes, so responses can carry an ETag and be cached, and feed
  readers do not see every poll as a change.
- Paper content is plain text. Titles, abstracts, names and categories become XML text
  nodes (Atom ``type="text"``); RSS descriptions are HTML by convention, so the text is
  HTML-escaped there. Markup in a record (``<script>``, ``onerror=``, ``$x<y$``) reaches
  a reader as visible characters, never as markup. LaTeX is kept verbatim.
- Characters that XML 1.0 forbids (most C0 controls, lone surrogates, U+FFFE/U+FFFF) are
  removed first, and the C1 controls it discourages with them: lxml refuses the former,
  and one stray byte in a scraped abstract must not take a whole feed down.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from feedgen.feed import FeedGenerator

from paperscope.models import Paper, normalize_space

FEED_TYPES = {
    "rss": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
}

# The date of an undated entry, and of a feed with no dated entries.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Summaries are the abstract cut at a word boundary near this many characters.
SUMMARY_LENGTH = 1000

# Everything outside XML 1.0's Char production, and the C1 controls it discourages
# (readers such as feedparser take them for Windows-1252 and show other characters).
_NOT_XML = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Paper dates: YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (see Paper).
_DATE = re.compile(
    r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2})(?:T([0-9]{2}):([0-9]{2}):([0-9]{2})Z)?)?)?"
)


@dataclass
class Feed:
    """What a feed shows: a titled list of papers and the URLs around it."""

    title: str  # e.g. "paperscope: daily papers, 2026-11-20"
    page_url: str  # absolute URL of the HTML page the feed mirrors
    feed_url: str  # absolute URL of this feed itself (rel="self")
    description: str
    papers: list[Paper]  # in display order
    paper_url: Callable[[Paper], str]  # absolute URL of a paper's page


def render_feed(feed: Feed, kind: str) -> bytes:
    """The feed as an RSS 2.0 (``kind="rss"``) or Atom 1.0 (``"atom"``) document."""
    if kind not in FEED_TYPES:
        raise ValueError(f"unknown feed kind {kind!r}; expected one of: {', '.join(FEED_TYPES)}")
    # RSS's description elements hold HTML; Atom's are declared plain text.
    as_description = _html if kind == "rss" else str

    fg = FeedGenerator()
    fg.load_extension("dc", atom=False, rss=True)  # RSS <author> needs an email; dc:creator not
    title = _text(feed.title) or "paperscope"
    fg.id(_text(feed.feed_url))
    fg.title(title)
    fg.description(as_description(_text(feed.description) or title))
    fg.generator("paperscope")
    fg.link(href=_text(feed.feed_url), rel="self", type=FEED_TYPES[kind].split(";")[0])
    fg.link(href=_text(feed.page_url), rel="alternate")  # the last link is RSS's <link>

    dates = []
    for paper in feed.papers:
        url = _text(feed.paper_url(paper))
        entry = fg.add_entry(order="append")
        entry.guid(url, permalink=True)  # also the Atom id
        entry.title(_text(paper.title) or "(untitled)")
        entry.link(href=url)
        if summary := _shorten(_text(paper.abstract)):
            entry.summary(as_description(summary), type="text")
        if names := [name for name in map(_text, paper.authors) if name]:
            entry.author([{"name": name} for name in names])
            entry.dc.dc_creator(names)
        for term in filter(None, map(_text, paper.categories)):
            entry.category(term=term)
        date = entry_date(paper)
        if date is not None:
            entry.published(date)
            dates.append(date)
        entry.updated(date or EPOCH)  # Atom requires one; feedgen's default is now()

    fg.updated(max(dates, default=EPOCH))  # feedgen's default is now()
    return fg.rss_str(pretty=True) if kind == "rss" else fg.atom_str(pretty=True)


def entry_date(paper: Paper) -> datetime | None:
    """The date a paper is listed under: its feed day, else published, else updated."""
    for value in (paper.feed_date, paper.published, paper.updated):
        if (date := parse_date(value)) is not None:
            return date
    return None


def parse_date(value: str | None) -> datetime | None:
    """An aware UTC datetime from a paper date of any precision, or None if it is not one.

    A missing month or day is the first one: ``"2017"`` is 2017-01-01T00:00:00Z.
    """
    m = _DATE.fullmatch(value or "")
    if m is None:
        return None
    year = int(m[1])  # the one part the pattern requires
    month, day, hour, minute, second = (int(g) if g else None for g in m.groups()[1:])
    try:
        return datetime(year, month or 1, day or 1, hour or 0, minute or 0, second or 0, tzinfo=UTC)
    except ValueError:  # a month 13, a 31 February, a year 0
        return None


def _text(value: str | None) -> str:
    """One line of text that XML 1.0 can hold."""
    return normalize_space(_NOT_XML.sub("", value or ""))


def _shorten(text: str, limit: int = SUMMARY_LENGTH) -> str:
    """``text``, or its words up to about ``limit`` characters and an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit + 1]  # one more, to see whether the last word ends at the limit
    head = cut.rsplit(" ", 1)[0] if " " in cut else cut[:limit]
    return head.rstrip(" ,;:.") + "…"


def _html(text: str) -> str:
    return html.escape(text, quote=False)
