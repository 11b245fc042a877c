"""arXiv's OAI-PMH responses (ListRecords, GetRecord) in the arXivRaw, arXiv and oai_dc formats.

OAI-PMH 2.0 (openarchives.org/OAI/openarchivesprotocol.html) is how arXiv
offers its metadata for harvesting (info.arxiv.org/help/oa): an ``<OAI-PMH>``
envelope around one verb's answer, records paged by resumption tokens.

The same reader serves two callers: :func:`parse` imports a saved response
file like any other importer, and :func:`parse_page` gives the harvester one
page with its resumption token. Both stream (see :func:`iter_xml`): defused
expat, fed in chunks, each record dropped once read, every text and record
bounded, so memory stays flat whatever the file holds.

The metadata formats, as arXiv writes them:
- ``arXivRaw`` is preferred for harvesting: every version with its timestamp,
  so published (v1) and updated (last version) are exact; authors are one
  string with TeX accents (``Mustafa Bora \\c{C}elik``), decoded here as
  arXiv's own listings show them;
- ``arXiv`` gives structured authors but only the days of v1 and of the
  last update;
- ``oai_dc`` (Dublin Core, what generic harvesters ask for) gives
  ``Family, Given`` creators, the days of v1 and of the last version, the
  abstract and a "Comment:" description, the abs URL, ``doi:`` and the
  journal reference as identifiers, and subject *names* ("Computer Science -
  Machine Learning"), which are mapped back to arXiv's category codes where
  arXiv's taxonomy names them; MSC and ACM classes are not categories and are
  left out.
Deleted records (``<header status="deleted">``) are skipped, not errors.
Elements are found by local name, so a metadata element whose namespace was
lost on the way (``<arXiv>`` with no ``xmlns``) is still read.
"""

from __future__ import annotations

import codecs
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import BinaryIO
from xml.etree.ElementTree import Element, ParseError
from xml.parsers.expat import XMLParserType

from defusedxml import (
    DefusedXmlException,
    DTDForbidden,
    EntitiesForbidden,
    ExternalReferenceForbidden,
)
from defusedxml.ElementTree import XMLParser

from paperscope.importers.arxiv_snapshot import arxiv_name, rfc2822_to_iso, version_number
from paperscope.importers.base import FormatError, Item
from paperscope.models import InvalidPaper, Paper, Version, new_paper

NAME = "oai-pmh"
SOURCE = "arxiv-oai"

OAI = "{http://www.openarchives.org/OAI/2.0/}"
ARXIV = "{http://arxiv.org/OAI/arXiv/}"
ARXIV_RAW = "{http://arxiv.org/OAI/arXivRaw/}"
OAI_DC = "{http://www.openarchives.org/OAI/2.0/oai_dc/}"
DC = "{http://purl.org/dc/elements/1.1/}"

# The first element of the file, past a BOM, the XML declaration, comments,
# processing instructions and a doctype.
_ROOT = re.compile(
    rb"\A(?:\xef\xbb\xbf)?(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*<(?:[\w.-]+:)?([\w.-]+)",
    re.DOTALL,
)


def detect(head: bytes) -> bool:
    """An ``<OAI-PMH>`` response, or the bare ``<error code=...>`` arXiv sometimes answers."""
    head = utf8_head(head)
    m = _ROOT.match(head)
    if m is None:
        return False
    if m[1] == b"error":  # the bare error must name its code: "error" alone is any XML
        return re.match(rb"\s+code=", head[m.end() :]) is not None
    return m[1] == b"OAI-PMH"


def utf8_head(head: bytes) -> bytes:
    """The first bytes of an XML file as UTF-8, for detection: UTF-16 and UTF-32
    files (by their byte-order mark or how they write "<") are decoded."""
    for start, codec in _WIDE:
        if head.startswith(start):
            cut = len(head) - len(head) % 4  # whole code units only
            return head[:cut].decode(codec, "replace").encode("utf-8")
    return head


class OAIError(FormatError):
    """The server answered with an OAI-PMH ``<error>``; ``code`` says which."""

    def __init__(self, code: str, text: str, identifier: str | None = None):
        text = " ".join(text.split())
        about = f" for {identifier}" if identifier else ""
        super().__init__(
            f"the OAI-PMH server answered {code}{about}" + (f": {text}" if text else "")
        )
        self.code = code
        self.text = text
        self.identifier = identifier


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
    """Yield one Item per record that is not deleted, in file order.

    A response with no record at all (``noRecordsMatch``, an empty list) is a
    FormatError that says so: there is nothing to import from it.
    """
    reader = _Reader(stream)
    for item, _ in reader.records():
        if item is not None:
            yield item
    if reader.seen == 0:
        raise FormatError(reader.nothing_in_it())


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


