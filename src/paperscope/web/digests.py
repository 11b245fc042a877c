"""Digest subscriptions on the web: manage yours, preview it, unsubscribe.

``/digests`` is for the signed-in user and touches only their own
subscription: no form field names a user, so nobody can change another
person's. ``/unsubscribe/{token}`` needs no sign-in and no CSRF token: the
link comes from an email, and the HMAC-signed token (see
:class:`paperscope.digest.Signer`) is the authority. Its POST is the RFC 8058
one-click endpoint that mail clients call with ``List-Unsubscribe=One-Click``;
it answers 200 with a page, never a redirect, because those clients do not
follow one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from paperscope.accounts import Accounts
from paperscope.digest import (
    MAX_SEARCHES,
    DigestBuilder,
    DigestError,
    Signer,
    describe,
    digest_period,
    saved_search,
    signer_for,
)
from paperscope.library import Library
from paperscope.store.digests import PERIODS, DigestStore, Subscriber, Subscription
from paperscope.web.people import check_csrf, login_redirect, viewer

NOTICES = {
    "saved": "Saved.",
    "added": "Search added.",
    "removed": "Search removed.",
    "stopped": "You will get no more digests.",
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
    """Add the digest routes to ``app``."""
    db = DigestStore(accounts.db.store)
    signers: list[Signer] = []  # made on first use: making it may write the secret

    def signer() -> Signer:
        if not signers:
            signers.append(signer_for(library))
        return signers[0]

    def show(request: Request, sub: Subscription | None, *, error: str = "", notice: str = "",
             status: int = 200) -> Response:  # fmt: skip
        searches = [(describe(s), s) for s in sub.searches] if sub else []
        return page(request, "digests.html", {
            "title": "Email digests", "subscription": sub, "searches": searches,
            "max_searches": MAX_SEARCHES, "error": error, "notice": notice,
        }, status)  # fmt: skip

    @app.get("/digests", include_in_schema=False)
    def digests_page(request: Request, done: str = ""):
        user = viewer(request).user
        if user is None:
            return login_redirect(request, "/digests")
        return show(request, db.subscription(user.id), notice=NOTICES.get(done, ""))

    @app.post("/digests", include_in_schema=False)
    def digests_save(
        request: Request,
        action: str = Form("save"),
        period: str = Form("daily"),
        trending: str | None = Form(None),
        recommended: str | None = Form(None),
        q: str = Form(""),
        author: str = Form(""),
        cat: str = Form(""),
        index: int = Form(-1),
        csrf: str = Form(""),
    ):
        user = viewer(request).user
        if user is None:
            return login_redirect(request, "/digests")
        check_csrf(request, csrf)
        sub = db.subscription(user.id)
        try:
            done = _apply(db, user.id, sub, action, period, bool(trending), bool(recommended),
                          (q, author, cat), index)  # fmt: skip
        except DigestError as exc:
            return show(request, sub, error=str(exc), status=400)
        return RedirectResponse(f"/digests?done={done}", status_code=303)

    @app.get("/digests/preview", include_in_schema=False)
    def digests_preview(request: Request):
        """Your digest of the last finished period, as the email's HTML part."""
        user = viewer(request).user
        if user is None:
            return login_redirect(request, "/digests")
        sub = db.subscription(user.id)
        if sub is None:
            return RedirectResponse("/digests", status_code=303)
        period = digest_period(sub.period, today=now().date())
        builder = DigestBuilder(library, period, base_url=base_url(request), signer=signer())
        (digest,) = builder.build([Subscriber(sub, user.email, user.name, None)])
        if digest.empty:
            notice = f"Your digest for {period.label} would be empty, so it would not be sent."
            return show(request, sub, notice=notice)
        return HTMLResponse(digest.html, headers={"Cache-Control": "no-store"})

    # -- one-click unsubscribe (RFC 8058) ---------------------------------------------

    def token_user(token: str) -> int:
        user_id = signer().unsubscribe_user(token)
        if user_id is None:
            raise HTTPException(
                400, "This unsubscribe link is not valid: copy the whole link from the email."
            )
        return user_id

    @app.get("/unsubscribe/{token}", include_in_schema=False)
    def unsubscribe_form(request: Request, token: str):
        token_user(token)
        return page(request, "unsubscribe.html", {"title": "Unsubscribe", "token": token})

    @app.post("/unsubscribe/{token}", include_in_schema=False)
    def unsubscribe(request: Request, token: str):
        db.delete_subscription(token_user(token))
        return page(request, "unsubscribe.html", {"title": "Unsubscribed", "done": True})


def _apply(
    db: DigestStore,
    user_id: int,
    sub: Subscription | None,
    action: str,
    period: str,
    trending: bool,
    recommended: bool,
    search: tuple[str, str, str],
    index: int,
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
        if not 0 <= index < len(current.searches):
            raise DigestError("that saved search is not there any more: reload the page")
        searches = current.searches[:index] + current.searches[index + 1 :]
        done = "removed"
    else:
        raise DigestError(f"unknown action {action[:20]!r}")
    db.save_subscription(user_id, period=current.period, trending=current.trending,
                         recommended=current.recommended, searches=searches)  # fmt: skip
    return done
