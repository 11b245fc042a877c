"""The paperscope web service: pages, their JSON and feed twins, and the API.

Every list page is one *view* function that gathers the data once; the page
(``format=html``, the default), its JSON twin (``format=json``) and its RSS
and Atom feeds (``format=rss`` / ``format=atom``) are renderings of that one
result, so they never disagree. The ``/api/`` routes give the same data in
shapes close to the Hugging Face papers API.

Handlers are plain functions run in the server's thread pool: the store gives
each thread its own SQLite connection and the Library serialises index
writes, so one Library serves every request. Anonymous GET responses are kept
in a small cache keyed by URL and the store's change counter (see
:class:`PageCache`), so a busy daily page is rendered once per change.

Build an app with :func:`create_app` (tests pass a temporary database and a
fixed clock); ``paperscope serve`` runs :func:`app_from_env` under uvicorn.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import orjson
from argon2 import PasswordHasher
from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException

from paperscope import __version__
from paperscope.accounts import Accounts
from paperscope.config import Settings
from paperscope.daily import (
    AGE_OFFSET_HOURS,
    GRAVITY,
    TRENDING_DAYS,
    BadPeriod,
    Period,
    day_period,
    month_period,
    parse_period,
    rank_trending,
    week_period,
)
from paperscope.library import MODES, Library, Listing
from paperscope.mail import Mailer
from paperscope.models import Paper
from paperscope.search.query import SearchFilters
from paperscope.submissions import Rules
from paperscope.web import present
from paperscope.web.cache import PageCache
from paperscope.web.collections import install as install_collections
from paperscope.web.collections import paper_context
from paperscope.web.digests import install as install_digests
from paperscope.web.feeds import FEED_TYPES, Feed, render_feed
from paperscope.web.people import install as install_people
from paperscope.web.people import paper_or_404, viewer
from paperscope.web.present import paper_path
from paperscope.web.recommend import install as install_recommend

HERE = Path(__file__).parent
PAGE_SIZE = 50  # papers a page shows
MAX_LIMIT = 100  # the most an API call may ask for
SIMILAR = 8
FORMATS = ("html", "json", "rss", "atom")


class JSONResponse(Response):
    """JSON by orjson: several times faster than the standard library on big lists."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


class BadRequest(Exception):
    """A parameter the user got wrong: shown as a 400 with this message."""


@dataclass
class View:
    """What a list page shows, before it becomes HTML, JSON or a feed."""

    template: str
    title: str  # the page's and the feed's title
    description: str
    papers: list[Paper]
    context: dict[str, Any] = field(default_factory=dict)
    json: Callable[[str], Any] | None = None  # the JSON twin, given the site's base URL
    listing: Listing | None = None  # for pagination links


