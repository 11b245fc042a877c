"""The Hugging Face papers API's JSON, as saved from ``/api/daily_papers`` and friends.

What the API answers (``huggingface_hub.hf_api.PaperInfo`` reads the same):
- ``/api/daily_papers``: a JSON array of feed entries. Each has a ``paper``
  object (``id``: the arXiv id, ``title``, ``summary``: the abstract,
  ``authors``: ``[{"name", "hidden", "user": {...}}]``, ``publishedAt``: the
  arXiv date, ``submittedOnDailyAt``, ``submittedOnDailyBy``, ``upvotes``,
  optional ``ai_summary``, ``ai_keywords``, ``githubRepo``, ``githubStars``,
  ``projectPage``) and beside it ``title``, ``summary``, ``publishedAt`` (when
  the entry was posted), ``submittedBy`` (a user object), ``numComments``,
  ``thumbnail``, ``mediaUrls``;
- ``/api/papers/search``: the same entries (or paper objects, not nested);
- ``/api/papers/{id}``: one paper object, not in an array.
paperscope's own JSON API answers in this shape too (``web/present.py``:
``daily_item`` and ``paper_json``, which add ``numAuthors``, ``categories``,
``doi``, ``journalRef``, ``links``, ``versions``, ``updatedAt`` and give
``submittedBy`` as a name and ``id`` as a ``t-`` title hash when there is no
arXiv id), so what one paperscope serves another imports, ids kept; a page's
JSON twin (``{"papers": [...]}`` or ``{"hits": [...]}``) reads as its entries.

Mapping: the paper's arXiv id, title, summary and authors (hidden ones too:
hiding is the Hub's display, the arXiv list has them); ``publishedAt`` of the
paper object is ``published``, the feed entry's own ``publishedAt`` (the
posting time) is not; the feed day is the UTC day of ``submittedOnDailyAt``;
the submitter is the user's full name as the site shows it, else the user
name; ``githubRepo`` and ``projectPage`` are ``links["github"]`` and
``links["project"]``. Star counts, comment counts, AI keywords, thumbnails and
media are not kept, and ``ai_summary`` stands in only when there is no summary.

The file is one JSON document (several top-level arrays or objects one after
the other, as JSON lines, read too). It is read as a stream: a scanner finds
where each entry of the top-level array starts and ends (minding strings and
escapes) and only that entry is decoded, so memory stays bounded by the
largest entry, whatever the file's size; an entry over 4 MiB is reported and
skipped. Each bad entry is an ``Item(n, error=..., unit="record")`` with the
line where it starts; a file that is not a JSON array or object, or that ends
inside an entry, is a :class:`FormatError`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import BinaryIO, NamedTuple

import orjson

from paperscope.importers.base import MAX_LINE_BYTES, FormatError, Item
from paperscope.models import (
    MAX_AUTHORS,
    MAX_UPVOTES,
    InvalidPaper,
    Paper,
    Version,
    is_hash_id,
    new_paper,
    normalize_doi,
)

NAME = "hf-api"
SOURCE = "hf-api"

MAX_ENTRY_BYTES = MAX_LINE_BYTES  # one entry (one paper) may be at most this long
CHUNK = 1 << 20

_START = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*([\[{])\s*({)?")
_PAPER_KEY = re.compile(rb'"paper"\s*:\s*\{')
_INFO_KEYS = (b'"summary"', b'"publishedAt"', b'"upvotes"', b'"submittedOnDailyAt"')
_SPECIAL = re.compile(rb'["\[\]{},]')  # what matters outside a string
_IN_STRING = re.compile(rb'["\\]')  # what matters inside one
_ISO = re.compile(
    r"(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?"
    r"(Z|[+-]\d{2}:?\d{2})?)?)?)?"
)
_WEB = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)


def detect(head: bytes) -> bool:
    """A JSON array whose first entry is a feed entry or a paper object; or one
    such object (``/api/papers/{id}``, or entries one a line)."""
    m = _START.match(head)
    if m is None or (m.group(1) == b"[" and m.group(2) is None):
        return False
    if _PAPER_KEY.search(head):
        return True
    return sum(key in head for key in _INFO_KEYS) >= 2 and b'"title"' in head


class _Raw(NamedTuple):
    number: int  # the entry's number in the file, from 1
    line: int  # the line it starts on
    data: bytes | None  # None when it was too long to keep
    size: int


def parse(stream: BinaryIO) -> Iterator[Item]:
    """Yield one Item per entry; FormatError for a file that is not such JSON."""
    number = 0
    for raw in _entries(stream):
        if not raw.data:  # too long to keep, or nothing between two commas
            number += 1
            error = _EMPTY if raw.data == b"" else _too_long(raw.size)
            yield Item(number, error=_where(error, raw.line), unit="record")
            continue
        try:
            value = orjson.loads(raw.data)
        except orjson.JSONDecodeError as exc:
            number += 1
            yield Item(number, error=_json_error(exc, raw.line), unit="record")
            continue
        for entry in _unwrap(value):
            number += 1
            try:
                yield Item(number, paper=to_paper(entry), unit="record")
            except InvalidPaper as exc:
                yield Item(number, error=_where(str(exc), raw.line), unit="record")
    if not number:
        raise FormatError("the JSON array is empty: there are no papers to import")


def _unwrap(value: object) -> list[object]:
    """The entries of one top-level value: itself, or a page twin's list."""
    if isinstance(value, dict) and not ({"paper", "id", "title"} & value.keys()):
        for key in ("papers", "hits"):
            if isinstance(value.get(key), list):
                return list(value[key])
    return [value]


