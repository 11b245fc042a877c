"""The "For you" page and its JSON twin, through the real app on a real SQLite
file whose papers have vectors of three topics (see tests/test_recommend.py)."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from paperscope.config import Settings
from paperscope.web.app import create_app
from tests.test_accounts import FAST
from tests.test_recommend import NOW, Corpus, build
from tests.web.test_pages import card_titles
from tests.web.test_people import session_csrf, sign_up


@pytest.fixture
def corpus(tmp_path) -> Corpus:
    found = build(tmp_path / "library.db")
    found.lib.close()
    return found


@pytest.fixture
def client(corpus):
    app = create_app(Settings(database=corpus.lib.url), clock=lambda: NOW, hasher=FAST)
    with TestClient(app, base_url="http://paperscope.test") as c:
        yield c


def test_for_you_asks_to_sign_in_first(client):
    for url, back in (("/for-you", "/for-you"), ("/for-you?format=json",
                                                 "/for-you%3Fformat%3Djson")):  # fmt: skip
        r = client.get(url, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == f"/login?next={back}"


def test_a_new_account_gets_trending_papers_and_is_told_why(client):
    sign_up(client, "ada@example.org", "ada")
    page = client.get("/for-you")
    assert page.status_code == 200
    assert 'href="/for-you"' in page.text  # the account menu links here
    assert ("These papers are trending: you have upvoted or saved 0 papers with embeddings, "
            "and recommendations need 3.") in " ".join(unescape(page.text).split())  # fmt: skip
    twin = client.get("/for-you?format=json").json()
    assert twin["personal"] is False and twin["days"] == 7
    assert {p["recommendation"]["kind"] for p in twin["papers"]} == {"trending"}
    trending = [p["paper"]["id"] for p in client.get("/trending?format=json").json()["papers"]]
    assert [p["paper"]["id"] for p in twin["papers"]] == trending[: len(twin["papers"])]
    assert card_titles(page.text) == [p["paper"]["title"] for p in twin["papers"]]


def test_upvotes_turn_it_into_recommendations_with_reasons(client, corpus):
    sign_up(client, "bo@example.org", "bo")
    csrf = session_csrf(client)
    mine = corpus.old["A"][:3]
    for pid in mine:
        r = client.post(f"/papers/{quote(pid)}/vote", data={"csrf": csrf}, follow_redirects=False)
        assert r.status_code == 303
    twin = client.get("/for-you?format=json").json()
    assert twin["personal"] is True and twin["as_of"] == NOW.isoformat()
    papers = twin["papers"]
    assert {p["paper"]["id"] for p in papers[:5]} == set(corpus.recent["A"])
    assert all(p["paper"]["url"].startswith("http://paperscope.test/papers/") for p in papers)
    why = papers[0]["recommendation"]
    assert why["kind"] == "model" and why["because"]["id"] in mine
    assert why["because"]["action"] == "upvoted" and -1 <= why["because"]["cosine"] <= 1
    assert why["reason"] == f"because you upvoted “{why['because']['title']}”"
    page = client.get("/for-you")
    assert card_titles(page.text) == [p["paper"]["title"] for p in papers]
    text = " ".join(unescape(re.sub(r"<[^>]+>", "", page.text)).split())
    assert "ranked by a model that learned from the papers you upvoted or saved" in text
    assert f"Because you upvoted {why['because']['title']}" in text
    assert f'href="/papers/{quote(why["because"]["id"])}"' in page.text


def test_an_unknown_format_is_a_bad_request(client):
    sign_up(client, "cy@example.org", "cy")
    r = client.get("/for-you?format=rss")
    assert r.status_code == 400 and "format 'rss' is not one of html, json" in unescape(r.text)
