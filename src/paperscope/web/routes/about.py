"""The about page: what this library holds and how its numbers are made."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from paperscope.web.deps import LibraryDep, SiteDep, csrf_protect

router = APIRouter(dependencies=[Depends(csrf_protect)])


@router.get("/about", response_class=HTMLResponse, include_in_schema=False)
def about(request: Request, site: SiteDep, library: LibraryDep) -> Response:
    return site.page(request, "about.html", {"title": "About", "stats": library.stats(top=10)})
