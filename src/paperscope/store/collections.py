"""SQL for what people keep and say: collections of papers and comments on
papers (tables from migration 0006).

Like :class:`CommunityStore`, this is the only place these tables are
written; it runs on the store's per-thread connections and transactions.

Decisions:
- Every write to a collection names its owner as well as its id and touches
  nothing unless both match, so a caller that forgot to check ownership
  still cannot change someone else's collection.
- Names are 1 to 80 characters once runs of whitespace are folded to one
  space, and unique per person (case counts, as the schema's UNIQUE says).
  Comment bodies are 1 to 5,000 characters once stripped, with Windows line
  ends made ``\\n``.
- ``collection_papers.added_at`` has microseconds, since "newest added
  first" must hold for papers saved within the same second.
- Replies are one level deep: a reply names a top comment (``parent_id``),
  and a reply to a reply is stored under that reply's top comment, so a
  thread is a comment and a flat list of answers.
- A deleted comment keeps its row (``deleted_at`` set) and is left out of
  everything read here, except a deleted top comment that still has live
  replies: it comes back with an empty body and ``deleted`` set, so the
  replies keep their place under a "[deleted]" line.
- A comment whose author deleted their account stays, with no author
  (``user_id`` NULL, ``author`` empty): the page says "deleted account".
- Its author may edit a comment for :data:`EDIT_MINUTES` after posting it,
  by the caller's clock (the web app's, which tests move); an edit sets
  ``edited_at``. The time check is in the UPDATE itself.
- Changes that people who are not signed in can see (comments, a shared
  collection and its papers, sharing and unsharing) move the site's change
  counter (``Store.data_version``), so the page cache
  (:mod:`paperscope.web.cache`) drops pages that showed the old state at once:
  an unshared link must stop working, not keep being served from the cache for
  another minute. The papers' own change sequence stays, so the search
  indexes see nothing to do.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from paperscope.errors import BadInput
from paperscope.models import Paper
from paperscope.store.base import Connection, Store, pages_changed, utcnow

NAME_MAX = 80
BODY_MAX = 5_000
EDIT_MINUTES = 15  # how long after posting its author may edit a comment
_MAX_ID = 2**63 - 1  # the largest integer SQLite and PostgreSQL (bigint) hold

_COLLECTION = (
    "SELECT c.id, c.user_id, u.name, c.name, c.share_token, c.created_at,"
    " (SELECT count(*) FROM collection_papers p WHERE p.collection_id = c.id)"
    " FROM collections c JOIN users u ON u.id = c.user_id"
)
_COMMENT_COLUMNS = (
    "SELECT m.id, m.paper_id, m.user_id, coalesce(u.name, ''),"
    " CASE WHEN m.deleted_at IS NULL THEN m.body ELSE '' END, m.created_at,"
    " m.parent_id, m.edited_at, m.deleted_at IS NOT NULL"
    " FROM comments m LEFT JOIN users u ON u.id = m.user_id"
)
_COMMENT = f"{_COMMENT_COLUMNS} WHERE m.deleted_at IS NULL"
# A paper's thread: live comments, and deleted top comments that live replies still answer.
_THREAD = (
    f"{_COMMENT_COLUMNS} WHERE (m.deleted_at IS NULL OR (m.parent_id IS NULL AND EXISTS"
    " (SELECT 1 FROM comments r WHERE r.parent_id = m.id AND r.deleted_at IS NULL)))"
)


@dataclass(frozen=True)
class Collection:
    id: int
    user_id: int
    owner: str  # the owner's name
    name: str
    share_token: str | None  # None while private
    created_at: str
    size: int  # how many papers it holds


@dataclass(frozen=True)
class Comment:
    id: int
    paper_id: str
    user_id: int | None  # None: the author deleted their account
    author: str  # the author's name; empty for a deleted account
    body: str  # plain text, as typed; empty for a deleted comment kept for its replies
    created_at: str
    parent_id: int | None = None  # the top comment this one answers; None: a top comment
    edited_at: str | None = None
    deleted: bool = False  # only a top comment with live replies is read back deleted


class InvalidInput(BadInput):
    """A name or comment that cannot be stored; the message says why."""


class EditClosed(InvalidInput):
    """An edit asked for after the comment's edit window closed."""

    status = 403


