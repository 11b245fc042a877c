"""How papers look to the outside: JSON shapes, highlighted text and math.

Everything here takes untrusted text (titles, abstracts, author names and
queries come from imported files and users) and returns either plain data
for JSON or :class:`markupsafe.Markup` whose every user character has been
escaped first. Templates never mark user text safe themselves.

Math is found on the server (:func:`paperscope.text.math_spans`, linear
time) and handed to the browser as ``<span class="math">`` elements holding
the escaped formula; the page's script renders exactly those with KaTeX.
Highlights never cut through a formula, and the browser never scans a whole
abstract for delimiters itself.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from typing import NamedTuple
from urllib.parse import urlsplit

from markupsafe import Markup, escape

from paperscope.daily import Trend
from paperscope.models import Paper
from paperscope.search.query import parse_query
from paperscope.search.results import Hit
from paperscope.text import authors_line, excerpt, math_spans, more_authors
from paperscope.urls import author_url, login_url, paper_url

_WORD = re.compile(r"\w+")
# Text that starts like a web address, up to a space, a quote or an angle bracket.
_URL = re.compile(r"\bhttps?://[^\s<>\"'`]+", re.IGNORECASE)
# Punctuation that usually ends the sentence around a URL rather than the URL.
_TRAILING = ".,;:!?)]}*"
# English endings the index's stemmer removes: "networks" and "networking"
# highlight for "network", "learned" for "learning".
_SUFFIX = re.compile(r"(?:ing|ed|es|s|ly|al|ation|ations)$")


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
        # arXiv's own "abs"/"pdf" links from the import are the two above:
        # one link per address, however the source named it.
        if name not in found and is_web_url(url) and _bare(url) not in map(_bare, found.values()):
            found[name] = url
    return found


def _bare(url: str) -> str:
    """A URL as compared for duplicates: no scheme, no trailing slash, any case."""
    return re.sub(r"^https?://(www\.)?", "", url.strip().lower()).rstrip("/")


def is_web_url(url: str) -> bool:
    return bool(re.match(r"https?://[^\s<>\"']+$", url or "", re.I))


def query_words(query: str) -> list[str]:
    """The words of a search query worth highlighting: free words, phrase
    words and title: values; not exclusions, authors or categories."""
    parsed = parse_query(query)
    words: list[str] = []
    for chunk in [*parsed.terms, *parsed.phrases, *parsed.fields.get("title", [])]:
        words += [w.lower() for w in _WORD.findall(chunk) if len(w) > 1]
    return list(dict.fromkeys(words))


def highlight(text: str, words: Iterable[str] = ()) -> Markup:
    """``text`` escaped, with each word of ``words`` (and its inflections)
    wrapped in ``<mark>``, and each formula in a ``<span class="math">`` for
    the browser to render (never highlighted inside: it would not render).

    The pieces are escaped one by one and joined as plain strings: adding
    Markup objects escapes and copies at every step, which made highlighting
    most of a search page's time."""
    pattern = _words_pattern(tuple(words))
    spans = math_spans(text)
    if pattern is None and not spans:
        return escape(text)  # nothing to mark (most titles): the common case, kept cheap
    out: list[str] = []
    last = 0
    for start, end, display in spans:
        _mark(text[last:start], pattern, out)
        out.append(_math(text[start:end], display))
        last = end
    _mark(text[last:], pattern, out)
    return Markup("".join(out))


@functools.lru_cache(maxsize=256)
def _words_pattern(words: tuple[str, ...]) -> re.Pattern[str] | None:
    """What matches any of ``words`` with its inflections (None for no words):
    made once per query, not once per text highlighted."""
    stems = sorted({_stem(w) for w in words if w}, key=len, reverse=True)
    if not stems:
        return None
    # Matched in escaped text (see _mark), never right after "&" or "&#": there
    # only an entity's name or number can start (a text's own "&" is "&amp;").
    alternatives = "|".join(re.escape(s) for s in stems)
    # (\b first: it fails at most places in a text, and the two look-behinds
    # after it then run only at word starts; the same matches, 20% faster.)
    return re.compile(r"\b(?<!&)(?<!&\#)(?:" + alternatives + r")\w*", re.I | re.UNICODE)


def _math(formula: str, display: bool) -> str:
    mode = "display" if display else "inline"
    return f'<span class="math" data-mode="{mode}">{escape(formula)}</span>'


def _mark(text: str, pattern: re.Pattern[str] | None, out: list[str]) -> None:
    """``text`` escaped onto ``out``, each match of ``pattern`` in ``<mark>``.

    The text is escaped whole and marked after: a match is letters and digits
    only, the same escaped or not, and one escape and one ``sub`` in C cost a
    fraction of escaping each piece between the matches."""
    escaped = str(escape(text))
    out.append(escaped if pattern is None else pattern.sub(_marked, escaped))


