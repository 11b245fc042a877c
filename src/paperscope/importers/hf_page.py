"""Hugging Face Papers pages ("Daily Papers", trending, search) saved as text.

A page is a banner ("Get trending papers in your email inbox!", "Subscribe",
"byAK and the research community"...), the page date ("Mar 17"), then per
paper a title line, an abstract line and, on some pages, meta lines ("• 4
authors", "·", "Nov 10, 2020", "May 19 2" = May 19 with 2 upvotes, a bare
upvote count, "Submitted by NAME"). Tools save it with or without blank lines,
with CRLF, with the banner glued to the first title.

Three ways of saving a page are read:
- plain text, as a browser's "save as text" writes it (the seed pages);
- the same with links: a browser that keeps them writes each link's address
  on its own line or in ``<...>``. The line after a title is its paper page
  (``https://huggingface.co/papers/2410.05434``), which gives the arXiv id;
- Markdown, as web-capture tools write it: ``### title`` (a long title wrapped
  onto an indented line), the summary as a paragraph wrapped over many lines,
  ``- 8 authors``, ``[LINK: GitHub 11.3k](https://github.com/...)``. Such tools
  write every card of the trending page twice (its two layouts); a paper
  identical to the one just before it is read once.

Link lines are never titles. A paper link (Hugging Face paper page, arXiv abs
or PDF) gives the arXiv id, a GitHub link ``links["github"]``, a "project
page" link ``links["project"]``; other links (users, avatars, the site's own
pages) are dropped. A link right after a content line belongs to that line's
paper (and a paper link there marks the line as its title); after meta lines
it belongs to the paper above, unless the page shows links above its first
paper. A GitHub star count ("GitHub 11.3k") is not an upvote count and is not
kept; the site's menus and footer ("Models", "System theme", "TOS Privacy
About Careers Website"...), the split parts of the banner ("Daily", "AK") and
lines with no letter or digit are page furniture, never papers. A lone line
of one word (no abstract, no meta, no link) is furniture too.

The structural rule: each non-blank line is a banner, a meta line (every part
between "•"/"·" is an author count, a date, upvotes or a submitter) or
content. Banner and meta lines end a run of content lines, and a dynamic
programme (Viterbi over segments of one or two lines) splits each run into
papers, a title and optionally its abstract, at least cost. A line's cost as a
title or an abstract is a soft score of how prose-like it is (a final full
stop, several sentences, its length), not a threshold; a pair pays more when
its abstract is not several times longer than its title, a title alone pays a
fixed price. (In Markdown the headings say which line is a title, and the
paragraph under one is its abstract: their scores are fixed.) So a title
followed by a meta block, or by another (title, abstract) pair, is a paper with
an empty abstract. Papers are committed once the best splits ending at the last
two lines share a boundary (every continuation agrees), so memory stays bounded
by a few lines. Meta lines belong to the paper above them, except kinds that
the page shows above its first paper (after its date): those belong to the
paper below. Lone titles count only once the page shows structure; lines above
the banner are the site's navigation. An unreadable line (over 4 MiB, bad
UTF-8) keeps its place in the split and turns its paper into an error that
names it. In plain text an abstract is one line: the pages put each on one,
and allowing more would make every title-like line ambiguous.

Counts beyond belief (more than ``models.MAX_AUTHORS`` authors, more than
``MAX_UPVOTES`` upvotes) make their paper an error that quotes them.

Years: Hugging Face omits the year of dates in the page's current year. A page
date without a year is the latest such day on or before ``today``; a paper's
is the latest on or before the page date (``today`` if the page has none).
"Nov 10 2020" has a year (19xx/20xx); any other trailing number is upvotes.
"""

from __future__ import annotations

import calendar
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from itertools import pairwise
from typing import BinaryIO

from paperscope.importers.base import HEAD_BYTES, FormatError, Item, read_lines
from paperscope.models import (
    MAX_ABSTRACT,
    MAX_AUTHORS,
    MAX_TITLE,
    MAX_UPVOTES,
    InvalidPaper,
    Paper,
    new_paper,
)
from paperscope.models import parse_arxiv_id as _arxiv

NAME = "hf-page"
SOURCE = "hf-page"

