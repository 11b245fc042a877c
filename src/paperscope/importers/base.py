"""What every importer shares: the item it yields, its errors, and streaming input.

An importer is a module with
- ``NAME``: the format's name as ``--format`` spells it;
- ``SOURCE``: the source tag its papers carry (``Paper.sources``);
- ``detect(head: bytes) -> bool``: whether the first bytes of a file look like it;
- ``parse(stream: BinaryIO) -> Iterator[Item]``: read the file as a stream and
  yield one :class:`Item` per record, good or bad.

Importers never touch the database and never rank: they turn bytes into
:class:`~paperscope.models.Paper` records and say precisely what was wrong
with the ones they could not read.
"""

from __future__ import annotations

import gzip
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO

import orjson

from paperscope.models import InvalidPaper, Paper

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

# One line (one JSON record, one line of page text) may be at most this long.
# The longest real arXiv snapshot lines (papers with thousands of authors) are
# a few hundred kilobytes; anything far beyond is a broken file.
MAX_LINE_BYTES = 4 * 1024 * 1024
HEAD_BYTES = 64 * 1024


@dataclass(slots=True)
class Item:
    """One record read from a file: a paper, or the reason it could not be read.

    ``line`` is where the record starts (1-based); importers of formats without
    meaningful lines give the record's number instead and say so in ``unit``.
    """

    line: int
    paper: Paper | None = None
    error: str | None = None
    unit: str = "line"


class FormatError(Exception):
    """The file as a whole cannot be read in this format (not one bad record)."""

    def __init__(self, message: str, line: int | None = None, unit: str = "line"):
        super().__init__(message)
        self.message = message
        self.line = line
        self.unit = unit

    def __str__(self) -> str:
        where = f"{self.unit} {self.line}: " if self.line else ""
        return where + self.message


@dataclass(slots=True)
class Line:
    number: int
    text: str | None  # None when the line could not be decoded or was too long
    error: str | None = None


def read_lines(stream: BinaryIO, max_bytes: int = MAX_LINE_BYTES) -> Iterator[Line]:
    """Yield the lines of a byte stream, decoded as UTF-8, one at a time.

    Memory stays bounded by ``max_bytes`` whatever the file: an over-long line
    is skipped in chunks and reported, and a line that is not valid UTF-8 is
    reported with the byte offset of the first bad byte, never silently
    replaced.
    """
    number = 0
    while True:
        raw = stream.readline(max_bytes + 1)
        if not raw:
            return
        number += 1
        if len(raw) > max_bytes and not raw.endswith(b"\n"):
            size = len(raw)
            while True:
                chunk = stream.readline(1 << 20)
                size += len(chunk)
                if not chunk or chunk.endswith(b"\n"):
                    break
            yield Line(
                number,
                None,
                f"line is {_human(size)}, over the {_human(max_bytes)} limit for one line",
            )
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield Line(number, None, f"invalid UTF-8 (byte {exc.start + 1} of the line)")
            continue
        if number == 1 and text.startswith("\ufeff"):
            text = text[1:]
        yield Line(number, text.rstrip("\r\n"))


def parse_json_lines(stream: BinaryIO, to_paper: Callable[[object], Paper]) -> Iterator[Item]:
    """The reading loop of every JSON-lines format: one object a line, blank lines
    skipped, each bad line reported with what was wrong and where."""
    for line in read_lines(stream):
        if line.text is None:  # not decoded, or too long: line.error says which
            yield Item(line.number, error=line.error)
            continue
        if not line.text.strip():
            continue
        try:
            record = orjson.loads(line.text)
        except orjson.JSONDecodeError as exc:
            yield Item(line.number, error=f"not valid JSON: {_json_reason(exc, line.text)}")
            continue
        try:
            yield Item(line.number, paper=to_paper(record))
        except InvalidPaper as exc:
            yield Item(line.number, error=str(exc))


def _json_reason(exc: orjson.JSONDecodeError, text: str) -> str:
    msg = str(exc).split(":", 1)[0].lower()
    if exc.pos >= len(text.rstrip()) - 1:
        return f"the record is truncated ({msg} at column {exc.pos + 1})"
    return f"{msg} at column {exc.pos + 1}"


def _human(n: int) -> str:
    if n >= 1 << 20:
        return f"{n / (1 << 20):.1f} MiB"
    if n >= 1 << 10:
        return f"{n / (1 << 10):.1f} KiB"
    return f"{n} bytes"


def check_head(head: bytes) -> None:
    """Refuse files that cannot be any text format: empty or binary."""
    if not head.strip():
        raise FormatError("the file is empty" if not head else "the file holds only whitespace")
    if b"\x00" in head:
        at = head.index(b"\x00") + 1
        raise FormatError(f"this is a binary file, not text (a NUL byte at byte {at})")
    if _mostly_binary(head):
        raise FormatError("this is a binary file, not UTF-8 text")
    # A stray invalid byte further on is left to the line reader, which names
    # the line it is on.


def _mostly_binary(head: bytes) -> bool:
    sample = head[:512]
    printable = sum(32 <= b < 127 or b in b"\t\r\n" or b >= 0xC2 for b in sample)
    return printable < 0.85 * len(sample)


class CountingReader(io.RawIOBase):
    """Wrap a binary file and count bytes read, for progress bars."""

    def __init__(self, raw: io.BufferedIOBase):
        self.raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        n = self.raw.readinto(buffer)
        self.count += n or 0
        return n

    def close(self) -> None:
        try:
            self.raw.close()
        finally:
            super().close()


class _OwningGzip(gzip.GzipFile):
    """A GzipFile that closes the stream it reads from (the stdlib one does not)."""

    def close(self) -> None:
        inner = self.fileobj
        try:
            super().close()
        finally:
            # typeshed types fileobj as something to read, not close; it is a stream.
            if isinstance(inner, io.IOBase):
                inner.close()


def open_input(path: str) -> tuple[BinaryIO, CountingReader, int]:
    """Open ``path`` for streaming (transparently gunzipping ``.gz`` content).

    Returns ``(stream, counter, total_bytes)``; ``counter.count`` is how much
    of the file on disk has been read, for progress against ``total_bytes``.
    """
    raw = open(path, "rb")  # noqa: SIM115 - the caller closes the returned stream
    size = _size(raw)
    counter = CountingReader(raw)
    buffered: io.BufferedReader = io.BufferedReader(counter, buffer_size=1 << 20)
    if buffered.peek(2)[:2] == b"\x1f\x8b":
        buffered = io.BufferedReader(_OwningGzip(fileobj=buffered), buffer_size=1 << 20)
    return buffered, counter, size


def _size(f: BinaryIO) -> int:
    try:
        import os

        return os.fstat(f.fileno()).st_size
    except OSError:
        return 0