_EMPTY = "an empty entry: two commas with nothing between them"


def _too_long(size: int) -> str:
    return f"the entry is {_human(size)}, over the {_human(MAX_ENTRY_BYTES)} limit for one entry"


def _where(message: str, line: int) -> str:
    return f"{message} (the entry starting on line {line:,})" if line > 1 else message


def _json_error(exc: orjson.JSONDecodeError, start: int) -> str:
    reason = str(exc).split(":", 1)[0].lower()
    return f"not valid JSON: {reason} at line {start + exc.lineno - 1:,}, column {exc.colno}"


# -- the stream of entries ---------------------------------------------------------


def _entries(stream: BinaryIO) -> Iterator[_Raw]:
    """Split the document into its entries' bytes without decoding the whole.

    Top-level arrays give their elements, top-level objects themselves. Only
    strings and brackets are looked at; whether an entry is valid JSON is for
    the decoder to say, entry by entry."""
    scan = _Scanner()
    while chunk := stream.read(CHUNK):
        yield from scan.feed(chunk)
    scan.finish()


class _Scanner:
    def __init__(self) -> None:
        self.depth = 0
        self.in_string = self.escaped = False
        self.level = 0  # the depth entries live at: 1 in a top-level array, 0 for objects
        self.collecting = False
        self.parts: list[bytes] = []
        self.size = 0
        self.start_line = self.line = 1
        self.number = 0
        self.first = True  # before the first byte (a byte-order mark may stand there)

    def feed(self, buf: bytes) -> Iterator[_Raw]:
        pos, seg, counted = 0, 0, 0
        if self.first:
            self.first = False
            if buf.startswith(b"\xef\xbb\xbf"):
                pos = seg = counted = 3
        if self.escaped:  # a backslash ended the last chunk: this byte is escaped
            self.escaped, pos = False, pos + 1
        while pos < len(buf):
            if self.in_string:
                m = _IN_STRING.search(buf, pos)
                if m is None:
                    break
                i = m.start()
                if buf[i] == 0x5C:  # a backslash: skip the byte it escapes
                    if i + 1 == len(buf):
                        self.escaped = True
                    pos = i + 2
                    continue
                self.in_string, pos = False, i + 1
                continue
            m = _SPECIAL.search(buf, pos)
            end = m.start() if m else len(buf)
            if self.depth == 0 and buf[pos:end].strip():
                self.line += buf.count(b"\n", counted, pos)
                raise FormatError(self._not_json(buf[pos:end]), line=self.line)
            if m is None:
                break
            i, c = m.start(), buf[m.start()]
            pos = i + 1
            if self.depth == 0:
                self.line += buf.count(b"\n", counted, i)
                counted = i
                if c not in b"[{":
                    raise FormatError(self._not_json(buf[i : i + 40]), line=self.line)
                self.depth, self.level = 1, 1 if c == 0x5B else 0
                self._start(self.line)
                seg = i + 1 if self.level else i
            elif c == 0x22:  # "
                self.in_string = True
            elif c in b"[{":
                self.depth += 1
            elif c in b"]}":
                self.depth -= 1
                if self.depth == 0:
                    self._add(buf[seg : i + 1 if self.level == 0 else i])
                    self.line += buf.count(b"\n", counted, i)
                    counted = i
                    if (raw := self._end(closing=True)) is not None:
                        yield raw
            elif c == 0x2C and self.level == 1 and self.depth == 1:  # a comma between entries
                self._add(buf[seg:i])
                self.line += buf.count(b"\n", counted, i)
                counted = i
                if (raw := self._end(closing=False)) is not None:
                    yield raw
                self._start(self.line)
                seg = i + 1
        if self.collecting:
            self._add(buf[seg:])
        self.line += buf.count(b"\n", counted)

    def finish(self) -> None:
        """Raise FormatError if the file ended inside an array or an entry."""
        if self.depth == 0 and not self.in_string:
            return
        data = b"".join(self.parts).strip()
        if self.level == 1 and not data:
            raise FormatError("the file ends before its JSON array is closed: it is cut off")
        self.number += 1
        raise FormatError(
            f"the file ends inside this entry (starting on line {self._lead_line(data):,}): "
            "it is cut off",
            line=self.number,
            unit="record",
        )

    def _start(self, line: int) -> None:
        self.collecting, self.parts, self.size, self.start_line = True, [], 0, line

    def _add(self, piece: bytes) -> None:
        self.size += len(piece)
        if self.size <= MAX_ENTRY_BYTES:  # past the limit only the size is kept
            self.parts.append(piece)

    def _end(self, *, closing: bool) -> _Raw | None:
        """The entry just ended, or None for the space before "]" of "[]" or "[..., ]"."""
        self.collecting = False
        if self.size > MAX_ENTRY_BYTES:
            self.number += 1
            return _Raw(self.number, self.start_line, None, self.size)
        data = b"".join(self.parts)
        stripped = data.strip()
        if not stripped and closing:
            return None  # an empty array, or a comma before its "]": nothing is lost
        self.number += 1
        return _Raw(self.number, self._lead_line(data), stripped, self.size)

    def _lead_line(self, data: bytes) -> int:
        lead = len(data) - len(data.lstrip())
        return self.start_line + data.count(b"\n", 0, lead)

    @staticmethod
    def _not_json(found: bytes) -> str:
        shown = found.strip()[:40].decode("utf-8", "replace")
        return (
            f"this is not the JSON of the Hugging Face papers API: expected a JSON array "
            f"or object, found {shown!r}"
        )