_GLUED = ("Get trending papers in your email inbox once a day!",
          "Get trending papers in your email inbox!", "Subscribe", "Daily Papers",
          "byAK and the research community", "by AK and the research community",
          "Trending Papers")  # fmt: skip
_BANNERS = {b.casefold() for b in _GLUED} | {"new"}
# The site's menus, buttons and footer, and the banner's parts where a save
# splits it over lines: never papers, and skipped wherever they stand.
_FURNITURE = {
    "daily", "papers", "trending", "by", "ak", "and the research community",
    "hugging face", "models", "datasets", "spaces", "community", "docs", "enterprise",
    "pricing", "log in", "login", "sign up", "posts", "collections", "search",
    "system theme", "company", "tos", "privacy", "about", "careers", "jobs", "website",
    "tos privacy about careers website", "tos privacy about jobs website",
    "models datasets spaces pricing docs", "copy markdown", "upvote", "view arxiv page",
    "view pdf", "add to collection", "previous", "next", "load more", "see all",
}  # fmt: skip
_SIGNATURES = (b"get trending papers in your email inbox", b"byak and the research community",
               b"by ak and the research community")  # fmt: skip
_MONTH = "|".join(f"{m[:3]}(?:{m[3:]})?" for m in calendar.month_name[1:]).replace("Sep", "Sept?")
_MONTHS = {m: i for i, m in enumerate(calendar.month_abbr) if m}
_DATE = re.compile(
    rf"({_MONTH})\.?\s+(\d{{1,2}})(?:,?\s+((?:19|20)\d\d))?(?:,?\s+(\d+))?(?:\s+upvotes?)?"
)
_AUTHORS = re.compile(r"(\d+)\s+authors?", re.IGNORECASE)
_UPVOTES = re.compile(r"(\d+)(?:\s+upvotes?)?", re.IGNORECASE)
_STARS = re.compile(r"github\s+\d[\d.,]*\s*[km]?(?:\s+stars?)?", re.IGNORECASE)
_SUBMITTED = re.compile(r"submitted\s+by\s*:?\s*(.*)", re.IGNORECASE)
_SEPARATORS = re.compile(r"\s*[•·]\s*")
_LIST_ITEM = re.compile(r"[-*+]\s+")
_END = re.compile(r"([.!?])[\"'”’)\]]*$")
_SENTENCE = re.compile(r"[.!?][\"'”’)\]]*\s+[A-Z0-9(]")
_BIBTEX = re.compile(rb"^\s*@\w+\s*[{(]", re.MULTILINE)
# Markdown: an ATX heading, a thematic break, a capture tool's "**URL:** ..." line.
_HEADING = re.compile(r"(#{1,6})\s+(.*?)(?:\s+#+)?")
_RULE = re.compile(r"([-*_=])(?:\s*\1){2,}")
_CAPTURE = re.compile(r"\*\*[^*]{1,40}:\*\*")
# Labels exclude "[" as well as "]": a line of a million "[" is then scanned
# once, not once from each bracket (quadratic).
_IMAGE = re.compile(r"!\[[^\[\]]*\]\([^()]*\)")
_LINK = re.compile(
    r"\[(?P<label>[^\[\]]*)\]\((?P<url>[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)(?:\s+\"[^\"]*\")?\)"
    r"|<(?P<auto>[a-z][a-z0-9+.-]*://[^<>\s]+)>"
    r"|(?P<bare>(?:https?://|www\.|(?:huggingface\.co|hf\.co|arxiv\.org|github\.com)/)[^\s<>]+)",
    re.IGNORECASE,
)
# The text of a link that names where it goes, not the paper ("View arXiv page").
_LINK_WORD = re.compile(
    r"\s*(?:link:.*|(?:view\s+)?(?:pdf|arxiv(?:\s+page)?|paper(?:\s+page)?|code|github.*"
    r"|project\s+page))\s*",
    re.IGNORECASE,
)
_TRAILING_AUTOLINKS = re.compile(r"(?:\s*<[a-z][a-z0-9+.-]*://[^<>\s]+>)+$", re.IGNORECASE)
_LINK_START = re.compile(
    r"[\s·•|,]*(?:\[|<|https?://|www\.|(?:huggingface\.co|hf\.co|arxiv\.org|github\.com)/)",
    re.IGNORECASE,
)
_GITHUB = re.compile(r"(?:https?://)?(?:www\.)?github\.com/[\w.-]+/[\w.-]+", re.IGNORECASE)
_LINK_KINDS = ("arxiv", "github", "project")  # what a paper keeps from its links
_NOT_A_PAGE = "this is not the text of a Hugging Face papers page (titles, each with its abstract)"
_Date = tuple[int | None, int, int]  # a meta line's date: (year if shown, month, day)
LONE_TITLE = 1.5  # the price of a title with no abstract, in score units
FIXED = 20.0  # the score of a line whose role the page's markup gives
WINDOW = 32  # content lines held at most before the best split is committed
MAX_HELD = 100  # lone short lines tolerated before the page shows any structure


