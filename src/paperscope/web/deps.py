"""What every route needs, as FastAPI dependencies: the site, who is asking,
the time, and the two checks that guard every change.

Routes never look these up themselves. A route takes ``site: SiteDep``,
``viewer: ViewerDep``, ``user: MemberDep`` or ``now: NowDep`` as parameters,
and the routers put the checks on every route by construction:

- :func:`csrf_protect` is a dependency of every router (``APIRouter(
  dependencies=...)``): every POST on the site must echo its CSRF token, as a
  ``csrf`` form field or an ``X-CSRF-Token`` header (htmx sends the latter).
  The token is the session's own once signed in, and before that a random
  one set in a form cookie and echoed by the form (double submit), so that
  nobody can log a visitor in to an account of theirs either. The one route
  without it is the RFC 8058 one-click unsubscribe, whose signed link is its
  authority (``routes/digests.py``); a test lists every POST route and fails
  on any other.
- :func:`require_member` comes first on the routers of members' pages, so
  that a signed-out visitor is sent to log in (an htmx request gets a 401)
  before anything else is looked at.
"""

from __future__ import annotations

import functools
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates
from pydantic import BeforeValidator
from starlette.exceptions import HTTPException

from paperscope.accounts import Accounts
from paperscope.config import Settings
from paperscope.digest import Signer, signer_for
from paperscope.library import Library
from paperscope.mail import Mailer
from paperscope.models import Paper
from paperscope.store.community import User
from paperscope.submissions import Rules
from paperscope.web import present
from paperscope.web.mailqueue import MailQueue

SESSION_COOKIE = "ps_session"
FORM_COOKIE = "ps_form"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
MAX_PAGE = 10_000  # the deepest page of any list (far past any real one)


@dataclass
class Site:
    """One running site: its settings, library and services, made by create_app."""

    settings: Settings
    library: Library
    accounts: Accounts
    mailer: Mailer
    mail: MailQueue
    templates: Jinja2Templates
    clock: Callable[[], datetime]
    rules: Rules

    def base_url(self, request: Request) -> str:
        """The site's address for links in feeds and JSON: the configured one,
        else the request's (harmless there: the page cache keys by host)."""
        return self.settings.base_url or str(request.base_url).rstrip("/")

    @functools.cached_property
    def signer(self) -> Signer:
        """The instance secret's signer (unsubscribe links), read once: making
        it may write the secret, so not before it is first needed."""
        return signer_for(self.library)

    def fetch_arxiv(self, arxiv_id: str) -> Paper | None:
        """A submitted paper the library lacks, fetched from arXiv by id."""
        return self.library.fetch_arxiv(
            arxiv_id, base_url=self.settings.harvest_url, contact=self.settings.contact
        )

    def page(
        self, request: Request, template: str, context: dict[str, Any], status: int = 200
    ) -> Response:
        """A rendered page, told who is looking and which of its papers they voted for."""
        me = viewer_of(request)
        voted: set[str] = set()
        if me.user is not None:
            shown = [p.id for p in context.get("papers") or []]
            shown += [h.paper.id for h in context.get("similar") or [] if h.paper]
            if context.get("paper") is not None:
                shown.append(context["paper"].id)
            voted = self.library.people.voted(me.user.id, shown)
        query = request.url.query
        back = context.get("next") or request.url.path + (f"?{query}" if query else "")
        boxes = present.VoteBoxes(me.user is not None, me.csrf or "", back, voted)
        context = {"me": me.user, "csrf": me.csrf, "voted": voted, "boxes": boxes, **context}
        return self.templates.TemplateResponse(request, template, context, status_code=status)

    def form_page(
        self, request: Request, template: str, context: dict[str, Any], status: int = 200
    ) -> Response:
        """A page with a form usable before signing in: it gets a CSRF form cookie."""
        token = request.cookies.get(FORM_COOKIE) or secrets.token_urlsafe(24)
        response = self.page(request, template, {**context, "form_csrf": token}, status)
        set_cookie(request, response, FORM_COOKIE, token, max_age=None)
        return response


@dataclass(frozen=True)
class Viewer:
    user: User | None
    csrf: str | None  # the session's token; None when signed out


# Dependencies that only read memory are ``async def``: FastAPI runs a plain
# ``def`` dependency in the thread pool, and each such hop cost about 0.4 ms
# a request on a busy 2-core machine, as much as a page's queries
# (bench/README.md, "Pages without the cache"). Those that query the database
# stay in a worker thread.


def get_site(request: Request) -> Site:
    site: Site = request.app.state.site
    return site


async def _site(request: Request) -> Site:
    return get_site(request)


SiteDep = Annotated[Site, Depends(_site)]


async def get_library(site: SiteDep) -> Library:
    return site.library


LibraryDep = Annotated[Library, Depends(get_library)]


async def get_now(site: SiteDep) -> datetime:
    """ "Now" (UTC) by the site's clock: tests fix it, so "today" is fixed too."""
    return site.clock()


