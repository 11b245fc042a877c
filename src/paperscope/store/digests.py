"""SQL for digests: subscriptions, the record of every digest sent, and the
instance's signing secret (tables from migration 0006).

Like :class:`~paperscope.store.base.Store`, this is the only place these tables are written.
The rules (when a digest is sent, what it holds, how links are signed) live
in :mod:`paperscope.digest`. A digest's searches are its subscriber's lenses
(:mod:`paperscope.store.lenses`): migration 0010 turned every saved search
into a lens and emptied ``subscriptions.searches``, which is still read, so
that a row written by an older paperscope reads as it was, but nothing
sends it any more.

Sending a digest exactly once rests on one row per subscriber per period in
``digest_sends``: :meth:`DigestStore.claim` turns "nobody has sent it" into
"this job is sending it" in one transaction, so two jobs running at once, or
a job run twice, can never both send one person the same digest.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

import orjson

from paperscope.store.base import Store, utcnow

PERIODS = ("daily", "weekly")
# What a row of digest_sends may say. "sending" is written before the message
# goes to the mail server and replaced after; "failed" may be claimed again.
SENDING, SENT, EMPTY, FAILED = "sending", "sent", "empty", "failed"


@dataclass(frozen=True)
class SavedSearch:
    """A saved search of before lenses (keywords, an exact author, a category):
    only read from old rows, never sent (see the module docstring)."""

    q: str = ""
    author: str = ""
    cat: str = ""

    def as_dict(self) -> dict[str, str]:
        return {k: v for k, v in (("q", self.q), ("author", self.author), ("cat", self.cat)) if v}


@dataclass(frozen=True)
class Subscription:
    user_id: int
    period: str  # daily or weekly
    trending: bool = True
    recommended: bool = False
    searches: tuple[SavedSearch, ...] = field(default_factory=tuple)
    created_at: str = ""
    updated_at: str = ""


@dataclass(frozen=True)
class Subscriber:
    """A subscription with where to send it and what this period's row says."""

    subscription: Subscription
    email: str
    name: str
    status: str | None  # this period's digest_sends status; None when there is no row


_SUBSCRIPTION = (
    "SELECT user_id, period, trending, recommended, searches, created_at, updated_at"
    " FROM subscriptions"
)


