"""The store: the one place that writes SQL, whichever database holds the library.

Writes happen in explicit transactions, one per batch, so an import killed at
any moment leaves the database as it was after the last whole batch, and
running the import again finishes it without duplicates (records are merged by
identity keys, never blindly inserted).

Each thread gets its own connection (``Store.conn``), so the web service's
worker threads read concurrently and a transaction in one thread never sees,
or ends, another thread's statements.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

import orjson

from paperscope.models import (
    Paper,
    Version,
    canonical,
    hash_id,
    is_hash_id,
    merge,
    same_work,
    work_id,
)

_COLUMNS = (
    "id", "title", "abstract", "authors", "author_count", "published", "updated",
    "versions", "categories", "doi", "journal_ref", "comments",
    "license", "submitter", "links", "sources", "upvotes", "feed_date", "submitted_by",
    "journal", "volume", "issue", "pages",
)  # fmt: skip
# Read, never written by save_papers: votes are counted by triggers (0005).
_SELECT = "SELECT " + ", ".join(_COLUMNS) + ", votes FROM papers"
_SELECT_WITH_SEQ = "SELECT " + ", ".join(_COLUMNS) + ", votes, seq FROM papers"
_INSERT = (
    f"INSERT INTO papers ({', '.join(_COLUMNS)}, created_at, modified_at, seq) "
    f"VALUES ({', '.join('?' * (len(_COLUMNS) + 3))})"
)
_UPDATE = (
    "UPDATE papers SET "
    + ", ".join(f"{c} = ?" for c in _COLUMNS[1:])
    + ", modified_at = ?, seq = ? WHERE id = ?"
)
_SET_KEY = "INSERT INTO paper_keys VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET paper_id = excluded.paper_id"
_SET_REMOVED = (
    "INSERT INTO removed_papers VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq"
)
# Moving what people made from a removed duplicate to the kept paper
# (parameters: kept id, removed id); what cannot move (a second vote by the
# same person) goes with the removed paper.
_MOVE_CONTRIBUTIONS = (
    "INSERT INTO votes (user_id, paper_id, created_at)"
    " SELECT user_id, ?, created_at FROM votes WHERE paper_id = ? ON CONFLICT DO NOTHING",
    "INSERT INTO collection_papers (collection_id, paper_id, added_at)"
    " SELECT collection_id, ?, added_at FROM collection_papers WHERE paper_id = ?"
    " ON CONFLICT DO NOTHING",
    "INSERT INTO submissions (paper_id, user_id, day, submitted_at)"
    " SELECT ?, user_id, day, submitted_at FROM submissions WHERE paper_id = ?"
    " ON CONFLICT DO NOTHING",
    "UPDATE comments SET paper_id = ? WHERE paper_id = ?",
    # What people told their recommendations, and what lenses delivered: the
    # kept paper is not recommended, nor posted to a webhook, again.
    "INSERT INTO dismissals (user_id, paper_id, created_at)"
    " SELECT user_id, ?, created_at FROM dismissals WHERE paper_id = ? ON CONFLICT DO NOTHING",
    "INSERT INTO seen_papers (user_id, paper_id, how, seen_at)"
    " SELECT user_id, ?, how, seen_at FROM seen_papers WHERE paper_id = ? ON CONFLICT DO NOTHING",
    "INSERT INTO lens_deliveries (lens_id, paper_id, status, attempts, next_at, last_error,"
    " found_at, delivered_at) SELECT lens_id, ?, status, attempts, next_at, last_error, found_at,"
    " delivered_at FROM lens_deliveries WHERE paper_id = ? ON CONFLICT DO NOTHING",
)
_HARVEST = (
    "name", "params", "resumption_token", "pages", "records", "last_datestamp", "complete",
    "updated_at",
)  # fmt: skip


class Connection(Protocol):
    """What the store needs of a connection: sqlite3's, or the PostgreSQL wrapper."""

    @property
    def in_transaction(self) -> bool: ...

    def execute(self, sql: str, args: Any = ..., /) -> Any: ...
    def executemany(self, sql: str, rows: Iterable, /) -> Any: ...
    def close(self) -> None: ...


# Which numbered migrations a database has had, on either backend.
SCHEMA_MIGRATIONS = (
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
)


