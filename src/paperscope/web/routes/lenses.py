"""Lenses on the web: a person's saved views, each a page, a JSON twin and
feeds (see :mod:`paperscope.lenses` for what a lens matches).

- ``/lenses`` lists the viewer's lenses and makes new ones; "Preview" on the
  form is the dry run: what the lens would have matched in the last week,
  nothing saved.
- ``/lenses/ID`` is one lens: its matches newest first (``?sort=best`` for
  best first), its settings, its feed addresses and its webhook's secret.
  Someone else's lens is answered like a missing one (404), as collections are.
- ``/lenses/feed/TOKEN.rss`` (``.atom``, ``.json``) needs no log-in, so feed
  readers can follow it: the token is the key, and "new address" on the
  lens's page revokes it. Feeds are kept out of search engines.
- ``POST /lenses/follow`` with ``author`` or ``cat`` makes the lens of one
  author or one category (the "Follow" buttons of author pages and paper
  pages), or goes to the one the viewer has already.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException

from paperscope import lenses
from paperscope.library import Listing
from paperscope.store.community import User
from paperscope.store.lenses import Lens, LensFields, NameTaken
from paperscope.urls import lens_feed_url, lens_url, paper_url
from paperscope.web import present
from paperscope.web.deps import (
    MemberDep,
    NowDep,
    PageParam,
    Site,
    SiteDep,
    csrf_protect,
    require_member,
)
from paperscope.web.views import FORMATS, PAGE_FORMATS, View, respond

members = APIRouter(dependencies=[Depends(require_member), Depends(csrf_protect)])
router = APIRouter(dependencies=[Depends(csrf_protect)])  # feeds: the token is the key
FormText = Annotated[str, Form()]
FormList = Annotated[list[str], Form()]
SHOWN = 25  # matches a page shows
FEED_HEADERS = {"X-Robots-Tag": "noindex", "Referrer-Policy": "no-referrer"}


def mine(site: Site, user: User, lens_id: int) -> Lens:
    found = site.library.lenses.get(lens_id, user.id)
    if found is None:
        raise HTTPException(404, f"You have no lens with id {lens_id}.")
    return found


def _allow_private(site: Site) -> bool:
    return bool(getattr(site.settings, "webhooks_allow_private", False))


def lens_json(lens: Lens, base: str, *, owner: bool) -> dict:
    found = {
        **lens.as_dict(),
        "description": lenses.describe(lens),
        "url": base + lens_url(lens.id),
        "rss": base + lens_feed_url(lens.feed_token, "rss"),
        "atom": base + lens_feed_url(lens.feed_token, "atom"),
    }
    if owner and lens.webhook_url:
        found["webhook_secret"] = lens.webhook_secret
    if not owner:  # a feed reader sees what the lens is, not how to reach its owner's hooks
        for key in ("webhook_url", "webhook_secret", "in_digest", "rss", "atom"):
            found.pop(key, None)
    return found


def match_json(match: lenses.Match, base: str) -> dict:
    return {"paper": present.paper_json(match.paper, base + paper_url(match.paper)),
            "why": match.why}  # fmt: skip


def list_view(site: Site, user: User, *, form: dict | None = None, error: str | None = None,
              preview: list[lenses.Match] | None = None) -> View:  # fmt: skip
    mine_all = site.library.lenses.of_user(user.id)

    def as_json(base: str) -> dict:
        found: dict = {"lenses": [lens_json(x, base, owner=True) for x in mine_all]}
        if preview is not None:
            found["preview"] = [match_json(m, base) for m in preview]
        return found

    return View(
        template="lenses.html",
        title="Your lenses",
        description="Saved views of the library: each a page, feeds, a digest section and a webhook.",
        papers=[m.paper for m in preview or []],
        json=as_json,
        formats=PAGE_FORMATS,
        context={
            "lenses": mine_all,
            "form": form or {},
            "error": error,
            "preview": preview,
            "max_lenses": lenses.MAX_LENSES,
            "describe": lenses.describe,
        },  # fmt: skip
    )


def lens_view(site: Site, request: Request, lens: Lens, *, sort: str, page: int, now,
              owner: bool, error: str | None = None, form: dict | None = None) -> View:  # fmt: skip
    offset = (page - 1) * SHOWN
    found = lenses.matches(site.library, lens, sort=sort, today=now.date(), limit=SHOWN + 1,
                           offset=offset)  # fmt: skip
    more = len(found) > SHOWN
    shown = found[:SHOWN]
    listing = Listing([m.paper for m in shown], offset + len(shown) + more, offset, SHOWN,
                      exact=False)  # fmt: skip
    base = site.base_url(request)

    def as_json(base: str) -> dict:
        return {"lens": lens_json(lens, base, owner=owner), "sort": sort, "offset": offset,
                "more": more, "matches": [match_json(m, base) for m in shown]}  # fmt: skip

    return View(
        template="lens.html",
        title=f"Lens: {lens.name}",
        description=f"Papers matching {lenses.describe(lens)}, "
        + ("newest first." if sort == "new" else "best first."),
        papers=listing.papers,
        listing=listing,
        json=as_json,
        formats=PAGE_FORMATS,
        context={
            "lens": lens,
            "matches": shown,
            "sort": sort,
            "error": error,
            "form": form or _form_of(lens),
            "describe": lenses.describe(lens),
            "feed_rss": base + lens_feed_url(lens.feed_token, "rss"),
            "feed_atom": base + lens_feed_url(lens.feed_token, "atom"),
            "feed_json": base + lens_feed_url(lens.feed_token, "json"),
            "words": present.query_words(lens.q),
            "new_days": lenses.NEW_DAYS,
        },
    )


def _form_of(lens: Lens) -> dict:
    return {"name": lens.name, "q": lens.q, "categories": ", ".join(lens.categories),
            "authors": ", ".join(lens.authors), "about": lens.about, "ranked": lens.ranked,
            "in_digest": lens.in_digest, "webhook_url": lens.webhook_url}  # fmt: skip


def _fields(site: Site, form: dict) -> LensFields:
    return lenses.lens_fields(
        name=form["name"], q=form["q"], categories=form["categories"], authors=form["authors"],
        about=form["about"], ranked=form["ranked"], in_digest=form["in_digest"],
        webhook_url=form["webhook_url"], allow_private_webhooks=_allow_private(site),
    )  # fmt: skip


def _form(name: str, q: str, categories: str, authors: str, about: str, ranked: str,
          in_digest: str, webhook_url: str) -> dict:  # fmt: skip
    return {"name": name, "q": q, "categories": categories, "authors": authors, "about": about,
            "ranked": bool(ranked), "in_digest": bool(in_digest), "webhook_url": webhook_url}  # fmt: skip


def _room_for_one_more(site: Site, user: User) -> None:
    if site.library.lenses.count(user.id) >= lenses.MAX_LENSES:
        raise lenses.LensError(f"you have {lenses.MAX_LENSES} lenses, the most one person may")


def _with_status(response: Response, status: int) -> Response:
    response.status_code = status
    return response


# -- the viewer's lenses ---------------------------------------------------------------


@members.get("/lenses", include_in_schema=False)
def lenses_page(request: Request, site: SiteDep, user: MemberDep,
                format: str = "html") -> Response:  # fmt: skip
    return respond(request, list_view(site, user), format)


@members.post("/lenses", include_in_schema=False)
def create(request: Request, site: SiteDep, user: MemberDep, now: NowDep, name: FormText = "",
           q: FormText = "", categories: FormText = "", authors: FormText = "",
           about: FormText = "", ranked: FormText = "", in_digest: FormText = "",
           webhook_url: FormText = "", preview: FormText = "") -> Response:  # fmt: skip
    """A new lens; with ``preview``, only what it would have matched last week."""
    form = _form(name, q, categories, authors, about, ranked, in_digest, webhook_url)
    try:
        fields = _fields(site, form)
        if preview:
            found = lenses.dry_run(site.library, fields, user.id, today=now.date())
            return respond(request, list_view(site, user, form=form, preview=found), "html")
        _room_for_one_more(site, user)
        lens = site.library.lenses.add(user.id, fields)
    except (lenses.LensError, NameTaken) as exc:
        view = list_view(site, user, form=form, error=str(exc))
        return _with_status(respond(request, view, "html"), 400)
    return RedirectResponse(lens_url(lens.id), status_code=303)


@members.post("/lenses/follow", include_in_schema=False)
def follow(site: SiteDep, user: MemberDep, author: FormText = "",
           cat: FormText = "") -> Response:  # fmt: skip
    """The lens of one author or one category: made, or the one the viewer has."""
    if bool(author.strip()) == bool(cat.strip()):
        raise lenses.LensError("follow one author or one category")
    fields = lenses.lens_fields(authors=[author] if author.strip() else [],
                                categories=[cat] if cat.strip() else [])  # fmt: skip
    for lens in site.library.lenses.of_user(user.id):
        same = not (lens.q or lens.about)
        if (
            same
            and list(lens.authors) == fields.authors
            and list(lens.categories) == fields.categories
        ):
            return RedirectResponse(lens_url(lens.id), status_code=303)
    _room_for_one_more(site, user)
    fields.name = (
        f"Papers by {fields.authors[0]}" if fields.authors else f"Papers in {fields.categories[0]}"
    )
    try:
        lens = site.library.lenses.add(user.id, fields)
    except NameTaken:  # a lens of that name that holds something else: keep both
        fields.name = f"{fields.name} (followed)"
        lens = site.library.lenses.add(user.id, fields)
    return RedirectResponse(lens_url(lens.id), status_code=303)


@members.get("/lenses/{lens_id:int}", include_in_schema=False)
def show(request: Request, site: SiteDep, user: MemberDep, now: NowDep, lens_id: int,
         sort: str = "new", page: PageParam = 1, format: str = "html") -> Response:  # fmt: skip
    lens = mine(site, user, lens_id)
    return respond(request, lens_view(site, request, lens, sort=sort, page=page, now=now,
                                      owner=True), format)  # fmt: skip


@members.post("/lenses/{lens_id:int}/edit", include_in_schema=False)
def edit(request: Request, site: SiteDep, user: MemberDep, now: NowDep, lens_id: int,
         name: FormText = "", q: FormText = "", categories: FormText = "", authors: FormText = "",
         about: FormText = "", ranked: FormText = "", in_digest: FormText = "",
         webhook_url: FormText = "") -> Response:  # fmt: skip
    lens = mine(site, user, lens_id)
    form = _form(name, q, categories, authors, about, ranked, in_digest, webhook_url)
    try:
        site.library.lenses.update(lens.id, user.id, _fields(site, form))
    except (lenses.LensError, NameTaken) as exc:
        view = lens_view(site, request, lens, sort="new", page=1, now=now, owner=True,
                         error=str(exc), form=form)  # fmt: skip
        return _with_status(respond(request, view, "html"), 400)
    return RedirectResponse(lens_url(lens.id), status_code=303)


@members.post("/lenses/{lens_id:int}/delete", include_in_schema=False)
def delete(site: SiteDep, user: MemberDep, lens_id: int) -> Response:
    site.library.lenses.delete(mine(site, user, lens_id).id, user.id)
    return RedirectResponse("/lenses", status_code=303)


@members.post("/lenses/{lens_id:int}/feed-token", include_in_schema=False)
def new_feed_address(site: SiteDep, user: MemberDep, lens_id: int) -> Response:
    """Revoke the feeds' address: the old token stops working at once."""
    site.library.lenses.new_feed_token(mine(site, user, lens_id).id, user.id)
    return RedirectResponse(lens_url(lens_id) + "#feeds", status_code=303)


# -- feeds, for readers that cannot sign in ---------------------------------------------


@router.get("/lenses/feed/{token}.{ext}", include_in_schema=False)
def feed(request: Request, site: SiteDep, now: NowDep, token: str, ext: str) -> Response:
    if ext not in ("rss", "atom", "json"):
        raise HTTPException(
            404, f"There is no lens feed as .{ext[:20]}: choose .rss, .atom or .json."
        )
    lens = site.library.lenses.by_feed_token(token)
    if lens is None:
        raise HTTPException(
            404, "No lens has this feed address (its owner may have made a new one)."
        )
    view = lens_view(site, request, lens, sort="new", page=1, now=now, owner=False)
    view.formats = FORMATS
    view.headers = dict(FEED_HEADERS)
    return respond(request, view, ext)
