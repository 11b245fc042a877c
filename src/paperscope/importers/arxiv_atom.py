"""The arXiv API's Atom feed (``export.arxiv.org/api/query`` results).

Each ``<entry>`` is one paper at its latest version: the entry id
``http://arxiv.org/abs/2401.12345v2`` gives the id and the version number,
``published`` is v1's time and ``updated`` the latest version's, so both are
recorded as versions. The abs and pdf links in the feed point at one version
over http; the stored links are the versionless https ones (always the latest
version), and a ``title="doi"`` link is kept as ``links["doi"]``.

The API reports a bad query as a feed with a single "Error" entry; that is a
:class:`FormatError`, not a paper. Entries are streamed and dropped once read.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import BinaryIO
from xml.etree.ElementTree import Element

from paperscope.importers.base import FormatError, Item
from paperscope.importers.oai_pmh import iter_xml
from paperscope.models import InvalidPaper, Paper, Version, new_paper, parse_arxiv_id

NAME = "arxiv-atom"
SOURCE = "arxiv-api"

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"


def detect(head: bytes) -> bool:
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
    """Yield one Item per entry, in feed order."""
    yield from _Reader(stream).entries()


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

    def entries(self) -> Iterator[Item]:
        root: Element | None = None
        for event, elem, line in iter_xml(self.stream, frozenset({ATOM + "entry"})):
            if event == "start":
                if root is None:
                    root = elem
                    if elem.tag != ATOM + "feed":
                        raise FormatError(f"not an Atom feed: the root element is {elem.tag}", 1)
                continue
            if elem.tag == ATOM + "entry":
                _check_api_error(elem, line)
                try:
                    yield Item(line, paper=to_paper(elem))
                except InvalidPaper as exc:
                    yield Item(line, error=str(exc))
                elem.clear()
                assert root is not None, "the feed's start came first"
                root.remove(elem)  # keep memory flat on huge feeds
            elif elem.tag.startswith(OPENSEARCH):
                with contextlib.suppress(ValueError):  # a figure we cannot read is left out
                    self.figures[elem.tag[len(OPENSEARCH) :]] = int((elem.text or "").strip())


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
        authors=[_text(a, ATOM + "name") for a in entry.findall(ATOM + "author")],
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
    except ValueError:
        raise InvalidPaper(f"{name} {text[:40]!r} is not an ISO 8601 date") from None
    if when.tzinfo is not None:
        when = when.astimezone(UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _text(parent: Element, tag: str) -> str:
    elem = parent.find(tag)
    return "".join(elem.itertext()).strip() if elem is not None else ""
