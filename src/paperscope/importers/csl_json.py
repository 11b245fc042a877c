"""CSL-JSON, the Citation Style Language's data format (Zotero, pandoc, citeproc).

A JSON array of items: ``{"id", "type", "title", "author": [{"family",
"given"} or {"literal"}], "issued": {"date-parts": [[2006, 5, 3]]},
"container-title", "volume", "issue", "page", "DOI", "URL", "abstract"}``.
The schema is csl-data.json in citation-style-language/schema. The Zotero
web API (``format=csljson``) wraps the array in ``{"items": [...]}``, which
is read too.

Decisions:
- The array is read item by item (a scanner finds where each item ends, orjson
  reads it), so memory holds one item, of at most :data:`MAX_ITEM_CHARS`,
  whatever the file's size; a bad item is reported by its number
  (``unit="record"``) with the line it starts on, and the items after it are
  still read. The ``{"items": [...]}`` form is read the same way.
- Names: "given", the particles, "family", "suffix" in that order ("Ludwig
  van Beethoven"), or "literal"; no authors: the editors, as CSL styles cite.
- Date: ``issued``: its first ``date-parts`` (numbers or digit strings), else
  a ``raw`` or ``literal`` date that starts with a year ("2006-05-03", "May
  2006"). Rich-text markup in titles (``<i>``, ``<sub>``) is removed.
- DOI: ``DOI``, else a doi.org ``URL``; an arXiv DOI, an arXiv ``URL`` or a
  ``number`` "arXiv:..." gives the arXiv id. ``keyword`` is not categories.
- Text must be UTF-8 (JSON's encoding, RFC 8259); a byte-order mark is skipped.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

import orjson

from paperscope.importers.base import FormatError, Item
from paperscope.importers.reference import (
    arxiv_in,
    build,
    iso_date,
    limit_text,
    month_number,
    page_range,
)
from paperscope.models import InvalidPaper, Paper, normalize_doi, normalize_space

NAME = "csl-json"
SOURCE = "csl-json"
MAX_ITEM_CHARS = 8 * 1024 * 1024  # an item with thousands of authors stays far below
_CHUNK = 1 << 20

_ITEM_KEYS = (b'"title"', b'"author"', b'"issued"', b'"container-title"', b'"DOI"')
_NOT_SPACE = re.compile(r"\S")
_SCAN = re.compile(r'["\\{}\[\],]')
_IN_STRING = re.compile(r'["\\]')
_ITEMS_KEY = re.compile(r'\s*"items"\s*:\s*')
_RAW_DATE = re.compile(r"\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?\b")
_MONTH_YEAR = re.compile(r"\s*([A-Za-z]+)\.?\s+(\d{4})\b")
_TEXT_FIELDS = ("title", "abstract", "DOI", "URL", "container-title", "container-title-short",
                "journalAbbreviation", "volume", "issue", "page", "number")  # fmt: skip
_NUMERIC = {"volume", "issue", "page", "number"}  # CSL allows numbers for these ("volume": 76)


def detect(head: bytes) -> bool:
    """True for a JSON array whose first item is an object with CSL keys (``id``
    and ``type`` and one of title, author, issued, container-title, DOI), or an
    object with an ``items`` array of such (the Zotero API)."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text[:1] == b"[":
        first_item = text[1:].lstrip()[:1] == b"{"
    elif text[:1] == b"{":
        first_item = re.match(rb'\{\s*"items"\s*:\s*\[\s*\{', text) is not None
    else:
        return False
    return (
        first_item
        and b'"id"' in head
        and b'"type"' in head
        and any(key in head for key in _ITEM_KEYS)
    )


def parse(stream: BinaryIO) -> Iterator[Item]:
    """Yield one Item per item of the array (``unit="record"``, numbered from 1)."""
    count = 0
    for element in _elements(stream):
        count += 1
        where = [f"line {element.line}"] if element.line else []
        data, error = element.data, element.error
        if error is None and element.text is not None:
            try:
                data = orjson.loads(element.text)
            except orjson.JSONDecodeError as exc:
                reason = str(exc).split(": line ", 1)[0].lower()
                error = f"not valid JSON: {reason}, at character {exc.pos + 1} of the item"
        if error is None:
            try:
                yield Item(element.number, paper=to_paper(data), unit="record")
                continue
            except InvalidPaper as exc:
                if isinstance(data, dict) and isinstance(data.get("id"), str | int):
                    where.append(f"id {str(data['id'])[:60]!r}")
                error = str(exc)
        suffix = f" ({', '.join(where)})" if where else ""
        yield Item(element.number, error=f"{error}{suffix}", unit="record")
    if not count:
        raise FormatError("the CSL-JSON array is empty: no items to import")


@dataclass(slots=True)
class _Element:
    number: int  # 1 for the first item
    line: int  # where it starts; 0 when not known
    text: str | None = None  # its JSON, for orjson
    data: object = None  # or the value itself, already read
    error: str | None = None


def _elements(stream: BinaryIO) -> Iterator[_Element]:
    """The items of the array, or of the object's "items" array, one at a time."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    splitter = _Splitter()
    offset = 0
    while True:
        chunk = stream.read(_CHUNK)
        try:
            text = decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as exc:
            where = offset + exc.start + 1
            raise FormatError(f"the file is not UTF-8 (byte {where:,}), as JSON must be") from None
        if offset == 0:
            text = text.removeprefix("\ufeff")
        offset += len(chunk)
        yield from splitter.feed(text)
        if not chunk:
            break
    splitter.finish()


class _Splitter:
    """Cut a JSON array (or the "items" array of a JSON object) into its elements,
    chunk by chunk.

    It knows only strings, brackets, commas and, in the object, the "items" key:
    where each element ends, not whether it is valid JSON (orjson says that).
    Memory holds one element, up to :data:`MAX_ITEM_CHARS`; a longer one is
    skipped and reported. The object's other members are skipped unread.
    """

    def __init__(self) -> None:
        # start; in the array: between (elements), element, comma (after one);
        # in the object: member, in (a member), member-comma, after-items; end.
        self.state = "start"
        self.wrapped = False  # the array is the "items" member of an object
        self.found = False  # ... and that member has been seen
        self.depth = 0  # brackets open inside the element or member
        self.in_string = self.escape = False
        self.parts: list[str] = []
        self.size = 0
        self.line = 1
        self.number = self.start_line = 0

    def feed(self, text: str) -> Iterator[_Element]:
        pos = 0
        while pos < len(text):
            if self.state in ("element", "in"):
                was = self.state
                pos = self._scan(text, pos)
                if was == "element" and self.state != "element":
                    yield self._element()
                continue
            m = _NOT_SPACE.search(text, pos)  # (slicing text here was quadratic)
            stop = len(text) if m is None else m.start()
            self.line += text.count("\n", pos, stop)
            if m is None:
                return
            pos = self._structure(text, stop)

    def _structure(self, text: str, pos: int) -> int:
        """Handle the character at ``pos``, between elements or members; return
        where to go on."""
        ch, state = text[pos], self.state
        if state == "start" and ch in "[{":
            self.state, self.wrapped = ("between", False) if ch == "[" else ("member", True)
        elif state == "start":
            raise FormatError("this is not CSL-JSON: the file does not start with '[' or '{'")
        elif state == "end":
            after = text[pos : pos + 30].split("\n")[0]
            raise FormatError(f"text after the end of the {self._document()}: {after!r}", self.line)
        elif state in ("between", "comma") and ch == "]":
            if state == "comma":
                raise FormatError("the JSON array ends with a comma", self.line)
            self.state = "after-items" if self.wrapped else "end"
        elif state in ("between", "comma"):
            self.state, self.number, self.start_line = "element", self.number + 1, self.line
            self._start()
            return pos  # the element's first character is scanned with it
        elif state in ("member", "member-comma") and ch == "}":
            if state == "member-comma":
                raise FormatError("the JSON object ends with a comma", self.line)
            raise FormatError('this is not CSL-JSON: a JSON object without an "items" array')
        elif state in ("member", "member-comma"):
            self.state = "in"
            self._start()
            return pos
        elif state == "after-items" and ch in ",}":
            self.state = "member-comma" if ch == "," else "end"
        else:
            raise FormatError(f"expected ',' or '}}' after the \"items\" array, found {ch!r}")
        return pos + 1

    def _document(self) -> str:
        return "JSON object" if self.wrapped else "JSON array"

    def _start(self) -> None:
        self.depth, self.parts, self.size = 0, [], 0

    def _scan(self, text: str, pos: int) -> int:
        """Read the element (or object member) on from ``pos``, up to the end of the
        text or its own end; return where it stopped."""
        while pos < len(text):
            if self.escape:
                end, self.escape = pos + 1, False
            elif self.in_string:
                m = _IN_STRING.search(text, pos)
                end = len(text) if m is None else m.end()
                if m is not None:
                    self.escape, self.in_string = m[0] == "\\", m[0] != '"'
            else:
                m = _SCAN.search(text, pos)
                end = len(text) if m is None else m.end()
                if m is not None:
                    ch = m[0]
                    if ch == '"':
                        self.in_string = True
                    elif ch == "[" and not self.depth and self.state == "in":
                        if _ITEMS_KEY.fullmatch("".join(self.parts) + text[pos : m.start()]):
                            self.state = "between"  # the "items" array: its elements are read
                            self.found = True
                            return end
                        self.depth += 1
                    elif ch in "{[":
                        self.depth += 1
                    elif self.depth:
                        self.depth -= ch != ","
                    else:  # a ",", "]" or "}" outside brackets: the element or member ends
                        self._keep(text[pos : m.start()])
                        return self._end(ch, end)
            self._keep(text[pos:end])
            pos = end
        return pos

    def _end(self, ch: str, end: int) -> int:
        if self.state == "element" and ch in ",]":
            self.state = "comma" if ch == "," else "after-items" if self.wrapped else "end"
        elif self.state == "in" and ch in ",}":
            if ch == "}" and not self.found:
                raise FormatError('this is not CSL-JSON: a JSON object without an "items" array')
            self.state = "member-comma" if ch == "," else "end"  # a member that is not items
        else:
            raise FormatError(f"a {ch!r} that closes nothing in the {self._document()}", self.line)
        return end

    def _keep(self, piece: str) -> None:
        self.line += piece.count("\n")
        self.size += len(piece)
        if self.size <= MAX_ITEM_CHARS:
            self.parts.append(piece)
        else:
            self.parts = []

    def _element(self) -> _Element:
        element = _Element(self.number, self.start_line)
        if self.size > MAX_ITEM_CHARS:
            element.error = f"the item is over the limit of {limit_text(MAX_ITEM_CHARS)}"
        elif not (text := "".join(self.parts).strip()):
            element.error = "an empty item (two commas in a row)"
        else:
            element.text = text
        return element

    def finish(self) -> None:
        """Raise FormatError unless the document was closed."""
        if self.state == "start":
            raise FormatError("this is not CSL-JSON: the file holds no JSON array")
        if self.state == "element":
            raise FormatError(
                f"the file ends inside item {self.number} (line {self.start_line}): "
                "it is cut short",
                self.line,
            )
        if self.state != "end":
            raise FormatError(f"the file ends before the {self._document()} is closed", self.line)


# -- one item ----------------------------------------------------------------------------


def to_paper(data: object) -> Paper:
    """Map one CSL item to a Paper; InvalidPaper says what is missing or wrong."""
    if not isinstance(data, dict):
        raise InvalidPaper(f"an item must be a JSON object, not {_kind(data)}")
    text = {name: _text(data, name) for name in _TEXT_FIELDS}
    if not text["title"]:
        raise InvalidPaper('the item has no "title"')
    authors = _names(data, "author") or _names(data, "editor")
    url = text["URL"]
    doi = normalize_doi(text["DOI"]) or (normalize_doi(url) if "doi.org/" in url else "")
    arxiv = next(filter(None, map(arxiv_in, (text["DOI"], url, text["number"]))), None)
    return build(
        SOURCE,
        title=text["title"],
        authors=authors,
        abstract=text["abstract"],
        published=_issued(data.get("issued")),
        doi=doi,
        arxiv=arxiv,
        journal=text["container-title"]
        or text["container-title-short"]
        or text["journalAbbreviation"],
        volume=text["volume"],
        issue=text["issue"],
        pages=page_range(text["page"]),
        url=url,
    )


def _kind(value: object) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "true or false",
            type(None): "null"}.get(type(value), "a number")  # fmt: skip


def _text(data: dict, name: str) -> str:
    """A text field, or a number where CSL allows one."""
    value = data.get(name)
    if value is None:
        return ""
    if isinstance(value, str):
        return normalize_space(value)
    if name in _NUMERIC and isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise InvalidPaper(f'"{name}" must be text, not {_kind(value)}')


def _names(data: dict, role: str) -> list[str]:
    """CSL names: "given", the particles, "family", "suffix" in order, or "literal"."""
    value = data.get(role)
    if value is None:
        return []
    if not isinstance(value, list):
        raise InvalidPaper(f'"{role}" must be an array of names, not {_kind(value)}')
    names = []
    for i, person in enumerate(value, 1):
        if isinstance(person, str):
            names.append(person)
            continue
        if not isinstance(person, dict):
            raise InvalidPaper(f"{role} {i} must be an object, not {_kind(person)}")
        parts = []
        for key in ("literal",) if person.get("literal") else _NAME_PARTS:
            part = person.get(key)
            if part is not None and not isinstance(part, str):
                raise InvalidPaper(f'{role} {i}: "{key}" must be text, not {_kind(part)}')
            parts.append(part or "")
        names.append(normalize_space(" ".join(parts)))
    return [n for n in names if n]


_NAME_PARTS = ("given", "dropping-particle", "non-dropping-particle", "family", "suffix")


def _issued(value: object) -> str | None:
    """The first date of ``date-parts``, else a ``raw`` or ``literal`` date."""
    if isinstance(value, str):
        return _raw_date(value)
    if not isinstance(value, dict):
        return None
    parts = value.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        numbers = []
        for part in parts[0][:3]:
            if isinstance(part, bool) or not isinstance(part, int | str):
                break
            if isinstance(part, str) and not part.strip().isdigit():
                break
            numbers.append(int(part))
        if numbers:
            return iso_date(*numbers)
    for key in ("raw", "literal"):
        if isinstance(value.get(key), str):
            return _raw_date(value[key])
    return None


def _raw_date(text: str) -> str | None:
    if m := _RAW_DATE.match(text):
        return iso_date(int(m[1]), int(m[2]) if m[2] else None, int(m[3]) if m[3] else None)
    if (m := _MONTH_YEAR.match(text)) and (month := month_number(m[1])):
        return iso_date(int(m[2]), month)
    return None
