"""The outside audit's findings, each as an attack on the real app: reset
links from a forged Host, forged X-Forwarded-For, ids that walk out of their
path, a quadratic-time abstract, missing headers, old reset tokens, timing
that tells which addresses have accounts, a lock-out anyone could cause, and
parameters that made the server fail."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from paperscope.library import Library
from paperscope.models import Paper, Version, new_paper
from paperscope.web.app import ROUTERS
from paperscope.web.deps import SESSION_COOKIE
from tests.test_accounts import PASSWORD
from tests.web.conftest import TODAY
from tests.web.test_people import form_token, mail_sent, session_csrf, sign_up

NO_CSRF = {("POST", "/unsubscribe/{token}")}
HOSTILE_ID = "t-/../../logout?"
SAMPLES = {"ref": "2603.00001", "collection_id": "1", "comment_id": "1", "token": "x",
           "day": TODAY, "week": "2026-W12", "month": "2026-03", "name": "Ada Lovelace",
           "ext": "bib", "lens_id": "1"}  # fmt: skip


@pytest.fixture
def lib_path(tmp_path) -> str:
    path = str(tmp_path / "library.db")
    with Library(path) as lib, lib.store.transaction():
        lib.store.save_papers([
            new_paper(title="Fresh preprint", arxiv_id="2603.00001", source="arxiv-oai",
                      authors=["Ada Lovelace"], versions=[Version(1, f"{TODAY}T10:00:00Z")],
                      published=TODAY, feed_date=TODAY),
            # Stored past the importers' checks (a database written by other code):
            # the pages must still keep its id inside its own path.
            Paper(id=HOSTILE_ID, title="A paper whose id walks", feed_date=TODAY,
                  sources=["jsonl"]),
        ])  # fmt: skip
    return path


@pytest.fixture
def make_client(lib_path, open_client, smtp):
    def make(**settings) -> TestClient:
        return open_client(lib_path, smtp_host=smtp.host, smtp_port=smtp.port,
                           smtp_security="none", **settings)  # fmt: skip

    return make


def concrete(path: str) -> str:
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: SAMPLES[m[1]], path)


def routes(method: str) -> list[str]:
    found = []
    for router in ROUTERS:
        for route in router.routes:
            if isinstance(route, APIRoute) and method in route.methods:
                found.append(route.path)
    return found


# -- 1. password-reset poisoning and proxy headers ---------------------------------------


def test_no_reset_email_is_made_from_the_requests_host(make_client, smtp):
    client = make_client()  # no PAPERSCOPE_BASE_URL
    page = client.get("/reset")
    assert "Password resets by email are off" in page.text
    sign_up(client, "ada@example.org", "ada")
    client.cookies.clear()
    token = form_token(client, "/login")  # the reset page has no form: resets are off
    r = client.post("/reset", data={"email": "ada@example.org", "csrf": token},
                    headers={"Host": "attacker.example"})  # fmt: skip
    mail_sent(client)
    assert r.status_code == 503 and "PAPERSCOPE_BASE_URL" in r.text
    assert smtp.messages == []


def test_reset_links_use_the_configured_address_whatever_the_host_says(make_client, smtp):
    client = make_client(base_url="https://papers.example.org")
    sign_up(client, "ada@example.org", "ada")
    client.cookies.clear()
    token = form_token(client, "/reset")
    client.post("/reset", data={"email": "ada@example.org", "csrf": token},
                headers={"Host": "attacker.example", "X-Forwarded-Host": "attacker.example"})  # fmt: skip
    mail_sent(client)
    ((_, msg),) = smtp.messages
    body = msg.get_content()
    assert "https://papers.example.org/reset/" in body and "attacker" not in body


def failed_logins(client: TestClient, times: int, **headers: str) -> int:
    token = form_token(client, "/login")
    status = 0
    for _ in range(times):
        status = client.post("/login", data={"email": "ada@example.org", "password": "wrong!!",
                                              "csrf": token}, headers=headers).status_code  # fmt: skip
    return status


def test_forwarded_for_is_believed_only_from_a_configured_proxy(lib_path, open_client):
    anyone = open_client(lib_path)
    sign_up(anyone, "ada@example.org", "ada")
    anyone.cookies.clear()
    # Without a trusted proxy a client cannot pick the address the limits see:
    # each failure counts against it, whatever X-Forwarded-For claims.
    statuses = [failed_logins(anyone, 1, **{"X-Forwarded-For": f"10.0.0.{n}"}) for n in range(8)]
    assert statuses[:6] == [400] * 6 and statuses[-1] == 429
    # Behind a configured proxy, its X-Forwarded-For names the client...
    proxy = TestClient(anyone.app, base_url="http://paperscope.test", client=("127.0.0.1", 5000))
    trusted = open_client(lib_path, trusted_proxies=("127.0.0.1",))
    proxied = TestClient(trusted.app, base_url="http://paperscope.test", client=("127.0.0.1", 1))
    assert failed_logins(proxied, 8, **{"X-Forwarded-For": "203.0.113.5"}) == 429
    assert failed_logins(proxied, 1, **{"X-Forwarded-For": "203.0.113.6"}) == 400
    # ... and from any other peer it is ignored.
    del proxy
    stranger = TestClient(trusted.app, base_url="http://paperscope.test",
                          client=("198.51.100.7", 1))  # fmt: skip
    assert failed_logins(stranger, 8, **{"X-Forwarded-For": "203.0.113.99"}) == 429
    assert failed_logins(stranger, 1, **{"X-Forwarded-For": "203.0.113.100"}) == 429


# -- 2. ids that are not ids -------------------------------------------------------------


def test_an_id_that_walks_out_of_its_path_is_refused_at_import(tmp_path):
    path = tmp_path / "evil.jsonl"
    path.write_text('{"id": "t-/../../collections/1/delete?", "title": "x", "author_count": 0,'
                    ' "sources": []}\n', encoding="utf-8")  # fmt: skip
    with Library(tmp_path / "lib.db") as lib:
        report = lib.import_file(path)
        assert report.failed == 1 and "is neither an arXiv id" in report.problems[0].message
        assert lib.count() == 0


def test_every_link_and_form_keeps_an_id_inside_its_own_path(make_client):
    client = make_client()
    sign_up(client, "ada@example.org", "ada")
    csrf = session_csrf(client)
    page = client.get("/papers/t-%2F..%2F..%2Flogout%3F")
    assert page.status_code == 200 and "A paper whose id walks" in page.text
    actions = re.findall(r'(?:action|hx-post|href)="([^"]*t-[^"]*)"', page.text)
    assert actions and all(a.startswith("/papers/t-%2F..%2F..%2Flogout%3F") for a in actions)
    assert not any("/../" in a for a in re.findall(r'(?:action|href)="([^"]+)"', page.text))
    vote = client.post("/papers/t-%2F..%2F..%2Flogout%3F/vote", data={"csrf": csrf},
                       follow_redirects=False)  # fmt: skip
    assert vote.status_code == 303  # a vote, not a log-out: the session lives on
    assert client.get("/account").status_code == 200
    assert client.get(f"/api/papers/{HOSTILE_ID.replace('/', '%2F').replace('?', '%3F')}"
                      ).json()["upvotes"] == 1  # fmt: skip


# -- 3. text that took a page 49 seconds ------------------------------------------------


@pytest.mark.parametrize("unit", ["\\(", "\\[", "$$", "$", "$\\(", "\\(x\\)\\("])
def test_an_abstract_built_to_backtrack_renders_at_once(tmp_path, open_client, unit):
    abstract = (unit * (100_000 // len(unit)))[:100_000]  # as long as an abstract may be
    path = tmp_path / "library.db"
    with Library(path) as lib, lib.store.transaction():
        lib.store.save_papers([new_paper(title=f"Slow {unit}", abstract=abstract,
                                         feed_date=TODAY, source="hf-page")])  # fmt: skip
    client = open_client(path)
    home = client.get("/")
    assert home.status_code == 200 and "Slow" in home.text
    paper = client.get(re.search(r'href="(/papers/t-[0-9a-f]+)"', home.text)[1])
    assert paper.status_code == 200 and len(paper.text) > 100_000


# -- 4. headers --------------------------------------------------------------------------


def test_every_answer_carries_the_security_headers(make_client):
    client = make_client()
    for url in (
        "/",
        "/papers/2603.00001",
        "/api/daily_papers",
        "/login",
        "/nope",
        "/static/app.js",
    ):
        r = client.get(url)
        csp = r.headers["content-security-policy"]
        scripts = re.search(r"script-src ([^;]+)", csp)[1]
        assert scripts == "'self'", url  # no inline script, no eval
        assert "frame-ancestors 'none'" in csp and r.headers["x-frame-options"] == "DENY"
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"]


def test_signed_in_pages_are_never_stored_by_a_cache(make_client):
    client = make_client()
    assert "no-store" not in client.get("/").headers.get("cache-control", "")
    sign_up(client, "ada@example.org", "ada")
    for url in ("/", "/account", "/collections", "/papers/2603.00001", "/api/daily_papers"):
        assert client.get(url).headers["cache-control"] == "private, no-store", url
    assert "no-store" in client.get("/login").headers["cache-control"]  # sets a form cookie


def test_every_get_route_answers_head(make_client):
    client = make_client()
    sign_up(client, "ada@example.org", "ada")
    for path in routes("GET"):
        url = concrete(path)
        got = client.get(url, follow_redirects=False)
        head = client.head(url, follow_redirects=False)
        assert head.status_code == got.status_code != 405, url
        assert head.content == b"" and head.headers.get("content-type") == got.headers.get(
            "content-type"
        ), url


def test_a_wrong_method_says_which_are_allowed(make_client):
    client = make_client()
    r = client.post("/trending")
    assert r.status_code == 405 and r.headers["allow"] == "GET"
    posts = {concrete(path) for path in routes("POST")}
    for path in routes("GET"):
        url = concrete(path)
        for method in ("PUT", "DELETE", "PATCH") + (() if url in posts else ("POST",)):
            r = client.request(method, url)
            assert r.status_code == 405 and "GET" in r.headers["allow"], (method, url)


# -- CSRF on every state-changing route, by construction ---------------------------------


def test_every_post_route_refuses_a_missing_or_foreign_token(make_client):
    client = make_client()
    sign_up(client, "ada@example.org", "ada")
    posts = routes("POST")
    assert len(posts) >= 17
    for path in posts:
        url = concrete(path)
        for token in (None, "forged", "n\u00e4\u00efve-\u00fc"):  # non-ASCII must not fail
            data = {} if token is None else {"csrf": token}
            r = client.post(url, data=data, follow_redirects=False)
            if ("POST", path) in NO_CSRF:
                assert r.status_code == 400, url  # the link's signature is the check
            else:
                assert r.status_code == 403, (url, token, r.status_code)


def test_members_forms_send_a_signed_out_visitor_to_log_in_first(make_client):
    client = make_client()
    for path in routes("POST"):
        if path.startswith(("/collections", "/comments", "/digests", "/submit")) or path.endswith(
            ("/vote", "/withdraw", "/comments")
        ):
            r = client.post(concrete(path), follow_redirects=False)
            assert r.status_code == 303 and r.headers["location"].startswith("/login?next="), path


# -- 5. reset tokens ----------------------------------------------------------------------


def test_a_reset_ends_every_older_link_and_a_spent_link_says_so(make_client, smtp):
    client = make_client(base_url="http://paperscope.test")
    sign_up(client, "ada@example.org", "ada")
    client.cookies.clear()
    for _ in range(2):
        client.post("/reset", data={"email": "ada@example.org",
                                    "csrf": form_token(client, "/reset")})  # fmt: skip
    mail_sent(client)
    first, second = (re.search(r"(/reset/\S+)", m.get_content())[1] for _, m in smtp.messages)
    r = client.post(
        second, data={"password": "a new password!", "csrf": form_token(client, second)}
    )
    assert r.status_code == 200  # the log-in page, after the redirect
    for link in (first, second):
        page = client.get(link)
        assert page.status_code == 410 and "This link no longer works" in page.text
        assert "Choose a new password" not in page.text
        token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)[1]
        r = client.post(link, data={"password": "an attacker's choice", "csrf": token})
        assert r.status_code == 400 and "invalid, used or expired" in r.text


# -- 6. no hint, by time or by answer, of which addresses have accounts; no lock-out ------


def test_a_reset_request_does_the_same_work_for_any_address(make_client, smtp):
    client = make_client(base_url="http://paperscope.test")
    sign_up(client, "ada@example.org", "ada")
    client.cookies.clear()
    token = form_token(client, "/reset")
    site = client.app.state.site
    with site.mail.paused():  # what the request itself does, before any mail work
        known = client.post("/reset", data={"email": "ada@example.org", "csrf": token})
        unknown = client.post("/reset", data={"email": "eve@example.org", "csrf": token})
        assert known.status_code == unknown.status_code == 200
        assert known.text.replace("ada@", "eve@") == unknown.text
        with Library(site.library.url) as lib:
            (resets,) = lib.store.conn.execute("SELECT count(*) FROM password_resets").fetchone()
        assert resets == 0  # the account is looked up after the answer, off the request path
    mail_sent(client)
    assert [m["To"] for _, m in smtp.messages] == ["ada@example.org"]


def test_a_stranger_cannot_lock_the_owner_out(lib_path, open_client):
    owner = open_client(lib_path)
    sign_up(owner, "ada@example.org", "ada")
    owner.cookies.clear()
    attacker = TestClient(owner.app, base_url="http://paperscope.test", client=("192.0.2.66", 1))
    assert failed_logins(attacker, 15) == 429
    token = form_token(owner, "/login")
    r = owner.post("/login", data={"email": "ada@example.org", "password": PASSWORD,
                                    "csrf": token}, follow_redirects=False)  # fmt: skip
    assert r.status_code == 303 and r.cookies.get(SESSION_COOKIE)


# -- 7. parameters that made the server fail ---------------------------------------------

HUGE = "99999999999999999999999"


@pytest.mark.parametrize(
    "url",
    [
        f"/api/daily_papers?p={HUGE}", f"/?page={HUGE}", f"/papers/month/2026-03?page={HUGE}",
        f"/authors/Ada%20Lovelace?page={HUGE}", f"/api/authors/Ada%20Lovelace?p={HUGE}",
        f"/search?q=x&page={HUGE}", f"/api/papers/search?q=x&p={HUGE}", "/?page=%C2%B2",
        "/?page=1.0", "/?page=+1", "/?page=1_0", "/unsubscribe/%C2%B2.x", "/unsubscribe/1.x",
        "/search?min_upvotes=%C2%B2", f"/search?min_upvotes={HUGE}", "/search?from=2026-13",
        "/api/daily_papers?limit=%D9%A3", "/api/trending?limit=1e3",
    ],
)  # fmt: skip
def test_bad_numbers_get_a_400_that_names_them(make_client, url):
    r = make_client().get(url)
    assert r.status_code == 400, (url, r.status_code)
    if url.startswith("/api/"):
        assert set(r.json()) == {"error", "status"} and r.json()["status"] == 400


@pytest.mark.parametrize(
    "url",
    ["/papers/date/9999-12-31", "/papers/week/9999-W52", "/papers/month/9999-12",
     "/api/daily_papers?week=9999-W52", "/api/daily_papers?date=9999-12-31",
     "/papers/date/0001-01-01", "/papers/week/0001-W01", "/api/daily_papers?month=0001-01"],
)  # fmt: skip
def test_the_ends_of_the_calendar_are_pages(make_client, url):
    r = make_client().get(url)
    assert r.status_code == 200, (url, r.status_code)
