"""One way to answer: a view, rendered as the page, its JSON twin or a feed.

Every list the site shows is a :class:`View` built once by its route; the
format the request asks for (``?format=html|json|rss|atom``) picks a
renderer from :data:`RENDERERS`, registered by name as Datasette registers
its output renderers. The page and its twins are renderings of one result,
so they can never disagree; a view lists the formats it offers (a personal
page has no feed: feed readers cannot sign in).

Errors have one shape too (:func:`error_response`): the API and the JSON and
feed twins get ``{"error": message, "status": code}``, pages an error page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

import orjson
from fastapi import FastAPI, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

from paperscope.errors import BadInput
from paperscope.library import Listing
from paperscope.models import Paper
from paperscope.urls import paper_url
from paperscope.web import present
from paperscope.web.deps import get_site
from paperscope.web.feeds import FEED_TYPES, Feed, render_feed

FORMATS = ("html", "json", "rss", "atom")
PAGE_FORMATS = ("html", "json")  # for views that offer no feed
FormatParam = Annotated[
    Literal["html", "json", "rss", "atom"],
    Query(description="the page (html), its JSON twin, or its RSS or Atom feed"),
]
PageFormatParam = Annotated[Literal["html", "json"], Query(description="the page or its JSON twin")]


class ApiError(BaseModel):
    """What every error of the site looks like as data (pages show it as a page)."""

    error: str
    status: int


_WHY = {
    301: "Another name of it: redirected to its one address",
    400: "A bad parameter: the message names it",
    404: "Nothing here by that name",
    410: "Gone for good",
    429: "Too many attempts: Retry-After says when to try again",
}


MEDIA_TYPES = {
    "html": "text/html",
    "json": "application/json",
    "rss": "application/rss+xml",
    "atom": "application/atom+xml",
}


def errors(*codes: int, formats: tuple[str, ...] = ()) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for routes that answer ``codes`` besides 200: the
    error shape as JSON (the API, ``format=json``), or an error page; and the
    media types of the 200 answer, one per format the route offers."""
    out: dict[int | str, dict[str, Any]] = {}
    if formats:
        out[200] = {"content": {MEDIA_TYPES[f]: {} for f in formats}}
    for code in codes:
        if code < 400:
            out[code] = {"description": _WHY[code]}
            continue
        out[code] = {
            "description": _WHY[code],
            "model": ApiError,
            "content": {"application/json": {}, "text/html": {}},
        }
    return out


def document_errors(app: FastAPI) -> None:
    """The app's OpenAPI description without FastAPI's 422 answers: every
    validation error here is a 400 in the error shape (see create_app)."""
    make = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            described = make()
            for path in described.get("paths", {}).values():
                for operation in path.values():
                    operation.get("responses", {}).pop("422", None)
            schemas = described.get("components", {}).get("schemas", {})
            for name in ("HTTPValidationError", "ValidationError"):
                schemas.pop(name, None)
            app.openapi_schema = described
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


