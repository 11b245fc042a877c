"""Lenses: one saved view of the library, followed everywhere.

A lens is a signed-in person's named query: words in the search box's
language (exclusions included: ``-word``, ``-cat:cs.CV``), any of some
categories, any of some exact author names, and a plain-language
description matched by meaning. It is a page and its JSON twin, RSS and Atom
feeds at an unguessable address, a section of its owner's digest, and, with a
webhook URL, a stream of signed POSTs (:mod:`paperscope.webhooks`). "Follow
this author" and "follow this category" make lenses of one author or one
category; the saved searches digests had before are lenses now (migration
0010).

What matches. A paper matches a lens when it is in one of the lens's
categories (if it names any), has one of its authors (if it names any), and

- matches its words (the keyword search, BM25, with its exclusions), or
- is near its description in meaning: cosine at least ``ABOUT_FLOOR``
  between the description's embedding and the paper's. A match by meaning
  alone has no word to back it, so it must reach the floor that search uses
  when none of a query's words is known (0.40, search/semantic.py), not the
  lower floor of a hybrid search whose keyword hits carry it. The words'
  exclusions apply to these matches too, checked on the paper's text (a word
  excluded is a word the title or abstract has, at a word's start).

A lens with neither words nor a description matches everything in its
categories and by its authors: that is what following an author or a
category is.

Best first fuses the two rankings by reciprocal rank (each list's rank r
counts 1/(60 + r), as the search's hybrid mode does). "Ranked for me" orders
the matches by the owner's taste instead: the cosine between a paper and the
mean embedding of the papers the owner upvoted or saved, a model that needs
no training, explains itself ("near what you saved") and costs one matrix
product; without such papers the lens keeps its own order. A ranked lens is
personal, so what its owner said "not interested" to (on its cards, on "For
you", in a digest) never shows in it again. Newest first
sorts by publication date the ``DEPTH`` best matches of the last
``NEW_DAYS`` days: the page's and the feeds' default, since what people
follow is what is new.

Over a window of days (a digest's period, a webhook's last days) matches are
found exactly: the window's papers are few, so the description is compared
with each of their embeddings instead of asking the nearest-neighbour index,
which would have to be searched deep to find a day's papers among a whole
library's. :class:`WindowMatcher` reads the window once and serves every
lens of a run (the digest job and the webhook job run thousands).
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlsplit

import numpy as np

from paperscope.errors import BadInput
from paperscope.library import Library
from paperscope.models import Paper
from paperscope.search.engine import MAX_PAGE, passes
from paperscope.search.query import ParsedQuery, SearchFilters, parse_query
from paperscope.search.results import Hit
from paperscope.search.semantic import UNKNOWN_WORDS_FLOOR
from paperscope.store.lenses import Lens, LensFields

ABOUT_FLOOR = UNKNOWN_WORDS_FLOOR
NEW_DAYS = 90  # how far back "newest first" looks
DEPTH = 500  # matches ranked before sorting by date, or to fuse
WINDOW_MOST = 5_000  # matches of one lens in a window (a digest's week, a webhook's days)
RRF_K = 60
MAX_LENSES = 50  # per person
MAX_WORDS_CHARS = 500
MAX_ABOUT_CHARS = 500
MAX_AUTHORS = 10
MAX_CATEGORIES = 10
NAME_MAX = 80
SORTS = ("new", "best")
_CATEGORY = re.compile(r"[A-Za-z][A-Za-z-]*(\.[A-Za-z-]+)?")


class LensError(BadInput):
    """A lens setting that cannot be used; the message says which and why."""


# -- what a lens may hold ------------------------------------------------------------


def lens_fields(
    *,
    name: str = "",
    q: str = "",
    categories: Iterable[str] = (),
    authors: Iterable[str] = (),
    about: str = "",
    ranked: bool = False,
    in_digest: bool = True,
    webhook_url: str = "",
    allow_private_webhooks: bool = False,
) -> LensFields:
    """A lens's settings from a form or the API, checked; LensError names the first bad one.

    Categories and authors may come as lists or as one comma-separated
    field. A lens without a name is named after what it holds."""
    q, about = " ".join(q.split()), " ".join(about.split())
    cats = _split(categories)
    people = _split(authors)
    if len(q) > MAX_WORDS_CHARS:
        raise LensError(f"the words of a lens are at most {MAX_WORDS_CHARS} characters", param="q")
    if len(about) > MAX_ABOUT_CHARS:
        raise LensError(
            f"the description of a lens is at most {MAX_ABOUT_CHARS} characters", param="about"
        )
    if len(cats) > MAX_CATEGORIES:
        raise LensError(f"a lens has at most {MAX_CATEGORIES} categories", param="categories")
    for cat in cats:
        if len(cat) > 40 or not _CATEGORY.fullmatch(cat):
            raise LensError(
                f"{cat[:40]!r} is not an arXiv category such as cs.LG", param="categories"
            )
    if len(people) > MAX_AUTHORS:
        raise LensError(f"a lens follows at most {MAX_AUTHORS} authors", param="authors")
    for person in people:
        if len(person) > 200 or not any(ch.isalpha() for ch in person):
            raise LensError(f"{person[:40]!r} is not an author's name", param="authors")
    if not (q or about or cats or people):
        raise LensError("a lens needs words, a description, a category or an author")
    name = " ".join(name.split()) or describe_parts(q, cats, people, about)
    name = name[:NAME_MAX].strip()
    url = check_webhook_url(webhook_url.strip(), allow_private=allow_private_webhooks)
    return LensFields(name, q, cats, people, about, ranked, in_digest, url)


def _split(values: Iterable[str] | str) -> list[str]:
    """Items of a list, or of comma-separated fields, stripped, each once."""
    if isinstance(values, str):
        values = [values]
    items = (" ".join(part.split()) for value in values for part in value.split(","))
    return list(dict.fromkeys(item for item in items if item))


def describe_parts(q: str, cats: Sequence[str], people: Sequence[str], about: str = "") -> str:
    parts = [f"“{q}”"] if q else []
    if people:
        parts.append("by " + " or ".join(people))
    if cats:
        parts.append("in " + " or ".join(cats))
    if about and not parts:
        parts.append(f"about {about[:60]}")
    return " ".join(parts)


def describe(lens: Lens) -> str:
    """How a lens reads in an email or on a page."""
    return describe_parts(lens.q, lens.categories, lens.authors, lens.about)


def check_webhook_url(url: str, *, allow_private: bool) -> str:
    """An http(s) URL to POST to; with ``allow_private`` off (production), a
    literal private, loopback or link-local address, or a name such as
    ``localhost``, is refused here, and every address a name resolves to is
    checked again at each delivery (paperscope.webhooks)."""
    if not url:
        return ""
    if len(url) > 2_000:
        raise LensError("a webhook URL is at most 2,000 characters", param="webhook_url")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise LensError(
            f"the webhook URL {url[:80]!r} is not an http:// or https:// address",
            param="webhook_url",
        )
    try:
        parts.port  # noqa: B018 (raises for a port out of range)
    except ValueError:
        raise LensError(
            f"the webhook URL {url[:80]!r} has a bad port", param="webhook_url"
        ) from None
    if not allow_private:
        host = parts.hostname.rstrip(".").lower()
        if host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
            raise LensError(f"webhooks may not go to {host}", param="webhook_url")
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return url
        if not address.is_global:
            raise LensError(
                f"webhooks may not go to the private or reserved address {host}",
                param="webhook_url",
            )
    return url


# -- matching --------------------------------------------------------------------------


@dataclass
class Match:
    """A paper a lens matched, and why: ``why`` has ``keyword_rank`` and/or
    ``cosine`` (to the description), and ``taste`` when ranked for its owner."""

    paper: Paper
    score: float
    why: dict


def _filters(lens: Lens, first: str | None, last: str | None) -> list[SearchFilters]:
    """One set of search filters per author (the search filters one exact
    author), or one without an author."""
    authors: Sequence[str | None] = lens.authors or [None]
    return [SearchFilters(date_from=first, date_to=last, categories=list(lens.categories),
                          author=a) for a in authors]  # fmt: skip


def excluded(paper: Paper, query: ParsedQuery) -> bool:
    """Whether the query's exclusions rule a paper out, checked on its text
    (for matches by meaning, which the keyword index did not filter)."""
    text = f"{paper.title}\n{paper.abstract}".casefold()
    for word in query.excluded:
        if re.search(r"(?<!\w)" + re.escape(word.casefold()), text):
            return True
    fields = query.excluded_fields
    title = paper.title.casefold()
    if any(re.search(r"(?<!\w)" + re.escape(v.casefold()), title) for v in fields.get("title", [])):
        return True
    names = " ".join(paper.authors).casefold()
    if any(v.casefold() in names for v in fields.get("author", [])):
        return True
    cats = {c.lower() for c in paper.categories}
    return any(c.lower() in cats for c in fields.get("cat", []))


def _search(library: Library, text: str, mode: str, filters: SearchFilters,
            most: int) -> list[Hit]:  # fmt: skip
    """Up to ``most`` hits of a search, a page of the search's largest
    (MAX_PAGE) at a time, until one comes back short."""
    hits: list[Hit] = []
    while len(hits) < most:
        wanted = min(MAX_PAGE, most - len(hits))
        found = library.search(text, mode=mode, filters=filters, limit=wanted, offset=len(hits))
        hits += found.hits
        if len(found.hits) < wanted or mode == "semantic":  # meaning is not paged deeper
            break
    return hits


def _by_words(library: Library, lens: Lens, first: str | None, last: str | None,
              depth: int) -> list[Hit]:  # fmt: skip
    """Keyword matches (all of them, for a lens with neither words nor
    description: the filters alone), best first, each once."""
    hits: dict[str, Hit] = {}
    for filters in _filters(lens, first, last):
        for hit in _search(library, lens.q, "keyword", filters, depth):
            # An id or a title the words name exactly is put first by search
            # whatever the filters: only what the filtered search found counts.
            if "keyword_rank" in hit.why and hit.id not in hits:
                hits[hit.id] = hit
    ranked = sorted(hits.values(), key=lambda h: -h.score)
    for rank, hit in enumerate(ranked, 1):
        hit.why = {"keyword_rank": rank}
    return ranked


def _by_meaning(library: Library, lens: Lens, first: str | None, last: str | None,
                depth: int) -> list[Hit]:  # fmt: skip
    """Matches of the description over the whole library (nearest neighbours,
    then filtered), at or above ABOUT_FLOOR."""
    hits: dict[str, Hit] = {}
    for filters in _filters(lens, first, last):
        for hit in _search(library, lens.about, "semantic", filters, depth):
            cosine = float(hit.why.get("cosine", 0.0))
            if cosine >= ABOUT_FLOOR and hit.id not in hits:
                hits[hit.id] = Hit(hit.id, cosine, {"cosine": round(cosine, 4)}, hit.paper)
    return sorted(hits.values(), key=lambda h: -h.score)


def fuse(by_words: list[Hit], by_meaning: list[Hit], query: ParsedQuery) -> list[Match]:
    """The two rankings as one, by reciprocal rank; meaning's matches that the
    words' exclusions rule out are dropped."""
    scores: dict[str, float] = {}
    why: dict[str, dict] = {}
    papers: dict[str, Paper] = {}
    for rank, hit in enumerate(by_words, 1):
        scores[hit.id] = 1 / (RRF_K + rank)
        why[hit.id] = dict(hit.why)
        if hit.paper is not None:
            papers[hit.id] = hit.paper
    for rank, hit in enumerate(by_meaning, 1):
        if hit.paper is None or (hit.id not in scores and excluded(hit.paper, query)):
            continue
        scores[hit.id] = scores.get(hit.id, 0.0) + 1 / (RRF_K + rank)
        why.setdefault(hit.id, {}).update(hit.why)
        papers.setdefault(hit.id, hit.paper)
    ordered = sorted((pid for pid in scores if pid in papers), key=lambda pid: -scores[pid])
    return [Match(papers[pid], scores[pid], why[pid]) for pid in ordered]