# -- streaming XML with bounded memory --------------------------------------------

CHUNK = 64 * 1024
MAX_DEPTH = 64  # elements open at once; arXiv's deepest path is 8
MAX_TEXT = 4 << 20  # characters in one text (the longest real author lists are far shorter)
MAX_ELEMENT = 16 << 20  # characters one record (one feed entry) may hold, all its texts together
MAX_TOKEN = 4 << 20  # bytes of one tag, comment or declaration, which expat holds whole
_ELEMENT_COST = 100  # what holding one element counts for against MAX_ELEMENT
_KEPT_BLANKS = 1024  # whitespace-only text carries nothing; beyond this much it is dropped


@dataclass(slots=True)
class Event:
    """An element's start or end. ``line`` is where its start tag is; ``depth``
    is 1 for the root; ``parent`` is the element it sits in (None for the root)."""

    kind: str  # "start" or "end"
    elem: Element
    line: int
    depth: int
    parent: Element | None


class _Builder:
    """Builds elements as expat reports them and queues :class:`Event` s.

    Events are queued for elements at depth ``detach_depth`` or less, and for
    those whose local name is in ``watch`` wherever they are (a record nested
    where it should not be). Such a shallow element is taken out of its
    parent when it ends (the reader has it from the event), so what stays
    held is the path of open elements and the one record being read. Texts,
    records and nesting are bounded (:data:`MAX_TEXT`, :data:`MAX_ELEMENT`,
    :data:`MAX_DEPTH`); going past a bound is a FormatError naming the line.
    """

    def __init__(self, detach_depth: int, watch: frozenset[str]):
        self.detach_depth = detach_depth
        self.watch = watch
        self.expat: XMLParserType = None  # type: ignore[assignment]  # set once the parser exists
        self.events: list[Event] = []
        self.stack: list[tuple[Element, int]] = []  # open elements, with their lines
        self._text: list[str] = []
        self._text_len = 0
        self._blank = True
        self._into: tuple[Element, bool] | None = None  # the text's element; True: its tail
        self._held = 0  # held in the open element at detach_depth, in characters

    def line(self) -> int:
        return self.expat.CurrentLineNumber

    def start(self, tag: str, attrs: dict[str, str]) -> Element:
        if self._text_len:
            self._flush()
        stack = self.stack
        depth = len(stack) + 1
        line = self.expat.CurrentLineNumber
        elem = Element(tag, attrs)
        if depth <= self.detach_depth:
            self._held = 0
            parent = stack[-1][0] if stack else None
            if parent is not None:
                parent.append(elem)
            self.events.append(Event("start", elem, line, depth, parent))
        else:
            if depth > MAX_DEPTH:
                raise FormatError(f"elements are nested more than {MAX_DEPTH} deep", line)
            parent = stack[-1][0]
            parent.append(elem)
            self._held += _ELEMENT_COST
            if self._held > MAX_ELEMENT:
                self._too_big()
            if tag.rpartition("}")[2] in self.watch:
                self.events.append(Event("start", elem, line, depth, parent))
        stack.append((elem, line))
        self._into = (elem, False)
        return elem

    def end(self, tag: str) -> Element:
        if self._text_len:
            self._flush()
        elem, line = self.stack.pop()
        depth = len(self.stack) + 1
        parent = self.stack[-1][0] if self.stack else None
        if depth <= self.detach_depth:
            if parent is not None:
                # Its earlier siblings were taken out when they ended: it is the last child.
                del parent[-1]
            self._held = 0
            self._into = None  # text after it (whitespace between records) is not kept
            self.events.append(Event("end", elem, line, depth, parent))
        else:
            self._into = (elem, True)
            if tag.rpartition("}")[2] in self.watch:
                self.events.append(Event("end", elem, line, depth, parent))
        return elem

    def data(self, text: str) -> None:
        if self._blank and text.isspace():
            if self._text_len >= _KEPT_BLANKS:
                return
        else:
            self._blank = False
            if self._text_len + len(text) > MAX_TEXT:
                where = f" in <{_local(self.stack[-1][0].tag)}>" if self.stack else ""
                raise FormatError(
                    f"a text{where} is over {MAX_TEXT >> 20} MiB long; no record holds that much",
                    self.line(),
                )
        if self._into is not None:  # else it is whitespace between records: counted, not kept
            self._text.append(text)
        self._text_len += len(text)

    def close(self) -> None:
        self._flush()

    def _flush(self) -> None:
        self._text_len = 0
        self._blank = True
        if not self._text:
            return
        text = "".join(self._text)
        self._text.clear()
        if self._into is not None:
            elem, tail = self._into
            if tail:
                elem.tail = text
            else:
                elem.text = text
            if len(self.stack) >= self.detach_depth:
                self._held += len(text)
                if self._held > MAX_ELEMENT:
                    self._too_big()

    def _too_big(self) -> None:
        elem, line = self.stack[self.detach_depth - 1]
        raise FormatError(
            f"<{_local(elem.tag)}> (from line {line}) holds over {MAX_ELEMENT >> 20} MiB; "
            "no record is that large",
            self.line(),
        )


