"""The search page: the search of ``paperscope search``, with its filters."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.requests import Request
from fastapi.responses import HTMLResponse, Response

from paperscope.errors import BadInput
from paperscope.library import Library, Listing
from paperscope.search.query import MODES, SearchFilters, parse_mode
from paperscope.urls import paper_url
from paperscope.web import present
from paperscope.web.deps import LibraryDep, PageParam, csrf_protect
from paperscope.web.views import FORMATS, FormatParam, View, errors, respond

router = APIRouter(dependencies=[Depends(csrf_protect)])
SEARCH_PAGE = 25  # hits a search page shows
MAX_SEARCH_PAGE = 1_000


def search_view(library: Library, q: str, mode: str, filters: SearchFilters, page: int,
                limit: int) -> View:  # fmt: skip
    """One page of hits; the listing looks one hit ahead to know whether more follow."""
    offset = (page - 1) * limit
    searched = bool(q.strip()) or not filters.is_empty
    results = library.search(q, mode=mode, filters=filters, limit=limit + 1,
                             offset=offset) if searched else None  # fmt: skip
    hits = results.hits[:limit] if results else []
    more = results is not None and len(results.hits) > limit
    listing = Listing([h.paper for h in hits if h.paper], offset + len(hits) + more, offset,
                      limit, exact=False)  # fmt: skip
    coverage = results.coverage if results else None

    def as_json(base: str) -> dict:
        found = {
            "query": q,
            "mode": mode,
            "filters": {k: v for k, v in vars(filters).items() if v},
            "offset": offset,
            "more": more,
            "hits": [present.hit_json(h, base + paper_url(h.paper)) for h in hits if h.paper],
        }
        if coverage:  # meaning took part: how much of the library it could see
            found["semantic_coverage"] = {"embedded": coverage.embedded, "papers": coverage.papers}
        return found

    label = f"“{q.strip()}”" if q.strip() else "filtered papers"
    return View(
        template="search.html",
        title=f"Search: {label}" if searched else "Search",
        description=f"paperscope search results for {label} ({mode}).",
        papers=listing.papers,
        listing=listing,
        json=as_json,
        context={
            "q": q,
            "mode": mode,
            "modes": MODES,
            "filters": filters,
            "hits": hits,
            "searched": searched,
            "words": present.query_words(q),
            "coverage": coverage,
        },
    )


@router.get(
    "/search",
    response_class=HTMLResponse,
    summary="Search page",
    responses=errors(400, formats=FORMATS),
)
def search(
    request: Request,
    library: LibraryDep,
    q: str = "",
    mode: str = "hybrid",
    date_from: Annotated[str | None, Query(alias="from")] = None,
    date_to: Annotated[str | None, Query(alias="until")] = None,
    cat: Annotated[list[str], Query()] = [],  # noqa: B006 (FastAPI copies defaults)
    author: str | None = None,
    min_upvotes: str | None = None,  # a string: an empty form field means no filter
    page: PageParam = 1,
    format: FormatParam = "html",
) -> Response:
    if page > MAX_SEARCH_PAGE:
        raise BadInput(f"page {page} is past the last search page ({MAX_SEARCH_PAGE})",
                       param="page")  # fmt: skip
    filters = SearchFilters.parse(date_from=date_from, date_to=date_to, categories=cat,
                                  author=author, min_upvotes=min_upvotes)  # fmt: skip
    view = search_view(library, q, parse_mode(mode), filters, page, SEARCH_PAGE)
    return respond(request, view, format)
