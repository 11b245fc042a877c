"""The map in Debian's Chromium: it draws, pointing at a paper shows its
title, and a click opens the paper's page (screenshots in test-artifacts/)."""

from __future__ import annotations

import pytest

from paperscope.library import Library
from tests.test_layout import fill
from tests.web.browser_support import needs_chromium, serving, shoot

pytestmark = needs_chromium


@pytest.fixture
def site(tmp_path):
    db = tmp_path / "library.db"
    with Library(db) as lib:
        topics = fill(lib)
        lib.update_map()
        ids = sorted(topics)
    with serving(db) as url:
        yield url, ids


def test_the_map_renders_and_its_points_show_titles_and_open_papers(site, page):
    url, ids = site
    page.goto(url + "/map")
    page.wait_for_selector("canvas#map[data-ready=true]")
    assert page.evaluate("window.paperscopeMap.count()") == len(ids)
    # The canvas has points drawn on it: many pixels are not the background.
    painted = page.evaluate(
        """() => { const c = document.getElementById('map');
                   const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                   let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) n++; return n; }"""
    )
    assert painted > 500
    target = page.evaluate("(id) => window.paperscopeMap.pointOf(id)", ids[7])
    page.mouse.move(target["x"], target["y"])
    tip = page.locator("#map-tip")
    tip.wait_for(state="visible")
    assert tip.inner_text() == target["title"]
    shoot(page, "map-hover")
    # The screenshots resized the page (to a phone's width and back), and the
    # map lays its points out again at the next frames: find the point anew.
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    target = page.evaluate("(id) => window.paperscopeMap.pointOf(id)", ids[7])
    page.mouse.click(target["x"], target["y"])
    # (A paper page on a busy two-core machine may take a while: no hurry.)
    page.wait_for_url(f"{url}/papers/{ids[7]}", timeout=120_000)
    assert page.locator("h1").first.inner_text() == target["title"]


def test_wheel_zooms_and_a_drag_pans_the_map(site, page):
    url, ids = site
    page.goto(url + "/map")
    page.wait_for_selector("canvas#map[data-ready=true]")

    def at(pid: str) -> dict:
        return page.evaluate("(id) => window.paperscopeMap.pointOf(id)", pid)

    anchor, other = at(ids[0]), at(ids[45])  # two papers of different topics
    page.mouse.move(anchor["x"], anchor["y"])
    page.mouse.wheel(0, -300)  # zoom in about the first
    page.wait_for_function(
        "([id, x]) => window.paperscopeMap.pointOf(id).x !== x", arg=[ids[45], other["x"]]
    )
    moved = at(ids[45])
    assert at(ids[0])["x"] == pytest.approx(anchor["x"], abs=1)  # the point under the wheel stays
    assert abs(moved["x"] - anchor["x"]) > abs(other["x"] - anchor["x"])  # the rest move away
    start = at(ids[0])
    page.mouse.move(start["x"] + 3, start["y"] + 3)
    page.mouse.down()
    page.mouse.move(start["x"] + 83, start["y"] + 43, steps=5)
    page.mouse.up()
    panned = at(ids[0])
    assert panned["x"] == pytest.approx(start["x"] + 80, abs=1)
    assert panned["y"] == pytest.approx(start["y"] + 40, abs=1)
    assert page.url == url + "/map"  # a drag is not a click
    shoot(page, "map-zoomed")
