"""Email digests end to end: built from a real library, sent to a real SMTP
server (aiosmtpd on 127.0.0.1), once per subscriber per period, through
crashes, refusals, re-runs and the command line; lens sections, "new since
last time" and the "Not interested" links; and saved searches of an older
schema becoming lenses."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shlex
import signal
import sqlite3
import threading
from collections import Counter
from dataclasses import dataclass
from datetime import date
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from paperscope.cli import app as cli
from paperscope.config import Settings
from paperscope.digest import (
    DigestBuilder,
    DigestError,
    Signer,
    digest_period,
    send_digests,
    signer_for,
)
from paperscope.lenses import lens_fields
from paperscope.library import Library
from paperscope.mail import Mailer
from paperscope.models import Paper, new_paper
from paperscope.store.community import CommunityStore
from paperscope.store.digests import DigestStore
from paperscope.web.app import create_app
from tests.web.conftest import NOW

DAY = "2026-03-17"  # a Tuesday; the web tests' clock is the next day
DAILY = digest_period("daily", date(2026, 3, 17), today=date(2026, 3, 18))
WEEKLY = digest_period("weekly", today=date(2026, 3, 18))  # 2026-W11: 9 to 15 March
BASE = "https://papers.example.org"
HOSTILE = "Diffusion <script>alert(1)</script> & friends"


def paper(title: str, published: str, **values) -> Paper:
    return new_paper(title=title, published=published, source="hf-page",
                     abstract=values.pop("abstract", f"An abstract about {title.lower()}."),
                     **values)  # fmt: skip


@pytest.fixture
def lib(tmp_path):
    library = Library(tmp_path / "library.db")
    with library.store.transaction():
        library.store.save_papers([
            paper("Graph networks for molecules", DAY, feed_date=DAY, upvotes=30,
                  authors=["Ada Lovelace"], categories=["cs.LG"],
                  abstract="We study graph neural networks on molecules. " * 20),
            paper(HOSTILE, DAY, feed_date=DAY, upvotes=10, authors=["Eve <b>Hacker</b>"]),
            paper("A quiet paper", DAY, feed_date=DAY, upvotes=0),
            paper("Sparse transformers", DAY, authors=["Alan Turing"], categories=["cs.CL"]),
            paper("Weekly highlight on graph theory", "2026-03-11", feed_date="2026-03-11",
                  upvotes=50),
            paper("An old graph paper", "2025-01-01"),
            paper("Tomorrow's graph paper", "2026-03-18", feed_date="2026-03-18", upvotes=4),
        ])  # fmt: skip
    yield library
    library.close()


def subscribe(lib: Library, name: str, period: str = "daily", *, trending: bool = True,
              recommended: bool = False, lenses: tuple[dict, ...] = ()) -> int:  # fmt: skip
    """A subscriber, with a lens for each dict of lens_fields' arguments."""
    user = CommunityStore(lib.store).add_user(f"{name}@example.org", name, "x", admin=False)
    DigestStore(lib.store).save_subscription(
        user.id, period=period, trending=trending, recommended=recommended
    )
    for fields in lenses:
        lib.lenses.add(user.id, lens_fields(**fields))
    return user.id


@pytest.fixture
def people(lib) -> dict[str, int]:
    return {
        "ada": subscribe(lib, "ada", lenses=({"q": "graph"},)),
        "bob": subscribe(lib, "bob", trending=False, lenses=({"authors": ["Alan Turing"]},)),
        "cy": subscribe(lib, "cy", "weekly"),
        "dan": subscribe(lib, "dan", trending=False, lenses=({"q": "zebrafish"},)),
    }


@pytest.fixture
def mailer(lib, smtp) -> Mailer:
    settings = Settings(database=str(lib.store.path), smtp_host=smtp.host, smtp_port=smtp.port,
                        smtp_security="none", mail_from="paperscope <digests@papers.example.org>")  # fmt: skip
    return Mailer(settings, lib.store.files_dir)


def send(lib, mailer, period=DAILY, **options):
    return send_digests(lib, mailer, period, base_url=BASE, **options)


def inbox(smtp) -> dict[str, object]:
    """Messages received, by recipient; fails if anyone got two."""
    counts = Counter(r for rcpts, _ in smtp.messages for r in rcpts)
    assert all(n == 1 for n in counts.values()), counts
    return {rcpts[0]: msg for rcpts, msg in smtp.messages}


def body(msg, kind: str) -> str:
    """The plain or html part, with the line ends SMTP gave it made plain again."""
    return msg.get_body((kind,)).get_content().replace("\r\n", "\n")


def statuses(lib, key: str = DAILY.key) -> dict[int, str]:
    rows = lib.store.conn.execute(
        "SELECT user_id, status FROM digest_sends WHERE period_key = ?", (key,)
    )
    return dict(rows.fetchall())


