"""paperscope's own JSON-lines format: one paper a line, every field of :class:`Paper`.

It is what ``paperscope export`` writes and the lossless way to move a library:
export, then import into an empty database, gives identical records (the
``sources`` a paper came from travel with it, so no "jsonl" source is added).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import BinaryIO

import orjson

from paperscope.importers.base import Item, parse_json_lines
from paperscope.models import (
    PAPER_FIELDS,
    InvalidPaper,
    Paper,
    Version,
    canonical,
    is_hash_id,
    parse_arxiv_id,
    validate,
)

NAME = "jsonl"
SOURCE = "jsonl"

_LIST_FIELDS = {"authors", "categories", "sources"}
_TEXT_FIELDS = {"title", "abstract", "doi", "journal_ref", "comments", "license", "submitter",
                "submitted_by", "journal", "volume", "issue", "pages"}  # fmt: skip
_DATE_FIELDS = {"published", "updated", "feed_date"}


# Every line this module writes starts with the id and the title; an arXiv
# snapshot line starts {"id":"...","submitter":.
_OWN_LINE = re.compile(rb'\s*\{"id":"(?:t-[0-9a-f]{16}|[^"\\]{1,40})","title":"')


def detect(head: bytes) -> bool:
    """Our own export: its first line's opening, or, for a file written by
    another tool in another field order, two of our fields in the first
    64 KiB (a first record with a 100k-character abstract fills all of it)."""
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    if _OWN_LINE.match(head):
        return True
    return head.lstrip()[:1] == b"{" and b'"author_count"' in head and b'"sources"' in head


def to_dict(paper: Paper) -> dict:
    """The JSON-ready form of a paper, fields in a fixed order."""
    data = {name: getattr(paper, name) for name in PAPER_FIELDS}
    data["versions"] = [
        {"version": v.version, "created": v.created, "size": v.size} for v in paper.versions
    ]
    return data


def dumps(paper: Paper) -> bytes:
    """One line of the format, newline included."""
    return orjson.dumps(to_dict(paper)) + b"\n"


def write(papers: Iterable[Paper], out: BinaryIO) -> int:
    """Write papers to a binary stream; returns how many were written."""
    n = 0
    for paper in papers:
        out.write(dumps(paper))
        n += 1
    return n


def parse(stream: BinaryIO) -> Iterator[Item]:
    return parse_json_lines(stream, from_dict)


def from_dict(data: object) -> Paper:
    """Rebuild a paper from :func:`to_dict` output, checking every field's type."""
    if not isinstance(data, dict):
        raise InvalidPaper(f"expected a JSON object, got {type(data).__name__}")
    unknown = set(data) - set(PAPER_FIELDS)
    if unknown:
        raise InvalidPaper(f"unknown field(s): {', '.join(sorted(unknown))}")
    for name in ("id", "title"):
        if not isinstance(data.get(name), str) or not data[name]:
            raise InvalidPaper(f'"{name}" must be a non-empty string')
    paper_id = data["id"]
    if not is_hash_id(paper_id) and (parse_arxiv_id(paper_id) or ("",))[0] != paper_id:
        raise InvalidPaper(f"id {paper_id[:60]!r} is neither an arXiv id nor a t- title hash")
    values = {}
    for name in PAPER_FIELDS:
        if name not in data or name == "versions":
            continue
        value = data[name]
        if name in _LIST_FIELDS and not _list_of_str(value):
            raise InvalidPaper(f'"{name}" must be a list of strings')
        if name in _TEXT_FIELDS and not isinstance(value, str):
            raise InvalidPaper(f'"{name}" must be a string')
        if name in _DATE_FIELDS and value is not None and not isinstance(value, str):
            raise InvalidPaper(f'"{name}" must be a date string or null')
        if name == "links" and not (
            isinstance(value, dict) and all(isinstance(v, str) for v in value.values())
        ):
            raise InvalidPaper('"links" must map names to URL strings')
        if name in ("author_count", "upvotes") and not (
            value is None or (isinstance(value, int) and not isinstance(value, bool))
        ):
            raise InvalidPaper(f'"{name}" must be an integer')
        values[name] = value
    if values.get("upvotes") is None:
        values["upvotes"] = 0
    values["versions"] = _versions(data.get("versions") or [])
    paper = Paper(**values)
    validate(paper)
    return canonical(paper)


def _list_of_str(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _versions(value: object) -> list[Version]:
    if not isinstance(value, list):
        raise InvalidPaper('"versions" must be a list')
    versions = []
    for v in value:
        if not isinstance(v, dict) or not isinstance(v.get("version"), int):
            raise InvalidPaper('each of "versions" must be an object with an integer "version"')
        versions.append(Version(v["version"], v.get("created"), v.get("size")))
    return versions
