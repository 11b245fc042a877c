"""PubMed's MEDLINE format (``.nbib``, "Send to: Citation manager").

One field a line, a tag of up to four characters padded to four and a hyphen
(``PMID- 27169098``, ``TI  - Title``); a value goes on over lines indented
six spaces; records are separated by blank lines and start with ``PMID``.
The NLM documents the tags at https://pubmed.ncbi.nlm.nih.gov/help/#pubmed-format.

Decisions:
- Authors: ``FAU`` ("Family, Given" shown as "Given Family"), in order, with
  collective names (``CN``) where they stand; a record of the years before
  full names (no ``FAU``) gives ``AU`` ("Smith JA" shown as "J. A. Smith").
  Investigators (``IR``, ``FIR``) are not authors.
- Title: ``TI``, else the book title ``BTI``. Journal: ``JT``, else ``TA``;
  ``VI`` volume, ``IP`` issue, ``PG`` pages, abbreviated last pages written
  out ("2457-71" is 2457--2471).
- Date: ``DP``, the date of the issue ("2016", "2016 Apr 19", "2006 May-Jun"
  is May 2006; a season gives the year).
- DOI: ``LID`` or ``AID`` marked ``[doi]``. ``PMID`` gives a link to PubMed.
  MeSH terms and keywords (``MH``, ``OT``) are not categories.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

from paperscope.importers.base import Item
from paperscope.importers.reference import (
    build,
    display_name,
    initials_last,
    iso_date,
    month_number,
    page_range,
)
from paperscope.importers.tagged import Record, Syntax, head_text, parse_records
from paperscope.models import InvalidPaper, Paper

NAME = "medline"
SOURCE = "medline"

# A tag of one to four characters, padded to four, then "- " (or "-" at the end).
_TAG = re.compile(r"(?=[A-Z0-9 ]{4}-)([A-Z][A-Z0-9]{1,3}) *-(?: (.*)|$)")
SYNTAX = Syntax(tag=_TAG, starts=frozenset({"PMID"}), implicit_start=True)
_PMID = re.compile(r"\s*PMID- ?\d")
_DATE = re.compile(r"\s*(\d{4})(?:\s+([A-Za-z]+)\.?(?:\s+(\d{1,2})\b)?)?")
_MARKED_DOI = re.compile(r"(\S+)\s*\[doi\]", re.IGNORECASE)


def detect(head: bytes) -> bool:
    """True when the first non-blank line is ``PMID- <number>``, as PubMed writes it."""
    for line in head_text(head).splitlines():
        line = line.lstrip("\ufeff")
        if line.strip():
            return _PMID.match(line) is not None
    return False


def parse(stream: BinaryIO) -> Iterator[Item]:
    """Yield one Item per record."""
    return parse_records(
        stream, SYNTAX, to_paper, "no MEDLINE records (PMID- and TI  - lines) found"
    )


def to_paper(record: Record) -> Paper:
    """Map one record to a Paper; InvalidPaper says what is missing or wrong."""
    pmid = record.first("PMID")
    title = record.first("TI", "BTI")
    if not title:
        raise InvalidPaper(f"the record{' of PMID ' + pmid if pmid else ''} has no title (TI)")
    full = record.has("FAU")
    authors = []
    for f in record.fields:
        if not f.text:
            continue
        if f.tag == "FAU" or f.tag == "CN":
            authors.append(display_name(f.text))
        elif f.tag == "AU" and not full:
            authors.append(initials_last(f.text))
    doi = next(
        (m[1] for text in record.all("LID", "AID") if (m := _MARKED_DOI.fullmatch(text))), ""
    )
    return build(
        SOURCE,
        title=title,
        authors=authors,
        abstract=record.first("AB"),
        published=_published(record.first("DP")),
        doi=doi,
        journal=record.first("JT", "TA"),
        volume=record.first("VI"),
        issue=record.first("IP"),
        pages=page_range(record.first("PG")),
        links={"pubmed": f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"} if pmid.isdigit() else {},
    )


def _published(text: str) -> str | None:
    m = _DATE.match(text)
    if m is None:
        return None
    month = month_number(m[2]) if m[2] else None
    return iso_date(int(m[1]), month, int(m[3]) if month and m[3] else None)