@dataclass(slots=True)
class _Line:
    number: int
    text: str | None  # None when the line could not be read (unreadable lines lean abstract)
    error: str | None = None
    role: str | None = None  # "title" or "abstract" when the markup says so
    links: dict = field(default_factory=dict)  # from link lines right below this one
    score: float = field(init=False)

    def __post_init__(self) -> None:
        self.rescore()

    def rescore(self) -> None:
        if self.role is not None:
            self.score = -FIXED if self.role == "title" else FIXED
        else:
            self.score = 3.0 if self.text is None else prose_score(self.text)


@dataclass(slots=True)
class _Draft:
    title: _Line
    abstract: _Line | None
    meta: dict = field(default_factory=dict)


def prose_score(text: str) -> float:
    """Log-odds that a line is an abstract rather than a title (0 = undecided)."""
    end = _END.search(text)
    score = -3.0 if end is None else 3.0 if end.group(1) == "." else 1.0
    score += 1.5 * min(len(_SENTENCE.findall(text)), 3)
    return score + 2.0 * max(-4.0, min(4.0, math.log2(max(len(text), 1) / 150)))


def _softplus(x: float) -> float:
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def _cost(title: _Line, abstract: _Line | None) -> float:
    cost = _softplus(title.score)
    if abstract is None:
        return cost + LONE_TITLE
    cost += _softplus(-abstract.score)
    if title.text and abstract.text:  # abstracts run several times their title's length
        ratio = math.log2(len(abstract.text) / len(title.text))
        cost += 3.0 * max(0.0, min(1.0, 1.0 - ratio / 2))
    return cost


class _Splitter:
    """Split a run of content lines into (title, abstract-or-None) by least cost."""

    def __init__(self) -> None:
        self.lines: list[_Line] = []
        self.cost: list[float] = [0.0]
        self.back: list[int] = [0]

    def push(self, line: _Line) -> list[_Draft]:
        self.lines.append(line)
        self._extend()
        k = len(self.lines)
        on_both = set(self._chain(k - 1)) & set(self._chain(k))
        if on_both:
            return self._commit(max(on_both))
        return self._commit(self._chain(k)[-1]) if k > WINDOW else []

    def retitle_last(self) -> None:
        """The last line is a title after all (a paper link follows it): split again.

        push() never commits the line it was given, so the last line is still
        held and only its own step of the split changes."""
        self.lines[-1].role = "title"
        self.lines[-1].rescore()
        self.cost.pop()
        self.back.pop()
        self._extend()

    def finish(self) -> list[_Draft]:
        return self._commit(len(self.lines)) if self.lines else []

    def _extend(self) -> None:
        k, lines = len(self.lines), self.lines
        best, back = self.cost[k - 1] + _cost(lines[k - 1], None), k - 1
        if k >= 2 and (pair := self.cost[k - 2] + _cost(lines[k - 2], lines[k - 1])) < best:
            best, back = pair, k - 2
        self.cost.append(best)
        self.back.append(back)

    def _chain(self, k: int) -> list[int]:
        """Boundaries of the best split of the first k lines, last first, 0 left out."""
        chain = []
        while k > 0:
            chain.append(k)
            k = self.back[k]
        return chain

    def _commit(self, end: int) -> list[_Draft]:
        bounds = [0, *reversed(self._chain(end))]
        lines = self.lines
        drafts = [
            _Draft(lines[i], lines[i + 1] if j - i == 2 else None) for i, j in pairwise(bounds)
        ]
        rest = lines[end:]
        self.lines, self.cost, self.back = [], [0.0], [0]
        for line in rest:  # the best split of the rest, from its new start
            self.lines.append(line)
            self._extend()
        return drafts


