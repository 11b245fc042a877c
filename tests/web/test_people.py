"""Accounts, votes and submissions through the real app, with a real SMTP server."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from paperscope.library import Library
from paperscope.models import Version, new_paper
from paperscope.web.deps import FORM_COOKIE, SESSION_COOKIE
from tests.test_accounts import PASSWORD
from tests.web.conftest import NOW, TODAY


def form_token(client: TestClient, url: str) -> str:
    """Open a form page as a browser would and read its CSRF field."""
    html = client.get(url).text
    return re.search(r'name="csrf" value="([^"]+)"', html)[1]


def session_csrf(client: TestClient) -> str:
    return re.search(r'"X-CSRF-Token": "([^"]+)"', client.get("/account").text)[1]


def mail_sent(client: TestClient) -> None:
    """Wait until the site's mail queue has sent what the last requests queued."""
    client.app.state.site.mail.join()


def sign_up(client: TestClient, email: str, name: str) -> None:
    token = form_token(client, "/signup")
    r = client.post("/signup", data={"email": email, "name": name, "password": PASSWORD,
                                      "csrf": token}, follow_redirects=False)  # fmt: skip
    assert r.status_code == 303, r.text[:500]


@pytest.fixture
def lib_path(library_url) -> str:
    path = library_url
    fresh = (NOW - timedelta(days=3)).date().isoformat()
    old = (NOW - timedelta(days=40)).date().isoformat()
    with Library(path) as lib, lib.store.transaction():
        lib.store.save_papers([
            new_paper(title="Fresh preprint", arxiv_id="2603.00001", source="arxiv-oai",
                      versions=[Version(1, f"{fresh}T10:00:00Z")], published=fresh),
            new_paper(title="Second fresh preprint", arxiv_id="2603.00002", source="arxiv-oai",
                      versions=[Version(1, f"{fresh}T10:00:00Z")], published=fresh),
            new_paper(title="Old preprint", arxiv_id="2601.00003", source="arxiv-oai",
                      versions=[Version(1, f"{old}T10:00:00Z")], published=old),
            new_paper(title="In the feed already", source="hf-page", feed_date=TODAY, upvotes=3),
        ])  # fmt: skip
    return path


@pytest.fixture
def make_client(lib_path, smtp, open_client):
    def make(**settings) -> TestClient:
        settings.setdefault("base_url", "http://paperscope.test")
        return open_client(lib_path, smtp_host=smtp.host, smtp_port=smtp.port,
                           smtp_security="none", **settings)  # fmt: skip

    return make


@pytest.fixture
def client(make_client) -> TestClient:
    return make_client()


def test_sign_up_logs_in_and_the_first_account_is_admin(client):
    sign_up(client, "ada@example.org", "ada")
    assert client.cookies.get(SESSION_COOKIE)
    page = client.get("/account").text
    assert "ada@example.org" in page and "admin" in page
    assert "Log out" in client.get("/").text


def test_every_form_refuses_a_missing_or_wrong_csrf_token(client):
    sign_up(client, "ada@example.org", "ada")
    for url, data in [
        ("/logout", {}),
        ("/papers/2603.00001/vote", {}),
        ("/submit", {"ref": "2603.00001"}),
        ("/papers/In%20the%20feed/withdraw", {}),
    ]:
        for token in (None, "forged"):
            body = data if token is None else {**data, "csrf": token}
            r = client.post(url, data=body, follow_redirects=False)
            assert r.status_code == 403, (url, token, r.status_code)
    client.cookies.clear()
    for url, data in [("/login", {"email": "ada@example.org", "password": PASSWORD}),
                      ("/signup", {"email": "b@example.org", "name": "bob", "password": PASSWORD}),
                      ("/reset", {"email": "ada@example.org"})]:  # fmt: skip
        assert client.post(url, data=data).status_code == 403, url
        assert client.post(url, data={**data, "csrf": "forged"}).status_code == 403, url
    # Nothing happened: no vote was counted, no session was made.
    assert client.get("/api/papers/2603.00001").json()["upvotes"] == 0


def test_log_in_errors_and_the_rate_limit(client):
    sign_up(client, "ada@example.org", "ada")
    client.cookies.clear()
    token = form_token(client, "/login")
    r = client.post("/login", data={"email": "ada@example.org", "password": "wrong password",
                                     "csrf": token})  # fmt: skip
    assert r.status_code == 400 and "wrong email address or password" in r.text
    for _ in range(10):
        r = client.post("/login", data={"email": "ada@example.org", "password": "wrong password",
                                         "csrf": token})  # fmt: skip
    assert r.status_code == 429 and "too many attempts" in r.text
    assert int(r.headers["retry-after"]) > 0


