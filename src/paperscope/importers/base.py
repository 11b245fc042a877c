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

import codecs
import gzip
import io
import re
import unicodedata
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
    """Refuse files that cannot be any text format: empty or binary.

    Text is judged by characters, not bytes: valid UTF-8 is text in any script
    (Hebrew, Chinese, Russian), and a UTF-16 file (a byte-order mark, or the
    NUL bytes every other byte that ASCII text has in UTF-16) is judged once
    decoded, so its NULs do not make it binary.
    """
    if not head.strip():
        raise FormatError("the file is empty" if not head else "the file holds only whitespace")
    wide = sniff_encoding(head)
    if wide is not None and wide != "utf-8":  # UTF-16 or UTF-32: NULs are part of the text
        if _mostly_control(decode_head(head, wide)):
            raise FormatError(f"this is a binary file, not {wide.upper()} text")
        return
    if b"\x00" in head:
        at = head.index(b"\x00") + 1
        raise FormatError(f"this is a binary file, not text (a NUL byte at byte {at})")
    if _mostly_binary(head):
        raise FormatError("this is a binary file, not UTF-8 text")
    # A stray invalid byte further on is left to the line reader, which names
    # the line it is on.


def _mostly_binary(head: bytes) -> bool:
    """Whether the start of a file is mostly not text.

    Valid UTF-8 is judged by its characters (a file cut inside a character at
    the end of ``head`` is still valid): text is few control characters, in
    whatever script. Anything else is judged by its bytes, so that text in an
    8-bit encoding (Windows-1252, Latin-1) still passes while random bytes do not.
    """
    sample = head[:4096]
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        printable = sum(32 <= b < 127 or b in b"\t\r\n" or b >= 0xC2 for b in sample)
        return printable < 0.85 * len(sample)
    return _mostly_control(text.removeprefix("\ufeff"))


def _mostly_control(text: str) -> bool:
    """Over 15% control characters (tabs and line breaks aside) or undecodable ones."""
    if not text:
        return False
    bad = sum(
        ch == "\ufffd" or (unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f\v")
        for ch in text
    )
    return bad > 0.15 * len(text)


# -- text in other encodings ----------------------------------------------------------

_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def sniff_encoding(head: bytes) -> str | None:
    """The encoding the first bytes of a file show by themselves, or None.

    A byte-order mark names its Unicode encoding; without one, text that is
    mostly ASCII in UTF-16 shows NUL bytes at every other position (the even
    ones in big-endian, the odd ones in little-endian), which no other text
    encoding has. Anything else is for the format (a declaration) or UTF-8.
    """
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    sample = head[: min(len(head), 4096) & ~1]
    half = len(sample) // 2
    if half < 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if even >= 0.3 * half and odd <= 0.02 * half:
        return "utf-16-be"
    if odd >= 0.3 * half and even <= 0.02 * half:
        return "utf-16-le"
    return None


def decode_head(head: bytes, encoding: str) -> str:
    """The start of a file decoded, a character cut off at its end dropped."""
    return codecs.getincrementaldecoder(encoding)("replace").decode(head, final=False)


def peek_head(stream: BinaryIO, size: int = HEAD_BYTES) -> tuple[bytes, BinaryIO]:
    """The first ``size`` bytes of a stream, and a stream that still starts with them."""
    peek = getattr(stream, "peek", None)
    if peek is not None:
        return peek(size)[:size], stream
    head = stream.read(size)
    return head, io.BufferedReader(_Prefixed(head, stream), buffer_size=1 << 16)


class _Prefixed(io.RawIOBase):
    """Bytes already read from a stream, then the rest of the stream."""

    def __init__(self, head: bytes, rest: BinaryIO):
        self._head = memoryview(head)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        out = memoryview(buffer).cast("B")
        if self._head:
            n = min(len(out), len(self._head))
            out[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._rest.read(len(out))
        out[: len(data)] = data
        return len(data)


def _mark_undecodable(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return "\udfff", exc.end  # a lone surrogate: no decoded text holds one


codecs.register_error("paperscope-mark", _mark_undecodable)
_UNDECODED = re.compile("[\ud800-\udfff]")


def read_text_lines(
    stream: BinaryIO, encoding: str = "utf-8", max_chars: int = MAX_LINE_BYTES
) -> Iterator[Line]:
    """Like :func:`read_lines`, for a stream in any text encoding.

    UTF-8 goes to :func:`read_lines` (its errors name a byte). Other encodings
    are decoded as a stream, so memory stays bounded by ``max_chars`` however
    big the file; lines end at ``\\n``, ``\\r\\n`` or a lone ``\\r`` (old Mac files,
    and JabRef's UTF-16 ones); a byte-order mark is dropped; bytes that are not
    valid in the encoding make their line an error naming the character, never
    a silent replacement.
    """
    if codecs.lookup(encoding).name == "utf-8":
        yield from read_lines(stream, max_chars)
        return
    text = io.TextIOWrapper(stream, encoding=encoding, errors="paperscope-mark", newline=None)
    try:
        number = 0
        while True:
            raw = text.readline(max_chars + 1)
            if not raw:
                return
            number += 1
            if len(raw) > max_chars and not raw.endswith("\n"):
                size = len(raw)
                while chunk := text.readline(1 << 20):
                    size += len(chunk)
                    if chunk.endswith("\n"):
                        break
                limit = f"{max_chars:,} characters"
                yield Line(number, None, f"line is {size:,} characters, over the {limit} limit")
                continue
            if number == 1:
                raw = raw.removeprefix("\ufeff")
            if bad := _UNDECODED.search(raw):
                at = f"character {bad.start() + 1} of the line"
                yield Line(number, None, f"not valid {encoding} text ({at})")
                continue
            yield Line(number, raw.rstrip("\n"))
    finally:
        text.detach()  # the caller owns the stream and closes it


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