def migrations(dialect: str) -> list[tuple[int, str, str]]:
    """The numbered SQL migrations shipped for ``dialect`` (the folder's name
    under ``store/migrations/``), in order: ``(number, file name, SQL)``."""
    folder = resources.files("paperscope.store") / "migrations" / dialect
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            number = int(entry.name.split("_", 1)[0])
            found.append((number, entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


def check_version(location: str, done: set[int], shipped: list[tuple[int, str, str]]) -> None:
    """Refuse a schema with migrations this code does not ship: a newer
    paperscope made it, and this one would misread it (``no such column``)."""
    unknown = done - {number for number, _, _ in shipped}
    if unknown:
        known = max((number for number, _, _ in shipped), default=0)
        raise StoreError(
            f"{location} was made by a newer paperscope (schema version {max(unknown)}; "
            f"this one knows up to {known}): upgrade paperscope to use it"
        )


def pages_changed(conn: Connection) -> None:
    """Move the site's change counter: pages the page cache (paperscope.web.cache)
    kept before this change are not served again. For changes that pages show
    but the search indexes need not see (the papers' own sequence stays):
    comments, shared collections, lenses' feeds, the map, a deleted account."""
    conn.execute("UPDATE counters SET value = value + 1 WHERE name = 'site'")


def utcnow() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def redact(url: str) -> str:
    """A database URL fit for messages and logs: any password replaced by ***."""
    url = re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)
    return re.sub(r"(password=)[^&]*", r"\1***", url)


class StoreError(Exception):
    """The database cannot be opened or used; the message says why."""


@dataclass
class Changes:
    """What one :meth:`Store.save_papers` wrote, for an index kept in step as
    it goes: the change sequence ran from ``before`` (exclusive) to ``after``,
    ``papers`` are the records as stored (new ones flagged in ``new_ids``) and
    ``removed`` the ids that left (folded into another paper, or renamed)."""

    before: int
    after: int
    papers: list[Paper]
    new_ids: set[str]
    removed: list[str]


@dataclass
class BatchResult:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    # Only set by save_papers for its own batch; a sum of results has none.
    changes: Changes | None = field(default=None, compare=False, repr=False)

    def __iadd__(self, other: BatchResult) -> BatchResult:
        self.added += other.added
        self.updated += other.updated
        self.unchanged += other.unchanged
        return self


@dataclass
class _Entry:
    paper: Paper
    db_id: str | None  # the id it has in the database now; None if new
    original: Paper | None
    keys: list[str] | None = None  # the paper's keys, when already computed


class Store:
    """Papers, their keys and bookkeeping in one database.

    The SQL here runs unchanged on SQLite and PostgreSQL: ``?`` placeholders
    (the PostgreSQL connection translates them), ``ON CONFLICT`` upserts and
    ``RETURNING``. What differs between the two is a handful of hooks that
    :class:`~paperscope.store.sqlite.SQLiteStore` and
    :class:`~paperscope.store.postgres.PostgresStore` fill in: connecting and
    migrating, passing a list as one parameter, locking, bulk loads.
    """

    dialect = ""
    #: The driver's unique/foreign-key violation, for ``except`` clauses.
    IntegrityError: type[Exception] = Exception
    #: How a write transaction starts: SQLite takes the write lock at once.
    BEGIN = "BEGIN"
    #: Appended to a SELECT that a transaction will update (PostgreSQL row
    #: locks; SQLite has one writer at a time anyway).
    FOR_UPDATE = ""
    #: Whether reads that may lag go to a read replica (see :attr:`reader`).
    has_replica = False

    def __init__(self) -> None:
        self._local = threading.local()
        self._open: list[tuple[threading.Thread, Connection]] = []
        self._open_lock = threading.Lock()

    @property
    def location(self) -> str:
        """Where the library is, for messages (never with a password)."""
        raise NotImplementedError

    @property
    def files_dir(self) -> Path:
        """Where files that belong to the library are kept (the mail outbox)."""
        raise NotImplementedError

    # -- locks between processes: one holder of a named job at a time -------

    def try_lock(self, name: str) -> bool:
        """Take the lock ``name`` for this process if no other holds it; True if held.
        It goes with its holder, even on a crash."""
        raise NotImplementedError

    def unlock(self, name: str) -> None:
        raise NotImplementedError

    def lock_holder(self, name: str) -> int | None:
        """The process id holding lock ``name``, where the backend can tell."""
        return None

    # -- connections: subclasses say how to open one -----------------------

    def _connect(self, *, replica: bool = False) -> Connection:
        raise NotImplementedError

    @property
    def conn(self) -> Connection:
        """This thread's connection to the primary, opened on its first use in the thread."""
        conn = getattr(self._local, "conn", None)
        if conn is None or getattr(conn, "broken", False):
            # A dropped connection (a server restart, a failover) fails the
            # statement that found it; the thread's next one reconnects.
            conn = self._adopt(self._connect(), "conn")
        return conn

    @property
    def reader(self) -> Connection:
        """This thread's connection for reads that may lag a little (pages,
        search): the read replica when one is configured, else :attr:`conn`."""
        if not self.has_replica:
            return self.conn
        conn = getattr(self._local, "reader", None)
        if conn is None or getattr(conn, "broken", False):
            conn = self._adopt(self._connect(replica=True), "reader")
        return conn

    def _adopt(self, conn: Connection, name: str = "conn") -> Connection:
        setattr(self._local, name, conn)
        with self._open_lock:
            # Thread pools retire idle threads (the web server's after 10 s):
            # their connections would stay open for good, so close them here,
            # with any that broke.
            for thread, old in list(self._open):
                if not thread.is_alive() or getattr(old, "broken", False):
                    old.close()
                    self._open.remove((thread, old))
            self._open.append((threading.current_thread(), conn))
        return conn

    def open_connections(self) -> int:
        """How many connections this store holds open, for all threads."""
        with self._open_lock:
            return len(self._open)

    def close(self) -> None:
        """Close every thread's connections."""
        with self._open_lock:
            conns, self._open = self._open, []
        for _, conn in conns:
            conn.close()
        self._local = threading.local()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One write transaction: committed whole or rolled back whole."""
        self.begin()
        try:
            yield self.conn
            self.commit()
        except BaseException:
            # Also reached when Ctrl-C lands between the body and COMMIT.
            self.rollback()
            raise

    def begin(self) -> None:
        self.conn.execute(self.BEGIN)

    def commit(self) -> None:
        self.conn.execute("COMMIT")

    def rollback(self) -> None:
        """Roll back this thread's open transaction, if there is one."""
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    # -- what differs between the SQL dialects ------------------------------

    def in_list(self, column: str) -> str:
        """``column IN`` one list parameter (see :meth:`list_arg`): one
        prepared statement whatever the list's length."""
        raise NotImplementedError

    def list_arg(self, values: Iterable) -> object:
        raise NotImplementedError

    def json_values(self, column: str) -> str:
        """A table expression of the items of a JSON list column, as ``value``."""
        raise NotImplementedError

    def lock(self, conn: Connection, key: int) -> None:
        """Hold a database-wide lock on ``key`` until the transaction ends, so
        only one server process at a time runs the section it guards."""

    @contextmanager
    def bulk_load(self) -> Iterator[None]:
        """Defer the read-only indexes during a large import (see the subclasses)."""
        yield

    # -- writing papers -------------------------------------------------

    def save_papers(self, papers: Iterable[Paper]) -> BatchResult:
        """Merge a batch of records into the store; call inside :meth:`transaction`.

        Each record is matched to a stored paper by its keys (arXiv id, DOI,
        folded title). A record with a different arXiv id never matches. A
        paper stored under a title hash takes its arXiv id once a record
        brings one, and its old id stays reachable as an alias.
        """
        keyed = [(p, p.identity_keys()) for p in papers]  # folding titles is the costly part
        result = BatchResult()
        keymap = self._lookup_keys({k for _, keys in keyed for k in keys})
        # Papers stored under a title hash are loaded by id too: a record of
        # another work with the same title must not take the same id.
        by_id = {i for record, _ in keyed if is_hash_id(record.id) for i in _own_ids(record)}
        entries: dict[str, _Entry] = {
            p.id: _Entry(p, p.id, p) for p in self._load(_candidates(keyed, keymap) | by_id)
        }
        folded: list[tuple[str, str]] = []  # (removed id, kept id)

        for record, keys in keyed:
            matches = self._matches(record, keys, keymap, entries)
            if not matches:
                same = _same_id(record, entries)
                if same is not None:  # e.g. same title hash, no keys overlap
                    matches = [same]
                else:
                    if record.id in entries:  # the title's id is another work's
                        record = replace(record, id=work_id(record))
                    entries[record.id] = _Entry(canonical(record), None, None, keys)
                    for key in keys:
                        keymap.setdefault(key, record.id)
                    result.added += 1
                    continue
            primary = entries[matches[0]]
            before = primary.paper
            merged = merge(before, record)
            for other_id in matches[1:]:
                merged = merge(merged, entries[other_id].paper)
                other = entries.pop(other_id)
                if other.db_id is not None:
                    folded.append((other.db_id, merged.id))
                _repoint(keymap, other_id, merged.id)
            if merged.id != before.id:
                entries[merged.id] = entries.pop(before.id)
                _repoint(keymap, before.id, merged.id)
            primary.paper = merged
            primary.keys = None  # recomputed from the merged record when written
            for key in keys:
                keymap.setdefault(key, merged.id)
            # Each record counts once: it added a paper (above), changed one
            # (stored earlier or added earlier in this batch), or changed nothing.
            if merged == before and len(matches) == 1:
                result.unchanged += 1
            else:
                result.updated += 1
        result.changes = self._write(entries, folded)
        return result

    @staticmethod
    def _matches(
        record: Paper, keys: list[str], keymap: dict[str, str], entries: dict[str, _Entry]
    ) -> list[str]:
        found: list[str] = []
        for key in keys:
            pid = keymap.get(key)
            if pid is None or pid in found or pid not in entries:
                continue
            # Two different arXiv ids are two papers, whatever their titles.
            if not is_hash_id(pid) and not is_hash_id(record.id) and pid != record.id:
                continue
            # A title alone must agree with the rest: people, year, venue.
            if key.startswith("title:") and not same_work(record, entries[pid].paper):
                continue
            found.append(pid)
        # Prefer the paper that has an arXiv id; fold title-hash duplicates into it.
        found.sort(key=is_hash_id)
        arxiv = [pid for pid in found if not is_hash_id(pid)]
        return [*arxiv[:1], *(pid for pid in found if is_hash_id(pid))]

    def _write(self, entries: dict[str, _Entry], folded: list[tuple[str, str]]) -> Changes:
        conn = self.conn
        now = utcnow()
        seq = before = self._seq()
        changes = Changes(before, before, [], set(), [])

        def next_seq() -> int:
            nonlocal seq
            seq += 1
            return seq

        new_rows: list[tuple] = []
        key_rows: list[tuple[str, str]] = []
        author_rows: list[tuple[str, int, str]] = []
        category_rows: list[tuple[str, str]] = []
        for entry in entries.values():
            paper = entry.paper
            if entry.db_id is None:
                new_rows.append((*_row(paper), now, now, next_seq()))
                author_rows.extend((paper.id, i, n) for i, n in enumerate(paper.authors))
                category_rows.extend((paper.id, c) for c in paper.categories)
                key_rows.extend((k, paper.id) for k in entry.keys or paper.identity_keys())
                changes.papers.append(paper)
                changes.new_ids.add(paper.id)
                continue
            if entry.db_id != paper.id:
                conn.execute(
                    "UPDATE papers SET id = ?, seq = ? WHERE id = ?",
                    (paper.id, next_seq(), entry.db_id),
                )
                conn.execute(_SET_KEY, ("id:" + entry.db_id, paper.id))
                conn.execute(_SET_REMOVED, (entry.db_id, seq))
                changes.removed.append(entry.db_id)
                changes.papers.append(paper)
            original = entry.original
            if original is None or paper == original:  # (only new entries have none)
                continue
            conn.execute(_UPDATE, (*_row(paper)[1:], now, next_seq(), paper.id))
            if entry.db_id == paper.id:
                changes.papers.append(paper)
            if paper.authors != original.authors:
                conn.execute("DELETE FROM paper_authors WHERE paper_id = ?", (paper.id,))
                author_rows.extend((paper.id, i, n) for i, n in enumerate(paper.authors))
            if paper.categories != original.categories:
                conn.execute("DELETE FROM paper_categories WHERE paper_id = ?", (paper.id,))
                category_rows.extend((paper.id, c) for c in paper.categories)
            key_rows.extend((k, paper.id) for k in paper.identity_keys())
        conn.executemany(_INSERT, new_rows)
        conn.execute("UPDATE counters SET value = ? WHERE name = 'seq'", (seq,))
        conn.executemany("INSERT INTO paper_keys VALUES (?, ?) ON CONFLICT DO NOTHING", key_rows)
        conn.executemany("INSERT INTO paper_authors VALUES (?, ?, ?)", author_rows)
        conn.executemany(
            "INSERT INTO paper_categories VALUES (?, ?) ON CONFLICT DO NOTHING", category_rows
        )
        changes.after = seq
        for removed, kept in folded:  # last: the kept paper is written by now
            changes.after = self._fold(removed, kept)
            changes.removed.append(removed)
        if folded:  # the votes that moved changed the kept papers' counts: as stored now
            now_stored = {p.id: p for p in self._load({kept for _, kept in folded})}
            changes.papers = [now_stored.get(p.id, p) for p in changes.papers]
        return changes

    def _fold(self, removed: str, kept: str) -> int:
        """Remove a paper that turned out to be another record of ``kept``;
        returns the change number it took.

        What people made with it moves first, in the same transaction: votes
        (the vote triggers move the counts), comments, collection entries and
        the feed submission. Where a person had voted for or saved both, one
        is kept. The removed id stays an alias of the kept paper.
        """
        conn = self.conn
        for sql in _MOVE_CONTRIBUTIONS:
            conn.execute(sql, (kept, removed))
        conn.execute("UPDATE paper_keys SET paper_id = ? WHERE paper_id = ?", (kept, removed))
        conn.execute("DELETE FROM papers WHERE id = ?", (removed,))
        conn.execute(_SET_KEY, ("id:" + removed, kept))
        seq = self._seq() + 1  # the triggers may have moved the counter
        conn.execute(_SET_REMOVED, (removed, seq))
        conn.execute("UPDATE counters SET value = ? WHERE name = 'seq'", (seq,))
        return seq

    # Both look-ups pass their list as one parameter (in_list): one prepared
    # statement whatever the batch. (Building "IN (?, ?, ...)" per batch filled
    # Python's statement cache with distinct statements, each holding thousands
    # of bound values: memory grew by 40 MiB per 100k papers imported.)

    def _lookup_keys(self, keys: set[str]) -> dict[str, str]:
        if not keys:
            return {}
        rows = self.conn.execute(
            f"SELECT key, paper_id FROM paper_keys WHERE {self.in_list('key')}",
            (self.list_arg(keys),),
        )
        return dict(rows.fetchall())

    def _load(self, ids: set[str], conn: Connection | None = None) -> list[Paper]:
        if not ids:
            return []
        rows = (conn or self.conn).execute(
            f"{_SELECT} WHERE {self.in_list('id')}", (self.list_arg(ids),)
        )
        return [_paper(row) for row in rows]

    def _seq(self) -> int:
        # Locked until the transaction ends on PostgreSQL, so two writers
        # number their changes one after the other, in commit order.
        return self.conn.execute(
            "SELECT value FROM counters WHERE name = 'seq'" + self.FOR_UPDATE
        ).fetchone()[0]

    # -- reading --------------------------------------------------------

    def count_changed_since(self, seq: int) -> int:
        return self.conn.execute("SELECT count(*) FROM papers WHERE seq > ?", (seq,)).fetchone()[0]

    def last_change(self) -> int:
        """The sequence number of the latest change to any paper."""
        return self.conn.execute("SELECT value FROM counters WHERE name = 'seq'").fetchone()[0]

    def data_version(self) -> int:
        """A number that grows with every change a page may show: to papers
        (votes included) and to what people post (comments, shared collections).
        Read where the pages read (the replica, if any), so that a cached page
        is keyed by the data it was made from."""
        return int(
            self.reader.execute(
                "SELECT sum(value) FROM counters WHERE name IN ('seq', 'site')"
            ).fetchone()[0]
        )

    def changes_since(
        self, seq: int, batch: int = 5_000
    ) -> Iterator[tuple[int, list[Paper], list[str]]]:
        """What changed after ``seq``, in order: ``(up_to_seq, papers, removed_ids)``
        chunks. Papers are their current state; an external index that applies
        removals then upserts, chunk by chunk, ends up matching the store."""
        removed = [
            row[0]
            for row in self.conn.execute(
                "SELECT id FROM removed_papers WHERE seq > ? ORDER BY seq", (seq,)
            )
        ]
        last = seq
        while True:
            rows = self.conn.execute(
                f"{_SELECT_WITH_SEQ} WHERE seq > ? ORDER BY seq LIMIT ?", (last, batch)
            ).fetchall()
            if not rows:
                break
            last = rows[-1][-1]
            yield last, [_paper(row[:-1]) for row in rows], removed
            removed = []
        if removed:
            yield self.last_change(), [], removed

    def get(self, paper_id: str) -> Paper | None:
        row = self.conn.execute(f"{_SELECT} WHERE id = ?", (paper_id,)).fetchone()
        return _paper(row) if row else None

    def find_key(self, key: str) -> str | None:
        """The id of the paper known by ``key`` (``arxiv:``, ``doi:``, ``title:``, ``id:``)."""
        row = self.conn.execute("SELECT paper_id FROM paper_keys WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def iter_papers(self, batch: int = 2_000) -> Iterator[Paper]:
        """Every paper, in id order, read in batches so memory stays flat."""
        last = ""
        while True:
            rows = self.conn.execute(
                f"{_SELECT} WHERE id > ? ORDER BY id LIMIT ?", (last, batch)
            ).fetchall()
            if not rows:
                return
            for row in rows:
                yield _paper(row)
            last = rows[-1][0]

    def count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM papers").fetchone()[0]

    def ids_newest_first(self) -> list[str]:
        """Every paper id, the latest in the daily feed first, then the rest by
        publication date, newest first (undated ones last)."""
        rows = self.conn.execute(
            "SELECT id FROM papers ORDER BY feed_date IS NULL, feed_date DESC,"
            " published IS NULL, published DESC, id"
        )
        return [row[0] for row in rows]

    def stats(self, top: int = 15) -> dict:
        """Counts of papers in all, by source, by year published and by category:
        a scan of every paper (about 100 ms at 100k papers), which
        Library.stats keeps until the library changes."""
        q = self.conn.execute
        return {
            "papers": self.count(),
            "by_source": dict(q(
                f"SELECT s.value, count(*) FROM papers, {self.json_values('papers.sources')}"
                " GROUP BY s.value ORDER BY count(*) DESC, s.value"
            ).fetchall()),
            "by_year": dict(q(
                "SELECT coalesce(substr(published, 1, 4), 'unknown'), count(*) FROM papers"
                " GROUP BY 1 ORDER BY 1"
            ).fetchall()),
            "by_category": dict(q(
                "SELECT category, count(*) FROM paper_categories GROUP BY category"
                " ORDER BY count(*) DESC, category LIMIT ?", (top,),
            ).fetchall()),
        }  # fmt: skip

    def import_count(self) -> int:
        """Imports run into this library, whether or not they changed anything."""
        return int(self.conn.execute("SELECT count(*) FROM imports").fetchone()[0])

    # -- the daily feed and author pages ---------------------------------

    def feed_papers(self, first: str, last: str, limit: int, offset: int = 0) -> list[Paper]:
        """Papers that entered the daily feed on days ``first`` to ``last``
        (ISO dates, inclusive), by upvotes, then by arrival.

        The page's ids are chosen first and only their rows read: sorting the
        period's rows whole carried every abstract through the sort (SQLite
        keeps whole result rows in its sorter), 1.3 ms of a day page's 50 and
        15 ms of a month's, against 0.9 and 10 this way (100k demo library)."""
        order = "ORDER BY upvotes + votes DESC, created_at, id"
        rows = self.reader.execute(
            f"{_SELECT} WHERE id IN (SELECT id FROM papers WHERE feed_date BETWEEN ? AND ?"
            f" {order} LIMIT ? OFFSET ?) {order}",
            (first, last, limit, offset),
        )
        return [_paper(row) for row in rows]

    def feed_votes(self, first: str, last: str) -> list[tuple[str, int, str]]:
        """``(id, upvotes, feed_date)`` of every paper in the feed from ``first``
        to ``last``: what a trending ranking needs, without loading the papers."""
        return self.reader.execute(
            "SELECT id, upvotes + votes, feed_date FROM papers WHERE feed_date BETWEEN ? AND ?",
            (first, last),
        ).fetchall()

    def get_many(self, ids: list[str]) -> list[Paper]:
        """The papers with these ids, in the order given; unknown ids are left out."""
        found = {p.id: p for p in self._load(set(ids), self.reader)}
        return [found[i] for i in ids if i in found]

    def recent_ids(self, first: str, last: str) -> set[str]:
        """Papers that entered the feed, or were published, from day ``first`` to
        day ``last`` (inclusive): what recommendations rank. A publication date
        may carry a time, hence the half-open range on it; one with only a year
        or a month is not recent."""
        after = (date.fromisoformat(last) + timedelta(days=1)).isoformat()
        rows = self.reader.execute(
            "SELECT id FROM papers WHERE feed_date BETWEEN ? AND ?"
            " UNION SELECT id FROM papers WHERE published >= ? AND published < ?",
            (first, last, first, after),
        )
        return {r[0] for r in rows}

    def feed_count(self, first: str, last: str) -> int:
        return self.reader.execute(
            "SELECT count(*) FROM papers WHERE feed_date BETWEEN ? AND ?", (first, last)
        ).fetchone()[0]

    def feed_day(self, *, before: str | None = None, after: str | None = None) -> str | None:
        """The nearest day with papers in the feed: the latest before
        ``before``, the earliest after ``after``, or with neither the latest
        of all; None when there is none."""
        args: tuple[str, ...] = ()
        if after is not None:
            sql, args = "SELECT min(feed_date) FROM papers WHERE feed_date > ?", (after,)
        elif before is not None:
            sql, args = "SELECT max(feed_date) FROM papers WHERE feed_date < ?", (before,)
        else:
            sql = "SELECT max(feed_date) FROM papers WHERE feed_date IS NOT NULL"
        return self.reader.execute(sql, args).fetchone()[0]

    def author_papers(self, name: str, limit: int, offset: int = 0) -> list[Paper]:
        """Papers with an author named exactly ``name``, newest first."""
        rows = self.reader.execute(
            f"{_SELECT} WHERE id IN (SELECT paper_id FROM paper_authors WHERE {self.AUTHOR_IS})"
            " ORDER BY coalesce(published, feed_date) DESC, id LIMIT ? OFFSET ?",
            (name, limit, offset),
        )
        return [_paper(row) for row in rows]

    #: How author_spelling compares names whatever their case (an indexed
    #: expression): SQLite's NOCASE folds ASCII letters only; PostgreSQL's lower() all.
    AUTHOR_NOCASE = "name = ? COLLATE NOCASE"
    #: How the author pages find a name spelt exactly, with one parameter.
    AUTHOR_IS = "name = ?"

    def author_spelling(self, name: str) -> str | None:
        """The spelling papers give a name typed in another case ("Dohoon choi"
        for "Dohoon Choi"): the most common one; None when no paper has it."""
        row = self.reader.execute(
            f"SELECT name FROM paper_authors WHERE {self.AUTHOR_NOCASE}"
            " GROUP BY name ORDER BY count(*) DESC, name LIMIT 1",
            (name,),
        ).fetchone()
        return None if row is None else row[0]

    def author_count(self, name: str) -> int:
        return self.reader.execute(
            f"SELECT count(DISTINCT paper_id) FROM paper_authors WHERE {self.AUTHOR_IS}", (name,)
        ).fetchone()[0]

    # -- bookkeeping ----------------------------------------------------

    def start_import(self, source: str, format_name: str) -> int:
        with self.transaction() as conn:
            return conn.execute(
                "INSERT INTO imports (source, format, started_at) VALUES (?, ?, ?) RETURNING id",
                (source, format_name, utcnow()),
            ).fetchone()[0]

    def finish_import(self, import_id: int, status: str, result: BatchResult, failed: int) -> None:
        with self.transaction() as conn:
            conn.execute(
                "UPDATE imports SET finished_at = ?, status = ?, added = ?, updated = ?,"
                " unchanged = ?, failed = ? WHERE id = ?",
                (
                    utcnow(),
                    status,
                    result.added,
                    result.updated,
                    result.unchanged,
                    failed,
                    import_id,
                ),
            )

    def harvest_state(self, name: str) -> dict | None:
        """The saved state of a named harvest, or None if it never ran."""
        row = self.conn.execute(
            f"SELECT {', '.join(_HARVEST)} FROM harvest_state WHERE name = ?", (name,)
        ).fetchone()
        if row is None:
            return None
        state = dict(zip(_HARVEST, row, strict=True))
        state["params"] = orjson.loads(state["params"])
        state["complete"] = bool(state["complete"])
        return state

    def save_harvest_state(
        self,
        name: str,
        *,
        params: dict,
        resumption_token: str | None,
        pages: int,
        records: int,
        last_datestamp: str | None,
        complete: bool,
    ) -> None:
        """Record where a harvest stands; call inside the page's transaction."""
        self.conn.execute(
            f"INSERT INTO harvest_state ({', '.join(_HARVEST)}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (name) DO UPDATE SET "
            + ", ".join(f"{c} = excluded.{c}" for c in _HARVEST[1:]),
            (name, _dumps(params), resumption_token, pages, records, last_datestamp,
             int(complete), utcnow()),
        )  # fmt: skip

    def dump(self) -> list[tuple]:
        """Every stored paper row (timestamps excluded), for tests and checks."""
        return self.conn.execute(f"{_SELECT} ORDER BY id").fetchall()


def _candidates(keyed: list[tuple[Paper, list[str]]], keymap: dict[str, str]) -> set[str]:
    """Stored papers some record of the batch may merge with. A paper found by
    title or DOI whose arXiv id differs from the record's never matches, so it
    is not loaded."""
    found = set()
    for record, keys in keyed:
        for key in keys:
            pid = keymap.get(key)
            if pid and (pid == record.id or is_hash_id(pid) or is_hash_id(record.id)):
                found.add(pid)
    return found


def _own_ids(record: Paper) -> tuple[str, ...]:
    """The ids a title-hash record may already be stored under: its own (the
    title's hash, or the id an export carried) and its work id."""
    return (record.id, work_id(record))


def _same_id(record: Paper, entries: dict[str, _Entry]) -> str | None:
    """The stored or batched paper a title-hash record is by id, if any. An id
    the file gave (an export's, not the title's hash) is trusted; a title's
    hash is another work's when the two disagree (see :func:`same_work`)."""
    if not is_hash_id(record.id):
        return record.id if record.id in entries else None
    computed = record.id == hash_id(record.title)
    for pid in _own_ids(record):
        entry = entries.get(pid)
        if entry is not None and (not computed or same_work(record, entry.paper)):
            return pid
        computed = True  # a work id is computed
    return None


def _repoint(keymap: dict[str, str], old: str, new: str) -> None:
    for key, pid in keymap.items():
        if pid == old:
            keymap[key] = new


def _dumps(value: object) -> str:
    return orjson.dumps(value).decode()


def _row(p: Paper) -> tuple:
    return (
        p.id, p.title, p.abstract, _dumps(p.authors), p.author_count, p.published,
        p.updated, _dumps([[v.version, v.created, v.size] for v in p.versions]),
        _dumps(p.categories), p.doi, p.journal_ref, p.comments,
        p.license, p.submitter, _dumps(p.links), _dumps(p.sources), p.upvotes,
        p.feed_date, p.submitted_by, p.journal, p.volume, p.issue, p.pages,
    )  # fmt: skip


def _paper(row: tuple) -> Paper:
    loads = orjson.loads
    return Paper(
        id=row[0], title=row[1], abstract=row[2], authors=loads(row[3]),
        author_count=row[4], published=row[5], updated=row[6],
        versions=[Version(*v) for v in loads(row[7])], categories=loads(row[8]),
        doi=row[9], journal_ref=row[10], comments=row[11], license=row[12],
        submitter=row[13], links=loads(row[14]), sources=loads(row[15]),
        upvotes=row[16], feed_date=row[17], submitted_by=row[18], journal=row[19],
        volume=row[20], issue=row[21], pages=row[22], votes=row[23],
    )  # fmt: skip
