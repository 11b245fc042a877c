"""Two real ``paperscope serve`` processes on one PostgreSQL database.

What several app servers behind a load balancer must get right: people sign
up and log in on either server and vote from both at once, and every vote is
counted once, by both servers alike (their page caches included); two people
submitting one paper at once put it in the feed once; and two ``paperscope
digest send`` processes started together send each subscriber one email.
Everything goes through HTTP, the command line and a real SMTP server.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
import psycopg
import pytest

from paperscope.library import Library
from paperscope.models import Version, new_paper
from paperscope.store.community import CommunityStore
from paperscope.store.digests import DigestStore
from tests.conftest import REPO
from tests.test_accounts import PASSWORD

DAY = "2026-03-17"  # the feed day the votes and the digest are about (long over)
BASE_URL = "https://papers.example.org"
VOTED = [("2603.00001", 0), ("2603.00002", 3), ("2603.00003", 7)]  # (id, upvotes from the source)
STORM = "2603.00004"  # every user toggles it from both servers at once
SUBMITTED = [f"2611.{n:05d}" for n in range(1, 6)]  # new papers, submitted today
USERS = 10
EXTRA_SUBSCRIBERS = 30  # accounts made in the database, to give the digest jobs more to share
START_S = 30


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def database(pg_url) -> str:
    """A library with papers in the feed of DAY, and fresh papers to submit."""
    today = datetime.now(UTC).date().isoformat()
    papers = [
        new_paper(title=f"Voted paper {pid}", arxiv_id=pid, source="hf-page", feed_date=DAY,
                  published=DAY, upvotes=upvotes, versions=[Version(1, f"{DAY}T09:00:00Z")],
                  abstract=f"The abstract of {pid}.")
        for pid, upvotes in [*VOTED, (STORM, 1)]
    ] + [
        new_paper(title=f"New preprint {pid}", arxiv_id=pid, source="arxiv-oai", published=today,
                  versions=[Version(1, f"{today}T08:00:00Z")], abstract="Submitted today.")
        for pid in SUBMITTED
    ]  # fmt: skip
    with Library(pg_url) as lib, lib.store.transaction():
        lib.store.save_papers(papers)
    return pg_url


@pytest.fixture
def env(database, smtp, tmp_path) -> dict[str, str]:
    """The environment of every process: the database, the SMTP server, and
    a data folder of the test's own."""
    found = {k: v for k, v in os.environ.items() if not k.startswith("PAPERSCOPE_")}
    return {
        **found,
        "PAPERSCOPE_DB": database,
        "PAPERSCOPE_SMTP_HOST": smtp.host,
        "PAPERSCOPE_SMTP_PORT": str(smtp.port),
        "PAPERSCOPE_SMTP_SECURITY": "none",
        "PAPERSCOPE_MAIL_FROM": "paperscope <digests@papers.example.org>",
        "PAPERSCOPE_BASE_URL": BASE_URL,
        "XDG_DATA_HOME": str(tmp_path / "data"),
        # The app takes X-Forwarded-For from this proxy only: each simulated
        # person comes from an address of their own, as behind a real proxy,
        # so the per-address limits on sign-ups and log-ins see ten people.
        "PAPERSCOPE_TRUSTED_PROXIES": "127.0.0.1",
    }


@dataclass
class Servers:
    urls: list[str]
    logs: list[Path]

    def log(self) -> str:
        return "\n".join(
            f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in self.logs
        )


@pytest.fixture
def servers(database, env, tmp_path) -> Iterator[Servers]:
    """Two ``paperscope serve`` processes on the same database, answering."""
    procs: list[subprocess.Popen] = []
    logs, urls = [], []
    try:
        for n in range(2):
            port = free_port()
            log = tmp_path / f"server{n}.log"
            with log.open("wb") as out:
                procs.append(subprocess.Popen(
                    [sys.executable, "-m", "paperscope", "serve", "--db", database,
                     "--port", str(port), "--workers", "1"],
                    cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT,
                ))  # fmt: skip
            logs.append(log)
            urls.append(f"http://127.0.0.1:{port}")
        found = Servers(urls, logs)
        deadline = time.monotonic() + START_S
        with httpx.Client(timeout=5) as client:
            for proc, url in zip(procs, urls, strict=True):
                while True:
                    assert proc.poll() is None, f"a server exited\n{found.log()}"
                    with contextlib.suppress(httpx.TransportError):
                        if client.get(f"{url}/api/daily_papers?date={DAY}").status_code == 200:
                            break
                    assert time.monotonic() < deadline, f"no answer in {START_S} s\n{found.log()}"
                    time.sleep(0.1)
        yield found
        for proc in procs:
            assert proc.poll() is None, f"a server died during the test\n{found.log()}"
        for log in logs:  # uvicorn logs warnings and errors: tracebacks end up here
            assert "Traceback" not in log.read_text(errors="replace"), found.log()
    finally:
        stop(procs)


