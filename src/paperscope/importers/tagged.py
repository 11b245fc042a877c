"""One reader for the tagged-line formats: RIS, EndNote, PubMed/MEDLINE and ISI.

All four write a record as lines that each start with a short tag and carry
one field; a line that starts with no tag continues the field above it:

- RIS (``TY  - JOUR`` ... ``ER  - ``): two-character tags, two spaces, a
  hyphen; a record runs from ``TY`` to ``ER``.
- EndNote's tagged export, "refer" (``%0 Journal Article``, ``%T Title``): a
  per cent sign and one character; records start at ``%0`` or after a blank line.
- MEDLINE (``PMID- 27169098``, ``TI  - Title``): up to four characters padded
  to four, a hyphen; continuation lines are indented six spaces; records are
  separated by blank lines and start with ``PMID``.
- ISI / Web of Science (``PT J`` ... ``ER``): two characters and a space;
  continuation lines are indented three spaces; ``FN``, ``VR`` and ``EF``
  frame the file.

The reader holds one record at a time, so memory stays flat, and reports a
broken record (one never closed, an unreadable line, one over the size limit)
with the line it starts on, so that one bad record costs only itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from paperscope.importers.base import (
    FormatError,
    Item,
    decode_head,
    peek_head,
    read_text_lines,
    sniff_encoding,
)
from paperscope.importers.reference import limit_text
from paperscope.models import InvalidPaper, Paper

MAX_RECORD_CHARS = 8 * 1024 * 1024  # records with thousands of authors stay far below
# UTF-8 and UTF-16 (which EndNote and Windows tools write, with a byte-order mark
# or without) show themselves; a legacy 8-bit encoding (older EndNote and RefWorks
# write Windows-1252) does not, and is not guessed at: a wrong guess stores wrong
# letters without a word.
_HINT = "; the file is read as UTF-8: convert it first (iconv -f WINDOWS-1252 -t UTF-8)"


def head_text(head: bytes) -> str:
    """The first bytes of a file as text, for detection: UTF-8, or UTF-16/32 when the
    bytes show it (a byte-order mark, or the NUL bytes of UTF-16)."""
    return decode_head(head, sniff_encoding(head) or "utf-8")


@dataclass(frozen=True, slots=True)
class Syntax:
    """How one format writes its lines and where its records begin and end."""

    tag: re.Pattern[str]  # a tag line: group 1 the tag, group 2 the value (may be None)
    starts: frozenset[str]  # tags that open a record
    ends: frozenset[str] = frozenset()  # tags that close one; empty: a blank line does
    frame: frozenset[str] = frozenset()  # file-level tags, outside records (ISI's FN, VR, EF)
    implicit_start: bool = False  # any tag line outside a record opens one (EndNote)
    # A tag line outside any record when the format needs a start tag; None: ignored
    orphan: str | None = None


@dataclass(slots=True)
class Field:
    tag: str
    line: int
    lines: list[str]  # the value as written: its first line, then its continuation lines

    @property
    def text(self) -> str:
        """The value with its continuation lines joined by spaces."""
        return " ".join(part for part in (s.strip() for s in self.lines) if part)


@dataclass(slots=True)
class Record:
    line: int  # where it starts
    fields: list[Field] = field(default_factory=list)
    error: str | None = None  # why it cannot be read, as a message for its line
    stray: bool = False  # not a record: a line outside any record that is reported

    def all(self, *tags: str) -> list[str]:
        """Every non-empty value of these tags, in the order of the file."""
        return [f.text for f in self.fields if f.tag in tags and f.text]

    def first(self, *tags: str) -> str:
        """The first non-empty value of the first of ``tags`` that has one."""
        for tag in tags:
            for f in self.fields:
                if f.tag == tag and (text := f.text):
                    return text
        return ""

    def has(self, tag: str) -> bool:
        return any(f.tag == tag for f in self.fields)


def read_records(stream: BinaryIO, syntax: Syntax) -> Iterator[Record]:
    """Yield the records of a tagged file one at a time.

    A record is yielded with ``error`` set when it cannot be read whole: a
    start tag inside a record, or the end of the file, before its end tag; an
    unreadable line inside it; more than :data:`MAX_RECORD_CHARS`. Tag lines
    outside any record (when the format needs a start tag) are reported once
    per run, as a record of their own with no fields. Other lines outside
    records (a header such as "Provider: Elsevier") are skipped.
    """
    record: Record | None = None
    size = 0
    orphans = False  # a run of tag lines outside records has been reported
    head, stream = peek_head(stream)
    for line in read_text_lines(stream, sniff_encoding(head) or "utf-8"):
        text = line.text
        if text is None:
            hint = _HINT if "invalid UTF-8" in (line.error or "") else ""
            if record is None:
                yield Record(line.number, error=f"{line.error}{hint}", stray=True)
            elif record.error is None:
                record.error = f"the record's line {line.number} cannot be read: {line.error}{hint}"
            continue
        text = text.lstrip("\ufeff")  # a byte-order mark, wherever an export left it
        if not text.strip():
            if record is not None and not syntax.ends:
                yield record
                record = None
            continue
        m = syntax.tag.match(text)
        tag = m[1].strip() if m else ""
        if m and tag in syntax.starts:
            if record is not None:
                if syntax.ends and record.error is None:
                    record.error = (
                        f"the record is not closed: a new one starts at line {line.number} "
                        f"before its {_names(syntax.ends)} line"
                    )
                yield record
            record, size, orphans = Record(line.number), 0, False
        elif m and record is not None and tag in syntax.ends:
            yield record
            record = None
            continue
        elif record is None:
            if m and tag not in syntax.frame and tag not in syntax.ends:
                if syntax.implicit_start:
                    record, size = Record(line.number), 0
                elif syntax.orphan and not orphans:
                    orphans = True
                    yield Record(line.number, error=syntax.orphan, stray=True)
            if record is None:
                continue
        size += len(text)
        if size > MAX_RECORD_CHARS:
            if record.error is None:
                record.error = f"the record is over the limit of {limit_text(MAX_RECORD_CHARS)}"
                record.fields.clear()
            continue
        if m:
            record.fields.append(Field(tag, line.number, [m[2] or ""]))
        elif record.fields:
            record.fields[-1].lines.append(text)
    if record is not None:
        if syntax.ends and record.error is None:
            record.error = (
                f"the record is not closed: the file ends before its {_names(syntax.ends)} line"
            )
        yield record


def parse_records(
    stream: BinaryIO, syntax: Syntax, to_paper: Callable[[Record], Paper], none_found: str
) -> Iterator[Item]:
    """The reading loop of every tagged format: one Item per record, good or bad,
    and one per run of lines outside records; FormatError(``none_found``) at the
    end of a file that held no record at all."""
    records = 0
    for record in read_records(stream, syntax):
        records += not record.stray
        if record.error:
            yield Item(record.line, error=record.error)
            continue
        try:
            yield Item(record.line, paper=to_paper(record))
        except InvalidPaper as exc:
            yield Item(record.line, error=str(exc))
    if not records:
        raise FormatError(none_found)


def _names(tags: frozenset[str]) -> str:
    return " or ".join(sorted(tags))