def detect(head: bytes) -> bool:
    """A page's banner, or title lines each followed by a prose abstract."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if not start or start in b"{[<@" or b"\x00" in head or _BIBTEX.search(head):
        return False
    if any(s in head.lower() for s in _SIGNATURES):
        return True
    text = head.decode("utf-8", "replace")
    lines = [_unheading(s.strip()) for s in text.splitlines() if s.strip()]
    if len(head) >= HEAD_BYTES and not text.endswith("\n"):
        lines = lines[:-1]  # the head cut the last line short
    if not lines or _tabular(lines[0]):
        return False
    content = [s for s in lines if _kind(s)[0] == "content"]
    pairs = sum(_titlelike(t) and _abstractlike(a) for t, a in pairwise(content))
    return pairs >= 1 and 4 * pairs >= len(content)


def _unheading(text: str) -> str:
    m = _HEADING.fullmatch(text)
    return m.group(2) if m and len(m.group(1)) >= 2 else text


def _tabular(first: str) -> bool:
    for sep in (",", "\t", ";", "|"):
        cells = first.split(sep)
        if len(cells) >= 3 and all(re.fullmatch(r"\"?[\w .-]{1,40}\"?", c) for c in cells):
            return all(len(c.split()) <= 3 for c in cells)
    return False


def _titlelike(text: str) -> bool:
    letters = sum(c.isalpha() for c in text)
    return prose_score(text) < 0 and text[0] not in "#/*->`|=;{}[]<" and 2 * letters > len(text)


def _abstractlike(text: str) -> bool:
    plain = sum(c.isalnum() or c.isspace() or c in ".,;:()'\"-" for c in text)
    return prose_score(text) > 2 and len(text.split()) >= 15 and plain >= 0.95 * len(text)


def _kind(text: str) -> tuple[str, dict]:
    """What a (stripped, non-blank) line is: furniture, banner, links, meta or content.

    The dict holds a links or meta line's fields."""
    folded = text.casefold()
    if folded in _FURNITURE:
        return "furniture", {}
    if folded in _BANNERS or _RULE.fullmatch(text) or _CAPTURE.match(text):
        return "banner", {}
    if (links := _links(text)) is not None:
        found = _link_fields(links)
        label = links[0][0] or ""
        if (
            len(links) == 1
            and "arxiv" in found
            and len(label.split()) >= 2
            and not _LINK_WORD.fullmatch(label)
        ):
            return "titled", {**found, "label": label}  # "[Title](paper page)"
        return "links", found
    if text.endswith(">") and (m := _TRAILING_AUTOLINKS.search(text)):
        head, found = text[: m.start()].strip(), _link_fields(_links(m.group(0)) or [])
        if "arxiv" in found and any(c.isalpha() for c in head):
            return "titled", {**found, "label": head}  # "Title <paper page>"
    if (fields := _meta(text)) is not None:
        return "meta", fields
    if not any(c.isalnum() for c in text):  # "—", "...": a separator
        return "meta", {}
    return "content", {}


def _meta(text: str) -> dict | None:
    """The fields of a meta line, or None when the line is content."""
    fields: dict = {}
    text = _LIST_ITEM.sub("", text, count=1) if _LIST_ITEM.match(text) else text
    for part in _SEPARATORS.split(text):
        if not part:
            continue
        if m := _AUTHORS.fullmatch(part):
            if (count := _count(m.group(1), "authors", MAX_AUTHORS, fields)) is not None:
                fields["authors"] = count
        elif m := _DATE.fullmatch(part):
            mon, day, year, up = m.groups()
            when: _Date = (int(year) if year else None, _MONTHS[mon[:3]], int(day))
            fields["date"] = when
            if up and (count := _count(up, "upvotes", MAX_UPVOTES, fields)) is not None:
                fields["upvotes"] = count
        elif m := _UPVOTES.fullmatch(part):
            if (count := _count(m.group(1), "upvotes", MAX_UPVOTES, fields)) is not None:
                fields["upvotes"] = count
        elif _STARS.fullmatch(part):
            fields["stars"] = part  # a GitHub star count: not upvotes, and not kept
        elif m := _SUBMITTED.fullmatch(part):
            fields["submitted"] = m.group(1).strip()
        else:
            return None
    return fields


