"""Every address of the site: a paper, an author, a collection, a period.

The web pages, the feeds and the email digests all link through these
helpers (the digests live outside the web package, hence this module here).

Ids and names come from imported files and from users, so none is ever
formatted into a path by hand: each helper here percent-encodes every path
segment it is given, and templates and routes build links only through
them (a template that writes ``/papers/{{ id }}`` is a bug). An imported id
such as ``t-/../../logout?`` therefore stays one segment of one path instead
of becoming a form that posts to ``/logout``.

The one slash kept is the one inside an old-style arXiv id
(``hep-th/0601001``), which arXiv itself writes in its URLs; such an id is
checked against arXiv's own pattern first.
"""

from __future__ import annotations

import re
import string
from urllib.parse import quote, urlencode

from paperscope.daily import Period
from paperscope.models import Paper

# arXiv's old-style identifiers: archive(.subject class)/YYMMNNN.
_OLD_ARXIV = re.compile(r"[a-z][a-z-]*(\.[A-Z]{2})?/[0-9]{7}", re.ASCII)


# What quote(text, safe="") writes for each ASCII character, for str.translate:
# an author's name through quote() took 1.7 us, about a quarter of a search
# card's meta line; translated, 0.6 us. Other text goes through quote().
_UNRESERVED = frozenset(string.ascii_letters + string.digits + "-._~")
_ASCII_QUOTED = {n: chr(n) if chr(n) in _UNRESERVED else f"%{n:02X}" for n in range(128)}


def segment(value: str | int) -> str:
    """One path segment: everything but letters, digits and ``-._~`` escaped,
    and a segment of dots (which a browser would resolve) escaped too."""
    text = str(value)
    text = text.translate(_ASCII_QUOTED) if text.isascii() else quote(text, safe="")
    if text in (".", ".."):
        return text.replace(".", "%2E")
    return text


def _paper_segments(paper_id: str) -> str:
    if _OLD_ARXIV.fullmatch(paper_id):
        return paper_id  # letters, digits, '-', '.' and one slash: nothing to escape
    return segment(paper_id)


def paper_url(paper: Paper | str, *action: str) -> str:
    """``/papers/ID`` (or ``/papers/ID/vote`` and the like, with ``action``)."""
    paper_id = paper if isinstance(paper, str) else paper.id
    return "/".join(["/papers", _paper_segments(paper_id), *map(segment, action)])


def author_url(name: str) -> str:
    return "/authors/" + segment(name)


def collection_url(collection_id: int, *action: str) -> str:
    """``/collections/ID`` or one of its actions (``rename``, ``export.bib``, ...)."""
    return "/".join(["/collections", segment(int(collection_id)), *map(segment, action)])


def lens_url(lens_id: int, *action: str) -> str:
    """``/lenses/ID`` or one of its actions (``edit``, ``delete``, ...)."""
    return "/".join(["/lenses", segment(int(lens_id)), *map(segment, action)])


def lens_feed_url(token: str, ext: str) -> str:
    """A lens's feed (``rss``, ``atom`` or ``json``), found by its token alone."""
    return f"/lenses/feed/{segment(token)}.{segment(ext)}"


def shared_url(token: str, *action: str) -> str:
    return "/".join(["/shared", segment(token), *map(segment, action)])


def comment_url(comment_id: int, *action: str) -> str:
    return "/".join(["/comments", segment(int(comment_id)), *map(segment, action)])


def period_url(period: Period) -> str:
    kind = "date" if period.kind == "day" else period.kind
    return f"/papers/{kind}/{segment(period.key)}"


def day_url(day: str) -> str:
    """The feed page of a day given as ``YYYY-MM-DD`` (a paper's feed date)."""
    return "/papers/date/" + segment(day[:10])


def login_url(back: str) -> str:
    """The log-in page, returning to the local path ``back`` afterwards."""
    return "/login?next=" + quote(back, safe="/")


def search_url(**params: str | None) -> str:
    """``/search?...`` with the given parameters (empty ones left out)."""
    given = {k: v for k, v in params.items() if v}
    return "/search" + (f"?{urlencode(given)}" if given else "")


def reset_url(token: str) -> str:
    return "/reset/" + segment(token)


def unsubscribe_url(token: str) -> str:
    return "/unsubscribe/" + segment(token)


def not_interested_url(token: str) -> str:
    """The page of a digest's signed "Not interested" link (routes/digests.py)."""
    return "/not-interested/" + segment(token)
