"""The arXiv API's Atom feed (``export.arxiv.org/api/query`` results).

Each ``<entry>`` is one paper at its latest version: the entry id
``http://arxiv.org/abs/2401.12345v2`` gives the id and the version number,
``published`` is v1's time and ``updated`` the latest version's, so both are
recorded as versions. The abs and pdf links in the feed point at one version
over http; the stored links are the versionless https ones (always the latest
version), and a ``title="doi"`` link is kept as ``links["doi"]``.

The API reports a bad query as a feed with a single "Error" entry; that is a
:class:`FormatError`, not a paper. Entries are streamed and dropped once read
(the XML reader is the OAI-PMH importer's: chunked, bounded, defused).

The live API (2026) sends some text encoded twice, UTF-8 bytes read as
Latin-1 and encoded again: "Dirk WÃ¼bben", "$Ï$Test". Such runs are decoded
back ("Dirk Wübben"); text that is not of that shape is left as it is.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import BinaryIO
from xml.etree.ElementTree import Element

from paperscope.importers.arxiv_snapshot import MAX_VERSION, arxiv_name, iso_utc
from paperscope.importers.base import FormatError, Item
from paperscope.importers.oai_pmh import iter_xml, utf8_head
from paperscope.models import InvalidPaper, Paper, Version, new_paper, parse_arxiv_id

NAME = "arxiv-atom"
SOURCE = "arxiv-api"

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"


def detect(head: bytes) -> bool:
    head = utf8_head(head)
    return (
        b"<feed" in head
        and b"http://www.w3.org/2005/Atom" in head
        and (b"arxiv.org/schemas/atom" in head or b"arxiv.org/api" in head)
    )


@dataclass(slots=True)
class FeedPage:
    """One API response with its OpenSearch paging figures (for an API harvester)."""

    items: list[Item] = field(default_factory=list)
    total_results: int | None = None
    start_index: int | None = None
    items_per_page: int | None = None


def parse(stream: BinaryIO) -> Iterator[Item]:
    """Yield one Item per entry, in feed order; a feed without entries (the
    API's answer to a query that matched nothing) is a FormatError saying so."""
    reader = _Reader(stream)
    count = 0
    for item in reader.entries():
        count += 1
        yield item
    if count == 0:
        raise FormatError(
            f"this arXiv API feed holds no entries: {reader.query or 'the query'} matched nothing"
        )


def parse_feed(stream: BinaryIO) -> FeedPage:
    """Read one whole response with its paging figures."""
    reader = _Reader(stream)
    page = FeedPage(items=list(reader.entries()))
    page.total_results = reader.figures.get("totalResults")
    page.start_index = reader.figures.get("startIndex")
    page.items_per_page = reader.figures.get("itemsPerPage")
    return page


class _Reader:
    def __init__(self, stream: BinaryIO):
        self.stream = stream
        self.figures: dict[str, int] = {}
        self.query = ""  # from the feed's title: "arXiv Query: search_query=&id_list=..."

    def entries(self) -> Iterator[Item]:
        # Entries (depth 2) are taken out of the feed as they end: memory stays flat.
        for ev in iter_xml(self.stream, detach_depth=2, watch=frozenset({"entry"})):
            elem = ev.elem
            if ev.kind == "start":
                if ev.depth == 1 and elem.tag != ATOM + "feed":
                    raise FormatError(f"not an Atom feed: the root element is {elem.tag}", 1)
                continue
            if elem.tag == ATOM + "entry":
                if ev.depth != 2:
                    where = ev.parent.tag.rsplit("}", 1)[-1] if ev.parent is not None else ""
                    problem = f"an <entry> inside <{where}>, not directly in <feed>: skipped"
                    yield Item(ev.line, error=problem)
                    continue
                _check_api_error(elem, ev.line)
                try:
                    yield Item(ev.line, paper=to_paper(elem))
                except InvalidPaper as exc:
                    yield Item(ev.line, error=str(exc))
                elem.clear()
            elif elem.tag == ATOM + "title" and ev.depth == 2:
                self.query = _query(elem.text or "")
            elif elem.tag.startswith(OPENSEARCH) and ev.depth == 2:
                with contextlib.suppress(ValueError):  # a figure we cannot read is left out
                    self.figures[elem.tag[len(OPENSEARCH) :]] = int((elem.text or "").strip())


def _query(title: str) -> str:
    """'arXiv Query: search_query=&id_list=0808.05394&start=0' -> 'id_list=0808.05394'."""
    title = " ".join(title.split())
    if not title.lower().startswith("arxiv query:"):
        return ""
    terms = title.split(":", 1)[1].strip().split("&")
    kept = [t for t in terms if "=" in t and t.split("=", 1)[1]]
    kept = [t for t in kept if t.split("=", 1)[0] in ("search_query", "id_list")]
    return "&".join(kept)[:200]


def _check_api_error(entry: Element, line: int) -> None:
    entry_id = _text(entry, ATOM + "id")
    if "/api/errors" in entry_id:
        message = _text(entry, ATOM + "summary") or entry_id
        raise FormatError(f"the arXiv API answered with an error: {message}", line)


def to_paper(entry: Element) -> Paper:
    """Turn one ``<entry>`` into a Paper; InvalidPaper says what is wrong."""
    entry_id = _text(entry, ATOM + "id")
    parsed = parse_arxiv_id(entry_id)
    if parsed is None:
        raise InvalidPaper(f"entry id {entry_id[:80]!r} is not an arXiv abs URL")
    arxiv_id, version = parsed
    if version is not None and not 1 <= version <= MAX_VERSION:
        raise InvalidPaper(f"entry id {entry_id[:80]!r} has a bad version (v1 to v{MAX_VERSION})")
    published = _iso(_text(entry, ATOM + "published"), "published")
    updated = _iso(_text(entry, ATOM + "updated"), "updated")
    versions = [Version(1, published)]
    if version and version > 1:
        versions.append(Version(version, updated))
    primary = entry.find(ARXIV + "primary_category")
    categories = [primary.get("term", "")] if primary is not None else []
    categories += [c.get("term", "") for c in entry.findall(ATOM + "category")]
    links = {}
    for link in entry.findall(ATOM + "link"):
        if link.get("title") == "doi" and link.get("href"):
            links["doi"] = link.get("href")
    return new_paper(
        title=_text(entry, ATOM + "title"),
        arxiv_id=arxiv_id,
        source=SOURCE,
        abstract=_text(entry, ATOM + "summary"),
        authors=[arxiv_name(_text(a, ATOM + "name")) for a in entry.findall(ATOM + "author")],
        published=published,
        updated=updated or published,
        versions=versions,
        categories=categories,
        doi=_text(entry, ARXIV + "doi").split(" ")[0],
        journal_ref=_text(entry, ARXIV + "journal_ref"),
        comments=_text(entry, ARXIV + "comment"),
        links=links,
    )


def _iso(text: str, name: str) -> str | None:
    """'2017-06-12T17:57:34Z' (or any offset) -> the same instant in UTC with Z."""
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text)
        if when.tzinfo is not None:
            when = when.astimezone(UTC)
    except ValueError:
        raise InvalidPaper(f"{name} {text[:40]!r} is not an ISO 8601 date") from None
    except OverflowError:  # an offset that takes it past year 1 or 9999
        raise InvalidPaper(f"{name} {text[:40]!r} is out of the calendar's range") from None
    return iso_utc(when)


def _text(parent: Element, tag: str) -> str:
    elem = parent.find(tag)
    return fix_double_utf8("".join(elem.itertext()).strip()) if elem is not None else ""


# A run of characters that are the UTF-8 bytes of non-ASCII letters, read as Latin-1.
_DOUBLE_UTF8 = re.compile(
    "(?:[\u00c2-\u00df][\u0080-\u00bf]|[\u00e0-\u00ef][\u0080-\u00bf]{2}"
    "|[\u00f0-\u00f4][\u0080-\u00bf]{3})+"
)


def fix_double_utf8(text: str) -> str:
    """Undo UTF-8 encoded twice: "WÃ¼bben" -> "Wübben". A run that does not
    decode as UTF-8 is left alone, and so is all other text."""
    if text.isascii():
        return text

    def decode(m: re.Match[str]) -> str:
        try:
            return m[0].encode("latin-1").decode("utf-8")
        except UnicodeDecodeError:
            return m[0]

    return _DOUBLE_UTF8.sub(decode, text)
