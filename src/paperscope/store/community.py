"""SQL for the people side: users, sessions, reset tokens, rate limits, votes
and submissions (tables from migration 0005).

Like :class:`~paperscope.store.base.Store`, this is the only place these tables are written.
It runs on the store's per-thread connections and transactions; the rules
(who may do what, how tokens are made) live in :mod:`paperscope.accounts`.
"""

from __future__ import annotations

from dataclasses import dataclass

from paperscope.store.base import Connection, Store, pages_changed, utcnow


@dataclass(frozen=True)
class User:
    id: int
    email: str
    name: str
    is_admin: bool
    created_at: str


_USER = "SELECT id, email, name, is_admin, created_at FROM users"
LOCK_SIGNUP = 1  # Store.lock keys: one number per section that must run alone


class Taken(ValueError):
    """An email address or name that another account already has."""


class CommunityStore:
    def __init__(self, store: Store):
        self.store = store

    # -- users ----------------------------------------------------------------

    def add_user(self, email: str, name: str, password_hash: str, *, admin: bool) -> User:
        """A new account; the first account of a library is always an admin."""
        with self.store.transaction() as conn:
            self.store.lock(conn, LOCK_SIGNUP)  # so only one account can be the first
            first = conn.execute("SELECT count(*) FROM users").fetchone()[0] == 0
            # SQLite gives a new row max(id) + 1, which is a deleted account's id
            # when the newest one was deleted: count on from the highest deleted.
            # (PostgreSQL's identity never hands an id out twice.)
            floor = conn.execute(
                "SELECT max(value) FROM counters WHERE name = 'last_deleted_user'"
            ).fetchone()[0]
            columns, values = "email, name, password_hash, is_admin, created_at", [
                email, name, password_hash, int(admin or first), utcnow()]  # fmt: skip
            if floor is not None and self.store.dialect == "sqlite":
                highest = conn.execute("SELECT coalesce(max(id), 0) FROM users").fetchone()[0]
                columns, values = "id, " + columns, [max(floor, highest) + 1, *values]
            marks = ", ".join("?" * len(values))
            try:
                (user_id,) = conn.execute(
                    f"INSERT INTO users ({columns}) VALUES ({marks}) RETURNING id", values
                ).fetchone()
            except self.store.IntegrityError as exc:
                what = "email address" if "email" in str(exc) else "name"
                raise Taken(f"that {what} already has an account") from None
            made = self.user(user_id, conn)
            assert made is not None  # just inserted, in this transaction
            return made

    def user(self, user_id: int, conn: Connection | None = None) -> User | None:
        row = (conn or self.store.conn).execute(f"{_USER} WHERE id = ?", (user_id,)).fetchone()
        return None if row is None else _user(row)

    def user_by_email(self, email: str) -> tuple[User, str] | None:
        """The user with this email (any case) and their password hash."""
        row = self.store.conn.execute(
            "SELECT id, email, name, is_admin, created_at, password_hash FROM users"
            " WHERE email = ?",
            (email,),
        ).fetchone()
        return None if row is None else (_user(row[:5]), row[5])

    def password_hash(self, user_id: int) -> str | None:
        row = self.store.conn.execute(
            "SELECT password_hash FROM users WHERE id = ?", (user_id,)
        ).fetchone()
        return None if row is None else row[0]

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        """The same password hashed anew (argon2's costs changed); nothing else changes."""
        with self.store.transaction() as conn:
            conn.execute(
                "UPDATE users SET password_hash = ? WHERE id = ?", (password_hash, user_id)
            )

    def set_admin(self, user_id: int, admin: bool) -> None:
        with self.store.transaction() as conn:
            conn.execute("UPDATE users SET is_admin = ? WHERE id = ?", (int(admin), user_id))

    # -- sessions and reset tokens -----------------------------------------------

    def add_session(self, token_hash: str, user_id: int, csrf: str, expires_at: str) -> None:
        with self.store.transaction() as conn:
            conn.execute(
                "INSERT INTO sessions VALUES (?, ?, ?, ?, ?)",
                (token_hash, user_id, csrf, utcnow(), expires_at),
            )

    def session(self, token_hash: str, now: str) -> tuple[User, str] | None:
        """The user and CSRF token of a session that has not expired."""
        row = self.store.conn.execute(
            "SELECT u.id, u.email, u.name, u.is_admin, u.created_at, s.csrf_token"
            " FROM sessions s JOIN users u ON u.id = s.user_id"
            " WHERE s.token_hash = ? AND s.expires_at > ?",
            (token_hash, now),
        ).fetchone()
        return None if row is None else (_user(row[:5]), row[5])

    def drop_session(self, token_hash: str) -> None:
        with self.store.transaction() as conn:
            conn.execute("DELETE FROM sessions WHERE token_hash = ?", (token_hash,))

    def add_reset(self, token_hash: str, user_id: int, expires_at: str) -> None:
        with self.store.transaction() as conn:
            conn.execute(
                "INSERT INTO password_resets (token_hash, user_id, expires_at) VALUES (?, ?, ?)",
                (token_hash, user_id, expires_at),
            )

    def use_reset(self, token_hash: str, now: str) -> int | None:
        """Spend a reset token: the user id if it was valid and unused, else None.
        Marking it used is one UPDATE, so two uses at once cannot both succeed."""
        with self.store.transaction() as conn:
            row = conn.execute(
                "UPDATE password_resets SET used_at = ?"
                " WHERE token_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING user_id",
                (now, token_hash, now),
            ).fetchone()
            return None if row is None else row[0]

    def reset_user(self, token_hash: str, now: str) -> int | None:
        """The user a reset token is for, if it is unused and unexpired (not spent)."""
        row = self.store.conn.execute(
            "SELECT user_id FROM password_resets"
            " WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?",
            (token_hash, now),
        ).fetchone()
        return None if row is None else row[0]

    def replace_password(self, user_id: int, password_hash: str, now: str) -> None:
        """A new password, in one transaction with its consequences: every
        unused reset token of the account is spent and every session ends."""
        with self.store.transaction() as conn:
            conn.execute(
                "UPDATE users SET password_hash = ? WHERE id = ?", (password_hash, user_id)
            )
            conn.execute(
                "UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL",
                (now, user_id),
            )
            conn.execute("DELETE FROM sessions WHERE user_id = ?", (user_id,))

    def count_admins(self) -> tuple[int, int]:
        """``(admins, accounts)``: whether deleting an admin would leave the site without one."""
        row = self.store.conn.execute(
            "SELECT count(*) FILTER (WHERE is_admin = 1), count(*) FROM users"
        ).fetchone()
        return row[0], row[1]

    def delete_user(self, user_id: int) -> bool:
        """Delete an account and what only it had, in one transaction; False if
        there was none. Its votes go (the vote triggers lower the papers'
        counts), and with the account its sessions, reset tokens, collections
        (shared ones too: their links stop working), digest subscription and
        sends, and its feed submissions' records; every other table that names
        an account goes by ``ON DELETE CASCADE``. Its comments stay, with no
        author (``ON DELETE SET NULL``). The papers it submitted stay in the
        feed, no longer "submitted by" its name."""
        with self.store.transaction() as conn:
            submitted = [
                row[0]
                for row in conn.execute(
                    "SELECT paper_id FROM submissions WHERE user_id = ?", (user_id,)
                )
            ]
            for paper_id in submitted:
                self._touch(conn, paper_id, "submitted_by = ''", ())
            conn.execute("DELETE FROM votes WHERE user_id = ?", (user_id,))
            gone = conn.execute("DELETE FROM users WHERE id = ?", (user_id,)).rowcount
            # Never give this id to another account (see add_user): signed links
            # (unsubscribe, "not interested") and rate-limit keys name users by id.
            conn.execute(
                "INSERT INTO counters (name, value) VALUES ('last_deleted_user', ?)"
                " ON CONFLICT (name) DO UPDATE SET value = CASE WHEN excluded.value"
                " > counters.value THEN excluded.value ELSE counters.value END",
                (user_id,),
            )
            # Comments now read "deleted account" and shared links are gone:
            # pages cached before must not be served again.
            pages_changed(conn)
            return gone > 0

    # -- what a person made, for their account page and export ---------------------------

    def upvotes_of(
        self, user_id: int, *, limit: int | None = None, offset: int = 0
    ) -> list[tuple[str, str]]:
        """``(paper id, when)`` of a person's upvotes, newest first (all without ``limit``)."""
        return self._dated_papers("votes", "created_at", user_id, limit, offset)

    def submissions_of(
        self, user_id: int, *, limit: int | None = None, offset: int = 0
    ) -> list[tuple[str, str]]:
        """``(paper id, when)`` of the papers a person put in the feed, newest first."""
        return self._dated_papers("submissions", "submitted_at", user_id, limit, offset)

    def _dated_papers(
        self, table: str, when: str, user_id: int, limit: int | None, offset: int
    ) -> list[tuple[str, str]]:
        """``(paper id, when)`` rows of one person in ``table`` (a name from
        this module, never from a request), newest first."""
        page = "" if limit is None else f" LIMIT {int(limit)} OFFSET {int(offset)}"
        rows = self.store.conn.execute(
            f"SELECT paper_id, {when} FROM {table} WHERE user_id = ?"
            f" ORDER BY {when} DESC, paper_id{page}",
            (user_id,),
        )
        return [(row[0], row[1]) for row in rows]

    # -- rate limits ----------------------------------------------------------------

    def hits(self, key: str, since: float) -> tuple[int, float | None]:
        """How many attempts ``key`` has after ``since``, and when the last was
        (without recording one)."""
        count, last = self.store.conn.execute(
            "SELECT count(*), max(at) FROM rate_events WHERE key = ? AND at > ?", (key, since)
        ).fetchone()
        return count, last

    def forget_hits(self, key: str) -> None:
        with self.store.transaction() as conn:
            conn.execute("DELETE FROM rate_events WHERE key = ?", (key,))

    def hit(self, key: str, at: float, window: float) -> int:
        """Record an attempt under ``key`` and return how many fell in the last
        ``window`` seconds, this one included (older ones are forgotten)."""
        with self.store.transaction() as conn:
            conn.execute("DELETE FROM rate_events WHERE key = ? AND at <= ?", (key, at - window))
            conn.execute("INSERT INTO rate_events VALUES (?, ?)", (key, at))
            (count,) = conn.execute("SELECT count(*) FROM rate_events WHERE key = ?", (key,))
            return count[0]

    # -- votes ------------------------------------------------------------------------

    def toggle_vote(self, user_id: int, paper_id: str) -> tuple[bool, int]:
        """Vote for a paper, or take the vote back; returns (voted now, total
        upvotes). One transaction, so concurrent votes are all counted."""
        with self.store.transaction() as conn:
            gone = conn.execute(
                "DELETE FROM votes WHERE user_id = ? AND paper_id = ?", (user_id, paper_id)
            ).rowcount
            if not gone:  # (a second click racing this one finds the vote there)
                conn.execute(
                    "INSERT INTO votes VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                    (user_id, paper_id, utcnow()),
                )
            total = conn.execute(
                "SELECT upvotes + votes FROM papers WHERE id = ?", (paper_id,)
            ).fetchone()[0]
            return not gone, total

    def voted(self, user_id: int, paper_ids: list[str]) -> set[str]:
        """Which of ``paper_ids`` this user has voted for."""
        if not paper_ids:
            return set()
        rows = self.store.conn.execute(
            f"SELECT paper_id FROM votes WHERE user_id = ? AND {self.store.in_list('paper_id')}",
            (user_id, self.store.list_arg(paper_ids)),
        )
        return {r[0] for r in rows}

    def interests(self, user_ids: list[int]) -> dict[int, dict[str, str]]:
        """``{user: {paper id: "saved" or "upvoted"}}``: what recommendations
        learn from. A paper both saved and upvoted counts as saved, the
        stronger sign."""
        found: dict[int, dict[str, str]] = {}
        if not user_ids:
            return found
        wanted = self.store.list_arg(user_ids)
        rows = self.store.conn.execute(
            "SELECT user_id, paper_id, 'upvoted' FROM votes"
            f" WHERE {self.store.in_list('user_id')}"
            " UNION ALL"
            " SELECT c.user_id, p.paper_id, 'saved' FROM collections c"
            " JOIN collection_papers p ON p.collection_id = c.id"
            f" WHERE {self.store.in_list('c.user_id')}",
            (wanted, wanted),
        )
        for uid, pid, action in rows:
            mine = found.setdefault(uid, {})
            if mine.get(pid) != "saved":
                mine[pid] = action
        return found

    # -- submissions ----------------------------------------------------------------------

    def submission(self, paper_id: str) -> tuple[int, str] | None:
        """``(user_id, day)`` of a paper's submission, if it has one."""
        row = self.store.conn.execute(
            "SELECT user_id, day FROM submissions WHERE paper_id = ?", (paper_id,)
        ).fetchone()
        return None if row is None else (row[0], row[1])

    def submissions_on(self, user_id: int, day: str) -> int:
        return self.store.conn.execute(
            "SELECT count(*) FROM submissions WHERE user_id = ? AND day = ?", (user_id, day)
        ).fetchone()[0]

    def submit(self, paper_id: str, user: User, day: str) -> bool:
        """Put a paper into the feed on ``day``, submitted by ``user``; False if
        it is in the feed already (checked in the same transaction, so of two
        people submitting one paper at once, one wins)."""
        with self.store.transaction() as conn:
            row = conn.execute(
                "SELECT feed_date FROM papers WHERE id = ?" + self.store.FOR_UPDATE, (paper_id,)
            ).fetchone()
            if row is None or row[0] is not None:
                return False
            added = conn.execute(
                "INSERT INTO submissions VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (paper_id, user.id, day, utcnow()),
            ).rowcount
            if not added:
                return False
            self._touch(conn, paper_id, "feed_date = ?, submitted_by = ?", (day, user.name))
            return True

    def withdraw(self, paper_id: str) -> bool:
        """Take a paper out of the feed (an admin's call); returns whether it was in."""
        with self.store.transaction() as conn:
            conn.execute("DELETE FROM submissions WHERE paper_id = ?", (paper_id,))
            row = conn.execute("SELECT feed_date FROM papers WHERE id = ?", (paper_id,)).fetchone()
            if row is None or row[0] is None:
                return False
            self._touch(conn, paper_id, "feed_date = NULL, submitted_by = ''", ())
            return True

    def _touch(self, conn: Connection, paper_id: str, sets: str, args: tuple) -> None:
        """Update a paper and move it to the end of the change sequence, so the
        indexes and the page cache see the change."""
        conn.execute("UPDATE counters SET value = value + 1 WHERE name = 'seq'")
        conn.execute(
            f"UPDATE papers SET {sets}, modified_at = ?,"
            " seq = (SELECT value FROM counters WHERE name = 'seq') WHERE id = ?",
            (*args, utcnow(), paper_id),
        )


def _user(row: tuple) -> User:
    return User(id=row[0], email=row[1], name=row[2], is_admin=bool(row[3]), created_at=row[4])