def clean_name(name: str) -> str:
    """A collection name as stored: whitespace folded, 1 to 80 characters."""
    name = " ".join(name.split())
    if not 1 <= len(name) <= NAME_MAX:
        raise InvalidInput(
            f"a collection name is 1 to {NAME_MAX} characters (this one has {len(name)})"
        )
    return name


def clean_body(body: str) -> str:
    """A comment as stored: stripped, ``\\n`` line ends, 1 to 5,000 characters."""
    body = body.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not 1 <= len(body) <= BODY_MAX:
        raise InvalidInput(
            f"a comment is 1 to {BODY_MAX:,} characters (this one has {len(body):,})"
        )
    return body


class CollectionStore:
    def __init__(self, store: Store):
        self.store = store

    # -- collections ------------------------------------------------------------

    def create(self, user_id: int, name: str) -> Collection:
        """A new, private, empty collection; InvalidInput for a bad or taken name."""
        name = clean_name(name)
        with self.store.transaction() as conn:
            try:
                (new_id,) = conn.execute(
                    "INSERT INTO collections (user_id, name, created_at) VALUES (?, ?, ?)"
                    " RETURNING id",
                    (user_id, name, utcnow()),
                ).fetchone()
            except self.store.IntegrityError:
                raise InvalidInput(f"you already have a collection named {name!r}") from None
            found = self._get(conn, new_id)
        assert found is not None
        return found

    def rename(self, user_id: int, collection_id: int, name: str) -> Collection | None:
        """The collection under its new name; None if it is not ``user_id``'s."""
        name = clean_name(name)
        with self.store.transaction() as conn:
            try:
                cur = conn.execute(
                    "UPDATE collections SET name = ? WHERE id = ? AND user_id = ?",
                    (name, _id(collection_id), user_id),
                )
            except self.store.IntegrityError:
                raise InvalidInput(f"you already have a collection named {name!r}") from None
            if not cur.rowcount:
                return None
            found = self._get(conn, collection_id)
            if found is not None and found.share_token:
                pages_changed(conn)
            return found

    def delete(self, user_id: int, collection_id: int) -> bool:
        """Delete a collection (its papers stay in the library); False if not ``user_id``'s."""
        with self.store.transaction() as conn:
            row = conn.execute(
                "DELETE FROM collections WHERE id = ? AND user_id = ? RETURNING share_token",
                (_id(collection_id), user_id),
            ).fetchone()
            if row is not None and row[0]:
                pages_changed(conn)
            return row is not None

    def collections_of(self, user_id: int) -> list[Collection]:
        """A person's collections with their sizes, by name."""
        rows = self.store.conn.execute(
            f"{_COLLECTION} WHERE c.user_id = ? ORDER BY lower(c.name), c.id", (user_id,)
        )
        return [Collection(*row) for row in rows]

    def get(self, collection_id: int) -> Collection | None:
        """A collection by id, whoever owns it: the caller decides who may see it."""
        return self._get(self.store.conn, collection_id)

    def by_token(self, token: str) -> Collection | None:
        """The collection shared under ``token``, if it still is."""
        if not token:
            return None
        row = self.store.conn.execute(f"{_COLLECTION} WHERE c.share_token = ?", (token,)).fetchone()
        return None if row is None else Collection(*row)

    def share(self, user_id: int, collection_id: int) -> str | None:
        """Share a collection by a new link and return its token; a link given
        out before stops working. None if the collection is not ``user_id``'s."""
        token = secrets.token_urlsafe(18)
        with self.store.transaction() as conn:
            cur = conn.execute(
                "UPDATE collections SET share_token = ? WHERE id = ? AND user_id = ?",
                (token, _id(collection_id), user_id),
            )
            if not cur.rowcount:
                return None
            pages_changed(conn)
            return token

    def unshare(self, user_id: int, collection_id: int) -> bool:
        """Make a collection private again; False if it is not ``user_id``'s."""
        with self.store.transaction() as conn:
            row = conn.execute(
                "UPDATE collections SET share_token = NULL WHERE id = ? AND user_id = ?"
                " RETURNING id",
                (_id(collection_id), user_id),
            ).fetchone()
            if row is not None:
                pages_changed(conn)
            return row is not None

    # -- the papers in them -------------------------------------------------------

    def add_paper(self, user_id: int, collection_id: int, paper_id: str) -> bool:
        """Put a paper in a collection of ``user_id``'s; False if it was there
        already (or the collection is not theirs)."""
        with self.store.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO collection_papers (collection_id, paper_id, added_at)"
                " SELECT id, ?, ? FROM collections WHERE id = ? AND user_id = ?"
                " ON CONFLICT DO NOTHING",
                (paper_id, _precise_now(), _id(collection_id), user_id),
            )
            self._changed_if_shared(conn, collection_id, cur.rowcount)
            return cur.rowcount > 0

    def remove_paper(self, user_id: int, collection_id: int, paper_id: str) -> bool:
        """Take a paper out of a collection of ``user_id``'s; False if it was not in it."""
        with self.store.transaction() as conn:
            cur = conn.execute(
                "DELETE FROM collection_papers WHERE paper_id = ? AND collection_id ="
                " (SELECT id FROM collections WHERE id = ? AND user_id = ?)",
                (paper_id, _id(collection_id), user_id),
            )
            self._changed_if_shared(conn, collection_id, cur.rowcount)
            return cur.rowcount > 0

    def papers(self, collection_id: int) -> list[Paper]:
        """The papers of a collection, the most recently added first."""
        ids = [
            row[0]
            for row in self.store.conn.execute(
                "SELECT paper_id FROM collection_papers WHERE collection_id = ?"
                " ORDER BY added_at DESC, paper_id",
                (_id(collection_id),),
            )
        ]
        return self.store.get_many(ids)

    def holding(self, user_id: int, paper_id: str) -> set[int]:
        """The ids of ``user_id``'s collections that hold this paper."""
        rows = self.store.conn.execute(
            "SELECT c.id FROM collections c JOIN collection_papers p ON p.collection_id = c.id"
            " WHERE c.user_id = ? AND p.paper_id = ?",
            (user_id, paper_id),
        )
        return {row[0] for row in rows}

    # -- comments ---------------------------------------------------------------------

    def add_comment(
        self,
        user_id: int,
        paper_id: str,
        body: str,
        *,
        reply_to: int | None = None,
        now: datetime | None = None,
    ) -> Comment:
        """A new comment on a paper, or a reply to one of its comments (a reply
        to a reply answers that reply's top comment), posted at ``now`` (the
        caller's clock; the edit window counts from it). InvalidInput if the
        body is empty or too long, or ``reply_to`` is no live comment of this paper."""
        body = clean_body(body)
        with self.store.transaction() as conn:
            parent = None
            if reply_to is not None:
                row = conn.execute(
                    "SELECT coalesce(parent_id, id) FROM comments"
                    " WHERE id = ? AND paper_id = ? AND deleted_at IS NULL",
                    (_id(reply_to), paper_id),
                ).fetchone()
                if row is None:
                    raise InvalidInput(f"there is no comment {reply_to} on this paper to reply to")
                parent = row[0]
            (new_id,) = conn.execute(
                "INSERT INTO comments (paper_id, user_id, parent_id, body, created_at)"
                " VALUES (?, ?, ?, ?, ?) RETURNING id",
                (paper_id, user_id, parent, body, _stamp(now) if now else utcnow()),
            ).fetchone()
            pages_changed(conn)
            row = conn.execute(f"{_COMMENT} AND m.id = ?", (new_id,)).fetchone()
        return _comment(row)

    def comments(self, paper_id: str) -> list[Comment]:
        """A paper's comments, oldest first: top comments and replies alike
        (``parent_id`` tells them apart). Deleted ones are left out, but for a
        deleted top comment that live replies answer (see the module)."""
        rows = self.store.conn.execute(
            f"{_THREAD} AND m.paper_id = ? ORDER BY m.created_at, m.id", (paper_id,)
        )
        return [_comment(row) for row in rows]

    def comment(self, comment_id: int) -> Comment | None:
        """A comment by id; None if there is none or it was deleted."""
        row = self.store.conn.execute(f"{_COMMENT} AND m.id = ?", (_id(comment_id),)).fetchone()
        return None if row is None else _comment(row)

    def comments_of(
        self, user_id: int, *, limit: int | None = None, offset: int = 0
    ) -> list[Comment]:
        """A person's live comments and replies, newest first (all of them
        without ``limit``)."""
        page = "" if limit is None else f" LIMIT {int(limit)} OFFSET {int(offset)}"
        rows = self.store.conn.execute(
            f"{_COMMENT} AND m.user_id = ? ORDER BY m.created_at DESC, m.id DESC{page}",
            (user_id,),
        )
        return [_comment(row) for row in rows]

    def edit_comment(
        self, user_id: int, comment_id: int, body: str, now: datetime
    ) -> Comment | None:
        """The comment with its new body, marked edited; None if it is not a
        live comment of ``user_id``'s. InvalidInput (EditClosed) for a bad body,
        or once :data:`EDIT_MINUTES` have passed since it was posted."""
        body = clean_body(body)
        since = _stamp(now - timedelta(minutes=EDIT_MINUTES))
        with self.store.transaction() as conn:
            row = conn.execute(
                "UPDATE comments SET body = ?, edited_at = ?"
                " WHERE id = ? AND user_id = ? AND deleted_at IS NULL AND created_at >= ?"
                " RETURNING id",
                (body, _stamp(now), _id(comment_id), user_id, since),
            ).fetchone()
            if row is None:
                found = conn.execute(
                    "SELECT created_at FROM comments"
                    " WHERE id = ? AND user_id = ? AND deleted_at IS NULL",
                    (_id(comment_id), user_id),
                ).fetchone()
                if found is None:
                    return None
                raise EditClosed(
                    f"a comment can be edited for {EDIT_MINUTES} minutes after it is posted,"
                    f" and this one was posted at {found[0][:16].replace('T', ' ')} UTC"
                )
            pages_changed(conn)
            return _comment(conn.execute(f"{_COMMENT} AND m.id = ?", (row[0],)).fetchone())

    def delete_comment(self, comment_id: int) -> bool:
        """Delete a comment (its row stays, marked); False if it was gone already.
        Who may do this is the caller's decision."""
        with self.store.transaction() as conn:
            cur = conn.execute(
                "UPDATE comments SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL",
                (utcnow(), _id(comment_id)),
            )
            if cur.rowcount:
                pages_changed(conn)
            return cur.rowcount > 0

    # -- helpers ------------------------------------------------------------------------

    def _get(self, conn: Connection, collection_id: int) -> Collection | None:
        row = conn.execute(f"{_COLLECTION} WHERE c.id = ?", (_id(collection_id),)).fetchone()
        return None if row is None else Collection(*row)

    def _changed_if_shared(self, conn: Connection, collection_id: int, rows: int) -> None:
        """Move the change counter if ``rows`` papers changed in a shared collection."""
        if not rows:
            return
        row = conn.execute(
            "SELECT share_token FROM collections WHERE id = ?", (collection_id,)
        ).fetchone()
        if row is not None and row[0]:
            pages_changed(conn)


def _id(value: int) -> int:
    """An id as SQLite can take it: one too big for an integer (from a URL) names
    nothing, instead of raising OverflowError."""
    return value if 0 < value <= _MAX_ID else 0


def editable(comment: Comment, now: datetime) -> bool:
    """Whether ``comment``'s edit window is still open at ``now`` (the rule
    :meth:`CollectionStore.edit_comment` applies)."""
    return comment.created_at >= _stamp(now - timedelta(minutes=EDIT_MINUTES))


def _comment(row: tuple) -> Comment:
    cid, paper_id, user_id, author, body, created_at, parent_id, edited_at, deleted = row
    return Comment(cid, paper_id, user_id, author, body, created_at, parent_id, edited_at,
                   bool(deleted))  # fmt: skip


def _stamp(moment: datetime) -> str:
    """A time as the comments' columns hold it (ISO 8601, seconds, UTC)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _precise_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
