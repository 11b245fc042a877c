"""EndNote's tagged export (``.enw``), the "refer" format EndNote inherited.

One field a line, a per cent sign and a one-character tag: ``%0 Journal
Article``, ``%T`` title, ``%A`` author, ``%D`` year, ``%J`` journal, ``%V``
volume, ``%N`` issue, ``%P`` pages, ``%R`` DOI, ``%X`` abstract, ``%U`` URL.
Google Scholar, Web of Science, the German National Library and EndNote itself
write it. A record starts at ``%0`` (its type) or after a blank line; a line
without a tag continues the field above it.

Decisions, as for RIS (:mod:`paperscope.importers.ris`):
- Authors are ``%A`` ("Family, Given" shown as "Given Family"); a record with
  none lists its editors (``%E``).
- Journal: ``%J``, else ``%B`` (a section's book, a paper's proceedings). A
  whole book has none: its ``%B`` is the series, its ``%P`` the number of pages.
- Date: the year in ``%D``, with the month and day of ``%8`` ("June 15",
  "2016/06/15") when it names them.
- DOI: ``%R`` when it holds one ("10.x/y", "doi:10.x/y"), else a doi.org
  address in ``%U``. Keywords (``%K``) are not categories.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

from paperscope.importers.base import Item
from paperscope.importers.reference import (
    arxiv_in,
    build,
    display_name,
    iso_date,
    month_day,
    page_range,
    tex_accents,
)
from paperscope.importers.tagged import Record, Syntax, head_text, parse_records
from paperscope.models import InvalidPaper, Paper, normalize_doi

NAME = "endnote"
SOURCE = "endnote"

# EndNote's tags: a digit, a capital letter or one of these signs.
_TAG = re.compile(r"%([0-9A-Z@!#$&()*+^<>?\[\]=~|])(?: (.*)|$)")
SYNTAX = Syntax(tag=_TAG, starts=frozenset({"0"}), implicit_start=True)
_WHOLE_BOOK = {"book", "edited book", "electronic book"}
_YEAR = re.compile(r"\b(\d{4})\b")
_ISO = re.compile(r"\s*(\d{4})[/-](\d{1,2})(?:[/-](\d{1,2}))?")
_BIBTEX = re.compile(r"^\s*@\s*[A-Za-z]+\s*[{(]", re.MULTILINE)


def detect(head: bytes) -> bool:
    """True when the first non-blank line is an EndNote tag line (``%0 Book``, ``%A
    Name``) and no BibTeX entry follows (a .bib file may open with a % comment)."""
    text = head_text(head)
    for line in text.splitlines():
        line = line.lstrip("\ufeff")
        if line.strip():
            return _TAG.match(line) is not None and _BIBTEX.search(text) is None
    return False


def parse(stream: BinaryIO) -> Iterator[Item]:
    """Yield one Item per record."""
    return parse_records(
        stream,
        SYNTAX,
        to_paper,
        "no EndNote records (lines such as %0 Journal Article, %T Title) found",
    )


def to_paper(record: Record) -> Paper:
    """Map one record to a Paper; InvalidPaper says what is missing or wrong."""
    kind = record.first("0")
    title = record.first("T")
    if not title:
        what = f"the record ({'%0 ' + kind})" if kind else "the record"
        raise InvalidPaper(f"{what} has no title (%T)")
    whole_book = kind.lower() in _WHOLE_BOOK
    people = record.all("A") or record.all("E")
    urls = record.all("U")
    doi = normalize_doi(record.first("R"))
    doi = doi or next((normalize_doi(u) for u in urls if "doi.org/" in u), "")
    arxiv = next(filter(None, map(arxiv_in, [record.first("R"), *urls])), None)
    return build(
        SOURCE,
        title=tex_accents(title),
        authors=[display_name(tex_accents(name)) for name in people],
        abstract=record.first("X"),
        published=_published(record.first("D"), record.first("8")),
        doi=doi,
        arxiv=arxiv,
        journal="" if whole_book else record.first("J", "B"),
        volume=record.first("V"),
        issue=record.first("N"),
        pages="" if whole_book else page_range(record.first("P")),
        url=next((u for u in urls if u.startswith(("http://", "https://"))), ""),
    )


def _published(year_text: str, date_text: str) -> str | None:
    found = _YEAR.search(year_text)
    if found is None:
        return None
    year = int(found[1])
    if m := _ISO.match(year_text):
        return iso_date(year, int(m[2]), int(m[3]) if m[3] else None)
    if m := _ISO.match(date_text):
        same_year = int(m[1]) == year
        return (
            iso_date(year, int(m[2]), int(m[3]) if m[3] else None) if same_year else iso_date(year)
        )
    return iso_date(year, *month_day(date_text))
