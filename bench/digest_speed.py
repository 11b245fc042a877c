"""Building the email digests of many subscribers over a large library.

    python bench/digest_speed.py [--papers 1000000] [--subscribers 100000]
        [--period daily|weekly] [--lenses 20000]

The library is bench/gen_arxiv.py's synthetic snapshot cut to ``--papers``,
imported and indexed once and kept in bench/out/digest-N/ for later runs
(about 10 minutes at 1M). The papers published in the covered period (the
synthetic data's last day, or its week) are put into the daily feed with
random upvotes, so the feed section has something to rank.

Subscribers are made up afresh on every run, for the one period measured:
70% want the feed section, 80% have 1 to 5 lenses in their digest, each a
copy of one of a pool of ``--lenses`` (two title words, an author's exact
name, a word in a category, or a whole category followed), popular ones far
more often (Zipf, s = 1.1), as real interests are, one in ten of them
"ranked for me" (a lens of its own for the digest job: its owner's taste
orders it); and, when ``paperscope.recommend`` exists, 30% want
recommendations. The synthetic library has no embeddings, so lenses with a
description are left out (they would match nothing).

Two timings, SMTP excluded from both:

- build: :class:`paperscope.digest.DigestBuilder` over batches of 1,000
  subscribers read as the job reads them: every digest's HTML and text;
- job: :func:`paperscope.digest.send_digests` with a mailer that flattens
  each message to bytes (as smtplib does) and drops it: building, the
  MIME message, the claim and mark of every row in SQLite, and marking
  each digest's papers seen. The build ran first and marked nothing, so
  the job sees the same papers as new.
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import secrets
import sys
import time
from datetime import date
from email.message import EmailMessage

import orjson

from _common import OUT, current_rss_bytes, figure, peak_rss_bytes, synthetic_file
from paperscope.config import Settings
from paperscope.daily import Period
from paperscope.digest import DigestBuilder, digest_period, send_digests, signer_for
from paperscope.library import Library
from paperscope.mail import Mailer
from paperscope.store.digests import DigestStore

BASE = "https://papers.example.org"


def library(papers: int) -> Library:
    """The cached library of ``papers`` synthetic papers, imported and indexed."""
    folder = OUT / f"digest-{papers}"
    done = folder / "complete"
    if not done.exists():
        source = synthetic_file(papers)
        for stale in folder.glob("library.db*"):
            if stale.is_file():
                stale.unlink()
        folder.mkdir(parents=True, exist_ok=True)
        print(f"importing {papers:,} papers into {folder} ...", file=sys.stderr, flush=True)
        with Library(folder / "library.db") as lib:
            lib.import_file(source)
            lib.sync_index()
        done.touch()
    return Library(folder / "library.db")


def fill_feed(lib: Library, period: Period, rng: random.Random) -> int:
    """Put the period's papers into the daily feed with Zipf-like upvotes (idempotent)."""
    conn = lib.store.conn
    first, last = period.first.isoformat(), f"{period.last.isoformat()}T99"
    ids = [r[0] for r in conn.execute(
        "SELECT id FROM papers WHERE published >= ? AND published < ? AND feed_date IS NULL",
        (first, last),
    )]  # fmt: skip
    with lib.store.transaction():
        conn.executemany(
            "UPDATE papers SET feed_date = substr(published, 1, 10), upvotes = ? WHERE id = ?",
            [(int(200 / (1 + rng.paretovariate(1.2))), pid) for pid in ids],
        )
    return lib.store.feed_count(first, period.last.isoformat())


def lens_pool(lib: Library, count: int, rng: random.Random) -> list[dict]:
    """Lenses people might keep: two title words, an author, a word in a
    category, or a category followed (its every paper)."""
    top = lib.store.conn.execute("SELECT max(rowid) FROM papers").fetchone()[0]
    picks = sorted({rng.randrange(1, top + 1) for _ in range(count)})
    rows = lib.store.conn.execute(
        "SELECT title, authors, categories FROM papers WHERE rowid IN "
        "(SELECT value FROM json_each(?))",
        (orjson.dumps(picks).decode(),),
    ).fetchall()
    pool: dict[tuple, dict] = {}
    while len(pool) < count:
        title, authors, categories = rng.choice(rows)
        words = [w.strip(".,:;()$").lower() for w in title.split()]
        words = [w for w in words if len(w) > 3 and w.isalpha()]
        if len(words) < 2:
            continue
        kind = rng.random()
        if kind < 0.5:
            lens = {"q": " ".join(rng.sample(words, 2))}
        elif kind < 0.7:
            lens = {"authors": [rng.choice(orjson.loads(authors))]}
        elif kind < 0.9:
            lens = {"q": rng.choice(words), "categories": orjson.loads(categories)[:1]}
        else:
            lens = {"categories": orjson.loads(categories)[:1]}
        pool[orjson.dumps(lens, option=orjson.OPT_SORT_KEYS)] = lens
    return list(pool.values())


