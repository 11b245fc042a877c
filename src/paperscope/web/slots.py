"""At most a few page requests inside the app at once, per server process.

Every route is a plain function that FastAPI runs in its thread pool (up to
40 threads). A page is Python work under one GIL, so threads beyond a couple
add no speed: with sixteen connections to a process, sixteen threads took
turns at the GIL, each turn a wake-up of another thread, and every page
waited through slices of all the others' work. Under wrk with the page
cache defeated (bench/README.md, "fourth step"), two at a time gave the
search API 845 requests/s at p99 70 ms where no limit gave 652 and 131 ms,
and the daily page 1,541 at 39 ms where it gave 1,282 and 76 ms.

So a GET or HEAD request waits here, first come first served, until fewer
than ``slots`` are inside; it gives its slot back as its answer starts, so a
slow reader of a long download holds none. Requests that change something
(POST and the rest) never wait here: a vote waiting for SQLite's write lock
must not hold up the readers. The page cache sits outside this, so a cached
answer never waits either. ``slots=0`` lets every request straight in.
"""

from __future__ import annotations

import asyncio

READS = ("GET", "HEAD")


class ReadSlots:
    """ASGI middleware; see the module docstring."""

    def __init__(self, app, *, slots: int):
        self.app = app
        self.slots = slots
        # Made in the loop that serves: a semaphore belongs to one event loop,
        # and tests run an app from one loop after another.
        self._loop: asyncio.AbstractEventLoop | None = None
        self._free: asyncio.Semaphore | None = None

    async def __call__(self, scope, receive, send) -> None:
        if not self.slots or scope["type"] != "http" or scope["method"] not in READS:
            await self.app(scope, receive, send)
            return
        free = self._semaphore()
        await free.acquire()
        held = True

        async def answer(message) -> None:
            nonlocal held
            if held and message["type"] == "http.response.start":
                held = False
                free.release()
            await send(message)

        try:
            await self.app(scope, receive, answer)
        finally:
            if held:
                free.release()

    def _semaphore(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        if self._free is None or self._loop is not loop:
            self._loop, self._free = loop, asyncio.Semaphore(self.slots)
        return self._free
