"""Lens webhooks against a real HTTP server on 127.0.0.1, on both backends:
signed once-only POSTs, retries with back-off on the test's clock, giving up,
refusing private addresses, and the webhook's first day."""

from __future__ import annotations

import socket
import ssl
import subprocess
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import orjson
import pytest

from paperscope.config import Settings, SettingsError
from paperscope.lenses import LensError, check_webhook_url, lens_fields
from paperscope.library import Library
from paperscope.models import Version, new_paper
from paperscope.store.lenses import Lens
from paperscope.urls import paper_url
from paperscope.webhooks import (
    BACKOFF_BASE,
    BACKOFF_CAP,
    MAX_ATTEMPTS,
    WebhookError,
    addresses,
    deliver,
    post,
    verify,
)
from tests.test_feedback import person

BASE = "https://papers.example.org"
NOW = datetime(2026, 3, 18, 12, 0, tzinfo=UTC)  # the tests' clock
DAY = timedelta(days=1)


def _paper(title: str, n: int, days_ago: int, cats: list[str]):
    day = (NOW - days_ago * DAY).date().isoformat()
    return new_paper(title=title, arxiv_id=f"2603.{n:05d}", source="arxiv-oai",
                     versions=[Version(1, f"{day}T10:00:00Z")], published=day,
                     categories=cats, authors=["Ada Byron"],
                     abstract=f"We study {title.lower()} in depth.")  # fmt: skip


GRAPHS_1, GRAPHS_2 = "2603.00001", "2603.00002"


@pytest.fixture
def lib(library_url):
    with Library(library_url) as found:
        with found.store.transaction():
            found.store.save_papers([
                _paper("Graph networks for molecules", 1, 1, ["cs.LG"]),
                _paper("Graph networks for traffic", 2, 2, ["cs.LG"]),
                _paper("Graph networks of last month", 3, 20, ["cs.LG"]),
                _paper("Protein folding with attention", 4, 1, ["q-bio.BM"]),
            ])  # fmt: skip
        found.sync_index()
        yield found


