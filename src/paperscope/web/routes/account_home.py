"""The account as a home: what the person made, their password, their data.

``/account`` shows the newest few of each kind of thing a person made
(:data:`SHELVES`: upvotes, submissions, comments, collections), each with a
link to all of them; ``/account/upvotes`` and the like page through one
kind. Both have a JSON twin. A new kind of thing (lenses) is one more entry
in :data:`SHELVES` (and a route like ``/account/comments`` if its list is not elsewhere).

The account's own forms:

- **Change password** (old and new, once, as sign-up asks): every session of
  the account ends, this browser's too, and this browser gets a fresh one
  at once. It has just shown it knows the password, so asking it to log in
  again would add nothing; a new token means a stolen copy of the old cookie
  is worth nothing either.
- **Download everything** (:mod:`paperscope.account_data`): a JSON file.
- **Delete the account**, with its password (and CSRF, as every form):
  :meth:`paperscope.accounts.Accounts.delete_account` says what goes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

import orjson
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from paperscope import account_data
from paperscope.accounts import PASSWORD_MIN, SESSION_DAYS, AccountError, RateLimited
from paperscope.lenses import describe
from paperscope.library import Library
from paperscope.store.community import User
from paperscope.text import excerpt
from paperscope.urls import collection_url, lens_url, paper_url
from paperscope.web.deps import (
    ANONYMOUS,
    SESSION_COOKIE,
    MemberDep,
    NowDep,
    PageParam,
    Site,
    SiteDep,
    csrf_protect,
    require_member,
    set_cookie,
)
from paperscope.web.views import PageFormatParam, View, respond

members = APIRouter(dependencies=[Depends(require_member), Depends(csrf_protect)])
FormText = Annotated[str, Form()]
SHOWN = 10  # of each kind on the account page
PER_PAGE = 50  # on a list page
DONE = {"password": "Your password is changed. Every other session of your account has ended."}


@dataclass(frozen=True)
class Entry:
    """One thing a person made, as their lists show it."""

    id: str | int  # the paper's id, or the comment's or collection's
    title: str  # the paper's title or the collection's name (may hold math)
    url: str  # a path on this site
    at: str  # when it was made, ISO 8601
    detail: str = ""  # a comment's opening words, a collection's size


# kind -> (library, user, limit, offset) -> entries, newest first.
Lister = Callable[[Library, User, int, int], list[Entry]]


def _papers(library: Library, rows: list[tuple[str, str]]) -> list[Entry]:
    papers = {p.id: p for p in library.get_many([pid for pid, _ in rows])}
    return [Entry(pid, papers[pid].title, paper_url(pid), at) for pid, at in rows if pid in papers]


def _upvotes(library: Library, user: User, limit: int, offset: int) -> list[Entry]:
    return _papers(library, library.people.upvotes_of(user.id, limit=limit, offset=offset))


def _submissions(library: Library, user: User, limit: int, offset: int) -> list[Entry]:
    return _papers(library, library.people.submissions_of(user.id, limit=limit, offset=offset))


def _comments(library: Library, user: User, limit: int, offset: int) -> list[Entry]:
    comments = library.collections.comments_of(user.id, limit=limit, offset=offset)
    papers = {p.id: p for p in library.get_many([c.paper_id for c in comments])}
    return [
        Entry(c.id, papers[c.paper_id].title if c.paper_id in papers else c.paper_id,
              f"{paper_url(c.paper_id)}#comment-{c.id}", c.created_at,
              ("reply: " if c.parent_id else "") + excerpt(c.body, 160))
        for c in comments
    ]  # fmt: skip


def _collections(library: Library, user: User, limit: int, offset: int) -> list[Entry]:
    found = sorted(library.collections.collections_of(user.id),
                   key=lambda c: (c.created_at, c.id), reverse=True)  # fmt: skip
    return [
        Entry(c.id, c.name, collection_url(c.id), c.created_at,
              f"{c.size} paper{'' if c.size == 1 else 's'}" + (", shared by link" if c.share_token
                                                                 else ""))
        for c in found[offset : offset + limit]
    ]  # fmt: skip


def _lenses(library: Library, user: User, limit: int, offset: int) -> list[Entry]:
    found = sorted(library.lenses.of_user(user.id), key=lambda x: (x.created_at, x.id),
                   reverse=True)  # fmt: skip
    return [Entry(x.id, x.name, lens_url(x.id), x.created_at, describe(x))
            for x in found[offset : offset + limit]]  # fmt: skip


@dataclass(frozen=True)
class Shelf:
    """One kind of thing on the account page: its heading, lister and full list."""

    title: str
    lister: Lister
    all_url: str
    empty: str


#: The account page's sections, in order.
SHELVES: dict[str, Shelf] = {
    "upvotes": Shelf("Upvotes", _upvotes, "/account/upvotes", "No upvotes yet."),
    "submissions": Shelf(
        "Submissions", _submissions, "/account/submissions", "Nothing submitted to the feed yet."
    ),  # fmt: skip
    "comments": Shelf("Comments", _comments, "/account/comments", "No comments yet."),
    "collections": Shelf("Collections", _collections, "/collections", "No collections yet."),
    "lenses": Shelf("Lenses", _lenses, "/lenses", "No lenses yet: follow an author or a category."),
}


def _entry_json(entry: Entry, base: str) -> dict:
    return {"id": entry.id, "title": entry.title, "url": base + entry.url, "at": entry.at,
            "detail": entry.detail}  # fmt: skip


def _account_json(user: User) -> dict:
    return {"name": user.name, "email": user.email, "admin": user.is_admin,
            "created_at": user.created_at}  # fmt: skip


def home_view(library: Library, user: User, **extra: object) -> View:
    """The account page: the newest few of each shelf, and the account's forms."""
    shelves = {}
    for kind, shelf in SHELVES.items():
        found = shelf.lister(library, user, SHOWN + 1, 0)  # one more: is there more?
        shelves[kind] = (shelf, found[:SHOWN], len(found) > SHOWN)

    def as_json(base: str) -> dict:
        return {
            "account": _account_json(user),
            **{kind: {"items": [_entry_json(e, base) for e in shown],
                      "all": base + shelf.all_url if more else None}
               for kind, (shelf, shown, more) in shelves.items()},
        }  # fmt: skip

    return View(
        template="account.html",
        title="Your account",
        description="What you made on paperscope, your password and your data.",
        papers=[],
        json=as_json,
        formats=("html", "json"),
        # (its own twin's address also when a form's answer re-renders it)
        context={
            "account": user,
            "shelves": shelves,
            "password_min": PASSWORD_MIN,
            "json_url": "/account?format=json",
            **extra,
        },  # fmt: skip
    )


