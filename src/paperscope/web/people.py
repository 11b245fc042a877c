"""The people side of the web service: accounts, votes and submissions.

Sessions live in an HttpOnly, SameSite=Lax cookie holding a random token
(see :mod:`paperscope.accounts`). Every state-changing request must carry a
CSRF token, as a ``csrf`` form field or an ``X-CSRF-Token`` header (htmx
sends the latter): the session's own token once signed in, and before that a
random one set in a form cookie and echoed by the form (double submit), so
that nobody can log a visitor in to an account of theirs either.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from fastapi import FastAPI, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException

from paperscope.accounts import SESSION_DAYS, AccountError, Accounts, RateLimited
from paperscope.library import Library
from paperscope.mail import Mailer, MailError
from paperscope.models import Paper
from paperscope.store.community import User
from paperscope.submissions import Rules, SubmissionError, submit
from paperscope.web.present import paper_path

SESSION_COOKIE = "ps_session"
FORM_COOKIE = "ps_form"


@dataclass(frozen=True)
class Viewer:
    user: User | None
    csrf: str | None  # the session's token; None when signed out


def viewer(request: Request) -> Viewer:
    """Who is asking (looked up once per request)."""
    found = getattr(request.state, "viewer", None)
    if found is None:
        accounts: Accounts = request.app.state.accounts
        session = accounts.session(request.cookies.get(SESSION_COOKIE))
        found = Viewer(*session) if session else Viewer(None, None)
        request.state.viewer = found
    return found


def check_csrf(request: Request, sent: str | None) -> None:
    """403 unless the request echoes its CSRF token."""
    sent = sent or request.headers.get("x-csrf-token")
    # Either secret will do: the session's, or the form cookie's that pages
    # with forms for signed-out visitors set (still used if one is signed in).
    expected = [t for t in (viewer(request).csrf, request.cookies.get(FORM_COOKIE)) if t]
    if not sent or not any(secrets.compare_digest(sent, t) for t in expected):
        raise HTTPException(
            403, "This form has expired or did not come from this site: reload it and try again."
        )


def login_redirect(request: Request, back: str | None = None) -> Response:
    """Where to send someone who must sign in first: the log-in page, then
    ``back`` (default: this page; a form post names the page it came from,
    since a redirect cannot repeat it). htmx gets a 401: a redirect would be
    swapped into the page."""
    if request.headers.get("hx-request"):
        raise HTTPException(401, "Log in first.")
    return RedirectResponse(f"/login?next={quote(back or request.url.path)}", status_code=303)


def paper_or_404(library: Library, ref: str) -> Paper:
    """The paper ``ref`` names, or the site's 404 for it."""
    paper = library.get(ref)
    if paper is None:
        raise HTTPException(404, f"No paper here is known as {ref!r}.")
    return paper


