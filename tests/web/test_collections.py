"""Collections, shared links, exports and comments through the real app on a real
SQLite file: what the owner can do, what everybody else cannot, and that comments
stay text."""

from __future__ import annotations

import io
import re

import httpx
import pytest
from fastapi.testclient import TestClient

from paperscope.importers import bibtex, jsonl
from paperscope.library import Library
from paperscope.models import Version, new_paper
from paperscope.web.present import linkify
from tests.web.test_hostile import assert_inert
from tests.web.test_pages import Page
from tests.web.test_people import session_csrf, sign_up

PAPERS = ("2603.00001", "2603.00002", "2603.00003")


@pytest.fixture
def lib_path(library_url) -> str:
    path = library_url
    with Library(path) as lib, lib.store.transaction():
        lib.store.save_papers([
            new_paper(title=f"Paper number {i}", arxiv_id=arxiv_id, source="arxiv-oai",
                      authors=["Ada Lovelace", f"Author {i}"], abstract=f"Abstract {i}.",
                      versions=[Version(1, "2026-03-10T10:00:00Z")], published="2026-03-10",
                      categories=["cs.LG"])
            for i, arxiv_id in enumerate(PAPERS, 1)
        ])  # fmt: skip
    return path


@pytest.fixture
def make_client(lib_path, open_client):
    return lambda: open_client(lib_path)


@pytest.fixture
def ada(make_client) -> TestClient:
    """The first account, so an admin."""
    client = make_client()
    sign_up(client, "ada@example.org", "ada")
    return client


@pytest.fixture
def bob(make_client, ada) -> TestClient:
    client = make_client()
    sign_up(client, "bob@example.org", "bob")
    return client


def post(client: TestClient, url: str, csrf: str | None = "session", **data) -> httpx.Response:
    """A form post; ``csrf`` is the session's token unless given (None: none sent)."""
    if csrf == "session":
        csrf = session_csrf(client)
    if csrf is not None:
        data["csrf"] = csrf
    return client.post(url, data=data, follow_redirects=False)


def create(client: TestClient, name: str, *papers: str) -> int:
    r = post(client, "/collections", name=name)
    assert r.status_code == 303, r.text[:500]
    collection_id = int(re.fullmatch(r"/collections/(\d+)", r.headers["location"])[1])
    for ref in papers:
        assert post(client, f"/collections/{collection_id}/papers", ref=ref).status_code == 303
    return collection_id


def share(client: TestClient, collection_id: int) -> str:
    assert post(client, f"/collections/{collection_id}/share").status_code == 303
    page = client.get(f"/collections/{collection_id}").text
    return re.search(r'value="http://paperscope\.test/shared/([\w-]+)"', page)[1]


def shown_papers(html: str) -> list[str]:
    return re.findall(r'<h2 class="title tex"><a href="/papers/([^"]+)"', html)


# -- collections ------------------------------------------------------------------------


