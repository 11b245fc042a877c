"""The "For you" page: a signed-in person's recommendations, with reasons.

``GET /for-you`` ranks the recent papers with the person's own model (see
:mod:`paperscope.recommend`), or shows trending papers while they have
upvoted or saved too few papers to learn from, and says which. Every card
says why it is there. ``?format=json`` is its twin; it has no feed, since
feed readers cannot sign in. The page is personal, so the page cache never
keeps it (it keeps no signed-in page).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from paperscope.recommend import DAYS, MIN_POSITIVES, MODEL, recommend
from paperscope.urls import paper_url
from paperscope.web import present
from paperscope.web.deps import LibraryDep, MemberDep, NowDep, csrf_protect, require_member
from paperscope.web.views import PAGE_FORMATS, View, respond

members = APIRouter(dependencies=[Depends(require_member), Depends(csrf_protect)])
SHOWN = 30  # recommendations on the page


@members.get("/for-you", include_in_schema=False)
def for_you(request: Request, library: LibraryDep, user: MemberDep, now: NowDep,
            format: str = "html") -> Response:  # fmt: skip
    recs = recommend(library, user.id, now=now, k=SHOWN, days=DAYS)
    personal = bool(recs) and recs[0].kind == MODEL

    def as_json(base: str) -> dict:
        papers = [{"paper": present.paper_json(r.paper, base + paper_url(r.paper)),
                   "recommendation": r.as_dict()} for r in recs]  # fmt: skip
        return {"as_of": now.isoformat(), "days": DAYS, "personal": personal, "papers": papers}

    view = View(
        template="for_you.html",
        title="For you",
        description="Recent papers picked for you, each with the reason.",
        papers=[r.paper for r in recs],
        json=as_json,
        formats=PAGE_FORMATS,
        context={
            "recommendations": recs,
            "personal": personal,
            "days": DAYS,
            "min_positives": MIN_POSITIVES,
        },  # fmt: skip
    )
    return respond(request, view, format)
