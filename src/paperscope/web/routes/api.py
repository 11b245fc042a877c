"""The JSON API, documented at /api/docs (OpenAPI at /api/openapi.json).

It follows the Hugging Face papers API where it has the same thing
(``/api/daily_papers?date=|week=|month=&p=&limit=&sort=``, ``summary``,
``publishedAt``). Lists are paged with ``p`` (from 0) and ``limit`` (at most
100) and send a ``Link: <...>; rel="next"`` header while there is more. Every
error is ``{"error": message, "status": code}``, declared below for each route
so that the description lists every answer the API gives.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, Response

from paperscope.daily import parse_period, rank_trending
from paperscope.errors import BadInput
from paperscope.library import Listing
from paperscope.search.query import SearchFilters, parse_mode
from paperscope.urls import paper_url
from paperscope.web import present
from paperscope.web.deps import ApiPageParam, Digits, NowDep, SiteDep, csrf_protect
from paperscope.web.routes.authors import author_view
from paperscope.web.routes.feed import PAGE_SIZE, home_period, trending_view
from paperscope.web.routes.papers import paper_or_404
from paperscope.web.routes.search import search_view
from paperscope.web.views import JSONResponse, errors, next_link

router = APIRouter(dependencies=[Depends(csrf_protect)])
MAX_LIMIT = 100  # the most an API call may ask for
MAX_RERANKED = 10_000  # papers a period re-ranked by trending or date may hold
LimitParam = Annotated[int, Query(ge=1, le=MAX_LIMIT), Digits]


BAD = errors(400)
MISSING = errors(400, 404)


@router.get("/api/daily_papers", summary="Daily papers (like Hugging Face's API)", responses=BAD)
def api_daily(
    request: Request,
    site: SiteDep,
    now: NowDep,
    date: str | None = None,
    week: str | None = None,
    month: str | None = None,
    p: ApiPageParam = 0,
    limit: LimitParam = PAGE_SIZE,
    sort: Annotated[str, Query(description="upvotes, trending or publishedAt")] = "upvotes",
) -> Response:
    library = site.library
    given = {k: v for k, v in (("date", date), ("week", week), ("month", month)) if v}
    if len(given) > 1:
        raise BadInput(f"give one of date, week or month, not {' and '.join(given)}")
    if given:
        ((kind, text),) = given.items()
        period = parse_period({"date": "day"}.get(kind, kind), text)
    else:
        period, _ = home_period(library, now.date())
    if sort not in ("upvotes", "trending", "publishedAt"):
        raise BadInput(f"sort {sort[:20]!r} is not one of upvotes, trending, publishedAt",
                       param="sort")  # fmt: skip
    if sort == "upvotes":
        listing = library.feed(period, limit=limit, offset=p * limit)
        papers = listing.papers
    else:  # re-rank the whole period, then page
        everything = library.feed(period, limit=MAX_RERANKED).papers
        if sort == "trending":
            everything = [t.paper for t in rank_trending(everything, now)]
        else:
            everything.sort(key=lambda x: (x.published or "", x.id), reverse=True)
        papers = everything[p * limit : (p + 1) * limit]
        listing = Listing(papers, len(everything), p * limit, limit)
    base = site.base_url(request)
    items = [present.daily_item(x, base + paper_url(x)) for x in papers]
    return JSONResponse(items, headers=next_link(request, listing, param="p", first=0))


@router.get("/api/papers/search", summary="Search papers", responses=BAD)
def api_search(
    request: Request,
    site: SiteDep,
    q: str = "",
    mode: str = "hybrid",
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT), Digits] = 20,
    p: Annotated[int, Query(ge=0, le=1_000), Digits] = 0,
) -> Response:
    view = search_view(site.library, q, parse_mode(mode), SearchFilters(), p + 1, limit)
    data = view.json(site.base_url(request))["hits"] if view.json else []
    return JSONResponse(data, headers=next_link(request, view.listing, param="p", first=0))


@router.get("/api/papers/{ref:path}", summary="One paper", responses=MISSING)
def api_paper(request: Request, site: SiteDep, ref: str) -> Response:
    paper = paper_or_404(site.library, ref)
    return JSONResponse(present.paper_json(paper, site.base_url(request) + paper_url(paper)))


@router.get("/api/trending", summary="Trending papers with their score parts", responses=BAD)
def api_trending(request: Request, site: SiteDep, now: NowDep,
                 limit: LimitParam = PAGE_SIZE) -> Response:  # fmt: skip
    view = trending_view(site.library, now, limit)
    return JSONResponse(view.json(site.base_url(request)) if view.json else [])


@router.get("/api/authors/{name:path}", summary="An author's papers", responses=MISSING)
def api_author(request: Request, site: SiteDep, name: str, p: ApiPageParam = 0) -> Response:
    view = author_view(site.library, name, p + 1)
    base = site.base_url(request)
    data = [present.paper_json(x, base + paper_url(x)) for x in view.papers]
    return JSONResponse(data, headers=next_link(request, view.listing, param="p", first=0))


@router.get("/api/docs", include_in_schema=False)
def api_docs() -> HTMLResponse:
    page = get_swagger_ui_html(
        openapi_url="/api/openapi.json",
        title="paperscope API",
        swagger_js_url="/static/vendor/swagger-ui-bundle.js",
        swagger_css_url="/static/vendor/swagger-ui.css",
        swagger_favicon_url="/static/favicon.svg",
    )
    # FastAPI starts Swagger UI with an inline script, which the site's
    # Content-Security-Policy refuses: start it from a file of ours instead.
    html = bytes(page.body).decode()
    start = html.rindex("<script>")
    end = html.index("</script>", start) + len("</script>")
    html = html[:start] + '<script src="/static/swagger-init.js"></script>' + html[end:]
    return HTMLResponse(html)
