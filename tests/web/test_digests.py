"""Digest subscriptions through the real app: managing your own, CSRF, other
people's, the preview, and unsubscribing by a signed link."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from paperscope.digest import signer_for
from paperscope.library import Library
from paperscope.models import new_paper
from paperscope.store.digests import DigestStore, SavedSearch, Subscription
from tests.web.test_people import session_csrf, sign_up

YESTERDAY = "2026-03-17"  # what a daily digest covers at NOW


@pytest.fixture
def lib_path(library_url):
    path = library_url
    with Library(path) as lib, lib.store.transaction():
        lib.store.save_papers([
            new_paper(title="Graph networks <em>for</em> molecules", source="hf-page",
                      published=YESTERDAY, feed_date=YESTERDAY, upvotes=7,
                      abstract="Graph neural networks on molecules."),
        ])  # fmt: skip
    return path


@pytest.fixture
def make_client(lib_path, open_client):
    return lambda: open_client(lib_path, page_cache=0)


@pytest.fixture
def ada(make_client) -> TestClient:
    client = make_client()
    sign_up(client, "ada@example.org", "ada")
    return client


def subscription(lib_path, name: str) -> Subscription | None:
    with Library(lib_path) as lib:
        user_id = lib.store.conn.execute("SELECT id FROM users WHERE name = ?", (name,)).fetchone()
        return DigestStore(lib.store).subscription(user_id[0])


def post(client: TestClient, csrf: str | None = None, **fields):
    data = {**fields, "csrf": csrf if csrf is not None else session_csrf(client)}
    return client.post("/digests", data=data, follow_redirects=False)


def test_managing_a_subscription(ada, lib_path):
    page = ada.get("/digests")
    assert page.status_code == 200 and "You get no digest now" in page.text
    r = post(ada, action="save", period="weekly", recommended="1")
    assert r.status_code == 303 and r.headers["location"] == "/digests?done=saved"
    sub = subscription(lib_path, "ada")
    assert (sub.period, sub.trending, sub.recommended, sub.searches) == ("weekly", False, True, ())
    assert "<strong>weekly</strong>" in ada.get("/digests?done=saved").text
    assert post(ada, action="add", q="graph  networks", cat="cs.LG").status_code == 303
    assert post(ada, action="add", author="Ada Lovelace").status_code == 303
    again = post(ada, action="add", q="graph networks", cat="cs.LG")
    assert again.status_code == 400 and "already have the search" in again.text
    bad = post(ada, action="add", cat="<script>")
    assert bad.status_code == 400 and "&lt;script&gt;" in bad.text and "<script>" not in bad.text
    assert subscription(lib_path, "ada").searches == (
        SavedSearch("graph networks", "", "cs.LG"),
        SavedSearch("", "Ada Lovelace", ""),
    )
    page = ada.get("/digests").text
    assert "“graph networks” in cs.LG" in page and "by Ada Lovelace" in page
    assert post(ada, action="remove", index="0").status_code == 303
    assert subscription(lib_path, "ada").searches == (SavedSearch("", "Ada Lovelace", ""),)
    assert post(ada, action="remove", index="5").status_code == 400
    assert post(ada, action="save", period="monthly").status_code == 400
    assert post(ada, action="save", period="daily", trending="1").status_code == 303
    sub = subscription(lib_path, "ada")
    assert (sub.period, sub.trending, sub.recommended) == ("daily", True, False)
    assert len(sub.searches) == 1  # saving the settings keeps the searches
    assert post(ada, action="stop").status_code == 303
    assert subscription(lib_path, "ada") is None


def test_adding_a_search_first_starts_a_daily_subscription(ada, lib_path):
    assert post(ada, action="add", q="molecules").status_code == 303
    sub = subscription(lib_path, "ada")
    assert (sub.period, sub.trending, sub.searches) == ("daily", True, (SavedSearch("molecules"),))


def test_forms_refuse_a_missing_or_wrong_csrf_token(ada, lib_path):
    for token in ("", "forged"):
        for action in ("save", "add", "stop"):
            r = post(ada, token, action=action, period="weekly", q="x")
            assert r.status_code == 403, (token, action)
    assert subscription(lib_path, "ada") is None


def test_signed_out_visitors_are_sent_to_log_in(make_client):
    client = make_client()
    for r, back in ((client.get("/digests", follow_redirects=False), "/digests"),
                    (client.post("/digests", data={"action": "stop"}, follow_redirects=False),
                     "/digests"),
                    (client.get("/digests/preview", follow_redirects=False), "/digests/preview")):  # fmt: skip
        assert r.status_code == 303 and r.headers["location"] == f"/login?next={back}"


def test_nobody_can_touch_another_users_subscription(ada, make_client, lib_path):
    post(ada, action="add", q="graph")
    bob = make_client()
    sign_up(bob, "bob@example.org", "bob")
    assert "“graph”" not in bob.get("/digests").text
    csrf = session_csrf(bob)
    assert post(bob, csrf, action="remove", index="0").status_code == 400  # bob has none
    post(bob, csrf, action="stop")
    post(bob, csrf, action="save", period="weekly", user_id="1")  # no such field is read
    assert subscription(lib_path, "ada").searches == (SavedSearch("graph"),)
    assert subscription(lib_path, "ada").period == "daily"
    assert subscription(lib_path, "bob").period == "weekly"
    # Ada's token cannot be used with Bob's session to act as Ada either.
    assert post(bob, session_csrf(ada), action="stop").status_code == 403
    assert subscription(lib_path, "ada") is not None


def test_the_preview_is_the_email_of_the_last_finished_period(ada):
    post(ada, action="add", q="molecules")
    r = ada.get("/digests/preview")
    assert r.status_code == 200 and "daily paperscope digest for Tuesday, 17 March 2026" in r.text
    assert "Graph networks &lt;em&gt;for&lt;/em&gt; molecules" in r.text
    assert re.search(r'href="http://paperscope\.test/papers/[^"]+"', r.text)
    post(ada, action="save", period="daily")  # the feed section off: the search still matches
    assert "Top papers" not in (only_search := ada.get("/digests/preview").text)
    assert "Your search “molecules”" in only_search
    post(ada, action="remove", index="0")
    empty = ada.get("/digests/preview")
    assert empty.status_code == 200 and "would be empty" in empty.text


def test_unsubscribe_needs_only_the_signed_link(ada, make_client, lib_path):
    post(ada, action="add", q="graph")
    with Library(lib_path) as lib:
        signer = signer_for(lib)
    token = signer.unsubscribe_token(subscription(lib_path, "ada").user_id)
    stranger = make_client()  # no session, no CSRF cookie
    page = stranger.get(f"/unsubscribe/{token}")
    assert page.status_code == 200 and f'action="/unsubscribe/{token}"' in page.text
    done = stranger.post(f"/unsubscribe/{token}")
    assert done.status_code == 200 and "Unsubscribed" in done.text
    assert subscription(lib_path, "ada") is None


def test_a_forged_unsubscribe_token_changes_nothing(ada, make_client, lib_path):
    post(ada, action="add", q="graph")
    with Library(lib_path) as lib:
        signer = signer_for(lib)
    bob = make_client()
    sign_up(bob, "bob@example.org", "bob")
    post(bob, action="save", period="weekly")
    ada_id = subscription(lib_path, "ada").user_id
    _, signature = signer.unsubscribe_token(subscription(lib_path, "bob").user_id).split(".")
    stranger = make_client()
    for forged in [f"{ada_id}.{signature}", f"{ada_id}.x", f"{ada_id}", "nothing",
                   f"{ada_id}.{signature[:-2]}", "%00", f"{ada_id}.{signature}.x"]:  # fmt: skip
        for method in (stranger.get, stranger.post):
            r = method(f"/unsubscribe/{forged}")
            assert r.status_code in (400, 404), (forged, r.status_code)
            if r.status_code == 400:
                assert "not valid" in r.text
    assert subscription(lib_path, "ada") is not None and subscription(lib_path, "bob") is not None