def matches(
    library: Library,
    lens: Lens,
    *,
    sort: str = "new",
    today: date,
    limit: int = 50,
    offset: int = 0,
) -> list[Match]:
    """A page of the lens's matches over the whole library: newest first (of
    the last NEW_DAYS days) or best first. The caller asks for one more than
    it shows to know whether more follow."""
    if sort not in SORTS:
        raise LensError(f"sort {sort[:20]!r} is not one of {', '.join(SORTS)}", param="sort")
    first = (today - timedelta(days=NEW_DAYS)).isoformat() if sort == "new" else None
    depth = DEPTH if sort == "new" or lens.ranked else min(DEPTH, offset + limit)
    query = parse_query(lens.q)
    words = _by_words(library, lens, first, None, depth) if lens.q or not lens.about else []
    meaning = _by_meaning(library, lens, first, None, depth) if lens.about else []
    found = fuse(words, meaning, query)
    if lens.ranked:
        found = by_taste(library, lens.user_id, found)
    if sort == "new":
        found.sort(key=lambda m: m.paper.published or m.paper.feed_date or "", reverse=True)
    return found[offset : offset + limit]


def by_taste(library: Library, user_id: int, found: list[Match]) -> list[Match]:
    """``found`` ordered by the cosine to the mean embedding of what the
    person upvoted or saved (as it was if they have none with an embedding),
    less the papers they said "not interested" to."""
    dismissed = library.feedback.dismissed([user_id]).get(user_id, set())
    found = [m for m in found if m.paper.id not in dismissed]
    liked = list(library.people.interests([user_id]).get(user_id, {}))
    if not found or not liked:
        return found
    index = library.engine.vector_index()
    mine = index.vectors(liked)
    if not mine:
        return found
    centre = np.mean([v / (np.linalg.norm(v) or 1.0) for v in mine.values()], axis=0)
    centre /= np.linalg.norm(centre) or 1.0
    vectors = index.vectors(m.paper.id for m in found)
    for match in found:
        vector = vectors.get(match.paper.id)
        taste = (
            float(vector @ centre / (np.linalg.norm(vector) or 1.0)) if vector is not None else -1.0
        )
        match.why["taste"] = round(taste, 4)
        match.score = taste
    return sorted(found, key=lambda m: -m.score)


