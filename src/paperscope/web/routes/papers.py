"""Paper pages, and what members do to a paper: vote, submit it to the
feed, take it out (admins).

The paper page's route takes any reference to a paper (``{ref:path}``: an id,
a versioned arXiv id, a DOI), so its router is included after every other:
see create_app.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from starlette.exceptions import HTTPException

from paperscope.library import Library
from paperscope.models import Paper, parse_arxiv_id
from paperscope.store.collections import Comment
from paperscope.submissions import SubmissionError, submit
from paperscope.urls import paper_url
from paperscope.web import present
from paperscope.web.deps import (
    AdminDep,
    MemberDep,
    NowDep,
    SiteDep,
    Viewer,
    ViewerDep,
    csrf_protect,
    require_member,
    safe_next,
)
from paperscope.web.views import PAGE_FORMATS, JSONResponse, PageFormatParam, errors

router = APIRouter(dependencies=[Depends(csrf_protect)])
members = APIRouter(dependencies=[Depends(require_member), Depends(csrf_protect)])
SIMILAR = 8


def paper_or_404(library: Library, ref: str) -> Paper:
    """The paper ``ref`` names, or the site's 404 for it."""
    paper = library.get(ref)
    if paper is None:
        raise HTTPException(404, f"No paper here is known as {ref[:200]!r}.")
    return paper


@dataclass(frozen=True)
class ShownComment:
    """A comment as the paper page shows it."""

    comment: Comment
    html: Markup  # the body, through linkify
    can_delete: bool  # the viewer wrote it or is an admin


def comments_and_collections(library: Library, me: Viewer, paper: Paper) -> dict:
    """What the paper page needs of the people side: its comments, and for
    someone signed in their collections and which of them hold the paper."""
    user = me.user
    comments = [
        ShownComment(c, present.linkify(c.body),
                     user is not None and (user.id == c.user_id or user.is_admin))
        for c in library.collections.comments(paper.id)
    ]  # fmt: skip
    if user is None:
        return {"comments": comments, "collections": [], "saved_in": set()}
    return {
        "comments": comments,
        "collections": library.collections.collections_of(user.id),
        "saved_in": library.collections.holding(user.id, paper.id),
    }


# -- members: votes and submissions (before the catch-all paper route) ----------------


@members.post("/papers/{ref:path}/vote", include_in_schema=False)
def vote(request: Request, site: SiteDep, user: MemberDep, ref: str,
         next: Annotated[str, Form()] = "") -> Response:  # fmt: skip
    paper = paper_or_404(site.library, ref)
    voted, total = site.library.people.toggle_vote(user.id, paper.id)
    if request.headers.get("hx-request"):
        return site.page(request, "_vote.html", {"paper_id": paper.id, "voted": voted,
                                                 "total": total, "next": safe_next(next)})  # fmt: skip
    return RedirectResponse(safe_next(next, paper_url(paper)), status_code=303)


@members.get("/submit", include_in_schema=False)
def submit_form(request: Request, site: SiteDep, ref: str = "") -> Response:
    return site.page(request, "submit.html",
                     {"title": "Submit a paper", "ref": ref, "rules": site.rules})  # fmt: skip


@members.post("/submit", include_in_schema=False)
def submit_paper(request: Request, site: SiteDep, user: MemberDep, now: NowDep,
                 ref: Annotated[str, Form()] = "") -> Response:  # fmt: skip
    try:
        paper = submit(site.library, user, ref, now.date(), site.rules, fetch=site.fetch_arxiv)
    except SubmissionError as exc:
        context = {"title": "Submit a paper", "ref": ref, "rules": site.rules, "error": str(exc)}
        return site.page(request, "submit.html", context, 400)
    return RedirectResponse(paper_url(paper), status_code=303)


@members.post("/papers/{ref:path}/withdraw", include_in_schema=False)
def withdraw(site: SiteDep, admin: AdminDep, ref: str) -> Response:
    paper = paper_or_404(site.library, ref)
    site.library.people.withdraw(paper.id)
    return RedirectResponse(paper_url(paper), status_code=303)


# -- the paper page: last, since its path takes any reference ----------------------------


@router.get(
    "/papers/{ref:path}",
    response_class=HTMLResponse,
    summary="A paper's page",
    responses=errors(301, 400, 404, formats=PAGE_FORMATS),
)
def paper_page(request: Request, site: SiteDep, me: ViewerDep, ref: str,
               format: PageFormatParam = "html") -> Response:  # fmt: skip
    library = site.library
    fmt = format
    paper = paper_or_404(library, ref)
    _check_version(paper, ref)
    if paper.id != ref:  # an arXiv id with a version, a DOI, an old id: one address
        target = paper_url(paper) + (f"?format={fmt}" if fmt != "html" else "")
        return RedirectResponse(target, status_code=301)
    similar = library.similar(paper.id, limit=SIMILAR)
    base = site.base_url(request)
    if fmt == "json":
        data = present.paper_json(paper, base + paper_url(paper))
        data["similar"] = [present.hit_json(h, base + paper_url(h.paper))
                           for h in similar.hits if h.paper]  # fmt: skip
        return JSONResponse(data)
    return site.page(request, "paper.html", {
        "title": paper.title, "paper": paper, "similar": similar.hits,
        "json_url": paper_url(paper) + "?format=json",
        **comments_and_collections(library, me, paper),
    })  # fmt: skip


def _check_version(paper: Paper, ref: str) -> None:
    """A versioned arXiv reference must name a version the library knows:
    ``0704.0011v9`` is not quietly the paper's page when there is no v9."""
    parsed = parse_arxiv_id(ref)
    if parsed is None or parsed[1] is None or not paper.versions or parsed[0] != paper.id:
        return
    known = sorted(v.version for v in paper.versions)
    if parsed[1] not in known:
        have = ", ".join(f"v{n}" for n in known)
        raise HTTPException(
            404,
            f"{paper.id} has no version {parsed[1]} here (this library knows {have}): "
            f"its page is {paper_url(paper)}",
        )
