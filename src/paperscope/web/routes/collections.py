"""Collections: named lists of papers that one person keeps, private unless
shared by link (``/shared/TOKEN``, read-only, for anyone who has the link;
sharing again makes a new link and ends the old one).

The rules every route follows:

- Everything but a shared link needs a signed-in person (the members
  router's first dependency); a form post then returns to where it came from.
- A collection id that is someone else's is answered exactly like one that
  does not exist: the same 404 and message, for reading and writing alike.
  Ids count up, so any other answer would tell a stranger which exist.
- The "Save to collection" box on a paper page works with plain form posts;
  with htmx, saving, removing and creating come back as the box itself, with
  a line saying what happened. htmx swaps only 2xx answers, so a name error
  in that box comes back as a 200 that shows the message.
"""

from __future__ import annotations

import io
import re
import unicodedata
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException

from paperscope.importers import bibtex, jsonl
from paperscope.models import Paper
from paperscope.store.collections import Collection, InvalidInput
from paperscope.store.community import User
from paperscope.urls import collection_url, paper_url, shared_url
from paperscope.web import present
from paperscope.web.deps import (
    MemberDep,
    NowDep,
    Site,
    SiteDep,
    csrf_protect,
    require_member,
    safe_next,
)
from paperscope.web.routes.papers import paper_or_404
from paperscope.web.views import PAGE_FORMATS, View, respond

members = APIRouter(dependencies=[Depends(require_member), Depends(csrf_protect)])
router = APIRouter(dependencies=[Depends(csrf_protect)])  # shared links: no account needed
FormText = Annotated[str, Form()]
EXPORTS = {"bib": "application/x-bibtex; charset=utf-8", "jsonl": "application/x-ndjson"}
# Shared links are unlisted: keep them out of search engines and other sites' logs.
SHARED_HEADERS = {"X-Robots-Tag": "noindex", "Referrer-Policy": "no-referrer"}


def mine(site: Site, user: User, collection_id: int) -> Collection:
    """The viewer's collection with this id; 404 otherwise, the same for a
    missing one and someone else's."""
    found = site.library.collections.get(collection_id)
    if found is None or found.user_id != user.id:
        raise HTTPException(404, f"You have no collection with id {collection_id}.")
    return found


def _hx(request: Request) -> bool:
    return bool(request.headers.get("hx-request"))


def list_view(site: Site, user: User, **extra: object) -> View:
    collections = site.library.collections.collections_of(user.id)

    def as_json(base: str) -> dict:
        return {"collections": [_collection_json(c, base) for c in collections]}

    return View(
        template="collections.html",
        title="Your collections",
        description="Your collections of papers.",
        papers=[],
        json=as_json,
        formats=PAGE_FORMATS,
        context={"collections": collections, "name": "", "error": None, **extra},
    )


def collection_view(site: Site, request: Request, collection: Collection,
                    error: str | None = None) -> View:  # fmt: skip
    base = site.base_url(request)
    share = collection.share_token and base + shared_url(collection.share_token)
    papers = site.library.collections.papers(collection.id)

    def as_json(base: str) -> dict:
        return {**_collection_json(collection, base),
                "papers": [present.paper_json(p, base + paper_url(p)) for p in papers]}  # fmt: skip

    return View(
        template="collection.html",
        title=collection.name,
        description=f"The collection {collection.name}.",
        papers=papers,
        json=as_json,
        formats=PAGE_FORMATS,
        context={"collection": collection, "error": error, "share_url": share},
    )


def _collection_json(collection: Collection, base: str) -> dict:
    return {
        "id": collection.id,
        "name": collection.name,
        "size": collection.size,
        "created_at": collection.created_at,
        "shared": bool(collection.share_token),
        "url": base + collection_url(collection.id),
    }


def save_box(request: Request, site: Site, user: User, paper: Paper, **note: object) -> Response:
    """The paper page's "Save to collection" box, for htmx to swap in."""
    db = site.library.collections
    context = {"paper": paper, "collections": db.collections_of(user.id),
               "saved_in": db.holding(user.id, paper.id), **note}  # fmt: skip
    return site.page(request, "_save.html", context)