_POSITION = re.compile(r":\s*line \d+, column \d+$")
_DECLARATION = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*<\?xml\s[^>]*?\bencoding\s*=\s*[\"']([^\"'>]*)[\"']"
)
# UTF-32 and UTF-16 by their byte-order mark or by how they write "<" (XML 1.0,
# appendix F), decoded here: expat reads no UTF-32, nor UTF-16 declared "UTF-16LE".
_WIDE = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (b"<\0\0\0", "utf-32-le"), (b"\0\0\0<", "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
    (b"<\0?\0", "utf-16-le"), (b"\0<\0?", "utf-16-be"),
)  # fmt: skip
# Encodings expat reads itself (Python's names for them); any other is decoded here.
_EXPAT_READS = {"utf-8", "ascii", "iso8859-1", "utf-16"}


def iter_xml(stream: BinaryIO, detach_depth: int, watch: frozenset[str]) -> Iterator[Event]:
    """Stream the start and end :class:`Event` s of an XML document's elements
    at ``detach_depth`` or less, and of those named in ``watch`` at any depth.

    The shallow ones are detached from their parent when they end (see
    :class:`_Builder`). Malformed XML, XML that declares
    entities or external references, an encoding that cannot be read and
    anything past the bounds on size raise FormatError with the line found.
    """
    first = _read(stream)
    decoder = _decoder_for(first)
    builder = _Builder(detach_depth, watch)
    parser = XMLParser(target=builder, encoding="utf-8" if decoder else None)
    expat = builder.expat = parser.parser
    fed = 0  # bytes given to expat
    offset = 0  # bytes read from the file, for messages about its encoding
    chunk = first
    while True:
        failure: Exception | None = None
        try:
            if chunk:
                data = chunk if decoder is None else _decode(decoder, chunk, offset)
                offset += len(chunk)
                parser.feed(data)
                fed += len(data)
            else:
                if decoder is not None:
                    parser.feed(_decode(decoder, b"", offset, final=True))
                parser.close()
        except (ParseError, FormatError, LookupError, ValueError) as exc:
            failure = exc  # ValueError: DefusedXmlException, or an encoding expat cannot use
        # What was read before a failure is good: the reader gets it first.
        yield from builder.events
        builder.events.clear()
        if failure is not None:
            raise _xml_error(failure, builder, closing=not chunk) from None
        if not chunk:
            return
        if fed - expat.CurrentByteIndex > MAX_TOKEN:
            raise FormatError(
                f"one XML tag, comment or declaration is over {MAX_TOKEN >> 20} MiB long",
                expat.CurrentLineNumber,
            )
        chunk = _read(stream)


def _read(stream: BinaryIO) -> bytes:
    try:
        return stream.read(CHUNK)
    except zlib.error as exc:  # a .gz file's compressed data is damaged
        raise FormatError(f"the gzip data is corrupt, it cannot be uncompressed ({exc})") from None


def _xml_error(exc: Exception, builder: _Builder, closing: bool) -> FormatError:
    """The FormatError to raise for what stopped the parser."""
    if isinstance(exc, FormatError):
        return exc
    if isinstance(exc, DefusedXmlException):
        return FormatError(f"refused unsafe XML: {_unsafe(exc)}", builder.line())
    if not isinstance(exc, ParseError):  # LookupError, ValueError: the declared encoding
        return FormatError(f"the file's encoding cannot be read ({exc})", 1)
    line, column = exc.position
    reason = _POSITION.sub("", str(exc))
    if reason.startswith("no element found") and line == 1 and column == 0:
        return FormatError("the file is empty")
    if closing and builder.stack:
        elem, opened = builder.stack[-1]
        reason += (
            f"; the file ends inside <{_local(elem.tag)}> (from line {opened}): it is cut short"
        )
    return FormatError(f"malformed XML at column {column + 1}: {reason}", line)


