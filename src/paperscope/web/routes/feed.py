"""The daily feed (a day, an ISO week or a month of it) and trending papers."""

from __future__ import annotations

from datetime import date, datetime

from fastapi import APIRouter, Depends
from fastapi.requests import Request
from fastapi.responses import HTMLResponse, Response

from paperscope.daily import (
    TRENDING_DAYS,
    BadPeriod,
    Period,
    day_period,
    month_period,
    parse_period,
    week_period,
)
from paperscope.library import Library
from paperscope.urls import paper_url, period_url
from paperscope.web import present
from paperscope.web.deps import LibraryDep, NowDep, PageParam, csrf_protect
from paperscope.web.views import FORMATS, FormatParam, View, errors, respond

router = APIRouter(dependencies=[Depends(csrf_protect)])
PAGE_SIZE = 50  # papers a page shows


def daily_view(library: Library, period: Period, page: int, today: date, *,
               latest_note: bool = False) -> View:  # fmt: skip
    offset = (page - 1) * PAGE_SIZE
    listing = library.feed(period, limit=PAGE_SIZE, offset=offset)
    if page > 1 and not listing.papers:
        raise BadPeriod(f"page {page} is past the end: {period.label} has "
                        f"{listing.total} papers, {PAGE_SIZE} a page", param="page")  # fmt: skip
    prev_period, next_period = neighbours(library, period)

    def as_json(base: str) -> dict:
        return {
            "period": {"kind": period.kind, "key": period.key, "label": period.label,
                       "first": period.first.isoformat(), "last": period.last.isoformat()},
            "total": listing.total,
            "offset": listing.offset,
            "papers": [present.daily_item(p, base + paper_url(p)) for p in listing.papers],
            "previous": prev_period and period_url(prev_period),
            "next": next_period and period_url(next_period),
        }  # fmt: skip

    return View(
        template="daily.html",
        title=f"Daily papers: {period.label}",
        description=f"Papers of the daily feed, {period.label}, by upvotes.",
        papers=listing.papers,
        listing=listing,
        json=as_json,
        context={
            "period": period,
            "prev_period": prev_period,
            "next_period": next_period,
            "views": {
                "day": day_period(period.first),
                "week": week_period(period.first),
                "month": month_period(period.first.year, period.first.month),
            },
            "latest_note": latest_note and period.first != today,
            "today": today,
            "empty_library": listing.total == 0 and library.latest_feed_day() is None,
        },
    )


def home_period(library: Library, today: date) -> tuple[Period, bool]:
    """Today, or the latest day with papers before it; and whether it moved."""
    latest = library.latest_feed_day(today)
    return day_period(latest or today), latest is not None and latest != today


def neighbours(library: Library, period: Period) -> tuple[Period | None, Period | None]:
    """The periods of the same kind holding the nearest days with papers."""
    before, after = library.neighbour_feed_days(period.first, period.last)

    def same_kind(day: date | None) -> Period | None:
        if day is None:
            return None
        if period.kind == "day":
            return day_period(day)
        if period.kind == "week":
            return week_period(day)
        return month_period(day.year, day.month)

    return same_kind(before), same_kind(after)


@router.get(
    "/",
    response_class=HTMLResponse,
    summary="Today's daily papers (or the latest day)",
    responses=errors(400, formats=FORMATS),
)
def home(request: Request, library: LibraryDep, now: NowDep, page: PageParam = 1,
         format: FormatParam = "html") -> Response:  # fmt: skip
    period, moved = home_period(library, now.date())
    view = daily_view(library, period, page, now.date(), latest_note=moved)
    return respond(request, view, format)


@router.get(
    "/papers/date/{day}",
    response_class=HTMLResponse,
    summary="A day of the feed",
    responses=errors(400, formats=FORMATS),
)
def by_day(request: Request, library: LibraryDep, now: NowDep, day: str, page: PageParam = 1,
           format: FormatParam = "html") -> Response:  # fmt: skip
    return respond(request, daily_view(library, parse_period("day", day), page, now.date()), format)


@router.get(
    "/papers/week/{week}",
    response_class=HTMLResponse,
    summary="An ISO week",
    responses=errors(400, formats=FORMATS),
)
def by_week(request: Request, library: LibraryDep, now: NowDep, week: str, page: PageParam = 1,
            format: FormatParam = "html") -> Response:  # fmt: skip
    view = daily_view(library, parse_period("week", week), page, now.date())
    return respond(request, view, format)


@router.get(
    "/papers/month/{month}",
    response_class=HTMLResponse,
    summary="A month",
    responses=errors(400, formats=FORMATS),
)
def by_month(request: Request, library: LibraryDep, now: NowDep, month: str,
             page: PageParam = 1, format: FormatParam = "html") -> Response:  # fmt: skip
    view = daily_view(library, parse_period("month", month), page, now.date())
    return respond(request, view, format)


def trending_view(library: Library, now: datetime, limit: int) -> View:
    result = library.trending(now, limit=limit)

    def as_json(base: str) -> dict:
        return {
            "as_of": result.as_of.isoformat(),
            "window_days": TRENDING_DAYS,
            "formula": "upvotes / (age_hours + age_offset_hours) ** gravity",
            "papers": [present.trend_json(t, base + paper_url(t.paper)) for t in result.trends],
        }

    return View(
        template="trending.html",
        title="Trending papers",
        description=f"Papers of the last {TRENDING_DAYS} days by upvotes, decayed by age.",
        papers=[t.paper for t in result.trends],
        json=as_json,
        context={"trending": result},
    )


@router.get(
    "/trending",
    response_class=HTMLResponse,
    summary="Trending papers, with reasons",
    responses=errors(400, formats=FORMATS),
)
def trending(
    request: Request, library: LibraryDep, now: NowDep, format: FormatParam = "html"
) -> Response:
    return respond(request, trending_view(library, now, PAGE_SIZE), format)
