"""arXiv's bulk metadata snapshot: the JSON-lines file distributed on Kaggle.

One JSON object a line with ``id``, ``title``, ``abstract``, ``authors``,
``authors_parsed`` ([last, first, suffix, affiliation...]), ``categories``
(space-separated), ``versions`` ([{"version": "v1", "created": RFC 2822 date}]),
``doi``, ``journal-ref``, ``comments``, ``license``, ``submitter`` and
``update_date``. Published is the v1 date, updated the last version's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

from paperscope.importers.base import Item, parse_json_lines
from paperscope.models import InvalidPaper, Version, new_paper

NAME = "arxiv-json"
SOURCE = "arxiv-snapshot"

_KEYS = (b'"submitter"', b'"authors_parsed"', b'"update_date"', b'"journal-ref"')


def detect(head: bytes) -> bool:
    first = head.lstrip()[:1]
    return first == b"{" and any(key in head for key in _KEYS)


def parse(stream: BinaryIO) -> Iterator[Item]:
    return parse_json_lines(stream, to_paper)


def to_paper(record: object):
    """Turn one snapshot object into a Paper; InvalidPaper says what is wrong."""
    if not isinstance(record, dict):
        raise InvalidPaper(f"expected a JSON object, got {type(record).__name__}")
    arxiv_id = record.get("id")
    if not isinstance(arxiv_id, str) or not arxiv_id.strip():
        raise InvalidPaper('the record has no "id"')
    title = _str(record, "title")
    versions = _versions(record.get("versions"))
    created = [v.created for v in versions if v.created]
    update_date = _str(record, "update_date")
    return new_paper(
        title=title,
        arxiv_id=arxiv_id,
        source=SOURCE,
        abstract=_str(record, "abstract"),
        authors=_authors(record),
        published=created[0] if created else None,
        updated=created[-1] if created else (update_date or None),
        versions=versions,
        categories=_str(record, "categories").split(),
        doi=_str(record, "doi").split(" ")[0],
        journal_ref=_str(record, "journal-ref"),
        comments=_str(record, "comments"),
        license=_str(record, "license"),
        submitter=_str(record, "submitter"),
    )


def _str(record: dict, key: str) -> str:
    value = record.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidPaper(f'"{key}" should be a string, not {type(value).__name__}')
    return value


def _authors(record: dict) -> list[str]:
    parsed = record.get("authors_parsed")
    if isinstance(parsed, list) and parsed:
        names = []
        for i, parts in enumerate(parsed, 1):
            if not isinstance(parts, list) or not all(isinstance(p, str) for p in parts):
                raise InvalidPaper(f"authors_parsed entry {i} is not a list of strings")
            last, first, suffix = (parts + ["", "", ""])[:3]
            name = f"{first} {last}" if first else last
            names.append(f"{name} {suffix}" if suffix else name)
        return names
    # Older dumps lack authors_parsed: split the display string.
    raw = _str(record, "authors")
    return [a.strip() for a in re.split(r",\s*|\s+and\s+", raw) if a.strip()]


def _versions(value: object) -> list[Version]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise InvalidPaper('"versions" should be a list')
    versions = []
    for i, v in enumerate(value, 1):
        if not isinstance(v, dict):
            raise InvalidPaper(f"version {i} is not an object")
        label = str(v.get("version") or f"v{i}")
        if not re.fullmatch(r"v\d+", label):
            raise InvalidPaper(f"version {i} has a bad label {label[:20]!r}")
        created = v.get("created")
        versions.append(Version(int(label[1:]), rfc2822_to_iso(created) if created else None))
    versions.sort(key=lambda v: v.version)
    return versions


_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTHS = {m: i for i, m in enumerate(_MONTH_NAMES, 1)}


def rfc2822_to_iso(text: str) -> str:
    """'Mon, 2 Apr 2007 19:18:42 GMT' -> '2007-04-02T19:18:42Z' (fast path, then stdlib)."""
    parts = text.split()
    try:
        if len(parts) == 6 and parts[5] in ("GMT", "UTC", "+0000"):
            day, month, year, clock = int(parts[1]), _MONTHS[parts[2]], int(parts[3]), parts[4]
            if len(clock) == 8 and 1 <= day <= 31:
                return f"{year:04d}-{month:02d}-{day:02d}T{clock}Z"
    except (KeyError, ValueError):
        pass
    from datetime import UTC
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        raise InvalidPaper(f"version date {text[:40]!r} is not an RFC 2822 date") from None
    if when.tzinfo is not None:
        when = when.astimezone(UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")
