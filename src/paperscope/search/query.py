"""The search box's query language, parsed without ever raising.

What people type is not trusted to be well formed, so the parser turns any
string into a :class:`ParsedQuery` and the index builds its queries from that
structure; no user text ever reaches a query-string parser that could fail.

The language::

    graph networks            free words (any field; ranked by BM25)
    "graph neural network"    a phrase (title or abstract)
    -word  -"a phrase"        excluded
    NOT word                  the same as -word; AND and OR are dropped
    title:word  title:"a b"   only in the title
    author:hinton             in the author names; author:"Geoffrey Hinton"
    cat:cs.LG                 in that arXiv category
    -cat:cs.CV  -title:x      field exclusions (see ``excluded_fields``)

Forgiving rules, chosen so a typo never empties the results:

- an unbalanced quote makes the rest of the query one phrase;
- parentheses are ignored (no grouping: every clause applies to the whole
  query, and ``-(a b)`` excludes only ``a``);
- control characters are stripped (tabs and newlines count as spaces), and so
  are lone surrogates, which no index can store;
- tokens of ASCII punctuation only (``*``, ``-``, ``&&``) are dropped: there are
  no wildcards, and ``net*`` is the word ``net`` once the index tokenizes it;
- an unknown prefix (``foo:bar``) is a plain word;
- emoji and other scripts are kept as terms: tokenizing them is the index's job;
- only the first ``MAX_QUERY_CHARS`` characters are read and at most
  ``MAX_CLAUSES`` words, phrases and field values are kept, so a 10,000
  character paste costs the same as a long sentence.
"""

from __future__ import annotations

import calendar
import re
import string
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from paperscope.errors import BadInput

MAX_QUERY_CHARS = 1_000
MAX_CLAUSES = 64
FIELDS = ("title", "author", "cat")
_FIELD = re.compile(r"(title|author|cat):", re.IGNORECASE)
_PUNCT = frozenset(string.punctuation)
_STOP_CHARS = frozenset('()"')


@dataclass
class ParsedQuery:
    """A query split into its parts; every list keeps the user's order."""

    terms: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    fields: dict[str, list[str]] = field(default_factory=dict)
    excluded_fields: dict[str, list[str]] = field(default_factory=dict)
    truncated: bool = False

    @property
    def is_empty(self) -> bool:
        return not (
            self.terms or self.phrases or self.excluded or self.fields or self.excluded_fields
        )

    def clause_count(self) -> int:
        return (
            len(self.terms)
            + len(self.phrases)
            + len(self.excluded)
            + sum(map(len, self.fields.values()))
            + sum(map(len, self.excluded_fields.values()))
        )


@dataclass
class SearchFilters:
    """Restrictions from the search form rather than the query text.

    Dates are ``YYYY-MM-DD`` (``YYYY`` and ``YYYY-MM`` are accepted: a start
    date means the first day of the period, an end date its last day), both
    ends inclusive. ``categories`` match when a paper has any of them;
    ``author`` is one exact name, compared case-insensitively.
    """

    date_from: str | None = None
    date_to: str | None = None
    categories: list[str] = field(default_factory=list)
    author: str | None = None
    min_upvotes: int | None = None

    @property
    def is_empty(self) -> bool:
        return not (
            self.date_from
            or self.date_to
            or self.categories
            or self.author
            or self.min_upvotes is not None
        )

    @classmethod
    def parse(
        cls,
        *,
        date_from: str | None = None,
        date_to: str | None = None,
        categories: Iterable[str] = (),
        author: str | None = None,
        min_upvotes: str | int | None = None,
    ) -> SearchFilters:
        """The filters as people give them (CLI options, form fields), checked.

        Empty values (an empty form field) mean no filter. Raises
        :class:`~paperscope.errors.BadInput` naming the first bad one, the same
        message for the CLI and the web.
        """
        spans: dict[str, tuple[date, date]] = {}
        for name, value in (("from", date_from), ("until", date_to)):
            if not value:
                continue
            span = date_bounds(value)
            if span is None:
                raise BadInput(
                    f"{name} {value[:40]!r} is not a date like 2026-11-01, 2026-11 or 2026",
                    param=name,
                )
            spans[name] = span
        if len(spans) == 2 and spans["from"][0] > spans["until"][1]:
            raise BadInput(f"from {date_from!r} is after until {date_to!r}", param="from")
        cats = [c for value in categories for c in re.split(r"[\s,]+", value or "") if c]
        if len(cats) > MAX_CATEGORIES:
            raise BadInput(f"at most {MAX_CATEGORIES} categories at once", param="cat")
        if any(len(c) > MAX_FILTER_CHARS for c in cats):
            raise BadInput(f"a category is at most {MAX_FILTER_CHARS} characters", param="cat")
        name = " ".join((author or "").split())
        if len(name) > MAX_AUTHOR_CHARS:
            raise BadInput(
                f"an author name is at most {MAX_AUTHOR_CHARS} characters", param="author"
            )
        return cls(
            date_from=date_from or None,
            date_to=date_to or None,
            categories=list(dict.fromkeys(cats)),
            author=name or None,
            min_upvotes=_votes(min_upvotes),
        )


