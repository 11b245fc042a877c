"""The account as a home, through the real app on both backends: what a person
made listed on /account, changing the password, the export, deleting the
account, and comments with replies, edits and formulas (issue 15, part 3).

The app's clock is one the tests move (comments are stamped by it, and the
edit window counts by it)."""

from __future__ import annotations

import re
from contextlib import nullcontext
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from paperscope.config import Settings
from paperscope.library import Library
from paperscope.models import Version, new_paper
from paperscope.web.app import create_app
from paperscope.web.deps import SESSION_COOKIE
from paperscope.web.routes import account_home
from tests.test_accounts import FAST, PASSWORD
from tests.web.conftest import NOW
from tests.web.test_collections import create, post, share
from tests.web.test_hostile import assert_inert
from tests.web.test_pages import Page
from tests.web.test_people import form_token, sign_up

PAPERS = [f"2603.{n:05d}" for n in range(1, 13)]  # 12: more than the account page shows


class Clock:
    def __init__(self):
        self.now = NOW

    def __call__(self):
        return self.now

    def move(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def lib_path(library_url) -> str:
    fresh = (NOW - timedelta(days=3)).date().isoformat()
    with Library(library_url) as lib, lib.store.transaction():
        lib.store.save_papers([
            new_paper(title=f"Paper {i} on $x^{i}$", arxiv_id=arxiv_id, source="arxiv-oai",
                      authors=[f"Author {i}"], abstract=f"Abstract {i}.", published=fresh,
                      versions=[Version(1, f"{fresh}T10:00:00Z")])
            for i, arxiv_id in enumerate(PAPERS, 1)
        ])  # fmt: skip
    return library_url


@pytest.fixture
def make_client(lib_path, clock):
    opened: list[TestClient] = []

    def make() -> TestClient:
        settings = Settings(database=lib_path, harvest_url="http://127.0.0.1:9/oai")
        client = TestClient(create_app(settings, clock=clock, hasher=FAST),
                            base_url="http://paperscope.test")  # fmt: skip
        client.__enter__()
        opened.append(client)
        return client

    yield make
    for client in opened:
        client.__exit__(None, None, None)


@pytest.fixture
def ada(make_client) -> TestClient:
    """The first account, so the site's admin."""
    client = make_client()
    sign_up(client, "ada@example.org", "ada")
    return client


@pytest.fixture
def bob(make_client, ada) -> TestClient:
    client = make_client()
    sign_up(client, "bob@example.org", "bob")
    return client


def log_in(client: TestClient, email: str, password: str = PASSWORD) -> int:
    token = form_token(client, "/login")
    r = client.post("/login", data={"email": email, "password": password, "csrf": token},
                    follow_redirects=False)  # fmt: skip
    return r.status_code


def comment(client: TestClient, paper: str, body: str, reply_to: int | None = None) -> int:
    data = {"body": body} if reply_to is None else {"body": body, "reply_to": str(reply_to)}
    r = post(client, f"/papers/{paper}/comments", **data)
    assert r.status_code == 303, r.text[:500]
    return int(re.search(r"#comment-(\d+)$", r.headers["location"])[1])


def upvotes(client: TestClient, paper: str) -> int:
    return client.get(f"/api/papers/{paper}").json()["upvotes"]


def article(html: str, comment_id: int) -> str:
    """The HTML of one comment, its replies included."""
    start = html.index(f'id="comment-{comment_id}"')
    depth, pos = 1, start
    while depth:
        opening, closing = html.find("<article", pos), html.find("</article>", pos)
        if opening != -1 and opening < closing:
            depth, pos = depth + 1, opening + 1
        else:
            depth, pos = depth - 1, closing + len("</article>")
    return html[start:pos]


# -- the account page -------------------------------------------------------------


def test_the_account_page_lists_what_the_person_made_newest_first(ada, clock, monkeypatch):
    for paper in PAPERS[:11]:
        assert post(ada, f"/papers/{paper}/vote").status_code == 303
    assert post(ada, "/submit", ref=PAPERS[11]).status_code == 303
    first = comment(ada, PAPERS[0], "The first word")
    clock.move(minutes=1)
    second = comment(ada, PAPERS[1], "A later word", reply_to=None)
    shelf = create(ada, "To read", PAPERS[2])

    page = ada.get("/account")
    assert page.status_code == 200
    html = page.text
    links = Page(html).links()
    assert f"/papers/{PAPERS[11]}" in links  # the submission
    assert links.index(f"/papers/{PAPERS[1]}#comment-{second}") < links.index(
        f"/papers/{PAPERS[0]}#comment-{first}"
    )  # newest first
    assert f"/collections/{shelf}" in links and "1 paper" in html
    assert "/account/upvotes" in links  # 11 upvotes: 10 shown, and a link to all
    assert "/account/comments" not in links and "/account/submissions" not in links
    assert 'class="tex"' in html and '<span class="math"' in html  # titles' math, as elsewhere

    data = ada.get("/account?format=json").json()
    assert data["account"] == {"name": "ada", "email": "ada@example.org", "admin": True,
                               "created_at": data["account"]["created_at"]}  # fmt: skip
    assert len(data["upvotes"]["items"]) == 10
    assert data["upvotes"]["all"] == "http://paperscope.test/account/upvotes"
    times = [item["at"] for item in data["upvotes"]["items"]]
    assert times == sorted(times, reverse=True)
    assert [i["id"] for i in data["comments"]["items"]] == [second, first]
    assert data["comments"]["all"] is None
    assert [i["id"] for i in data["submissions"]["items"]] == [PAPERS[11]]
    assert [i["title"] for i in data["collections"]["items"]] == ["To read"]

    monkeypatch.setattr(account_home, "PER_PAGE", 4)
    pages = [ada.get(f"/account/upvotes?format=json&page={n}").json() for n in (1, 2, 3)]
    assert [len(p["items"]) for p in pages] == [4, 4, 3]
    assert pages[0]["next"] == "http://paperscope.test/account/upvotes?page=2"
    assert pages[2]["next"] is None
    shown = {i["id"] for p in pages for i in p["items"]}
    assert shown == set(PAPERS[:11])
    html = ada.get("/account/upvotes?page=2").text
    assert 'href="?page=1"' in html and 'href="?page=3"' in html
    assert ada.get("/account/nothing").status_code == 404
    assert ada.get("/account/upvotes?page=0").status_code == 400


def test_the_account_page_needs_an_account(make_client):
    stranger = make_client()
    for url in ("/account", "/account/comments", "/account/export.json"):
        r = stranger.get(url, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login?next="), url


# -- password --------------------------------------------------------------------------


def test_changing_the_password_ends_every_other_session(ada, make_client):
    elsewhere = make_client()
    assert log_in(elsewhere, "ada@example.org") == 303
    assert elsewhere.get("/account").status_code == 200
    before = ada.cookies.get(SESSION_COOKIE)

    r = post(ada, "/account/password", old="not my password", new="a new password here")
    assert r.status_code == 400 and "the current password is wrong" in r.text
    assert 'href="/account?format=json"' in r.text  # the page's twin, not the form's address
    r = post(ada, "/account/password", old=PASSWORD, new="short")
    assert r.status_code == 400 and "a password is 10 to 1,024 characters" in r.text
    assert elsewhere.get("/account").status_code == 200  # nothing changed yet

    r = post(ada, "/account/password", old=PASSWORD, new="a new password here")
    assert r.status_code == 303 and r.headers["location"] == "/account?done=password"
    after = ada.cookies.get(SESSION_COOKIE)
    assert after and after != before  # this browser: a fresh session
    assert "Every other session of your account has ended" in ada.get(r.headers["location"]).text
    # The other browser, and a copy of this one's old cookie, are signed out.
    assert elsewhere.get("/account", follow_redirects=False).status_code == 303
    copy = make_client()
    copy.cookies.set(SESSION_COOKIE, before)
    assert copy.get("/account", follow_redirects=False).status_code == 303
    # Only the new password logs in.
    assert log_in(make_client(), "ada@example.org") == 400
    assert log_in(make_client(), "ada@example.org", "a new password here") == 303
    assert post(ada, "/account/password", csrf=None, old="a new password here",
                new="another new one").status_code == 403  # fmt: skip


# -- the export ------------------------------------------------------------------------


def test_the_export_holds_what_the_person_made_and_nothing_of_anyone_else(ada, bob):
    assert post(ada, f"/papers/{PAPERS[0]}/vote").status_code == 303
    assert post(bob, f"/papers/{PAPERS[1]}/vote").status_code == 303
    assert post(ada, "/submit", ref=PAPERS[2]).status_code == 303
    assert post(bob, "/submit", ref=PAPERS[3]).status_code == 303
    mine = comment(ada, PAPERS[0], "Ada's own words")
    theirs = comment(bob, PAPERS[0], "Bob's words, not Ada's")
    reply = comment(ada, PAPERS[0], "Ada answers Bob", reply_to=theirs)
    kept = create(ada, "Ada's shelf", PAPERS[4], PAPERS[5])
    share(ada, kept)
    create(bob, "Bob's shelf", PAPERS[6])
    with nullcontext(ada.app.state.site.library) as lib:
        ada_id = lib.people.user_by_email("ada@example.org")[0].id
        lib.subscriptions.save_subscription(ada_id, period="weekly", trending=True,
                                            recommended=False)  # fmt: skip

    r = ada.get("/account/export.json")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    assert r.headers["content-disposition"].startswith('attachment; filename="paperscope-ada-')
    assert "no-store" in r.headers["cache-control"]
    data = r.json()
    assert data["format"] == "paperscope-account" and data["account"]["email"] == "ada@example.org"
    assert [v["paper_id"] for v in data["upvotes"]] == [PAPERS[0]]
    assert [s["paper_id"] for s in data["submissions"]] == [PAPERS[2]]
    assert {c["id"]: c["reply_to"] for c in data["comments"]} == {mine: None, reply: theirs}
    assert data["comments"][0]["title"] == "Paper 1 on $x^1$"
    [shelf] = data["collections"]
    assert shelf["name"] == "Ada's shelf" and shelf["shared"] is True
    assert {p["paper_id"] for p in shelf["papers"]} == {PAPERS[4], PAPERS[5]}
    assert data["digest_subscription"]["period"] == "weekly"
    assert data["digest_subscription"]["trending"] is True
    text = r.text
    for other in ("bob", "Bob's words", PAPERS[1], PAPERS[3], PAPERS[6], "argon2", "password",
                  "share_token", "csrf"):  # fmt: skip
        assert other not in text, other
    assert bob.get("/account/export.json").json()["account"]["name"] == "bob"


# -- deleting an account ---------------------------------------------------------------


def test_deleting_an_account_keeps_its_comments_and_takes_the_rest(ada, bob, make_client):
    stranger = make_client()
    bob_elsewhere = make_client()
    assert log_in(bob_elsewhere, "bob@example.org") == 303
    assert post(ada, f"/papers/{PAPERS[0]}/vote").status_code == 303
    assert post(bob, f"/papers/{PAPERS[0]}/vote").status_code == 303
    assert upvotes(stranger, PAPERS[0]) == 2
    assert post(bob, "/submit", ref=PAPERS[1]).status_code == 303
    said = comment(bob, PAPERS[0], "Bob was here")
    answer = comment(ada, PAPERS[0], "Ada answers", reply_to=said)
    private = create(bob, "Private shelf", PAPERS[2])
    shared = create(bob, "Shared shelf", PAPERS[3])
    token = share(bob, shared)
    assert stranger.get(f"/shared/{token}").status_code == 200
    assert "Bob was here" in stranger.get(f"/papers/{PAPERS[0]}").text  # cached for visitors
    with nullcontext(bob.app.state.site.library) as lib:
        bob_id = lib.people.user_by_email("bob@example.org")[0].id
        lib.subscriptions.save_subscription(bob_id, period="daily", trending=True,
                                            recommended=True, searches=[])  # fmt: skip

    r = post(bob, "/account/delete", password="not my password")
    assert r.status_code == 400 and "the current password is wrong" in r.text
    assert post(bob, "/account/delete", csrf=None, password=PASSWORD).status_code == 403
    assert upvotes(stranger, PAPERS[0]) == 2  # nothing happened

    r = post(bob, "/account/delete", password=PASSWORD)
    assert r.status_code == 200 and "Your account is deleted" in r.text
    assert 'href="/login"' in r.text and ">bob</a>" not in r.text  # shown as signed out
    assert not bob.cookies.get(SESSION_COOKIE)
    assert bob_elsewhere.get("/account", follow_redirects=False).status_code == 303
    assert log_in(make_client(), "bob@example.org") == 400

    assert upvotes(stranger, PAPERS[0]) == 1  # bob's vote went, ada's stayed
    html = stranger.get(f"/papers/{PAPERS[0]}").text  # not the cached page
    thread = article(html, said)
    assert "Bob was here" in thread and "deleted account" in thread and "bob" not in thread
    assert "Ada answers" in thread and f'id="comment-{answer}"' in thread
    assert "submitted by bob" not in stranger.get(f"/papers/{PAPERS[1]}").text
    assert stranger.get(f"/shared/{token}").status_code == 404
    with nullcontext(ada.app.state.site.library) as lib:
        assert lib.people.user(bob_id) is None
        assert lib.collections.get(private) is None and lib.collections.get(shared) is None
        assert lib.subscriptions.subscription(bob_id) is None
        assert lib.get(PAPERS[1]).feed_date is not None  # the submitted paper stays in the feed
        assert lib.collections.comment(said).user_id is None
    # Ada's account is untouched, and she may still reply under the comment.
    assert comment(ada, PAPERS[0], "Still here", reply_to=said)
    assert ada.get("/account?format=json").json()["upvotes"]["items"][0]["id"] == PAPERS[0]


def test_the_only_admin_cannot_delete_their_account_while_others_have_one(ada, bob):
    r = post(ada, "/account/delete", password=PASSWORD)
    assert r.status_code == 400 and "only admin" in r.text
    assert ada.get("/account").status_code == 200


def test_the_password_forms_are_rate_limited(ada):
    from paperscope.accounts import LIMITS

    for _ in range(LIMITS["reauth"][0]):
        assert post(ada, "/account/delete", password="a guess").status_code == 400
    r = post(ada, "/account/password", old=PASSWORD, new="a new password here")
    assert r.status_code == 429 and "too many attempts" in r.text
    assert int(r.headers["retry-after"]) > 0
    assert ada.get("/account").status_code == 200  # still signed in, password unchanged


# -- comments: replies, edits, escaping ---------------------------------------------------


def test_replies_are_one_level_deep(ada, bob, make_client):
    top = comment(ada, PAPERS[0], "A top comment")
    reply = comment(bob, PAPERS[0], "A reply", reply_to=top)
    deeper = comment(ada, PAPERS[0], "A reply to the reply", reply_to=reply)
    html = make_client().get(f"/papers/{PAPERS[0]}").text
    thread = article(html, top)
    assert thread.count('class="comment reply"') == 2
    assert 'class="replies"' in thread and f'id="comment-{deeper}"' in thread
    assert thread.count("<article") == 2  # the two replies, side by side, none nested deeper
    assert "Comments (3)" in html
    with nullcontext(ada.app.state.site.library) as lib:
        assert lib.collections.comment(deeper).parent_id == top
    for target, words in [(99_999, "no comment 99999"), (top, "no comment")]:
        paper = PAPERS[0] if target != top else PAPERS[1]  # a comment of another paper
        r = post(bob, f"/papers/{paper}/comments", body="Lost", reply_to=str(target))
        assert r.status_code == 400 and words in r.text
    r = post(bob, f"/papers/{PAPERS[0]}/comments", body="Lost", reply_to="one")
    assert r.status_code == 400 and "reply_to" in r.text
    # A deleted top comment with live replies leaves its place, without its words.
    assert post(ada, f"/comments/{top}/delete").status_code == 303
    html = make_client().get(f"/papers/{PAPERS[0]}").text
    thread = article(html, top)
    assert "[deleted]" in thread and "A top comment" not in thread and "A reply" in thread
    assert "Comments (2)" in html
    r = post(bob, f"/papers/{PAPERS[0]}/comments", body="Late", reply_to=str(top))
    assert r.status_code == 400
    assert post(bob, f"/comments/{reply}/delete").status_code == 303
    assert post(ada, f"/comments/{deeper}/delete").status_code == 303
    assert "No comments yet." in make_client().get(f"/papers/{PAPERS[0]}").text


def test_a_comment_is_editable_by_its_author_for_15_minutes(ada, bob, clock):
    said = comment(ada, PAPERS[0], "Frist")
    page = ada.get(f"/papers/{PAPERS[0]}").text
    assert f'action="/comments/{said}/edit"' in page
    assert f'action="/comments/{said}/edit"' not in bob.get(f"/papers/{PAPERS[0]}").text
    r = post(bob, f"/comments/{said}/edit", body="Bob's now")
    assert r.status_code == 403 and "Only its author" in r.text

    clock.move(minutes=10)
    r = post(ada, f"/comments/{said}/edit", body="First")
    assert r.status_code == 303 and r.headers["location"] == f"/papers/{PAPERS[0]}#comment-{said}"
    thread = article(bob.get(f"/papers/{PAPERS[0]}").text, said)
    assert "First" in thread and "Frist" not in thread and 'class="edited"' in thread
    r = post(ada, f"/comments/{said}/edit", body="   ")
    assert r.status_code == 400 and "1 to 5,000 characters" in r.text

    clock.move(minutes=5)  # 15 minutes after posting: the last moment
    assert post(ada, f"/comments/{said}/edit", body="First!").status_code == 303
    clock.move(seconds=1)
    r = post(ada, f"/comments/{said}/edit", body="First!!")
    assert r.status_code == 403 and "can be edited for 15 minutes after it is posted" in r.text
    assert "12:00 UTC" in r.text  # when it was posted
    page = ada.get(f"/papers/{PAPERS[0]}").text
    assert "First!!" not in page and "First!" in page
    assert f'action="/comments/{said}/edit"' not in page  # the form is gone too
    assert post(ada, "/comments/99999/edit", body="x").status_code == 404
    assert post(ada, f"/comments/{said}/edit", csrf=None, body="x").status_code == 403


def test_comments_and_replies_stay_escaped_and_their_formulas_render(ada, bob, make_client):
    hostile = (
        "<script>alert(1)</script> $x^2 <img src=x onerror=alert(2)>$ and "
        "\\(</span><svg onload=alert(3)>\\) see https://example.org/a"
    )
    top = comment(ada, PAPERS[0], hostile)
    reply = comment(bob, PAPERS[0], "Reply: " + hostile, reply_to=top)
    clock_free = make_client()
    html = clock_free.get(f"/papers/{PAPERS[0]}").text
    assert_inert(html, "comment")
    for cid in (top, reply):
        one = article(html, cid)
        one = one[: one.index("</article>")]  # this comment, without its replies
        text = one[one.index('<p class="text tex">') :]
        text = text[: text.index("</p>")]
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
        assert (
            '<span class="math" data-mode="inline">$x^2 &lt;img src=x onerror=alert(2)&gt;$</span>'
            in text
        )
        assert (
            '<span class="math" data-mode="inline">\\(&lt;/span&gt;&lt;svg onload=alert(3)&gt;\\)</span>'
            in text
        )
        assert [a["href"] for a in Page(text).all("a")] == ["https://example.org/a"]
    # The edit box holds the text as typed, escaped too.
    mine = ada.get(f"/papers/{PAPERS[0]}").text
    assert_inert(mine, "comment, signed in")
    assert "&lt;/span&gt;&lt;svg onload=alert(3)&gt;" in article(mine, top)
