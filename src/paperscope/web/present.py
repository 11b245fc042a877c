"""How papers look to the outside: JSON shapes, excerpts and highlighted text.

Everything here takes untrusted text (titles, abstracts, author names and
queries come from imported files and users) and returns either plain data
for JSON or :class:`markupsafe.Markup` whose every user character has been
escaped first. Templates never mark user text safe themselves.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import quote

from markupsafe import Markup, escape

from paperscope.daily import Trend
from paperscope.models import Paper
from paperscope.search.query import parse_query
from paperscope.search.results import Hit

EXCERPT_CHARS = 300
# Inline and display math as KaTeX's auto-render reads it: highlights must not
# cut through a formula, or the browser cannot render it.
_MATH = re.compile(r"\$\$.+?\$\$|\$[^$]+?\$|\\\(.+?\\\)|\\\[.+?\\\]", re.S)
_WORD = re.compile(r"\w+")
# English endings the index's stemmer removes: "networks" and "networking"
# highlight for "network", "learned" for "learning".
_SUFFIX = re.compile(r"(?:ing|ed|es|s|ly|al|ation|ations)$")


def paper_path(paper: Paper) -> str:
    """A paper's address on the site (arXiv ids like ``hep-th/0601001`` keep their slash)."""
    return "/papers/" + quote(paper.id, safe="/")


def paper_json(paper: Paper, url: str) -> dict:
    """A paper as the JSON API gives it; the field names follow the Hugging
    Face papers API where it has the same thing (``summary``, ``publishedAt``)."""
    return {
        "id": paper.id,
        "title": paper.title,
        "summary": paper.abstract,
        "authors": [{"name": name} for name in paper.authors],
        "numAuthors": paper.author_count or len(paper.authors),
        "publishedAt": paper.published,
        "updatedAt": paper.updated,
        "versions": [
            {"version": v.version, "created": v.created, "size": v.size} for v in paper.versions
        ],
        "categories": paper.categories,
        "doi": paper.doi or None,
        "journalRef": paper.journal_ref or None,
        "comments": paper.comments or None,
        "license": paper.license or None,
        "links": links(paper),
        "upvotes": paper.total_upvotes,
        "submittedOnDailyAt": paper.feed_date,
        "submittedBy": paper.submitted_by or None,
        "sources": paper.sources,
        "url": url,
    }


def daily_item(paper: Paper, url: str) -> dict:
    """One entry of ``/api/daily_papers``: the paper and its feed facts, as on HF."""
    return {
        "paper": paper_json(paper, url),
        "title": paper.title,
        "summary": paper.abstract,
        "publishedAt": paper.published,
        "submittedOnDailyAt": paper.feed_date,
        "submittedBy": paper.submitted_by or None,
    }


def hit_json(hit: Hit, url: str) -> dict:
    assert hit.paper is not None
    return {"paper": paper_json(hit.paper, url), "score": hit.score, "why": hit.why}


def trend_json(trend: Trend, url: str) -> dict:
    return {"paper": paper_json(trend.paper, url), "trending": trend.as_dict()}


def links(paper: Paper) -> dict[str, str]:
    """Where to read the paper: arXiv page and PDF, DOI, code, and any others
    the source gave. Only http(s) URLs pass: a ``javascript:`` link from an
    imported file must never become a clickable link."""
    found: dict[str, str] = {}
    if paper.arxiv_id:
        found["arxiv"] = f"https://arxiv.org/abs/{paper.arxiv_id}"
        found["pdf"] = f"https://arxiv.org/pdf/{paper.arxiv_id}"
    if paper.doi:
        found["doi"] = f"https://doi.org/{paper.doi}"
    for name, url in paper.links.items():
        if name not in found and is_web_url(url):
            found[name] = url
    return found


def is_web_url(url: str) -> bool:
    return bool(re.match(r"https?://[^\s<>\"']+$", url or "", re.I))


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """``text`` cut at a word boundary near ``limit`` characters, with an ellipsis,
    never inside a formula (a half formula renders as an error)."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    cut = cut if cut > limit // 2 else limit
    for m in _MATH.finditer(text):
        if m.start() < cut < m.end():
            cut = m.start()
            break
    return text[:cut].rstrip(" ,;:") + " …"


def query_words(query: str) -> list[str]:
    """The words of a search query worth highlighting: free words, phrase
    words and title: values; not exclusions, authors or categories."""
    parsed = parse_query(query)
    words: list[str] = []
    for chunk in [*parsed.terms, *parsed.phrases, *parsed.fields.get("title", [])]:
        words += [w.lower() for w in _WORD.findall(chunk) if len(w) > 1]
    return list(dict.fromkeys(words))


def highlight(text: str, words: Iterable[str]) -> Markup:
    """``text`` escaped, with each word of ``words`` (and its inflections)
    wrapped in ``<mark>``; formulas are left whole for the math renderer."""
    stems = sorted({_stem(w) for w in words if w}, key=len, reverse=True)
    if not stems:
        return escape(text)
    pattern = re.compile(
        r"\b(?:" + "|".join(re.escape(s) for s in stems) + r")\w*", re.I | re.UNICODE
    )
    out: list[Markup] = []
    last = 0
    for m in _MATH.finditer(text):
        out.append(_mark(text[last : m.start()], pattern))
        out.append(escape(m.group()))
        last = m.end()
    out.append(_mark(text[last:], pattern))
    return Markup("").join(out)


def _mark(text: str, pattern: re.Pattern) -> Markup:
    pieces: list[Markup] = []
    last = 0
    for m in pattern.finditer(text):
        pieces.append(escape(text[last : m.start()]))
        pieces.append(Markup("<mark>") + escape(m.group()) + Markup("</mark>"))
        last = m.end()
    pieces.append(escape(text[last:]))
    return Markup("").join(pieces)


def _stem(word: str) -> str:
    stem = _SUFFIX.sub("", word.lower())
    return stem if len(stem) >= 3 else word.lower()


def authors_line(paper: Paper, limit: int = 4) -> str:
    """ "A, B, C and 5 others", or "4 authors" when only the count is known."""
    names = paper.authors
    if not names:
        n = paper.author_count or 0
        return f"{n} author{'s' if n != 1 else ''}" if n else ""
    if len(names) <= limit:
        return ", ".join(names)
    rest = (paper.author_count or len(names)) - limit
    return ", ".join(names[:limit]) + f" and {rest} other{'s' if rest != 1 else ''}"