def _unsafe(exc: DefusedXmlException) -> str:
    """What defusedxml refused, in words."""
    sysid = getattr(exc, "sysid", None)
    external = f" ({sysid[:80]})" if sysid else ""
    if isinstance(exc, EntitiesForbidden):
        what = f"the file declares the entity {exc.name!r}{external}"
    elif isinstance(exc, ExternalReferenceForbidden):
        what = f"the file refers to an external resource{external}"
    elif isinstance(exc, DTDForbidden):
        what = "the file has a document type declaration"
    else:
        what = "the file uses an XML feature this reader does not accept"
    return f"{what}; entity declarations and external references are not accepted"


def _decoder_for(first: bytes) -> tuple[str, codecs.IncrementalDecoder] | None:
    """None when expat can read the file as it is; else the file's encoding and its decoder."""
    for start, codec in _WIDE:
        if first.startswith(start):
            return codec.upper(), codecs.getincrementaldecoder(codec)("strict")
    m = _DECLARATION.match(first)
    if m is None:
        return None
    declared = m[1].decode("ascii", "replace")[:60]
    try:
        b"".decode(declared)  # LookupError too for codecs that are not text encodings
        info = codecs.lookup(declared)
    except LookupError:
        raise FormatError(
            f"the XML declaration names the encoding {declared!r}, which does not exist "
            "(arXiv writes UTF-8)",
            1,
        ) from None
    if info.name in _EXPAT_READS:
        return None
    return declared, info.incrementaldecoder("strict")


def _decode(
    decoder: tuple[str, codecs.IncrementalDecoder], chunk: bytes, offset: int, final: bool = False
) -> bytes:
    """Decode a chunk in the declared encoding, as UTF-8 for expat (told to expect it)."""
    declared, incremental = decoder
    try:
        return incremental.decode(chunk, final).encode("utf-8")
    except UnicodeDecodeError as exc:
        raise FormatError(
            f"the file is not {declared}, as it says or starts "
            f"(byte {offset + exc.start + 1} cannot be read as {declared})",
            1 if offset == 0 else None,
        ) from None


# -- OAI-PMH responses -------------------------------------------------------------

# Verbs whose answers hold no records, and what they hold instead.
_NOT_RECORDS = {
    "Identify": "it describes the repository",
    "ListSets": "it lists the repository's sets",
    "ListMetadataFormats": "it lists metadata formats",
    "ListIdentifiers": "it lists identifiers",
}
_CONTAINERS = ("ListRecords", "GetRecord")


class _Reader:
    """Walks one response; after :meth:`records` the token fields are set."""

    def __init__(self, stream: BinaryIO):
        self.stream = stream
        self.token: str | None = None
        self.complete_list_size: int | None = None
        self.cursor: int | None = None
        self.request: dict[str, str] = {}
        self.verb: str | None = None  # ListRecords or GetRecord
        self.seen = 0  # records, deleted ones included
        self.no_match: str | None = None  # noRecordsMatch's text

    def nothing_in_it(self) -> str:
        """What to say about a response without records."""
        if self.no_match is not None:
            said = f": {self.no_match}" if self.no_match else ""
            return f"the OAI-PMH server answered noRecordsMatch{said}; the file holds no records"
        if self.verb is None:
            return "this OAI-PMH response holds no records (no <ListRecords> or <GetRecord> in it)"
        return f"this OAI-PMH {self.verb} response holds no records"

    def records(self) -> Iterator[tuple[Item | None, str | None]]:
        """Yield ``(item, datestamp)`` per record; item is None for deleted records."""
        container: Element | None = None
        record: Element | None = None  # the outermost <record> open
        for ev in iter_xml(self.stream, detach_depth=3, watch=frozenset({"record"})):
            elem, name = ev.elem, _local(ev.elem.tag)
            if ev.kind == "start":
                if ev.depth == 1 and name not in ("OAI-PMH", "error"):
                    raise FormatError(f"not an OAI-PMH response: the root element is {name}", 1)
                if ev.depth == 2 and name in _CONTAINERS:
                    container, self.verb = elem, name
                elif ev.depth == 2 and name in _NOT_RECORDS:
                    raise FormatError(
                        f"this is an OAI-PMH {name} response: {_NOT_RECORDS[name]}, not "
                        "records; harvest with ListRecords or GetRecord",
                        ev.line,
                    )
                elif name == "record" and record is None:
                    record = elem
                continue
            if name == "record" and elem is record:
                record = None
                self.seen += 1
                if container is not None and ev.parent is container:
                    yield _record(elem, ev.line)
                else:
                    where = _local(ev.parent.tag) if ev.parent is not None else "nothing"
                    problem = (
                        f"a <record> inside <{where}>, not directly in <ListRecords> or "
                        "<GetRecord>: skipped"
                    )
                    yield Item(ev.line, error=problem), None
                elem.clear()
            elif name == "request" and ev.depth == 2:
                self.request = dict(elem.attrib)
            elif name == "resumptionToken" and container is not None and ev.parent is container:
                self.token = (elem.text or "").strip() or None
                self.complete_list_size = _int(elem.get("completeListSize"))
                self.cursor = _int(elem.get("cursor"))
            elif name == "error" and ev.depth <= 2:
                code = elem.get("code") or "error"
                if code != "noRecordsMatch":
                    raise OAIError(code, elem.text or "", self.request.get("identifier"))
                self.no_match = " ".join((elem.text or "").split())