def create_app(
    settings: Settings | None = None,
    *,
    clock: Callable[[], datetime] | None = None,
    hasher: PasswordHasher | None = None,
) -> FastAPI:
    """A paperscope web app over ``settings.database``.

    ``clock`` gives "now" (UTC): what "today" and "trending" mean; tests fix
    it. ``settings.page_cache=0`` turns the page cache off. ``hasher`` sets
    the argon2 costs (tests make them small).
    """
    settings = settings or Settings.from_env()
    now = clock or (lambda: datetime.now(UTC))
    library = Library(settings.database, replica_url=settings.replica)
    accounts = Accounts(library.store, clock=now, hasher=hasher)
    mailer = Mailer(settings, library.store.files_dir)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        library.close()

    app = FastAPI(
        title="paperscope",
        version=__version__,
        description="Daily papers, search, trending and feeds of a paperscope library.",
        lifespan=lifespan,
        docs_url=None,  # served below, from vendored files instead of a CDN
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.library = library
    app.state.accounts = accounts
    app.state.clock = now
    templates = Jinja2Templates(directory=HERE / "templates")
    env = templates.env
    # Templates are package files: checking each one's mtime on every include
    # (Jinja's default) cost more than rendering the daily page's 50 cards.
    env.auto_reload = False
    env.globals.update(
        paper_url=paper_path,
        author_url=author_path,
        authors_line=present.authors_line,
        excerpt=present.excerpt,
        highlight=present.highlight,
        links=present.links,
        version=__version__,
        trending_days=TRENDING_DAYS,
        gravity=GRAVITY,
        age_offset=AGE_OFFSET_HOURS,
    )
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    if settings.page_cache:
        app.add_middleware(PageCache, version=library.store.data_version, clock=now,
                           entries=settings.page_cache)  # fmt: skip

    def base_url(request: Request) -> str:
        return (settings.base_url or str(request.base_url)).rstrip("/")

    def page(request: Request, template: str, context: dict, status: int = 200) -> Response:
        """A rendered page, told who is looking and which of its papers they voted for."""
        me = viewer(request)
        voted: set[str] = set()
        if me.user is not None:
            shown = [p.id for p in context.get("papers") or []]
            shown += [h.paper.id for h in context.get("similar") or [] if h.paper]
            if context.get("paper") is not None:
                shown.append(context["paper"].id)
            voted = accounts.db.voted(me.user.id, shown)
        context = {"me": me.user, "csrf": me.csrf, "voted": voted, **context}
        return templates.TemplateResponse(request, template, context, status_code=status)

    def respond(request: Request, view: View, fmt: str) -> Response:
        """The view as the format asks: a page, its JSON twin or a feed."""
        base = base_url(request)
        if fmt == "json":
            data = view.json(base) if view.json else [
                present.paper_json(p, base + paper_path(p)) for p in view.papers
            ]  # fmt: skip
            return JSONResponse(data, headers=_next_link(request, view.listing))
        if fmt in FEED_TYPES:
            feed = Feed(
                title=f"paperscope: {view.title}",
                page_url=base + _with_format(request, None),
                feed_url=base
                + request.url.path
                + (f"?{request.url.query}" if request.url.query else ""),
                description=view.description,
                papers=view.papers,
                paper_url=lambda p: base + paper_path(p),
            )
            return Response(render_feed(feed, fmt), media_type=FEED_TYPES[fmt])
        context = {
            "title": view.title,
            "description": view.description,
            "papers": view.papers,
            "listing": view.listing,
            "json_url": _with_format(request, "json"),
            "rss_url": _with_format(request, "rss"),
            "atom_url": _with_format(request, "atom"),
            "next_url": _page_url(request, view.listing, +1),
            "prev_url": _page_url(request, view.listing, -1),
            **view.context,
        }
        return page(request, view.template, context)

    # -- errors ----------------------------------------------------------

    def error(request: Request, status: int, message: str) -> Response:
        if request.url.path.startswith("/api/") or request.query_params.get("format") in (
            "json", "rss", "atom",
        ):  # fmt: skip
            return JSONResponse({"error": message, "status": status}, status_code=status)
        return page(request, "error.html", {"title": f"Error {status}", "status": status,
                                            "message": message}, status)  # fmt: skip

    @app.exception_handler(BadRequest)
    async def bad_request(request: Request, exc: BadRequest) -> Response:
        return error(request, 400, str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = []
        for e in exc.errors():
            where = ".".join(str(p) for p in e.get("loc", ())[1:]) or "request"
            problems.append(f"{where}: {e.get('msg', 'invalid')}")
        return error(request, 400, "; ".join(problems))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else "error"
        if exc.status_code == 404 and message == "Not Found":
            message = f"There is no page at {request.url.path}."
        return error(request, exc.status_code, message)

    # -- the daily feed ----------------------------------------------------

    def daily_view(period: Period, page: int, *, latest_note: bool = False) -> View:
        offset = (page - 1) * PAGE_SIZE
        listing = library.feed(period, limit=PAGE_SIZE, offset=offset)
        if page > 1 and not listing.papers:
            raise BadRequest(f"page {page} is past the end: {period.label} has "
                             f"{listing.total} papers, {PAGE_SIZE} a page")  # fmt: skip
        prev_period, next_period = _neighbours(library, period)
        today = now().date()

        def as_json(base: str) -> dict:
            return {
                "period": {"kind": period.kind, "key": period.key, "label": period.label,
                           "first": period.first.isoformat(), "last": period.last.isoformat()},
                "total": listing.total,
                "offset": listing.offset,
                "papers": [present.daily_item(p, base + paper_path(p)) for p in listing.papers],
                "previous": prev_period and period_path(prev_period),
                "next": next_period and period_path(next_period),
            }  # fmt: skip

        return View(
            template="daily.html",
            title=f"Daily papers: {period.label}",
            description=f"Papers of the daily feed, {period.label}, by upvotes.",
            papers=listing.papers,
            listing=listing,
            json=as_json,
            context={
                "period": period,
                "prev_period": prev_period,
                "next_period": next_period,
                "period_path": period_path,
                "views": {
                    "day": day_period(period.first),
                    "week": week_period(period.first),
                    "month": month_period(period.first.year, period.first.month),
                },
                "latest_note": latest_note and period.first != today,
                "today": today,
                "empty_library": listing.total == 0 and library.latest_feed_day() is None,
            },
        )

    def home_period() -> tuple[Period, bool]:
        today = now().date()
        latest = library.latest_feed_day(today)
        return day_period(latest or today), latest is not None and latest != today

    @app.get("/", response_class=HTMLResponse, summary="Today's daily papers (or the latest day)")
    def home(request: Request, page: int = Query(1, ge=1), format: str = Query("html")):
        period, moved = home_period()
        return respond(request, daily_view(period, page, latest_note=moved), _fmt(format))

    @app.get("/papers/date/{day}", response_class=HTMLResponse, summary="A day of the feed")
    def by_day(request: Request, day: str, page: int = Query(1, ge=1), format: str = "html"):
        return respond(request, daily_view(_period("day", day), page), _fmt(format))

    @app.get("/papers/week/{week}", response_class=HTMLResponse, summary="An ISO week")
    def by_week(request: Request, week: str, page: int = Query(1, ge=1), format: str = "html"):
        return respond(request, daily_view(_period("week", week), page), _fmt(format))

    @app.get("/papers/month/{month}", response_class=HTMLResponse, summary="A month")
    def by_month(request: Request, month: str, page: int = Query(1, ge=1), format: str = "html"):
        return respond(request, daily_view(_period("month", month), page), _fmt(format))

    # -- trending -------------------------------------------------------------

    def trending_view(limit: int) -> View:
        result = library.trending(now(), limit=limit)

        def as_json(base: str) -> dict:
            return {
                "as_of": result.as_of.isoformat(),
                "window_days": TRENDING_DAYS,
                "formula": "upvotes / (age_hours + age_offset_hours) ** gravity",
                "papers": [
                    present.trend_json(t, base + paper_path(t.paper)) for t in result.trends
                ],
            }

        return View(
            template="trending.html",
            title="Trending papers",
            description=f"Papers of the last {TRENDING_DAYS} days by upvotes, decayed by age.",
            papers=[t.paper for t in result.trends],
            json=as_json,
            context={"trending": result},
        )

    @app.get("/trending", response_class=HTMLResponse, summary="Trending papers, with reasons")
    def trending(request: Request, format: str = "html"):
        return respond(request, trending_view(PAGE_SIZE), _fmt(format))

    # -- search ---------------------------------------------------------------

    def search_view(q: str, mode: str, filters: SearchFilters, page: int, limit: int) -> View:
        if mode not in MODES:
            raise BadRequest(f"mode {mode!r} is not one of {', '.join(MODES)}")
        offset = (page - 1) * limit
        searched = bool(q.strip()) or not filters.is_empty
        results = library.search(q, mode=mode, filters=filters, limit=limit + 1,
                                 offset=offset) if searched else None  # fmt: skip
        hits = results.hits[:limit] if results else []
        more = bool(results) and len(results.hits) > limit
        listing = Listing([h.paper for h in hits if h.paper], offset + len(hits) + more,
                          offset, limit)  # fmt: skip

        def as_json(base: str) -> dict:
            return {
                "query": q,
                "mode": mode,
                "filters": {k: v for k, v in vars(filters).items() if v},
                "offset": offset,
                "hits": [present.hit_json(h, base + paper_path(h.paper)) for h in hits],
            }

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
            },
        )

    @app.get("/search", response_class=HTMLResponse, summary="Search page")
    def search(
        request: Request,
        q: str = "",
        mode: str = "hybrid",
        date_from: str | None = Query(None, alias="from"),
        date_to: str | None = Query(None, alias="until"),
        cat: list[str] = Query(default=[]),
        author: str | None = None,
        min_upvotes: str | None = None,  # a string: an empty form field means no filter
        page: int = Query(1, ge=1, le=1_000),
        format: str = "html",
    ):
        filters = _filters(date_from, date_to, cat, author, min_upvotes)
        return respond(request, search_view(q, mode, filters, page, PAGE_SIZE // 2), _fmt(format))

    # -- papers and authors -----------------------------------------------------

    @app.get("/papers/{ref:path}", response_class=HTMLResponse, summary="A paper's page")
    def paper_page(request: Request, ref: str, format: str = "html"):
        paper = paper_or_404(library, ref)
        if paper.id != ref:  # an arXiv id with a version, a DOI, an old id: one address
            target = paper_path(paper) + (f"?format={format}" if format != "html" else "")
            return RedirectResponse(target, status_code=301)
        fmt = _fmt(format, allowed=("html", "json"))
        similar = library.similar(paper.id, limit=SIMILAR)
        if fmt == "json":
            data = present.paper_json(paper, base_url(request) + paper_path(paper))
            data["similar"] = [
                present.hit_json(h, base_url(request) + paper_path(h.paper)) for h in similar.hits
            ]
            return JSONResponse(data)
        return page(request, "paper.html", {
            "title": paper.title, "paper": paper, "similar": similar.hits,
            "json_url": _with_format(request, "json"), **paper_context(request, paper),
        })  # fmt: skip

    def author_view(name: str, page: int) -> View:
        listing = library.author(name, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
        if listing.total == 0:
            raise HTTPException(404, f"No paper here has an author named {name!r}.")
        if not listing.papers:
            raise BadRequest(f"page {page} is past the end: {listing.total} papers")
        return View(
            template="author.html",
            title=f"Papers by {name}",
            description=f"Papers by {name} in this paperscope library, newest first.",
            papers=listing.papers,
            listing=listing,
            context={"name": name},
        )

    @app.get("/authors/{name:path}", response_class=HTMLResponse, summary="An author's papers")
    def author_page(request: Request, name: str, page: int = Query(1, ge=1), format: str = "html"):
        return respond(request, author_view(name, page), _fmt(format))

    # -- the JSON API -------------------------------------------------------------

    @app.get("/api/daily_papers", summary="Daily papers (like Hugging Face's API)")
    def api_daily(
        request: Request,
        date: str | None = None,
        week: str | None = None,
        month: str | None = None,
        p: int = Query(0, ge=0, description="page number, from 0"),
        limit: int = Query(PAGE_SIZE, ge=1, le=MAX_LIMIT),
        sort: str = Query("upvotes", description="upvotes, trending or publishedAt"),
    ):
        given = {k: v for k, v in (("date", date), ("week", week), ("month", month)) if v}
        if len(given) > 1:
            raise BadRequest(f"give one of date, week or month, not {' and '.join(given)}")
        if given:
            ((kind, text),) = given.items()
            period = _period({"date": "day"}.get(kind, kind), text)
        else:
            period, _ = home_period()
        if sort not in ("upvotes", "trending", "publishedAt"):
            raise BadRequest(f"sort {sort!r} is not one of upvotes, trending, publishedAt")
        if sort == "upvotes":
            listing = library.feed(period, limit=limit, offset=p * limit)
            papers = listing.papers
        else:  # re-rank the whole period, then page
            everything = library.feed(period, limit=10_000).papers
            if sort == "trending":
                everything = [t.paper for t in rank_trending(everything, now())]
            else:
                everything.sort(key=lambda x: (x.published or "", x.id), reverse=True)
            papers = everything[p * limit : (p + 1) * limit]
            listing = Listing(papers, len(everything), p * limit, limit)
        base = base_url(request)
        items = [present.daily_item(x, base + paper_path(x)) for x in papers]
        return JSONResponse(items, headers=_next_link(request, listing, param="p", first=0))

    @app.get("/api/papers/search", summary="Search papers")
    def api_search(
        request: Request,
        q: str = "",
        mode: str = "hybrid",
        limit: int = Query(20, ge=1, le=MAX_LIMIT),
        p: int = Query(0, ge=0, le=1_000),
    ):
        view = search_view(q, mode, SearchFilters(), p + 1, limit)
        data = view.json(base_url(request))["hits"] if view.json else []
        return JSONResponse(data, headers=_next_link(request, view.listing, param="p", first=0))

    @app.get("/api/papers/{ref:path}", summary="One paper")
    def api_paper(request: Request, ref: str):
        paper = paper_or_404(library, ref)
        return JSONResponse(present.paper_json(paper, base_url(request) + paper_path(paper)))

    @app.get("/api/trending", summary="Trending papers with their score parts")
    def api_trending(request: Request, limit: int = Query(PAGE_SIZE, ge=1, le=MAX_LIMIT)):
        view = trending_view(limit)
        return JSONResponse(view.json(base_url(request)) if view.json else [])

    @app.get("/api/authors/{name:path}", summary="An author's papers")
    def api_author(request: Request, name: str, p: int = Query(0, ge=0)):
        view = author_view(name, p + 1)
        base = base_url(request)
        data = [present.paper_json(x, base + paper_path(x)) for x in view.papers]
        return JSONResponse(data, headers=_next_link(request, view.listing, param="p", first=0))

    @app.get("/api/docs", include_in_schema=False)
    def api_docs():
        return get_swagger_ui_html(
            openapi_url="/api/openapi.json",
            title="paperscope API",
            swagger_js_url="/static/vendor/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
        )

    @app.get("/about", response_class=HTMLResponse, include_in_schema=False)
    def about(request: Request):
        return page(request, "about.html", {
            "title": "About", "stats": library.stats(top=10),
        })  # fmt: skip

    install_people(
        app, library=library, accounts=accounts, mailer=mailer, page=page, base_url=base_url,
        now=now, rules=Rules(settings.submit_max_age_days, settings.submit_daily_cap),
        fetch=lambda arxiv_id: library.fetch_arxiv(
            arxiv_id, base_url=settings.harvest_url, contact=settings.contact
        ),
    )  # fmt: skip
    install_recommend(
        app, library=library, accounts=accounts, page=page, base_url=base_url, now=now
    )
    install_digests(app, library=library, accounts=accounts, page=page, base_url=base_url, now=now)
    install_collections(app, library=library, accounts=accounts, page=page, base_url=base_url,
                        now=now)  # fmt: skip
    return app


def app_from_env() -> FastAPI:
    """The app ``paperscope serve`` runs: settings from the environment."""
    return create_app(Settings.from_env())


# -- addresses --------------------------------------------------------------------


def author_path(name: str) -> str:
    return "/authors/" + quote(name, safe="")


def period_path(period: Period) -> str:
    kind = "date" if period.kind == "day" else period.kind
    return f"/papers/{kind}/{period.key}"


def _with_format(request: Request, fmt: str | None) -> str:
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in ("format", "page")]
    if fmt:
        params.append(("format", fmt))
    return request.url.path + (f"?{urlencode(params)}" if params else "")


def _page_url(request: Request, listing: Listing | None, step: int) -> str | None:
    if listing is None or not listing.limit:
        return None
    page = listing.offset // listing.limit + 1 + step
    if page < 1 or (step > 0 and not listing.has_more):
        return None
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "page"]
    if page > 1:
        params.append(("page", str(page)))
    return request.url.path + (f"?{urlencode(params)}" if params else "")


def _next_link(
    request: Request, listing: Listing | None, *, param: str = "page", first: int = 1
) -> dict[str, str]:
    """A ``Link: <...>; rel="next"`` header when there is a next page."""
    if listing is None or not listing.has_more or not listing.limit:
        return {}
    page = listing.offset // listing.limit + first + 1
    params = [(k, v) for k, v in request.query_params.multi_items() if k != param]
    params.append((param, str(page)))
    return {"Link": f'<{request.url.path}?{urlencode(params)}>; rel="next"'}


# -- parameters ---------------------------------------------------------------------


def _fmt(value: str, allowed: tuple[str, ...] = FORMATS) -> str:
    if value not in allowed:
        raise BadRequest(f"format {value!r} is not one of {', '.join(allowed)}")
    return value


def _period(kind: str, text: str) -> Period:
    try:
        return parse_period(kind, text)
    except BadPeriod as exc:
        raise BadRequest(str(exc)) from None


def _filters(
    date_from: str | None,
    date_to: str | None,
    categories: list[str],
    author: str | None,
    min_upvotes: str | None,
) -> SearchFilters:
    """The search form's filters; empty fields (as a form sends them) mean none."""
    for name, value in (("from", date_from), ("until", date_to)):
        if value and not _is_date_prefix(value):
            raise BadRequest(f"{name} {value!r} is not a date like 2026-11-01, 2026-11 or 2026")
    votes = (min_upvotes or "").strip()
    if votes and not (votes.isdigit() and len(votes) <= 9):
        raise BadRequest(f"min_upvotes {min_upvotes!r} is not a whole number of votes (0 or more)")
    return SearchFilters(
        date_from=date_from or None,
        date_to=date_to or None,
        categories=[c for field in categories for c in re.split(r"[\s,]+", field) if c],
        author=(author or "").strip() or None,
        min_upvotes=int(votes) if votes else None,
    )


def _is_date_prefix(value: str) -> bool:
    parts = value.split("-")
    if not 1 <= len(parts) <= 3 or not all(p.isdigit() for p in parts) or len(parts[0]) != 4:
        return False
    try:
        date(int(parts[0]), int(parts[1]) if len(parts) > 1 else 1,
             int(parts[2]) if len(parts) > 2 else 1)  # fmt: skip
    except ValueError:
        return False
    return True


def _neighbours(library: Library, period: Period) -> tuple[Period | None, Period | None]:
    """The periods of the same kind holding the nearest days with papers."""
    before, after = library.neighbour_feed_days(period.first, period.last)

    def same_kind(day: date | None) -> Period | None:
        if day is None:
            return None
        if period.kind == "day":
            return day_period(day)
        if period.kind == "week":
            return week_period(day)
        return month_period(day.year, day.month)

    return same_kind(before), same_kind(after)