def _count(digits: str, what: str, limit: int, fields: dict) -> int | None:
    """The number ``digits`` says, or None (and an error in ``fields``) when it is
    more than any paper has: a traceback or an overflowing column otherwise."""
    if len(digits) <= len(str(limit)) and int(digits) <= limit:
        return int(digits)
    shown = digits if len(digits) <= 30 else f"{digits[:30]}... ({len(digits):,} digits)"
    fields.setdefault("error", f"{shown} {what}: more than the {limit:,} a paper can have")
    return None


def _links(text: str) -> list[tuple[str | None, str]] | None:
    """The (label, URL) pairs of a line that holds only links, else None.

    Markdown links ``[label](url)``, autolinks ``<url>`` and bare addresses count;
    separators and spaces between them may stand, any other text may not."""
    if not _LINK_START.match(text):  # most lines: prose, quickly told apart
        return None
    found: list[tuple[str | None, str]] = []
    last = 0
    for m in _LINK.finditer(text):
        if any(c.isalnum() for c in text[last : m.start()]):
            return None
        last = m.end()
        if m.group("url") is not None:
            found.append((m.group("label"), m.group("url")))
        else:
            found.append((None, (m.group("auto") or m.group("bare")).rstrip(".,;:!?)")))
    if not found or any(c.isalnum() for c in text[last:]):
        return None
    return found


def _link_fields(links: list[tuple[str | None, str]]) -> dict:
    """What a paper keeps from its links: the arXiv id, its code, its project page."""
    fields: dict = {}
    for label, url in links:
        if url.startswith("/papers/"):  # a link the capture left relative to the site
            url = "https://huggingface.co" + url
        if parsed := _arxiv(url):
            fields.setdefault("arxiv", parsed[0])
        elif m := _GITHUB.match(url):
            repo = m.group(0)
            fields.setdefault("github", repo if "://" in repo else "https://" + repo)
        elif label and "project" in label.casefold() and url.startswith(("https://", "http://")):
            fields.setdefault("project", url)
    return fields


def _on_or_before(year: int | None, month: int, day: int, anchor: date) -> date | None:
    """The date itself when the year is known, else the latest one on or before anchor."""
    for y in [year] if year else range(anchor.year, anchor.year - 8, -1):
        try:
            found = date(y, month, day)
        except ValueError:
            continue
        if year or found <= anchor:
            return found
    return None


def parse(stream: BinaryIO, *, today: date | None = None) -> Iterator[Item]:
    """Yield one Item per paper block, read line by line; FormatError if there are none."""
    page = _Page(today or datetime.now(UTC).date())
    for line in read_lines(stream):
        page.lines = line.number
        if line.text is None:
            yield from page.markdown_end()
            yield from page.content(_Line(line.number, None, line.error))
        else:
            yield from page.read(line.number, line.text)
    yield from page.markdown_end()
    yield from page.end_run()
    yield from page.emit(page.open)
    if not page.count:
        raise FormatError(f"no papers found in {page.lines:,} lines: {_NOT_A_PAGE}")


class _Joined:
    """Lines joined into one (a wrapped heading, a Markdown paragraph), bounded."""

    def __init__(self, number: int, text: str, what: str, limit: int, role: str,
                 links: dict | None = None):  # fmt: skip
        self.number, self.what, self.limit, self.role = number, what, limit, role
        self.parts, self.size = [text], len(text)
        self.links = links or {}

    def add(self, text: str) -> None:
        self.size += len(text) + 1
        if self.size <= self.limit:  # past the limit, only the size is kept
            self.parts.append(text)

    def line(self) -> _Line:
        if self.size > self.limit:
            error = f"{self.what} is {self.size:,} characters long (limit {self.limit:,})"
            return _Line(self.number, None, error, role=self.role, links=self.links)
        return _Line(self.number, " ".join(self.parts), role=self.role, links=self.links)


