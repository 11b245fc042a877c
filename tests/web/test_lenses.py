"""Lenses through the real app: made from the form and by following, their
pages and JSON twins, their feeds read by feedparser, revoking, and what
strangers and bad input get."""

from __future__ import annotations

import re
from datetime import timedelta

import feedparser
import pytest
from fastapi.testclient import TestClient

from paperscope.library import Library
from paperscope.models import Version, new_paper
from tests.test_accounts import PASSWORD
from tests.web.conftest import NOW
from tests.web.test_people import form_token, sign_up

DAY = timedelta(days=1)


def _paper(title: str, n: int, days_ago: int, cats: list[str], authors: list[str]):
    day = (NOW - days_ago * DAY).date().isoformat()
    return new_paper(title=title, arxiv_id=f"2603.{n:05d}", source="arxiv-oai",
                     versions=[Version(1, f"{day}T10:00:00Z")], published=day,
                     categories=cats, authors=authors,
                     abstract=f"We study {title.lower()} in depth.")  # fmt: skip


@pytest.fixture
def lib_path(library_url) -> str:
    with Library(library_url) as lib, lib.store.transaction():
        lib.store.save_papers([
            _paper("Graph networks for molecules", 1, 1, ["cs.LG"], ["Ada Byron"]),
            _paper("Graph networks for traffic", 2, 3, ["cs.LG", "cs.AI"], ["Alan Turing"]),
            _paper("Graph networks: a survey", 3, 5, ["cs.LG"], ["Ada Byron"]),
            _paper("Graph networks for images", 4, 2, ["cs.CV"], ["Grace Hopper"]),
            _paper("Old graph networks", 5, 400, ["cs.LG"], ["Alan Turing"]),
            _paper("Protein folding with attention", 6, 1, ["q-bio.BM"], ["Ada Byron"]),
        ])  # fmt: skip
    with Library(library_url) as lib:
        lib.sync_index()
    return library_url


@pytest.fixture
def client(lib_path, open_client) -> TestClient:
    made = open_client(lib_path, base_url="http://paperscope.test")
    sign_up(made, "ada@example.org", "ada")
    return made


def make_lens(client: TestClient, **fields: str) -> str:
    token = form_token(client, "/lenses")
    r = client.post("/lenses", data={"csrf": token, "in_digest": "1", **fields},
                    follow_redirects=False)  # fmt: skip
    assert r.status_code == 303, r.text[-800:]
    return r.headers["location"]


def ids(found: list[dict]) -> list[str]:
    return [m["paper"]["id"] for m in found]


def test_a_lens_is_a_page_and_a_json_twin_newest_first_or_best_first(client):
    url = make_lens(client, name="Graphs", q="graph networks -survey", categories="cs.LG")
    assert re.fullmatch(r"/lenses/\d+", url)
    page = client.get(url)
    assert page.status_code == 200 and "Graphs" in page.text and "molecules" in page.text
    data = client.get(url, params={"format": "json"}).json()
    # cs.LG only, the survey excluded, the 400-day-old paper outside the last 90 days: newest first
    assert ids(data["matches"]) == ["2603.00001", "2603.00002"]
    assert data["lens"]["q"] == "graph networks -survey" and data["lens"]["categories"] == ["cs.LG"]
    best = client.get(url, params={"format": "json", "sort": "best"}).json()
    assert set(ids(best["matches"])) == {"2603.00001", "2603.00002",
                                         "2603.00005"}  # fmt: skip
    listing = client.get("/lenses", params={"format": "json"}).json()
    assert [x["name"] for x in listing["lenses"]] == ["Graphs"]


