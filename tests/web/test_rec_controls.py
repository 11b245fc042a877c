"""Control over recommendations through the real app, on both backends: "Not
interested" (with htmx and without), papers opened, "more like this
collection", and the model page with its reset and export. The library is
tests/test_recommend.py's three topics."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import quote

import pytest

from paperscope.library import Library
from tests.test_recommend import Corpus, build
from tests.web.test_pages import card_titles
from tests.web.test_people import session_csrf, sign_up

HX = {"HX-Request": "true"}


@pytest.fixture
def corpus(library_url) -> Corpus:
    found = build(library_url)
    found.lib.close()
    return found


@pytest.fixture
def client(corpus, open_client):
    return open_client(corpus.lib.url)


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def upvoted(client, ids: list[str]) -> str:
    """Sign up as ada, upvote ``ids``; the session's CSRF token."""
    sign_up(client, "ada@example.org", "ada")
    csrf = session_csrf(client)
    for pid in ids:
        r = client.post(f"/papers/{quote(pid)}/vote", data={"csrf": csrf}, follow_redirects=False)
        assert r.status_code == 303
    return csrf


def shown(client, url: str = "/for-you") -> list[str]:
    return [p["paper"]["id"] for p in client.get(url + "?format=json").json()["papers"]]


def test_not_interested_with_htmx_swaps_the_card_and_offers_an_undo(client, corpus):
    csrf = upvoted(client, corpus.old["A"][:3])
    page = client.get("/for-you")
    first = shown(client)[0]
    action = f"/papers/{quote(first)}/dismiss"
    assert f'action="{action}"' in page.text and "Not interested" in page.text
    r = client.post(action, data={"csrf": csrf, "next": "/for-you"}, headers=HX)
    assert r.status_code == 200
    assert r.text.strip().startswith('<article class="card dismissed"')
    assert "will not be recommended to you again" in text_of(r.text)
    assert f'hx-post="/papers/{quote(first)}/undismiss"' in r.text
    assert first not in shown(client)
    assert first not in card_titles(client.get("/for-you").text)
    # Undo, as the answer offers it.
    r = client.post(f"/papers/{quote(first)}/undismiss", data={"csrf": csrf}, headers=HX)
    assert r.status_code == 200 and "may be recommended to you again" in text_of(r.text)
    assert first in shown(client)


def test_not_interested_without_js_comes_back_to_next(client, corpus):
    csrf = upvoted(client, corpus.old["B"][:3])
    first = shown(client)[0]
    r = client.post(f"/papers/{quote(first)}/dismiss", data={"csrf": csrf, "next": "/for-you"},
                    follow_redirects=False)  # fmt: skip
    assert r.status_code == 303 and r.headers["location"] == "/for-you"
    r = client.post(f"/papers/{quote(first)}/dismiss",
                    data={"csrf": csrf, "next": "https://evil.example/"},
                    follow_redirects=False)  # fmt: skip
    assert r.status_code == 303 and r.headers["location"] == "/for-you"  # never another site
    assert first not in shown(client)
    # The model page lists it, with the way back.
    model = client.get("/for-you/model")
    assert first in [p["id"] for p in client.get("/for-you/model?format=json").json()["dismissed"]]
    assert f'action="/papers/{quote(first)}/undismiss"' in model.text
    r = client.post(f"/papers/{quote(first)}/undismiss",
                    data={"csrf": csrf, "next": "/for-you/model"}, follow_redirects=False)  # fmt: skip
    assert r.status_code == 303 and r.headers["location"] == "/for-you/model"
    assert first in shown(client)


def test_dismissing_needs_an_account_a_token_and_a_paper(client, corpus):
    pid = corpus.recent["A"][0]
    r = client.post(f"/papers/{quote(pid)}/dismiss", data={"next": "/for-you"},
                    follow_redirects=False)  # fmt: skip
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/for-you"
    csrf = upvoted(client, corpus.old["A"][:3])
    r = client.post(f"/papers/{quote(pid)}/dismiss", data={"csrf": "wrong"})
    assert r.status_code == 403 and "This form has expired" in unescape(r.text)
    r = client.post("/papers/no-such-paper/dismiss", data={"csrf": csrf})
    assert r.status_code == 404 and "No paper here is known as 'no-such-paper'" in unescape(r.text)
    assert pid in shown(client)


def test_a_paper_opened_is_not_recommended_again(client, corpus):
    client.get(f"/papers/{quote(corpus.recent['A'][0])}")  # signed out: nothing recorded
    upvoted(client, corpus.old["A"][:3])
    assert corpus.recent["A"][0] in shown(client)
    opened = shown(client)[:2]
    for pid in opened:
        assert client.get(f"/papers/{quote(pid)}").status_code == 200
    client.get(f"/papers/{quote(opened[0])}")  # opened twice: one row
    assert not set(opened) & set(shown(client))
    with Library(corpus.lib.url) as lib:
        me = lib.people.user_by_email("ada@example.org")[0].id
        assert lib.feedback.seen([me]) == {me: set(opened)}
        assert lib.feedback.of(me).seen == {pid: ["opened"] for pid in opened}


