"""What a new user met on the pages, fixed and kept fixed: names as papers
write them, author addresses whatever their case, lines that read as
English, one link per place, dates that say which date they are, pagers that
do not guess, versions that do not exist, tab titles without LaTeX."""

from __future__ import annotations

import io
import re
from html import unescape

from paperscope.importers import bibtex
from paperscope.library import Library
from tests.web.conftest import TODAY
from tests.web.test_pages import Page


def meta_lines(html: str) -> list[str]:
    lines = re.findall(r'<p class="meta">(.*?)</p>', html, re.S)
    return [" ".join(unescape(re.sub(r"<[^>]+>", " ", line)).split()) for line in lines]


def test_hyphenated_initials_stay_whole_on_pages_in_the_api_and_in_bibtex(client, web_db):
    page = client.get("/papers/0704.0001").text
    assert "C.-P. Yuan" in page and "C. -P." not in page
    authors = [a["name"] for a in client.get("/api/papers/0704.0001").json()["authors"]]
    assert authors[-1] == "C.-P. Yuan"
    with Library(web_db) as lib:
        out = io.StringIO()
        bibtex.write([lib.get("0704.0001")], out)
    assert "Yuan, C.-P." in out.getvalue() or "C.-P. Yuan" in out.getvalue()
    assert client.get("/authors/C.-P.%20Yuan").status_code == 200


def test_author_addresses_find_the_name_whatever_its_case(client):
    r = client.get("/authors/Dohoon%20choi", follow_redirects=False)
    assert r.status_code == 301 and r.headers["location"] == "/authors/Dohoon%20Choi"
    r = client.get("/authors/DOHOON%20CHOI?format=json", follow_redirects=False)
    assert r.headers["location"] == "/authors/Dohoon%20Choi?format=json"
    assert "Dohoon Choi" in client.get("/authors/dohoon%20choi").text
    assert client.get("/authors/Nobody%20At%20All").status_code == 404


def test_card_lines_read_as_english_and_say_which_date_is_which(client):
    # The newer seed page gives neither authors nor their number: the line
    # starts with what it has, not with a separator.
    lines = meta_lines(client.get("/papers/date/2026-03-17").text)
    assert lines and not any(line.startswith("·") for line in lines)
    assert "in the feed 2026-03-17" in lines
    counted = meta_lines(client.get("/papers/date/2025-12-10").text)
    assert any(re.fullmatch(r"\d+ authors · published \S+ · in the feed 2025-12-10", line)
               for line in counted)  # fmt: skip
    assert not any(re.search(r"\band 1 others\b", line) for line in lines + counted)
    found = meta_lines(client.get("/search?q=diphoton&mode=keyword").text)
    assert any("published 2007-04-02" in line for line in found)  # what the filters use


def test_a_paper_links_each_place_once(client):
    page = Page(client.get("/papers/0704.0011").text)
    arxiv = [a["href"] for a in page.all("a") if "arxiv.org/abs/0704.0011" in (a["href"] or "")]
    assert len(arxiv) == 1
    assert len([a for a in page.all("a") if "arxiv.org/pdf/0704.0011" in (a["href"] or "")]) == 1


def test_a_version_the_library_does_not_know_is_a_404_that_says_so(client):
    r = client.get("/papers/0704.0011v9", follow_redirects=False)
    assert r.status_code == 404 and "has no version 9" in unescape(r.text)
    assert "/papers/0704.0011" in r.text
    assert client.get("/papers/0704.0011v1", follow_redirects=False).status_code == 301


def test_the_search_pager_never_shows_a_look_ahead_count(client):
    first = client.get("/search?q=model&mode=keyword").text
    assert re.search(r"1–25, more on the next page", first)
    second = client.get("/search?q=model&mode=keyword&page=2").text
    pager = re.search(r'<nav class="pager".*?</nav>', second, re.S)[0]
    assert re.search(r"26–50(, and more)?</span>", pager) and " of " not in pager


def test_tab_titles_show_formulas_as_plain_text(client):
    found = client.get("/search?q=sorting+comparisons&mode=keyword").text
    href = re.search(r'<h2 class="title tex"><a href="([^"]+)"', found)[1]
    title = re.search(r"<title>(.*?)</title>", client.get(href).text)[1]
    assert unescape(title).startswith("Sorting in O(n log n) time with α-stable comparisons")


def test_today_has_papers_for_the_daily_page(client):
    assert client.get(f"/papers/date/{TODAY}").status_code == 200


def test_collections_and_for_you_have_json_twins(open_client, web_db):
    from tests.web.test_people import sign_up

    client = open_client(web_db)
    sign_up(client, "twin@example.org", "twin")
    created = client.post("/collections", data={"name": "Twins", "csrf": re.search(
        r'"X-CSRF-Token": "([^"]+)"', client.get("/account").text)[1]}, follow_redirects=False)  # fmt: skip
    url = created.headers["location"]
    mine = client.get("/collections?format=json").json()
    assert [c["name"] for c in mine["collections"]] == ["Twins"]
    one = client.get(f"{url}?format=json").json()
    assert one["name"] == "Twins" and one["papers"] == [] and one["url"].endswith(url)
    assert client.get("/for-you?format=json").json()["days"] == 7
    assert client.get("/for-you?format=rss").status_code == 400  # no feed of a personal page