def _record(rec: Element, line: int) -> tuple[Item | None, str | None]:
    parts = _Fields(rec)
    header = parts.first("header")
    if header is None:
        return Item(line, error="the record has no <header>"), None
    datestamp = _Fields(header).text("datestamp") or None
    if header.get("status") == "deleted":
        return None, datestamp
    metadata = parts.first("metadata")
    if metadata is None or len(metadata) == 0:
        return Item(line, error="the record has no <metadata>"), datestamp
    body = metadata[0]
    to_paper = _FORMATS.get(_local(body.tag))
    if to_paper is None:
        problem = (
            f"metadata in <{_local(body.tag)}> is not a format this reader knows "
            "(arXivRaw, arXiv or oai_dc)"
        )
        return Item(line, error=problem), datestamp
    try:
        paper = to_paper(body, header)
    except InvalidPaper as exc:
        return Item(line, error=str(exc)), datestamp
    return Item(line, paper=paper), datestamp


# -- the metadata formats ------------------------------------------------------------


def _raw_paper(body: Element, header: Element) -> Paper:
    """arXivRaw: every version with its RFC 2822 date and size."""
    f = _Fields(body)
    versions = []
    for i, v in enumerate(f.all("version"), 1):
        version = _Fields(v)
        date_text = version.text("date")
        versions.append(
            Version(
                version_number(v.get("version") or f"v{i}", i),
                rfc2822_to_iso(date_text) if date_text else None,
                version.text("size") or None,
            )
        )
    versions.sort(key=lambda v: v.version)
    dates = [v.created for v in versions if v.created]
    return new_paper(
        title=f.text("title"),
        arxiv_id=_required_id(f),
        source=SOURCE,
        abstract=f.text("abstract"),
        authors=[arxiv_name(n) for n in split_authors(f.text("authors"))],
        published=dates[0] if dates else None,
        updated=dates[-1] if dates else None,
        versions=versions,
        categories=f.text("categories").split(),
        doi=f.text("doi").split(" ")[0],
        journal_ref=f.text("journal-ref"),
        comments=f.text("comments"),
        license=f.text("license"),
        submitter=f.text("submitter"),
    )


def _arxiv_paper(body: Element, header: Element) -> Paper:
    """arXiv format: structured authors, but only the days of v1 and the last update.

    No versions are recorded: the format does not list them, and a
    day-only v1 date would hide the exact time a later arXivRaw record brings.
    """
    f = _Fields(body)
    authors = []
    for author in _Fields(f.first("authors")).all("author"):
        name = _Fields(author)
        parts = (name.text(k) for k in ("forenames", "keyname", "suffix"))
        authors.append(arxiv_name(" ".join(p for p in parts if p)))
    created = _day(f.text("created"), "created")
    return new_paper(
        title=f.text("title"),
        arxiv_id=_required_id(f),
        source=SOURCE,
        abstract=f.text("abstract"),
        authors=authors,
        published=created,
        updated=_day(f.text("updated"), "updated") or created,
        categories=f.text("categories").split(),
        doi=f.text("doi").split(" ")[0],
        journal_ref=f.text("journal-ref"),
        comments=f.text("comments"),
        license=f.text("license"),
    )


