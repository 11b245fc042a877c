"""The about page: what this library holds and how its numbers are made,
with bar charts of papers and votes per day drawn here as inline SVG (no
script needed, and nothing for the Content-Security-Policy to refuse)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from paperscope.library import Library
from paperscope.web.deps import LibraryDep, NowDep, csrf_protect
from paperscope.web.views import PAGE_FORMATS, View, respond

router = APIRouter(dependencies=[Depends(csrf_protect)])
DAYS = 60  # days the plots cover, up to today
WIDTH, HEIGHT = 720, 120  # the plot area, in SVG units


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    day: str
    count: int


@dataclass(frozen=True)
class Plot:
    title: str
    unit: str  # "paper", "vote": the tooltip says "3 papers"
    bars: list[Bar]
    top: int  # the largest count: the height of the plot
    first: str
    last: str
    total: int


def plot(title: str, unit: str, days: list[str], counts: dict[str, int]) -> Plot:
    """One bar a day, scaled so the largest fills the plot's height."""
    top = max((counts.get(d, 0) for d in days), default=0)
    step = WIDTH / max(1, len(days))
    bars = []
    for i, day in enumerate(days):
        n = counts.get(day, 0)
        h = HEIGHT * n / top if top else 0.0
        bars.append(Bar(round(i * step + step * 0.1, 2), round(HEIGHT - h, 2),
                        round(step * 0.8, 2), round(h, 2), day, n))  # fmt: skip
    total = sum(counts.get(d, 0) for d in days)
    return Plot(title, unit, bars, top, days[0], days[-1], total)


def per_day(library: Library, today: date) -> tuple[list[str], dict[str, int], dict[str, int]]:
    days = [(today - timedelta(days=n)).isoformat() for n in range(DAYS - 1, -1, -1)]
    papers = library.activity.papers_per_day(days[0], days[-1])
    votes = library.activity.votes_per_day(days[0], days[-1])
    return days, papers, votes


@router.get("/about", response_class=HTMLResponse, include_in_schema=False)
def about(request: Request, library: LibraryDep, now: NowDep, format: str = "html") -> Response:
    stats = library.stats(top=10)
    days, papers, votes = per_day(library, now.date())
    plots = [plot("Papers per day", "paper", days, papers),
             plot("Votes per day", "vote", days, votes)]  # fmt: skip

    def as_json(base: str) -> dict:
        return {
            "stats": vars(stats),
            "per_day": [
                {"day": d, "papers": papers.get(d, 0), "votes": votes.get(d, 0)} for d in days
            ],  # fmt: skip
        }

    view = View(
        template="about.html",
        title="About",
        description="What this paperscope library holds, and how its numbers are made.",
        papers=[],
        json=as_json,
        formats=PAGE_FORMATS,
        context={
            "stats": stats,
            "plots": plots,
            "plot_width": WIDTH,
            "plot_height": HEIGHT,
            "days": DAYS,
        },  # fmt: skip
    )
    return respond(request, view, format)