def test_a_lens_feed_is_read_by_feedparser_without_a_log_in_and_can_be_revoked(client, open_client,
                                                                                lib_path):  # fmt: skip
    url = make_lens(client, q="graph networks", authors="Ada Byron, Alan Turing")
    data = client.get(url, params={"format": "json"}).json()
    rss, atom = data["lens"]["rss"], data["lens"]["atom"]
    stranger = open_client(lib_path)
    for address in (rss, atom):
        r = stranger.get(address.removeprefix("http://paperscope.test"))
        assert r.status_code == 200 and r.headers["x-robots-tag"] == "noindex"
        feed = feedparser.parse(r.content)
        assert not feed.bozo, feed.bozo_exception
        titles = [e.title for e in feed.entries]
        # by either author, newest first; Grace Hopper's paper is not in it
        assert titles == ["Graph networks for molecules", "Graph networks for traffic",
                          "Graph networks: a survey"]  # fmt: skip
    as_json = stranger.get(rss.removeprefix("http://paperscope.test").replace(".rss", ".json"))
    assert "webhook_secret" not in as_json.text and "webhook_url" not in as_json.json()["lens"]
    token = form_token(client, url)
    r = client.post(url + "/feed-token", data={"csrf": token}, follow_redirects=False)
    assert r.status_code == 303
    old = stranger.get(rss.removeprefix("http://paperscope.test"))
    assert old.status_code == 404 and "new one" in old.text  # the page cache kept nothing
    new = client.get(url, params={"format": "json"}).json()["lens"]["rss"]
    assert (
        new != rss and stranger.get(new.removeprefix("http://paperscope.test")).status_code == 200
    )


def test_following_an_author_or_a_category_makes_one_lens_each(client):
    page = client.get("/authors/Ada Byron").text
    assert "data-follow-author" in page
    token = form_token(client, "/authors/Ada Byron")
    r = client.post("/lenses/follow", data={"csrf": token, "author": "Ada Byron"},
                    follow_redirects=False)  # fmt: skip
    assert r.status_code == 303
    again = client.post("/lenses/follow", data={"csrf": token, "author": "Ada Byron"},
                        follow_redirects=False)  # fmt: skip
    assert again.headers["location"] == r.headers["location"]  # the one they have
    data = client.get(r.headers["location"], params={"format": "json"}).json()
    assert data["lens"]["name"] == "Papers by Ada Byron" and data["lens"]["authors"] == [
        "Ada Byron"
    ]
    assert set(ids(data["matches"])) == {"2603.00001", "2603.00003",
                                         "2603.00006"}  # fmt: skip
    r = client.post("/lenses/follow", data={"csrf": token, "cat": "cs.CV"}, follow_redirects=False)
    cv = client.get(r.headers["location"], params={"format": "json"}).json()
    assert cv["lens"]["name"] == "Papers in cs.CV" and ids(cv["matches"]) == ["2603.00004"]
    assert "Follow cs.CV" in client.get("/papers/2603.00004").text
    bad = client.post("/lenses/follow", data={"csrf": token, "cat": "not a category!"})
    assert bad.status_code == 400 and "not an arXiv category" in bad.text


def test_a_preview_shows_last_week_and_saves_nothing(client):
    token = form_token(client, "/lenses")
    r = client.post("/lenses", data={"csrf": token, "q": "graph", "preview": "1"})
    assert r.status_code == 200 and "data-preview" in r.text
    assert "would have matched 4 papers" in r.text  # the 400-day-old one is not last week's
    assert client.get("/lenses", params={"format": "json"}).json()["lenses"] == []


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "needs words, a description, a category or an author"),
        ({"categories": "cs.LG, <script>"}, "is not an arXiv category"),
        ({"q": "x" * 501}, "at most 500 characters"),
        ({"q": "graph", "webhook_url": "ftp://example.org/x"}, "is not an http:// or https://"),
        ({"q": "graph", "webhook_url": "http://127.0.0.1:8080/hook"}, "private or reserved"),
        ({"q": "graph", "webhook_url": "http://localhost/hook"}, "may not go to localhost"),
        ({"q": "graph", "webhook_url": "http://[::1]/hook"}, "private or reserved"),
    ],
)
def test_bad_lenses_are_refused_with_a_message_and_nothing_saved(client, fields, message):
    token = form_token(client, "/lenses")
    r = client.post("/lenses", data={"csrf": token, **fields})
    assert r.status_code == 400 and message in r.text
    assert client.get("/lenses", params={"format": "json"}).json()["lenses"] == []