# -- people, through HTTP -----------------------------------------------------------------


@dataclass
class Person:
    n: int
    email: str
    name: str
    clients: list[httpx.Client]  # one per server: a cookie jar each (cookies ignore ports)
    csrf: list[str] = field(default_factory=list)
    user_id: int = 0


def form_csrf(client: httpx.Client, url: str) -> str:
    r = client.get(url)
    assert r.status_code == 200, (url, r.status_code)
    return re.search(r'name="csrf" value="([^"]+)"', r.text)[1]


def session_csrf(client: httpx.Client) -> str:
    r = client.get("/account")
    assert r.status_code == 200, r.status_code
    return re.search(r'"X-CSRF-Token": "([^"]+)"', r.text)[1]


def sign_up(person: Person, server: int) -> None:
    client = person.clients[server]
    data = {"email": person.email, "name": person.name, "password": PASSWORD,
            "csrf": form_csrf(client, "/signup")}  # fmt: skip
    r = client.post("/signup", data=data)
    assert r.status_code == 303, (r.status_code, r.text[:500])


def log_in(person: Person, server: int) -> None:
    client = person.clients[server]
    data = {"email": person.email, "password": PASSWORD, "csrf": form_csrf(client, "/login")}
    r = client.post("/login", data=data)
    assert r.status_code == 303, (r.status_code, r.text[:500])


