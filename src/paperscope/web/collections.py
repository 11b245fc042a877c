"""Collections and comments on the web service.

A collection is a named list of papers that one person keeps: private to
them, unless they share it by link (``/shared/TOKEN``, read-only, for
anyone who has the link; sharing again makes a new link and ends the old
one). Comments are plain text under a paper, by anyone signed in.

The rules every route follows:

- Everything but a shared link needs a signed-in person; without one, a page
  redirects to the log-in page (and a form post back to where it came from).
- A collection id that is someone else's is answered exactly like one that
  does not exist: the same 404 and message, for reading and writing alike.
  Ids count up, so any other answer would tell a stranger which exist.
- Every POST checks the CSRF token (after sign-in, as votes do).
- Comments are shown as text: escaped, line breaks kept, and only
  ``http://`` and ``https://`` URLs made into links (:func:`linkify`), marked
  ``rel="nofollow ugc noopener"`` so that spam earns nothing.
- The "Save to collection" box on a paper page works with plain form posts;
  with htmx, saving, removing and creating come back as the box itself, with
  a line saying what happened. htmx swaps only 2xx answers, so a name error
  in that box comes back as a 200 that shows the message.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, Form, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup, escape
from starlette.exceptions import HTTPException

from paperscope.accounts import Accounts, RateLimited
from paperscope.importers import bibtex, jsonl
from paperscope.library import Library
from paperscope.models import Paper
from paperscope.store.collections import Collection, CollectionStore, Comment, InvalidInput
from paperscope.store.community import User
from paperscope.web.people import check_csrf, login_redirect, paper_or_404, safe_next, viewer

# Text that starts like a web address, up to a space, a quote or an angle bracket.
_URL = re.compile(r"\bhttps?://[^\s<>\"'`]+", re.IGNORECASE)
# Punctuation that usually ends the sentence around a URL rather than the URL.
_TRAILING = ".,;:!?)]}*"
EXPORTS = {"bib": "application/x-bibtex; charset=utf-8", "jsonl": "application/x-ndjson"}
# Shared links are unlisted: keep them out of search engines and other sites' logs.
_SHARED_HEADERS = {"X-Robots-Tag": "noindex", "Referrer-Policy": "no-referrer"}


def linkify(text: str) -> Markup:
    """Plain text as HTML: every character escaped, line breaks as ``<br>``,
    and ``http(s)://`` URLs as links. Nothing else becomes a link, so
    ``javascript:`` or ``data:`` text stays text; the URL is escaped into the
    attribute, where it cannot close the quote."""
    out: list[str] = []
    last = 0
    for match in _URL.finditer(text):
        url = _trim(match[0])
        if not urlsplit(url).netloc:
            continue
        out.append(escape(text[last : match.start()]))
        out.append(Markup('<a href="{0}" rel="nofollow ugc noopener">{0}</a>').format(url))
        last = match.start() + len(url)
    out.append(escape(text[last:]))
    return Markup("".join(out)).replace("\n", Markup("<br>\n"))


def _trim(url: str) -> str:
    """Drop sentence punctuation after a URL, but keep a closing bracket that
    pairs with one inside it (``https://en.wikipedia.org/wiki/Set_(mathematics)``)."""
    while url and url[-1] in _TRAILING:
        opening = {")": "(", "]": "[", "}": "{"}.get(url[-1])
        if opening and url.count(opening) >= url.count(url[-1]):
            break
        url = url[:-1]
    return url


@dataclass(frozen=True)
class ShownComment:
    """A comment as the paper page shows it."""

    comment: Comment
    html: Markup  # the body, through linkify
    can_delete: bool  # the viewer wrote it or is an admin


def paper_context(request: Request, paper: Paper) -> dict:
    """What the paper page needs from here: its comments, and for someone
    signed in their collections and which of them hold the paper."""
    db: CollectionStore = request.app.state.collections
    me = viewer(request).user
    comments = [
        ShownComment(c, linkify(c.body), me is not None and (me.id == c.user_id or me.is_admin))
        for c in db.comments(paper.id)
    ]
    if me is None:
        return {"comments": comments, "collections": [], "saved_in": set()}
    return {
        "comments": comments,
        "collections": db.collections_of(me.id),
        "saved_in": db.holding(me.id, paper.id),
    }


def install(
    app: FastAPI,
    *,
    library: Library,
    accounts: Accounts,
    page: Callable[..., Response],
    base_url: Callable[[Request], str],
    now: Callable[[], datetime],
) -> None:
    """Add the collection and comment routes to ``app``."""
    db = CollectionStore(accounts.db.store)
    app.state.collections = db

    def mine(user: User, collection_id: int) -> Collection:
        """The viewer's collection with this id; 404 otherwise, the same for a
        missing one and someone else's."""
        found = db.get(collection_id)
        if found is None or found.user_id != user.id:
            raise HTTPException(404, f"You have no collection with id {collection_id}.")
        return found

    def hx(request: Request) -> bool:
        return bool(request.headers.get("hx-request"))

    def list_page(request: Request, user: User, **extra) -> Response:
        context = {"title": "Your collections", "collections": db.collections_of(user.id),
                   "name": "", "error": None, **extra}  # fmt: skip
        return page(request, "collections.html", context, 400 if extra.get("error") else 200)

    def collection_page(request: Request, collection: Collection, error: str | None = None):
        share_url = (
            collection.share_token and f"{base_url(request)}/shared/{collection.share_token}"
        )
        context = {"title": collection.name, "collection": collection, "error": error,
                   "papers": db.papers(collection.id), "share_url": share_url}  # fmt: skip
        return page(request, "collection.html", context, 400 if error else 200)

    def save_box(request: Request, user: User, paper: Paper, **note) -> Response:
        """The paper page's "Save to collection" box, for htmx to swap in."""
        context = {"paper": paper, "collections": db.collections_of(user.id),
                   "saved_in": db.holding(user.id, paper.id), **note}  # fmt: skip
        return page(request, "_save.html", context)

    def export(collection: Collection, ext: str) -> Response:
        if ext not in EXPORTS:
            raise HTTPException(404, f"There is no export as .{ext}: choose .bib or .jsonl.")
        papers = db.papers(collection.id)
        filename = f"{_slug(collection.name)}-{now().date().isoformat()}.{ext}"
        return Response(
            _bibtex(papers) if ext == "bib" else _jsonl(papers),
            media_type=EXPORTS[ext],
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )

    # -- your collections ----------------------------------------------------------

    @app.get("/collections", include_in_schema=False)
    def collections_page(request: Request):
        user = viewer(request).user
        if user is None:
            return login_redirect(request)
        return list_page(request, user)

    @app.post("/collections", include_in_schema=False)
    def create(
        request: Request,
        name: str = Form(""),
        ref: str = Form(""),
        csrf: str = Form(""),
        next: str = Form(""),
    ):
        """A new collection; with ``ref``, the paper it names goes straight in
        (the paper page's "create one on the spot")."""
        user = viewer(request).user
        if user is None:
            return login_redirect(request, safe_next(next, "/collections"))
        check_csrf(request, csrf)
        paper = paper_or_404(library, ref) if ref else None
        try:
            collection = db.create(user.id, name)
        except InvalidInput as exc:
            if paper is not None and hx(request):
                return save_box(request, user, paper, error=str(exc))
            return list_page(request, user, name=name, error=str(exc))
        if paper is not None:
            db.add_paper(user.id, collection.id, paper.id)
            if hx(request):
                return save_box(request, user, paper, saved_to=collection)
        return RedirectResponse(safe_next(next, f"/collections/{collection.id}"), status_code=303)

    @app.get("/collections/{collection_id:int}", include_in_schema=False)
    def show(request: Request, collection_id: int):
        user = viewer(request).user
        if user is None:
            return login_redirect(request)
        return collection_page(request, mine(user, collection_id))

    @app.post("/collections/{collection_id:int}/rename", include_in_schema=False)
    def rename(request: Request, collection_id: int, name: str = Form(""), csrf: str = Form("")):
        user = viewer(request).user
        if user is None:
            return login_redirect(request, f"/collections/{collection_id}")
        check_csrf(request, csrf)
        collection = mine(user, collection_id)
        try:
            db.rename(user.id, collection.id, name)
        except InvalidInput as exc:
            return collection_page(request, collection, str(exc))
        return RedirectResponse(f"/collections/{collection.id}", status_code=303)

    @app.post("/collections/{collection_id:int}/delete", include_in_schema=False)
    def delete(request: Request, collection_id: int, csrf: str = Form("")):
        user = viewer(request).user
        if user is None:
            return login_redirect(request, f"/collections/{collection_id}")
        check_csrf(request, csrf)
        db.delete(user.id, mine(user, collection_id).id)
        return RedirectResponse("/collections", status_code=303)

    @app.post("/collections/{collection_id:int}/share", include_in_schema=False)
    def share(request: Request, collection_id: int, csrf: str = Form("")):
        user = viewer(request).user
        if user is None:
            return login_redirect(request, f"/collections/{collection_id}")
        check_csrf(request, csrf)
        db.share(user.id, mine(user, collection_id).id)
        return RedirectResponse(f"/collections/{collection_id}", status_code=303)

    @app.post("/collections/{collection_id:int}/unshare", include_in_schema=False)
    def unshare(request: Request, collection_id: int, csrf: str = Form("")):
        user = viewer(request).user
        if user is None:
            return login_redirect(request, f"/collections/{collection_id}")
        check_csrf(request, csrf)
        db.unshare(user.id, mine(user, collection_id).id)
        return RedirectResponse(f"/collections/{collection_id}", status_code=303)

    def change_paper(request: Request, collection_id: int, ref: str, csrf: str, next: str,
                     *, add: bool) -> Response:  # fmt: skip
        """Put a paper in one of the viewer's collections, or take it out."""
        user = viewer(request).user
        if user is None:
            return login_redirect(request, safe_next(next, f"/collections/{collection_id}"))
        check_csrf(request, csrf)
        collection = mine(user, collection_id)
        paper = paper_or_404(library, ref)
        if add:
            db.add_paper(user.id, collection.id, paper.id)
        else:
            db.remove_paper(user.id, collection.id, paper.id)
        if hx(request):
            done = {"saved_to" if add else "removed_from": collection}
            return save_box(request, user, paper, **done)
        return RedirectResponse(safe_next(next, f"/collections/{collection.id}"), status_code=303)

    @app.post("/collections/{collection_id:int}/papers", include_in_schema=False)
    def add_paper(
        request: Request,
        collection_id: int,
        ref: str = Form(""),
        csrf: str = Form(""),
        next: str = Form(""),
    ):
        return change_paper(request, collection_id, ref, csrf, next, add=True)

    @app.post("/collections/{collection_id:int}/papers/remove", include_in_schema=False)
    def remove_paper(
        request: Request,
        collection_id: int,
        ref: str = Form(""),
        csrf: str = Form(""),
        next: str = Form(""),
    ):
        return change_paper(request, collection_id, ref, csrf, next, add=False)

    @app.get("/collections/{collection_id:int}/export.{ext}", include_in_schema=False)
    def export_mine(request: Request, collection_id: int, ext: str):
        user = viewer(request).user
        if user is None:
            return login_redirect(request)
        return export(mine(user, collection_id), ext)

    # -- shared links ----------------------------------------------------------------

    def shared(token: str) -> Collection:
        found = db.by_token(token)
        if found is None:
            raise HTTPException(
                404, "This link does not lead to a shared collection: it may have been unshared."
            )
        return found

    @app.get("/shared/{token}", include_in_schema=False)
    def shared_page(request: Request, token: str):
        collection = shared(token)
        context = {"title": collection.name, "collection": collection, "token": token,
                   "papers": db.papers(collection.id)}  # fmt: skip
        response = page(request, "shared.html", context)
        response.headers.update(_SHARED_HEADERS)
        return response

    @app.get("/shared/{token}/export.{ext}", include_in_schema=False)
    def shared_export(token: str, ext: str):
        response = export(shared(token), ext)
        response.headers.update(_SHARED_HEADERS)
        return response

    # -- comments ----------------------------------------------------------------------

    @app.post("/papers/{ref:path}/comments", include_in_schema=False)
    def comment(request: Request, ref: str, body: str = Form(""), csrf: str = Form("")):
        paper_path = "/papers/" + quote(ref, safe="/")
        user = viewer(request).user
        if user is None:
            return login_redirect(request, paper_path + "#comments")
        check_csrf(request, csrf)
        paper = paper_or_404(library, ref)
        try:
            accounts.limit("comment", f"comment-user:{user.id}")
            added = db.add_comment(user.id, paper.id, body)
        except RateLimited as exc:
            raise HTTPException(429, f"Your comment was not posted: {exc}.") from None
        except InvalidInput as exc:
            raise HTTPException(400, f"Your comment was not posted: {exc}.") from None
        target = f"/papers/{quote(paper.id, safe='/')}#comment-{added.id}"
        return RedirectResponse(target, status_code=303)

    @app.post("/comments/{comment_id:int}/delete", include_in_schema=False)
    def delete_comment(request: Request, comment_id: int, csrf: str = Form("")):
        user = viewer(request).user
        if user is None:
            return login_redirect(request, "/")
        check_csrf(request, csrf)
        found = db.comment(comment_id)
        if found is None:
            raise HTTPException(404, f"There is no comment with id {comment_id}.")
        if found.user_id != user.id and not user.is_admin:
            raise HTTPException(403, "Only its author or an admin can delete a comment.")
        db.delete_comment(found.id)
        return RedirectResponse(
            f"/papers/{quote(found.paper_id, safe='/')}#comments", status_code=303
        )


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