NowDep = Annotated[datetime, Depends(get_now)]
ANONYMOUS = Viewer(None, None)


def viewer_of(request: Request) -> Viewer:
    """Who is asking (looked up once per request, in a worker thread)."""
    found: Viewer | None = getattr(request.state, "viewer", None)
    if found is None:
        session = get_site(request).accounts.session(request.cookies.get(SESSION_COOKIE))
        found = Viewer(*session) if session else ANONYMOUS
        request.state.viewer = found
    return found


async def current_viewer(request: Request) -> Viewer:
    """:func:`viewer_of` as a dependency: a visitor without a session cookie is
    anonymous without a query, and without a hop to a worker thread."""
    if not request.cookies.get(SESSION_COOKIE):
        request.state.viewer = ANONYMOUS
        return ANONYMOUS
    return await run_in_threadpool(viewer_of, request)


ViewerDep = Annotated[Viewer, Depends(current_viewer)]


class LoginRequired(Exception):
    """A members' page asked for by someone signed out: they go to log in, then ``back``."""

    def __init__(self, back: str):
        super().__init__(back)
        self.back = back


async def require_member(request: Request) -> User:
    """The signed-in person, or LoginRequired (see the module)."""
    me = await current_viewer(request)
    if me.user is None:
        raise LoginRequired(await _back(request))
    return me.user


MemberDep = Annotated[User, Depends(require_member)]


async def require_admin(request: Request) -> User:
    user = await require_member(request)
    if not user.is_admin:
        raise HTTPException(403, "Only an admin can do that.")
    return user


AdminDep = Annotated[User, Depends(require_admin)]


async def csrf_protect(request: Request) -> None:
    """403 unless a state-changing request echoes its CSRF token (see the module)."""
    if request.method in SAFE_METHODS:
        return
    sent = request.headers.get("x-csrf-token")
    if not sent and _is_form(request):
        value = (await request.form()).get("csrf")
        sent = value if isinstance(value, str) else None
    me = await current_viewer(request)
    # Either secret will do: the session's, or the form cookie's that pages
    # with forms for signed-out visitors set (still used if one is signed in).
    expected = [t for t in (me.csrf, request.cookies.get(FORM_COOKIE)) if t]
    if not sent or not any(_same(sent, token) for token in expected):
        raise HTTPException(
            403, "This form has expired or did not come from this site: reload it and try again."
        )


def _same(a: str, b: str) -> bool:
    # compare_digest refuses str with non-ASCII characters: compare the bytes.
    return secrets.compare_digest(a.encode("utf-8", "replace"), b.encode("utf-8", "replace"))


def _is_form(request: Request) -> bool:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    return kind in ("application/x-www-form-urlencoded", "multipart/form-data")


async def _back(request: Request) -> str:
    """Where to return after logging in: this page; for a form post, the page
    the form names in ``next`` or came from (a redirect cannot repeat a post)."""
    if request.method in SAFE_METHODS:
        query = f"?{request.url.query}" if request.url.query else ""
        return safe_next(request.url.path + query)
    if _is_form(request):
        named = (await request.form()).get("next")
        if isinstance(named, str) and safe_next(named, "") == named and named:
            return named
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc and referer.netloc == request.url.netloc:
        return safe_next(referer.path + (f"?{referer.query}" if referer.query else ""))
    return safe_next(request.url.path)


def safe_next(target: str | None, default: str = "/") -> str:
    """A local path to go back to; never another site (``//evil``, ``https:``,
    ``/\\evil``) and never a header break."""
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and not re.search(r"[\x00-\x20\x7f]", target)
    ):
        return target
    return default


def set_cookie(
    request: Request, response: Response, name: str, value: str, max_age: int | None
) -> None:
    response.set_cookie(
        name, value, max_age=max_age, path="/", httponly=True, samesite="lax",
        secure=request.url.scheme == "https",
    )  # fmt: skip


def client_address(request: Request) -> str:
    """The client's address, as rate limits count it (a trusted proxy's
    X-Forwarded-For has already replaced the peer: see create_app)."""
    return request.client.host if request.client else "unknown"


# -- parameters every list takes ---------------------------------------------------


def _ascii_digits(value: object) -> object:
    """Integers in URLs are written in ASCII digits, no sign, no spaces:
    pydantic alone would take " 1", "+1", "1_000", "1.0"."""
    if isinstance(value, str) and not re.fullmatch(r"[0-9]{1,9}", value, re.ASCII):
        raise ValueError("must be a whole number in digits 0-9, at most 9 of them")
    return value


Digits = BeforeValidator(_ascii_digits)
# (Query first: after a validator, FastAPI would put ge/le in the OpenAPI
# description under their Python names instead of minimum/maximum.)
PageParam = Annotated[int, Query(ge=1, le=MAX_PAGE, description="page number, from 1"), Digits]
ApiPageParam = Annotated[int, Query(ge=0, le=MAX_PAGE, description="page number, from 0"), Digits]