MAX_CATEGORIES = 20
MAX_FILTER_CHARS = 40
MAX_AUTHOR_CHARS = 500
MAX_UPVOTES = 1_000_000_000  # more than any paper has: a bigger number is a typo or an attack
MODES = ("hybrid", "keyword", "semantic")


def parse_mode(mode: str | None) -> str:
    """A search mode, checked: ``hybrid`` (the default), ``keyword`` or ``semantic``."""
    mode = (mode or "hybrid").strip().lower()
    if mode not in MODES:
        raise BadInput(f"mode {mode[:20]!r} is not one of {', '.join(MODES)}", param="mode")
    return mode


def date_bounds(text: str) -> tuple[date, date] | None:
    """The first and last day ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` covers, or
    None when ``text`` is not such a date (ASCII digits only: ``'²'.isdigit()``
    is True in Python, and ``int`` reads Arabic-Indic digits)."""
    m = _DATE_PREFIX.fullmatch(text.strip())
    if m is None:
        return None
    year, month, day = int(m[1]), int(m[2] or 0), int(m[3] or 0)
    try:
        if day:
            first = last = date(year, month, day)
        elif month:
            first = date(year, month, 1)
            last = date(year, month, calendar.monthrange(year, month)[1])
        else:
            first, last = date(year, 1, 1), date(year, 12, 31)
    except ValueError:  # month 13, 30 February, year 0
        return None
    return first, last


_DATE_PREFIX = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?", re.ASCII)


def _votes(value: str | int | None) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip()
    if not re.fullmatch(r"[0-9]{1,10}", text, re.ASCII) or int(text) > MAX_UPVOTES:
        raise BadInput(
            f"min_upvotes {text[:20]!r} is not a whole number of votes from 0 to {MAX_UPVOTES:,}",
            param="min_upvotes",
        )
    return int(text)


def clean(text: str) -> str:
    """Drop control characters and lone surrogates; whitespace becomes a space."""
    if text.isascii() and text.isprintable():
        return text
    out = []
    for ch in text:
        if ch.isspace():
            out.append(" ")
        elif unicodedata.category(ch) not in ("Cc", "Cs"):
            out.append(ch)
    return "".join(out)


def parse_query(text: str) -> ParsedQuery:
    """Parse the search box's text; never raises, whatever ``text`` holds."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    query = ParsedQuery(truncated=len(text) > MAX_QUERY_CHARS)
    s = clean(text[:MAX_QUERY_CHARS])
    n = len(s)
    i = 0
    negate_next = False
    while i < n and query.clause_count() < MAX_CLAUSES:
        ch = s[i]
        if ch.isspace() or ch in "()":
            i += 1
            continue
        negated = negate_next
        negate_next = False
        while i < n and s[i] in "-+(":  # "-(x" negates x: parens never group
            negated = negated or s[i] == "-"
            i += 1
        name = None
        m = _FIELD.match(s, i)
        if m:
            name = m.group(1).lower()
            i = m.end()
        quoted = i < n and s[i] == '"'
        if quoted:
            end = s.find('"', i + 1)
            end = n if end < 0 else end  # unbalanced: the rest is the phrase
            value, i = s[i + 1 : end], end + 1
        else:
            end = i
            while end < n and not s[end].isspace() and s[end] not in _STOP_CHARS:
                end += 1
            value, i = s[i:end], end
        value = " ".join(value.split())
        if not quoted and name is None and value in ("AND", "OR", "NOT"):
            negate_next = value == "NOT"
            continue
        if not value or all(c in _PUNCT for c in value):
            continue
        _add(query, name, value, quoted=quoted, negated=negated)
    return query


def _add(query: ParsedQuery, name: str | None, value: str, *, quoted: bool, negated: bool) -> None:
    if name is not None:
        target = query.excluded_fields if negated else query.fields
        values = target.setdefault(name, [])
    elif negated:
        values = query.excluded
    else:
        values = query.phrases if quoted else query.terms
    if value not in values:
        values.append(value)