def safe_next(target: str | None, default: str = "/") -> str:
    """A local path to go back to; never another site (``//evil``, ``https:``)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


def install(
    app: FastAPI,
    *,
    library: Library,
    accounts: Accounts,
    mailer: Mailer,
    page: Callable[..., Response],
    base_url: Callable[[Request], str],
    now: Callable[[], datetime],
    rules: Rules,
    fetch: Callable[[str], Paper | None] | None = None,
) -> None:
    """Add the account, vote and submission routes to ``app``; ``fetch(arxiv_id)``
    gets a submitted paper the library lacks (Library.fetch_arxiv)."""
    db = accounts.db

    def form_page(request: Request, template: str, context: dict, status: int = 200) -> Response:
        """A page with a form usable before signing in: it gets a CSRF form cookie."""
        token = request.cookies.get(FORM_COOKIE) or secrets.token_urlsafe(24)
        response = page(request, template, {**context, "form_csrf": token}, status)
        _cookie(request, response, FORM_COOKIE, token, max_age=None)
        return response

    # -- sign up, log in, log out ---------------------------------------------------

    @app.get("/signup", include_in_schema=False)
    def signup_form(request: Request, next: str = "/"):
        return form_page(request, "signup.html", {"title": "Sign up", "next": safe_next(next)})

    @app.post("/signup", include_in_schema=False)
    def signup(
        request: Request,
        email: str = Form(""),
        name: str = Form(""),
        password: str = Form(""),
        csrf: str = Form(""),
        next: str = Form("/"),
    ):
        check_csrf(request, csrf)
        try:
            accounts.sign_up(email, name, password, client=_client(request))
            session = accounts.log_in(email, password, client=_client(request))
        except AccountError as exc:
            context = {"title": "Sign up", "error": str(exc), "email": email, "name": name,
                       "next": safe_next(next)}  # fmt: skip
            return form_page(request, "signup.html", context, _status(exc))
        return _start_session(request, session.token, safe_next(next))

    @app.get("/login", include_in_schema=False)
    def login_form(request: Request, next: str = "/", reset: int = 0):
        context = {"title": "Log in", "next": safe_next(next), "reset_done": bool(reset)}
        return form_page(request, "login.html", context)

    @app.post("/login", include_in_schema=False)
    def login(
        request: Request,
        email: str = Form(""),
        password: str = Form(""),
        csrf: str = Form(""),
        next: str = Form("/"),
    ):
        check_csrf(request, csrf)
        try:
            session = accounts.log_in(email, password, client=_client(request))
        except AccountError as exc:
            context = {"title": "Log in", "error": str(exc), "email": email,
                       "next": safe_next(next)}  # fmt: skip
            response = form_page(request, "login.html", context, _status(exc))
            if isinstance(exc, RateLimited):
                response.headers["Retry-After"] = str(exc.retry_after)
            return response
        accounts.log_out(request.cookies.get(SESSION_COOKIE))  # an older session here ends
        return _start_session(request, session.token, safe_next(next))

    @app.post("/logout", include_in_schema=False)
    def logout(request: Request, csrf: str = Form("")):
        check_csrf(request, csrf)
        accounts.log_out(request.cookies.get(SESSION_COOKIE))
        response = RedirectResponse("/", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    @app.get("/account", include_in_schema=False)
    def account(request: Request):
        user = viewer(request).user
        if user is None:
            return login_redirect(request)
        return page(request, "account.html", {"title": "Your account", "account": user})

    # -- password reset ------------------------------------------------------------------

    @app.get("/reset", include_in_schema=False)
    def reset_form(request: Request):
        return form_page(request, "reset_request.html", {"title": "Reset your password"})

    @app.post("/reset", include_in_schema=False)
    def reset_request(request: Request, email: str = Form(""), csrf: str = Form("")):
        check_csrf(request, csrf)
        context = {"title": "Reset your password", "email": email}
        try:
            found = accounts.request_reset(email, client=_client(request))
        except RateLimited as exc:
            return form_page(request, "reset_request.html", {**context, "error": str(exc)}, 429)
        if found is not None:
            user, token = found
            link = f"{base_url(request)}/reset/{token}"
            msg = mailer.message(
                user.email,
                "Reset your paperscope password",
                f"Hello {user.name},\n\nSomeone (we hope you) asked to reset the password of "
                f"your paperscope account. Choose a new one here, within an hour:\n\n{link}\n\n"
                "The link works once. If you did not ask for this, ignore this email: your "
                "password stays as it is.\n",
            )
            try:
                mailer.send(msg)
            except MailError as exc:
                return page(request, "reset_request.html",
                            {**context, "error": f"the email could not be sent ({exc})"}, 503)  # fmt: skip
        return page(request, "reset_request.html", {**context, "sent": True})

    @app.get("/reset/{token}", include_in_schema=False)
    def reset_password_form(request: Request, token: str):
        return form_page(request, "reset.html", {"title": "Choose a new password", "token": token})

    @app.post("/reset/{token}", include_in_schema=False)
    def reset_password(
        request: Request, token: str, password: str = Form(""), csrf: str = Form("")
    ):
        check_csrf(request, csrf)
        try:
            accounts.reset_password(token, password)
        except AccountError as exc:
            context = {"title": "Choose a new password", "token": token, "error": str(exc)}
            return form_page(request, "reset.html", context, 400)
        response = RedirectResponse("/login?reset=1", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    # -- votes ----------------------------------------------------------------------------

    @app.post("/papers/{ref:path}/vote", include_in_schema=False)
    def vote(request: Request, ref: str, csrf: str = Form(""), next: str = Form("")):
        me = viewer(request)
        if me.user is None:
            if request.headers.get("hx-request"):
                raise HTTPException(401, "Log in to vote.")
            return login_redirect(request)
        check_csrf(request, csrf)
        paper = paper_or_404(library, ref)
        voted, total = db.toggle_vote(me.user.id, paper.id)
        if request.headers.get("hx-request"):
            return page(request, "_vote.html", {"paper_id": paper.id, "voted": voted,
                                                "total": total, "next": safe_next(next)})  # fmt: skip
        back = safe_next(next, paper_path(paper))
        return RedirectResponse(back, status_code=303)

    # -- submissions ------------------------------------------------------------------------

    @app.get("/submit", include_in_schema=False)
    def submit_form(request: Request, ref: str = ""):
        if viewer(request).user is None:
            return login_redirect(request)
        return page(request, "submit.html", {"title": "Submit a paper", "ref": ref, "rules": rules})

    @app.post("/submit", include_in_schema=False)
    def submit_paper(request: Request, ref: str = Form(""), csrf: str = Form("")):
        me = viewer(request)
        if me.user is None:
            return login_redirect(request)
        check_csrf(request, csrf)
        try:
            paper = submit(library, db, me.user, ref, now().date(), rules, fetch=fetch)
        except SubmissionError as exc:
            context = {"title": "Submit a paper", "ref": ref, "rules": rules, "error": str(exc)}
            return page(request, "submit.html", context, 400)
        return RedirectResponse(paper_path(paper), status_code=303)

    @app.post("/papers/{ref:path}/withdraw", include_in_schema=False)
    def withdraw(request: Request, ref: str, csrf: str = Form("")):
        me = viewer(request)
        if me.user is None or not me.user.is_admin:
            raise HTTPException(403, "Only an admin can take a paper out of the feed.")
        check_csrf(request, csrf)
        paper = paper_or_404(library, ref)
        db.withdraw(paper.id)
        return RedirectResponse(paper_path(paper), status_code=303)


def _start_session(request: Request, token: str, target: str) -> Response:
    response = RedirectResponse(target, status_code=303)
    _cookie(request, response, SESSION_COOKIE, token, max_age=SESSION_DAYS * 86_400)
    return response


def _cookie(request: Request, response: Response, name: str, value: str, max_age: int | None):
    response.set_cookie(
        name, value, max_age=max_age, path="/", httponly=True, samesite="lax",
        secure=request.url.scheme == "https",
    )  # fmt: skip


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _status(exc: AccountError) -> int:
    return 429 if isinstance(exc, RateLimited) else 400