def test_no_session_fixation_and_logout_ends_the_session(client):
    sign_up(client, "ada@example.org", "ada")
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, "planted-by-an-attacker")
    token = form_token(client, "/login")
    r = client.post("/login", data={"email": "ada@example.org", "password": PASSWORD,
                                     "csrf": token}, follow_redirects=False)  # fmt: skip
    issued = r.cookies.get(SESSION_COOKIE)
    assert issued and issued != "planted-by-an-attacker"
    assert "httponly" in r.headers["set-cookie"].lower()
    assert "samesite=lax" in r.headers["set-cookie"].lower()
    client.cookies.set(SESSION_COOKIE, issued)
    csrf = session_csrf(client)
    assert client.post("/logout", data={"csrf": csrf}, follow_redirects=False).status_code == 303
    # The old cookie is worth nothing now, even if someone kept a copy.
    client.cookies.set(SESSION_COOKIE, issued)
    assert "Log in" in client.get("/").text
    assert client.get("/account", follow_redirects=False).status_code == 303


def test_password_reset_by_email_works_once(client, smtp):
    sign_up(client, "ada@example.org", "ada")
    client.cookies.clear()
    token = form_token(client, "/reset")
    r = client.post("/reset", data={"email": "ada@example.org", "csrf": token})
    assert r.status_code == 200 and "is on its way" in r.text
    r = client.post("/reset", data={"email": "nobody@example.org", "csrf": token})
    assert "is on its way" in r.text  # no hint whether an address has an account
    mail_sent(client)
    assert len(smtp.messages) == 1
    rcpt, msg = smtp.messages[0]
    assert rcpt == ["ada@example.org"] and msg["Subject"] == "Reset your paperscope password"
    link = re.search(r"http://paperscope\.test(/reset/\S+)", msg.get_content())[1]
    form = form_token(client, link)
    r = client.post(link, data={"password": "a new password!", "csrf": form},
                    follow_redirects=False)  # fmt: skip
    assert r.status_code == 303 and r.headers["location"] == "/login?reset=1"
    again = client.post(link, data={"password": "another password", "csrf": form})
    assert again.status_code == 400 and "invalid, used or expired" in again.text
    login = form_token(client, "/login")
    r = client.post("/login", data={"email": "ada@example.org", "password": "a new password!",
                                     "csrf": login}, follow_redirects=False)  # fmt: skip
    assert r.status_code == 303


def test_votes_toggle_with_htmx_and_without_javascript(client):
    sign_up(client, "ada@example.org", "ada")
    csrf = session_csrf(client)
    r = client.post("/papers/2603.00001/vote", headers={"HX-Request": "true", "X-CSRF-Token": csrf})
    assert r.status_code == 200 and 'aria-pressed="true"' in r.text and "<b>1</b>" in r.text
    r = client.post("/papers/2603.00001/vote", data={"csrf": csrf, "next": "/papers/date/x"},
                    follow_redirects=False)  # fmt: skip
    assert r.status_code == 303 and r.headers["location"] == "/papers/date/x"
    assert client.get("/api/papers/2603.00001").json()["upvotes"] == 0
    r = client.post("/papers/2603.00001/vote", data={"csrf": csrf, "next": "//evil.example"},
                    follow_redirects=False)  # fmt: skip
    assert r.headers["location"] == "/papers/2603.00001"  # never another site
    assert client.get("/api/papers/2603.00001").json()["upvotes"] == 1
    page = client.get("/papers/2603.00001").text
    assert 'aria-pressed="true"' in page


def test_a_vote_without_javascript_comes_back_to_the_search_it_was_cast_on(client):
    anonymous = client.get("/search?q=fresh+preprint&sort=new").text
    link = re.search(r'<a class="votes" href="([^"]+)"', anonymous)[1]
    assert parse_qs(urlsplit(html.unescape(link)).query) == {
        "next": ["/search?q=fresh+preprint&sort=new"]
    }
    sign_up(client, "ada@example.org", "ada")
    page = client.get("/search?q=fresh+preprint&sort=new").text
    back = re.findall(r'name="next" value="([^"]+)"', page)
    assert back and set(back) == {"/search?q=fresh+preprint&amp;sort=new"}
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)[1]
    r = client.post("/papers/2603.00001/vote", data={"csrf": csrf, "next": back[0].replace("&amp;", "&")},
                    follow_redirects=False)  # fmt: skip
    assert r.status_code == 303 and r.headers["location"] == "/search?q=fresh+preprint&sort=new"
    again = client.get(r.headers["location"]).text
    assert 'aria-pressed="true"' in again and "<b>1</b>" in again


