"""Comments under papers: plain text by anyone signed in, one level of
replies, and edits by the author for a while after posting.

Shown as text: escaped, line breaks kept, and only ``http://`` and
``https://`` URLs made into links (:func:`paperscope.web.present.linkify`),
marked ``rel="nofollow ugc noopener"`` so that spam earns nothing; formulas
are rendered as in abstracts (:func:`paperscope.web.present.comment_html`).

A reply is a comment with ``reply_to`` (the comment answered; a reply to a
reply goes under its top comment). The edit window is counted by the site's
clock, which stamps each comment as it is posted, so tests can move time.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException

from paperscope.accounts import RateLimited
from paperscope.store.collections import EditClosed, InvalidInput
from paperscope.urls import paper_url
from paperscope.web.deps import Digits, MemberDep, NowDep, SiteDep, csrf_protect, require_member
from paperscope.web.routes.papers import paper_or_404

members = APIRouter(dependencies=[Depends(require_member), Depends(csrf_protect)])
# The comment a reply answers: a number in ASCII digits, or nothing for a top comment.
ReplyTo = Annotated[int | None, Form(), Digits]


@members.post("/papers/{ref:path}/comments", include_in_schema=False)
def comment(site: SiteDep, user: MemberDep, now: NowDep, ref: str,
            body: Annotated[str, Form()] = "", reply_to: ReplyTo = None) -> Response:  # fmt: skip
    paper = paper_or_404(site.library, ref)
    try:
        site.accounts.limit("comment", f"comment-user:{user.id}")
        added = site.library.collections.add_comment(user.id, paper.id, body,
                                                     reply_to=reply_to, now=now)  # fmt: skip
    except RateLimited as exc:
        raise HTTPException(429, f"Your comment was not posted: {exc}.") from None
    except InvalidInput as exc:
        raise HTTPException(400, f"Your comment was not posted: {exc}.") from None
    return RedirectResponse(f"{paper_url(paper)}#comment-{added.id}", status_code=303)


@members.post("/comments/{comment_id:int}/edit", include_in_schema=False)
def edit_comment(site: SiteDep, user: MemberDep, now: NowDep, comment_id: int,
                 body: Annotated[str, Form()] = "") -> Response:  # fmt: skip
    db = site.library.collections
    found = db.comment(comment_id)
    if found is None:
        raise HTTPException(404, f"There is no comment with id {comment_id}.")
    if found.user_id != user.id:
        raise HTTPException(403, "Only its author can edit a comment.")
    try:
        edited = db.edit_comment(user.id, found.id, body, now)
    except EditClosed as exc:
        raise HTTPException(403, f"Your edit was not saved: {exc}.") from None
    except InvalidInput as exc:
        raise HTTPException(400, f"Your edit was not saved: {exc}.") from None
    if edited is None:  # deleted meanwhile
        raise HTTPException(404, f"There is no comment with id {comment_id}.")
    return RedirectResponse(f"{paper_url(edited.paper_id)}#comment-{edited.id}", status_code=303)


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