class WindowMatcher:
    """Every lens's matches among the papers published from day ``first`` to
    day ``last`` (as the digests' saved searches had it: the feed's papers
    have the digest's own section), exactly: one read of the window's
    papers and embeddings, each description embedded once (in batches), and
    the words run through the keyword index with the window as a filter."""

    def __init__(self, library: Library, first: date, last: date):
        self.library = library
        self.first, self.last = first.isoformat(), last.isoformat()
        ids = sorted(library.recent_ids(first, last))
        self.papers = {
            p.id: p
            for p in library.store.get_many(ids)
            if p.published and self.first <= p.published[:10] <= self.last
        }
        self._ids: list[str] = []
        self._matrix: np.ndarray | None = None
        self._about: dict[str, np.ndarray] = {}
        self.searches = 0
        self.embedded = 0  # descriptions embedded by this run (not read as stored)

    def _vectors(self) -> tuple[list[str], np.ndarray]:
        if self._matrix is None:
            index = self.library.engine.vector_index()
            found = index.vectors(self.papers) if not index.empty else {}
            self._ids = list(found)
            rows = [v / (np.linalg.norm(v) or 1.0) for v in found.values()]
            self._matrix = np.array(rows, dtype=np.float32) if rows else np.zeros((0, 1))
        return self._ids, self._matrix

    def prepare(self, lenses: Iterable[Lens]) -> None:
        """Have the descriptions of ``lenses`` embedded: those stored by an
        earlier run are read (lens_about_vectors), the rest embedded in one
        batch and stored, so a description is embedded once, ever."""
        texts = list(dict.fromkeys(lens.about for lens in lenses if lens.about))
        texts = [t for t in texts if t not in self._about]
        if not texts or not self._vectors()[0]:
            return
        embedder = self.library.engine.embedder()
        model = embedder.model_name
        hashes = {t: hashlib.sha256(t.encode()).hexdigest() for t in texts}
        stored = self.library.lenses.about_vectors(list(hashes.values()), model)
        missing = [t for t in texts if hashes[t] not in stored]
        made: dict[str, bytes] = {}
        if missing:
            for text, vector in zip(missing, embedder.encode(missing), strict=True):
                unit = (vector / (np.linalg.norm(vector) or 1.0)).astype(np.float32)
                made[hashes[text]] = unit.tobytes()
            self.library.lenses.keep_about_vectors(model, made)
            self.embedded += len(missing)
        for text in texts:
            raw = stored.get(hashes[text]) or made[hashes[text]]
            self._about[text] = np.frombuffer(raw, dtype=np.float32)

    def matches(self, lens: Lens, limit: int | None = None) -> list[Match]:
        """The lens's matches in the window, best first (by taste when ranked)."""
        if not self.papers:
            return []
        query = parse_query(lens.q)
        words: list[Hit] = []
        if lens.q or not lens.about:
            words = self._by_words(lens)
        meaning = self._by_meaning(lens) if lens.about else []
        found = fuse(words, meaning, query)
        if lens.ranked:
            found = by_taste(self.library, lens.user_id, found)
        return found if limit is None else found[:limit]

    def _by_words(self, lens: Lens) -> list[Hit]:
        """The keyword search, the window's days as a filter on the publication date."""
        self.searches += 1
        hits = _by_words(self.library, lens, self.first, self.last, WINDOW_MOST)
        for hit in hits:
            hit.paper = hit.paper or self.papers.get(hit.id)
        return [h for h in hits if h.id in self.papers]

    def _by_meaning(self, lens: Lens) -> list[Hit]:
        ids, matrix = self._vectors()
        if not ids:
            return []
        self.prepare([lens])
        scores = matrix @ self._about[lens.about]
        keep = np.flatnonzero(scores >= ABOUT_FLOOR)
        hits = []
        for row in keep[np.argsort(-scores[keep], kind="stable")]:
            paper = self.papers[ids[row]]
            filtered = lens.categories or lens.authors
            if filtered and not any(passes(paper, f) for f in _filters(lens, None, None)):
                continue
            cosine = float(scores[row])
            hits.append(Hit(paper.id, cosine, {"cosine": round(cosine, 4)}, paper))
        return hits


def dry_run(library: Library, fields: LensFields, user_id: int, *, today: date,
            days: int = 7) -> list[Match]:  # fmt: skip
    """What a lens with these settings would have matched in the last ``days`` days."""
    lens = Lens(id=0, user_id=user_id, name=fields.name, q=fields.q,
                categories=tuple(fields.categories), authors=tuple(fields.authors),
                about=fields.about, ranked=fields.ranked)  # fmt: skip
    return WindowMatcher(library, today - timedelta(days=days), today).matches(lens)
