"""Sign up, log in and out, and password resets (the account page is
``account_home.py``).

Links in emails are made from the configured public address
(``PAPERSCOPE_BASE_URL``) and never from the request: a request's Host header
is the client's to choose, and a reset link pointing at an attacker's host
would hand them the token. Without a configured address the site sends no
reset emails and says so.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.background import BackgroundTask

from paperscope.accounts import NAME_RULE, PASSWORD_MIN, SESSION_DAYS, AccountError, RateLimited
from paperscope.urls import reset_url
from paperscope.web.deps import (
    SESSION_COOKIE,
    Site,
    SiteDep,
    client_address,
    csrf_protect,
    safe_next,
    set_cookie,
)

router = APIRouter(dependencies=[Depends(csrf_protect)])
FormText = Annotated[str, Form()]

RESET_OFF = (
    "Password resets by email are off on this site: its operator has not set its public "
    "address (PAPERSCOPE_BASE_URL), which the links in emails are made from."
)


def _form_context(**values: object) -> dict:
    return {"name_rule": NAME_RULE, "password_min": PASSWORD_MIN, **values}


@router.get("/signup", include_in_schema=False)
def signup_form(request: Request, site: SiteDep, next: str = "/") -> Response:
    context = _form_context(title="Sign up", next=safe_next(next))
    return site.form_page(request, "signup.html", context)


@router.post("/signup", include_in_schema=False)
def signup(request: Request, site: SiteDep, email: FormText = "", name: FormText = "",
           password: FormText = "", next: FormText = "/") -> Response:  # fmt: skip
    try:
        site.accounts.sign_up(email, name, password, client=client_address(request))
        session = site.accounts.log_in(email, password, client=client_address(request))
    except AccountError as exc:
        context = _form_context(title="Sign up", error=str(exc), email=email, name=name,
                                next=safe_next(next), field=exc.param)  # fmt: skip
        return site.form_page(request, "signup.html", context, exc.status)
    return _start_session(request, session.token, safe_next(next))


@router.get("/login", include_in_schema=False)
def login_form(request: Request, site: SiteDep, next: str = "/", reset: str = "") -> Response:
    context = {"title": "Log in", "next": safe_next(next), "reset_done": reset == "1"}
    return site.form_page(request, "login.html", context)


@router.post("/login", include_in_schema=False)
def login(request: Request, site: SiteDep, email: FormText = "", password: FormText = "",
          next: FormText = "/") -> Response:  # fmt: skip
    try:
        session = site.accounts.log_in(email, password, client=client_address(request))
    except AccountError as exc:
        context = {"title": "Log in", "error": str(exc), "email": email, "next": safe_next(next)}
        response = site.form_page(request, "login.html", context, exc.status)
        if isinstance(exc, RateLimited):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response
    site.accounts.log_out(request.cookies.get(SESSION_COOKIE))  # an older session here ends
    return _start_session(request, session.token, safe_next(next))


@router.post("/logout", include_in_schema=False)
def logout(request: Request, site: SiteDep) -> Response:
    site.accounts.log_out(request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# -- password reset ------------------------------------------------------------------


@router.get("/reset", include_in_schema=False)
def reset_form(request: Request, site: SiteDep) -> Response:
    context = {"title": "Reset your password", "off": RESET_OFF if not site.settings.base_url
               else None}  # fmt: skip
    return site.form_page(request, "reset_request.html", context)


@router.post("/reset", include_in_schema=False)
def reset_request(request: Request, site: SiteDep, email: FormText = "") -> Response:
    context = {"title": "Reset your password", "email": email}
    if not site.settings.base_url:
        return site.form_page(request, "reset_request.html", {**context, "off": RESET_OFF}, 503)
    try:
        site.accounts.request_reset(email, client=client_address(request))
    except RateLimited as exc:
        response = site.form_page(request, "reset_request.html",
                                  {**context, "error": str(exc)}, 429)  # fmt: skip
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    response = site.page(request, "reset_request.html", {**context, "sent": True})
    # The account is looked up, and the mail sent, once this answer has gone
    # (a background task queues it; the mail queue's thread does the work):
    # the same answer, as fast, for an address with an account and one without.
    response.background = BackgroundTask(site.mail.submit, lambda: send_reset(site, email))
    return response


def send_reset(site: Site, email: str) -> None:
    """The reset email for ``email``'s account, if it has one (run by the mail queue)."""
    found = site.accounts.prepare_reset(email)
    base = site.settings.base_url
    if found is None or not base:
        return
    user, token = found
    link = base + reset_url(token)
    msg = site.mailer.message(
        user.email,
        "Reset your paperscope password",
        f"Hello {user.name},\n\nSomeone (we hope you) asked to reset the password of "
        f"your paperscope account. Choose a new one here, within an hour:\n\n{link}\n\n"
        "The link works once. If you did not ask for this, ignore this email: your "
        "password stays as it is.\n",
    )
    site.mailer.send(msg)  # a failure is logged by the queue; the person may ask again


@router.get("/reset/{token}", include_in_schema=False)
def reset_password_form(request: Request, site: SiteDep, token: str) -> Response:
    if not site.accounts.reset_is_usable(token):
        context = {"title": "This link no longer works", "spent": True}
        return site.form_page(request, "reset.html", context, 410)
    context = {"title": "Choose a new password", "token": token, "password_min": PASSWORD_MIN}
    return site.form_page(request, "reset.html", context)


@router.post("/reset/{token}", include_in_schema=False)
def reset_password(request: Request, site: SiteDep, token: str,
                   password: FormText = "") -> Response:  # fmt: skip
    try:
        site.accounts.reset_password(token, password)
    except AccountError as exc:
        context = {"title": "Choose a new password", "token": token, "error": str(exc),
                   "password_min": PASSWORD_MIN}  # fmt: skip
        return site.form_page(request, "reset.html", context, 400)
    response = RedirectResponse("/login?reset=1", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _start_session(request: Request, token: str, target: str) -> Response:
    response = RedirectResponse(target, status_code=303)
    set_cookie(request, response, SESSION_COOKIE, token, max_age=SESSION_DAYS * 86_400)
    return response