def make_subscribers(
    lib: Library, count: int, kind: str, pool: list[dict], recommend: bool, rng: random.Random
) -> tuple[int, int]:
    """Replace every user with ``count`` synthetic subscribers and their
    lenses; returns (lenses made, distinct ones of the pool in use)."""
    weights = [1 / (i + 1) ** 1.1 for i in range(len(pool))]
    used: set[int] = set()
    users, subs, lenses = [], [], []
    for n in range(1, count + 1):
        users.append((n, f"reader{n}@example.org", f"reader{n}", "x", 0, "2026-01-01T00:00:00Z"))
        chosen: list[int] = []
        if rng.random() < 0.8:
            chosen = list(
                dict.fromkeys(rng.choices(range(len(pool)), weights, k=rng.randint(1, 5)))
            )
        used.update(chosen)
        subs.append((n, kind, int(rng.random() < 0.7), int(recommend and rng.random() < 0.3),
                     "[]", "2026-01-01", "2026-01-01"))  # fmt: skip
        for i in chosen:
            lens = pool[i]
            lenses.append((
                n, f"lens {i}", lens.get("q", ""), orjson.dumps(lens.get("categories", [])).decode(),
                orjson.dumps(lens.get("authors", [])).decode(), int(rng.random() < 0.1),
                secrets.token_urlsafe(24), "2026-01-01", "2026-01-01",
            ))  # fmt: skip
    with lib.store.transaction() as conn:
        # Sends first: their key starts with the period, so deleting a user's
        # rows by cascade would scan the whole table once per user.
        conn.execute("DELETE FROM digest_sends")
        conn.execute("DELETE FROM seen_papers")
        conn.execute("DELETE FROM lenses")
        conn.execute("DELETE FROM users")  # subscriptions go with them
        conn.executemany("INSERT INTO users (id, email, name, password_hash, is_admin,"
                         " created_at) VALUES (?, ?, ?, ?, ?, ?)", users)  # fmt: skip
        conn.executemany("INSERT INTO subscriptions VALUES (?, ?, ?, ?, ?, ?, ?)", subs)
        conn.executemany("INSERT INTO lenses (user_id, name, q, categories, authors, ranked,"
                         " feed_token, created_at, updated_at)"
                         " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", lenses)  # fmt: skip
    return len(lenses), len(used)


class DroppingMailer(Mailer):
    """Everything but the network: each message is flattened as smtplib would, then dropped."""

    def send(self, msg: EmailMessage) -> str:
        self.bytes = getattr(self, "bytes", 0) + len(msg.as_bytes())
        return "dropped"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=1_000_000)
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--period", choices=("daily", "weekly"), default="daily")
    parser.add_argument("--lenses", type=int, default=20_000, help="distinct lenses in the pool")
    args = parser.parse_args()
    rng = random.Random(42)
    started = time.perf_counter()
    lib = library(args.papers)
    figure("library ready (import and index when not cached)", time.perf_counter() - started, "s")
    last_day = date.fromisoformat(
        lib.store.conn.execute("SELECT max(published) FROM papers").fetchone()[0][:10]
    )
    period = digest_period(args.period, last_day, today=date.today())
    feed = fill_feed(lib, period.period, rng)
    recommend = importlib.util.find_spec("paperscope.recommend") is not None
    pool = lens_pool(lib, args.lenses, rng)
    made, used = make_subscribers(lib, args.subscribers, args.period, pool, recommend, rng)
    print(f"# {args.papers:,} papers, {period.key}: {feed:,} papers in the period's feed; "
          f"{args.subscribers:,} subscribers; recommendations "
          f"{'on for 30%' if recommend else 'left out: paperscope.recommend does not exist yet'}",
          flush=True)  # fmt: skip
    figure("lenses in digests", made)
    figure("distinct lenses of the pool in use", used)

    # Build only, batch by batch as the job reads subscribers.
    db = DigestStore(lib.store)
    builder = DigestBuilder(lib, period, base_url=BASE, signer=signer_for(lib))
    rss = []
    built = sent = chars = 0
    started = time.perf_counter()
    after = 0
    while batch := db.subscribers(period.kind, period.key, after=after):
        after = batch[-1].subscription.user_id
        for digest in builder.build(batch):
            built += 1
            sent += not digest.empty
            chars += len(digest.html) + len(digest.text)
        rss.append(current_rss_bytes())
    build = time.perf_counter() - started
    figure("build: digests built", built)
    figure("build: non-empty", sent)
    figure("build: time", build, "s")
    figure("build: rate", built / build, "digests/s")
    figure(
        "build: lenses matched (distinct ones once, again after leaving the cache)",
        builder.lenses_run,
    )
    figure("build: lenses run through the keyword index", builder.matcher.searches)
    figure("build: mean email (HTML + text)", chars / max(sent, 1) / 1024, "KiB")
    figure("build: RSS after the first batch", rss[0] / 2**20, "MiB")
    figure("build: RSS after the last batch", rss[-1] / 2**20, "MiB")

    # The whole job but the network: MIME messages, claims and marks.
    settings = Settings(database=str(lib.store.path))
    mailer = DroppingMailer(settings, lib.store.files_dir)
    started = time.perf_counter()
    report = send_digests(lib, mailer, period, base_url=BASE)
    job = time.perf_counter() - started
    figure("job: time (SMTP excluded)", job, "s")
    figure("job: rate", args.subscribers / job, "subscribers/s")
    figure("job: sent to the dropping mailer", report.sent)
    figure("job: empty", report.empty)
    figure("job: mean message", mailer.bytes / max(report.sent, 1) / 1024, "KiB")
    figure("peak RSS", peak_rss_bytes() / 2**20, "MiB")
    lib.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
