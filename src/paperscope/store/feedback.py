"""SQL for what people tell their recommendations besides votes and
collections: "not interested", papers seen, and model resets (tables from
migration 0011; PostgreSQL 0007).

Like the other people-side stores, this is the only place these tables are
written, on the store's per-thread connections and transactions. What the
rows mean for a ranking is :mod:`paperscope.recommend`'s business.

Decisions:
- Every write is idempotent (``ON CONFLICT``): a double click, a digest sent
  again after a crash, or a reload of a paper page changes nothing.
- A reset is one timestamp per person, at the resolution of the votes'
  ``created_at`` (a second): everything made up to and including that
  second stops training the model. Comparing whole seconds is what keeps a
  save (microseconds) and a vote (seconds) of the same moment on one side.
- Dismissals are never forgotten by a reset: "not interested" keeps the
  paper out of recommendations; only its weight as a negative goes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from paperscope.store.base import Store, utcnow

HOW = ("digest", "opened")  # the ways a paper counts as seen


@dataclass(frozen=True)
class Feedback:
    """One person's feedback as their model uses it (see :meth:`FeedbackStore.of`)."""

    dismissed: dict[str, str]  # paper id: when
    seen: dict[str, list[str]]  # paper id: how (digest, opened)
    reset_at: str | None  # None: never reset


