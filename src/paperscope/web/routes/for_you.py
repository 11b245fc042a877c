"""The "For you" page: a signed-in person's recommendations, with reasons,
and the controls over them.

``GET /for-you`` ranks the recent papers with the person's own model (see
:mod:`paperscope.recommend`), or shows trending papers while they have
upvoted or saved too few papers to learn from, and says which. Every card
says why it is there, and has "Not interested" (``routes/papers.py``).
``?format=json`` is its twin; it has no feed, since feed readers cannot
sign in. The page is personal, so the page cache never keeps it (it keeps
no signed-in page).

The controls, each page with its JSON twin:

- ``/for-you/model``: what the model learned (:mod:`paperscope.learned`),
  the papers dismissed (each with an undo, the way back without JS), a
  reset (``POST /for-you/model/reset``) and an export
  (``/for-you/model/export.json``, a download).
- ``/collections/{id}/similar``: "more like this collection", a model of
  the collection's own papers (:meth:`Recommender.like_these`).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import orjson
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response

from paperscope.learned import export as export_model
from paperscope.learned import learned
from paperscope.recommend import DAYS, MIN_POSITIVES, MODEL, Recommender, recommend
from paperscope.urls import collection_url, paper_url
from paperscope.web import present
from paperscope.web.deps import (
    Digits,
    LibraryDep,
    MemberDep,
    NowDep,
    SiteDep,
    csrf_protect,
    require_member,
)
from paperscope.web.routes.collections import mine
from paperscope.web.views import PAGE_FORMATS, View, respond

members = APIRouter(dependencies=[Depends(require_member), Depends(csrf_protect)])
SHOWN = 30  # recommendations on the page
MAX_DAYS = 90  # the longest window "more like this collection" ranks
DaysParam = Annotated[int, Query(ge=1, le=MAX_DAYS, description="days of papers ranked"), Digits]


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
            "collections": [c for c in library.collections.collections_of(user.id) if c.size],
        },  # fmt: skip
    )
    return respond(request, view, format)


@members.get("/for-you/model", include_in_schema=False)
def model_page(request: Request, library: LibraryDep, user: MemberDep, now: NowDep,
               format: str = "html") -> Response:  # fmt: skip
    """What the person's model learned, and what they told it."""
    found = learned(library, user.id, now=now)
    feedback = library.feedback.of(user.id)
    dismissed = library.get_many(list(feedback.dismissed))

    def as_json(base: str) -> dict:
        model = None
        if found is not None:
            model = {
                "positives": len(found.model.signals.positives),
                "dismissed_counted": len(found.model.signals.negatives),
                "nearest": [
                    {
                        "paper": present.paper_json(n.paper, base + paper_url(n.paper)),
                        "score": round(n.score, 6),
                        "yours": n.yours,
                    }
                    for n in found.nearest
                ],  # fmt: skip
                "more_of": [asdict(w) for w in found.more_of],
                "less_of": [asdict(w) for w in found.less_of],
            }
        return {
            "as_of": now.isoformat(),
            "reset_at": feedback.reset_at,
            "model": model,
            "min_positives": MIN_POSITIVES,
            "dismissed": [present.paper_json(p, base + paper_url(p)) for p in dismissed],
            "seen": len(feedback.seen),
            "export_url": base + "/for-you/model/export.json",
        }

    view = View(
        template="for_you_model.html",
        title="What your model learned",
        description="The signals your recommendations rest on, and how to reset or export them.",
        papers=dismissed,
        json=as_json,
        formats=PAGE_FORMATS,
        context={
            "learned": found,
            "feedback": feedback,
            "dismissed": dismissed,
            "min_positives": MIN_POSITIVES,
        },  # fmt: skip
    )
    return respond(request, view, format)


@members.post("/for-you/model/reset", include_in_schema=False)
def reset_model(library: LibraryDep, user: MemberDep) -> Response:
    """Forget: what the person upvoted, saved or dismissed until now stops
    training their model (the votes and collections stay)."""
    library.feedback.reset(user.id)
    return RedirectResponse("/for-you/model", status_code=303)


@members.get("/for-you/model/export.json", include_in_schema=False)
def export(library: LibraryDep, user: MemberDep, now: NowDep) -> Response:
    data = export_model(library, user.id, now=now)
    filename = f"paperscope-model-{now.date().isoformat()}.json"
    return Response(
        orjson.dumps(data, option=orjson.OPT_INDENT_2),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@members.get("/collections/{collection_id:int}/similar", include_in_schema=False)
def like_collection(request: Request, site: SiteDep, user: MemberDep, now: NowDep,
                    collection_id: int, days: DaysParam = DAYS,
                    format: str = "html") -> Response:  # fmt: skip
    """Recent papers like a collection's, by a model of its papers alone."""
    collection = mine(site, user, collection_id)
    library = site.library
    ids = [p.id for p in library.collections.papers(collection.id)]
    recommender = Recommender(library, now=now, days=days)
    recs = recommender.like_these(user.id, ids, collection.name, k=SHOWN)
    embedded = len(recommender.index.hashes(ids))

    def as_json(base: str) -> dict:
        papers = [{"paper": present.paper_json(r.paper, base + paper_url(r.paper)),
                   "recommendation": r.as_dict()} for r in recs]  # fmt: skip
        return {"as_of": now.isoformat(), "days": days, "embedded": embedded,
                "min_positives": MIN_POSITIVES, "papers": papers,
                "collection": {"id": collection.id, "name": collection.name,
                               "url": base + collection_url(collection.id)}}  # fmt: skip

    view = View(
        template="collection_similar.html",
        title=f"More like {collection.name}",
        description=f"Recent papers like those in the collection {collection.name}.",
        papers=[r.paper for r in recs],
        json=as_json,
        formats=PAGE_FORMATS,
        context={
            "collection": collection,
            "recommendations": recs,
            "days": days,
            "embedded": embedded,
            "min_positives": MIN_POSITIVES,
        },  # fmt: skip
    )
    return respond(request, view, format)
