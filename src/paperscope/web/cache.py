"""A small in-process cache of whole responses for anonymous readers.

Most traffic to a papers site is the same few pages (today's feed, trending)
read by people who are not logged in. Rendering them once per change instead
of once per request is what lets one process serve hundreds of requests a
second. A response is reused only while all of these hold:

- the request is a GET or HEAD with no cookie (a signed-in page is personal)
  and asks for the same host, path and query;
- the library has not changed: the key holds the store's data version, so an
  import, a vote or a comment (anything that moves it) makes every older entry
  unreachable at once;
- the clock is in the same ``ttl``-second slot, because "today" and the
  trending scores move with time even when no data does.

Only 200 responses that set no cookie and are under ``MAX_BODY`` bytes are
kept, at most ``entries`` of them, least recently used out first.
``X-Cache: hit`` or ``miss`` says which.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import datetime

MAX_BODY = 1 << 20


class PageCache:
    """ASGI middleware; see the module docstring for when a response is reused."""

    def __init__(
        self,
        app,
        *,
        version: Callable[[], Hashable],
        clock: Callable[[], datetime],
        entries: int = 2_000,
        ttl: int = 60,
    ):
        self.app = app
        self.version = version
        self.clock = clock
        self.entries = entries
        self.ttl = ttl
        self._store: OrderedDict[tuple, tuple[int, list, bytes]] = OrderedDict()

    async def __call__(self, scope, receive, send) -> None:
        if not self._cacheable(scope):
            await self.app(scope, receive, send)
            return
        key = self._key(scope)
        found = self._store.get(key)
        if found is not None:
            self._store.move_to_end(key)
            status, headers, body = found
            await send({"type": "http.response.start", "status": status,
                        "headers": [*headers, (b"x-cache", b"hit")]})  # fmt: skip
            await send({"type": "http.response.body", "body": body})
            return
        started: dict = {}
        chunks: list[bytes] = []
        keep = True

        async def capture(message) -> None:
            nonlocal keep
            if message["type"] == "http.response.start":
                started.update(message)
                # A response that sets a cookie (a form's CSRF token) is one person's.
                keep = message["status"] == 200 and not any(
                    name.lower() == b"set-cookie" for name, _ in message.get("headers", [])
                )
                message = dict(message, headers=[*message.get("headers", []),
                                                 (b"x-cache", b"miss")])  # fmt: skip
            elif message["type"] == "http.response.body" and keep:
                chunks.append(message.get("body", b""))
                keep = sum(map(len, chunks)) <= MAX_BODY
                if keep and not message.get("more_body", False):
                    self._put(key, started["status"], list(started.get("headers", [])),
                              b"".join(chunks))  # fmt: skip
            await send(message)

        await self.app(scope, receive, capture)

    def _cacheable(self, scope) -> bool:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            return False
        if scope["path"].startswith("/static/"):
            return False  # served from files, with their own caching headers
        return not any(name == b"cookie" for name, _ in scope["headers"])

    def _key(self, scope) -> tuple:
        host = next((v for k, v in scope["headers"] if k == b"host"), b"")
        slot = int(self.clock().timestamp() // self.ttl)
        return (scope["method"], scope["scheme"], host, scope["path"], scope["query_string"],
                self.version(), slot)  # fmt: skip

    def _put(self, key: tuple, status: int, headers: list, body: bytes) -> None:
        self._store[key] = (status, headers, body)
        self._store.move_to_end(key)
        while len(self._store) > self.entries:
            self._store.popitem(last=False)
