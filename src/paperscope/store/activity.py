"""SQL for the library's activity over time: papers per feed day and votes per
day, what the /about page plots."""

from __future__ import annotations

from paperscope.store.base import Store


class ActivityStore:
    def __init__(self, store: Store):
        self.store = store

    def papers_per_day(self, first: str, last: str) -> dict[str, int]:
        """``{day: papers that entered the daily feed that day}``, days ``first``
        to ``last`` (ISO dates, inclusive); days without any are left out."""
        rows = self.store.reader.execute(
            "SELECT feed_date, count(*) FROM papers WHERE feed_date BETWEEN ? AND ?"
            " GROUP BY feed_date",
            (first, last),
        )
        return dict(rows.fetchall())

    def votes_per_day(self, first: str, last: str) -> dict[str, int]:
        """``{day: votes cast that day (UTC)}``, as papers_per_day. Votes taken
        back are gone, so this counts the votes that stand."""
        rows = self.store.reader.execute(
            "SELECT substr(created_at, 1, 10), count(*) FROM votes"
            " WHERE created_at >= ? AND created_at < ? GROUP BY 1",
            (first, last + "T99"),  # every time of the last day sorts below "T99"
        )
        return dict(rows.fetchall())
