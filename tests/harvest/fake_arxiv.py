"""A local OAI-PMH endpoint serving arXiv-shaped pages, for harvester tests.

``FakeArxiv`` serves tests/data/oai/harvest/page1-3.xml, linked by resumption
tokens, and one GetRecord (1810.04805). Asked for ``oai_dc``, it serves the
three real oai_dc pages arXiv sent a harvester (../shared/data/real-formats/
oai/oai_dc, read there), chained by arXiv's own tokens. It can be scripted to fail: a 503
with Retry-After, a malformed page, a dropped connection, an OAI-PMH error, a
request that hangs, or a permanent 500 for one page. It records every request it receives.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from tests.conftest import SHARED

DATA = Path(__file__).resolve().parent.parent / "data" / "oai"
OAI_DC = SHARED / "data" / "real-formats" / "oai" / "oai_dc"
# Real pages: ListRecords from=2023-03-07, 2,265 records, tokens 6511260|1001 and |2001.
DC_PAGES = {
    "start:oai_dc": "ListRecords_data_0.xml",
    "6511260|1001": "ListRecords_data_1.xml",
    "6511260|2001": "ListRecords_data_2.xml",
}
PAGES = {
    "start": (DATA / "harvest" / "page1.xml").read_bytes(),
    "cs|1001": (DATA / "harvest" / "page2.xml").read_bytes(),
    "cs|2001": (DATA / "harvest" / "page3.xml").read_bytes(),
    "start:arXiv": (DATA / "listrecords_arxiv.xml").read_bytes(),
    "get:oai:arXiv.org:1810.04805": (DATA / "getrecord_arxivraw.xml").read_bytes(),
}


def oai_error(code: str, text: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">\n'
        "<responseDate>2024-01-10T12:00:00Z</responseDate>\n"
        '<request verb="ListRecords">https://oaipmh.arxiv.org/oai</request>\n'
        f'<error code="{code}">{text}</error>\n</OAI-PMH>\n'
    ).encode()


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False  # close the connection without answering
    hang: bool = False  # wait until FakeArxiv.release is set


@dataclass
class Request:
    key: str
    query: dict[str, str]
    user_agent: str


class FakeArxiv:
    """A local OAI-PMH endpoint at ``self.url``; ``faults[key]`` are answered first."""

    def __init__(self):
        self.requests: list[Request] = []
        self.faults: dict[str, list[Reply]] = {}
        self.down: set[str] = set()  # keys answered 500 for as long as they are here
        self.reached = threading.Event()  # a hanging request has arrived
        self.release = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                fake.handle(self)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/oai"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def keys(self) -> list[str]:
        return [r.key for r in self.requests]

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        url = urlsplit(handler.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        key = query.get("resumptionToken") or "start"
        if key == "start" and query.get("metadataPrefix") in ("arXiv", "oai_dc"):
            key = "start:" + query["metadataPrefix"]
        if query.get("verb") == "GetRecord":
            key = "get:" + query.get("identifier", "")
        self.requests.append(Request(key, query, handler.headers.get("User-Agent", "")))
        if url.path != "/oai":
            reply = Reply(404, b"not found")
        elif self.faults.get(key):
            reply = self.faults[key].pop(0)
        elif key in self.down:
            reply = Reply(500, b"internal error")
        elif key in PAGES:
            reply = Reply(200, PAGES[key])
        elif key in DC_PAGES:
            reply = Reply(200, (OAI_DC / DC_PAGES[key]).read_bytes())
        elif key.startswith("get:"):
            reply = Reply(200, oai_error("idDoesNotExist", "no such record"))
        else:
            reply = Reply(200, oai_error("badResumptionToken", "unknown token"))
        if reply.hang:
            self.reached.set()
            self.release.wait(30)
            reply = Reply(200, PAGES[key])
        if reply.drop:
            handler.close_connection = True
            return
        try:
            handler.send_response(reply.status)
            handler.send_header("Content-Type", "text/xml; charset=utf-8")
            handler.send_header("Content-Length", str(len(reply.body)))
            for name, value in reply.headers.items():
                handler.send_header(name, value)
            handler.end_headers()
            handler.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client was killed