def _marked(match: re.Match[str]) -> str:
    # A function, not the template r"<mark>\g<0></mark>": Python 3.11 expands
    # a template in Python for every match (a title's marks: 5.0 -> 2.6 us).
    return f"<mark>{match[0]}</mark>"


def _stem(word: str) -> str:
    stem = _SUFFIX.sub("", word.lower())
    return stem if len(stem) >= 3 else word.lower()


def linkify(text: str) -> Markup:
    """Plain text (a comment) as HTML: every character escaped, line breaks
    as ``<br>``, and ``http(s)://`` URLs as links marked ``nofollow ugc``.
    Nothing else becomes a link, so ``javascript:`` or ``data:`` text stays
    text; the URL is escaped into the attribute, where it cannot close the
    quote."""
    out: list[str] = []
    last = 0
    for match in _URL.finditer(text):
        url = _trim(match[0])
        if not urlsplit(url).netloc:
            continue
        out.append(escape(text[last : match.start()]))
        out.append(Markup('<a href="{0}" rel="nofollow ugc noopener">{0}</a>').format(url))
        last = match.start() + len(url)
    out.append(escape(text[last:]))
    return Markup("".join(out)).replace("\n", Markup("<br>\n"))


def comment_html(text: str) -> Markup:
    """A comment as HTML: :func:`linkify` for its text, and its formulas as
    ``span.math`` for the browser's KaTeX, found as in abstracts. Every
    character is escaped either way; a formula is never made a link."""
    spans = math_spans(text)
    if not spans:
        return linkify(text)
    out: list[str] = []
    last = 0
    for start, end, display in spans:
        out += (linkify(text[last:start]), _math(text[start:end], display))
        last = end
    out.append(linkify(text[last:]))
    return Markup("".join(out))


def _trim(url: str) -> str:
    """Drop sentence punctuation after a URL, but keep a closing bracket that
    pairs with one inside it (``https://en.wikipedia.org/wiki/Set_(mathematics)``)."""
    while url and url[-1] in _TRAILING:
        opening = {")": "(", "]": "[", "}": "{"}.get(url[-1])
        if opening and url.count(opening) >= url.count(url[-1]):
            break
        url = url[:-1]
    return url


# Cards kept rendered (each about 1.5 KB, with its facts about 3 KB): a few
# days of the feed, trending, and the cards of recent searches.
CARD_CACHE = 4_096
_DEMO_BADGE = (
    ' <span class="badge" title="Generated by paperscope\'s demo corpus, not a real paper">'
    "demo</span>"
)


class CardFacts(NamedTuple):
    """What a paper's card shows of it, and nothing more. It is the card
    cache's key: a card is rendered again as soon as anything it shows
    changes (an edit, a re-import, a merge), and since :func:`_card_text`
    sees only these facts, it cannot show something the key does not hold.
    Votes are not here: the upvote box is drawn per page (``_vote.html``)."""

    id: str
    title: str
    abstract: str
    authors: tuple[str, ...]
    author_count: int | None
    published: str | None
    feed_date: str | None
    primary_category: str | None
    demo: bool  # from paperscope's demo corpus: the card says so

    @classmethod
    def of(cls, paper: Paper) -> CardFacts:
        return cls(paper.id, paper.title, paper.abstract, tuple(paper.authors),
                   paper.author_count, paper.published, paper.feed_date,
                   paper.primary_category, "demo" in paper.sources)  # fmt: skip


def card_text(paper: Paper, words: Iterable[str] = ()) -> Markup:
    """A paper's card without its upvote box: the title as a link, the meta
    line and the excerpt of the abstract, ``words`` highlighted in both.

    Rendered once per paper and query words, then kept (least recently used
    out first, thread-safe): the daily page shows the same 50 cards to every
    reader, signed in or not, until a paper changes. Built here with f-strings
    and escape(), like :func:`meta_line`: through Jinja, 50 cards were most of
    the daily page's time (bench/README.md, "Pages without the cache")."""
    return _card_text(CardFacts.of(paper), tuple(words))


@functools.lru_cache(maxsize=CARD_CACHE)
def _card_text(card: CardFacts, words: tuple[str, ...]) -> Markup:
    link = f'<a href="{escape(paper_url(card.id))}">{highlight(card.title, words)}</a>'
    badge = _DEMO_BADGE if card.demo else ""
    meta = meta_line(MetaFacts(card.authors, card.author_count, card.published, card.feed_date,
                               card.primary_category))  # fmt: skip
    parts = [f'<h2 class="title tex">{link}{badge}</h2>', f'<p class="meta">{meta}</p>']
    if card.abstract:
        parts.append(f'<p class="abstract tex">{highlight(excerpt(card.abstract), words)}</p>')
    return Markup("\n".join(parts))


class MetaFacts(NamedTuple):
    """What a card's meta line shows: the same whatever a search highlights,
    so a paper found by many searches has its line drawn once."""

    authors: tuple[str, ...]
    author_count: int | None
    published: str | None
    feed_date: str | None
    primary_category: str | None