def _dc_paper(body: Element, header: Element) -> Paper:
    """oai_dc: Dublin Core, as arXiv fills it in.

    ``dc:date`` is the day of v1, then (when there are several versions) the
    day of the last one; no versions are recorded, as for the arXiv format.
    ``dc:identifier`` holds the abs URL, ``doi:...`` and the journal
    reference; a ``dc:description`` that starts "Comment:" is the comments.
    """
    f = _Fields(body)
    arxiv_id = doi = journal_ref = ""
    for identifier in f.texts("identifier"):
        if identifier.lower().startswith("doi:"):
            doi = doi or identifier[4:].strip()
        elif "arxiv.org/abs/" in identifier:
            arxiv_id = arxiv_id or identifier
        elif not re.match(r"\w+://", identifier):
            journal_ref = journal_ref or identifier
    head = _Fields(header)
    arxiv_id = arxiv_id or head.text("identifier").removeprefix("oai:arXiv.org:")
    if not arxiv_id:
        raise InvalidPaper("the record has no arXiv id (no abs URL among its <dc:identifier>)")
    abstract = comments = ""
    for text in f.texts("description"):
        if text.startswith("Comment:"):
            comments = comments or text[len("Comment:") :].strip()
        else:
            abstract = abstract or text
    dates = [_day(d, "date") for d in f.texts("date")]
    titles = f.texts("title")
    return new_paper(
        title=titles[0] if titles else "",
        arxiv_id=arxiv_id,
        source=SOURCE,
        abstract=abstract,
        authors=[n for n in map(_dc_name, f.texts("creator")) if n],
        published=dates[0] if dates else None,
        updated=dates[-1] if dates else None,
        categories=dc_categories(f.texts("subject"), head.texts("setSpec")),
        doi=doi,
        journal_ref=journal_ref,
        comments=comments,
    )


_FORMATS: dict[str, Callable[[Element, Element], Paper]] = {
    "arXivRaw": _raw_paper,
    "arXiv": _arxiv_paper,
    "dc": _dc_paper,
}


def _dc_name(creator: str) -> str:
    """``Family, Given`` -> ``Given Family``; ``Finger, Jr., M.`` -> ``M. Finger Jr.``.

    arXiv's name parser leaves stray pieces among the creators ("." or ":"
    from "et al." and "collaborations:"); those hold no letter and are dropped.
    """
    parts = [p.strip() for p in creator.split(",")]
    if len(parts) == 2:
        name = f"{parts[1]} {parts[0]}"
    elif len(parts) >= 3:
        name = f"{', '.join(parts[2:])} {parts[0]} {parts[1]}"
    else:
        name = creator
    name = arxiv_name(" ".join(name.split()))
    return name if any(c.isalnum() for c in name) else ""


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


# -- arXiv's subject names, for oai_dc ------------------------------------------------

