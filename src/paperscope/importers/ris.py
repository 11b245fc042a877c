"""RIS, the tagged format of Research Information Systems' Reference Manager.

Web of Science, Scopus, IEEE Xplore, PubMed, ScienceDirect, EndNote, Zotero
and Mendeley all export it: one field a line (``TI  - Title``), a record from
``TY  - JOUR`` to ``ER  - ``. The 2011 specification (RIS Format
Specifications, Thomson Reuters) defines the tags; real exports add older
ones (``T1``, ``JF``, ``Y1``, ``N2``) and their own habits.

Records are cut by :mod:`paperscope.importers.tagged` and each is read by
``rispy`` (its tag names and list tags), so a broken record costs only itself.

Decisions:
- A line that starts with no tag continues the field above it, joined by a
  space (a wrapped author stays one author). Blank lines inside a record are
  skipped. A ``TY`` line inside a record ends that record, reported as not
  closed, so a lost ``ER`` line never merges two papers; a record without
  ``TY`` is reported, not guessed at.
- Title: ``TI``, else ``T1``, ``CT``, and ``BT`` for a whole book. Authors:
  ``AU`` then ``A1``, "Family, Given" shown as "Given Family"; a record with no
  authors lists its editors (``ED``, else ``A2``), as citation styles do.
- Journal: ``T2``, else ``JF``, ``JO``, ``JA``, ``J2``, ``J1``, ``BT`` (a
  chapter's book, a paper's proceedings); a whole book (``BOOK``, ``EBOOK``,
  ``EDBOOK``) has none, since its ``T2`` is the series and its ``SP`` the
  number of pages. ``VL  - 50(2)`` without ``IS`` is volume 50, issue 2.
- Date: the year of ``PY`` (else ``DA``, ``Y1``), with the month and day of the
  first of ``DA``, ``Y1``, ``PY`` that has them in that year:
  "2012/05/03/", "2012///", "2015/october", "2012".
- DOI: ``DO``, else a doi.org address in ``UR``, else an ``M3``, ``N1`` or
  ``M1`` that is a DOI and nothing else. The arXiv id comes from an arXiv DOI
  or address (``DO``, ``UR``, ``L1``, ``L2``) or a note starting "arXiv:".
  Keywords are not categories.
- Encoding: UTF-8, with or without a byte-order mark; a line in another
  encoding is reported with its record (see :mod:`paperscope.importers.tagged`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, BinaryIO

import rispy  # type: ignore[import-untyped]

from paperscope.importers.base import Item
from paperscope.importers.reference import (
    arxiv_in,
    build,
    clear_doi,
    display_name,
    iso_date,
    month_day,
    month_number,
    page_range,
    tex_accents,
)
from paperscope.importers.tagged import Record, Syntax, head_text, parse_records
from paperscope.models import InvalidPaper, Paper, normalize_doi

NAME = "ris"
SOURCE = "ris"

_TAG = re.compile(r"([A-Z][A-Z0-9])  -(?: (.*))?$")
SYNTAX = Syntax(
    tag=_TAG,
    starts=frozenset({"TY"}),
    ends=frozenset({"ER"}),
    orphan="RIS tags outside a record: a record starts with a TY  - line",
)
_WHOLE_BOOK = {"BOOK", "EBOOK", "EDBOOK"}
_DATE = re.compile(r"\s*(\d{4})(?:[/-](\d{1,2}|[A-Za-z]+)?(?:[/-](\d{1,2})?)?)?")
_YEAR = re.compile(r"\b\d{4}\b")
_VOLUME_ISSUE = re.compile(r"\s*(\w+)\s*\(\s*(\w+)\s*\)\s*")
_PARSER = rispy.RisParser()


def detect(head: bytes) -> bool:
    """True when the first RIS tag line, after blank lines and a few header lines
    (ScienceDirect writes "Provider: Elsevier" and the like), is ``TY  - ``; or
    when the file opens with three RIS tag lines and has an ``ER  -`` line (a
    record that lost its TY line, which parse then reports)."""
    text = head_text(head)
    lines = [s for s in (line.lstrip("\ufeff") for line in text.splitlines()) if s.strip()]
    first = next((i for i, line in enumerate(lines[:11]) if _TAG.match(line)), None)
    if first is None:
        return False
    if lines[first].startswith("TY"):
        return True
    tagged = first == 0 and len(lines) >= 3 and all(_TAG.match(line) for line in lines[:3])
    return tagged and any(line.startswith("ER  -") for line in lines)


def parse(stream: BinaryIO) -> Iterator[Item]:
    """Yield one Item per record, and one per run of tag lines outside records."""
    return parse_records(
        stream, SYNTAX, to_paper, "no RIS records (from a TY  - line to an ER  - line) found"
    )


def fields_of(record: Record) -> dict[str, Any]:
    """The record as rispy reads it: its field names, lists for list tags, and the
    tags it does not know under ``unknown_tag``."""
    lines = [f"{f.tag}  - {f.text}" for f in record.fields]
    (entry,) = _PARSER.parse_lines(iter([*lines, "ER  - "]))
    return entry


def to_paper(record: Record) -> Paper:
    """Map one record to a Paper; InvalidPaper says what is missing or wrong."""
    entry = fields_of(record)
    unknown = entry.get("unknown_tag", {})
    # Names in lower case are rispy's ("title" for TI); tags rispy does not map
    # ("ED", "BT", "J1") are asked for as tags, from its unknown_tag.

    def get(*names: str) -> str:
        for name in names:
            value = unknown.get(name) if name.isupper() else entry.get(name)
            if isinstance(value, list):
                value = next((v for v in value if v.strip()), "")
            if value and value.strip():
                return value.strip()
        return ""

    def every(*names: str) -> list[str]:
        out: list[str] = []
        for name in names:
            value = unknown.get(name, []) if name.isupper() else entry.get(name, [])
            out += [v for v in ([value] if isinstance(value, str) else value) if v.strip()]
        return out

    kind = get("type_of_reference").upper()
    whole_book = kind in _WHOLE_BOOK
    title = get("title", "primary_title", "CT") or (get("BT") if whole_book else "")
    if not title:
        raise InvalidPaper(f"the {kind or 'untyped'} record has no title (TI or T1)")
    people = every("authors", "first_authors") or every("ED") or every("secondary_authors")
    authors = [display_name(tex_accents(name)) for name in people]

    volume, issue = get("volume"), get("number")
    if not issue and (m := _VOLUME_ISSUE.fullmatch(volume)):
        volume, issue = m[1], m[2]
    journal = pages = ""
    if not whole_book:
        journal = get(
            "secondary_title", "alternate_title3", "journal_name", "alternate_title2",
            "alternate_title1", "J1", "BT",
        )  # fmt: skip
        pages = page_range(get("start_page"), get("end_page"))

    urls = every("urls")
    notes = every("type_of_work", "notes", "note")
    doi = normalize_doi(get("doi"))
    doi = doi or next((normalize_doi(u) for u in urls if "doi.org/" in u), "")
    doi = doi or next(filter(None, map(clear_doi, notes)), "")
    candidates = [get("doi"), *urls, *every("file_attachments1", "file_attachments2"), *notes]
    arxiv = next(filter(None, map(arxiv_in, candidates)), None)
    return build(
        SOURCE,
        title=tex_accents(title),
        authors=authors,
        abstract=get("abstract", "notes_abstract"),
        published=_published(get("year"), get("date"), get("publication_year")),
        doi=doi,
        arxiv=arxiv,
        journal=journal,
        volume=volume,
        issue=issue,
        pages=pages,
        url=next((u for u in urls if u.startswith(("http://", "https://", "//"))), ""),
    )


def _published(py: str, da: str, y1: str) -> str | None:
    """The year of PY (else DA, Y1), with the month and day of the first of DA,
    Y1, PY that gives them for that year, or gives them with no year at all
    (Web of Science writes "DA  - JUN 14" beside "PY  - 2006")."""
    parsed = [_date(text) for text in (py, da, y1)]
    year = next((p[0] for p in parsed if p[0]), None)
    if year is None:
        return None
    for y, month, day in (parsed[1], parsed[2], parsed[0]):
        if y in (year, None) and month:
            return iso_date(year, month, day)
    return iso_date(year)


def _date(text: str) -> tuple[int | None, int | None, int | None]:
    """RIS's "YYYY/MM/DD/other": any part may be empty ("2012///", "2016/12//");
    or a date as IEEE ("May 2019") and Web of Science ("JUN 14", with PY) write it."""
    m = _DATE.match(text)
    if m is None:
        year = _YEAR.search(text)
        return (int(year[0]) if year else None), *month_day(text)
    raw_month = m[2] or ""
    month = int(raw_month) if raw_month.isdigit() else month_number(raw_month)
    return int(m[1]), month or None, int(m[3]) if m[3] and int(m[3]) else None
