"""The "For you" page: a signed-in person's recommendations, with reasons.

``GET /for-you`` ranks the recent papers with the person's own model (see
:mod:`paperscope.recommend`), or shows trending papers while they have
upvoted or saved too few papers to learn from, and says which. Every card
says why it is there. ``?format=json`` gives the same list as JSON. The page
is personal, so the page cache never keeps it (it keeps no signed-in page).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from paperscope.accounts import Accounts
from paperscope.library import Library
from paperscope.recommend import DAYS, MIN_POSITIVES, MODEL, recommend
from paperscope.web import present
from paperscope.web.people import login_redirect, viewer

SHOWN = 30  # recommendations on the page


def install(
    app: FastAPI,
    *,
    library: Library,
    accounts: Accounts,
    page: Callable[..., Response],
    base_url: Callable[[Request], str],
    now: Callable[[], datetime],
) -> None:
    """Add ``/for-you`` to ``app``. Takes the same arguments as the other
    installers; the signed-in person comes from the request (``viewer``),
    which reads the session through ``accounts`` as the app set it up."""

    @app.get("/for-you", include_in_schema=False)
    def for_you(request: Request, format: str = "html"):
        user = viewer(request).user
        if user is None:
            return login_redirect(request)
        if format not in ("html", "json"):
            raise HTTPException(400, f"format {format!r} is not one of html, json")
        when = now()
        recs = recommend(library, user.id, now=when, k=SHOWN, days=DAYS)
        personal = bool(recs) and recs[0].kind == MODEL
        if format == "json":
            base = base_url(request)
            papers = [{"paper": present.paper_json(r.paper, base + present.paper_path(r.paper)),
                       "recommendation": r.as_dict()} for r in recs]  # fmt: skip
            return JSONResponse(
                {"as_of": when.isoformat(), "days": DAYS, "personal": personal, "papers": papers}
            )
        return page(request, "for_you.html", {
            "title": "For you",
            "description": "Recent papers picked for you, each with the reason.",
            "recommendations": recs,
            "papers": [r.paper for r in recs],
            "personal": personal,
            "days": DAYS,
            "min_positives": MIN_POSITIVES,
            "json_url": "/for-you?format=json",
        })  # fmt: skip