class FeedbackStore:
    def __init__(self, store: Store):
        self.store = store

    # -- not interested ------------------------------------------------------------

    def dismiss(self, user_id: int, paper_id: str) -> None:
        """Mark a paper "not interested" for this person (again: no change)."""
        with self.store.transaction() as conn:
            conn.execute(
                "INSERT INTO dismissals VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                (user_id, paper_id, utcnow()),
            )

    def undismiss(self, user_id: int, paper_id: str) -> None:
        """Take a "not interested" back (none: no change)."""
        with self.store.transaction() as conn:
            conn.execute(
                "DELETE FROM dismissals WHERE user_id = ? AND paper_id = ?", (user_id, paper_id)
            )

    def dismissed(self, user_ids: list[int]) -> dict[int, set[str]]:
        """``{user: paper ids they are not interested in}``, for those who have any."""
        return {uid: set(found) for uid, found in self.dismissed_since(user_ids).items()}

    def dismissed_since(self, user_ids: list[int]) -> dict[int, dict[str, bool]]:
        """``{user: {paper id: whether it was dismissed after their last reset}}``:
        every dismissed paper stays out of recommendations, and those after
        the reset also train the model."""
        found: dict[int, dict[str, bool]] = {}
        if not user_ids:
            return found
        rows = self.store.conn.execute(
            "SELECT d.user_id, d.paper_id,"
            " r.reset_at IS NULL OR substr(d.created_at, 1, 19) > substr(r.reset_at, 1, 19)"
            " FROM dismissals d LEFT JOIN model_resets r ON r.user_id = d.user_id"
            f" WHERE {self.store.in_list('d.user_id')}",
            (self.store.list_arg(user_ids),),
        )
        for uid, pid, counts in rows:
            found.setdefault(uid, {})[pid] = bool(counts)
        return found

    # -- seen ----------------------------------------------------------------------

    def mark_seen(self, user_id: int, paper_ids: Iterable[str], how: str) -> None:
        """Record that these papers were shown to (``"digest"``) or opened by
        (``"opened"``) this person; marking again changes nothing. Ids of
        papers the library does not hold are left out."""
        if how not in HOW:
            raise ValueError(f"how is one of {', '.join(HOW)}, not {how!r}")
        ids = sorted(set(paper_ids))
        if not ids:
            return
        with self.store.transaction() as conn:
            conn.execute(
                "INSERT INTO seen_papers (user_id, paper_id, how, seen_at)"
                f" SELECT ?, id, ?, ? FROM papers WHERE {self.store.in_list('id')}"
                " ON CONFLICT DO NOTHING",
                (user_id, how, utcnow(), self.store.list_arg(ids)),
            )

    def mark_opened(self, user_id: int, paper_id: str) -> None:
        """One paper opened by this person: the paper page's one insert."""
        with self.store.transaction() as conn:
            conn.execute(
                "INSERT INTO seen_papers VALUES (?, ?, 'opened', ?) ON CONFLICT DO NOTHING",
                (user_id, paper_id, utcnow()),
            )

    def seen(self, user_ids: list[int], among: Iterable[str] | None = None) -> dict[int, set[str]]:
        """``{user: paper ids seen in a digest or opened}``, for those who have
        any; with ``among``, only those papers (what a caller ranks: the rows
        of people who have read for years need not all be read)."""
        found: dict[int, set[str]] = {}
        if not user_ids:
            return found
        sql = f"SELECT user_id, paper_id FROM seen_papers WHERE {self.store.in_list('user_id')}"
        args: tuple = (self.store.list_arg(user_ids),)
        if among is not None:
            sql += f" AND {self.store.in_list('paper_id')}"
            args += (self.store.list_arg(list(among)),)
        rows = self.store.conn.execute(sql, args)
        for uid, pid in rows:
            found.setdefault(uid, set()).add(pid)
        return found

    # -- the model itself --------------------------------------------------------------

    def reset(self, user_id: int, at: str | None = None) -> str:
        """Make the person's model forget what they did up to ``at`` (now by
        default, as ``YYYY-MM-DDTHH:MM:SSZ``); returns the reset's time."""
        at = at or utcnow()
        with self.store.transaction() as conn:
            conn.execute(
                "INSERT INTO model_resets VALUES (?, ?)"
                " ON CONFLICT (user_id) DO UPDATE SET reset_at = excluded.reset_at",
                (user_id, at),
            )
        return at

    def resets(self, user_ids: list[int]) -> dict[int, str]:
        """``{user: when their model was last reset}``, for those ever reset."""
        if not user_ids:
            return {}
        rows = self.store.conn.execute(
            f"SELECT user_id, reset_at FROM model_resets WHERE {self.store.in_list('user_id')}",
            (self.store.list_arg(user_ids),),
        )
        return dict(rows)

    def forgotten(self, user_ids: list[int]) -> dict[int, set[str]]:
        """``{user: their upvoted or saved papers from before their last reset}``:
        still theirs (never recommended to them), no longer what their model
        learns from."""
        found: dict[int, set[str]] = {}
        if not user_ids:
            return found
        wanted = self.store.list_arg(user_ids)
        rows = self.store.conn.execute(
            "SELECT v.user_id, v.paper_id FROM votes v"
            " JOIN model_resets r ON r.user_id = v.user_id"
            f" WHERE {self.store.in_list('v.user_id')}"
            " AND substr(v.created_at, 1, 19) <= substr(r.reset_at, 1, 19)"
            " UNION ALL"
            " SELECT c.user_id, p.paper_id FROM collections c"
            " JOIN collection_papers p ON p.collection_id = c.id"
            " JOIN model_resets r ON r.user_id = c.user_id"
            f" WHERE {self.store.in_list('c.user_id')}"
            " AND substr(p.added_at, 1, 19) <= substr(r.reset_at, 1, 19)",
            (wanted, wanted),
        )
        for uid, pid in rows:
            found.setdefault(uid, set()).add(pid)
        return found

    def of(self, user_id: int) -> Feedback:
        """All of one person's feedback, with times (the model page and its export)."""
        conn = self.store.conn
        dismissed = dict(
            conn.execute(
                "SELECT paper_id, created_at FROM dismissals WHERE user_id = ?"
                " ORDER BY created_at DESC, paper_id",
                (user_id,),
            ).fetchall()
        )
        seen: dict[str, list[str]] = {}
        for pid, how in conn.execute(
            "SELECT paper_id, how FROM seen_papers WHERE user_id = ?"
            " ORDER BY seen_at DESC, paper_id, how",
            (user_id,),
        ):
            seen.setdefault(pid, []).append(how)
        return Feedback(dismissed, seen, self.resets([user_id]).get(user_id))