def test_periods_default_to_the_day_and_week_before():
    assert DAILY.key == "daily:2026-03-17"
    assert digest_period("daily", today=date(2026, 3, 18)).key == "daily:2026-03-17"
    assert WEEKLY.key == "weekly:2026-W11"
    assert (WEEKLY.period.first, WEEKLY.period.last) == (date(2026, 3, 9), date(2026, 3, 15))
    assert digest_period("weekly", date(2026, 3, 18), today=date(2026, 3, 30)).key.endswith("W12")
    with pytest.raises(DigestError, match="daily or weekly"):
        digest_period("monthly", today=date(2026, 3, 18))


def test_daily_digests_over_real_smtp(lib, people, mailer, smtp):
    report = send(lib, mailer)
    assert (report.sent, report.empty, report.already, report.failed) == (2, 1, 0, 0)
    got = inbox(smtp)
    assert set(got) == {"ada@example.org", "bob@example.org"}  # cy is weekly; dan's is empty
    ada = got["ada@example.org"]
    assert ada["Subject"] == "paperscope daily digest: Tuesday, 17 March 2026"
    assert ada["From"] == "paperscope <digests@papers.example.org>"
    html = body(ada, "html")
    text = body(ada, "plain")
    ids = {p.title: p.id for p in lib.papers()}
    for title in ("Graph networks for molecules", "A quiet paper"):
        assert f'<a href="{BASE}/papers/{ids[title]}"' in html  # titles link to the paper page
        assert f"{title}\n  {BASE}/papers/{ids[title]}" in text
    # Everything from the library is escaped in the HTML part, and plain in the text part.
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; friends" in html
    assert "Eve &lt;b&gt;Hacker&lt;/b&gt;" in html and HOSTILE in text
    # Abstracts are shortened; the lens found this day's graph paper, not older ones.
    assert "We study graph neural networks" in text and " …" in text
    assert "Your lens “graph”" in text and "An old graph paper" not in text
    assert "Weekly highlight" not in text and "Tomorrow" not in text
    bob = body(got["bob@example.org"], "plain")
    assert "Sparse transformers" in bob and "Top papers" not in bob
    assert statuses(lib) == {people["ada"]: "sent", people["bob"]: "sent", people["dan"]: "empty"}


def test_every_email_has_a_signed_one_click_unsubscribe(lib, people, mailer, smtp):
    send(lib, mailer)
    msg = inbox(smtp)["ada@example.org"]
    link = re.fullmatch(r"<(https://papers\.example\.org/unsubscribe/(\S+))>",
                        msg["List-Unsubscribe"].strip())  # fmt: skip
    assert link and msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link[1] in body(msg, "plain")
    assert link[1] in body(msg, "html")
    assert signer_for(lib).unsubscribe_user(link[2]) == people["ada"]
    # The Message-ID is the same on every build: a resend could be de-duplicated.
    again = DigestBuilder(lib, DAILY, base_url=BASE, signer=signer_for(lib))
    (digest,) = again.build(DigestStore(lib.store).subscribers("daily", DAILY.key, limit=1))
    assert digest.message_id == msg["Message-ID"]


