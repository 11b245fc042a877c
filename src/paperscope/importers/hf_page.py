"""Hugging Face Papers pages ("Daily Papers", trending, search) saved as text.

A page is a banner ("Get trending papers in your email inbox!", "Subscribe",
"byAK and the research community"...), the page date ("Mar 17"), then per
paper a title line, an abstract line and, on some pages, meta lines ("• 4
authors", "·", "Nov 10, 2020", "May 19 2" = May 19 with 2 upvotes, a bare
upvote count, "Submitted by NAME"). Tools save it with or without blank lines,
with CRLF, with the banner glued to the first title.

The structural rule: each non-blank line is a banner, a meta line (every part
between "•"/"·" is an author count, a date, upvotes or a submitter) or
content. Banner and meta lines end a run of content lines, and a dynamic
programme (Viterbi over segments of one or two lines) splits each run into
papers, a title and optionally its abstract, at least cost. A line's cost as a
title or an abstract is a soft score of how prose-like it is (a final full
stop, several sentences, its length), not a threshold; a pair pays more when
its abstract is not several times longer than its title, a title alone pays a
fixed price. So a title followed by a meta block, or by another (title,
abstract) pair, is a paper with an empty abstract. Papers are committed once
the best splits ending at the last two lines share a boundary (every
continuation agrees), so memory stays bounded by a few lines. Meta lines
belong to the paper above them, except kinds that the page shows above its
first paper (after its date): those belong to the paper below. Lone titles
count only once the page shows structure; lines above the banner are the
site's navigation. An unreadable line (over 4 MiB, bad UTF-8) keeps its place
in the split and turns its paper into an error that names it. An abstract is
one line: the pages put each on one, and allowing more would make every
title-like line ambiguous.

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
from paperscope.models import InvalidPaper, new_paper

NAME = "hf-page"
SOURCE = "hf-page"

_GLUED = ("Get trending papers in your email inbox!", "Subscribe", "Daily Papers",
          "byAK and the research community", "Trending Papers")  # fmt: skip
_BANNERS = {b.casefold() for b in _GLUED} | {"new"}
_SIGNATURES = (b"get trending papers in your email inbox", b"byak and the research community")
_MONTH = "|".join(f"{m[:3]}(?:{m[3:]})?" for m in calendar.month_name[1:]).replace("Sep", "Sept?")
_MONTHS = {m: i for i, m in enumerate(calendar.month_abbr) if m}
_DATE = re.compile(
    rf"({_MONTH})\.?\s+(\d{{1,2}})(?:,?\s+((?:19|20)\d\d))?(?:,?\s+(\d+))?(?:\s+upvotes?)?"
)
_AUTHORS = re.compile(r"(\d+)\s+authors?", re.IGNORECASE)
_UPVOTES = re.compile(r"(\d+)(?:\s+upvotes?)?", re.IGNORECASE)
_SUBMITTED = re.compile(r"submitted\s+by\s*:?\s*(.*)", re.IGNORECASE)
_SEPARATORS = re.compile(r"\s*[•·]\s*")
_END = re.compile(r"([.!?])[\"'”’)\]]*$")
_SENTENCE = re.compile(r"[.!?][\"'”’)\]]*\s+[A-Z0-9(]")
_BIBTEX = re.compile(rb"^\s*@\w+\s*[{(]", re.MULTILINE)
_NOT_A_PAGE = "this is not the text of a Hugging Face papers page (titles, each with its abstract)"
_Date = tuple[int | None, int, int]  # a meta line's date: (year if shown, month, day)
LONE_TITLE = 1.5  # the price of a title with no abstract, in score units
WINDOW = 32  # content lines held at most before the best split is committed
MAX_HELD = 100  # lone short lines tolerated before the page shows any structure


@dataclass(slots=True)
class _Line:
    number: int
    text: str | None  # None when the line could not be read (unreadable lines lean abstract)
    error: str | None = None
    score: float = field(init=False)

    def __post_init__(self) -> None:
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
    lines = [s.strip() for s in text.splitlines() if s.strip()]
    if len(head) >= HEAD_BYTES and not text.endswith("\n"):
        lines = lines[:-1]  # the head cut the last line short
    if not lines or _tabular(lines[0]):
        return False
    content = [s for s in lines if s.casefold() not in _BANNERS and _meta(s) is None]
    pairs = sum(_titlelike(t) and _abstractlike(a) for t, a in pairwise(content))
    return pairs >= 1 and 4 * pairs >= len(content)


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


def _meta(text: str) -> dict | None:
    """The fields of a meta line, or None when the line is content."""
    fields: dict = {}
    for part in _SEPARATORS.split(text):
        if not part:
            continue
        if m := _AUTHORS.fullmatch(part):
            fields["authors"] = int(m.group(1))
        elif m := _DATE.fullmatch(part):
            mon, day, year, up = m.groups()
            when: _Date = (int(year) if year else None, _MONTHS[mon[:3]], int(day))
            fields["date"] = when
            if up:
                fields["upvotes"] = int(up)
        elif m := _UPVOTES.fullmatch(part):
            fields["upvotes"] = int(m.group(1))
        elif m := _SUBMITTED.fullmatch(part):
            fields["submitted"] = m.group(1).strip()
        else:
            return None
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
            yield from page.content(_Line(line.number, None, line.error))
        elif text := line.text.strip():
            yield from page.feed(line.number, text)
    yield from page.end_run()
    yield from page.emit(page.open)
    if not page.count:
        raise FormatError(f"no papers found in {page.lines:,} lines: {_NOT_A_PAGE}")


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

    def feed(self, number: int, text: str) -> Iterator[Item]:
        header = not self.count and self.open is None and not self.splitter.lines
        fields: dict | None
        if self.want_submitter:  # "Submitted by" with the name on the next line
            self.want_submitter, fields = False, {"submitted": text}
        else:
            while header and (glued := _unglue(text)) != text:
                yield from self.banner()
                text = glued
            if not text or text.casefold() in _BANNERS:
                yield from self.banner()
                return
            fields = _meta(text)
        if fields is None:
            yield from self.content(_Line(number, text))
        else:
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
            self.count += len(self.held)
            yield from map(self.item, self.held)
            self.held = []
        elif len(self.held) > MAX_HELD:
            msg = f"{MAX_HELD} short lines with no abstract, banner or meta: {_NOT_A_PAGE}"
            raise FormatError(msg, line=draft.title.number)

    def item(self, draft: _Draft) -> Item:
        title, abstract, meta = draft.title, draft.abstract, draft.meta
        for part, what in ((title, "title"), (abstract, "abstract")):
            if part is not None and part.text is None:
                return Item(title.number, error=f"the {what} on line {part.number}: {part.error}")
        when: _Date | None = meta.get("date")
        published = _on_or_before(*when, self.page_date or self.today) if when else None
        try:
            paper = new_paper(
                title=title.text or "",
                abstract=abstract.text if abstract else "",
                source=SOURCE,
                author_count=meta.get("authors"),
                published=published.isoformat() if published else None,
                upvotes=meta.get("upvotes", 0),
                feed_date=self.page_date.isoformat() if self.page_date else None,
                submitted_by=meta.get("submitted", ""),
            )
        except InvalidPaper as exc:
            return Item(title.number, error=f"the paper on line {title.number}: {exc}")
        return Item(title.number, paper=paper)


def _unglue(text: str) -> str:
    """The line without a banner phrase glued to its start ("SubscribeDepression ...")."""
    for phrase in _GLUED:
        if text[: len(phrase)].casefold() == phrase.casefold():
            return text[len(phrase) :].strip()
    return text
