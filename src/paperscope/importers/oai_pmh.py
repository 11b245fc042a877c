"""arXiv's OAI-PMH responses (ListRecords, GetRecord) in the arXiv and arXivRaw formats.

The same reader serves two callers: :func:`parse` imports a saved response
file like any other importer, and :func:`parse_page` gives the harvester one
page with its resumption token. Both stream with defusedxml's ``iterparse``
(entity expansion and external references refused) and drop each record once
it is read, so memory stays flat however large the file.

``arXivRaw`` is preferred for harvesting: it has every version with its
timestamp, so published (v1) and updated (last version) are exact; the
``arXiv`` format gives only the days of v1 and of the last update.
Deleted records (``<header status="deleted">``) are skipped, not errors.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO
from xml.etree.ElementTree import Element, ParseError, TreeBuilder
from xml.parsers.expat import XMLParserType

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import XMLParser, iterparse

from paperscope.importers.arxiv_snapshot import rfc2822_to_iso
from paperscope.importers.base import FormatError, Item
from paperscope.models import InvalidPaper, Paper, Version, new_paper

NAME = "oai-pmh"
SOURCE = "arxiv-oai"

OAI = "{http://www.openarchives.org/OAI/2.0/}"
ARXIV = "{http://arxiv.org/OAI/arXiv/}"
ARXIV_RAW = "{http://arxiv.org/OAI/arXivRaw/}"


def detect(head: bytes) -> bool:
    return b"http://www.openarchives.org/OAI/2.0/" in head and b"OAI-PMH" in head


class OAIError(FormatError):
    """The server answered with an OAI-PMH ``<error>``; ``code`` says which."""

    def __init__(self, code: str, text: str):
        text = " ".join(text.split())
        super().__init__(f"the OAI-PMH server answered {code}" + (f": {text}" if text else ""))
        self.code = code
        self.text = text


@dataclass(slots=True)
class Page:
    """One OAI-PMH response, read whole: what the harvester stores and where it goes next.

    ``resumption_token`` is None when the list is complete (empty or absent
    token); ``datestamp`` is the latest header datestamp on the page, deleted
    records included.
    """

    items: list[Item] = field(default_factory=list)
    resumption_token: str | None = None
    complete_list_size: int | None = None
    cursor: int | None = None
    datestamp: str | None = None
    deleted: int = 0


def parse(stream: BinaryIO) -> Iterator[Item]:
    """Yield one Item per record that is not deleted, in file order."""
    for item, _ in _Reader(stream).records():
        if item is not None:
            yield item


def parse_page(stream: BinaryIO) -> Page:
    """Read one whole response for the harvester; FormatError if it is malformed.

    ``noRecordsMatch`` is an empty, complete page; any other OAI-PMH error
    raises :class:`OAIError`.
    """
    reader = _Reader(stream)
    page = Page()
    for item, datestamp in reader.records():
        if item is None:
            page.deleted += 1
        else:
            page.items.append(item)
        if datestamp and (page.datestamp is None or datestamp > page.datestamp):
            page.datestamp = datestamp
    page.resumption_token = reader.token
    page.complete_list_size = reader.complete_list_size
    page.cursor = reader.cursor
    return page


# -- streaming XML with line numbers ------------------------------------------


class _LineBuilder(TreeBuilder):
    """Notes the line each element of interest starts on, for messages.

    ``iterparse`` reports events only after a whole chunk was parsed, when the
    parser's position is already past them, so the line must be taken here,
    while expat is at the start tag.
    """

    def __init__(self, tags: frozenset[str]):
        super().__init__()
        self.tags = tags
        self.lines: deque[int] = deque()
        self.expat: XMLParserType | None = None  # set once the parser exists

    def start(self, tag, attrs):
        if tag in self.tags:
            self.lines.append(self.expat.CurrentLineNumber)
        return super().start(tag, attrs)


_POSITION = re.compile(r":\s*line \d+, column \d+$")


def iter_xml(stream: BinaryIO, tags: frozenset[str]) -> Iterator[tuple[str, Element, int]]:
    """Stream ``(event, element, line)`` with start and end events.

    ``line`` is where the element starts for end events of ``tags`` (which
    must not nest), else 0. Malformed XML, and XML that declares entities or
    external references, raise FormatError with the line (and column) found.
    """
    builder = _LineBuilder(tags)
    parser = XMLParser(target=builder)
    builder.expat = parser.parser
    try:
        for event, elem in iterparse(stream, events=("start", "end"), parser=parser):
            line = builder.lines.popleft() if event == "end" and elem.tag in tags else 0
            yield event, elem, line
    except ParseError as exc:
        line, column = exc.position
        reason = _POSITION.sub("", str(exc))
        if reason.startswith("no element found") and line == 1 and column == 0:
            raise FormatError("the file is empty") from None
        raise FormatError(f"malformed XML at column {column + 1}: {reason}", line) from None
    except DefusedXmlException as exc:
        line = parser.parser.CurrentLineNumber  # builder.expat
        raise FormatError(
            f"refused unsafe XML ({exc}); entity declarations are not accepted", line
        ) from None


# -- OAI-PMH responses -----------------------------------------------------------


class _Reader:
    """Walks one response; after :meth:`records` the token fields are set."""

    def __init__(self, stream: BinaryIO):
        self.stream = stream
        self.token: str | None = None
        self.complete_list_size: int | None = None
        self.cursor: int | None = None

    def records(self) -> Iterator[tuple[Item | None, str | None]]:
        """Yield ``(item, datestamp)`` per record; item is None for deleted records."""
        container: Element | None = None
        seen_root = False
        tags = frozenset({OAI + "record"})
        for event, elem, line in iter_xml(self.stream, tags):
            if event == "start":
                if not seen_root:
                    seen_root = True
                    if elem.tag != OAI + "OAI-PMH":
                        raise FormatError(
                            f"not an OAI-PMH response: the root element is {_local(elem.tag)}", 1
                        )
                elif elem.tag in (OAI + "ListRecords", OAI + "GetRecord"):
                    container = elem
                continue
            if elem.tag == OAI + "record":
                yield _record(elem, line)
                elem.clear()
                if container is not None:
                    container.remove(elem)  # keep memory flat on huge files
            elif elem.tag == OAI + "resumptionToken":
                self.token = (elem.text or "").strip() or None
                self.complete_list_size = _int(elem.get("completeListSize"))
                self.cursor = _int(elem.get("cursor"))
            elif elem.tag == OAI + "error":
                code = elem.get("code") or "error"
                if code != "noRecordsMatch":
                    raise OAIError(code, elem.text or "")


def _record(rec: Element, line: int) -> tuple[Item | None, str | None]:
    header = rec.find(OAI + "header")
    if header is None:
        return Item(line, error="the record has no <header>"), None
    datestamp = _text(header, OAI + "datestamp") or None
    if header.get("status") == "deleted":
        return None, datestamp
    metadata = rec.find(OAI + "metadata")
    if metadata is None or len(metadata) == 0:
        return Item(line, error="the record has no <metadata>"), datestamp
    body = metadata[0]
    try:
        if body.tag == ARXIV_RAW + "arXivRaw":
            paper = _raw_paper(body)
        elif body.tag == ARXIV + "arXiv":
            paper = _arxiv_paper(body)
        else:
            problem = f"metadata format {_local(body.tag)} is not supported (use arXivRaw or arXiv)"
            return Item(line, error=problem), datestamp
    except InvalidPaper as exc:
        return Item(line, error=str(exc)), datestamp
    return Item(line, paper=paper), datestamp


def _raw_paper(body: Element) -> Paper:
    """arXivRaw: every version with its RFC 2822 date and size."""
    ns = ARXIV_RAW
    versions = []
    for i, v in enumerate(body.findall(ns + "version"), 1):
        label = v.get("version") or f"v{i}"
        if not re.fullmatch(r"v\d+", label):
            raise InvalidPaper(f"version {i} has a bad label {label[:20]!r}")
        date = _text(v, ns + "date")
        versions.append(
            Version(
                int(label[1:]),
                rfc2822_to_iso(date) if date else None,
                _text(v, ns + "size") or None,
            )
        )
    versions.sort(key=lambda v: v.version)
    dates = [v.created for v in versions if v.created]
    return new_paper(
        title=_text(body, ns + "title"),
        arxiv_id=_required_id(body, ns),
        source=SOURCE,
        abstract=_text(body, ns + "abstract"),
        authors=split_authors(_text(body, ns + "authors")),
        published=dates[0] if dates else None,
        updated=dates[-1] if dates else None,
        versions=versions,
        categories=_text(body, ns + "categories").split(),
        doi=_text(body, ns + "doi").split(" ")[0],
        journal_ref=_text(body, ns + "journal-ref"),
        comments=_text(body, ns + "comments"),
        license=_text(body, ns + "license"),
        submitter=_text(body, ns + "submitter"),
    )


def _arxiv_paper(body: Element) -> Paper:
    """arXiv format: structured authors, but only the days of v1 and the last update.

    No versions are recorded: the format does not list them, and a
    day-only v1 date would hide the exact time a later arXivRaw record brings.
    """
    ns = ARXIV
    authors = []
    for author in body.iterfind(f"{ns}authors/{ns}author"):
        parts = (_text(author, ns + k) for k in ("forenames", "keyname", "suffix"))
        authors.append(" ".join(p for p in parts if p))
    created = _text(body, ns + "created") or None
    return new_paper(
        title=_text(body, ns + "title"),
        arxiv_id=_required_id(body, ns),
        source=SOURCE,
        abstract=_text(body, ns + "abstract"),
        authors=authors,
        published=created,
        updated=_text(body, ns + "updated") or created,
        categories=_text(body, ns + "categories").split(),
        doi=_text(body, ns + "doi").split(" ")[0],
        journal_ref=_text(body, ns + "journal-ref"),
        comments=_text(body, ns + "comments"),
        license=_text(body, ns + "license"),
    )


def split_authors(text: str) -> list[str]:
    """Split arXiv's author string on commas and "and", dropping parenthesised affiliations.

    "A. Smith (MIT, CSAIL), B. Jones and C. Wu" gives three bare names, as the
    snapshot's ``authors_parsed`` does, so one person has one name across
    sources; a trailing "and others" / "et al." is not a name.
    """
    names: list[str] = []
    current: list[str] = []
    depth = 0
    for token in re.split(r"(\(|\)|,|\s+and\s+)", " ".join(text.split())):
        if token == "(":
            depth += 1
        elif token == ")":
            depth = max(depth - 1, 0)
        elif depth == 0:
            if token == "," or re.fullmatch(r"\s+and\s+", token):
                names.append("".join(current))
                current = []
            else:
                current.append(token)
    names.append("".join(current))
    names = [" ".join(n.split()) for n in names]
    return [n for n in names if n and n.casefold().rstrip(".") not in _NOT_NAMES]


_NOT_NAMES = {"others", "et al", "and others"}


def _required_id(body: Element, ns: str) -> str:
    arxiv_id = _text(body, ns + "id")
    if not arxiv_id:
        raise InvalidPaper("the record has no <id>")
    return arxiv_id


def _text(parent: Element, tag: str) -> str:
    elem = parent.find(tag)
    return "".join(elem.itertext()).strip() if elem is not None else ""


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]