class _Page:
    """The state of one page being read: its date, the run of content, the open paper."""

    def __init__(self, today: date) -> None:
        self.today = today
        self.page_date: date | None = None  # the date in the page's header
        self.splitter = _Splitter()
        self.open: _Draft | None = None  # the last paper, still taking meta lines below it
        self.pending: dict = {}  # meta lines waiting for the paper below them
        self.before: set[str] = set()  # meta kinds that this page shows above their paper
        self.held: list[_Draft] = []  # lone titles waiting for signs of a page
        self.structured = self.want_submitter = False
        self.count = self.lines = 0
        self.last: Paper | None = None  # the last paper yielded, to read a card shown twice once
        # Markdown: on from the first heading; the heading being read (it may
        # wrap), the paragraph under it, and whether one is still wanted.
        self.markdown = False
        self.heading: _Joined | None = None
        self.paragraph: _Joined | None = None
        self.under_heading = False

    # -- Markdown: headings and paragraphs become title and abstract lines --------

    def read(self, number: int, raw: str) -> Iterator[Item]:
        text = raw.strip()
        if "![" in text:  # images (avatars, thumbnails) say nothing
            text = _IMAGE.sub("", text).strip()
        if self.heading is not None:
            if text and raw[:1] in " \t" and not _HEADING.fullmatch(text):
                self.heading.add(text)  # a long title, wrapped by the capture tool
                return
            yield from self.content(self.heading.line())
            self.heading = None
        if not text:
            return
        heading = _HEADING.fullmatch(text) if not raw.startswith("    ") else None
        if heading is not None and not self.want_submitter:
            self.markdown = True
            yield from self.markdown_end()
            yield from self.heading_line(number, len(heading.group(1)), heading.group(2))
            return
        if self.markdown and not self.want_submitter:
            kind, fields = _kind(text)
            if self.paragraph is not None and (
                kind in ("content", "furniture")
                or (kind == "links" and "arxiv" not in fields and "[" not in text)
            ):  # a bare address inside the summary is part of its text
                self.paragraph.add(text)
                return
            if kind == "furniture":
                return
            if kind == "content":
                if self.under_heading:
                    self.paragraph = _Joined(number, text, "the abstract", MAX_ABSTRACT,
                                             "abstract")  # fmt: skip
                return  # prose outside any paper: the capture's own text
            yield from self.markdown_end()
        yield from self.feed(number, text)

    def heading_line(self, number: int, level: int, text: str) -> Iterator[Item]:
        # "### [Title](https://huggingface.co/papers/...)": the text, and the link's id
        links = _link_fields([(m["label"], m["url"]) for m in _LINK.finditer(text) if m["url"]])
        title = _LINK.sub(lambda m: m["label"] or "" if m["url"] else m[0], text)
        title = title.strip().strip("*_").strip()
        if level == 1 or title.casefold() in _BANNERS or title.casefold() in _FURNITURE:
            yield from self.banner()  # the page's own name and sections
            return
        self.heading = _Joined(number, title, "the title", MAX_TITLE, "title", links)
        self.under_heading = True

    def markdown_end(self) -> Iterator[Item]:
        """Push the heading and paragraph being read, if any, as content lines."""
        if self.heading is not None:
            yield from self.content(self.heading.line())
            self.heading = None
        if self.paragraph is not None:
            yield from self.content(self.paragraph.line())
            self.paragraph = None
        self.under_heading = False

    # -- lines as the page shows them ------------------------------------------

    def feed(self, number: int, text: str) -> Iterator[Item]:
        header = not self.count and self.open is None and not self.splitter.lines
        fields: dict
        if self.want_submitter:  # "Submitted by" with the name on the next line
            self.want_submitter, fields = False, {"submitted": text}
        else:
            while header and (glued := _unglue(text)) != text:
                yield from self.banner()
                text = glued
            if not text:
                yield from self.banner()
                return
            kind, fields = _kind(text)
            if kind == "furniture":
                return
            if kind == "banner":
                yield from self.banner()
                return
            if kind == "links":
                yield from self.link(fields, header)
                return
            if kind == "content":
                yield from self.content(_Line(number, text))
                return
            if kind == "titled":
                line = _Line(number, fields.pop("label"), links=fields)
                if line.score < 3:
                    line.role = "title"
                    line.rescore()
                yield from self.content(line)
                return
        yield from self.meta(fields, header)

    def banner(self) -> Iterator[Item]:
        if self.structured:
            yield from self.end_run()
        else:  # lines above the first banner are the site's navigation, not papers
            self.splitter.finish()
            self.held, self.open = [], None
        self.structured = True

    def content(self, line: _Line) -> Iterator[Item]:
        yield from self.emit(self.open)
        self.open = None
        for draft in self.splitter.push(line):
            yield from self.emit(self.new(draft))  # mid-run: no meta can follow it

    def link(self, fields: dict, header: bool) -> Iterator[Item]:
        """A line of links: to the content line just above, else like a meta line."""
        if not fields:
            return  # links to the site's own pages, users, images
        if self.splitter.lines:  # the line above is content, still held
            above = self.splitter.lines[-1]
            for kind, value in fields.items():
                above.links.setdefault(kind, value)
            if "arxiv" in fields and above.role is None and above.score < 3:
                self.splitter.retitle_last()  # a paper link names the title above it
            return
        yield from self.meta(fields, header)

    def meta(self, fields: dict, header: bool) -> Iterator[Item]:
        yield from self.end_run()
        self.structured = True
        for kind, value in fields.items():
            if kind == "date" and header and not self.before and self.page_date is None:
                when: _Date = value
                self.page_date = _on_or_before(*when, self.today)
            elif kind == "submitted" and not value:
                self.want_submitter = True
            elif header or kind in self.before:
                self.before.add(kind)
                self.pending.setdefault(kind, value)
            elif self.open is not None:
                self.open.meta.setdefault(kind, value)

    def end_run(self) -> Iterator[Item]:
        drafts = [self.new(d) for d in self.splitter.finish()]
        for draft in drafts[:-1]:
            yield from self.emit(draft)
        if drafts:
            self.open = drafts[-1]

    def new(self, draft: _Draft) -> _Draft:
        draft.meta, self.pending = self.pending, {}
        return draft

    def emit(self, draft: _Draft | None) -> Iterator[Item]:
        if draft is None:
            return
        self.structured |= draft.abstract is not None or bool(draft.meta)
        self.held.append(draft)
        if self.structured:
            for held in self.held:
                if (item := self.item(held)) is not None:
                    self.count += 1
                    yield item
            self.held = []
        elif len(self.held) > MAX_HELD:
            msg = f"{MAX_HELD} short lines with no abstract, banner or meta: {_NOT_A_PAGE}"
            raise FormatError(msg, line=draft.title.number)

    def item(self, draft: _Draft) -> Item | None:
        """The draft's paper or error; None for page furniture and a repeated card."""
        title, abstract, meta = draft.title, draft.abstract, draft.meta
        for part, what in ((title, "title"), (abstract, "abstract")):
            if part is not None and part.text is None:
                return Item(title.number, error=f"the {what} on line {part.number}: {part.error}")
        assert title.text is not None
        links = {k: v for k, v in meta.items() if k in _LINK_KINDS}
        links.update(abstract.links if abstract else {})
        links.update(title.links)  # the title's own link first, then the abstract's
        if title.role is None and _furniture(title.text, abstract, meta, links):
            return None
        if "error" in meta:  # the item's line is the title's: the message need not repeat it
            return Item(title.number, error=meta["error"])
        when: _Date | None = meta.get("date")
        published = _on_or_before(*when, self.page_date or self.today) if when else None
        try:
            paper = new_paper(
                title=title.text,
                arxiv_id=links.get("arxiv"),
                abstract=abstract.text if abstract else "",
                source=SOURCE,
                author_count=meta.get("authors"),
                published=published.isoformat() if published else None,
                upvotes=meta.get("upvotes", 0),
                feed_date=self.page_date.isoformat() if self.page_date else None,
                submitted_by=meta.get("submitted", ""),
                links={k: v for k, v in links.items() if k != "arxiv"},
            )
        except InvalidPaper as exc:
            return Item(title.number, error=str(exc))
        if paper == self.last:
            return None  # the same card again (captures write each one twice)
        self.last = paper
        return Item(title.number, paper=paper)


def _furniture(title: str, abstract: _Line | None, meta: dict, links: dict) -> bool:
    """A lone line that cannot be a paper: one word, or no letter at all, alone."""
    if abstract is not None or meta or links:
        return False
    return len(title.split()) < 2 or not any(c.isalpha() for c in title)


def _unglue(text: str) -> str:
    """The line without a banner phrase glued to its start ("SubscribeDepression ...")."""
    for phrase in _GLUED:
        if text[: len(phrase)].casefold() == phrase.casefold():
            return text[len(phrase) :].strip()
    return text