def test_the_unsubscribe_link_works_through_the_app_and_stops_the_next_digest(
    lib, people, mailer, smtp
):
    subscribe(lib, "eve")
    send(lib, mailer)
    text = body(inbox(smtp)["ada@example.org"], "plain")
    path = re.search(rf"{BASE}(/unsubscribe/\S+)", text)[1]
    app = create_app(Settings(database=str(lib.store.path)), clock=lambda: NOW)
    with TestClient(app, base_url="http://paperscope.test") as client:
        page = client.get(path)
        assert page.status_code == 200 and f'action="{path}"' in page.text
        assert DigestStore(lib.store).subscription(people["ada"]) is not None  # GET changes nothing
        # What a mail client sends for one click (RFC 8058): no cookie, no CSRF token.
        done = client.post(path, content="List-Unsubscribe=One-Click",
                           headers={"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
        assert done.status_code == 200 and "Unsubscribed" in done.text
        assert client.post(path).status_code == 200  # a second click is harmless
    assert DigestStore(lib.store).subscription(people["ada"]) is None
    smtp.messages.clear()
    send(lib, mailer, digest_period("daily", date(2026, 3, 18), today=date(2026, 3, 19)))
    assert set(inbox(smtp)) == {"eve@example.org"}  # ada had a lens about graphs too


def test_a_second_run_sends_nothing_to_anyone(lib, people, mailer, smtp):
    send(lib, mailer)
    again = send(lib, mailer)
    assert (again.sent, again.already, again.failed) == (0, 2, 0)
    assert again.empty == 1  # an empty digest is built again (papers may have come since)
    assert len(smtp.messages) == 2


def test_an_empty_digest_is_sent_once_it_has_something(lib, people, mailer, smtp):
    send(lib, mailer)
    assert statuses(lib)[people["dan"]] == "empty"
    with lib.store.transaction():
        lib.store.save_papers([paper("Zebrafish regeneration", DAY)])
    report = send(lib, mailer)
    assert (report.sent, report.already) == (1, 2)
    assert "Zebrafish regeneration" in str(inbox(smtp)["dan@example.org"])


def many(lib, count: int) -> list[int]:
    return [subscribe(lib, f"user{i}") for i in range(count)]


class CrashingMailer(Mailer):
    """Dies (as far as the job can tell) on its ``crash_at``-th message."""

    def __init__(self, base: Mailer, crash_at: int, error: type[BaseException] = RuntimeError):
        super().__init__(base.settings, Path(base.settings.database))
        self.crash_at, self.error, self.calls = crash_at, error, 0

    def send(self, msg):
        self.calls += 1
        if self.calls == self.crash_at:
            raise self.error("the process died here")
        return super().send(msg)


def test_a_crash_halfway_then_a_rerun_sends_everyone_exactly_one(lib, mailer, smtp):
    users = many(lib, 7)
    with pytest.raises(RuntimeError, match="died"):
        send(lib, CrashingMailer(mailer, crash_at=4), batch=3)
    assert len(smtp.messages) == 3
    assert sorted(statuses(lib).values()) == ["failed"] + ["sent"] * 3
    report = send(lib, mailer, batch=3)
    assert (report.sent, report.already, report.failed) == (4, 3, 0)
    assert len(inbox(smtp)) == len(users)
    assert set(statuses(lib).values()) == {"sent"}


def test_an_smtp_server_that_starts_refusing_stops_the_run_and_a_rerun_finishes(lib, mailer, smtp):
    users = many(lib, 8)
    accept = smtp.handle_DATA
    taken = []

    async def refuse_after_two(server, session, envelope):
        if len(taken) >= 2:
            return "451 4.3.0 try again later"
        taken.append(envelope.rcpt_tos)
        return await accept(server, session, envelope)

    smtp.handle_DATA = refuse_after_two  # each message is a new connection: seen from now on
    report = send(lib, mailer)
    assert report.sent == 2 and report.failed == 3 and report.stopped
    assert "451" in report.stopped and "3 failures in a row" in report.stopped
    assert not report.ok
    smtp.handle_DATA = accept
    report = send(lib, mailer)
    assert (report.sent, report.already, report.failed) == (6, 2, 0)
    assert len(inbox(smtp)) == len(users)


def test_a_lone_refused_address_does_not_stop_the_run(lib, mailer, smtp):
    many(lib, 4)
    accept = smtp.handle_DATA

    async def refuse_user1(server, session, envelope):
        if envelope.rcpt_tos == ["user1@example.org"]:
            return "550 5.1.1 no such mailbox"
        return await accept(server, session, envelope)

    smtp.handle_DATA = refuse_user1
    report = send(lib, mailer)
    assert (report.sent, report.failed, report.stopped) == (3, 1, None)
    assert "user1@example.org" in report.errors[0] and "550" in report.errors[0]


def test_a_row_left_sending_by_a_death_after_smtp_accepted_is_not_sent_again(
    lib, mailer, smtp, monkeypatch
):
    many(lib, 3)
    real_mark = DigestStore.mark

    def die_once_sent(self, key, user_id, status):
        if status == "sent" and len(smtp.messages) == 2:
            raise SystemExit("killed between the SMTP 250 and the mark")
        real_mark(self, key, user_id, status)

    monkeypatch.setattr(DigestStore, "mark", die_once_sent)
    with pytest.raises(SystemExit):
        send(lib, mailer)
    monkeypatch.setattr(DigestStore, "mark", real_mark)
    assert sorted(statuses(lib).values()) == ["sending", "sent"]
    report = send(lib, mailer)
    assert (report.sent, report.already, report.in_doubt) == (1, 2, 1)
    assert len(inbox(smtp)) == 3  # nobody got two


def test_ctrl_c_waits_until_the_message_in_hand_is_sent_and_marked(lib, mailer, smtp):
    assert threading.current_thread() is threading.main_thread()
    many(lib, 3)

    class CtrlCDuringSend(Mailer):
        def send(self, msg):
            os.kill(os.getpid(), signal.SIGINT)  # arrives while the message is handed over
            return super().send(msg)

    with pytest.raises(KeyboardInterrupt):
        send(lib, CtrlCDuringSend(mailer.settings, lib.store.files_dir))
    assert list(statuses(lib).values()) == ["sent"] and len(smtp.messages) == 1
    assert send(lib, mailer).sent == 2 and len(inbox(smtp)) == 3


def test_two_runs_at_once_send_each_digest_once(lib, mailer, smtp, tmp_path):
    many(lib, 12)
    results: list = []

    def run():
        with Library(lib.store.path) as own:
            results.append(send(own, mailer, batch=5))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r.sent for r in results) == 12 and sum(r.already for r in results) == 12
    assert len(inbox(smtp)) == 12


def test_dry_run_writes_eml_files_and_records_nothing(lib, people, mailer, smtp, tmp_path):
    folder = tmp_path / "preview"
    report = send(lib, mailer, dry_run=folder)
    assert (report.sent, report.empty) == (2, 1) and "dry run" in report.summary()
    files = sorted(folder.glob("*.eml"))
    assert len(files) == 2 and smtp.messages == [] and statuses(lib) == {}
    parsed = [message_from_bytes(f.read_bytes(), policy=policy.default) for f in files]
    assert {m["To"] for m in parsed} == {"ada@example.org", "bob@example.org"}
    assert all(m["List-Unsubscribe-Post"] for m in parsed)
    assert send(lib, mailer).sent == 2 and len(smtp.messages) == 2


def test_names_and_addresses_that_are_not_ascii(lib, tmp_path):
    subscribe(lib, "ada")
    user = CommunityStore(lib.store).add_user("josé@exämple.org", "jose", "x", admin=False)
    DigestStore(lib.store).save_subscription(
        user.id, period="daily", trending=True, recommended=False
    )
    settings = Settings(database=str(lib.store.path), mail_from="Bücher Digest <d@example.org>")
    send(lib, Mailer(settings, lib.store.files_dir), dry_run=tmp_path)
    parsed = [message_from_bytes(f.read_bytes(), policy=policy.default)
              for f in tmp_path.glob("*.eml")]  # fmt: skip
    by_name = {m["To"].addresses[0].username: m for m in parsed}
    assert set(by_name) == {"ada", "josé"}
    for msg in parsed:
        assert msg["From"].addresses[0].display_name == "Bücher Digest"
        assert msg["From"].addresses[0].addr_spec == "d@example.org"
        assert "Graph networks for molecules" in body(msg, "plain")
        assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_weekly_and_daily_subscribers_get_their_own(lib, people, mailer, smtp):
    send(lib, mailer, WEEKLY)
    assert set(inbox(smtp)) == {"cy@example.org"}
    weekly = smtp.messages[0][1]
    assert weekly["Subject"] == "paperscope weekly digest: week 11 of 2026, 9 Mar – 15 Mar 2026"
    text = body(weekly, "plain")
    assert "Top papers of the week" in text and "Weekly highlight on graph theory" in text
    assert f"{BASE}/papers/week/2026-W11" in text and "Graph networks for molecules" not in text
    assert statuses(lib, WEEKLY.key) == {people["cy"]: "sent"}
    smtp.messages.clear()
    send(lib, mailer, DAILY)
    assert "cy@example.org" not in inbox(smtp) and len(smtp.messages) == 2


@dataclass
class Rec:
    paper: Paper
    reason: str


def test_recommendations_come_from_the_recommender_once_per_batch(lib, mailer, smtp):
    ann = subscribe(lib, "ann", recommended=True)
    ben = subscribe(lib, "ben", trending=False, recommended=True)
    calls = []
    by_title = {p.title: p for p in lib.papers()}

    def recommender(library, user_ids, *, now, k, days):
        calls.append((sorted(user_ids), now, k, days))
        picks = [Rec(by_title["Graph networks for molecules"], "Like papers you upvoted"),
                 Rec(by_title["Sparse transformers"], "Because you read <i>attention</i>")]  # fmt: skip
        return {uid: picks for uid in user_ids}

    send(lib, mailer, recommender=recommender)
    assert calls == [([ann, ben], DAILY.end, 10, 1)]
    got = inbox(smtp)
    ann_text = body(got["ann@example.org"], "plain")
    assert "Recommended for you" in ann_text and "Because you read <i>attention</i>" in ann_text
    # Papers the feed section already shows are not recommended again.
    assert ann_text.count("Graph networks for molecules") == 1
    ben_html = body(got["ben@example.org"], "html")
    assert "Like papers you upvoted" in ben_html and "&lt;i&gt;attention&lt;/i&gt;" in ben_html


def test_the_real_recommender_is_asked_once_per_run(lib, mailer, smtp, monkeypatch):
    from paperscope import recommend

    made = []
    real = recommend.Recommender.__init__

    def counted(self, *args, **kwargs):
        made.append(kwargs["now"])
        real(self, *args, **kwargs)

    ids = [subscribe(lib, f"r{i}", trending=False, recommended=True) for i in range(3)]
    # Asked before the run: once sent, a digest's papers are seen, and not recommended again.
    (first, *_) = recommend.recommend_many(lib, ids[:1], now=DAILY.end, k=10, days=1)[ids[0]]
    monkeypatch.setattr(recommend.Recommender, "__init__", counted)
    report = send(lib, mailer, batch=2)
    assert report.sent == 3 and made == [DAILY.end]  # one model for two batches
    text = body(inbox(smtp)["r0@example.org"], "plain")
    assert "Recommended for you" in text and f"{first.paper.title}\n" in text
    assert first.reason in text  # the recommender's own words for why


def test_unsubscribe_tokens_are_signed_per_user_and_instance():
    signer, other = Signer("a" * 64), Signer("b" * 64)
    token = signer.unsubscribe_token(42)
    assert signer.unsubscribe_user(token) == 42
    user, sig = token.split(".")
    for forged in [f"43.{sig}", other.unsubscribe_token(42), f"{user}.{sig[:-1]}", f"{user}.",
                   sig, "", "42", f"-1.{sig}", f"{user}.{sig}x", f"０42.{sig}"]:  # fmt: skip
        assert signer.unsubscribe_user(forged) is None, forged


def test_the_instance_secret_is_made_once_even_by_racing_processes(tmp_path):
    path = tmp_path / "library.db"
    Library(path).close()
    found: list[str] = []

    def make():
        with Library(path) as lib:
            found.append(DigestStore(lib.store).secret("digests"))

    threads = [threading.Thread(target=make) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(found)) == 1 and len(found[0]) == 64
    with contextlib.closing(sqlite3.connect(path)) as conn:
        assert conn.execute("SELECT count(*) FROM instance_secrets").fetchone() == (1,)


# -- lenses, "new since last time", "not interested" ------------------------------------------


def lens_of(lib: Library, user_id: int):
    (lens,) = lib.lenses.of_user(user_id)
    return lens


def test_a_lens_section_in_a_sent_digest(lib, mailer, smtp):
    with lib.store.transaction():
        lib.store.save_papers([paper(f"Graph paper number {n}", DAY) for n in range(6)])
    ada = subscribe(lib, "ada", trending=False, lenses=({"name": "Graphs <b>", "q": "graph"},))
    bob = subscribe(lib, "bob", trending=False, lenses=({"q": "graph", "in_digest": False},))
    assert send(lib, mailer).sent == 1  # bob's only lens is not in his digest: nothing to send
    msg = inbox(smtp)["ada@example.org"]
    text, html = body(msg, "plain"), body(msg, "html")
    lens = lens_of(lib, ada)
    assert "Your lens Graphs <b>\n" in text and "Your lens Graphs &lt;b&gt;</h2>" in html
    # Best first, five of the seven graph papers of the day; the rest are on the lens's page.
    assert text.count("\n* ") == 5 and "An old graph paper" not in text
    assert f"More of this lens on the site: {BASE}/lenses/{lens.id}\n" in text
    assert f'<a href="{BASE}/lenses/{lens.id}"' in html
    assert statuses(lib) == {ada: "sent", bob: "empty"}


def test_each_distinct_lens_is_matched_once_for_everyone(lib, mailer, smtp):
    for i in range(6):
        subscribe(lib, f"s{i}", lenses=({"q": "graph"}, {"categories": ["cs.CL"]}))
    # Ranked for its owner, the same words are another lens for each person.
    for i in range(2):
        subscribe(lib, f"r{i}", lenses=({"q": "graph", "ranked": True},))
    report = send(lib, mailer, batch=4)
    assert report.sent == 8 and report.lenses_run == 4
    assert "Sparse transformers" in body(inbox(smtp)["s5@example.org"], "plain")


def test_a_description_lens_matches_by_meaning(lib, mailer, smtp):
    """The shipped embedding model: a description that shares no word with a
    title still finds it, and finds nothing far from it."""
    with lib.store.transaction():
        lib.store.save_papers([
            paper("Predicting protein structure from amino acid sequences", DAY),
            paper("Enzyme design by deep learning on protein backbones", DAY),
            paper("Auction design for selling advertising slots", DAY),
        ])  # fmt: skip
    lib.sync_index()
    assert lib.embed() > 0
    subscribe(lib, "ada", trending=False,
              lenses=({"name": "Folding", "about": "how proteins fold, in biology"},))  # fmt: skip
    send(lib, mailer)
    text = body(inbox(smtp)["ada@example.org"], "plain")
    assert "Your lens Folding" in text
    assert "Predicting protein structure" in text and "Enzyme design" in text
    assert "Auction design" not in text and "Sparse transformers" not in text


def test_seen_papers_are_left_out_of_the_next_digest(lib, mailer, smtp):
    ada = subscribe(lib, "ada", trending=False, lenses=({"q": "graph"},))
    send(lib, mailer)
    first = body(inbox(smtp)["ada@example.org"], "plain")
    assert "Graph networks for molecules" in first and "new since your last digest" not in first
    ids = {p.title: p.id for p in lib.papers()}
    assert lib.feedback.seen([ada]) == {ada: {ids["Graph networks for molecules"]}}
    # Next, the week of that day (16 to 22 March): the paper already sent is
    # left out, so is the one she opened on the site; the new one is in.
    with lib.store.transaction():
        lib.store.save_papers([paper("Graph sparsifiers", "2026-03-19")])
    lib.feedback.mark_seen(ada, [ids["Tomorrow's graph paper"]], "opened")
    DigestStore(lib.store).save_subscription(ada, period="weekly", trending=False,
                                             recommended=False)  # fmt: skip
    smtp.messages.clear()
    send(lib, mailer, digest_period("weekly", date(2026, 3, 17), today=date(2026, 3, 23)))
    msg = inbox(smtp)["ada@example.org"]
    text = body(msg, "plain")
    assert "Graph sparsifiers" in text and "1 new since your last digest." in text
    assert "Graph networks for molecules" not in text and "Tomorrow's graph paper" not in text
    assert "1 new since your last digest." in body(msg, "html")


def test_the_feed_section_stays_the_same_for_everyone(lib, mailer, smtp):
    ada = subscribe(lib, "ada")
    ids = {p.title: p.id for p in lib.papers()}
    lib.feedback.mark_seen(ada, [ids["Graph networks for molecules"]], "opened")
    send(lib, mailer)
    text = body(inbox(smtp)["ada@example.org"], "plain")
    assert "Graph networks for molecules" in text and "Not interested" not in text


def test_not_interested_links_through_the_app(lib, mailer, smtp):
    ada = subscribe(lib, "ada", trending=False, lenses=({"q": "graph"},))
    send(lib, mailer)
    text = body(inbox(smtp)["ada@example.org"], "plain")
    (path,) = re.findall(rf"Not interested: {BASE}(/not-interested/\S+)", text)
    graph = {p.title: p.id for p in lib.papers()}["Graph networks for molecules"]
    user, encoded, signature = path.rsplit("/", 1)[1].split(".")
    altered = signature[:-1] + ("B" if signature[-1] == "A" else "A")
    forged = [f"/not-interested/{int(user) + 1}.{encoded}.{signature}",
              f"/not-interested/{user}.{encoded[:-2]}.{signature}",
              f"/not-interested/{user}.{encoded}.{altered}", "/not-interested/x",
              f"/not-interested/{user}.{encoded}"]  # fmt: skip
    app = create_app(Settings(database=str(lib.store.path)), clock=lambda: NOW)
    with TestClient(app, base_url="http://paperscope.test") as client:
        for bad in forged:
            for method in (client.get, client.post):
                r = method(bad)
                assert r.status_code in (400, 403), (bad, r.status_code)
        page = client.get(path)  # what a mail scanner does: nothing changes
        assert page.status_code == 200 and "Graph networks for molecules" in page.text
        assert f'action="{path}"' in page.text
        assert lib.feedback.dismissed([ada]) == {}
        assert client.post(path).status_code == 403  # the page's own form token is needed
        token = re.search(r'name="csrf" value="([^"]+)"', page.text)[1]
        for bad in forged[:3]:  # with a good form token, a forged link still changes nothing
            assert client.post(bad, data={"csrf": token}).status_code == 400
        assert lib.feedback.dismissed([ada]) == {}
        done = client.post(path, data={"csrf": token})
        assert done.status_code == 200 and "will not be recommended to you again" in done.text
        assert client.post(path, data={"csrf": token}).status_code == 200  # twice is harmless
    assert lib.feedback.dismissed([ada]) == {ada: {graph}}
    # Dismissed, and no longer seen, it stays out of her lens all the same.
    with lib.store.transaction():
        lib.store.conn.execute("DELETE FROM seen_papers")
    smtp.messages.clear()
    send(lib, mailer, digest_period("weekly", date(2026, 3, 17), today=date(2026, 3, 23)))
    assert inbox(smtp) == {}  # weekly subscribers: none yet
    DigestStore(lib.store).save_subscription(ada, period="weekly", trending=False,
                                             recommended=False)  # fmt: skip
    send(lib, mailer, digest_period("weekly", date(2026, 3, 17), today=date(2026, 3, 23)))
    weekly = body(inbox(smtp)["ada@example.org"], "plain")
    assert "Tomorrow's graph paper" in weekly and "Graph networks for molecules" not in weekly


def test_not_interested_tokens_are_signed_per_user_paper_and_instance():
    signer, other = Signer("a" * 64), Signer("b" * 64)
    for paper_id in ("2401.00001", "hep-th/0601001", "t-/../../logout?", "é.ü"):
        token = signer.not_interested_token(7, paper_id)
        assert signer.not_interested(token) == (7, paper_id)
        assert re.fullmatch(r"[0-9]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+", token)  # one segment
    token = signer.not_interested_token(7, "2401.00001")
    user, paper_id, sig = token.split(".")
    assert signer.not_interested_token(8, "2401.00001").split(".")[2] != sig
    for forged in [f"8.{paper_id}.{sig}", other.not_interested_token(7, "2401.00001"),
                   signer.not_interested_token(7, "2401.00002").rsplit(".", 1)[0] + f".{sig}",
                   f"{user}.{paper_id}", f"{user}.{paper_id}.{sig}.x", "", f"٧.{paper_id}.{sig}",
                   f"{user}.{paper_id}=.{sig}", signer.unsubscribe_token(7)]:  # fmt: skip
        assert signer.not_interested(forged) is None, forged


# -- saved searches of an older schema -------------------------------------------------------


OLD_SEARCHES = [{"q": "graph networks", "cat": "cs.LG"}, {"author": "Ada Lovelace"},
                {"q": "a 'quoted' “word”"}]  # fmt: skip


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_saved_searches_of_an_older_library_become_lenses(backend, tmp_path, request):
    """A library made before lenses (SQLite migration 0009, PostgreSQL 0005),
    with saved searches in its subscriptions: opened by this paperscope, each
    search is a lens in its owner's digest, and the digest sends it."""
    from paperscope.store.base import migrations

    dialect, last = ("sqlite", 9) if backend == "sqlite" else ("postgresql", 5)
    users = [(1, "ada@example.org", "ada", "x", 0, "2026-01-01T00:00:00Z"),
             (2, "bob@example.org", "bob", "x", 0, "2026-01-01T00:00:00Z")]  # fmt: skip
    subs = [(1, "daily", 0, 0, json.dumps(OLD_SEARCHES), "2026-01-02", "2026-01-02"),
            (2, "weekly", 1, 0, "[]", "2026-01-02", "2026-01-02")]  # fmt: skip
    shipped = [m for m in migrations(dialect) if m[0] <= last]
    if backend == "sqlite":
        url = str(tmp_path / "old.db")
        with contextlib.closing(sqlite3.connect(url)) as conn:
            conn.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY,"
                         " name TEXT NOT NULL, applied_at TEXT NOT NULL)")  # fmt: skip
            for number, name, sql in shipped:
                conn.executescript(sql)
                conn.execute("INSERT INTO schema_migrations VALUES (?, ?, 'then')", (number, name))
            conn.executemany("INSERT INTO users VALUES (?, ?, ?, ?, ?, ?)", users)
            conn.executemany("INSERT INTO subscriptions VALUES (?, ?, ?, ?, ?, ?, ?)", subs)
            conn.commit()
    else:
        import psycopg

        server = request.getfixturevalue("pg_server")
        url = server.new_database(schema=False)
        request.addfinalizer(lambda: server.drop_database(url))
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY,"
                         " name TEXT NOT NULL, applied_at TEXT NOT NULL)")  # fmt: skip
            for number, name, sql in shipped:
                conn.execute(sql)
                conn.execute("INSERT INTO schema_migrations VALUES (%s, %s, 'then')",
                             (number, name))  # fmt: skip
            conn.cursor().executemany("INSERT INTO users VALUES (%s, %s, %s, %s, %s, %s)", users)
            conn.cursor().executemany(
                "INSERT INTO subscriptions VALUES (%s, %s, %s, %s, %s, %s, %s)", subs
            )
    with Library(url) as lib:
        found = {
            (x.q, x.categories, x.authors, x.in_digest, x.about) for x in lib.lenses.of_user(1)
        }
        assert found == {("graph networks", ("cs.LG",), (), True, ""),
                         ("", (), ("Ada Lovelace",), True, ""),
                         ("a 'quoted' “word”", (), (), True, "")}  # fmt: skip
        names = {x.name for x in lib.lenses.of_user(1)}
        assert names == {"“graph networks” in cs.LG", "by Ada Lovelace", "“a 'quoted' “word””"}
        assert lib.lenses.of_user(2) == []
        assert lib.subscriptions.subscription(1).searches == ()  # emptied, the lenses hold them
        tokens = {x.feed_token for x in lib.lenses.of_user(1)}
        assert len(tokens) == 3 and all(len(t) >= 32 for t in tokens)
        with lib.store.transaction():
            lib.store.save_papers([paper("Graph networks for molecules", DAY, categories=["cs.LG"]),
                                   paper("Counting engines", DAY, authors=["Ada Lovelace"])])  # fmt: skip
        (digest,) = DigestBuilder(lib, DAILY, base_url=BASE, signer=signer_for(lib)).build(
            lib.subscriptions.subscribers("daily", DAILY.key)
        )
        assert [s.title for s in digest.sections] == [
            "Your lens by Ada Lovelace", "Your lens “graph networks” in cs.LG"]  # fmt: skip


