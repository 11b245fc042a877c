"""The map of the library: ``/map``, every embedded paper as a point of a 2-D
layout (made by ``paperscope map``; see :mod:`paperscope.layout`), coloured by
cluster, drawn on a canvas by ``static/map.js``.

The page itself is small: the points come from its JSON twin
(``?format=json``), which the script fetches with the same parameters. The
twin is compact, parallel arrays (one entry per point, in paper id order)
rather than an object per point, and says which points to light up, as
indexes into those arrays:

- ``upvoted`` and ``saved``: the signed-in person's papers (a paper both
  upvoted and saved counts as saved);
- ``matches``: the hits of ``?q=``, the library's own search (``mode``
  hybrid by default, as on the search page), the best SEARCH_HITS of them;
- ``shown``: with ``?collection=``, that collection's papers (the rest are
  dimmed): the viewer's own by id, or a shared one by the token of its
  link. A shared collection is never found by id, since ids count up and
  shared links are meant to be unlisted.

A selection of papers to show is one function from the request's
parameters to a set of ids (:func:`selection`), so that ``?lens=ID`` is one
more branch there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.exceptions import HTTPException

from paperscope import lenses
from paperscope.errors import BadInput
from paperscope.search.query import parse_mode
from paperscope.store.layout import MapData
from paperscope.urls import paper_url
from paperscope.web.deps import Site, SiteDep, Viewer, ViewerDep, csrf_protect
from paperscope.web.views import PAGE_FORMATS, PageFormatParam, View, errors, respond, with_format

router = APIRouter(dependencies=[Depends(csrf_protect)])
SEARCH_HITS = 300  # search matches lit up on the map
LISTED_MATCHES = 20  # of them, listed under the map as links
MAX_QUERY = 500


@dataclass(frozen=True)
class Selection:
    """Papers the map shows in full, the rest dimmed: a collection (later, a lens)."""

    kind: str  # "collection" or "lens"
    name: str
    ids: frozenset[str]


def selection(site: Site, viewer: Viewer, collection: str | None, lens: str | None = None,
              today: date | None = None) -> Selection | None:  # fmt: skip
    """The papers a ``?collection=`` or ``?lens=`` parameter names, or None
    without one. A lens shows its best matches in the whole library (up to
    lenses.DEPTH), as its page's "best first" ranks them."""
    if collection is not None and lens is not None:
        raise BadInput("show a collection or a lens on the map, not both", param="lens")
    if lens is not None:
        return _lens_selection(site, viewer, lens.strip(), today or date.today())
    if collection is None:
        return None
    value = collection.strip()
    store = site.library.collections
    if re.fullmatch(r"[0-9]{1,18}", value):  # an id: the viewer's own collection
        found = store.get(int(value))
        if found is None or viewer.user is None or found.user_id != viewer.user.id:
            raise HTTPException(404, f"You have no collection with id {value}.")
    elif re.fullmatch(r"[A-Za-z0-9_-]{8,64}", value):  # a shared link's token
        found = store.by_token(value)
        if found is None:
            raise HTTPException(404, "No collection is shared under that link any more.")
    else:
        raise BadInput(
            "collection must be the id of one of your collections, or the token of a "
            "shared collection's link",
            param="collection",
        )
    return Selection("collection", found.name, frozenset(p.id for p in store.papers(found.id)))


def _lens_selection(site: Site, viewer: Viewer, value: str, today: date) -> Selection:
    if not re.fullmatch(r"[0-9]{1,18}", value):
        raise BadInput("lens must be the id of one of your lenses", param="lens")
    found = site.library.lenses.get(int(value), viewer.user.id if viewer.user else -1)
    if found is None:
        raise HTTPException(404, f"You have no lens with id {value}.")
    matched = lenses.matches(site.library, found, sort="best", today=today, limit=lenses.DEPTH)
    return Selection("lens", found.name, frozenset(m.paper.id for m in matched))


def _indexes(data: MapData, ids: set[str] | frozenset[str]) -> list[int]:
    return [i for i, pid in enumerate(data.ids) if pid in ids]


@router.get(
    "/map",
    response_class=HTMLResponse,
    summary="The map of the library",
    responses=errors(400, 404, formats=PAGE_FORMATS),
)
def map_page(
    request: Request,
    site: SiteDep,
    viewer: ViewerDep,
    q: str = "",
    mode: str = "hybrid",
    collection: str | None = None,
    lens: str | None = None,
    format: PageFormatParam = "html",
) -> Response:
    if len(q) > MAX_QUERY:
        raise BadInput(f"q is {len(q):,} characters; the map searches up to {MAX_QUERY}",
                       param="q")  # fmt: skip
    mode = parse_mode(mode)
    library = site.library
    chosen = selection(site, viewer, collection, lens, site.clock().date())
    data = library.layout.map_data()
    query = q.strip()
    hits = library.search(query, mode=mode, limit=SEARCH_HITS).hits if query and data.ids else []
    matched = [h.paper for h in hits if h.paper]
    mine: dict[str, str] = {}
    if viewer.user is not None:
        mine = library.people.interests([viewer.user.id]).get(viewer.user.id, {})
    upvoted = {pid for pid, how in mine.items() if how == "upvoted"}
    saved = {pid for pid, how in mine.items() if how == "saved"}
    on_map = set(data.ids)
    clusters = [{"id": c.id, "label": c.label, "x": c.x, "y": c.y, "size": c.size}
                for c in data.clusters]  # fmt: skip

    def as_json(base: str) -> dict:
        info = data.info
        return {
            "layout": None if info is None else {
                "seed": info.seed, "laid_out": info.laid_out,
                "made_at": info.made_at, "updated_at": info.updated_at,
            },
            "papers": {
                "ids": data.ids,
                "titles": data.titles,
                "urls": [paper_url(pid) for pid in data.ids],
                "x": data.x,
                "y": data.y,
                "cluster": data.cluster,
            },
            "clusters": clusters,
            "query": query,
            "mode": mode,
            "matches": _indexes(data, {p.id for p in matched}),
            "upvoted": _indexes(data, upvoted),
            "saved": _indexes(data, saved),
            "selection": None if chosen is None else {
                "kind": chosen.kind, "name": chosen.name, "shown": _indexes(data, chosen.ids),
            },
        }  # fmt: skip

    title = "Map of the library" if chosen is None else f"Map: {chosen.name}"
    view = View(
        template="map.html",
        title=title,
        description="Every embedded paper of the library on a 2-D map of its topics.",
        papers=[],
        json=as_json,
        formats=PAGE_FORMATS,
        context={
            "nav": "map",
            "map_q": query,
            "mode": mode,
            "search_hits": SEARCH_HITS,
            "collection": collection or "",
            "lens": lens or "",
            "selection": chosen,
            "data_url": with_format(request, "json"),
            "points": len(data.ids),
            "clusters": data.clusters,
            "info": data.info,
            "matches": [p for p in matched if p.id in on_map][:LISTED_MATCHES],
            "match_count": sum(p.id in on_map for p in matched),
            "my_collections": []
            if viewer.user is None
            else library.collections.collections_of(viewer.user.id),
        },  # fmt: skip
    )
    return respond(request, view, format)