def toggle(person: Person, server: int, paper_id: str) -> bool:
    """One click on the vote button (as htmx sends it); whether it is on now."""
    r = person.clients[server].post(
        f"/papers/{paper_id}/vote",
        data={"csrf": person.csrf[server]},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 200, (r.status_code, r.text[:500])
    return re.search(r'aria-pressed="(true|false)"', r.text)[1] == "true"


@pytest.fixture
def people(servers) -> Iterator[list[Person]]:
    """Ten people, each with a browser (an HTTP client) per server; not signed up yet."""
    made = []
    try:
        for n in range(USERS):
            clients = [
                httpx.Client(
                    base_url=url, timeout=30, headers={"X-Forwarded-For": f"10.0.0.{n + 1}"}
                )
                for url in servers.urls
            ]
            made.append(Person(n, f"user{n}@example.org", f"user{n}", clients))
        yield made
    finally:
        for person in made:
            for client in person.clients:
                client.close()


def parallel(jobs: list, workers: int = 12) -> list:
    """Run the callables at once; their results, in order (a failure raises)."""
    with ThreadPoolExecutor(workers) as pool:
        futures = [pool.submit(job) for job in jobs]
        return [f.result(timeout=60) for f in futures]


def db_rows(url: str, sql: str, args: tuple = ()) -> list[tuple]:
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(sql, args).fetchall()


def api_total(url: str, paper_id: str) -> int:
    """The paper's upvotes as a signed-out visitor gets them (from the page cache if it has them)."""
    r = httpx.get(f"{url}/api/papers/{paper_id}", timeout=10)
    assert r.status_code == 200, r.status_code
    return r.json()["upvotes"]


def feed_totals(url: str, day: str) -> dict[str, int]:
    r = httpx.get(f"{url}/api/daily_papers", params={"date": day, "limit": 100}, timeout=10)
    assert r.status_code == 200, r.status_code
    ids = [item["paper"]["id"] for item in r.json()]
    assert len(ids) == len(set(ids)), ids  # no paper twice
    return {item["paper"]["id"]: item["paper"]["upvotes"] for item in r.json()}


# -- the test ---------------------------------------------------------------------------------


@pytest.mark.slow  # about 12 s, and as much to start PostgreSQL
def test_two_servers_one_database(database, servers, people, smtp, env):
    a, b = servers.urls

    # Sign-ups on alternating servers, all at once (each signs the person in
    # there), then a log-in on the other server: two live sessions a person.
    parallel([lambda p=p: sign_up(p, p.n % 2) for p in people])
    parallel([lambda p=p: log_in(p, 1 - p.n % 2) for p in people])
    for p in people:
        p.csrf = [session_csrf(c) for c in p.clients]
        assert p.csrf[0] != p.csrf[1]  # two sessions
    rows = dict(db_rows(database, "SELECT email, id FROM users"))
    assert sorted(rows) == sorted(p.email for p in people)
    for p in people:
        p.user_id = rows[p.email]
    admins = db_rows(database, "SELECT count(*) FROM users WHERE is_admin = 1")
    assert admins == [(1,)]  # of ten first sign-ups at once, one is the first account
    assert db_rows(database, "SELECT count(*) FROM sessions") == [(2 * USERS,)]

    # Signed-out visitors see the totals from the source; both servers now
    # hold these pages in their caches, which the votes must invalidate.
    initial = {pid: upvotes for pid, upvotes in [*VOTED, (STORM, 1)]}
    for url in (a, b):
        assert feed_totals(url, DAY) == initial
        assert all(api_total(url, pid) == total for pid, total in initial.items())

    # Votes: person n clicks paper j's button 2 or 3 times (vote, unvote,
    # vote), each click on the other server from the last. One person's clicks
    # on one paper follow each other (a real person waits for the button);
    # everyone else's run at the same time, on both servers.
    clicks = {(p.n, j): 3 if (p.n + j) % 3 else 2 for p in people for j in range(len(VOTED))}

    def clicking(p: Person, j: int) -> None:
        for k in range(clicks[p.n, j]):
            on = toggle(p, (p.n + j + k) % 2, VOTED[j][0])
            assert on == (k % 2 == 0), (p.n, j, k)  # each click flips the button

    # ... and meanwhile everyone also hammers the STORM paper from both
    # servers at once (double clicks racing each other: any outcome is fine,
    # as long as the count and the rows agree).
    def storm(p: Person, server: int) -> None:
        for _ in range(3):
            toggle(p, server, STORM)

    jobs = [lambda p=p, j=j: clicking(p, j) for p in people for j in range(len(VOTED))]
    jobs += [lambda p=p, s=s: storm(p, s) for p in people for s in (0, 1)]
    parallel(jobs, workers=16)

    expected = {
        pid: upvotes + sum(clicks[p.n, j] % 2 for p in people)
        for j, (pid, upvotes) in enumerate(VOTED)
    }
    expected_rows = {(p.user_id, VOTED[j][0]) for (n, j), c in clicks.items() if c % 2
                     for p in people if p.n == n}  # fmt: skip
    voted_rows = set(db_rows(database, "SELECT user_id, paper_id FROM votes WHERE paper_id <> %s",
                             (STORM,)))  # fmt: skip
    assert voted_rows == expected_rows
    counted = dict(db_rows(database, "SELECT id, upvotes + votes FROM papers WHERE feed_date = %s",
                           (DAY,)))  # fmt: skip
    storm_rows = db_rows(database, "SELECT count(*) FROM votes WHERE paper_id = %s", (STORM,))[0][0]
    assert counted == {**expected, STORM: 1 + storm_rows}
    # The counter that triggers keep equals the rows, paper by paper.
    assert db_rows(database,
        "SELECT p.id FROM papers p LEFT JOIN (SELECT paper_id, count(*) AS n FROM votes"
        " GROUP BY paper_id) v ON v.paper_id = p.id WHERE p.votes <> coalesce(v.n, 0)",
    ) == []  # fmt: skip
    # Both servers show exactly that to signed-out visitors: the same URLs as
    # before, so a page cached before the votes made on the other server is not served.
    for url in (a, b):
        assert feed_totals(url, DAY) == counted
        for pid, total in counted.items():
            assert api_total(url, pid) == total
    # And to each person, on either server: their own buttons' state.
    for p in people:
        for s in (0, 1):
            html = p.clients[s].get(f"/papers/date/{DAY}").text
            for pid, _ in VOTED:
                button = re.search(
                    rf'action="/papers/{pid}/vote".*?aria-pressed="(\w+)"', html, re.S
                )
                assert (button[1] == "true") == ((p.user_id, pid) in expected_rows), (p.n, s, pid)

    # Submissions: two people submit the same new paper at the same moment,
    # one on each server; five papers, five pairs.
    barrier = threading.Barrier(2 * len(SUBMITTED))

    def submitting(p: Person, server: int, ref: str) -> tuple[int, str]:
        client = p.clients[server]
        barrier.wait(10)
        r = client.post("/submit", data={"ref": ref, "csrf": p.csrf[server]})
        return r.status_code, r.text

    pairs = [(people[2 * k], people[2 * k + 1], ref) for k, ref in enumerate(SUBMITTED)]
    statuses = parallel(
        [lambda p=p, s=s, ref=ref: submitting(p, s, ref)
         for first, second, ref in pairs for p, s in ((first, 0), (second, 1))],
        workers=2 * len(SUBMITTED),
    )  # fmt: skip
    for k in range(len(SUBMITTED)):
        (won, _), (lost, why) = sorted(statuses[2 * k : 2 * k + 2])
        assert (won, lost) == (303, 400), (k, won, lost, why[:500])
        assert "already in the daily feed" in why or "just been submitted by someone" in why
    subs = db_rows(database, "SELECT paper_id, user_id, day FROM submissions")
    assert sorted(s[0] for s in subs) == SUBMITTED  # one row a paper
    by_user = {p.user_id: p for p in people}
    for paper_id, user_id, day in subs:
        k = SUBMITTED.index(paper_id)
        assert by_user[user_id] in (pairs[k][0], pairs[k][1])
        feed_date, submitted_by = db_rows(
            database, "SELECT feed_date, submitted_by FROM papers WHERE id = %s", (paper_id,)
        )[0]
        assert (feed_date, submitted_by) == (day, by_user[user_id].name)
    today = subs[0][2]
    for url in (a, b):
        assert sorted(feed_totals(url, today)) == SUBMITTED

    # Digests: everyone subscribes to the daily one (and some accounts made
    # straight in the database too), then two `paperscope digest send` start
    # together for DAY, which has papers in the feed: nobody's digest is empty.
    with Library(database) as lib:
        community, digests = CommunityStore(lib.store), DigestStore(lib.store)
        extra = [community.add_user(f"reader{i}@example.org", f"reader{i}", "not a hash",
                                    admin=False).id for i in range(EXTRA_SUBSCRIBERS)]  # fmt: skip
        for user_id in [p.user_id for p in people] + extra:
            digests.save_subscription(user_id, period="daily", trending=True, recommended=False,
                                      searches=())  # fmt: skip
    subscribers = {p.email for p in people} | {
        f"reader{i}@example.org" for i in range(EXTRA_SUBSCRIBERS)
    }
    # The SMTP server holds each job's first message until the other job's
    # first message arrives (at most 10 s): both jobs are sending at the same
    # time, whatever their start-up times, and both take part.
    accept = smtp.handle_DATA
    peers: set = set()
    both = asyncio.Event()

    async def together(server, session, envelope):
        peers.add(tuple(session.peer))
        if len(peers) >= 2:
            both.set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(both.wait(), 10)
        await asyncio.sleep(0.005)  # a real server takes a moment: the jobs interleave
        return await accept(server, session, envelope)

    smtp.handle_DATA = together
    smtp.messages.clear()
    command = [sys.executable, "-m", "paperscope", "digest", "send", "--period", "daily",
               "--date", DAY, "--quiet", "--db", database]  # fmt: skip
    jobs = [subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for _ in range(2)]  # fmt: skip
    outputs = []
    try:
        for job in jobs:
            out, err = job.communicate(timeout=60)
            outputs.append((job.returncode, out, err))
    finally:
        for job in jobs:
            if job.poll() is None:
                job.kill()
                job.communicate()
    sent = []
    for code, out, err in outputs:
        assert code == 0, (code, out, err)
        assert "Traceback" not in err, err
        found = re.search(
            rf"digest daily:{DAY}: (\d+) sent, (\d+) empty, (\d+) already sent, (\d+) failed", out
        )
        assert found, (out, err)
        n_sent, empty, already, failed = map(int, found.groups())
        assert (empty, failed) == (0, 0), out
        # Each job saw everyone once. (A job that reads its batch while the
        # other has a row claimed counts it as marked 'sending' by another run.)
        assert n_sent + already == len(subscribers), out
        sent.append(n_sent)
    assert sum(sent) == len(subscribers) and min(sent) > 0, sent  # shared, not duplicated
    received = Counter(r for rcpts, _ in smtp.messages for r in rcpts)
    assert set(received) == subscribers
    assert set(received.values()) == {1}, received  # one email each
    for _, msg in smtp.messages:
        assert msg["Subject"].startswith("paperscope daily digest")
        assert "Voted paper 2603.00003" in msg.get_body(("plain",)).get_content()
    assert db_rows(database, "SELECT status, count(*) FROM digest_sends WHERE period_key = %s"
                   " GROUP BY status", (f"daily:{DAY}",)) == [("sent", len(subscribers))]  # fmt: skip
    assert len(peers) == 2  # two SMTP connections: one per job


def stop(procs: list[subprocess.Popen]) -> None:
    """End server processes: asked first, killed if they do not go in 10 s."""
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
