"""SQL for lenses and their webhook deliveries (tables from migration 0010).

Like :class:`~paperscope.store.base.Store`, this is the only place these
tables are written. The rules (what a lens may hold, how it matches, how a
webhook is signed and retried) live in :mod:`paperscope.lenses`.

Every change to a lens moves the site's change counter (its feeds are
public pages the page cache keeps). Every write names the lens's owner as well as its id and touches nothing
unless both match, as collections do, so a caller that forgot to check
ownership still cannot change someone else's lens. A lens's feeds are found
by their token alone: the token is the feed reader's key, and making a new
one is how an owner revokes the old address.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field

import orjson

from paperscope.store.base import Store, pages_changed, utcnow

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"

_COLUMNS = (
    "id, user_id, name, q, categories, authors, about, ranked, in_digest, feed_token,"
    " webhook_url, webhook_secret, webhook_since, created_at, updated_at"
)
_LENS = f"SELECT {_COLUMNS} FROM lenses"


@dataclass(frozen=True)
class Lens:
    """A saved view as stored; :func:`paperscope.lenses.lens_fields` checks what goes in."""

    id: int
    user_id: int
    name: str
    q: str = ""
    categories: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    about: str = ""
    ranked: bool = False
    in_digest: bool = True
    feed_token: str = ""
    webhook_url: str = ""
    webhook_secret: str = ""
    webhook_since: str = ""
    created_at: str = ""
    updated_at: str = ""

    def as_dict(self) -> dict:
        """What the owner may see of it (the webhook secret included: they verify with it)."""
        return {
            "id": self.id,
            "name": self.name,
            "q": self.q,
            "categories": list(self.categories),
            "authors": list(self.authors),
            "about": self.about,
            "ranked": self.ranked,
            "in_digest": self.in_digest,
            "webhook_url": self.webhook_url,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }


@dataclass(frozen=True)
class Delivery:
    lens_id: int
    paper_id: str
    status: str
    attempts: int
    next_at: str
    last_error: str = ""


@dataclass
class LensFields:
    """What a person sets on a lens (checked by :func:`paperscope.lenses.lens_fields`)."""

    name: str
    q: str = ""
    categories: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    about: str = ""
    ranked: bool = False
    in_digest: bool = True
    webhook_url: str = ""


class NameTaken(ValueError):
    """The owner has another lens of that name."""


class LensStore:
    def __init__(self, store: Store):
        self.store = store

    # -- lenses -----------------------------------------------------------------------

    def add(self, user_id: int, fields: LensFields) -> Lens:
        now = utcnow()
        secret = secrets.token_urlsafe(32) if fields.webhook_url else ""
        since = now[:10] if fields.webhook_url else ""
        try:
            with self.store.transaction() as conn:
                (lens_id,) = conn.execute(
                    f"INSERT INTO lenses ({_COLUMNS.split(', ', 1)[1]})"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    (
                        user_id,
                        *_values(fields),
                        secrets.token_urlsafe(24),
                        fields.webhook_url,
                        secret,
                        since,
                        now,
                        now,
                    ),  # fmt: skip
                ).fetchone()
        except self.store.IntegrityError:
            raise NameTaken(f"you have a lens named {fields.name!r} already") from None
        made = self.get(lens_id, user_id)
        assert made is not None  # just inserted
        return made

    def update(self, lens_id: int, user_id: int, fields: LensFields) -> Lens | None:
        """Change a lens; None if it is not this owner's. A webhook set for the
        first time (or moved to a new URL) gets a secret, and starts from today."""
        old = self.get(lens_id, user_id)
        if old is None:
            return None
        secret, since = old.webhook_secret, old.webhook_since
        if fields.webhook_url and fields.webhook_url != old.webhook_url:
            secret, since = secrets.token_urlsafe(32), utcnow()[:10]
        elif not fields.webhook_url:
            secret, since = "", ""
        try:
            with self.store.transaction() as conn:
                conn.execute(
                    "UPDATE lenses SET name = ?, q = ?, categories = ?, authors = ?, about = ?,"
                    " ranked = ?, in_digest = ?, webhook_url = ?, webhook_secret = ?,"
                    " webhook_since = ?, updated_at = ? WHERE id = ? AND user_id = ?",
                    (
                        *_values(fields),
                        fields.webhook_url,
                        secret,
                        since,
                        utcnow(),
                        lens_id,
                        user_id,
                    ),  # fmt: skip
                )
                if fields.webhook_url != old.webhook_url:  # a new receiver starts afresh
                    conn.execute("DELETE FROM lens_deliveries WHERE lens_id = ?", (lens_id,))
                pages_changed(conn)
        except self.store.IntegrityError:
            raise NameTaken(f"you have a lens named {fields.name!r} already") from None
        return self.get(lens_id, user_id)

    def delete(self, lens_id: int, user_id: int) -> bool:
        with self.store.transaction() as conn:
            gone = conn.execute(
                "DELETE FROM lenses WHERE id = ? AND user_id = ?", (lens_id, user_id)
            ).rowcount
            pages_changed(conn)
            return gone > 0

    def new_feed_token(self, lens_id: int, user_id: int) -> Lens | None:
        """Revoke the lens's feed address by giving it a new one."""
        with self.store.transaction() as conn:
            conn.execute(
                "UPDATE lenses SET feed_token = ?, updated_at = ? WHERE id = ? AND user_id = ?",
                (secrets.token_urlsafe(24), utcnow(), lens_id, user_id),
            )
            pages_changed(conn)
        return self.get(lens_id, user_id)

    def get(self, lens_id: int, user_id: int | None = None) -> Lens | None:
        """A lens by id; with ``user_id``, only if that person owns it."""
        if not 0 < lens_id < 2**63:
            return None
        if user_id is None:
            row = self.store.conn.execute(f"{_LENS} WHERE id = ?", (lens_id,)).fetchone()
        else:
            row = self.store.conn.execute(
                f"{_LENS} WHERE id = ? AND user_id = ?", (lens_id, user_id)
            ).fetchone()
        return None if row is None else _lens(row)

    def by_feed_token(self, token: str) -> Lens | None:
        if not token or len(token) > 100:
            return None
        row = self.store.conn.execute(f"{_LENS} WHERE feed_token = ?", (token,)).fetchone()
        return None if row is None else _lens(row)

    def of_user(self, user_id: int) -> list[Lens]:
        """A person's lenses, by name."""
        rows = self.store.conn.execute(
            f"{_LENS} WHERE user_id = ? ORDER BY name, id", (user_id,)
        ).fetchall()
        return [_lens(r) for r in rows]

    def of_users(self, user_ids: list[int], *, in_digest: bool = True) -> dict[int, list[Lens]]:
        """The digest lenses of many people at once (one query)."""
        if not user_ids:
            return {}
        rows = self.store.conn.execute(
            f"{_LENS} WHERE {self.store.in_list('user_id')} AND in_digest >= ?"
            " ORDER BY user_id, name, id",
            (self.store.list_arg(user_ids), int(in_digest)),
        ).fetchall()
        found: dict[int, list[Lens]] = {}
        for row in rows:
            found.setdefault(row[1], []).append(_lens(row))
        return found

    def count(self, user_id: int) -> int:
        return self.store.conn.execute(
            "SELECT count(*) FROM lenses WHERE user_id = ?", (user_id,)
        ).fetchone()[0]

    def with_webhooks(self, *, after: int = 0, limit: int = 1_000) -> list[Lens]:
        """Lenses that have a webhook, by id, ``limit`` after ``after``."""
        rows = self.store.conn.execute(
            f"{_LENS} WHERE webhook_url <> '' AND id > ? ORDER BY id LIMIT ?", (after, limit)
        ).fetchall()
        return [_lens(r) for r in rows]

    # -- descriptions as embedded -------------------------------------------------------

    def about_vectors(self, hashes: list[str], model: str) -> dict[str, bytes]:
        """The stored embeddings (float32 bytes) of descriptions by text hash."""
        if not hashes:
            return {}
        rows = self.store.conn.execute(
            "SELECT text_hash, vector FROM lens_about_vectors"
            f" WHERE model = ? AND {self.store.in_list('text_hash')}",
            (model, self.store.list_arg(hashes)),
        ).fetchall()
        return {h: bytes(v) for h, v in rows}

    def keep_about_vectors(self, model: str, vectors: dict[str, bytes]) -> None:
        if not vectors:
            return
        with self.store.transaction() as conn:
            conn.executemany(
                "INSERT INTO lens_about_vectors (text_hash, model, vector) VALUES (?, ?, ?)"
                " ON CONFLICT (text_hash, model) DO NOTHING",
                [(h, model, v) for h, v in vectors.items()],
            )

    def forget_about_vectors(self) -> None:
        """Empty the cache of embedded descriptions (a benchmark's first run)."""
        with self.store.transaction() as conn:
            conn.execute("DELETE FROM lens_about_vectors")

    # -- deliveries ---------------------------------------------------------------------

    def record_matches(self, lens_id: int, paper_ids: Iterable[str], now: str) -> int:
        """Note new matches as pending; those noted before stay as they are.
        Returns how many were new."""
        rows = [(lens_id, pid, PENDING, now, now) for pid in dict.fromkeys(paper_ids)]
        if not rows:
            return 0
        with self.store.transaction() as conn:
            before = conn.execute(
                "SELECT count(*) FROM lens_deliveries WHERE lens_id = ?", (lens_id,)
            ).fetchone()[0]
            conn.executemany(
                "INSERT INTO lens_deliveries (lens_id, paper_id, status, next_at, found_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (lens_id, paper_id) DO NOTHING",
                rows,
            )
            after = conn.execute(
                "SELECT count(*) FROM lens_deliveries WHERE lens_id = ?", (lens_id,)
            ).fetchone()[0]
        return after - before

    def due(self, lens_id: int, now: str, limit: int = 100) -> list[Delivery]:
        """The lens's pending matches whose time has come, oldest found first."""
        rows = self.store.conn.execute(
            "SELECT lens_id, paper_id, status, attempts, next_at, last_error FROM lens_deliveries"
            " WHERE lens_id = ? AND status = ? AND next_at <= ? ORDER BY found_at, paper_id"
            " LIMIT ?",
            (lens_id, PENDING, now, limit),
        ).fetchall()
        return [Delivery(*r) for r in rows]

    def deliveries(self, lens_id: int) -> list[Delivery]:
        rows = self.store.conn.execute(
            "SELECT lens_id, paper_id, status, attempts, next_at, last_error FROM lens_deliveries"
            " WHERE lens_id = ? ORDER BY found_at, paper_id",
            (lens_id,),
        ).fetchall()
        return [Delivery(*r) for r in rows]

    def settle(
        self, lens_id: int, paper_ids: list[str], *, status: str, attempts: int, next_at: str,
        error: str = "",
    ) -> None:  # fmt: skip
        """After a try: delivered, failed for good, or pending again until ``next_at``."""
        done = utcnow() if status == DELIVERED else None
        with self.store.transaction() as conn:
            conn.executemany(
                "UPDATE lens_deliveries SET status = ?, attempts = ?, next_at = ?,"
                " last_error = ?, delivered_at = ? WHERE lens_id = ? AND paper_id = ?"
                " AND status = ?",
                [
                    (status, attempts, next_at, error[:500], done, lens_id, pid, PENDING)
                    for pid in paper_ids
                ],  # fmt: skip
            )


def _values(fields: LensFields) -> tuple:
    return (
        fields.name,
        fields.q,
        orjson.dumps(fields.categories).decode(),
        orjson.dumps(fields.authors).decode(),
        fields.about,
        int(fields.ranked),
        int(fields.in_digest),
    )


def _lens(row: tuple) -> Lens:
    return Lens(
        id=row[0], user_id=row[1], name=row[2], q=row[3],
        categories=tuple(str(c) for c in orjson.loads(row[4])),
        authors=tuple(str(a) for a in orjson.loads(row[5])),
        about=row[6], ranked=bool(row[7]), in_digest=bool(row[8]), feed_token=row[9],
        webhook_url=row[10], webhook_secret=row[11], webhook_since=row[12],
        created_at=row[13], updated_at=row[14],
    )  # fmt: skip
