"""The /map page and its JSON twin through the real app, on both backends: a
small library of three topics (tests/test_layout.py) laid out by the real
layout job, with a person's votes, a collection and a shared one."""

from __future__ import annotations

import html
import re

import pytest

from paperscope.library import Library
from paperscope.models import new_paper
from paperscope.store.collections import CollectionStore
from paperscope.store.community import CommunityStore
from tests.conftest import BACKENDS
from tests.test_layout import fill
from tests.web.test_people import sign_up


@pytest.fixture(scope="module", params=BACKENDS)
def mapped(request, tmp_path_factory) -> tuple[str, dict[str, str]]:
    """A library with a map: ``(database, {paper id: topic})``."""
    if request.param == "sqlite":
        path = str(tmp_path_factory.mktemp("map") / "library.db")
    else:
        path = request.getfixturevalue("pg_server").new_database()
    with Library(path) as lib:
        topics = fill(lib)
        lib.sync_index()
        lib.update_map()
    return path, topics


def by_topic(topics: dict[str, str], topic: str) -> list[str]:
    return sorted(pid for pid, t in topics.items() if t == topic)


def test_without_a_layout_the_page_says_how_to_make_one(library_url, open_client):
    with Library(library_url) as lib, lib.store.transaction():
        lib.store.save_papers([new_paper(title="Alone here", source="bibtex")])
    client = open_client(library_url)
    page = client.get("/map")
    assert page.status_code == 200
    assert "paperscope embed" in page.text and "paperscope map" in page.text
    assert 'id="map"' not in page.text  # no canvas to draw nothing on
    data = client.get("/map?format=json").json()
    assert data["layout"] is None and data["papers"]["ids"] == [] and data["clusters"] == []


def test_the_page_and_its_json_twin(mapped, open_client):
    path, topics = mapped
    client = open_client(path)
    page = client.get("/map")
    assert page.status_code == 200
    assert 'aria-current="page">Map</a>' in page.text
    assert re.search(r'<canvas id="map" data-src="/map\?format=json"', page.text)
    assert '<script defer src="/static/map.js' in page.text
    assert f"{len(topics)} papers laid out" in page.text
    data = client.get("/map?format=json").json()
    papers = data["papers"]
    assert papers["ids"] == sorted(topics)
    n = len(topics)
    assert all(len(papers[k]) == n for k in ("titles", "urls", "x", "y", "cluster"))
    assert papers["urls"][0] == f"/papers/{papers['ids'][0]}"
    assert sum(c["size"] for c in data["clusters"]) == n
    for c in data["clusters"]:  # each label is listed on the page too
        assert c["label"] in page.text and set(c) == {"id", "label", "x", "y", "size"}
    assert {i for i in papers["cluster"]} == {c["id"] for c in data["clusters"]}
    assert data["layout"]["laid_out"] == n and data["layout"]["seed"] == 42
    assert data["matches"] == data["upvoted"] == data["saved"] == [] and data["selection"] is None
    # The page's words are the JSON's: a point's title is a paper's title.
    with Library(path) as lib:
        paper = lib.get(papers["ids"][5])
        assert paper is not None and papers["titles"][5] == paper.title


def test_a_search_lights_up_its_matches(mapped, open_client):
    path, topics = mapped
    client = open_client(path)
    data = client.get("/map", params={"q": "quantum", "mode": "keyword",
                                      "format": "json"}).json()  # fmt: skip
    lit = {data["papers"]["ids"][i] for i in data["matches"]}
    assert lit == set(by_topic(topics, "quantum"))
    page = client.get("/map", params={"q": "quantum", "mode": "keyword"})
    assert "30 of the best 300 matches for “quantum”" in page.text
    assert "Best matches" in page.text and "Quantum" in page.text
    assert 'data-src="/map?q=quantum&amp;mode=keyword&amp;format=json"' in page.text


def test_a_persons_upvoted_and_saved_papers_are_highlighted(mapped, open_client):
    path, topics = mapped
    client = open_client(path)
    sign_up(client, "ada@example.org", "ada")
    graphs, proteins = by_topic(topics, "graphs"), by_topic(topics, "proteins")
    with Library(path) as lib:
        (user, _) = lib.people.user_by_email("ada@example.org")
        people, collections = CommunityStore(lib.store), CollectionStore(lib.store)
        for pid in graphs[:3]:
            people.toggle_vote(user.id, pid)
        mine = collections.create(user.id, "Folding")
        for pid in proteins[:4]:
            collections.add_paper(user.id, mine.id, pid)
    try:
        data = client.get("/map?format=json").json()
        ids = data["papers"]["ids"]
        assert {ids[i] for i in data["upvoted"]} == set(graphs[:3])
        assert {ids[i] for i in data["saved"]} == set(proteins[:4])
        page = client.get("/map")
        assert "Your upvoted papers are ringed" in page.text
        assert re.search(rf'<option value="{mine.id}"\s*>Folding</option>', page.text)
        # Someone else sees none of it.
        assert open_client(path).get("/map?format=json").json()["saved"] == []
    finally:
        with Library(path) as lib, lib.store.transaction() as conn:
            conn.execute("DELETE FROM users")  # the next test signs up afresh