# arXiv's taxonomy (arxiv.org/category_taxonomy) as oai_dc names it: "Group -
# Category" where an archive has subject classes, the archive's own name where
# it has none and for the old archive-wide categories (astro-ph, cond-mat,
# q-bio). Old names of renamed categories are not listed: arXiv writes the
# current ones.
_TAXONOMY = """
cs.AI Computer Science - Artificial Intelligence
cs.AR Computer Science - Hardware Architecture
cs.CC Computer Science - Computational Complexity
cs.CE Computer Science - Computational Engineering, Finance, and Science
cs.CG Computer Science - Computational Geometry
cs.CL Computer Science - Computation and Language
cs.CR Computer Science - Cryptography and Security
cs.CV Computer Science - Computer Vision and Pattern Recognition
cs.CY Computer Science - Computers and Society
cs.DB Computer Science - Databases
cs.DC Computer Science - Distributed, Parallel, and Cluster Computing
cs.DL Computer Science - Digital Libraries
cs.DM Computer Science - Discrete Mathematics
cs.DS Computer Science - Data Structures and Algorithms
cs.ET Computer Science - Emerging Technologies
cs.FL Computer Science - Formal Languages and Automata Theory
cs.GL Computer Science - General Literature
cs.GR Computer Science - Graphics
cs.GT Computer Science - Computer Science and Game Theory
cs.HC Computer Science - Human-Computer Interaction
cs.IR Computer Science - Information Retrieval
cs.IT Computer Science - Information Theory
cs.LG Computer Science - Machine Learning
cs.LO Computer Science - Logic in Computer Science
cs.MA Computer Science - Multiagent Systems
cs.MM Computer Science - Multimedia
cs.MS Computer Science - Mathematical Software
cs.NA Computer Science - Numerical Analysis
cs.NE Computer Science - Neural and Evolutionary Computing
cs.NI Computer Science - Networking and Internet Architecture
cs.OH Computer Science - Other Computer Science
cs.OS Computer Science - Operating Systems
cs.PF Computer Science - Performance
cs.PL Computer Science - Programming Languages
cs.RO Computer Science - Robotics
cs.SC Computer Science - Symbolic Computation
cs.SD Computer Science - Sound
cs.SE Computer Science - Software Engineering
cs.SI Computer Science - Social and Information Networks
cs.SY Computer Science - Systems and Control
econ.EM Economics - Econometrics
econ.GN Economics - General Economics
econ.TH Economics - Theoretical Economics
eess.AS Electrical Engineering and Systems Science - Audio and Speech Processing
eess.IV Electrical Engineering and Systems Science - Image and Video Processing
eess.SP Electrical Engineering and Systems Science - Signal Processing
eess.SY Electrical Engineering and Systems Science - Systems and Control
math.AC Mathematics - Commutative Algebra
math.AG Mathematics - Algebraic Geometry
math.AP Mathematics - Analysis of PDEs
math.AT Mathematics - Algebraic Topology
math.CA Mathematics - Classical Analysis and ODEs
math.CO Mathematics - Combinatorics
math.CT Mathematics - Category Theory
math.CV Mathematics - Complex Variables
math.DG Mathematics - Differential Geometry
math.DS Mathematics - Dynamical Systems
math.FA Mathematics - Functional Analysis
math.GM Mathematics - General Mathematics
math.GN Mathematics - General Topology
math.GR Mathematics - Group Theory
math.GT Mathematics - Geometric Topology
math.HO Mathematics - History and Overview
math.IT Mathematics - Information Theory
math.KT Mathematics - K-Theory and Homology
math.LO Mathematics - Logic
math.MG Mathematics - Metric Geometry
math.MP Mathematics - Mathematical Physics
math.NA Mathematics - Numerical Analysis
math.NT Mathematics - Number Theory
math.OA Mathematics - Operator Algebras
math.OC Mathematics - Optimization and Control
math.PR Mathematics - Probability
math.QA Mathematics - Quantum Algebra
math.RA Mathematics - Rings and Algebras
math.RT Mathematics - Representation Theory
math.SG Mathematics - Symplectic Geometry
math.SP Mathematics - Spectral Theory
math.ST Mathematics - Statistics Theory
astro-ph Astrophysics
astro-ph.CO Astrophysics - Cosmology and Nongalactic Astrophysics
astro-ph.EP Astrophysics - Earth and Planetary Astrophysics
astro-ph.GA Astrophysics - Astrophysics of Galaxies
astro-ph.HE Astrophysics - High Energy Astrophysical Phenomena
astro-ph.IM Astrophysics - Instrumentation and Methods for Astrophysics
astro-ph.SR Astrophysics - Solar and Stellar Astrophysics
cond-mat Condensed Matter
cond-mat.dis-nn Condensed Matter - Disordered Systems and Neural Networks
cond-mat.mes-hall Condensed Matter - Mesoscale and Nanoscale Physics
cond-mat.mtrl-sci Condensed Matter - Materials Science
cond-mat.other Condensed Matter - Other Condensed Matter
cond-mat.quant-gas Condensed Matter - Quantum Gases
cond-mat.soft Condensed Matter - Soft Condensed Matter
cond-mat.stat-mech Condensed Matter - Statistical Mechanics
cond-mat.str-el Condensed Matter - Strongly Correlated Electrons
cond-mat.supr-con Condensed Matter - Superconductivity
gr-qc General Relativity and Quantum Cosmology
hep-ex High Energy Physics - Experiment
hep-lat High Energy Physics - Lattice
hep-ph High Energy Physics - Phenomenology
hep-th High Energy Physics - Theory
math-ph Mathematical Physics
nlin.AO Nonlinear Sciences - Adaptation and Self-Organizing Systems
nlin.CD Nonlinear Sciences - Chaotic Dynamics
nlin.CG Nonlinear Sciences - Cellular Automata and Lattice Gases
nlin.PS Nonlinear Sciences - Pattern Formation and Solitons
nlin.SI Nonlinear Sciences - Exactly Solvable and Integrable Systems
nucl-ex Nuclear Experiment
nucl-th Nuclear Theory
physics.acc-ph Physics - Accelerator Physics
physics.ao-ph Physics - Atmospheric and Oceanic Physics
physics.app-ph Physics - Applied Physics
physics.atm-clus Physics - Atomic and Molecular Clusters
physics.atom-ph Physics - Atomic Physics
physics.bio-ph Physics - Biological Physics
physics.chem-ph Physics - Chemical Physics
physics.class-ph Physics - Classical Physics
physics.comp-ph Physics - Computational Physics
physics.data-an Physics - Data Analysis, Statistics and Probability
physics.ed-ph Physics - Physics Education
physics.flu-dyn Physics - Fluid Dynamics
physics.gen-ph Physics - General Physics
physics.geo-ph Physics - Geophysics
physics.hist-ph Physics - History and Philosophy of Physics
physics.ins-det Physics - Instrumentation and Detectors
physics.med-ph Physics - Medical Physics
physics.optics Physics - Optics
physics.plasm-ph Physics - Plasma Physics
physics.pop-ph Physics - Popular Physics
physics.soc-ph Physics - Physics and Society
physics.space-ph Physics - Space Physics
q-bio Quantitative Biology
q-bio.BM Quantitative Biology - Biomolecules
q-bio.CB Quantitative Biology - Cell Behavior
q-bio.GN Quantitative Biology - Genomics
q-bio.MN Quantitative Biology - Molecular Networks
q-bio.NC Quantitative Biology - Neurons and Cognition
q-bio.OT Quantitative Biology - Other Quantitative Biology
q-bio.PE Quantitative Biology - Populations and Evolution
q-bio.QM Quantitative Biology - Quantitative Methods
q-bio.SC Quantitative Biology - Subcellular Processes
q-bio.TO Quantitative Biology - Tissues and Organs
q-fin.CP Quantitative Finance - Computational Finance
q-fin.EC Quantitative Finance - Economics
q-fin.GN Quantitative Finance - General Finance
q-fin.MF Quantitative Finance - Mathematical Finance
q-fin.PM Quantitative Finance - Portfolio Management
q-fin.PR Quantitative Finance - Pricing of Securities
q-fin.RM Quantitative Finance - Risk Management
q-fin.ST Quantitative Finance - Statistical Finance
q-fin.TR Quantitative Finance - Trading and Market Microstructure
quant-ph Quantum Physics
stat.AP Statistics - Applications
stat.CO Statistics - Computation
stat.ME Statistics - Methodology
stat.ML Statistics - Machine Learning
stat.OT Statistics - Other Statistics
stat.TH Statistics - Statistics Theory
"""
SUBJECTS = {
    name: code for code, name in (line.split(" ", 1) for line in _TAXONOMY.strip().splitlines())
}
# Archives that are one category, undivided, as a two-part setSpec names them
# (physics:hep-th); physics:cond-mat names a set of categories, not one.
_ARCHIVE_CATEGORIES = {
    code
    for code in SUBJECTS.values()
    if "." not in code and not any(c.startswith(code + ".") for c in SUBJECTS.values())
}