def test_a_webhook_gets_a_secret_that_only_its_owner_sees(client):
    url = make_lens(client, q="graph", webhook_url="https://hooks.example.org/paperscope")
    data = client.get(url, params={"format": "json"}).json()["lens"]
    assert data["webhook_url"] == "https://hooks.example.org/paperscope"
    assert len(data["webhook_secret"]) >= 40 and data["webhook_secret"] in client.get(url).text


def test_a_lens_is_changed_deleted_and_hidden_from_strangers(client, open_client, lib_path):
    url = make_lens(client, name="Mine", q="graph")
    token = form_token(client, url)
    r = client.post(url + "/edit", data={"csrf": token, "name": "Renamed", "q": "protein",
                                         "in_digest": ""}, follow_redirects=False)  # fmt: skip
    assert r.status_code == 303
    data = client.get(url, params={"format": "json"}).json()
    assert data["lens"]["name"] == "Renamed" and data["lens"]["in_digest"] is False
    assert ids(data["matches"]) == ["2603.00006"]
    bad = client.post(url + "/edit", data={"csrf": token, "name": "Renamed", "q": ""})
    assert bad.status_code == 400 and "needs words" in bad.text
    other = open_client(lib_path)
    sign_up(other, "bob@example.org", "bob")
    assert other.get(url).status_code == 404
    bob = form_token(other, "/lenses")
    assert other.post(url + "/delete", data={"csrf": bob}).status_code == 404
    assert client.get(url).status_code == 200
    assert client.post(url + "/delete", data={}).status_code == 403  # no CSRF token
    r = client.post(url + "/delete", data={"csrf": token}, follow_redirects=False)
    assert r.status_code == 303 and client.get(url).status_code == 404


def test_lenses_need_an_account(lib_path, open_client):
    anonymous = open_client(lib_path)
    r = anonymous.get("/lenses", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    assert anonymous.get("/lenses/feed/not-a-token.rss").status_code == 404
    assert anonymous.get("/lenses/feed/x.html").status_code == 404
    assert "to follow Ada Byron" in anonymous.get("/authors/Ada Byron").text


def test_not_interested_on_a_lens_ranked_for_me_takes_the_paper_out_of_it(client):
    url = make_lens(client, q="graph networks", ranked="1")
    shown = ids(client.get(url, params={"format": "json"}).json()["matches"])
    assert "2603.00002" in shown
    page = client.get(url).text
    assert 'action="/papers/2603.00002/dismiss"' in page
    token = form_token(client, url)
    r = client.post("/papers/2603.00002/dismiss", data={"csrf": token, "next": url},
                    follow_redirects=False)  # fmt: skip
    assert r.status_code == 303 and r.headers["location"] == url
    after = ids(client.get(url, params={"format": "json"}).json()["matches"])
    assert after == [pid for pid in shown if pid != "2603.00002"]
    plain = make_lens(client, name="Not ranked", q="graph networks")
    assert "2603.00002" in ids(client.get(plain, params={"format": "json"}).json()["matches"])


def test_lenses_are_on_the_account_page_in_the_export_and_go_with_the_account(client):
    url = make_lens(client, name="Graphs", q="graph", webhook_url="https://h.example.org/x")
    home = client.get("/account", params={"format": "json"}).json()
    assert [e["title"] for e in home["lenses"]["items"]] == ["Graphs"]
    exported = client.get("/account/export.json").json()
    (lens,) = exported["lenses"]
    assert lens["name"] == "Graphs" and lens["webhook_url"] == "https://h.example.org/x"
    assert "webhook_secret" not in lens and "feed_token" not in lens
    rss = client.get(url, params={"format": "json"}).json()["lens"]["rss"]
    token = form_token(client, "/account")
    r = client.post("/account/delete", data={"csrf": token, "password": PASSWORD},
                    follow_redirects=False)  # fmt: skip
    assert r.status_code in (200, 303)
    assert client.get(rss.removeprefix("http://paperscope.test")).status_code == 404