def test_votes_need_an_account(client):
    r = client.post("/papers/2603.00001/vote", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")
    r = client.post("/papers/2603.00001/vote", headers={"HX-Request": "true"})
    assert r.status_code == 401


def test_submissions_follow_the_rules_and_admins_can_override_and_withdraw(make_client):
    admin = make_client()
    sign_up(admin, "ada@example.org", "ada")  # the first account: admin
    user = make_client(submit_daily_cap=1)
    sign_up(user, "bob@example.org", "bob")
    csrf = session_csrf(user)

    def submit(client, ref, token):
        return client.post("/submit", data={"ref": ref, "csrf": token}, follow_redirects=False)

    r = submit(user, "https://arxiv.org/abs/2601.00003v1", csrf)
    assert r.status_code == 400 and "appeared 40 days ago" in r.text
    r = submit(user, "A title nobody wrote", csrf)
    assert r.status_code == 400 and "is not in this library" in r.text
    r = submit(user, "In the feed already", csrf)
    assert r.status_code == 400 and "already in the daily feed" in r.text
    r = submit(user, "arXiv:2603.00001", csrf)
    assert r.status_code == 303 and r.headers["location"] == "/papers/2603.00001"
    paper = user.get("/api/papers/2603.00001").json()
    assert (paper["submittedOnDailyAt"], paper["submittedBy"]) == (TODAY, "bob")
    day = user.get(f"/papers/date/{TODAY}?format=json").json()
    assert "2603.00001" in [i["paper"]["id"] for i in day["papers"]]
    r = submit(user, "2603.00002", csrf)
    assert r.status_code == 400 and "daily limit" in r.text
    # The admin is not bound by age or the cap, and may take a paper out again.
    admin_csrf = session_csrf(admin)
    assert submit(admin, "2601.00003", admin_csrf).status_code == 303
    r = user.post("/papers/2603.00001/withdraw", data={"csrf": csrf})
    assert r.status_code == 403
    r = admin.post("/papers/2603.00001/withdraw", data={"csrf": admin_csrf},
                   follow_redirects=False)  # fmt: skip
    assert r.status_code == 303
    assert admin.get("/api/papers/2603.00001").json()["submittedOnDailyAt"] is None


def test_forms_set_their_token_cookie_and_are_never_cached(client):
    first = client.get("/login")
    assert first.cookies.get(FORM_COOKIE) and first.headers.get("x-cache") == "miss"
    other = TestClient(client.app)
    assert other.get("/login").cookies.get(FORM_COOKIE) != first.cookies.get(FORM_COOKIE)


def test_forms_for_signed_out_visitors_also_work_when_signed_in(client, smtp):
    sign_up(client, "ada@example.org", "ada")
    token = form_token(client, "/reset")
    r = client.post("/reset", data={"email": "ada@example.org", "csrf": token})
    mail_sent(client)
    assert r.status_code == 200 and len(smtp.messages) == 1


def test_a_submitted_paper_the_library_lacks_is_fetched_from_arxiv(make_client, arxiv):
    admin = make_client(harvest_url=arxiv.url)
    sign_up(admin, "ada@example.org", "ada")  # an admin: the 2018 paper is past the age rule
    user = make_client(harvest_url=arxiv.url)
    sign_up(user, "bob@example.org", "bob")
    csrf, admin_csrf = session_csrf(user), session_csrf(admin)
    r = user.post("/submit", data={"ref": "https://arxiv.org/abs/1810.04805v2", "csrf": csrf})
    assert r.status_code == 400 and "days ago" in r.text  # fetched, then held to the rules
    assert user.get("/api/papers/1810.04805").json()["title"].startswith("BERT")
    r = user.post("/submit", data={"ref": "2611.99999", "csrf": csrf})
    assert r.status_code == 400 and "arXiv has no paper 2611.99999" in r.text
    r = admin.post("/submit", data={"ref": "1810.04805", "csrf": admin_csrf},
                   follow_redirects=False)  # fmt: skip
    assert r.status_code == 303
    assert admin.get("/api/papers/1810.04805").json()["submittedBy"] == "ada"
    get_records = [q.query for q in arxiv.requests if q.query.get("verb") == "GetRecord"]
    assert get_records[0]["identifier"] == "oai:arXiv.org:1810.04805"
    assert all("paperscope" in q.user_agent for q in arxiv.requests)
    arxiv.down.add("get:oai:arXiv.org:2611.00001")
    r = user.post("/submit", data={"ref": "2611.00001", "csrf": csrf})
    assert r.status_code == 400 and "arXiv could not be asked for 2611.00001" in r.text
