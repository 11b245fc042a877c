"""The paperscope web service: ``create_app(settings)`` wires it, and only wires.

The parts, each in its own module:

- ``routes/``: one ``APIRouter`` per area (the feed, search, papers, authors,
  accounts, collections, comments, digests, for-you, the API), each with the
  CSRF check as a router dependency, members' areas with the log-in check
  before it (``deps.py``);
- ``views.py``: every list is a View rendered as the page, its JSON twin or
  a feed by a renderer registered by name, and every error has one shape;
- ``paperscope.urls``: every link to a paper, author or collection;
- ``security.py``: the headers every answer carries, and HEAD for every GET;
- ``cache.py``: anonymous pages kept until the library changes;
- ``slots.py``: a few page requests at a time in the thread pool.

Handlers are plain functions run in the server's thread pool: the store gives
each thread its own connection and the Library serialises index writes, so
one Library serves every request.

Tests build apps with ``create_app(Settings(...), clock=..., hasher=...)``;
``paperscope serve`` runs ``create_app(settings)`` under uvicorn
(``web/server.py``), its settings handed to each worker.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

from argon2 import PasswordHasher
from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from paperscope import __version__, text, urls
from paperscope.accounts import Accounts
from paperscope.config import Settings
from paperscope.daily import AGE_OFFSET_HOURS, GRAVITY, TRENDING_DAYS
from paperscope.errors import BadInput
from paperscope.library import Library
from paperscope.mail import Mailer
from paperscope.submissions import Rules
from paperscope.web import present
from paperscope.web.cache import PageCache
from paperscope.web.deps import SESSION_COOKIE, LoginRequired, Site
from paperscope.web.mailqueue import MailQueue
from paperscope.web.routes import (
    about,
    account_home,
    accounts,
    api,
    authors,
    collections,
    comments,
    digests,
    feed,
    for_you,
    lenses,
    map,
    papers,
    search,
)
from paperscope.web.security import HeadAsGet, SecurityHeaders
from paperscope.web.slots import ReadSlots
from paperscope.web.views import document_errors, error_response

HERE = Path(__file__).parent
# The routers in the order their routes are matched, the busiest first: each
# request walks the routers before the one that has its route (a paper page
# behind nineteen cost about 1 ms). The paper page's catch-all path
# (/papers/{ref:path}) must come after the feed's /papers/date|week|month, the
# only other GET routes under /papers/; a POST under it (a comment, a vote)
# matches the GET route only partly, and the router goes on to its own.
ROUTERS = (
    feed.router,
    papers.members,
    papers.router,
    search.router,
    api.router,
    about.router,
    map.router,
    authors.router,
    accounts.router,
    account_home.members,
    collections.router,
    collections.members,
    comments.members,
    digests.members,
    digests.email_links,
    digests.email_pages,
    for_you.members,
    lenses.router,
    lenses.members,
)


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
    library = Library(settings.database, replica_url=settings.replica,
                      keyword_index=settings.keyword_index, index_dir=settings.index_dir)  # fmt: skip
    site = Site(
        settings=settings,
        library=library,
        accounts=Accounts(library.people, clock=now, hasher=hasher),
        mailer=Mailer(settings, library.files_dir),
        mail=MailQueue(),
        templates=_templates(),
        clock=now,
        rules=Rules(settings.submit_max_age_days, settings.submit_daily_cap),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # A new app server on a big PostgreSQL library builds its keyword
        # index in the background; the database's full text answers meanwhile.
        library.engine.catch_up_in_background()
        yield
        site.mail.close()
        library.close()

    app = FastAPI(
        title="paperscope",
        version=__version__,
        description="Daily papers, search, trending and feeds of a paperscope library.",
        lifespan=lifespan,
        docs_url=None,  # served by routes/api.py, from vendored files instead of a CDN
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.site = site
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    _handle_errors(app)
    document_errors(app)
    # Middleware, innermost first: the cache sees every answer as the app made
    # it, and answers from it without waiting for a slot.
    app.add_middleware(ReadSlots, slots=settings.page_slots)
    if settings.page_cache:
        app.add_middleware(PageCache, version=library.data_version, clock=now,
                           entries=settings.page_cache)  # fmt: skip
    app.add_middleware(SecurityHeaders, session_cookie=SESSION_COOKIE)
    app.add_middleware(HeadAsGet)
    if settings.trusted_proxies:  # only these may say who the client is
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=list(settings.trusted_proxies))
    return app


def _templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=HERE / "templates")
    env = templates.env
    # Templates are package files: checking each one's mtime on every include
    # (Jinja's default) cost more than rendering the daily page's 50 cards.
    env.auto_reload = False
    env.globals.update(
        paper_url=urls.paper_url,
        author_url=urls.author_url,
        collection_url=urls.collection_url,
        shared_url=urls.shared_url,
        lens_url=urls.lens_url,
        comment_url=urls.comment_url,
        period_url=urls.period_url,
        day_url=urls.day_url,
        login_url=urls.login_url,
        search_url=urls.search_url,
        reset_url=urls.reset_url,
        unsubscribe_url=urls.unsubscribe_url,
        authors_line=text.authors_line,
        more_authors=text.more_authors,
        excerpt=text.excerpt,
        plain_math=text.plain_math,
        highlight=present.highlight,
        links=present.links,
        card_text=present.card_text,
        version=__version__,
        trending_days=TRENDING_DAYS,
        gravity=GRAVITY,
        age_offset=AGE_OFFSET_HOURS,
    )
    return templates


def _handle_errors(app: FastAPI) -> None:
    """Every error answered in the one shape of views.error_response. Pages
    are rendered in the thread pool, as routes are (they read the session)."""

    async def answer(request: Request, status: int, message: str,
                     headers: dict[str, str] | None = None) -> Response:  # fmt: skip
        return await run_in_threadpool(error_response, request, status, message, headers)

    @app.exception_handler(BadInput)
    async def bad_input(request: Request, exc: BadInput) -> Response:
        retry = getattr(exc, "retry_after", None)
        headers = {"Retry-After": str(retry)} if retry else None
        return await answer(request, exc.status, str(exc), headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = []
        for e in exc.errors():
            where = ".".join(str(p) for p in e.get("loc", ())[1:]) or "request"
            message = str(e.get("msg", "invalid")).removeprefix("Value error, ")
            given = e.get("input")
            if isinstance(given, str) and len(given) <= 40:
                where = f"{where} {given!r}"  # format 'pdf': Input should be 'html', ...
            problems.append(f"{where}: {message}")
        return await answer(request, 400, "; ".join(problems))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else "error"
        if exc.status_code == 404 and message == "Not Found":
            message = f"There is no page at {request.url.path[:200]}."
        if exc.status_code == 405 and message == "Method Not Allowed":
            message = f"{request.method} is not how {request.url.path[:200]} is used."
        return await answer(request, exc.status_code, message, dict(exc.headers or {}))

    @app.exception_handler(LoginRequired)
    async def log_in_first(request: Request, exc: LoginRequired) -> Response:
        if request.headers.get("hx-request"):  # a redirect would be swapped into the page
            return await answer(request, 401, "Log in first.")
        return RedirectResponse(urls.login_url(exc.back), status_code=303)