# -- one entry ----------------------------------------------------------------------


def to_paper(entry: object) -> Paper:
    """A feed entry or a paper object as a Paper; InvalidPaper says what is wrong."""
    if not isinstance(entry, dict):
        raise InvalidPaper(f"expected a JSON object, got {_type(entry)}")
    nested = entry.get("paper")
    if nested is not None and not isinstance(nested, dict):
        raise InvalidPaper(f'"paper" should be an object, not {_type(nested)}')
    paper = nested or entry

    def pick(key: str) -> object:
        """The paper object's value, else the entry's (the API repeats some)."""
        value = paper.get(key)
        return entry.get(key) if value in (None, "", []) else value

    paper_id = _string(paper.get("id"), "id") or _string(entry.get("id"), "id")
    if not paper_id:
        raise InvalidPaper('the entry has no "id" (the arXiv id)')
    return new_paper(
        title=_string(pick("title"), "title"),
        arxiv_id=None if is_hash_id(paper_id) else paper_id,
        paper_id=paper_id if is_hash_id(paper_id) else None,
        source=SOURCE,
        abstract=_string(pick("summary"), "summary") or _text(paper, "ai_summary"),
        authors=_authors(pick("authors")),
        author_count=_count(paper.get("numAuthors"), "numAuthors", MAX_AUTHORS) or None,
        published=_date(paper, "publishedAt"),
        updated=_date(paper, "updatedAt"),
        versions=_versions(paper.get("versions")),
        categories=_strings(paper, "categories"),
        doi=normalize_doi(_text(paper, "doi")),
        journal_ref=_text(paper, "journalRef"),
        journal=_text(paper, "journal"),
        volume=_text(paper, "volume"),
        issue=_text(paper, "issue"),
        pages=_text(paper, "pages"),
        comments=paper["comments"] if isinstance(paper.get("comments"), str) else "",
        license=_text(paper, "license"),
        upvotes=_count(pick("upvotes"), "upvotes", MAX_UPVOTES),
        feed_date=_day(pick("submittedOnDailyAt"), "submittedOnDailyAt"),
        submitted_by=_user(paper.get("submittedOnDailyBy") or entry.get("submittedBy")),
        links=_links(paper),
    )