# -- the command line -------------------------------------------------------------------------


@pytest.fixture
def run(lib, monkeypatch, smtp):
    for name, value in {"PAPERSCOPE_DB": str(lib.store.path), "PAPERSCOPE_SMTP_HOST": smtp.host,
                        "PAPERSCOPE_SMTP_PORT": str(smtp.port),
                        "PAPERSCOPE_SMTP_SECURITY": "none"}.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("PAPERSCOPE_BASE_URL", raising=False)
    runner = CliRunner()

    def invoke(*args: str, code: int = 0):
        result = runner.invoke(cli, list(args))
        assert result.exit_code == code, result.output + str(result.exception or "")
        return result

    return invoke


def test_cli_digest_send_end_to_end(run, people, smtp, tmp_path, monkeypatch):
    preview = run("digest", "send", "--period", "daily", "--date", DAY, "--dry-run",
                  str(tmp_path / "eml"), "--base-url", BASE)  # fmt: skip
    assert "2 written to" in preview.output and "nothing recorded" in preview.output
    assert len(list((tmp_path / "eml").glob("*.eml"))) == 2 and smtp.messages == []
    first = run("digest", "send", "--period", "daily", "--date", DAY, "--base-url", BASE)
    assert "digest daily:2026-03-17: 2 sent, 1 empty, 0 already sent, 0 failed" in first.output
    assert BASE in str(smtp.messages[0][1])
    nowhere = run("digest", "send", "--period", "daily", "--date", DAY, code=2)
    assert "public address" in nowhere.output  # never links to a made-up host
    monkeypatch.setenv("PAPERSCOPE_BASE_URL", BASE)
    second = run("digest", "send", "--period", "daily", "--date", DAY)
    assert "0 sent, 1 empty, 2 already sent, 0 failed" in second.output
    weekly = run("digest", "send", "--period", "weekly", "--date", "2026-03-11")
    assert "digest weekly:2026-W11: 1 sent" in weekly.output
    assert len(inbox(smtp)) == 3


