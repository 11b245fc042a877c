"""Accounts on a real SQLite file: passwords, sessions, resets, limits, votes."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher

from paperscope.accounts import LOGIN_BACKOFF, AccountError, Accounts, RateLimited, token_hash
from paperscope.models import new_paper
from paperscope.store.community import CommunityStore

# Real argon2id, with small costs so that a test suite can hash hundreds of times.
FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
PASSWORD = "correct horse battery"


class Clock:
    def __init__(self):
        self.now = datetime(2026, 11, 20, 12, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def accounts(store, clock) -> Accounts:
    return Accounts(CommunityStore(store), clock=clock, hasher=FAST)


def test_the_first_account_is_an_admin_and_names_are_checked(accounts):
    first = accounts.sign_up("ada@example.org", "ada", PASSWORD)
    second = accounts.sign_up("alan@example.org", "alan", PASSWORD)
    assert first.is_admin and not second.is_admin
    for email, name, password, words in [
        ("not-an-email", "bob", PASSWORD, "not an email address"),
        ("bob@example.org", "b", PASSWORD, "a name is 2 to 40"),
        ("bob@example.org", "<script>", PASSWORD, "a name is"),
        (
            "bob@example.org",
            "bob",
            "short",
            "a password is 10 to 1,024 characters (this one has 5)",
        ),
        ("ADA@example.org", "bob", PASSWORD, "that email address already has an account"),
        ("bob@example.org", "ADA", PASSWORD, "that name already has an account"),
    ]:
        with pytest.raises(AccountError, match=words.replace("(", r"\(").replace(")", r"\)")):
            accounts.sign_up(email, name, password)


def test_passwords_are_stored_as_argon2id_only(accounts, store):
    accounts.sign_up("ada@example.org", "ada", PASSWORD)
    (stored,) = store.conn.execute("SELECT password_hash FROM users").fetchone()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_log_in_makes_a_fresh_session_each_time_and_log_out_ends_it(accounts, store):
    accounts.sign_up("ada@example.org", "ada", PASSWORD)
    with pytest.raises(AccountError, match="wrong email address or password"):
        accounts.log_in("ada@example.org", "wrong password!")
    with pytest.raises(AccountError, match="wrong email address or password"):
        accounts.log_in("nobody@example.org", PASSWORD)
    one = accounts.log_in("ADA@example.org", PASSWORD)
    two = accounts.log_in("ada@example.org", PASSWORD)
    assert one.token != two.token and one.csrf != two.csrf  # no fixation: always new
    assert accounts.session(one.token)[0].name == "ada"
    (kept,) = store.conn.execute("SELECT token_hash FROM sessions LIMIT 1").fetchone()
    assert kept in (token_hash(one.token), token_hash(two.token))  # the token itself is not kept
    accounts.log_out(one.token)
    assert accounts.session(one.token) is None
    assert accounts.session(two.token) is not None
    assert accounts.session("made-up") is None and accounts.session(None) is None


def test_sessions_expire(accounts, clock):
    accounts.sign_up("ada@example.org", "ada", PASSWORD)
    session = accounts.log_in("ada@example.org", PASSWORD)
    clock.now += timedelta(days=31)
    assert accounts.session(session.token) is None


def test_reset_tokens_work_once_expire_and_sign_out_everywhere(accounts, clock):
    accounts.sign_up("ada@example.org", "ada", PASSWORD)
    session = accounts.log_in("ada@example.org", PASSWORD)
    assert accounts.prepare_reset("nobody@example.org") is None
    user, token = accounts.prepare_reset("ada@example.org")
    accounts.reset_password(token, "a brand new password")
    assert accounts.session(session.token) is None
    accounts.log_in("ada@example.org", "a brand new password")
    with pytest.raises(AccountError, match="invalid, used or expired"):
        accounts.reset_password(token, "yet another password")
    _, late = accounts.prepare_reset("ada@example.org")
    clock.now += timedelta(minutes=61)
    with pytest.raises(AccountError, match="invalid, used or expired"):
        accounts.reset_password(late, "yet another password")


def test_a_reset_token_spent_twice_at_once_succeeds_once(accounts):
    accounts.sign_up("ada@example.org", "ada", PASSWORD)
    _, token = accounts.prepare_reset("ada@example.org")
    results: list[str] = []

    def spend() -> None:
        try:
            accounts.reset_password(token, "a brand new password")
            results.append("ok")
        except AccountError:
            results.append("refused")

    threads = [threading.Thread(target=spend) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok"] + ["refused"] * 7


def test_failed_log_ins_back_off_the_guesser_and_never_lock_the_owner_out(accounts, clock):
    accounts.sign_up("ada@example.org", "ada", PASSWORD)
    free, _ = LOGIN_BACKOFF["pair"]
    for _ in range(free + 1):
        with pytest.raises(AccountError, match="wrong email address or password"):
            accounts.log_in("ada@example.org", "wrong password!", client="10.0.0.1")
    # The guesser now waits, twice as long after each further failure...
    with pytest.raises(RateLimited, match="try again in 3 seconds") as limited:
        accounts.log_in("ada@example.org", "wrong password!", client="10.0.0.1")
    assert limited.value.retry_after == 3
    clock.now += timedelta(seconds=3)
    with pytest.raises(AccountError, match="wrong email address or password"):
        accounts.log_in("ada@example.org", "wrong password!", client="10.0.0.1")
    with pytest.raises(RateLimited, match="try again in 5 seconds"):
        accounts.log_in("ada@example.org", PASSWORD, client="10.0.0.1")
    # ... while the owner, elsewhere, logs in at once: no lock-out for a stranger to cause.
    assert accounts.log_in("ada@example.org", PASSWORD, client="10.0.0.2").user.name == "ada"


def test_successful_log_ins_are_never_counted(accounts):
    accounts.sign_up("ada@example.org", "ada", PASSWORD)
    for _ in range(3 * LOGIN_BACKOFF["pair"][0]):
        assert accounts.log_in("ada@example.org", PASSWORD, client="10.0.0.1")


def test_a_success_clears_the_failures_of_that_address(accounts):
    accounts.sign_up("ada@example.org", "ada", PASSWORD)
    free, _ = LOGIN_BACKOFF["pair"]
    for _round in range(3):
        for _ in range(free):  # up to the free failures, then the right password
            with pytest.raises(AccountError):
                accounts.log_in("ada@example.org", "typo in it", client="10.0.0.1")
        accounts.log_in("ada@example.org", PASSWORD, client="10.0.0.1")


def test_many_addresses_on_one_account_are_slowed_for_a_minute_at_most(accounts, clock):
    accounts.sign_up("ada@example.org", "ada", PASSWORD)
    free, cap = LOGIN_BACKOFF["account"]
    addresses = (f"10.1.{n // 250}.{n % 250}" for n in range(10_000))
    for _ in range(free + 1):
        with pytest.raises(AccountError, match="wrong email"):
            accounts.log_in("ada@example.org", "wrong password!", client=next(addresses))
        clock.now += timedelta(seconds=1)
    # An attacker with many addresses fails again as soon as each wait is over:
    # the owner's wait grows, but never past the cap.
    waits = []
    for _ in range(12):
        with pytest.raises(RateLimited) as limited:
            accounts.log_in("ada@example.org", PASSWORD, client="10.9.9.9")
        waits.append(limited.value.retry_after)
        clock.now += timedelta(seconds=limited.value.retry_after)
        with pytest.raises(AccountError, match="wrong email"):
            accounts.log_in("ada@example.org", "wrong password!", client=next(addresses))
    assert waits == sorted(waits) and waits[-1] <= cap + 1 and waits[0] < waits[-1]
    clock.now += timedelta(seconds=cap + 1)
    assert accounts.log_in("ada@example.org", PASSWORD, client="10.9.9.9")


def test_a_reset_or_a_password_change_spends_every_older_reset_token(accounts):
    accounts.sign_up("ada@example.org", "ada", PASSWORD)
    _, first = accounts.prepare_reset("ada@example.org")
    _, second = accounts.prepare_reset("ada@example.org")
    accounts.reset_password(second, "a brand new password")
    assert not accounts.reset_is_usable(first)
    with pytest.raises(AccountError, match="invalid, used or expired"):
        accounts.reset_password(first, "an attacker's password")
    user, third = accounts.prepare_reset("ada@example.org")
    session = accounts.log_in("ada@example.org", "a brand new password")
    with pytest.raises(AccountError, match="current password is wrong"):
        accounts.change_password(user.id, "not it at all", "a third password!")
    assert accounts.reset_is_usable(third)
    accounts.change_password(user.id, "a brand new password", "a third password!")
    assert not accounts.reset_is_usable(third) and accounts.session(session.token) is None
    assert accounts.log_in("ada@example.org", "a third password!")


def test_votes_toggle_and_count_exactly_under_concurrency(store, accounts):
    with store.transaction():
        store.save_papers([new_paper(title="A paper", source="hf-page", upvotes=5)])
    (paper_id,) = store.conn.execute("SELECT id FROM papers").fetchone()
    users = [accounts.sign_up(f"u{i}@example.org", f"user{i}", PASSWORD) for i in range(40)]
    db = CommunityStore(store)
    seq = store.last_change()
    barrier = threading.Barrier(len(users))

    def vote(user) -> None:
        barrier.wait()
        for _ in range(3):  # on, off, on
            db.toggle_vote(user.id, paper_id)

    threads = [threading.Thread(target=vote, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    paper = store.get(paper_id)
    assert (paper.upvotes, paper.votes, paper.total_upvotes) == (5, 40, 45)
    assert store.last_change() > seq  # the indexes and page cache hear about votes
    assert db.toggle_vote(users[0].id, paper_id) == (False, 44)
    assert db.voted(users[0].id, [paper_id]) == set()
    assert db.voted(users[1].id, [paper_id, "other"]) == {paper_id}


def test_an_import_never_overwrites_the_vote_count(store, accounts):
    with store.transaction():
        store.save_papers([new_paper(title="A paper", source="hf-page", upvotes=5)])
    (paper_id,) = store.conn.execute("SELECT id FROM papers").fetchone()
    user = accounts.sign_up("ada@example.org", "ada", PASSWORD)
    CommunityStore(store).toggle_vote(user.id, paper_id)
    with store.transaction():
        store.save_papers([new_paper(title="A paper", source="hf-page", upvotes=9)])
    assert (store.get(paper_id).upvotes, store.get(paper_id).votes) == (9, 1)
