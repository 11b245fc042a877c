"""The daily feed: days, weeks and months of papers, and what is trending.

A period is a day (``2026-11-20``), an ISO week (``2026-W47``, Monday to
Sunday) or a month (``2026-11``); :func:`parse_period` reads all three and
says what is wrong with anything else. Papers enter the feed on a day (their
``feed_date``); a period lists its papers by upvotes, then by arrival.

Trending is a formula anyone can check, shown next to every score::

    score = upvotes / (age_hours + 2) ** GRAVITY

``age_hours`` runs from the start (00:00 UTC) of the day the paper entered the
feed. Every paper from the last ``TRENDING_DAYS`` days takes part. The +2 keeps a paper that arrived a
minute ago from dividing by nearly zero. With a gravity of 1.5, at noon a
paper from yesterday needs about four times the upvotes of one from today to
rank level with it, and one from a week ago about 47 times. This is Hacker
News's published ranking formula, with its constants, applied to feed days.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from paperscope.errors import BadInput
from paperscope.models import Paper

TRENDING_DAYS = 7
GRAVITY = 1.5
AGE_OFFSET_HOURS = 2.0

_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_WEEK = re.compile(r"(\d{4})-W(\d{2})")
_MONTH = re.compile(r"(\d{4})-(\d{2})")


# A day as options and forms give it: ASCII digits only ('٣' and '²' are
# digits to Python's int() and str.isdigit()).
DAY_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


def parse_day(text: str) -> date | None:
    """``YYYY-MM-DD`` as a day the calendar has, or None."""
    if not DAY_SHAPE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:  # month 13, 30 February
        return None


class BadPeriod(BadInput):
    """A day, week or month that cannot be read; the message says why."""


@dataclass(frozen=True)
class Period:
    """A span of whole days, inclusive at both ends."""

    kind: str  # "day", "week" or "month"
    first: date
    last: date

    @property
    def key(self) -> str:
        """How the period is written in URLs: ``2026-11-20``, ``2026-W47``, ``2026-11``."""
        if self.kind == "day":
            return self.first.isoformat()
        if self.kind == "week":
            year, week, _ = self.first.isocalendar()
            return f"{year}-W{week:02d}"
        return self.first.strftime("%Y-%m")

    @property
    def label(self) -> str:
        """How the period reads on a page."""
        if self.kind == "day":
            return self.first.strftime("%A, %-d %B %Y")
        if self.kind == "week":
            return f"Week {self.key[6:]} of {self.key[:4]}: {self.first:%-d %b} – {self.last:%-d %b %Y}"
        return self.first.strftime("%B %Y")

    def shifted(self, steps: int) -> Period:
        """The period ``steps`` periods later (earlier when negative)."""
        if self.kind == "day":
            return day_period(self.first + timedelta(days=steps))
        if self.kind == "week":
            return week_period(self.first + timedelta(weeks=steps))
        month = self.first.year * 12 + self.first.month - 1 + steps
        return month_period(month // 12, month % 12 + 1)


def day_period(day: date) -> Period:
    return Period("day", day, day)


def week_period(day: date) -> Period:
    """The ISO week (Monday to Sunday) that holds ``day``; the calendar's last
    week (9999-W52) ends on its last day, 9999-12-31."""
    monday = day - timedelta(days=day.weekday())
    return Period("week", monday, _plus_days(monday, 6))


def _plus_days(day: date, days: int) -> date:
    """``day`` plus ``days``, stopping at the calendar's last day instead of failing."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max


def month_period(year: int, month: int) -> Period:
    first = date(year, month, 1)
    return Period("month", first, date(year, month, calendar.monthrange(year, month)[1]))


def parse_period(kind: str, text: str) -> Period:
    """Read a day, week or month as written in URLs; :class:`BadPeriod` if it is not one."""
    text = text.strip()
    try:
        if kind == "day" and (m := _DAY.fullmatch(text)):
            return day_period(date(int(m[1]), int(m[2]), int(m[3])))
        if kind == "week" and (m := _WEEK.fullmatch(text)):
            return week_period(date.fromisocalendar(int(m[1]), int(m[2]), 1))
        if kind == "month" and (m := _MONTH.fullmatch(text)):
            return month_period(int(m[1]), int(m[2]))
    except ValueError as exc:  # 2026-02-30, week 54, month 13
        raise BadPeriod(f"{text!r} is not a real {kind}: {exc}") from None
    shape = {"day": "YYYY-MM-DD", "week": "YYYY-Www (an ISO week, e.g. 2026-W47)",
             "month": "YYYY-MM"}.get(kind)  # fmt: skip
    if shape is None:
        raise BadPeriod(f"unknown period {kind!r}: use day, week or month")
    raise BadPeriod(f"{text!r} is not a {kind}: write it as {shape}")


@dataclass(frozen=True)
class Trend:
    """A paper's trending score with the parts it is made of."""

    paper: Paper
    upvotes: int
    age_hours: float
    score: float

    def explain(self) -> str:
        return (
            f"{self.upvotes} upvotes ÷ ({self.age_hours:.0f} h + {AGE_OFFSET_HOURS:g})"
            f"^{GRAVITY:g} = {self.score:.4f}"
        )

    def as_dict(self) -> dict:
        return {
            "score": round(self.score, 6),
            "upvotes": self.upvotes,
            "age_hours": round(self.age_hours, 2),
            "gravity": GRAVITY,
            "age_offset_hours": AGE_OFFSET_HOURS,
            "formula": "upvotes / (age_hours + age_offset_hours) ** gravity",
            "explanation": self.explain(),
        }


def score(upvotes: int, feed_date: str | None, now: datetime) -> tuple[float, float] | None:
    """``(score, age_hours)`` of a paper with ``upvotes`` that entered the feed on
    ``feed_date``, at ``now``; None without a readable feed day."""
    if not feed_date:
        return None
    try:
        entered = datetime.fromisoformat(feed_date[:10]).replace(tzinfo=UTC)
    except ValueError:
        return None
    age = max(0.0, (now - entered).total_seconds() / 3600)
    return max(0, upvotes) / (age + AGE_OFFSET_HOURS) ** GRAVITY, age


def trend(paper: Paper, now: datetime) -> Trend | None:
    """The trending score of ``paper`` at ``now``, or None if it has no feed day."""
    found = score(paper.total_upvotes, paper.feed_date, now)
    return None if found is None else Trend(paper, max(0, paper.total_upvotes), found[1], found[0])


def trending_order(score_and_age: tuple[float, float], paper_id: str) -> tuple:
    """The sort key of the ranking: higher score first, then newer, then id."""
    return -score_and_age[0], score_and_age[1], paper_id


def rank_trending(papers: list[Paper], now: datetime) -> list[Trend]:
    """``papers`` by trending score at ``now``, highest first (ties: newer, then id)."""
    trends = [t for p in papers if (t := trend(p, now)) is not None]
    trends.sort(key=lambda t: trending_order((t.score, t.age_hours), t.paper.id))
    return trends