class Receiver:
    """A webhook receiver: records each POST, answers the statuses queued (else 200)."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, dict[str, str], bytes]] = []
        self.answers: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.posts.append((self.path, dict(self.headers), body))
                status = receiver.answers.pop(0) if receiver.answers else 200
                self.send_response(status)
                if status in (301, 302):
                    self.send_header("Location", "http://127.0.0.1:9/elsewhere")
                self.end_headers()
                self.wfile.write(b"ok" if status < 300 else b"boom " * 2_000)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/hook?k=1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def payloads(self) -> list[dict]:
        return [orjson.loads(body) for _, _, body in self.posts]


@pytest.fixture
def receiver():
    made = Receiver()
    made.thread.start()
    yield made
    made.server.shutdown()
    made.server.server_close()
    made.thread.join(5)


def make_lens(lib: Library, url: str, *, since: str = "2026-03-01", **values) -> Lens:
    """A lens with a webhook, as an owner saves it (on an instance that allows
    private addresses), its first day set to ``since``."""
    user = person(lib, values.pop("owner", "ada"))
    fields = lens_fields(webhook_url=url, allow_private_webhooks=True, **values)
    lens = lib.lenses.add(user, fields)
    with lib.store.transaction() as conn:  # the webhook's first day, on the test's calendar
        conn.execute("UPDATE lenses SET webhook_since = ? WHERE id = ?", (since, lens.id))
    found = lib.lenses.get(lens.id)
    assert found is not None
    return found


def run(lib: Library, at=NOW, **options):
    options.setdefault("allow_private", True)
    return deliver(lib, base_url=BASE, now=at, **options)


def statuses(lib: Library, lens: Lens) -> dict[str, tuple[str, int]]:
    return {d.paper_id: (d.status, d.attempts) for d in lib.lenses.deliveries(lens.id)}


def test_a_new_match_is_posted_once_signed_and_a_second_run_posts_nothing(lib, receiver):
    lens = make_lens(lib, receiver.url, name="Graphs", q="graph networks", categories="cs.LG")
    report = run(lib)
    assert (report.lenses, report.found, report.count("delivered")) == (1, 2, 2)
    ((path, headers, body),) = receiver.posts
    assert path == "/hook?k=1" and headers["Content-Type"] == "application/json"
    assert headers["Host"] == f"127.0.0.1:{receiver.port}"
    data = orjson.loads(body)
    # In the window (the last 3 days) and in cs.LG: not last month's, not the protein paper.
    assert sorted(m["id"] for m in data["matches"]) == [GRAPHS_1, GRAPHS_2]
    first = next(m for m in data["matches"] if m["id"] == GRAPHS_1)
    assert first["title"] == "Graph networks for molecules" and first["authors"] == ["Ada Byron"]
    assert first["url"] == BASE + paper_url(GRAPHS_1)
    assert first["categories"] == ["cs.LG"] and first["published"].startswith("2026-03-17")
    assert "keyword_rank" in first["why"]
    assert data["lens"] == {"id": lens.id, "name": "Graphs", "url": f"{BASE}/lenses/{lens.id}"}
    assert data["sent_at"] == "2026-03-18T12:00:00Z"
    assert headers["X-Paperscope-Delivery"] == data["delivery"]
    stamp, signature = headers["X-Paperscope-Timestamp"], headers["X-Paperscope-Signature"]
    assert stamp == str(int(NOW.timestamp())) and signature.startswith("sha256=")
    assert verify(lens.webhook_secret, stamp, body, signature, now=NOW)
    assert not verify("a wrong secret", stamp, body, signature)
    assert not verify(lens.webhook_secret, stamp, body.replace(b"Graph", b"Grape"), signature)
    assert not verify(lens.webhook_secret, stamp, body, signature, now=NOW + timedelta(hours=1))
    assert set(statuses(lib, lens).values()) == {("delivered", 1)}

    again = run(lib, NOW + timedelta(minutes=15))
    assert (again.found, again.outcomes) == (0, [])
    assert len(receiver.posts) == 1


def test_a_500_is_retried_after_the_back_off_and_then_delivered(lib, receiver):
    lens = make_lens(lib, receiver.url, q="graph networks")
    receiver.answers = [500]
    first = run(lib)
    ((outcome,),) = [first.outcomes]
    assert outcome.status == "retry" and outcome.error.startswith("127.0.0.1 answered 500: boom")
    assert len(outcome.error) < 300  # the answer is read a few KB at most, and shortened
    assert outcome.next_at == (NOW + BACKOFF_BASE).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert set(statuses(lib, lens).values()) == {("pending", 1)}

    early = run(lib, NOW + BACKOFF_BASE - timedelta(seconds=1))
    assert early.outcomes == [] and len(receiver.posts) == 1  # not due yet
    later = run(lib, NOW + BACKOFF_BASE)
    assert [o.status for o in later.outcomes] == ["delivered"] and len(receiver.posts) == 2
    assert set(statuses(lib, lens).values()) == {("delivered", 2)}
    one, two = receiver.payloads()
    assert one["delivery"] == two["delivery"]  # the same papers: the same id to de-duplicate on
    assert run(lib, NOW + BACKOFF_CAP).outcomes == []


def test_failed_for_good_after_the_last_attempt(lib, receiver):
    lens = make_lens(lib, receiver.url, q="graph networks")
    receiver.answers = [503] * MAX_ATTEMPTS
    at, waits = NOW, []
    for _ in range(MAX_ATTEMPTS):
        (outcome,) = run(lib, at).outcomes
        if outcome.status == "retry":
            waits.append(outcome.next_at)
            at += BACKOFF_CAP
    assert outcome.status == "failed" and "answered 503" in outcome.error
    assert len(receiver.posts) == MAX_ATTEMPTS and len(waits) == MAX_ATTEMPTS - 1
    assert set(statuses(lib, lens).values()) == {("failed", MAX_ATTEMPTS)}
    (gone,) = {d.last_error for d in lib.lenses.deliveries(lens.id)}
    assert "503" in gone
    assert run(lib, at + BACKOFF_CAP).outcomes == [] and len(receiver.posts) == MAX_ATTEMPTS


def test_the_back_off_doubles_and_stops_growing_at_its_cap(lib):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = s.getsockname()[1]  # nothing listens there
    make_lens(lib, f"http://127.0.0.1:{dead}/", q="graph networks")
    at, gaps = NOW, []
    for _ in range(MAX_ATTEMPTS - 1):
        (outcome,) = run(lib, at).outcomes
        assert outcome.status == "retry" and "refused the connection" in outcome.error
        later = at.strptime(outcome.next_at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=at.tzinfo)
        gaps.append(later - at)
        at = later
    assert gaps[:3] == [BACKOFF_BASE, 2 * BACKOFF_BASE, 4 * BACKOFF_BASE]
    assert max(gaps) <= BACKOFF_CAP


def test_a_receiver_that_never_answers_times_out_and_is_retried(lib):
    with socket.socket() as silent:  # accepts connections (the backlog) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(4)
        make_lens(lib, f"http://127.0.0.1:{silent.getsockname()[1]}/", q="graph networks")
        (outcome,) = run(lib, timeout=0.2).outcomes
    assert outcome.status == "retry" and "no answer from 127.0.0.1" in outcome.error


def test_a_redirect_is_not_followed(lib, receiver):
    make_lens(lib, receiver.url, q="graph networks")
    receiver.answers = [302]
    (outcome,) = run(lib).outcomes
    assert outcome.status == "retry" and "answered 302" in outcome.error
    assert len(receiver.posts) == 1


def test_private_and_loopback_addresses_are_refused_unless_allowed(lib, receiver):
    # Saved while the instance allowed them; the flag is off at delivery.
    by_name = make_lens(lib, f"http://localhost:{receiver.port}/", q="graph networks")
    by_address = make_lens(lib, receiver.url, q="graph networks", owner="bo")
    report = run(lib, allow_private=False)
    assert {o.lens.id: o.status for o in report.outcomes} == {by_name.id: "retry",
                                                               by_address.id: "retry"}  # fmt: skip
    assert all("not a public address" in o.error for o in report.outcomes)
    assert receiver.posts == []
    allowed = run(lib, NOW + BACKOFF_BASE, allow_private=True)
    assert [o.status for o in allowed.outcomes] == ["delivered", "delivered"]
    assert len(receiver.posts) == 2

    with pytest.raises(WebhookError, match="not a public address"):
        addresses("localhost", 80, allow_private=False)
    assert "127.0.0.1" in addresses("localhost", 80, allow_private=True)


@pytest.mark.parametrize("url", ["http://127.0.0.1/", "http://10.1.2.3:8080/x",
                                 "http://[::1]/", "http://169.254.169.254/latest",
                                 "https://localhost/", "http://printer.local/",
                                 "http://[::ffff:192.168.0.1]/"])  # fmt: skip
def test_literal_private_addresses_are_refused_when_a_lens_is_saved(url):
    with pytest.raises(LensError, match="may not go to"):
        lens_fields(q="graphs", webhook_url=url)
    assert check_webhook_url(url, allow_private=True) == url
    assert check_webhook_url("https://hooks.example.org/in", allow_private=False)


def test_papers_published_before_the_webhook_was_set_are_never_posted(lib, receiver):
    day_before = (NOW - DAY).date().isoformat()
    lens = make_lens(lib, receiver.url, q="graph networks", since=day_before)
    run(lib)
    run(lib, NOW + timedelta(days=1))
    (data,) = receiver.payloads()
    assert [m["id"] for m in data["matches"]] == [GRAPHS_1]  # GRAPHS_2 came out two days ago
    assert set(statuses(lib, lens)) == {GRAPHS_1}


def test_a_lens_that_follows_a_category_posts_what_is_new_in_it(lib, receiver):
    make_lens(lib, receiver.url, categories="q-bio.BM")
    run(lib)
    (data,) = receiver.payloads()
    assert [m["id"] for m in data["matches"]] == ["2603.00004"]


def test_the_setting_is_read_from_the_environment(tmp_path):
    db = str(tmp_path / "x.db")
    assert Settings.from_env({}, database=db).webhooks_allow_private is False
    for text, value in (("1", True), ("Yes", True), ("off", False)):
        env = {"PAPERSCOPE_WEBHOOKS_ALLOW_PRIVATE": text}
        assert Settings.from_env(env, database=db).webhooks_allow_private is value
    with pytest.raises(SettingsError, match="PAPERSCOPE_WEBHOOKS_ALLOW_PRIVATE='maybe'"):
        Settings.from_env({"PAPERSCOPE_WEBHOOKS_ALLOW_PRIVATE": "maybe"}, database=db)


def test_a_description_is_matched_by_meaning_and_says_so(lib, receiver):
    lib.embed()  # the installed model, offline
    lens = make_lens(lib, receiver.url, about="how proteins fold, predicted with attention")
    run(lib)
    (data,) = receiver.payloads()
    assert [m["id"] for m in data["matches"]] == ["2603.00004"]
    assert data["matches"][0]["why"]["cosine"] >= 0.4
    assert set(statuses(lib, lens).values()) == {("delivered", 1)}


@pytest.fixture
def tls_receiver(tmp_path):
    """A receiver over TLS with a certificate for ``localhost`` only (made by
    openssl), recording the server name each client asked for."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-keyout", str(key), "-out", str(cert), "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost"],
                   check=True, capture_output=True)  # fmt: skip
    made = Receiver()
    made.names = []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    context.sni_callback = lambda sock, name, ctx: made.names.append(name)
    made.server.socket = context.wrap_socket(made.server.socket, server_side=True)
    made.thread.start()
    made.trust = ssl.create_default_context(cafile=str(cert))
    yield made
    made.server.shutdown()
    made.server.server_close()
    made.thread.join(5)