def test_a_collection_shows_its_papers_and_dims_the_rest(mapped, open_client):
    path, topics = mapped
    ada, bob = open_client(path), open_client(path)
    sign_up(ada, "ada@example.org", "ada")
    sign_up(bob, "bob@example.org", "bob")
    quantum = by_topic(topics, "quantum")[:5]
    with Library(path) as lib:
        (user, _) = lib.people.user_by_email("ada@example.org")
        collections = CollectionStore(lib.store)
        mine = collections.create(user.id, "Qubits")
        for pid in quantum:
            collections.add_paper(user.id, mine.id, pid)
    try:
        data = ada.get(f"/map?collection={mine.id}&format=json").json()
        ids = data["papers"]["ids"]
        assert data["selection"]["name"] == "Qubits" and data["selection"]["kind"] == "collection"
        assert {ids[i] for i in data["selection"]["shown"]} == set(quantum)
        assert len(ids) == len(topics)  # the rest are still there, dimmed by the page
        page = ada.get(f"/map?collection={mine.id}")
        assert "Showing the 5 papers of the collection “Qubits”" in page.text
        assert "<title>Map: Qubits · paperscope</title>" in page.text
        # By id, a collection is its owner's alone: the same 404 as a missing one.
        for client in (bob, open_client(path)):
            r = client.get(f"/map?collection={mine.id}")
            assert r.status_code == 404 and f"no collection with id {mine.id}" in r.text
        assert ada.get("/map?collection=99999&format=json").status_code == 404
        # Shared, it is found by its link's token, by anyone.
        with Library(path) as lib:
            token = CollectionStore(lib.store).share(user.id, mine.id)
        shared = bob.get(f"/map?collection={token}&format=json").json()
        assert {ids[i] for i in shared["selection"]["shown"]} == set(quantum)
        with Library(path) as lib:
            CollectionStore(lib.store).unshare(user.id, mine.id)
        gone = bob.get(f"/map?collection={token}")
        assert gone.status_code == 404 and "No collection is shared" in gone.text
    finally:
        with Library(path) as lib, lib.store.transaction() as conn:
            conn.execute("DELETE FROM users")


def test_a_lens_shows_its_matches_on_the_map(mapped, open_client):
    from paperscope.lenses import lens_fields

    path, topics = mapped
    ada, bob = open_client(path), open_client(path)
    sign_up(ada, "ada@example.org", "ada")
    sign_up(bob, "bob@example.org", "bob")
    quantum = set(by_topic(topics, "quantum"))
    with Library(path) as lib:
        (user, _) = lib.people.user_by_email("ada@example.org")
        words = lib.get(sorted(quantum)[0]).title.split()[0]
        lens = lib.lenses.add(user.id, lens_fields(name="Mine", q=words))
    try:
        data = ada.get(f"/map?lens={lens.id}&format=json").json()
        ids = data["papers"]["ids"]
        shown = {ids[i] for i in data["selection"]["shown"]}
        assert data["selection"]["kind"] == "lens" and data["selection"]["name"] == "Mine"
        assert shown and shown <= set(topics)
        assert f'name="lens" value="{lens.id}"' in ada.get(f"/map?lens={lens.id}").text
        assert bob.get(f"/map?lens={lens.id}").status_code == 404  # someone else's
        assert ada.get("/map?lens=x").status_code == 400
        both = ada.get(f"/map?lens={lens.id}&collection=1")
        assert both.status_code == 400 and "not both" in both.text
    finally:
        with Library(path) as lib, lib.store.transaction() as conn:
            conn.execute("DELETE FROM users")
            conn.execute("DELETE FROM rate_events")  # sign-ups per address, shared by the module


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("collection=..%2F1", 400, "collection must be the id of one of your collections"),
        ("collection=a%20b", 400, "collection must be"),
        ("mode=fuzzy&q=x", 400, "mode 'fuzzy' is not one of"),
        ("format=rss", 400, "format"),
        ("q=" + "x" * 501, 400, "the map searches up to 500"),
    ],
)
def test_bad_parameters_get_a_clear_4xx(mapped, open_client, query, status, message):
    client = open_client(mapped[0])
    page = client.get(f"/map?{query}")
    assert page.status_code == status and message in html.unescape(page.text)
    if "format=" not in query:  # the twin says the same, as data
        data = client.get(f"/map?{query}&format=json")
        assert data.status_code == status and message in data.json()["error"]


def test_about_plots_papers_and_votes_per_day(mapped, open_client):
    path, _ = mapped
    days = ["2026-03-10", "2026-03-10", "2026-03-12", "2026-03-18"]
    with Library(path) as lib:
        with lib.store.transaction():
            lib.store.save_papers([new_paper(title=f"Feed paper {i}", source="hf-page",
                                             feed_date=day) for i, day in enumerate(days)])  # fmt: skip
        client = open_client(path)
        sign_up(client, "cy@example.org", "cy")
        (user, _) = lib.people.user_by_email("cy@example.org")
        voted = lib.resolve("Feed paper 0")
        assert voted is not None
        with lib.store.transaction() as conn:  # a vote cast on the site's "today"
            conn.execute("INSERT INTO votes VALUES (?, ?, ?)",
                         (user.id, voted, "2026-03-18T09:30:00Z"))  # fmt: skip
    try:
        page = client.get("/about")
        assert page.status_code == 200
        assert page.text.count("<svg") >= 2 and "Papers per day" in page.text
        assert "<title>2026-03-10: 2 papers</title>" in page.text
        assert "<title>2026-03-18: 1 vote</title>" in page.text  # the vote was cast "today"
        data = client.get("/about?format=json").json()
        per_day = {d["day"]: d for d in data["per_day"]}
        assert per_day["2026-03-10"]["papers"] == 2 and per_day["2026-03-11"]["papers"] == 0
        assert per_day["2026-03-18"] == {"day": "2026-03-18", "papers": 1, "votes": 1}
        assert data["stats"]["papers"] >= len(days)
    finally:
        with Library(path) as lib, lib.store.transaction() as conn:
            conn.execute("DELETE FROM users")
