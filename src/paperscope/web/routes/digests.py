"""Digest subscriptions on the web: manage yours, preview it, unsubscribe.

``/digests`` is for the signed-in user and touches only their own
subscription: no form field names a user, so nobody can change another
person's. ``/unsubscribe/{token}`` needs no sign-in and no CSRF token: the
link comes from an email, and the HMAC-signed token (see
:class:`paperscope.digest.Signer`) is the authority. Its POST is the RFC 8058
one-click endpoint that mail clients call with ``List-Unsubscribe=One-Click``;
it answers 200 with a page, never a redirect, because those clients do not
follow one. It is the one POST of the site without the CSRF check, on a
router of its own.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from paperscope.digest import (
    MAX_SEARCHES,
    DigestBuilder,
    DigestError,
    describe,
    digest_period,
    saved_search,
)
from paperscope.store.digests import PERIODS, DigestStore, Subscriber, Subscription
from paperscope.web.deps import MemberDep, NowDep, Site, SiteDep, csrf_protect, require_member

members = APIRouter(dependencies=[Depends(require_member), Depends(csrf_protect)])
# RFC 8058 one-click unsubscribing: mail clients post without a CSRF token.
email_links = APIRouter()
FormText = Annotated[str, Form()]

NOTICES = {
    "saved": "Saved.",
    "added": "Search added.",
    "removed": "Search removed.",
    "stopped": "You will get no more digests.",
}


def show(request: Request, site: Site, sub: Subscription | None, *, error: str = "",
         notice: str = "", status: int = 200) -> Response:  # fmt: skip
    searches = [(describe(s), s) for s in sub.searches] if sub else []
    return site.page(request, "digests.html", {
        "title": "Email digests", "subscription": sub, "searches": searches,
        "max_searches": MAX_SEARCHES, "error": error, "notice": notice,
    }, status)  # fmt: skip


@members.get("/digests", include_in_schema=False)
def digests_page(request: Request, site: SiteDep, user: MemberDep, done: str = "") -> Response:
    return show(request, site, site.library.subscriptions.subscription(user.id),
                notice=NOTICES.get(done, ""))  # fmt: skip


@members.post("/digests", include_in_schema=False)
def digests_save(
    request: Request,
    site: SiteDep,
    user: MemberDep,
    action: FormText = "save",
    period: FormText = "daily",
    trending: Annotated[str | None, Form()] = None,
    recommended: Annotated[str | None, Form()] = None,
    q: FormText = "",
    author: FormText = "",
    cat: FormText = "",
    index: FormText = "",
) -> Response:
    db = site.library.subscriptions
    sub = db.subscription(user.id)
    try:
        done = _apply(db, user.id, sub, action, period, bool(trending), bool(recommended),
                      (q, author, cat), index)  # fmt: skip
    except DigestError as exc:
        return show(request, site, sub, error=str(exc), status=400)
    return RedirectResponse(f"/digests?done={done}", status_code=303)


@members.get("/digests/preview", include_in_schema=False)
def digests_preview(request: Request, site: SiteDep, user: MemberDep, now: NowDep) -> Response:
    """Your digest of the last finished period, as the email's HTML part."""
    sub = site.library.subscriptions.subscription(user.id)
    if sub is None:
        return RedirectResponse("/digests", status_code=303)
    period = digest_period(sub.period, today=now.date())
    base = site.base_url(request)  # a page, not an email: the request's host may show it
    builder = DigestBuilder(site.library, period, base_url=base, signer=site.signer)
    (digest,) = builder.build([Subscriber(sub, user.email, user.name, None)])
    if digest.empty:
        notice = f"Your digest for {period.label} would be empty, so it would not be sent."
        return show(request, site, sub, notice=notice)
    return HTMLResponse(digest.html)


# -- one-click unsubscribe (RFC 8058) ---------------------------------------------


def token_user(site: Site, token: str) -> int:
    user_id = site.signer.unsubscribe_user(token)
    if user_id is None:
        raise HTTPException(
            400, "This unsubscribe link is not valid: copy the whole link from the email."
        )
    return user_id


@email_links.get("/unsubscribe/{token}", include_in_schema=False)
def unsubscribe_form(request: Request, site: SiteDep, token: str) -> Response:
    token_user(site, token)
    return site.page(request, "unsubscribe.html", {"title": "Unsubscribe", "token": token})


@email_links.post("/unsubscribe/{token}", include_in_schema=False)
def unsubscribe(request: Request, site: SiteDep, token: str) -> Response:
    site.library.subscriptions.delete_subscription(token_user(site, token))
    return site.page(request, "unsubscribe.html", {"title": "Unsubscribed", "done": True})


def _apply(
    db: DigestStore,
    user_id: int,
    sub: Subscription | None,
    action: str,
    period: str,
    trending: bool,
    recommended: bool,
    search: tuple[str, str, str],
    index: str,
) -> str:
    """Change the user's own subscription as ``action`` says; returns what was done."""
    if action == "stop":
        db.delete_subscription(user_id)
        return "stopped"
    if action == "save":
        if period not in PERIODS:
            raise DigestError(f"{period[:20]!r} is not a period: choose daily or weekly")
        searches = sub.searches if sub else ()
        db.save_subscription(user_id, period=period, trending=trending, recommended=recommended,
                             searches=searches)  # fmt: skip
        return "saved"
    # Adding a search to no subscription starts one with the defaults.
    current = sub or Subscription(user_id, "daily")
    if action == "add":
        found = saved_search(*search)
        if found in current.searches:
            raise DigestError(f"you already have the search {describe(found)}")
        if len(current.searches) >= MAX_SEARCHES:
            raise DigestError(f"at most {MAX_SEARCHES} saved searches: remove one first")
        searches = (*current.searches, found)
        done = "added"
    elif action == "remove":
        position = int(index) if index.isascii() and index.isdigit() and len(index) < 4 else -1
        if not 0 <= position < len(current.searches):
            raise DigestError("that saved search is not there any more: reload the page")
        searches = current.searches[:position] + current.searches[position + 1 :]
        done = "removed"
    else:
        raise DigestError(f"unknown action {action[:20]!r}")
    db.save_subscription(user_id, period=current.period, trending=current.trending,
                         recommended=current.recommended, searches=searches)  # fmt: skip
    return done