@members.get("/account", include_in_schema=False)
def account(request: Request, site: SiteDep, user: MemberDep, format: PageFormatParam = "html",
            done: str = "") -> Response:  # fmt: skip
    return respond(request, home_view(site.library, user, done=DONE.get(done)), format)


@members.get("/account/export.json", include_in_schema=False)
def export(site: SiteDep, user: MemberDep, now: NowDep) -> Response:
    data = account_data.export(site.library, user, now)
    name = f"paperscope-{user.name}-{now.date().isoformat()}.json"
    return Response(orjson.dumps(data, option=orjson.OPT_INDENT_2), media_type="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip


@members.get("/account/upvotes", include_in_schema=False)
def upvotes(request: Request, site: SiteDep, user: MemberDep, page: PageParam = 1,
            format: PageFormatParam = "html") -> Response:  # fmt: skip
    return account_list(request, site, user, "upvotes", page, format)


@members.get("/account/submissions", include_in_schema=False)
def submissions(request: Request, site: SiteDep, user: MemberDep, page: PageParam = 1,
                format: PageFormatParam = "html") -> Response:  # fmt: skip
    return account_list(request, site, user, "submissions", page, format)


@members.get("/account/comments", include_in_schema=False)
def comments(request: Request, site: SiteDep, user: MemberDep, page: PageParam = 1,
             format: PageFormatParam = "html") -> Response:  # fmt: skip
    return account_list(request, site, user, "comments", page, format)


def account_list(request: Request, site: Site, user: User, kind: str, page: int,
                 fmt: str) -> Response:  # fmt: skip
    """One shelf's whole list, paged, newest first."""
    shelf = SHELVES[kind]
    offset = (page - 1) * PER_PAGE
    found = shelf.lister(site.library, user, PER_PAGE + 1, offset)
    shown, more = found[:PER_PAGE], len(found) > PER_PAGE

    def as_json(base: str) -> dict:
        return {"items": [_entry_json(e, base) for e in shown], "page": page,
                "next": f"{base}{shelf.all_url}?page={page + 1}" if more else None}  # fmt: skip

    view = View(
        template="account_list.html",
        title=f"Your {shelf.title.lower()}",
        description=f"Your {shelf.title.lower()}, newest first.",
        papers=[],
        json=as_json,
        formats=("html", "json"),
        context={
            "shelf": shelf,
            "entries": shown,
            "offset": offset,
            "prev_page": page - 1 if page > 1 else None,
            "next_page": page + 1 if more else None,
        },  # fmt: skip
    )
    return respond(request, view, fmt)


# -- the account's forms -----------------------------------------------------------


@members.post("/account/password", include_in_schema=False)
def change_password(request: Request, site: SiteDep, user: MemberDep, old: FormText = "",
                    new: FormText = "") -> Response:  # fmt: skip
    try:
        session = site.accounts.change_password(user.id, old, new)
    except AccountError as exc:
        return _refused(request, site.library, user, exc, password_error=str(exc),
                        field=exc.param)  # fmt: skip
    response = RedirectResponse("/account?done=password", status_code=303)
    set_cookie(request, response, SESSION_COOKIE, session.token, max_age=SESSION_DAYS * 86_400)
    return response


@members.post("/account/delete", include_in_schema=False)
def delete_account(request: Request, site: SiteDep, user: MemberDep,
                   password: FormText = "") -> Response:  # fmt: skip
    try:
        site.accounts.delete_account(user.id, password)
    except AccountError as exc:
        return _refused(request, site.library, user, exc, delete_error=str(exc))
    request.state.viewer = ANONYMOUS  # the page below is for nobody signed in
    response = site.page(request, "account_deleted.html", {"title": "Account deleted"})
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _refused(request: Request, library: Library, user: User, exc: AccountError,
             **context: object) -> Response:  # fmt: skip
    """The account page again, saying why a form of it was refused."""
    response = respond(request, home_view(library, user, **context), "html")
    response.status_code = exc.status
    if isinstance(exc, RateLimited):
        response.headers["Retry-After"] = str(exc.retry_after)
    return response
