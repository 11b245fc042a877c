"""Author pages: an author's papers, newest first."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from paperscope.errors import BadInput
from paperscope.library import Library
from paperscope.urls import author_url
from paperscope.web.deps import LibraryDep, PageParam, csrf_protect
from paperscope.web.routes.feed import PAGE_SIZE
from paperscope.web.views import FORMATS, FormatParam, View, errors, respond

router = APIRouter(dependencies=[Depends(csrf_protect)])


def author_view(library: Library, name: str, page: int) -> View:
    listing = library.author(name, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    if listing.total == 0:
        raise HTTPException(404, f"No paper here has an author named {name[:200]!r}.")
    if not listing.papers:
        raise BadInput(f"page {page} is past the end: {listing.total} papers", param="page")
    return View(
        template="author.html",
        title=f"Papers by {name}",
        description=f"Papers by {name} in this paperscope library, newest first.",
        papers=listing.papers,
        listing=listing,
        context={"name": name},
    )


@router.get(
    "/authors/{name:path}",
    response_class=HTMLResponse,
    summary="An author's papers",
    responses=errors(301, 400, 404, formats=FORMATS),
)
def author_page(request: Request, library: LibraryDep, name: str, page: PageParam = 1,
                format: FormatParam = "html") -> Response:  # fmt: skip
    spelled = library.author_spelling(name)
    if spelled is not None and spelled != name:  # "Dohoon choi": the name as papers write it
        query = f"?{request.url.query}" if request.url.query else ""
        return RedirectResponse(author_url(spelled) + query, status_code=301)
    return respond(request, author_view(library, name, page), format)