def export(site: Site, collection: Collection, ext: str, now: NowDep) -> Response:
    if ext not in EXPORTS:
        raise HTTPException(404, f"There is no export as .{ext[:20]}: choose .bib or .jsonl.")
    papers = site.library.collections.papers(collection.id)
    filename = f"{_slug(collection.name)}-{now.date().isoformat()}.{ext}"
    return Response(
        _bibtex(papers) if ext == "bib" else _jsonl(papers),
        media_type=EXPORTS[ext],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


# -- your collections ----------------------------------------------------------


@members.get("/collections", include_in_schema=False)
def collections_page(request: Request, site: SiteDep, user: MemberDep,
                     format: str = "html") -> Response:  # fmt: skip
    return respond(request, list_view(site, user), format)


@members.post("/collections", include_in_schema=False)
def create(request: Request, site: SiteDep, user: MemberDep, name: FormText = "",
           ref: FormText = "", next: FormText = "") -> Response:  # fmt: skip
    """A new collection; with ``ref``, the paper it names goes straight in
    (the paper page's "create one on the spot")."""
    db = site.library.collections
    paper = paper_or_404(site.library, ref) if ref else None
    try:
        collection = db.create(user.id, name)
    except InvalidInput as exc:
        if paper is not None and _hx(request):
            return save_box(request, site, user, paper, error=str(exc))
        view = list_view(site, user, name=name, error=str(exc))
        return _with_status(respond(request, view, "html"), 400)
    if paper is not None:
        db.add_paper(user.id, collection.id, paper.id)
        if _hx(request):
            return save_box(request, site, user, paper, saved_to=collection)
    target = safe_next(next, collection_url(collection.id))
    return RedirectResponse(target, status_code=303)


@members.get("/collections/{collection_id:int}", include_in_schema=False)
def show(request: Request, site: SiteDep, user: MemberDep, collection_id: int,
         format: str = "html") -> Response:  # fmt: skip
    return respond(request, collection_view(site, request, mine(site, user, collection_id)),
                   format)  # fmt: skip


@members.post("/collections/{collection_id:int}/rename", include_in_schema=False)
def rename(request: Request, site: SiteDep, user: MemberDep, collection_id: int,
           name: FormText = "") -> Response:  # fmt: skip
    collection = mine(site, user, collection_id)
    try:
        site.library.collections.rename(user.id, collection.id, name)
    except InvalidInput as exc:
        view = collection_view(site, request, collection, str(exc))
        return _with_status(respond(request, view, "html"), 400)
    return RedirectResponse(collection_url(collection.id), status_code=303)


@members.post("/collections/{collection_id:int}/delete", include_in_schema=False)
def delete(site: SiteDep, user: MemberDep, collection_id: int) -> Response:
    site.library.collections.delete(user.id, mine(site, user, collection_id).id)
    return RedirectResponse("/collections", status_code=303)


@members.post("/collections/{collection_id:int}/share", include_in_schema=False)
def share(site: SiteDep, user: MemberDep, collection_id: int) -> Response:
    site.library.collections.share(user.id, mine(site, user, collection_id).id)
    return RedirectResponse(collection_url(collection_id), status_code=303)


@members.post("/collections/{collection_id:int}/unshare", include_in_schema=False)
def unshare(site: SiteDep, user: MemberDep, collection_id: int) -> Response:
    site.library.collections.unshare(user.id, mine(site, user, collection_id).id)
    return RedirectResponse(collection_url(collection_id), status_code=303)


def change_paper(request: Request, site: Site, user: User, collection_id: int, ref: str,
                 next: str, *, add: bool) -> Response:  # fmt: skip
    """Put a paper in one of the viewer's collections, or take it out."""
    collection = mine(site, user, collection_id)
    paper = paper_or_404(site.library, ref)
    if add:
        site.library.collections.add_paper(user.id, collection.id, paper.id)
    else:
        site.library.collections.remove_paper(user.id, collection.id, paper.id)
    if _hx(request):
        done = {"saved_to" if add else "removed_from": collection}
        return save_box(request, site, user, paper, **done)
    return RedirectResponse(safe_next(next, collection_url(collection.id)), status_code=303)


@members.post("/collections/{collection_id:int}/papers", include_in_schema=False)
def add_paper(request: Request, site: SiteDep, user: MemberDep, collection_id: int,
              ref: FormText = "", next: FormText = "") -> Response:  # fmt: skip
    return change_paper(request, site, user, collection_id, ref, next, add=True)


@members.post("/collections/{collection_id:int}/papers/remove", include_in_schema=False)
def remove_paper(request: Request, site: SiteDep, user: MemberDep, collection_id: int,
                 ref: FormText = "", next: FormText = "") -> Response:  # fmt: skip
    return change_paper(request, site, user, collection_id, ref, next, add=False)


@members.get("/collections/{collection_id:int}/export.{ext}", include_in_schema=False)
def export_mine(site: SiteDep, user: MemberDep, now: NowDep, collection_id: int,
                ext: str) -> Response:  # fmt: skip
    return export(site, mine(site, user, collection_id), ext, now)


# -- shared links ----------------------------------------------------------------


def shared(site: Site, token: str) -> Collection:
    found = site.library.collections.by_token(token)
    if found is None:
        raise HTTPException(
            404, "This link does not lead to a shared collection: it may have been unshared."
        )
    return found


@router.get("/shared/{token}", include_in_schema=False)
def shared_page(request: Request, site: SiteDep, token: str, format: str = "html") -> Response:
    collection = shared(site, token)
    papers = site.library.collections.papers(collection.id)
    view = View(
        template="shared.html",
        title=collection.name,
        description=f"A collection by {collection.owner}, shared by link.",
        papers=papers,
        context={"collection": collection, "token": token},
        headers=SHARED_HEADERS,
    )
    return respond(request, view, format)


@router.get("/shared/{token}/export.{ext}", include_in_schema=False)
def shared_export(site: SiteDep, now: NowDep, token: str, ext: str) -> Response:
    response = export(site, shared(site, token), ext, now)
    response.headers.update(SHARED_HEADERS)
    return response


def _with_status(response: Response, status: int) -> Response:
    response.status_code = status
    return response


def _bibtex(papers: list[Paper]) -> bytes:
    """The papers as ``paperscope export --format bibtex`` writes them."""
    out = io.StringIO()
    bibtex.write(papers, out)
    return out.getvalue().encode()


def _jsonl(papers: list[Paper]) -> bytes:
    """The papers as ``paperscope export`` writes them: lossless JSON lines."""
    out = io.BytesIO()
    jsonl.write(papers, out)
    return out.getvalue()


def _slug(name: str) -> str:
    """A file name from a collection's name: ASCII letters, digits and dashes."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")[:60] or "collection"
