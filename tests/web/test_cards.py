"""Paper cards are kept rendered (web/present.py's card_text): every change
to what a card shows must still show at once, and what is personal (the
upvote box) must stay each viewer's own."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from paperscope.library import Library
from paperscope.models import new_paper
from paperscope.web import present
from tests.web.conftest import TODAY
from tests.web.test_people import session_csrf, sign_up

ID = "2603.00009"


def card(html: str) -> str:
    """The one card on the page (the daily page of the test library)."""
    (found,) = re.findall(r'<article class="card".*?</article>', html, re.S)
    return found


def vote_box(html: str) -> str:
    return re.search(r'class="votes".*?</(?:form|a)>', card(html), re.S)[0]


@pytest.fixture
def lib_path(library_url) -> str:
    """Today's feed holds one paper, as a Hugging Face page knows it: no
    abstract, an author count instead of names."""
    with Library(library_url) as lib, lib.store.transaction():
        lib.store.save_papers([new_paper(title="A card that fills in", arxiv_id=ID,
                                         feed_date=TODAY, author_count=4, upvotes=2,
                                         source="hf-page")])  # fmt: skip
    return library_url


def test_an_import_shows_on_a_card_already_rendered(lib_path, open_client):
    client = open_client(lib_path)
    before = card(client.get("/").text)
    assert "4 authors" in before and "abstract" not in before
    assert card(client.get("/").text) == before  # the kept card, drawn again
    # What an import of the paper's arXiv record does:
    with Library(lib_path) as lib, lib.store.transaction():
        lib.store.save_papers([new_paper(title="A card that fills in", arxiv_id=ID,
                                         authors=["Grace Hopper", "Ada Lovelace"],
                                         abstract="Words the arXiv record brings.",
                                         categories=["cs.DS"], published="2026-03-10",
                                         source="arxiv-oai")])  # fmt: skip
    after = card(client.get("/").text)
    assert ">Grace Hopper</a>" in after and "4 authors" not in after
    assert "Words the arXiv record brings." in after and '<span class="cat">cs.DS</span>' in after
    assert "published <time" in after


def test_votes_show_at_once_and_each_viewer_sees_their_own(lib_path, open_client):
    ada, bob, anonymous = (open_client(lib_path) for _ in range(3))
    sign_up(ada, "ada@example.org", "ada")
    sign_up(bob, "bob@example.org", "bob")
    for someone in (ada, bob, anonymous):  # every card rendered and kept before the vote
        assert "<b>2</b>" in vote_box(someone.get("/").text)
    r = ada.post(f"/papers/{ID}/vote", data={"csrf": session_csrf(ada)}, follow_redirects=False)
    assert r.status_code == 303
    mine, theirs, nobody = (vote_box(c.get("/").text) for c in (ada, bob, anonymous))
    assert "<b>3</b>" in mine and "<b>3</b>" in theirs and "<b>3</b>" in nobody
    assert 'aria-pressed="true"' in mine and 'aria-pressed="false"' in theirs
    assert session_csrf(ada) in mine and session_csrf(bob) in theirs  # each form its own token
    assert "Log in to upvote" in nobody and "csrf" not in nobody


def test_a_kept_card_is_highlighted_for_each_query_anew():
    paper = new_paper(title="Sorting networks", abstract="Sorting with comparators.",
                      authors=["Ada Lovelace"], source="bibtex")  # fmt: skip
    plain = present.card_text(paper)
    marked = present.card_text(paper, ["sorting"])
    assert "<mark>" not in plain and marked.count("<mark>Sorting</mark>") == 2
    assert present.card_text(paper, ["comparator"]).count("<mark>") == 1
    assert present.card_text(paper) == plain
    retitled = replace(paper, title="<b>Merging</b> networks")  # a card of its own
    assert "&lt;b&gt;Merging&lt;/b&gt; networks" in present.card_text(retitled)


def test_highlighting_marks_words_and_never_the_escapes_around_them():
    """Highlights are put into the escaped text: a word such as "amp", "lt" or
    "39" must mark the text's own words, never the entities that stand for
    "&", "<" or "'" (which would break them as HTML)."""
    text = "R&D amplifiers: <amp> & lt's 39 'quoted' #39"
    marked = str(present.highlight(text, ["amp", "lt", "39"]))
    assert marked == (
        "R&amp;D <mark>amplifiers</mark>: &lt;<mark>amp</mark>&gt; &amp; <mark>lt</mark>&#39;s "
        "<mark>39</mark> &#39;quoted&#39; #<mark>39</mark>"
    )
    assert str(present.highlight(text)) == str(present.escape(text))
    # Inside a formula nothing is marked: KaTeX would not render it.
    assert str(present.highlight("amp $a < amp$ amp", ["amp"])) == (
        '<mark>amp</mark> <span class="math" data-mode="inline">$a &lt; amp$</span> <mark>amp</mark>'
    )