def test_https_goes_to_the_checked_address_with_the_urls_name_for_tls(tls_receiver):
    port = tls_receiver.port
    headers = {"Content-Type": "application/json"}
    assert post(f"https://localhost:{port}/in", b"{}", headers, allow_private=True,
                tls=tls_receiver.trust) == 200  # fmt: skip
    ((path, got, _),) = tls_receiver.posts
    assert path == "/in" and got["Host"] == f"localhost:{port}"
    assert tls_receiver.names == ["localhost"]  # the server name, not the address connected to
    with pytest.raises(WebhookError, match="CERTIFICATE_VERIFY_FAILED"):  # the system's CAs
        post(f"https://localhost:{port}/in", b"{}", headers, allow_private=True)
    with pytest.raises(WebhookError, match="CERTIFICATE_VERIFY_FAILED|match"):  # not its name
        post(f"https://127.0.0.1:{port}/in", b"{}", headers, allow_private=True,
             tls=tls_receiver.trust)  # fmt: skip
    assert len(tls_receiver.posts) == 1


def test_a_url_with_non_ascii_in_its_path_is_posted_percent_encoded(receiver):
    url = f"http://127.0.0.1:{receiver.port}/hoök/ünïcode path?q=ä"
    assert post(url, b"{}", {}, allow_private=True) == 200
    assert receiver.posts[0][0] == "/ho%C3%B6k/%C3%BCn%C3%AFcode%20path?q=%C3%A4"
    with pytest.raises(WebhookError, match="not a host name|does not resolve"):
        post("http://" + "x" * 70 + ".example/", b"{}", {}, allow_private=True)
