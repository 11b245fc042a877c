"""Paper pages, and what members do to a paper: vote, submit it to the
feed, take it out (admins), say "not interested" (and take that back).

The paper page's route takes any reference to a paper (``{ref:path}``: an id,
a versioned arXiv id, a DOI), so its router is included after every other:
see create_app.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from starlette.exceptions import HTTPException

from paperscope.library import Library
from paperscope.models import Paper, parse_arxiv_id
from paperscope.store.collections import EDIT_MINUTES, Comment, editable
from paperscope.store.community import User
from paperscope.submissions import SubmissionError, submit
from paperscope.urls import paper_url
from paperscope.web import present
from paperscope.web.deps import (
    AdminDep,
    MemberDep,
    NowDep,
    Site,
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
    """A comment as the paper page shows it, with its replies under it."""

    comment: Comment
    html: Markup  # the body, through comment_html (escaped, links, formulas)
    can_delete: bool  # the viewer wrote it or is an admin
    can_edit: bool  # the viewer wrote it, and its edit window is open
    replies: tuple[ShownComment, ...] = ()


def threads(comments: list[Comment], user: User | None, now: datetime) -> list[ShownComment]:
    """A paper's comments (oldest first) as top comments, each with its replies."""

    def shown(c: Comment, replies: tuple[ShownComment, ...] = ()) -> ShownComment:
        mine = user is not None and user.id == c.user_id and not c.deleted
        return ShownComment(c, present.comment_html(c.body),
                            mine or (user is not None and user.is_admin and not c.deleted),
                            mine and editable(c, now), replies)  # fmt: skip

    answers: dict[int, list[ShownComment]] = {}
    for c in comments:
        if c.parent_id is not None:
            answers.setdefault(c.parent_id, []).append(shown(c))
    return [shown(c, tuple(answers.get(c.id, ()))) for c in comments if c.parent_id is None]


def comments_and_collections(library: Library, me: Viewer, paper: Paper, now: datetime) -> dict:
    """What the paper page needs of the people side: its comments, and for
    someone signed in their collections and which of them hold the paper."""
    user = me.user
    found = library.collections.comments(paper.id)
    shown = {"comments": threads(found, user, now),
             "comment_count": sum(not c.deleted for c in found), "edit_minutes": EDIT_MINUTES}  # fmt: skip
    if user is None:
        return {**shown, "collections": [], "saved_in": set()}
    return {
        **shown,
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


@members.post("/papers/{ref:path}/dismiss", include_in_schema=False)
def dismiss(request: Request, site: SiteDep, user: MemberDep, ref: str,
            next: Annotated[str, Form()] = "") -> Response:  # fmt: skip
    """ "Not interested": the paper leaves the person's recommendations for
    good (recommend.py). htmx swaps the card for a line with an undo; without
    JS the form comes back to ``next``."""
    paper = paper_or_404(site.library, ref)
    site.library.feedback.dismiss(user.id, paper.id)
    return _dismissed_answer(request, site, paper, next, dismissed=True)


@members.post("/papers/{ref:path}/undismiss", include_in_schema=False)
def undismiss(request: Request, site: SiteDep, user: MemberDep, ref: str,
              next: Annotated[str, Form()] = "") -> Response:  # fmt: skip
    """Take a "not interested" back: the paper may be recommended again."""
    paper = paper_or_404(site.library, ref)
    site.library.feedback.undismiss(user.id, paper.id)
    return _dismissed_answer(request, site, paper, next, dismissed=False)


def _dismissed_answer(request: Request, site: Site, paper: Paper, next: str, *,
                      dismissed: bool) -> Response:  # fmt: skip
    back = safe_next(next, "/for-you")
    if request.headers.get("hx-request"):
        return site.page(request, "_dismissed.html",
                         {"paper": paper, "dismissed": dismissed, "next": back})  # fmt: skip
    return RedirectResponse(back, status_code=303)


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
def paper_page(request: Request, site: SiteDep, me: ViewerDep, now: NowDep, ref: str,
               format: PageFormatParam = "html") -> Response:  # fmt: skip
    library = site.library
    fmt = format
    paper = paper_or_404(library, ref)
    _check_version(paper, ref)
    if paper.id != ref:  # an arXiv id with a version, a DOI, an old id: one address
        target = paper_url(paper) + (f"?format={fmt}" if fmt != "html" else "")
        return RedirectResponse(target, status_code=301)
    if me.user is not None:  # seen: not recommended to them again (one insert)
        library.feedback.mark_opened(me.user.id, paper.id)
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
        **comments_and_collections(library, me, paper, now),
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