def test_cli_stops_clearly_when_smtp_is_unreachable_and_a_rerun_continues(
    run, lib, people, smtp, monkeypatch
):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = s.getsockname()[1]
    monkeypatch.setenv("PAPERSCOPE_SMTP_PORT", str(dead))
    monkeypatch.setenv("PAPERSCOPE_BASE_URL", BASE)
    for i in range(3):
        subscribe(lib, f"late{i}")
    failed = run("digest", "send", "--period", "daily", "--date", DAY, code=1)
    assert f"error: stopped: 3 failures in a row, the last: SMTP 127.0.0.1:{dead}" in failed.output
    assert "0 sent" in failed.output and "3 failed" in failed.output
    monkeypatch.setenv("PAPERSCOPE_SMTP_PORT", str(smtp.port))
    done = run("digest", "send", "--period", "daily", "--date", DAY)
    assert "5 sent, 1 empty, 0 already sent, 0 failed" in done.output
    assert len(inbox(smtp)) == 5


def test_cli_refuses_bad_and_unfinished_periods(run):
    assert "daily or weekly" in run("digest", "send", "--period", "hourly", code=2).output
    assert "not a real day" in run("digest", "send", "--period", "daily", "--date", "2026-13-01",
                                   code=2).output  # fmt: skip
    assert "not a date like" in run("digest", "send", "--period", "daily", "--date", "20261101",
                                    code=2).output  # fmt: skip
    future = run("digest", "send", "--period", "weekly", "--date", "2999-01-01", code=2)
    assert "is not over yet" in future.output


