"""Feed periods and the trending formula (paperscope.daily), without a database."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from paperscope.daily import BadPeriod, parse_period, rank_trending, score, week_period
from paperscope.models import Paper


@pytest.mark.parametrize(
    "kind, text, first, last, key",
    [
        ("day", "2026-11-20", "2026-11-20", "2026-11-20", "2026-11-20"),
        ("week", "2026-W47", "2026-11-16", "2026-11-22", "2026-W47"),
        ("week", "2026-W01", "2025-12-29", "2026-01-04", "2026-W01"),  # ISO weeks cross years
        ("week", "2020-W53", "2020-12-28", "2021-01-03", "2020-W53"),
        ("month", "2024-02", "2024-02-01", "2024-02-29", "2024-02"),
        ("month", "2026-12", "2026-12-01", "2026-12-31", "2026-12"),
    ],
)
def test_periods_read_and_write_back(kind, text, first, last, key):
    period = parse_period(kind, text)
    assert (period.first.isoformat(), period.last.isoformat(), period.key) == (first, last, key)


@pytest.mark.parametrize(
    "kind, text, words",
    [
        ("day", "2026-02-29", "not a real day"),
        ("day", "2026-11-31", "not a real day"),
        ("day", "20261120", "YYYY-MM-DD"),
        ("week", "2025-W53", "not a real week"),  # 2025 has 52 ISO weeks (2026 has 53)
        ("week", "2026-W00", "not a real week"),
        ("month", "2026-13", "not a real month"),
        ("month", "26-11", "YYYY-MM"),
        ("year", "2026", "unknown period 'year'"),
    ],
)
def test_bad_periods_say_what_is_wrong(kind, text, words):
    with pytest.raises(BadPeriod, match=words):
        parse_period(kind, text)


def test_shifting_moves_by_whole_periods_across_years():
    assert parse_period("day", "2026-01-01").shifted(-1).key == "2025-12-31"
    assert parse_period("week", "2026-W01").shifted(-1).key == "2025-W52"
    assert parse_period("month", "2026-01").shifted(-1).key == "2025-12"
    assert parse_period("month", "2026-12").shifted(1).key == "2027-01"
    assert week_period(date(2026, 11, 22)).key == "2026-W47"  # a Sunday ends its week
    assert parse_period("week", "2026-W47").label == "Week 47 of 2026: 16 Nov – 22 Nov 2026"


def test_the_trending_score_is_the_published_formula():
    now = datetime(2026, 11, 20, 12, tzinfo=UTC)
    value, age = score(10, "2026-11-20", now)
    assert age == 12 and value == pytest.approx(10 / 14**1.5)
    assert score(10, None, now) is None and score(10, "someday", now) is None
    assert score(-3, "2026-11-20", now)[0] == 0  # a negative count from a source is no count
    papers = [
        Paper(id="old", title="a", upvotes=60, feed_date="2026-11-18"),
        Paper(id="new", title="b", upvotes=12, feed_date="2026-11-20"),
        Paper(id="none", title="c", upvotes=99),
        Paper(id="tie", title="d", upvotes=12, feed_date="2026-11-20"),
    ]
    assert [t.paper.id for t in rank_trending(papers, now)] == ["new", "tie", "old"]