@functools.lru_cache(maxsize=CARD_CACHE)
def meta_line(paper: MetaFacts, shown: int = 4) -> Markup:
    """The line under a card's title: the first authors as links (and how many
    more), or the author count a page gave; then the dates, each saying which
    date it is (searches filter on the published one); then the category.
    Parts a record lacks are left out, separators with them."""
    parts: list[str] = []
    if paper.authors:
        names = ", ".join(
            f'<a href="{escape(author_url(name))}">{escape(name)}</a>'
            for name in paper.authors[:shown]
        )
        rest = more_authors(paper, shown)
        parts.append(f'<span class="names">{names}{" " + rest if rest else ""}</span>')
    elif line := authors_line(paper):
        parts.append(f'<span class="names">{escape(line)}</span>')
    published = (paper.published or "")[:10]
    if published:
        parts.append(
            f'<span>published <time datetime="{escape(paper.published or "")}">'
            f"{escape(published)}</time></span>"
        )
    feed = (paper.feed_date or "")[:10]
    if feed and feed != published:
        parts.append(
            f'<span>in the feed <time datetime="{escape(paper.feed_date or "")}">'
            f"{escape(feed)}</time></span>"
        )
    if paper.primary_category:
        parts.append(f'<span class="cat">{escape(paper.primary_category)}</span>')
    return Markup(" · ".join(parts))


class VoteBoxes:
    """The upvote boxes of one page, drawn for the person looking, and the
    cards that hold them. Made per page (``Site.page``) with what the boxes
    share: whether the viewer is signed in, their CSRF token, the path a vote
    without JavaScript comes back to, and the papers they voted for.

    A box is a form with a button for someone signed in (htmx swaps it in
    place; without JS the form posts and comes back to ``back``), a count that
    links to the log-in page otherwise. Built with f-strings and escape(), as
    :func:`card_text` is: as Jinja macros, 50 boxes and cards cost a third of
    the daily page's server time (bench/README.md, "Pages without the cache")."""

    def __init__(self, signed_in: bool, csrf: str, back: str, voted: Iterable[str] = ()):
        self.signed_in = signed_in
        self.voted = frozenset(voted)
        self._csrf = escape(csrf)
        self._back = escape(back)
        self._login = escape(login_url(back))

    def box(self, paper_id: str, total: int, voted: bool | None = None) -> Markup:
        """The box of one paper with ``total`` upvotes; ``voted`` defaults to
        whether the viewer's votes hold it."""
        count = (
            f'<span aria-hidden="true">▲</span><b>{int(total)}</b><span class="sr">upvotes</span>'
        )
        if not self.signed_in:
            return Markup(
                f'<a class="votes" href="{self._login}" title="Log in to upvote">{count}</a>'
            )
        on = paper_id in self.voted if voted is None else voted
        url = escape(paper_url(paper_id, "vote"))
        return Markup(
            f'<form class="votes" method="post" action="{url}" hx-post="{url}" hx-swap="outerHTML">\n'
            f'  <input type="hidden" name="csrf" value="{self._csrf}">\n'
            f'  <input type="hidden" name="next" value="{self._back}">\n'
            f'  <button type="submit" class="vote{" on" if on else ""}" '
            f'aria-pressed="{"true" if on else "false"}" '
            f'title="{"Take back your upvote" if on else "Upvote"}">\n'
            f"    {count}\n  </button>\n</form>"
        )

    def card(self, paper: Paper, words: Iterable[str] = (), extra: str = "") -> Markup:
        """A paper in a list: its upvote box and :func:`card_text`, ``words``
        highlighted, and ``extra`` after the text (Markup as it is, plain
        text escaped)."""
        return Markup(
            '<article class="card" tabindex="-1" data-card>\n'
            f"  {self.box(paper.id, paper.total_upvotes)}\n"
            '  <div class="body">\n'
            f"    {card_text(paper, words)}\n"
            f"    {escape(extra)}\n"
            "  </div>\n</article>"
        )

    def cards(self, papers: Iterable[Paper]) -> Markup:
        """The cards of ``papers``, one after the other."""
        return Markup("".join(map(self.card, papers)))

    def hits(self, hits: Iterable[Hit], words: Iterable[str] = ()) -> Markup:
        """A search's cards, each with the line saying why it matched
        (``keyword rank 1``, ``semantic rank 3``, ...); a hit whose paper was
        not read (gone since the search) has no card."""
        words = tuple(words)
        return Markup(
            "".join(
                self.card(hit.paper, words, why_line(hit.why))
                for hit in hits
                if hit.paper is not None
            )
        )


def why_line(why: Mapping[str, object]) -> Markup:
    """What a search hit's ``why`` holds, as the line under its card."""
    spans = "".join(
        f"<span>{escape(k.replace('_', ' '))} {escape(v)}</span>" for k, v in why.items()
    )
    return Markup(f'<p class="why-line">{spans}</p>')