def test_collections_need_an_account(make_client):
    client = make_client()
    for url in ("/collections", "/collections/1", "/collections/1/export.bib"):
        r = client.get(url, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == f"/login?next={url}", url
    r = client.post("/collections", data={"name": "x", "next": "/papers/2603.00001"},
                    follow_redirects=False)  # fmt: skip
    assert r.headers["location"] == "/login?next=/papers/2603.00001"  # back to the form's page
    r = client.post("/collections/1/papers", data={"ref": PAPERS[0]}, headers={"HX-Request": "1"})
    assert r.status_code == 401


def test_create_rename_share_unshare_and_delete(ada, make_client):
    assert "No collections yet" in ada.get("/collections").text
    reading = create(ada, "  Reading \n list ", PAPERS[0])
    page = ada.get(f"/collections/{reading}").text
    assert "<h1>Reading list</h1>" in page and "Private: only you can see it." in page
    listed = ada.get("/collections").text
    assert f'<a href="/collections/{reading}">Reading list</a>' in listed and "1 paper<" in listed
    for name, error in [("Reading list", "you already have a collection named"),
                        ("   ", "1 to 80 characters"), ("x" * 81, "1 to 80 characters")]:  # fmt: skip
        r = post(ada, "/collections", name=name)
        assert r.status_code == 400 and error in r.text, name
    thesis = create(ada, "Thesis")
    r = post(ada, f"/collections/{thesis}/rename", name="Reading list")
    assert r.status_code == 400 and "already have a collection named" in r.text
    r = post(ada, f"/collections/{thesis}/rename", name="Thesis, chapter 2")
    assert r.status_code == 303 and r.headers["location"] == f"/collections/{thesis}"
    assert "<h1>Thesis, chapter 2</h1>" in ada.get(f"/collections/{thesis}").text

    token = share(ada, reading)
    stranger = make_client()
    seen = stranger.get(f"/shared/{token}")
    assert seen.status_code == 200 and "A collection by ada" in seen.text
    assert shown_papers(seen.text) == [PAPERS[0]]
    assert seen.headers["x-robots-tag"] == "noindex"
    assert "/rename" not in seen.text and "Remove from" not in seen.text  # read-only
    assert stranger.get(f"/shared/{token}").headers["x-cache"] == "hit"
    # Unsharing ends the link at once, cached copies included.
    assert post(ada, f"/collections/{reading}/unshare").status_code == 303
    gone = stranger.get(f"/shared/{token}")
    assert gone.status_code == 404 and "may have been unshared" in gone.text
    assert stranger.get(f"/shared/{token}/export.bib").status_code == 404
    # Sharing again makes a new link; the old one stays dead.
    again = share(ada, reading)
    assert again != token and stranger.get(f"/shared/{again}").status_code == 200
    assert share(ada, reading) != again and stranger.get(f"/shared/{again}").status_code == 404

    r = post(ada, f"/collections/{reading}/delete")
    assert r.status_code == 303 and r.headers["location"] == "/collections"
    assert ada.get(f"/collections/{reading}").status_code == 404
    assert "Reading list" not in ada.get("/collections").text
    assert ada.get(f"/papers/{PAPERS[0]}").status_code == 200  # the paper stays


def test_saving_papers_with_and_without_htmx(ada):
    reading = create(ada, "Reading list")
    csrf = session_csrf(ada)
    r = post(ada, f"/collections/{reading}/papers", ref=PAPERS[0], next=f"/papers/{PAPERS[0]}")
    assert r.status_code == 303 and r.headers["location"] == f"/papers/{PAPERS[0]}"
    r = post(ada, f"/collections/{reading}/papers", ref=PAPERS[0], next="//evil.example")
    assert r.headers["location"] == f"/collections/{reading}"  # never another site
    hx = {"HX-Request": "true", "X-CSRF-Token": csrf}
    r = ada.post(f"/collections/{reading}/papers", data={"ref": f"arXiv:{PAPERS[1]}v1"},
                 headers=hx)  # fmt: skip
    assert r.status_code == 200 and "<html" not in r.text
    assert f'Saved to <a href="/collections/{reading}">Reading list</a>' in r.text
    assert 'aria-pressed="true"' in r.text
    ada.post(f"/collections/{reading}/papers", data={"ref": PAPERS[2]}, headers=hx)
    # Newest added first, and adding twice changes nothing.
    page = ada.get(f"/collections/{reading}").text
    assert shown_papers(page) == [PAPERS[2], PAPERS[1], PAPERS[0]] and "3 papers" in page

    r = ada.post(f"/collections/{reading}/papers/remove", data={"ref": PAPERS[1]}, headers=hx)
    assert r.status_code == 200 and "Removed from" in r.text and 'aria-pressed="false"' in r.text
    r = post(ada, f"/collections/{reading}/papers/remove", ref=PAPERS[2])
    assert r.status_code == 303 and r.headers["location"] == f"/collections/{reading}"
    assert shown_papers(ada.get(f"/collections/{reading}").text) == [PAPERS[0]]
    r = post(ada, f"/collections/{reading}/papers", ref="9999.99999")
    assert r.status_code == 404 and "No paper here is known as" in r.text


def test_the_paper_page_saves_to_a_collection_or_a_new_one(ada, make_client):
    reading = create(ada, "Reading list", PAPERS[0])
    create(ada, "Thesis")
    page = Page(ada.get(f"/papers/{PAPERS[0]}").text)
    buttons = {b["formaction"]: b["aria-pressed"] for b in page.all("button") if "formaction" in b}
    assert buttons[f"/collections/{reading}/papers/remove"] == "true"
    assert list(buttons.values()).count("false") == 1
    hx = {"HX-Request": "true", "X-CSRF-Token": session_csrf(ada)}
    r = ada.post("/collections", data={"name": "Later", "ref": PAPERS[0]}, headers=hx)
    assert r.status_code == 200 and "Saved to <a" in r.text and ">Later</a>" in r.text
    later = int(re.search(r'Saved to <a href="/collections/(\d+)"', r.text)[1])
    assert shown_papers(ada.get(f"/collections/{later}").text) == [PAPERS[0]]
    r = ada.post("/collections", data={"name": "Later", "ref": PAPERS[0]}, headers=hx)
    assert r.status_code == 200 and "already have a collection named" in r.text
    # Without JavaScript: the new collection, then back to the paper.
    r = post(ada, "/collections", name="Plain", ref=PAPERS[1], next=f"/papers/{PAPERS[1]}")
    assert r.status_code == 303 and r.headers["location"] == f"/papers/{PAPERS[1]}"
    assert "✓ Plain" in ada.get(f"/papers/{PAPERS[1]}").text
    # Nobody else sees the box, nor anything about ada's collections.
    anonymous = make_client().get(f"/papers/{PAPERS[0]}").text
    assert "Save to a collection" not in anonymous and "Reading list" not in anonymous


def test_exports_read_back_as_the_collection(ada, make_client):
    reading = create(ada, "Reading list: ML & Co.", PAPERS[0], PAPERS[2])
    expected = {PAPERS[0], PAPERS[2]}
    r = ada.get(f"/collections/{reading}/export.bib")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/x-bibtex")
    assert r.headers["content-disposition"] == (
        'attachment; filename="reading-list-ml-co-2026-03-18.bib"'
    )
    entries = [item.paper for item in bibtex.parse(io.BytesIO(r.content))]
    assert {p.arxiv_id for p in entries} == expected
    assert {p.title for p in entries} == {"Paper number 1", "Paper number 3"}
    r = ada.get(f"/collections/{reading}/export.jsonl")
    assert r.headers["content-disposition"].endswith('.jsonl"')
    exported = [item.paper for item in jsonl.parse(io.BytesIO(r.content))]
    assert [p.id for p in exported] == [PAPERS[2], PAPERS[0]]  # newest added first
    with Library(ada.app.state.site.library.url) as lib:
        assert exported == [lib.get(PAPERS[2]), lib.get(PAPERS[0])]  # lossless
    assert ada.get(f"/collections/{reading}/export.csv").status_code == 404

    token = share(ada, reading)
    stranger = make_client()
    for ext, read in (("bib", bibtex.parse), ("jsonl", jsonl.parse)):
        r = stranger.get(f"/shared/{token}/export.{ext}")
        assert r.status_code == 200 and r.headers["content-disposition"].startswith("attachment")
        assert {item.paper.arxiv_id for item in read(io.BytesIO(r.content))} == expected


def test_nobody_else_can_see_or_change_a_collection(ada, bob):
    reading = create(ada, "Reading list", PAPERS[0])
    token = share(ada, reading)
    missing = 99_999
    before = ada.get(f"/collections/{reading}").text

    def message(r) -> str:
        """The error the page shows, with the id asked about left out."""
        return re.sub(
            r"\d+", "N", re.search(r'<section class="error">.*?</section>', r.text, re.S)[0]
        )

    reads = ["", "/export.bib", "/export.jsonl"]
    writes = [("/rename", {"name": "Mine now"}), ("/delete", {}), ("/share", {}),
              ("/unshare", {}), ("/papers", {"ref": PAPERS[1]}),
              ("/papers/remove", {"ref": PAPERS[0]})]  # fmt: skip
    for suffix in reads:
        theirs = bob.get(f"/collections/{reading}{suffix}")
        nothing = bob.get(f"/collections/{missing}{suffix}")
        assert theirs.status_code == nothing.status_code == 404, suffix
        assert message(theirs) == message(nothing), suffix
    for suffix, data in writes:
        theirs = post(bob, f"/collections/{reading}{suffix}", **data)
        nothing = post(bob, f"/collections/{missing}{suffix}", **data)
        assert theirs.status_code == nothing.status_code == 404, suffix
        assert message(theirs) == message(nothing), suffix
        assert f"You have no collection with id {reading}." in theirs.text
    assert bob.get(f"/collections/{2**70}").status_code == 404  # too big for SQLite: no 500
    assert post(bob, f"/collections/{2**70}/delete").status_code == 404
    # Nothing changed: same page for ada (name, papers, link), and bob has nothing.
    assert ada.get(f"/collections/{reading}").text == before
    assert bob.get(f"/shared/{token}").status_code == 200
    assert "No collections yet" in bob.get("/collections").text
    assert "Reading list" not in bob.get(f"/papers/{PAPERS[0]}").text


def test_every_post_refuses_a_missing_or_wrong_csrf_token(ada):
    reading = create(ada, "Reading list", PAPERS[0])
    token = share(ada, reading)
    r = post(ada, f"/papers/{PAPERS[0]}/comments", body="First!")
    comment = int(re.search(r"#comment-(\d+)", r.headers["location"])[1])
    before = ada.get(f"/collections/{reading}").text
    routes = [("/collections", {"name": "Forged"}),
              (f"/collections/{reading}/rename", {"name": "Renamed"}),
              (f"/collections/{reading}/delete", {}),
              (f"/collections/{reading}/share", {}),
              (f"/collections/{reading}/unshare", {}),
              (f"/collections/{reading}/papers", {"ref": PAPERS[1]}),
              (f"/collections/{reading}/papers/remove", {"ref": PAPERS[0]}),
              (f"/papers/{PAPERS[0]}/comments", {"body": "Second"}),
              (f"/comments/{comment}/delete", {})]  # fmt: skip
    for url, data in routes:
        for csrf in (None, "forged"):
            r = post(ada, url, csrf=csrf, **data)
            assert r.status_code == 403, (url, csrf, r.status_code)
    assert ada.get(f"/collections/{reading}").text == before
    assert ada.get(f"/shared/{token}").status_code == 200
    assert "Forged" not in ada.get("/collections").text
    page = ada.get(f"/papers/{PAPERS[0]}").text
    assert "First!" in page and "Second" not in page


# -- comments -----------------------------------------------------------------------------


def test_comments_are_text_with_safe_links(ada, make_client):
    stranger = make_client()
    assert "No comments yet." in stranger.get(f"/papers/{PAPERS[0]}").text  # now cached
    hostile = (
        "<script>alert(1)</script> and <img src=x onerror=alert(2)>\n"
        "javascript:alert(3) and [x](javascript:alert(4))\n"
        'see https://example.org/a?b=1&c=2. or (http://example.org/"onmouseover=alert(5))'
    )
    r = post(ada, f"/papers/{PAPERS[0]}/comments", body=f"  {hostile}\r\n  ")
    assert r.status_code == 303 and r.headers["location"].startswith(
        f"/papers/{PAPERS[0]}#comment-"
    )
    for client in (ada, stranger):  # the cached page for visitors was dropped
        html = client.get(f"/papers/{PAPERS[0]}").text
        assert_inert(html, "comment")
        comment = html[html.index('<article class="comment"') :]
        comment = comment[: comment.index("</article>")]
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in comment
        assert "&lt;img src=x onerror=alert(2)&gt;" in comment
        links = Page(comment).all("a")
        assert [a["href"] for a in links] == [
            "https://example.org/a?b=1&c=2",
            "http://example.org/",
        ]
        assert all(a["rel"] == "nofollow ugc noopener" for a in links)
        assert comment.count("<br>") == 2  # line breaks kept, the trailing one stripped
        assert "javascript:alert(3)" in comment  # shown, as text
    for body, words in [("   \n ", "1 to 5,000 characters"), ("x" * 5_001, "this one has 5,001")]:
        r = post(ada, f"/papers/{PAPERS[0]}/comments", body=body)
        assert r.status_code == 400 and words in r.text
    assert post(ada, "/papers/9999.99999/comments", body="hi").status_code == 404
    r = stranger.post(f"/papers/{PAPERS[0]}/comments", data={"body": "hi"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")
    assert "Log in</a> to comment" in stranger.get(f"/papers/{PAPERS[0]}").text


def test_comments_are_deleted_by_their_author_or_an_admin(ada, bob, make_client):
    carol = make_client()
    sign_up(carol, "carol@example.org", "carol")

    def comment_id(client: TestClient, body: str) -> int:
        r = post(client, f"/papers/{PAPERS[1]}/comments", body=body)
        return int(re.search(r"#comment-(\d+)", r.headers["location"])[1])

    mine = comment_id(bob, "Bob's comment")
    page = Page(carol.get(f"/papers/{PAPERS[1]}").text)
    assert not [f for f in page.all("form") if f.get("action") == f"/comments/{mine}/delete"]
    r = post(carol, f"/comments/{mine}/delete")
    assert r.status_code == 403 and "Only its author or an admin" in r.text
    assert "Bob&#39;s comment" in carol.get(f"/papers/{PAPERS[1]}").text
    r = post(bob, f"/comments/{mine}/delete")
    assert r.status_code == 303 and r.headers["location"] == f"/papers/{PAPERS[1]}#comments"
    assert "Bob&#39;s comment" not in bob.get(f"/papers/{PAPERS[1]}").text
    assert post(bob, f"/comments/{mine}/delete").status_code == 404  # gone already
    assert post(bob, f"/comments/{2**70}/delete").status_code == 404

    theirs = comment_id(carol, "Carol's comment")
    assert f'action="/comments/{theirs}/delete"' in ada.get(f"/papers/{PAPERS[1]}").text
    assert post(ada, f"/comments/{theirs}/delete").status_code == 303  # ada is the admin
    assert "No comments yet." in make_client().get(f"/papers/{PAPERS[1]}").text


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("plain & simple <b>", "plain &amp; simple &lt;b&gt;"),
        ("one\ntwo", "one<br>\ntwo"),
        ("see https://arxiv.org/abs/1706.03762.",
         'see <a href="https://arxiv.org/abs/1706.03762" rel="nofollow ugc noopener">'
         "https://arxiv.org/abs/1706.03762</a>."),
        ("(https://en.wikipedia.org/wiki/Set_(mathematics))",
         '(<a href="https://en.wikipedia.org/wiki/Set_(mathematics)" rel="nofollow ugc noopener">'
         "https://en.wikipedia.org/wiki/Set_(mathematics)</a>)"),
        ("HTTP://EXAMPLE.ORG/X", '<a href="HTTP://EXAMPLE.ORG/X" rel="nofollow ugc noopener">'
                                 "HTTP://EXAMPLE.ORG/X</a>"),
        ("javascript:alert(1)", "javascript:alert(1)"),
        ("JavaScript://%0Aalert(1)", "JavaScript://%0Aalert(1)"),
        ("data:text/html,<script>x</script>", "data:text/html,&lt;script&gt;x&lt;/script&gt;"),
        ("http:// and https:///path and http://.", "http:// and https:///path and http://."),
        ('https://x.org/"><script>', '<a href="https://x.org/" rel="nofollow ugc noopener">'
                                     "https://x.org/</a>&#34;&gt;&lt;script&gt;"),
        ("https://x.org/?a=1&b='2'", '<a href="https://x.org/?a=1&amp;b=" rel="nofollow ugc noopener">'
                                     "https://x.org/?a=1&amp;b=</a>&#39;2&#39;"),
    ],
)  # fmt: skip
def test_linkify_escapes_everything_and_links_only_web_addresses(text, html):
    assert str(linkify(text)) == html


def test_comments_are_rate_limited_per_account(ada):
    from paperscope.accounts import LIMITS

    attempts, _ = LIMITS["comment"]
    for i in range(attempts):
        assert post(ada, f"/papers/{PAPERS[0]}/comments", body=f"note {i}").status_code == 303
    r = post(ada, f"/papers/{PAPERS[0]}/comments", body="one too many")
    assert r.status_code == 429 and "too many attempts" in r.text
    assert "one too many" not in ada.get(f"/papers/{PAPERS[0]}").text
