"""Headers every answer carries, and HEAD for every GET route.

- ``Content-Security-Policy``: scripts only from this site's own files (no
  inline script, no ``eval``), nothing may frame a page (``frame-ancestors
  'none'``, with ``X-Frame-Options: DENY`` for old browsers), forms post only
  here. Style attributes are allowed: KaTeX positions each glyph with one.
- ``X-Content-Type-Options: nosniff`` and a ``Referrer-Policy`` (a page may
  set a stricter one: shared collections send ``no-referrer``).
- ``Cache-Control: private, no-store`` on everything answered to someone
  signed in, or that sets a cookie: such a page is one person's, and no
  shared cache or back button may show it to the next.
- ``HEAD`` is answered for every GET route, as HTTP asks: the request runs as
  a GET and the body is dropped (FastAPI's routes list GET only).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "style-src-attr 'unsafe-inline'",  # KaTeX's glyph positions
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
REFERRER = (b"referrer-policy", b"strict-origin-when-cross-origin")
PRIVATE = (b"cache-control", b"private, no-store")


class SecurityHeaders:
    """ASGI middleware: the headers of the module docstring on every answer."""

    def __init__(self, app: ASGIApp, *, session_cookie: str):
        self.app = app
        self.session_cookie = session_cookie.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        signed_in = any(
            name == b"cookie" and self.session_cookie + b"=" in value
            for name, value in scope["headers"]
        )
        static = scope["path"].startswith("/static/")

        async def add_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                headers += [h for h in HEADERS if h[0] not in names]
                if REFERRER[0] not in names:
                    headers.append(REFERRER)
                personal = signed_in or b"set-cookie" in names
                if personal and not static:
                    headers = [h for h in headers if h[0].lower() != b"cache-control"]
                    headers.append(PRIVATE)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, add_headers)


class HeadAsGet:
    """ASGI middleware: a HEAD request runs as a GET, and only the headers go back."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return  # the rest of a streamed body: dropped
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)