def _type(value: object) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "true/false",
            int: "a number", float: "a number", type(None): "null"}.get(type(value), "a value")  # fmt: skip


def _text(record: dict, key: str) -> str:
    return _string(record.get(key), key)


def _string(value: object, key: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidPaper(f'"{key}" should be a string, not {_type(value)}')
    return value


def _strings(record: dict, key: str) -> list[str]:
    value = record.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InvalidPaper(f'"{key}" should be a list of strings')
    return value


def _count(value: object, key: str, limit: int) -> int:
    if value is None:
        return 0
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise InvalidPaper(f'"{key}" should be a count (a whole number from 0), not {value!r:.40}')
    if value > limit:
        raise InvalidPaper(f'"{key}" is {value:,}: more than the {limit:,} a paper can have')
    return value


def _authors(value: object) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise InvalidPaper(f'"authors" should be an array, not {_type(value)}')
    names = []
    for i, author in enumerate(value, 1):
        name = author.get("name") if isinstance(author, dict) else author
        if not isinstance(name, str):
            raise InvalidPaper(f'author {i} should have a "name" string')
        names.append(name)
    return names


def _user(value: object) -> str:
    """A user object's name as the site shows it, or paperscope's plain name."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        for key in ("fullname", "user", "name"):
            if isinstance(value.get(key), str) and value[key].strip():
                return value[key]
    return ""


def _date(record: dict, key: str) -> str | None:
    """An ISO 8601 date or time as paperscope keeps it: UTC, to the second; a
    year, month or day as precise as the source gives it."""
    value = record.get(key)
    if value in (None, ""):
        return None
    m = _ISO.fullmatch(value) if isinstance(value, str) else None
    if m is None:
        raise InvalidPaper(f'"{key}" {value!r:.40} is not an ISO 8601 date')
    year, month, day, hour, minute, second, zone = m.groups()
    offset = "+00:00" if zone in (None, "Z") else zone
    try:
        when = datetime.fromisoformat(
            f"{year}-{month or '01'}-{day or '01'}T{hour or '00'}:{minute or '00'}:"
            f"{second or '00'}{offset}"
        )
    except ValueError:
        raise InvalidPaper(f'"{key}" {value!r:.40} is not a real date') from None
    if hour is None:
        return m.group(0)[: 10 if day else 7 if month else 4]
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _day(value: object, key: str) -> str | None:
    """The UTC day of a date or time: the day of the feed an entry is in."""
    when = _date({key: value}, key)
    if when is not None and len(when) < 10:
        raise InvalidPaper(f'"{key}" {value!r:.40} is not a day')
    return when[:10] if when else None


def _versions(value: object) -> list[Version]:
    """paperscope's ``versions`` ([{"version", "created", "size"}]); the Hub has none."""
    if not isinstance(value, list):
        return []
    versions = []
    for v in value:
        if isinstance(v, dict) and isinstance(v.get("version"), int):
            created, size = v.get("created"), v.get("size")
            versions.append(Version(v["version"], created if isinstance(created, str) else None,
                                    size if isinstance(size, str) else None))  # fmt: skip
    return versions


def _links(paper: dict) -> dict[str, str]:
    """Code and project page, and paperscope's other links (not the arXiv and
    DOI ones, which every paper gets again from its id and DOI)."""
    found: dict[str, str] = {}
    given = paper.get("links")
    if isinstance(given, dict):
        for name, url in given.items():
            # not a "javascript:" link either: what cannot be followed is no link
            web = isinstance(url, str) and _WEB.fullmatch(url.strip())
            if name not in ("arxiv", "abs", "pdf", "doi") and web:
                found[name] = url.strip()
    for key, name in (("githubRepo", "github"), ("projectPage", "project")):
        url = paper.get(key)
        if isinstance(url, str) and _WEB.fullmatch(url.strip()):
            found.setdefault(name, url.strip())
    return found


def _human(n: int) -> str:
    return f"{n / (1 << 20):.1f} MiB" if n >= 1 << 20 else f"{n:,} bytes"