def test_schedule_prints_cron_lines_that_run_the_pipeline(run, lib, people, smtp):
    printed = run("schedule", "--at", "05:30", "--weekly-on", "sun", "--set", "math",
                  "--from", "2026-01-01", "--base-url", BASE).output  # fmt: skip
    lines = [line for line in printed.splitlines() if line and not line.startswith("#")]
    assert lines[:3] == ["CRON_TZ=UTC", f"PAPERSCOPE_DB={lib.store.path.resolve()}",
                         f"PAPERSCOPE_BASE_URL={BASE}"]  # fmt: skip
    daily, weekly, hooks = lines[3:]
    assert daily.startswith("30 5 * * 1,2,3,4,5,6 flock ") and weekly.startswith(
        "30 5 * * 0 flock "
    )
    # The lenses' webhooks every quarter of an hour, skipped while the last run still posts.
    assert hooks.startswith("*/15 * * * * flock -n ")
    command = shlex.split(hooks)[9:11]  # */15 * * * * flock -n LOCK paperscope lenses deliver
    assert command == ["lenses", "deliver"]
    run(*command, "--help")
    steps = shlex.split(weekly)[9]  # 30 5 * * 0 flock LOCK sh -c '...'
    commands = [c.strip() for c in steps.split(";")]
    assert [c.split()[1:3] for c in commands] == [["harvest", "arxiv"], ["embed", "-q"],
                                                  ["digest", "send"], ["digest", "send"]]  # fmt: skip
    assert "--set math --from 2026-01-01" in commands[0] and commands[3].endswith("weekly -q")
    for command in commands:  # each line parses as the command it names
        run(*shlex.split(command)[1:], "--help")
    assert "not a date" in run("schedule", "--from", "2026-02-30", code=2).output
    assert "not a time" in run("schedule", "--at", "25:00", code=2).output
