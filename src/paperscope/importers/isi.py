"""ISI / Web of Science tagged export ("Plain text", ``.isi``, ``savedrecs.txt``).

``FN`` and ``VR`` open the file and ``EF`` ends it; each record runs from
``PT J`` (its type) to ``ER``, one field a line, a two-character tag and a
space; a value goes on over lines indented three spaces. Clarivate documents
the tags (Web of Science Core Collection field tags). The same export of
other Web of Science databases (``UT MEDLINE:...``, ``UT INSPEC:...``) uses
the same tags with their habits: several authors on one line separated by
semicolons, page ranges in ``PS`` ("2457-71"), the DOI among the
identifiers in ``ID``, Inspec's ``/sub 3/`` markup.

Decisions:
- Authors: ``AF`` (full names), else ``AU``; each line, and each
  semicolon-separated part of one, is one author. "Family, Initials" ("Brown,
  JM") is shown as "J. M. Brown". Group authors (``CA``) follow.
- Journal ``SO``, kept as written (Web of Science writes it in capitals,
  which cannot be turned back into the journal's own spelling); volume
  ``VL``, issue ``IS``; pages ``BP``-``EP``, else ``PS``, else the article
  number ``AR``; an abbreviated last page is written out.
- Date: ``PY``, with the month and day of ``PD`` ("JUN 14", "04 2006",
  "2006 May-Jun").
- DOI: ``DI``, else an identifier in ``ID`` that is a DOI (Inspec records
  keep it there; ``ID`` of Web of Science records are Keywords Plus, which
  are never DOIs). A MEDLINE record (``UT MEDLINE:``, or ``PM``) links to
  PubMed. Keywords (``DE``, ``ID``) are not categories.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

from paperscope.importers.base import Item
from paperscope.importers.reference import (
    build,
    clear_doi,
    display_name,
    iso_date,
    month_day,
    page_range,
)
from paperscope.importers.tagged import Record, Syntax, head_text, parse_records
from paperscope.models import InvalidPaper, Paper

NAME = "isi"
SOURCE = "isi"

_TAG = re.compile(r"([A-Z][A-Z0-9])(?: (.*)|\s*$)")
SYNTAX = Syntax(
    tag=_TAG,
    starts=frozenset({"PT"}),
    ends=frozenset({"ER"}),
    frame=frozenset({"FN", "VR", "EF"}),
    orphan="Web of Science tags outside a record: a record starts with a PT line",
)
_FIRST = re.compile(r"(?:FN \S.*|PT [A-Z]\w*\s*)$")
_NEXT = re.compile(r"(?:VR \S.*|[A-Z][A-Z0-9] \S.*)$")
_YEAR = re.compile(r"\d{4}")
_PMID = re.compile(r"MEDLINE:(\d+)")


def detect(head: bytes) -> bool:
    """True when the file opens as Web of Science writes it: ``FN`` (the export's
    name) or ``PT J``, and then a tag line (``VR 1.0``, ``AU Brown, JM``)."""
    lines = [
        line.lstrip("\ufeff").rstrip()
        for line in head_text(head).splitlines()
        if line.strip("\ufeff \t")
    ]
    return len(lines) >= 2 and bool(_FIRST.match(lines[0])) and bool(_NEXT.match(lines[1]))


def parse(stream: BinaryIO) -> Iterator[Item]:
    """Yield one Item per record, and one per run of tag lines outside records."""
    return parse_records(
        stream, SYNTAX, to_paper, "no Web of Science records (from a PT line to an ER line) found"
    )


def _people(record: Record, tag: str) -> list[str]:
    """One name a line, or several on a line separated by semicolons."""
    names = []
    for f in record.fields:
        if f.tag == tag:
            names += [n.strip() for line in f.lines for n in line.split(";") if n.strip()]
    return names


def to_paper(record: Record) -> Paper:
    """Map one record to a Paper; InvalidPaper says what is missing or wrong."""
    title = record.first("TI")
    if not title:
        raise InvalidPaper("the record has no title (TI)")
    people = _people(record, "AF") or _people(record, "AU")
    authors = [display_name(n, initials=True) for n in [*people, *_people(record, "CA")]]
    first, last, ps = record.first("BP"), record.first("EP"), record.first("PS")
    if first and ps.startswith(first + "-"):
        pages = page_range(first, ps[len(first) + 1 :])  # Inspec: BP 41103-1, PS 41103-1-3
    elif first:
        pages = page_range(first, last)
    else:
        pages = page_range(ps) or record.first("AR")
    identifiers = [p.strip("[] ") for text in record.all("ID") for p in text.split("],[")]
    doi = record.first("DI") or next(filter(None, map(clear_doi, identifiers)), "")
    pmid = record.first("PM") or next(
        (m[1] for text in record.all("UT") if (m := _PMID.match(text))), ""
    )
    return build(
        SOURCE,
        title=title,
        authors=authors,
        abstract=record.first("AB"),
        published=_published(record.first("PY"), record.first("PD")),
        doi=doi,
        journal=record.first("SO"),
        volume=record.first("VL"),
        issue=record.first("IS"),
        pages=pages,
        links={"pubmed": f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"} if pmid.isdigit() else {},
    )


def _published(year_text: str, date_text: str) -> str | None:
    """PY's year, with PD's month ("JUN", "04 2006") and day ("JUN 14") when given."""
    found = _YEAR.search(year_text) or _YEAR.search(date_text)
    if found is None:
        return None
    return iso_date(int(found[0]), *month_day(date_text))
