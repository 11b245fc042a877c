"""Digest subscriptions on the web: manage yours, preview it, and the pages
that the links of an email lead to.

``/digests`` is for the signed-in user and touches only their own
subscription and lenses: no form field names a user, and a lens is changed
only through its owner's id, so nobody can change another person's. The
digest's searches are the person's lenses (``/lenses``); this page only
says which of them are in the digest. It and its preview have JSON twins
(``?format=json``).

Links from an email need no sign-in: a signed token (see
:class:`paperscope.digest.Signer`) is the authority.

- ``/unsubscribe/{token}``: its POST is the RFC 8058 one-click endpoint that
  mail clients call with ``List-Unsubscribe=One-Click``; it answers 200 with
  a page, never a redirect, because those clients do not follow one. It is
  the one POST of the site without the CSRF check, on a router of its own.
- ``/not-interested/{token}`` (one person, one paper): a GET only asks,
  since mail scanners and link previews follow every link of an email; the
  button on that page POSTs, with the form cookie's CSRF token as every
  form for signed-out visitors has, and that dismisses the paper.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from paperscope import lenses, urls
from paperscope.digest import LENS_SECTIONS, Digest, DigestBuilder, DigestError, digest_period
from paperscope.models import Paper
from paperscope.store.community import User
from paperscope.store.digests import PERIODS, Subscriber, Subscription
from paperscope.store.lenses import Lens, LensFields
from paperscope.web.deps import MemberDep, NowDep, Site, SiteDep, csrf_protect, require_member
from paperscope.web.views import PAGE_FORMATS, JSONResponse, PageFormatParam, View, respond

members = APIRouter(dependencies=[Depends(require_member), Depends(csrf_protect)])
# RFC 8058 one-click unsubscribing: mail clients post without a CSRF token.
email_links = APIRouter()
# Other links of an email: no sign-in, but their forms carry a CSRF token.
email_pages = APIRouter(dependencies=[Depends(csrf_protect)])
FormText = Annotated[str, Form()]
FormIds = Annotated[list[str], Form()]

NOTICES = {
    "saved": "Saved.",
    "lenses": "Your digest's lenses are saved.",
    "stopped": "You will get no more digests.",
}


def subscription_json(sub: Subscription | None) -> dict | None:
    if sub is None:
        return None
    return {"period": sub.period, "trending": sub.trending, "recommended": sub.recommended,
            "created_at": sub.created_at, "updated_at": sub.updated_at}  # fmt: skip


def page_view(site: Site, user: User, *, error: str = "", notice: str = "") -> View:
    sub = site.library.subscriptions.subscription(user.id)
    mine = site.library.lenses.of_user(user.id)

    def as_json(base: str) -> dict:
        return {
            "subscription": subscription_json(sub),
            "lenses": [
                {
                    "id": lens.id,
                    "name": lens.name,
                    "description": lenses.describe(lens),
                    "in_digest": lens.in_digest,
                    "url": base + urls.lens_url(lens.id),
                }
                for lens in mine
            ],  # fmt: skip
            "preview_url": base + "/digests/preview" if sub else None,
        }

    return View(
        template="digests.html",
        title="Email digests",
        description="Your daily or weekly email: the feed's top papers, your lenses, recommendations.",
        papers=[],
        json=as_json,
        formats=PAGE_FORMATS,
        context={
            "subscription": sub,
            "lenses": mine,
            "describe": lenses.describe,
            "error": error,
            "notice": notice,
            "max_sections": LENS_SECTIONS,
        },  # fmt: skip
    )


def _failed(request: Request, site: Site, user: User, error: str) -> Response:
    response = respond(request, page_view(site, user, error=error), "html")
    response.status_code = 400
    return response


@members.get("/digests", include_in_schema=False)
def digests_page(request: Request, site: SiteDep, user: MemberDep, done: str = "",
                 format: PageFormatParam = "html") -> Response:  # fmt: skip
    return respond(request, page_view(site, user, notice=NOTICES.get(done, "")), format)


@members.post("/digests", include_in_schema=False)
def digests_save(
    request: Request,
    site: SiteDep,
    user: MemberDep,
    action: FormText = "save",
    period: FormText = "daily",
    trending: Annotated[str | None, Form()] = None,
    recommended: Annotated[str | None, Form()] = None,
    lens: FormIds | None = None,  # the lenses the form showed
    in_digest: FormIds | None = None,  # those of them ticked
) -> Response:
    db = site.library.subscriptions
    try:
        if action == "stop":
            db.delete_subscription(user.id)
            done = "stopped"
        elif action == "save":
            if period not in PERIODS:
                raise DigestError(f"{period[:20]!r} is not a period: choose daily or weekly")
            db.save_subscription(user.id, period=period, trending=bool(trending),
                                 recommended=bool(recommended))  # fmt: skip
            done = "saved"
        elif action == "lenses":
            _choose_lenses(site, user, lens or [], in_digest or [])
            done = "lenses"
        else:
            raise DigestError(f"unknown action {action[:20]!r}")
    except DigestError as exc:
        return _failed(request, site, user, str(exc))
    return RedirectResponse(f"/digests?done={done}", status_code=303)


def _choose_lenses(site: Site, user: User, shown: list[str], ticked: list[str]) -> None:
    """Put in the digest the lenses ticked among those the form showed, and
    take out the others it showed (a lens made since in another tab stays as it is)."""
    wanted = {_lens_id(v) for v in shown}
    on = {_lens_id(v) for v in ticked}
    if not on <= wanted:
        raise DigestError("a lens ticked was not on the page: reload it and try again")
    for found in site.library.lenses.of_user(user.id):
        if found.id in wanted and found.in_digest != (found.id in on):
            site.library.lenses.update(found.id, user.id, _fields(found, found.id in on))


def _lens_id(value: str) -> int:
    if not (value.isascii() and value.isdigit() and len(value) < 19):
        raise DigestError(f"{value[:20]!r} is not a lens id")
    return int(value)


def _fields(lens: Lens, in_digest: bool) -> LensFields:
    return LensFields(lens.name, lens.q, list(lens.categories), list(lens.authors), lens.about,
                      lens.ranked, in_digest, lens.webhook_url)  # fmt: skip


@members.get("/digests/preview", include_in_schema=False)
def digests_preview(request: Request, site: SiteDep, user: MemberDep, now: NowDep,
                    format: PageFormatParam = "html") -> Response:  # fmt: skip
    """Your digest of the last finished period, as the email's HTML part
    (nothing is marked seen: only a sent digest does that)."""
    sub = site.library.subscriptions.subscription(user.id)
    if sub is None:
        if format == "json":
            return JSONResponse({"subscription": None, "digest": None})
        return RedirectResponse("/digests", status_code=303)
    period = digest_period(sub.period, today=now.date())
    base = site.base_url(request)  # a page, not an email: the request's host may show it
    builder = DigestBuilder(site.library, period, base_url=base, signer=site.signer)
    (digest,) = builder.build([Subscriber(sub, user.email, user.name, None)])
    if format == "json":
        return JSONResponse({"subscription": subscription_json(sub),
                             "digest": preview_json(digest, base)})  # fmt: skip
    if digest.empty:
        notice = f"Your digest for {period.label} would be empty, so it would not be sent."
        return respond(request, page_view(site, user, notice=notice), "html")
    return HTMLResponse(digest.html)


def preview_json(digest: Digest, base: str) -> dict:
    return {
        "period": digest.period.key,
        "label": digest.period.label,
        "empty": digest.empty,
        "subject": digest.subject,
        "new": digest.fresh,
        "sections": [
            {
                "title": s.title,
                "papers": [{"id": p, "url": base + urls.paper_url(p)} for p in s.paper_ids],
            }
            for s in digest.sections
        ],  # fmt: skip
    }


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


# -- "not interested" from an email -------------------------------------------------


def token_paper(site: Site, token: str) -> tuple[int, Paper]:
    found = site.signer.not_interested(token)
    if found is None:
        raise HTTPException(
            400, "This “not interested” link is not valid: copy the whole link from the email."
        )
    user_id, paper_id = found
    papers = site.library.get_many([paper_id])
    if not papers:
        raise HTTPException(404, "That paper is no longer in the library.")
    return user_id, papers[0]


@email_pages.get("/not-interested/{token}", include_in_schema=False)
def not_interested_form(request: Request, site: SiteDep, token: str) -> Response:
    """Asks only: a GET changes nothing (mail scanners follow links)."""
    _, paper = token_paper(site, token)
    return site.form_page(request, "not_interested.html",
                          {"title": "Not interested", "paper": paper,
                           "action": urls.not_interested_url(token)})  # fmt: skip


@email_pages.post("/not-interested/{token}", include_in_schema=False)
def not_interested(request: Request, site: SiteDep, token: str) -> Response:
    user_id, paper = token_paper(site, token)
    site.library.feedback.dismiss(user_id, paper.id)
    return site.page(request, "not_interested.html",
                     {"title": "Not interested", "paper": paper, "done": True})  # fmt: skip
