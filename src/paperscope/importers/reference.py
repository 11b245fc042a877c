"""What the reference-manager formats share: names, dates, pages, venues, markup.

RIS, EndNote, PubMed/MEDLINE, ISI/Web of Science and CSL-JSON all describe a
published work the same way (people, a date, a journal with volume, issue and
pages, a DOI); this module turns those pieces into a
:class:`~paperscope.models.Paper` by one set of rules:

- Names become display names, given name first, as arXiv shows them:
  "Harrison, Warren" is "Warren Harrison", "Brown, JM" is "J. M. Brown" where
  a format gives initials only.
- ``pages`` is written ``first--last`` (BibTeX's convention, which the BibTeX
  importer keeps), with an abbreviated last page written out: MEDLINE's
  "2457-71" is ``2457--2471``. ``journal_ref`` is the readable line
  "Journal 12(3), 45-67", built as the BibTeX importer builds it.
- A preprint server is no venue: "arXiv" or "CoRR" as the journal gives no
  journal fields, and an arXiv DOI (``10.48550/arXiv.*``) gives the arXiv id,
  not a DOI, as in the BibTeX importer.
- Inline markup in titles and abstracts (the HTML tags Crossref and CSL-JSON
  carry, ``<i>``, ``<sub>``; Inspec's ``/sub 3/``) is removed; sub- and
  superscripts become Unicode ones where Unicode has them (``LiNbO₃``),
  otherwise plain text.
"""

from __future__ import annotations

import re
from datetime import date

from paperscope.models import Paper, new_paper, normalize_doi, normalize_space, parse_arxiv_id
from paperscope.tex import unlatex

