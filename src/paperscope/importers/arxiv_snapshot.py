"""arXiv's bulk metadata snapshot: the JSON-lines file distributed on Kaggle.

One JSON object a line with ``id``, ``title``, ``abstract``, ``authors``,
``authors_parsed`` ([last, first, suffix, affiliation...]), ``categories``
(space-separated), ``versions`` ([{"version": "v1", "created": RFC 2822 date}]),
``doi``, ``journal-ref``, ``comments``, ``license``, ``submitter`` and
``update_date``. Published is the v1 date, updated the last version's.

The helpers every arXiv importer shares live here too: :func:`rfc2822_to_iso`
for arXiv's version dates, :func:`version_number` for its ``v2`` labels and
:func:`arxiv_name` for author names, which arXiv writes with TeX accents
(``\\c{C}elik``) in its raw metadata and shows decoded in its listings (and in
the snapshot's ``authors_parsed``), so every source gives one spelling.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import BinaryIO

from paperscope.importers.base import Item, parse_json_lines
from paperscope.models import InvalidPaper, Version, new_paper
from paperscope.tex import unlatex

NAME = "arxiv-json"
SOURCE = "arxiv-snapshot"

_KEYS = (b'"submitter"', b'"authors_parsed"', b'"update_date"', b'"journal-ref"')


def detect(head: bytes) -> bool:
    first = head.removeprefix(b"\xef\xbb\xbf").lstrip()[:1]  # a UTF-8 BOM is allowed
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
            names.append(arxiv_name(f"{name} {suffix}" if suffix else name))
        return names
    # Older dumps lack authors_parsed: split the display string, which has TeX accents.
    raw = _str(record, "authors")
    return [arxiv_name(a) for a in re.split(r",\s*|\s+and\s+", raw) if a.strip()]


def _versions(value: object) -> list[Version]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise InvalidPaper('"versions" should be a list')
    versions = []
    for i, v in enumerate(value, 1):
        if not isinstance(v, dict):
            raise InvalidPaper(f"version {i} is not an object")
        number = version_number(v.get("version") or f"v{i}", i)
        created = v.get("created")
        if created is not None and not isinstance(created, str):
            raise InvalidPaper(f'version {i}: "created" should be a string')
        versions.append(Version(number, rfc2822_to_iso(created) if created else None))
    versions.sort(key=lambda v: v.version)
    return versions


# No arXiv paper comes near this many versions; a bigger number is a broken file
# (and would not fit the database's integers).
MAX_VERSION = 1000
_VERSION_LABEL = re.compile(r"v(\d{1,6})")


def version_number(label: object, i: int) -> int:
    """``"v3"`` -> 3, for the ``i``-th version listed; InvalidPaper for anything else."""
    text = str(label)
    m = _VERSION_LABEL.fullmatch(text)
    if m is None or not 1 <= int(m[1]) <= MAX_VERSION:
        raise InvalidPaper(f"version {i} has a bad label {text[:24]!r} (v1 to v{MAX_VERSION})")
    return int(m[1])


def arxiv_name(name: str) -> str:
    """An author's name as arXiv's listings show it: TeX accents decoded, the
    grouping braces around them dropped (``Mikkel {\\O}bro`` -> ``Mikkel Øbro``)."""
    if "\\" not in name and "{" not in name:
        return name
    return unlatex(name).replace("{", "").replace("}", "")


_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTHS = {m.lower(): i for i, m in enumerate(_MONTH_NAMES, 1)}
# RFC 2822: [day-of-week ","] day month year hour ":" minute [":" second] zone,
# where arXiv always writes "GMT". The obsolete named zones are accepted too.
_RFC2822 = re.compile(
    r"(?:[A-Za-z]{3},\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+"
    r"(\d{2}):(\d{2})(?::(\d{2}))?\s*([A-Za-z]{1,3}|[+-]\d{4})?"
)
_ZONES = {"gmt": 0, "ut": 0, "utc": 0, "z": 0, "edt": -4, "est": -5, "cdt": -5, "cst": -6,
          "mdt": -6, "mst": -7, "pdt": -7, "pst": -8}  # fmt: skip


def rfc2822_to_iso(text: str) -> str:
    """'Mon, 2 Apr 2007 19:18:42 GMT' -> '2007-04-02T19:18:42Z'.

    Strict: a date the calendar lacks, an hour past 23 or a zone beyond ±23:59
    is InvalidPaper naming the text, never an exception from deeper down.
    """
    fast = _fast_gmt(text)  # arXiv's own form, ten times faster than the general one
    if fast is not None:
        return fast
    m = _RFC2822.fullmatch(text.strip())
    problem = "is not an RFC 2822 date"
    if m is not None:
        day, month, year, hour, minute, second, zone = m.groups()
        offset = _offset(zone or "GMT")
        if month.lower() in _MONTHS and offset is not None:
            try:
                when = datetime(
                    int(year), _MONTHS[month.lower()], int(day),
                    int(hour), int(minute), int(second or 0), tzinfo=offset,
                ).astimezone(UTC)  # fmt: skip
            except (ValueError, OverflowError):  # 31 Feb, 25:00, or beyond year 9999
                problem = "is not a time the calendar has"
            else:
                return iso_utc(when)
    raise InvalidPaper(f"version date {text[:40]!r} {problem}")


_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _fast_gmt(text: str) -> str | None:
    """'Mon, 2 Apr 2007 19:18:42 GMT' when it is exactly that and a real time, else None."""
    parts = text.split()
    if len(parts) != 6 or parts[5] != "GMT" or len(clock := parts[4]) != 8:
        return None
    try:
        d, month, y = int(parts[1]), _MONTHS[parts[2].lower()], int(parts[3])
        h, mi, se = int(clock[:2]), int(clock[3:5]), int(clock[6:])
    except (KeyError, ValueError):
        return None
    leap = y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
    last = 28 if month == 2 and not leap else _DAYS[month - 1]
    if (
        not (1 <= y <= 9999 and 1 <= d <= last and h <= 23 and mi <= 59 and se <= 59)
        or min(h, mi, se) < 0
    ):
        return None  # the general path says what is wrong
    return f"{y:04d}-{month:02d}-{d:02d}T{h:02d}:{mi:02d}:{se:02d}Z"


def _offset(zone: str) -> timezone | None:
    if zone[0] in "+-":
        hours, minutes = int(zone[1:3]), int(zone[3:5])
        if hours > 23 or minutes > 59:
            return None
        sign = -1 if zone[0] == "-" else 1
        return timezone(sign * timedelta(hours=hours, minutes=minutes))
    named = _ZONES.get(zone.lower())
    return None if named is None else timezone(timedelta(hours=named))


def iso_utc(when: datetime) -> str:
    """A UTC datetime as paperscope stores times: ``2007-04-02T19:18:42Z``."""
    return (
        f"{when.year:04d}-{when.month:02d}-{when.day:02d}"
        f"T{when.hour:02d}:{when.minute:02d}:{when.second:02d}Z"
    )
