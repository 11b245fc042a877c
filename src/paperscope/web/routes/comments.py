"""Comments under papers: plain text by anyone signed in.

Shown as text: escaped, line breaks kept, and only ``http://`` and
``https://`` URLs made into links (:func:`paperscope.web.present.linkify`),
marked ``rel="nofollow ugc noopener"`` so that spam earns nothing.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException

from paperscope.accounts import RateLimited
from paperscope.store.collections import InvalidInput
from paperscope.urls import paper_url
from paperscope.web.deps import MemberDep, SiteDep, csrf_protect, require_member
from paperscope.web.routes.papers import paper_or_404

members = APIRouter(dependencies=[Depends(require_member), Depends(csrf_protect)])


@members.post("/papers/{ref:path}/comments", include_in_schema=False)
def comment(site: SiteDep, user: MemberDep, ref: str,
            body: Annotated[str, Form()] = "") -> Response:  # fmt: skip
    paper = paper_or_404(site.library, ref)
    try:
        site.accounts.limit("comment", f"comment-user:{user.id}")
        added = site.library.collections.add_comment(user.id, paper.id, body)
    except RateLimited as exc:
        raise HTTPException(429, f"Your comment was not posted: {exc}.") from None
    except InvalidInput as exc:
        raise HTTPException(400, f"Your comment was not posted: {exc}.") from None
    return RedirectResponse(f"{paper_url(paper)}#comment-{added.id}", status_code=303)


@members.post("/comments/{comment_id:int}/delete", include_in_schema=False)
def delete_comment(site: SiteDep, user: MemberDep, comment_id: int) -> Response:
    db = site.library.collections
    found = db.comment(comment_id)
    if found is None:
        raise HTTPException(404, f"There is no comment with id {comment_id}.")
    if found.user_id != user.id and not user.is_admin:
        raise HTTPException(403, "Only its author or an admin can delete a comment.")
    db.delete_comment(found.id)
    return RedirectResponse(f"{paper_url(found.paper_id)}#comments", status_code=303)
