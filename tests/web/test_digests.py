"""Digest subscriptions through the real app: managing your own, CSRF, other
people's, the preview, and unsubscribing by a signed link."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from paperscope.digest import signer_for
from paperscope.lenses import lens_fields
from paperscope.library import Library
from paperscope.models import new_paper
from paperscope.store.digests import DigestStore, Subscription
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
    assert 'href="/lenses"' in page.text and "Searches live in" in page.text
    assert 'name="author"' not in page.text and "Add search" not in page.text  # no saved searches
    r = post(ada, action="save", period="weekly", recommended="1")
    assert r.status_code == 303 and r.headers["location"] == "/digests?done=saved"
    sub = subscription(lib_path, "ada")
    assert (sub.period, sub.trending, sub.recommended) == ("weekly", False, True)
    assert "<strong>weekly</strong>" in ada.get("/digests?done=saved").text
    assert post(ada, action="save", period="monthly").status_code == 400
    assert post(ada, action="add", q="graph").status_code == 400  # the old form's action
    assert post(ada, action="save", period="daily", trending="1").status_code == 303
    sub = subscription(lib_path, "ada")
    assert (sub.period, sub.trending, sub.recommended) == ("daily", True, False)
    assert post(ada, action="stop").status_code == 303
    assert subscription(lib_path, "ada") is None


def lens_ids(lib_path, name: str, *lenses: dict) -> list[int]:
    """Give the user ``name`` these lenses (lens_fields' arguments); their ids."""
    with Library(lib_path) as lib:
        (user_id,) = lib.store.conn.execute(
            "SELECT id FROM users WHERE name = ?", (name,)
        ).fetchone()
        return [lib.lenses.add(user_id, lens_fields(**fields)).id for fields in lenses]


def in_digest(lib_path, lens_id: int) -> bool:
    with Library(lib_path) as lib:
        return lib.lenses.get(lens_id).in_digest


def test_the_page_lists_your_lenses_each_with_an_in_my_digest_box(ada, make_client, lib_path):
    graph, turing = lens_ids(lib_path, "ada", {"name": "Graphs", "q": "graph"},
                             {"authors": ["Alan Turing"], "in_digest": False})  # fmt: skip
    page = ada.get("/digests").text
    assert f'href="/lenses/{graph}">Graphs</a>' in page and "by Alan Turing" in page
    assert f'name="in_digest" value="{graph}" checked' in page
    assert f'name="in_digest" value="{turing}" >' in page  # not ticked
    # Untick one, tick the other.
    r = ada.post("/digests", data={"action": "lenses", "lens": [graph, turing],
                                   "in_digest": [turing], "csrf": session_csrf(ada)},
                 follow_redirects=False)  # fmt: skip
    assert r.status_code == 303 and r.headers["location"] == "/digests?done=lenses"
    assert (in_digest(lib_path, graph), in_digest(lib_path, turing)) == (False, True)
    twin = ada.get("/digests?format=json").json()
    assert twin["subscription"] is None and twin["preview_url"] is None
    assert [(x["id"], x["in_digest"]) for x in twin["lenses"]] == [(graph, False), (turing, True)]
    assert twin["lenses"][0]["url"] == f"http://paperscope.test/lenses/{graph}"
    # A lens the form did not show is left as it is; ticking one it did not show is refused.
    r = ada.post("/digests", data={"action": "lenses", "lens": [graph], "csrf": session_csrf(ada)},
                 follow_redirects=False)  # fmt: skip
    assert r.status_code == 303 and in_digest(lib_path, turing)
    r = ada.post("/digests", data={"action": "lenses", "lens": [graph], "in_digest": [turing],
                                   "csrf": session_csrf(ada)})  # fmt: skip
    assert r.status_code == 400 and "reload it" in r.text
    bad = ada.post("/digests", data={"action": "lenses", "lens": ["<b>x</b>"],
                                     "csrf": session_csrf(ada)})  # fmt: skip
    assert bad.status_code == 400 and "&lt;b&gt;x&lt;/b&gt;" in bad.text
    # Bob cannot change Ada's lenses, even naming them.
    bob = make_client()
    sign_up(bob, "bob@example.org", "bob")
    assert "Graphs" not in bob.get("/digests").text
    r = bob.post("/digests", data={"action": "lenses", "lens": [graph, turing],
                                   "in_digest": [graph], "csrf": session_csrf(bob)},
                 follow_redirects=False)  # fmt: skip
    assert r.status_code == 303
    assert (in_digest(lib_path, graph), in_digest(lib_path, turing)) == (False, True)


def test_a_new_subscription_starts_with_the_lenses_you_have(ada, lib_path):
    (molecules,) = lens_ids(lib_path, "ada", {"q": "molecules"})
    assert post(ada, action="save", period="daily").status_code == 303
    r = ada.get("/digests/preview")
    assert r.status_code == 200 and "Your lens “molecules”" in r.text
    assert f'href="http://paperscope.test/lenses/{molecules}"' in r.text


def test_forms_refuse_a_missing_or_wrong_csrf_token(ada, lib_path):
    for token in ("", "forged"):
        for action in ("save", "lenses", "stop"):
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
    post(ada, action="save", period="daily", trending="1")
    bob = make_client()
    sign_up(bob, "bob@example.org", "bob")
    assert "You get no digest now" in bob.get("/digests").text
    csrf = session_csrf(bob)
    post(bob, csrf, action="stop")
    post(bob, csrf, action="save", period="weekly", user_id="1")  # no such field is read
    assert subscription(lib_path, "ada").period == "daily"
    assert subscription(lib_path, "bob").period == "weekly"
    # Ada's token cannot be used with Bob's session to act as Ada either.
    assert post(bob, session_csrf(ada), action="stop").status_code == 403
    assert subscription(lib_path, "ada") is not None


def test_the_preview_is_the_email_of_the_last_finished_period(ada, lib_path):
    post(ada, action="save", period="daily", trending="1")
    (lens,) = lens_ids(lib_path, "ada", {"q": "molecules"})
    r = ada.get("/digests/preview")
    assert r.status_code == 200 and "daily paperscope digest for Tuesday, 17 March 2026" in r.text
    assert "Graph networks &lt;em&gt;for&lt;/em&gt; molecules" in r.text
    assert re.search(r'href="http://paperscope\.test/papers/[^"]+"', r.text)
    twin = ada.get("/digests/preview?format=json").json()
    assert twin["digest"]["period"] == "daily:2026-03-17" and not twin["digest"]["empty"]
    assert [s["title"] for s in twin["digest"]["sections"]] == [
        "Top papers of the day", "Your lens “molecules”"]  # fmt: skip
    (shown,) = twin["digest"]["sections"][1]["papers"]
    assert shown["url"] == f"http://paperscope.test/papers/{shown['id']}"
    post(ada, action="save", period="daily")  # the feed section off: the lens still matches
    assert "Top papers" not in (only_lens := ada.get("/digests/preview").text)
    assert "Your lens “molecules”" in only_lens and "Not interested" in only_lens
    with Library(lib_path) as lib:  # the preview marks nothing seen
        assert lib.feedback.seen([subscription(lib_path, "ada").user_id]) == {}
    ada.post("/digests", data={"action": "lenses", "lens": [lens], "csrf": session_csrf(ada)})
    empty = ada.get("/digests/preview")
    assert empty.status_code == 200 and "would be empty" in empty.text
    assert ada.get("/digests/preview?format=json").json()["digest"]["empty"] is True
    post(ada, action="stop")
    assert ada.get("/digests/preview?format=json").json() == {"subscription": None, "digest": None}


def test_unsubscribe_needs_only_the_signed_link(ada, make_client, lib_path):
    post(ada, action="save", period="daily")
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
    post(ada, action="save", period="daily")
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


def test_a_not_interested_link_asks_first_and_only_its_post_dismisses(ada, make_client, lib_path):
    with Library(lib_path) as lib:
        signer = signer_for(lib)
        (paper_id,) = [p.id for p in lib.papers()]
        (ada_id,) = lib.store.conn.execute("SELECT id FROM users WHERE name = 'ada'").fetchone()
        dismissed = lambda: lib.feedback.dismissed([ada_id])  # noqa: E731
        token = signer.not_interested_token(ada_id, paper_id)
        user, encoded, signature = token.split(".")
        stranger = make_client()  # from a mail client: no session
        for forged in [f"{ada_id + 1}.{encoded}.{signature}", f"{user}.{encoded}A.{signature}",
                       f"{user}.{encoded}.{signature[:-2]}", signer.unsubscribe_token(ada_id),
                       signer.not_interested_token(ada_id, "2401.99999")[:-1]]:  # fmt: skip
            r = stranger.get(f"/not-interested/{forged}")
            assert r.status_code == 400 and "not valid" in r.text, forged
        gone = stranger.get(f"/not-interested/{signer.not_interested_token(ada_id, 'gone')}")
        assert gone.status_code == 404  # signed, but the library has no such paper
        page = stranger.get(f"/not-interested/{token}")
        assert page.status_code == 200 and "Graph networks &lt;em&gt;for&lt;/em&gt;" in page.text
        assert dismissed() == {}
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)[1]
        assert stranger.post(f"/not-interested/{token}").status_code == 403
        r = stranger.post(f"/not-interested/{forged}", data={"csrf": csrf})
        assert r.status_code == 400 and dismissed() == {}
        done = stranger.post(f"/not-interested/{token}", data={"csrf": csrf})
        assert done.status_code == 200 and "will not be recommended to you again" in done.text
        assert dismissed() == {ada_id: {paper_id}}