def dc_categories(subjects: list[str], set_specs: list[str]) -> list[str]:
    """arXiv categories from oai_dc subject names, in their order (the primary first).

    Subjects that are not arXiv's (MSC "53C25", ACM "I.2.6") are left out.
    The set specs add what they name exactly: a category in the new server's
    ``cs:cs:CV`` form, or an archive that is one category (``physics:hep-th``).
    """
    categories = [SUBJECTS[s] for s in subjects if s in SUBJECTS]
    for spec in set_specs:
        parts = spec.split(":")
        if len(parts) == 3 and all(parts):
            categories.append(f"{parts[1]}.{parts[2]}")
        elif len(parts) == 2 and parts[1] in _ARCHIVE_CATEGORIES:
            categories.append(parts[1])
    return list(dict.fromkeys(categories))


# -- small helpers ---------------------------------------------------------------------


def _required_id(f: _Fields) -> str:
    arxiv_id = f.text("id")
    if not arxiv_id:
        raise InvalidPaper("the record has no <id>")
    return arxiv_id


def _day(text: str, name: str) -> str | None:
    """A ``YYYY-MM-DD`` day the calendar has, or None for no text; else InvalidPaper."""
    if not text:
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            pass
    raise InvalidPaper(f"<{name}> {text[:40]!r} is not a day like 2007-04-02")


def _local(tag: str) -> str:
    """An element's name without its namespace."""
    return tag.rsplit("}", 1)[-1]


class _Fields:
    """An element's children by local name (whatever their namespace), for the
    many lookups one record takes."""

    __slots__ = ("by_name",)

    def __init__(self, parent: Element | None):
        self.by_name: dict[str, list[Element]] = {}
        for child in parent if parent is not None else ():
            self.by_name.setdefault(_local(child.tag), []).append(child)

    def all(self, name: str) -> list[Element]:
        return self.by_name.get(name, [])

    def first(self, name: str) -> Element | None:
        found = self.by_name.get(name)
        return found[0] if found else None

    def text(self, name: str) -> str:
        """The stripped text of the first child called ``name``; "" if there is none."""
        elem = self.first(name)
        return _inner(elem) if elem is not None else ""

    def texts(self, name: str) -> list[str]:
        """The stripped texts of the children called ``name``, empty ones left out."""
        return [t for t in map(_inner, self.all(name)) if t]


def _inner(elem: Element) -> str:
    if len(elem) == 0:
        return (elem.text or "").strip()
    return "".join(elem.itertext()).strip()


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
