"""The demo corpus: synthetic papers in a daily feed, labelled and kept apart from real ones."""

from __future__ import annotations

import sqlite3
import statistics
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from typer.testing import CliRunner

from paperscope.cli import app
from paperscope.demo import demo_papers
from paperscope.importers.base import Item
from paperscope.importers.jsonl import to_dict
from paperscope.library import ImportReport, Library
from paperscope.models import is_hash_id

TODAY = date(2026, 11, 21)  # a Saturday
COUNT = 3000
DAYS = 45


@pytest.fixture(scope="module")
def papers():
    return list(demo_papers(COUNT, today=TODAY, days=DAYS))


def test_the_same_arguments_give_the_same_papers(papers):
    again = list(demo_papers(COUNT, today=TODAY, days=DAYS))
    assert [to_dict(p) for p in again] == [to_dict(p) for p in papers]
    other = list(demo_papers(COUNT, today=TODAY, days=DAYS, seed=2))
    assert {p.id for p in other}.isdisjoint({p.id for p in papers})


def test_no_paper_has_an_arxiv_id_or_points_at_arxiv(papers):
    assert len(papers) == COUNT
    assert len({p.id for p in papers}) == COUNT
    for paper in papers:
        assert is_hash_id(paper.id) and paper.arxiv_id is None
        assert paper.links == {} and paper.doi == "" and paper.versions == []
        assert "arxiv.org" not in str(to_dict(paper)).lower()
        assert paper.sources == ["demo"]


def test_papers_fill_the_window_and_are_published_before_their_feed_day(papers):
    first = TODAY - timedelta(days=DAYS - 1)
    feed_days = [date.fromisoformat(p.feed_date) for p in papers]
    assert feed_days == sorted(feed_days)
    assert min(feed_days) == first and max(feed_days) == TODAY
    assert len(set(feed_days)) == DAYS  # every day of the window has papers
    for paper, feed_day in zip(papers, feed_days, strict=True):
        published = datetime.strptime(paper.published, "%Y-%m-%dT%H:%M:%SZ").date()
        assert feed_day - timedelta(days=7) <= published < feed_day
        assert paper.title and paper.abstract and paper.authors and paper.categories
        assert paper.submitted_by and " " not in paper.submitted_by


def test_weekdays_carry_more_papers_than_weekends(papers):
    per_day = Counter(date.fromisoformat(p.feed_date) for p in papers)
    weekday = [n for day, n in per_day.items() if day.weekday() < 5]
    weekend = [n for day, n in per_day.items() if day.weekday() >= 5]
    assert statistics.mean(weekday) > 2 * statistics.mean(weekend)
    assert 0.5 * COUNT / DAYS < statistics.mean(weekday) < 2 * COUNT / DAYS


def test_upvotes_are_heavy_tailed(papers):
    upvotes = [p.upvotes for p in papers]
    assert statistics.median(upvotes) <= 5
    assert sum(u <= 15 for u in upvotes) / COUNT >= 0.85
    assert max(upvotes) >= 200
    assert 1 <= sum(u >= 100 for u in upvotes) <= 0.03 * COUNT
    # a few regular submitters and many occasional ones
    submitters = Counter(p.submitted_by for p in papers)
    assert submitters.most_common(1)[0][1] >= 50 and len(submitters) >= 500


def test_a_later_day_moves_the_feed_but_not_the_papers(db_path, papers):
    later = list(demo_papers(COUNT, today=TODAY + timedelta(days=10), days=DAYS))
    assert [p.id for p in later] == [p.id for p in papers]
    assert [p.upvotes for p in later] == [p.upvotes for p in papers]
    # loaded again later, they merge as unchanged: the feed keeps its first days
    with Library(db_path) as lib:
        for batch in (papers, later):
            report = ImportReport(source="demo test", format="demo")
            lib.import_items((Item(n, p) for n, p in enumerate(batch, 1)), report)
        assert (report.added, report.updated, report.unchanged) == (0, 0, COUNT)
        assert lib.get(papers[0].id).feed_date == papers[0].feed_date


def test_the_command_loads_the_corpus_once(db_path):
    runner = CliRunner()
    args = ["demo", "--papers", "300", "--days", "10", "--db", str(db_path), "-q"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "300 synthetic papers added" in first.output
    second = runner.invoke(app, args)
    assert second.exit_code == 0, second.output
    assert "0 synthetic papers added, 0 updated, 300 already there" in second.output

    conn = sqlite3.connect(db_path)
    try:
        imports = conn.execute("SELECT format, status, added, unchanged FROM imports").fetchall()
    finally:
        conn.close()
    assert imports == [("demo", "done", 300, 0), ("demo", "done", 0, 300)]
    with Library(db_path) as lib:
        stats = lib.stats()
        assert stats.papers == 300 and stats.by_source == {"demo": 300}
        today = datetime.now(UTC).date()  # the command's feed ends today, in UTC
        days = {p.feed_date for p in lib.store.iter_papers()}
        assert max(days) in (today.isoformat(), (today - timedelta(days=1)).isoformat())


def test_the_help_says_the_papers_are_synthetic():
    result = CliRunner().invoke(app, ["demo", "--help"])
    assert result.exit_code == 0 and "synthetic" in result.output
