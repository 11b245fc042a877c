"""ReadSlots: at most N GET requests inside the app at once, the rest waiting
their turn in order; writes never wait; a slot is given back as the answer
starts, or when the request fails. Then the real server with one slot,
under concurrent requests of every kind."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from paperscope.web.slots import ReadSlots
from tests.web.browser_support import serving


class Held:
    """An ASGI app whose every request waits inside it until let go by path."""

    def __init__(self) -> None:
        self.inside: list[str] = []
        self.entered: list[str] = []
        self.gates: dict[str, asyncio.Event] = {}

    def gate(self, path: str) -> asyncio.Event:
        return self.gates.setdefault(path, asyncio.Event())

    async def __call__(self, scope, receive, send) -> None:
        path = scope["path"]
        self.inside.append(path)
        self.entered.append(path)
        try:
            if path.startswith("/fail"):
                raise RuntimeError("the route failed")
            if path.startswith("/stream"):  # the answer starts, then its body waits
                await send({"type": "http.response.start", "status": 200, "headers": []})
                await self.gate(path).wait()
                await send({"type": "http.response.body", "body": b"done"})
                return
            await self.gate(path).wait()
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": path.encode()})
        finally:
            self.inside.remove(path)


def call(app, path: str, method: str = "GET") -> asyncio.Task:
    scope = {"type": "http", "method": method, "path": path, "headers": []}

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        pass

    return asyncio.ensure_future(app(scope, receive, send))


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


def test_reads_wait_for_a_slot_in_the_order_they_came():
    async def scenario() -> None:
        held = Held()
        app = ReadSlots(held, slots=2)
        tasks = [call(app, f"/{n}") for n in range(5)]
        await settle()
        assert sorted(held.inside) == ["/0", "/1"]
        held.gate("/1").set()
        await settle()
        assert sorted(held.inside) == ["/0", "/2"]
        for n in (0, 2, 3, 4):
            held.gate(f"/{n}").set()
        await asyncio.gather(*tasks)
        assert held.entered == ["/0", "/1", "/2", "/3", "/4"]
        assert held.inside == []

    asyncio.run(scenario())


def test_writes_do_not_wait_for_reads():
    async def scenario() -> None:
        held = Held()
        app = ReadSlots(held, slots=1)
        reads = [call(app, "/read"), call(app, "/queued")]
        write = call(app, "/vote", method="POST")
        await settle()
        assert sorted(held.inside) == ["/read", "/vote"]  # the POST went past the queue
        for path in ("/vote", "/read", "/queued"):
            held.gate(path).set()
        await asyncio.gather(write, *reads)

    asyncio.run(scenario())


def test_a_slot_is_given_back_when_the_answer_starts():
    async def scenario() -> None:
        held = Held()
        app = ReadSlots(held, slots=1)
        download = call(app, "/stream")
        page = call(app, "/page")
        await settle()
        assert sorted(held.inside) == ["/page", "/stream"]  # the download holds no slot
        held.gate("/page").set()
        await page
        held.gate("/stream").set()
        await download

    asyncio.run(scenario())


def test_a_failed_request_gives_its_slot_back():
    async def scenario() -> None:
        held = Held()
        app = ReadSlots(held, slots=1)
        failed = call(app, "/fail")
        after = call(app, "/after")
        with pytest.raises(RuntimeError, match="the route failed"):
            await failed
        await settle()
        assert held.inside == ["/after"]
        held.gate("/after").set()
        await after

    asyncio.run(scenario())


def test_no_slots_means_no_limit_and_each_loop_gets_its_own():
    async def everyone_inside(slots: int, count: int) -> list[str]:
        held = Held()
        app = ReadSlots(held, slots=slots)
        tasks = [call(app, f"/{n}") for n in range(count)]
        await settle()
        inside = sorted(held.inside)
        for n in range(count):
            held.gate(f"/{n}").set()
        await asyncio.gather(*tasks)
        return inside

    assert len(asyncio.run(everyone_inside(0, 8))) == 8
    # One middleware, two event loops one after the other (as tests run apps).
    app = ReadSlots(Held(), slots=1)

    async def through(path: str) -> None:
        app.app.gate(path).set()
        await call(app, path)

    asyncio.run(through("/a"))
    asyncio.run(through("/b"))
    assert app.app.entered == ["/a", "/b"]


def test_the_server_with_one_slot_answers_concurrent_requests_as_it_does_one_by_one(
    sqlite_web_db,
):
    """The real server, one worker, one slot: pages, API answers, feeds, a
    missing paper and form posts, forty at once, all answered, and each
    answer the same as the one it gives alone."""
    with httpx.Client() as probe, serving(sqlite_web_db, {"PAPERSCOPE_PAGE_SLOTS": "1"}) as url:
        found = probe.get(f"{url}/api/papers/search", params={"q": "language", "limit": 5})
        ids = [hit["paper"]["id"] for hit in found.json()]
        assert ids
        gets = [
            *(f"/api/papers/search?q={q}&limit=10&n={n}" for n, q in
              enumerate(["language models", "diffusion", "reasoning", "vision", "agents"] * 3)),
            *(f"/api/papers/{pid}?n={n}" for n, pid in enumerate(ids * 2)),
            *(f"/papers/{pid}?n={n}" for n, pid in enumerate(ids)),
            *(f"/search?q=model&n={n}" for n in range(4)),
            "/api/papers/2199.99999", "/?format=rss", "/papers/week/2026-W11?format=atom",
        ]  # fmt: skip
        alone = {path: probe.get(url + path) for path in gets}

        async def together() -> list[httpx.Response]:
            async with httpx.AsyncClient(base_url=url, timeout=30) as client:
                posts = [client.post("/login", data={"email": "x@example.org", "password": "x"})
                         for _ in range(5)]  # fmt: skip
                return await asyncio.gather(*(client.get(p) for p in gets), *posts)

        answers = asyncio.run(together())
    for path, answer in zip(gets, answers, strict=False):
        assert answer.status_code == alone[path].status_code, path
        if path.startswith("/api/"):
            assert json.loads(answer.content) == json.loads(alone[path].content), path
    assert {a.status_code for a in answers[len(gets) :]} <= {400, 403, 422}
