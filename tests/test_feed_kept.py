"""The daily feed's listings and the library's counts are kept until the
library changes (Library.feed, latest_feed_day, neighbour_feed_days, stats):
every change a reader can see must show at once, on both backends, and what
one caller does to its answer must not reach the next."""

from __future__ import annotations

from datetime import date

import pytest

from paperscope.daily import day_period
from paperscope.library import Library
from paperscope.models import new_paper

DAY = date(2026, 11, 20)


def paper(n: int, day: str = DAY.isoformat(), upvotes: int = 0):
    return new_paper(title=f"Kept listing paper number {n}", arxiv_id=f"2611.{n:05d}",
                     source="hf-api", feed_date=day, upvotes=upvotes)  # fmt: skip


@pytest.fixture
def lib(library_url):
    with Library(library_url) as library:
        with library.store.transaction():
            library.store.save_papers([paper(1, upvotes=5), paper(2, upvotes=3)])
        yield library


def ids(lib: Library, day: date = DAY) -> list[str]:
    return [p.id for p in lib.feed(day_period(day)).papers]


def test_a_listing_is_read_once_until_the_library_changes(lib, monkeypatch):
    reads = []
    feed_papers = lib.store.feed_papers
    monkeypatch.setattr(lib.store, "feed_papers", lambda *a: reads.append(a) or feed_papers(*a))
    assert ids(lib) == ["2611.00001", "2611.00002"]
    assert ids(lib) == ["2611.00001", "2611.00002"]
    assert len(reads) == 1
    with lib.store.transaction():
        lib.store.save_papers([paper(3, upvotes=9)])
    assert ids(lib) == ["2611.00003", "2611.00001", "2611.00002"]  # at once
    assert lib.feed(day_period(DAY)).total == 3
    assert len(reads) == 2


def test_a_vote_reorders_the_kept_listing_at_once(lib):
    assert ids(lib) == ["2611.00001", "2611.00002"]
    people = lib.people
    voters = [people.add_user(f"v{i}@example.org", f"voter{i}", "x", admin=False) for i in range(3)]
    for voter in voters:
        people.toggle_vote(voter.id, "2611.00002")
    assert ids(lib) == ["2611.00002", "2611.00001"]  # 3 + 3 votes against 5
    people.toggle_vote(voters[0].id, "2611.00002")
    people.toggle_vote(voters[1].id, "2611.00002")
    assert ids(lib) == ["2611.00001", "2611.00002"]


def test_the_feeds_days_follow_imports(lib):
    assert lib.latest_feed_day() == DAY
    assert lib.neighbour_feed_days(DAY) == (None, None)
    with lib.store.transaction():
        lib.store.save_papers([paper(4, "2026-11-22"), paper(5, "2026-11-18")])
    assert lib.latest_feed_day() == date(2026, 11, 22)
    assert lib.latest_feed_day(DAY) == DAY
    assert lib.neighbour_feed_days(DAY) == (date(2026, 11, 18), date(2026, 11, 22))


def test_changing_an_answer_changes_no_later_one(lib):
    first = lib.feed(day_period(DAY))
    first.papers.reverse()
    first.papers.append(first.papers[0])
    assert ids(lib) == ["2611.00001", "2611.00002"]


def test_the_librarys_counts_are_kept_until_it_changes(lib, library_url, monkeypatch):
    """The about page's counts (Library.stats) scan every paper: they are
    read once per change of the library, a change made elsewhere shows at
    once, an import that changed nothing is still counted, and a caller's
    edit of its answer never reaches the next caller."""
    from tests.conftest import ARXIV_SAMPLE

    scans = []
    stats = lib.store.stats
    monkeypatch.setattr(lib.store, "stats", lambda top: scans.append(top) or stats(top))
    first = lib.stats()
    assert (first.papers, first.by_source, first.imports) == (2, {"hf-api": 2}, 0)
    first.by_source["hf-api"] = 99
    assert lib.stats().by_source == {"hf-api": 2} and len(scans) == 1
    with Library(library_url) as other:  # another process, as the CLI's import is
        other.import_file(ARXIV_SAMPLE)
        after = lib.stats()
        assert (after.papers, after.by_source["arxiv-snapshot"], after.imports) == (202, 200, 1)
        other.import_file(ARXIV_SAMPLE)  # changes nothing: the same papers again
    assert (lib.stats().papers, lib.stats().imports) == (202, 2)
    assert len(scans) == 2