_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")  # fmt: skip
_TOKENS = re.compile(r"[A-Za-z]+|\d+")
_SUFFIX = re.compile(r"(?:jr|sr|ii|iii|iv|v)\.?", re.IGNORECASE)
_INITIALS = re.compile(r"[A-Z]{1,4}")
_PREPRINT = re.compile(r"\s*(arxiv|corr)\b", re.IGNORECASE)
_ARXIV_DOI = re.compile(r"10\.48550/arxiv\.(\S+)", re.IGNORECASE)
_ARXIV_NOTE = re.compile(r"\s*arxiv:\s*(\S+)", re.IGNORECASE)
_CLEAR_DOI = re.compile(
    r"\s*(?:doi:?\s*|https?://(?:dx\.)?doi\.org/)?(10\.\d{4,9}/\S+)\s*", re.IGNORECASE
)
_RANGE = re.compile(r"\s*--\s*|\s*[-\u2010-\u2015\u2212]\s*")
_TAG = re.compile(r"</?(?:i|b|u|em|strong|sc|scp|tt|span|sup|sub)(?:\s[^<>]*)?/?>", re.IGNORECASE)
_SCRIPT = re.compile(
    r"<(sub|sup)(?:\s[^<>]*)?>(.*?)</\1\s*>"  # HTML
    r"|/(sub|sup) +([^/]{1,20}?) */",  # Inspec: LiNbO/sub 3/
    re.IGNORECASE | re.DOTALL,
)
_SUB = str.maketrans("0123456789+-=()aeoxhklmnpstijruv", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₒₓₕₖₗₘₙₚₛₜᵢⱼᵣᵤᵥ")
_SUP = str.maketrans("0123456789+-=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ")


# -- names -------------------------------------------------------------------------------


def tex_accents(text: str) -> str:
    """TeX accents decoded in plain-text formats that sometimes carry them
    (``M{\\"u}ller`` from a BibTeX round trip), and only then: a literal
    ``~50 nm`` or ``pages 3--4`` in a RIS title is not TeX."""
    return unlatex(text) if "\\" in text else text


def display_name(name: str, *, initials: bool = False) -> str:
    """ "Family, Given" (or "Family, Given, Suffix") as "Given Family Suffix".

    A name without a comma is kept as written; one with more commas than a
    person's name has (an institution, say) too. With ``initials``, a given
    part that is capitals only ("JM", Web of Science's style) becomes "J. M.".
    """
    parts = [p.strip() for p in normalize_space(name).split(",")]
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        family, given, suffix = parts[0], parts[1], ""
    elif len(parts) == 3 and _SUFFIX.fullmatch(parts[2]):
        family, given, suffix = parts
    elif len(parts) == 3 and _SUFFIX.fullmatch(parts[1]):
        family, suffix, given = parts
    else:
        return normalize_space(name)
    if initials and _INITIALS.fullmatch(given):
        given = " ".join(c + "." for c in given)
    return " ".join(p for p in (given, family, suffix) if p)


def initials_last(name: str) -> str:
    """MEDLINE's short form "Smith JA" as "J. A. Smith"; other names as written."""
    words = normalize_space(name).split()
    if len(words) > 1 and _INITIALS.fullmatch(words[-1]):
        return " ".join([*(c + "." for c in words[-1]), *words[:-1]])
    return " ".join(words)


# -- dates -------------------------------------------------------------------------------


def month_number(word: str) -> int | None:
    """1-12 for an English month name or its abbreviation ("Apr", "april", "Sept.")."""
    word = word.strip(". ").lower()
    if len(word) >= 3:
        for number, name in enumerate(_MONTHS, 1):
            if name.startswith(word):
                return number
    return None


def month_day(text: str) -> tuple[int | None, int | None]:
    """The month and day of a date written loosely: "JUN 14", "June 15", "15 May",
    "2006 May-Jun" (May), "May 2019"; "04 2006" is April (Inspec writes months so).
    Seasons and anything else give (None, None)."""
    tokens = _TOKENS.findall(text)
    for i, token in enumerate(tokens):
        before = tokens[i - 1] if i else ""
        after = tokens[i + 1] if i + 1 < len(tokens) else ""
        if token.isalpha():
            if (month := month_number(token)) is None:
                continue
            day = next((t for t in (after, before) if t.isdigit() and len(t) <= 2), None)
            return month, int(day) if day else None
        if len(token) <= 2 and len(after) == 4 and after.isdigit() and not before:
            return int(token), None
    return None, None


def iso_date(year: int | None, month: int | None = None, day: int | None = None) -> str | None:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, at the precision known; an impossible
    month or day is dropped (never invented), a year outside 1000-2999 gives None."""
    if year is None or not 1000 <= year <= 2999:
        return None
    try:
        if month and day:
            return date(year, month, day).isoformat()
        if month:
            return date(year, month, 1).isoformat()[:7]
    except ValueError:
        pass
    return f"{year:04d}"


# -- pages and venues --------------------------------------------------------------------


def page_range(first: str, last: str = "") -> str:
    """``first--last`` from a first and a last page, or from one string that holds a
    range ("12-34", "12–34", "12--34"); an abbreviated last page is written out.

    A string with more than one dash ("41103-1-3") is kept as written: which dash
    splits it cannot be told.
    """
    first, last = normalize_space(first), normalize_space(last)
    if not last:
        pieces = _RANGE.split(first)
        if len(pieces) != 2 or not all(pieces):
            return first
        first, last = pieces
    if not first or last == first:
        return first or last
    return f"{first}--{_expand(first, last)}"


def _expand(first: str, last: str) -> str:
    """The last page in full: "2457", "71" gives "2471"; anything else stays."""
    n = len(last)
    if last.isdigit() and n < len(first) and first[-n:].isdigit() and first[-n:] < last:
        return first[:-n] + last
    return last


def venue_line(journal: str, volume: str = "", issue: str = "", pages: str = "") -> str:
    """ "Journal 12(3), 45-67": the journal reference pages show (BibTeX's layout)."""
    if not journal:
        return ""
    pages = pages.replace("--", "-")
    return f"{journal}{volume and ' ' + volume}{issue and f'({issue})'}{pages and ', ' + pages}"


def limit_text(size: int, unit: str = "characters") -> str:
    """A size limit for messages: "8 MiB", or "1,000 characters" when not whole MiB."""
    mib, rest = divmod(size, 1 << 20)
    return f"{mib} MiB" if mib and not rest else f"{size:,} {unit}"


# -- identifiers -------------------------------------------------------------------------


def clear_doi(text: str) -> str:
    """The DOI when ``text`` is one and nothing else ("10.x/y", "doi: 10.x/y", a
    doi.org address); "" for text that merely mentions one, as notes may."""
    m = _CLEAR_DOI.fullmatch(text)
    return normalize_doi(m[1]) if m else ""


def arxiv_in(text: str) -> str | None:
    """The arXiv id (no version) in an arXiv address, an arXiv DOI, or text that
    starts with "arXiv:"; None otherwise."""
    if (m := _ARXIV_DOI.search(text)) or (m := _ARXIV_NOTE.match(text)):
        text = m[1]
    found = parse_arxiv_id(text)
    return found[0] if found else None


# -- markup ------------------------------------------------------------------------------


def plain_text(text: str) -> str:
    """Inline markup removed: HTML tags, Inspec's /sub x/; sub- and superscripts kept
    as Unicode ones where every character has one."""
    if "<" not in text and "/su" not in text:
        return normalize_space(text)

    def script(m: re.Match[str]) -> str:
        kind = (m[1] or m[3]).lower()
        inner = normalize_space(_TAG.sub("", m[2] if m[1] else m[4]))
        table = _SUB if kind == "sub" else _SUP
        converted = inner.translate(table)
        return converted if all(c != d for c, d in zip(inner, converted, strict=True)) else inner

    return normalize_space(_TAG.sub("", _SCRIPT.sub(script, text)))


# -- the paper ---------------------------------------------------------------------------


def build(
    source: str,
    *,
    title: str,
    authors: list[str],
    abstract: str = "",
    published: str | None = None,
    doi: str = "",
    arxiv: str | None = None,
    journal: str = "",
    volume: str = "",
    issue: str = "",
    pages: str = "",
    url: str = "",
    links: dict[str, str] | None = None,
) -> Paper:
    """A Paper from the pieces every format has, by this module's rules; raises
    :class:`~paperscope.models.InvalidPaper` for a record that cannot be stored."""
    doi = normalize_doi(doi)
    if m := _ARXIV_DOI.match(doi):
        arxiv, doi = arxiv or arxiv_in(m[0]), ""
    journal = plain_text(journal)
    if _PREPRINT.match(journal):
        journal = volume = issue = pages = ""  # a preprint, not a publication
    volume, issue, pages = map(normalize_space, (volume, issue, pages))
    links = dict(links or {})
    if url.startswith("//"):
        url = "https:" + url  # a scheme-relative address (ScienceDirect's RIS)
    if url.startswith(("https://", "http://")) and not arxiv:
        links.setdefault("url", url)
    return new_paper(
        title=plain_text(title),
        arxiv_id=arxiv,
        source=source,
        abstract=plain_text(abstract),
        authors=authors,
        published=published,
        doi=doi,
        journal=journal,
        volume=volume,
        issue=issue,
        pages=pages,
        journal_ref=venue_line(journal, volume, issue, pages),
        links=links,
    )