def test_for_you_links_to_the_model_and_to_each_collection(client, corpus):
    csrf = upvoted(client, corpus.old["A"][:3])
    r = client.post("/collections", data={"csrf": csrf, "name": "Bees"}, follow_redirects=False)
    cid = int(r.headers["location"].rsplit("/", 1)[1])
    for pid in corpus.old["B"][:4]:
        client.post(f"/collections/{cid}/papers", data={"csrf": csrf, "ref": pid})
    page = client.get("/for-you")
    assert 'href="/for-you/model"' in page.text
    assert f'href="/collections/{cid}/similar"' in page.text
    assert f'href="/collections/{cid}/similar"' in client.get(f"/collections/{cid}").text

    similar = client.get(f"/collections/{cid}/similar")
    assert similar.status_code == 200 and "More like Bees" in similar.text
    twin = client.get(f"/collections/{cid}/similar?format=json").json()
    assert twin["embedded"] == 4 and twin["collection"]["name"] == "Bees"
    ids = [p["paper"]["id"] for p in twin["papers"]]
    assert set(ids[:4]) == set(corpus.recent["B"])
    why = twin["papers"][0]["recommendation"]
    assert why["kind"] == "collection" and why["because"]["id"] in corpus.old["B"][:4]
    assert card_titles(similar.text) == [p["paper"]["title"] for p in twin["papers"]]
    assert "Like " + why["because"]["title"] in text_of(similar.text)
    # Dismissed there, gone there (and from "For you").
    client.post(f"/papers/{quote(ids[0])}/dismiss", data={"csrf": csrf}, headers=HX)
    assert ids[0] not in shown(client, f"/collections/{cid}/similar")
    # Someone else's collection, a bad window, too few papers.
    assert client.get("/collections/999/similar").status_code == 404
    r = client.get(f"/collections/{cid}/similar?days=1000")
    assert r.status_code == 400 and "days" in unescape(r.text)
    r = client.post("/collections", data={"csrf": csrf, "name": "Small"}, follow_redirects=False)
    small = int(r.headers["location"].rsplit("/", 1)[1])
    page = client.get(f"/collections/{small}/similar")
    assert "This collection has 0 papers with embeddings; a model needs 3." in text_of(page.text)


def test_the_model_page_reset_and_export(client, corpus):
    csrf = upvoted(client, corpus.old["A"][:4])
    client.post(f"/papers/{quote(corpus.recent['C'][0])}/dismiss", data={"csrf": csrf})
    page = client.get("/for-you/model")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "It learned from 4 papers you upvoted or saved and 1 you are not interested in." in text
    assert "Your votes and collections themselves stay" in text
    twin = client.get("/for-you/model?format=json").json()
    assert twin["model"]["positives"] == 4 and twin["model"]["dismissed_counted"] == 1
    nearest = [n["paper"]["id"] for n in twin["model"]["nearest"]]
    assert set(nearest) <= {*corpus.old["A"], *corpus.recent["A"]}
    assert card_titles(page.text)[: len(nearest)] == [n["paper"]["title"]
                                                      for n in twin["model"]["nearest"]]  # fmt: skip

    export = client.get("/for-you/model/export.json")
    assert export.status_code == 200 and export.headers["content-type"] == "application/json"
    assert export.headers["content-disposition"].startswith(
        'attachment; filename="paperscope-model-'
    )
    data = export.json()
    assert {p["id"] for p in data["positives"]} == set(corpus.old["A"][:4])
    assert [d["id"] for d in data["dismissed"]] == [corpus.recent["C"][0]]
    assert len(data["model"]["weights"]) == 384

    r = client.post("/for-you/model/reset", data={"csrf": "nope"})
    assert r.status_code == 403
    r = client.post("/for-you/model/reset", data={"csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/for-you/model"
    after = client.get("/for-you/model?format=json").json()
    assert after["model"] is None and after["reset_at"]
    assert "There is no model yet: it needs 3 papers you upvoted or saved since you reset it" in (
        text_of(client.get("/for-you/model").text)
    )
    twin = client.get("/for-you?format=json").json()
    assert twin["personal"] is False
    assert "since you reset your model" in twin["papers"][0]["recommendation"]["reason"]
    # The votes stay, and their papers stay out of the list.
    assert not set(corpus.old["A"][:4]) & {p["paper"]["id"] for p in twin["papers"]}
    data = client.get("/for-you/model/export.json").json()
    assert data["model"] is None and not any(p["counted"] for p in data["positives"])
    assert len(data["positives"]) == 4


def test_the_model_pages_ask_to_sign_in(client):
    for url in ("/for-you/model", "/for-you/model/export.json", "/collections/1/similar"):
        r = client.get(url, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")