class JSONResponse(Response):
    """JSON by orjson: several times faster than the standard library on big lists."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


@dataclass
class View:
    """What a list page shows, before it becomes HTML, JSON or a feed."""

    template: str
    title: str  # the page's and the feed's title
    description: str
    papers: list[Paper]
    context: dict[str, Any] = field(default_factory=dict)
    json: Callable[[str], Any] | None = None  # the JSON twin, given the site's base URL
    listing: Listing | None = None  # for pagination links
    formats: tuple[str, ...] = FORMATS
    headers: dict[str, str] = field(default_factory=dict)


Renderer = Callable[[Request, View], Response]
RENDERERS: dict[str, Renderer] = {}


def renderer(name: str) -> Callable[[Renderer], Renderer]:
    """Register a renderer for ``?format=name``."""

    def register(function: Renderer) -> Renderer:
        RENDERERS[name] = function
        return function

    return register


def parse_format(value: str, allowed: tuple[str, ...] = FORMATS) -> str:
    if value not in allowed:
        raise BadInput(f"format {value[:20]!r} is not one of {', '.join(allowed)}", param="format")
    return value


def respond(request: Request, view: View, fmt: str) -> Response:
    """The view as ``fmt`` asks: a page, its JSON twin or a feed."""
    response = RENDERERS[parse_format(fmt, view.formats)](request, view)
    response.headers.update(view.headers)
    return response


@renderer("json")
def render_json(request: Request, view: View) -> Response:
    base = get_site(request).base_url(request)
    if view.json is not None:
        data = view.json(base)
    else:
        data = [present.paper_json(p, base + paper_url(p)) for p in view.papers]
    return JSONResponse(data, headers=next_link(request, view.listing))


def _render_feed(kind: str) -> Renderer:
    def render(request: Request, view: View) -> Response:
        base = get_site(request).base_url(request)
        query = f"?{request.url.query}" if request.url.query else ""
        feed = Feed(
            title=f"paperscope: {view.title}",
            page_url=base + with_format(request, None),
            feed_url=base + request.url.path + query,
            description=view.description,
            papers=view.papers,
            paper_url=lambda p: base + paper_url(p),
        )
        return Response(render_feed(feed, kind), media_type=FEED_TYPES[kind])

    return render


RENDERERS["rss"] = _render_feed("rss")
RENDERERS["atom"] = _render_feed("atom")


@renderer("html")
def render_html(request: Request, view: View) -> Response:
    offered = {fmt: with_format(request, fmt) for fmt in view.formats if fmt != "html"}
    context = {
        "title": view.title,
        "description": view.description,
        "papers": view.papers,
        "listing": view.listing,
        "json_url": offered.get("json"),
        "rss_url": offered.get("rss"),
        "atom_url": offered.get("atom"),
        "next_url": page_url(request, view.listing, +1),
        "prev_url": page_url(request, view.listing, -1),
        **view.context,
    }
    return get_site(request).page(request, view.template, context)


def error_response(
    request: Request, status: int, message: str, headers: dict[str, str] | None = None
) -> Response:
    """The one error shape: JSON for the API and the twins, an error page elsewhere."""
    if wants_data(request):
        return JSONResponse({"error": message, "status": status}, status_code=status,
                            headers=headers)  # fmt: skip
    context = {"title": f"Error {status}", "status": status, "message": message}
    response = get_site(request).page(request, "error.html", context, status)
    response.headers.update(headers or {})
    return response


def wants_data(request: Request) -> bool:
    """Whether the request is for data (the API, a JSON or feed twin), not a page."""
    return request.url.path.startswith("/api/") or request.query_params.get("format") in (
        "json", "rss", "atom",
    )  # fmt: skip


# -- addresses of the same list in another format or at another page -----------------


def with_format(request: Request, fmt: str | None) -> str:
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in ("format", "page")]
    if fmt:
        params.append(("format", fmt))
    return request.url.path + (f"?{urlencode(params)}" if params else "")


def page_url(request: Request, listing: Listing | None, step: int) -> str | None:
    if listing is None or not listing.limit:
        return None
    page = listing.offset // listing.limit + 1 + step
    if page < 1 or (step > 0 and not listing.has_more):
        return None
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "page"]
    if page > 1:
        params.append(("page", str(page)))
    return request.url.path + (f"?{urlencode(params)}" if params else "")


def next_link(
    request: Request, listing: Listing | None, *, param: str = "page", first: int = 1
) -> dict[str, str]:
    """A ``Link: <...>; rel="next"`` header when there is a next page."""
    if listing is None or not listing.has_more or not listing.limit:
        return {}
    page = listing.offset // listing.limit + first + 1
    params = [(k, v) for k, v in request.query_params.multi_items() if k != param]
    params.append((param, str(page)))
    return {"Link": f'<{request.url.path}?{urlencode(params)}>; rel="next"'}