class DigestStore:
    def __init__(self, store: Store):
        self.store = store

    # -- subscriptions ------------------------------------------------------------

    def subscription(self, user_id: int) -> Subscription | None:
        row = self.store.conn.execute(f"{_SUBSCRIPTION} WHERE user_id = ?", (user_id,)).fetchone()
        return None if row is None else _subscription(row)

    def save_subscription(
        self,
        user_id: int,
        *,
        period: str,
        trending: bool,
        recommended: bool,
        searches: list[SavedSearch] | tuple[SavedSearch, ...] = (),
    ) -> Subscription:
        """Create or replace a user's subscription (one per user). ``searches``
        only keeps old rows as they were (copies, exports): digests send lenses."""
        now = utcnow()
        payload = orjson.dumps([s.as_dict() for s in searches]).decode()
        with self.store.transaction() as conn:
            conn.execute(
                "INSERT INTO subscriptions (user_id, period, trending, recommended, searches,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (user_id) DO UPDATE SET period = excluded.period,"
                " trending = excluded.trending, recommended = excluded.recommended,"
                " searches = excluded.searches, updated_at = excluded.updated_at",
                (user_id, period, int(trending), int(recommended), payload, now, now),
            )
            row = conn.execute(f"{_SUBSCRIPTION} WHERE user_id = ?", (user_id,)).fetchone()
        return _subscription(row)

    def delete_subscription(self, user_id: int) -> bool:
        """Stop a user's digests; returns whether there was a subscription."""
        with self.store.transaction() as conn:
            return (
                conn.execute("DELETE FROM subscriptions WHERE user_id = ?", (user_id,)).rowcount > 0
            )

    def count_subscribers(self, period: str) -> int:
        return self.store.conn.execute(
            "SELECT count(*) FROM subscriptions WHERE period = ?", (period,)
        ).fetchone()[0]

    def subscribers(
        self, period: str, period_key: str, *, after: int = 0, limit: int = 1_000
    ) -> list[Subscriber]:
        """The next ``limit`` subscribers of ``period`` with a user id above
        ``after`` (pages by key, so each batch costs the same however far in),
        each with the status of their ``period_key`` digest."""
        rows = self.store.conn.execute(
            "SELECT s.user_id, s.period, s.trending, s.recommended, s.searches, s.created_at,"
            " s.updated_at, u.email, u.name, d.status"
            " FROM subscriptions s JOIN users u ON u.id = s.user_id"
            " LEFT JOIN digest_sends d ON d.period_key = ? AND d.user_id = s.user_id"
            " WHERE s.period = ? AND s.user_id > ? ORDER BY s.user_id LIMIT ?",
            (period_key, period, after, limit),
        ).fetchall()
        return [Subscriber(_subscription(r[:7]), r[7], r[8], r[9]) for r in rows]

    # -- sends --------------------------------------------------------------------

    def claim(self, period_key: str, user_id: int, message_id: str, status: str = SENDING) -> bool:
        """Record that this job takes the user's ``period_key`` digest: True
        when there was no row, or a row another run marked failed or empty
        (both may be tried again); False when it is sent or being sent.

        One statement in one transaction: of two jobs claiming at once,
        exactly one gets True. ``status`` is ``sending`` before a message goes
        out, or ``empty`` to record in one step that there was nothing to send.
        """
        with self.store.transaction() as conn:
            return (
                conn.execute(
                    "INSERT INTO digest_sends (period_key, user_id, status, message_id, updated_at)"
                    " VALUES (?, ?, ?, ?, ?) ON CONFLICT (period_key, user_id) DO UPDATE SET"
                    " status = excluded.status, message_id = excluded.message_id,"
                    " updated_at = excluded.updated_at"
                    " WHERE digest_sends.status IN (?, ?)",
                    (period_key, user_id, status, message_id, utcnow(), FAILED, EMPTY),
                ).rowcount
                > 0
            )

    def mark(self, period_key: str, user_id: int, status: str) -> None:
        """Settle a claimed (``sending``) row as ``sent`` or ``failed``."""
        with self.store.transaction() as conn:
            conn.execute(
                "UPDATE digest_sends SET status = ?, updated_at = ?"
                " WHERE period_key = ? AND user_id = ? AND status = ?",
                (status, utcnow(), period_key, user_id, SENDING),
            )

    # -- the instance secret ------------------------------------------------------

    def secret(self, name: str) -> str:
        """The instance secret ``name``, made (32 random bytes, hex) on first use.

        Insert unless present, then SELECT: of two processes making it at once,
        one row wins and both read that one.
        """
        found = self.store.conn.execute(
            "SELECT value FROM instance_secrets WHERE name = ?", (name,)
        ).fetchone()
        if found is not None:
            return found[0]
        with self.store.transaction() as conn:
            conn.execute(
                "INSERT INTO instance_secrets (name, value) VALUES (?, ?) ON CONFLICT DO NOTHING",
                (name, secrets.token_hex(32)),
            )
            return conn.execute(
                "SELECT value FROM instance_secrets WHERE name = ?", (name,)
            ).fetchone()[0]


def _subscription(row: tuple) -> Subscription:
    searches = tuple(
        SavedSearch(str(s.get("q", "")), str(s.get("author", "")), str(s.get("cat", "")))
        for s in orjson.loads(row[4])
        if isinstance(s, dict)
    )
    return Subscription(
        user_id=row[0], period=row[1], trending=bool(row[2]), recommended=bool(row[3]),
        searches=searches, created_at=row[5], updated_at=row[6],
    )  # fmt: skip
